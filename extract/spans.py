"""Spans and the scanning primitives every recogniser shares: a name scanned leftwards
from its head to the first verb or function word, a phase or bracket absorbed on its right,
list members trimmed and checked, the kind a suffix gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon as lx
from .vocab import CJK

_NAME_CHAR = re.compile(rf"[{CJK}A-Za-z0-9·—\-/]")


_MAX_NAME = 16


_COUNT = re.compile(
    r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十两几]+)(?:个|座|所|家|处|条|片|幅|张|台|项|批|类|公里|万平方米)"
    r"(?:市级|区级)?“?$"
)


_PAREN_TAIL = re.compile(r"^（[^（），。；、]{1,14}）")


_PHASE_TAIL = re.compile(r"^(?:[一二三四五六七八九十\d]+期|[东西南北中]区|首开区|[东西南北]段)")


_PHASE_END = re.compile(r"(?:[一二三四五六七八九十\d]+期|[东西南北中]区|首开区|[东西南北]段)$")


_GENERIC = re.compile(
    r"[“”\d—\-]|[一二两三四五六七八九十]大|"
    + "|".join(sorted(map(re.escape, lx.GENERIC_MODIFIERS), key=len, reverse=True))
)


STOP_BY_LEN: dict[int, frozenset[str]] = {
    n: frozenset(w for w in lx.STOP_WORDS if len(w) == n) for n in {len(w) for w in lx.STOP_WORDS}
}


STOP_LENS = sorted(STOP_BY_LEN, reverse=True)


SUFFIX_RE = re.compile("|".join(sorted(map(re.escape, lx.SUFFIXES), key=len, reverse=True)))


MEMBER_SPLIT = "、"


CLAUSE_DELIMS = "，。；：！？\t\n"


BLOCKED_NAMES = ("美丽家园", "共同家园", "美丽楼组", "幸福小区", "和谐街区", "校园", "居村")


_TRIM_TAILS = (
    "沿线",
    "周边",
    "沿岸",
    "一带",
    "住宅部分",
    "改造",
    "建设",
    "项目",
    "工程",
    "更新",
    "升级",
    "提升",
    "配套",
    "新建",
    "改扩建",
    "扩建",
    "商办",
    "附属空间",
)


@dataclass(frozen=True)
class Span:
    """A candidate in sentence coordinates; ``name`` may differ from ``text[start:end]``."""

    start: int
    end: int
    name: str
    kind: str
    category: str
    rule: str
    #: the text that places it when that is not the name (a designation placed by its sentence)
    location: str = ""


_NAME_TAIL_START = re.compile(r"路|[一二三四五六七八九十\d]+[路村]")


def _stop_before(s: str, p: int) -> bool:
    for n in STOP_LENS:
        if p - n >= 0 and s[p - n : p] in STOP_BY_LEN[n]:
            if n == 1 and (s[p - 2 : p] in lx.NAME_BIGRAMS or s[p - 1 : p + 1] in lx.NAME_BIGRAMS):
                continue
            if n == 1 and _NAME_TAIL_START.match(s, p):
                continue  # 永和路, 永和二村: a name does not start with its road or village ending
            return True
    return False


def extend_left(s: str, p: int, limit: int = _MAX_NAME) -> int:
    """Leftmost start of the name whose head begins at ``p`` (stops at verbs, 的, punctuation)."""
    q = p
    while q > 0 and p - q < limit:
        if s[q - 1] == "）":
            open_at = s.rfind("（", max(0, q - 16), q - 1)
            if open_at <= 0 or _stop_before(s, q) or not _NAME_CHAR.match(s[open_at - 1]):
                break
            q = open_at
            continue
        if not _NAME_CHAR.match(s[q - 1]) or _stop_before(s, q):
            break
        q -= 1
    return q


def extend_right(s: str, e: int) -> int:
    """Absorb a qualifier or a phase after a name: ``（四期）``, ``二期``, ``东区``."""
    for _ in range(2):
        m = _PAREN_TAIL.match(s[e:]) or _PHASE_TAIL.match(s[e:])
        if not m:
            break
        e += m.end()
    return e


def is_generic(modifier: str) -> bool:
    """True when ``modifier`` is only generic words ("城市", "社区综合") or empty."""
    return not _GENERIC.sub("", modifier)


_COUNT_IN = re.compile(
    r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十两几百千万亿]+)(?:个|座|所|家|处|条|片|幅|张|台|项|批|类|公里)"
)


def counted(s: str, start: int, modifier: str = "") -> bool:
    """A bare count: "新增3座口袋公园", "在四大功能区", "26家园区"."""
    return bool(_COUNT.search(s[max(0, start - 12) : start]) or _COUNT_IN.search(modifier))


def suffix_of(name: str) -> str | None:
    core = re.sub(r"（[^（）]*）$", "", name)
    core = _PHASE_END.sub("", core) or core
    for n in range(min(SUFFIX_MAXLEN, len(core)), 0, -1):
        if core[-n:] in lx.SUFFIXES:
            return core[-n:]
    return None


def trim_member(text: str) -> tuple[int, str]:
    """Strip leading verbs/framing and anything up to a 的 from an enumeration member."""
    offset = 0
    while text and not _NAME_CHAR.match(text[0]) and text[0] not in "“（":
        offset, text = offset + 1, text[1:]
    if "的" in text:
        cut = text.rindex("的") + 1
        offset, text = offset + cut, text[cut:]
    changed = True
    while changed and text:
        changed = False
        for n in STOP_LENS:
            if len(text) > n and text[:n] in STOP_BY_LEN[n]:
                offset, text = offset + n, text[n:]
                changed = True
                break
    return offset, text


def valid_member(name: str) -> bool:
    if not 2 <= len(name) <= 24 or re.fullmatch(r"[\d.%]+", name):
        return False
    if name.endswith(lx.NON_PLACE_ENDINGS):
        return False
    if any(w in name for w in lx.NON_PLACE_WORDS):
        return False
    if ("“" in name or "”" in name) and not re.search(r"[路街]", re.sub(r"“[^”]*”", "", name)):
        return False
    if name in lx.STOP_WORDS or _COUNT_IN.search(name):
        return False
    if re.search(r"[%％]|万平方米|亿元", name) or name in BLOCKED_NAMES:
        return False
    return not is_generic(name)


def suffix_kind(name: str, suffix: str) -> tuple[str, str]:
    """Kind and category of a name ending in ``suffix``; a street's 片区 is a street-scape area."""
    modifier = name[: name.rfind(suffix)]
    if suffix == "片区" and modifier.endswith((*lx.ROAD_ENDINGS, "长")):
        return "beautiful_block", "streetscape"
    return lx.SUFFIXES[suffix]


def typed_kind(name: str, default: tuple[str, str]) -> tuple[str, str]:
    if default[0] == "beautiful_block":
        return default
    suffix = suffix_of(name)
    if suffix == "片区":
        return suffix_kind(name, suffix)
    if suffix and suffix not in lx.WEAK_SUFFIXES:
        return lx.SUFFIXES[suffix]
    if suffix and not default[1] and lx.SUFFIXES[suffix][0] == default[0]:
        return lx.SUFFIXES[suffix]
    if default[0] == "project" and not default[1] and name.endswith(lx.ROAD_ENDINGS[:2]):
        return ("road", "infrastructure")
    if name.endswith(lx.RIVER_ENDINGS) and default[0] == "road":
        return ("road", "drainage")
    return default


def trim_tail(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for tail in _TRIM_TAILS:
            if name.endswith(tail) and len(name) > len(tail) + 1:
                name = name[: -len(tail)]
                changed = True
    return name


def cn_count(numeral: str) -> int:
    """一 … 十 (and 两) as an int; 0 when it is not one."""
    return "一二三四五六七八九十".find(numeral) + 1 or (2 if numeral == "两" else 0)


def member_start(s: str, end: int) -> int:
    """Start of the list member ending at ``end`` (a 、 inside parentheses does not split)."""
    depth = 0
    start = end
    while start > 0:
        c = s[start - 1]
        if c == "）":
            depth += 1
        elif c == "（":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and c in CLAUSE_DELIMS + MEMBER_SPLIT:
            break
        start -= 1
    return start


SUFFIX_MAXLEN = max(map(len, lx.SUFFIXES))


def names_place(modifier: str, known: frozenset[str]) -> bool:
    modifier = re.sub(r"街道|街镇", "", modifier)
    if any(c in modifier for c in lx.PLACE_CHARS):
        return True
    return any(k in modifier for k in known)


#: Conjunctions that join two names ("张园和东斯文里", "A及B").
AND = "和及与"
