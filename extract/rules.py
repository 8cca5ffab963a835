"""Rules that find mappable names in one normalised sentence.

Four recognisers, each generic to the genre:

* **addresses** — a road name followed by a house or lane number (``共和新路3550号``,
  ``陕西北路119弄``), optionally continued to a plot or project word;
* **suffix names** — a name ending in a typed suffix (``…公园``, ``…小学``, ``…功能区``),
  scanned leftwards from the suffix until a verb or function word;
* **enumerations** — ``A、B、C等<head>`` where the head noun (项目, 地块, 历史建筑, 道路 …)
  says what the members are, so members without a telling suffix (``凯德星贸``) are kept;
* **road works** — a road with a segment (``云飞东路（共和新路—寿阳路）``) or listed
  as the object of road works.

Each recogniser yields :class:`Span` objects in sentence coordinates; :func:`find_spans`
resolves overlaps (longer and enumeration-typed spans win).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from atlas.settings import settings

from . import lexicon as lx
from .structure import slogan_matches, with_heads
from .vocab import RIVER_ENDINGS, ROAD_SUFFIXES, SUBDISTRICT_ENDINGS

_CJK = r"\u3400-\u9fff"
_NAME_CHAR = re.compile(rf"[{_CJK}A-Za-z0-9·—\-/]")
_MAX_NAME = 16
_COUNT = re.compile(
    r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十两几]+)(?:个|座|所|家|处|条|片|幅|张|台|项|批|类|公里|万平方米)"
    r"(?:市级|区级)?“?$"
)
_PAREN_TAIL = re.compile(r"^（[^（），。；、]{1,14}）")
_PHASE_TAIL = re.compile(r"^(?:[一二三四五六七八九十\d]+期|[东西南北中]区|首开区|[东西南北]段)")
_PHASE_END = re.compile(r"(?:[一二三四五六七八九十\d]+期|[东西南北中]区|首开区|[东西南北]段)$")
_SEGMENT = re.compile(
    rf"^（([{_CJK}]{{1,10}}(?:路|桥|河|浦|浜|泾|塘))[—–\-一至~～]([{_CJK}]{{1,10}}(?:路|桥|河|浦|浜|泾|塘))）"
)
_ADDRESS = re.compile(rf"([{_CJK}]{{1,10}}?(?:路|大道|街))(\d+[A-Za-z]?(?:、\d+)*(?:号|弄)?)")
_GENERIC = re.compile(
    r"[“”\d—\-]|[一二两三四五六七八九十]大|"
    + "|".join(sorted(map(re.escape, lx.GENERIC_MODIFIERS), key=len, reverse=True))
)
_STOP_BY_LEN: dict[int, frozenset[str]] = {
    n: frozenset(w for w in lx.STOP_WORDS if len(w) == n) for n in {len(w) for w in lx.STOP_WORDS}
}
_STOP_LENS = sorted(_STOP_BY_LEN, reverse=True)
_SUFFIX_RE = re.compile("|".join(sorted(map(re.escape, lx.SUFFIXES), key=len, reverse=True)))
_HEAD_ALT = "|".join(sorted(map(re.escape, lx.HEADS), key=len, reverse=True))
_ENUM_HEAD = re.compile(
    rf"(?:等|(?=\d+个|[一二三四五六七八九十两]个))(?:[\d.]+|[一二三四五六七八九十两几]+)?(?:个|幅|座|处|家|所|条|片|项|批|公里)?"
    rf"(?:市、区级|市级|区级|重点|一批|成片|零星)?(?:二级以下|挂牌督办)?“?({_HEAD_ALT})"
)
_GLUED_HEADS = (
    "零星旧改项目",
    "成套改造项目",
    "城市更新项目",
    "楼宇更新项目",
    "旧改项目",
    "养老项目",
    "商办项目",
    "河道",
)
_GLUED = re.compile("|".join(_GLUED_HEADS))
_GLUED_MEMBER = re.compile(rf"[{_CJK}A-Za-z0-9]{{2,12}}$")
_MEMBER_SPLIT = "、"
_NOUN_CONTINUES = set("馆地所点站员们楼")
_LOOSE_HEADS = ("区域", "重点区域")
_NUMERAL = re.compile(r"[一二两三四五六七八九十百千]+(?:[个轴带河环片座]|亿|大$)")
_NUMBERED_ROAD = re.compile(r"[一二三四五六七八九十]+(?:路|街|村|小区|期)|第[一二三四五六七八九十]")
_CLAUSE_DELIMS = "，。；：！？\t\n"
_BLOCKED_NAMES = ("美丽家园", "共同家园", "美丽楼组", "幸福小区", "和谐街区", "校园", "居村")
_QUOTED = re.compile(r"“([^“”，。；、]{2,10})”")
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
    for n in _STOP_LENS:
        if p - n >= 0 and s[p - n : p] in _STOP_BY_LEN[n]:
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


def _counted(s: str, start: int, modifier: str = "") -> bool:
    """A bare count: "新增3座口袋公园", "在四大功能区", "26家园区"."""
    return bool(_COUNT.search(s[max(0, start - 12) : start]) or _COUNT_IN.search(modifier))


def _suffix_of(name: str) -> str | None:
    core = re.sub(r"（[^（）]*）$", "", name)
    core = _PHASE_END.sub("", core) or core
    for n in range(min(_SUFFIX_MAXLEN, len(core)), 0, -1):
        if core[-n:] in lx.SUFFIXES:
            return core[-n:]
    return None


def _trim_member(text: str) -> tuple[int, str]:
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
        for n in _STOP_LENS:
            if len(text) > n and text[:n] in _STOP_BY_LEN[n]:
                offset, text = offset + n, text[n:]
                changed = True
                break
    return offset, text


def _valid_member(name: str) -> bool:
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
    if re.search(r"[%％]|万平方米|亿元", name) or name in _BLOCKED_NAMES:
        return False
    return not is_generic(name)


def suffix_kind(name: str, suffix: str) -> tuple[str, str]:
    """Kind and category of a name ending in ``suffix``; a street's 片区 is a street-scape area."""
    modifier = name[: name.rfind(suffix)]
    if suffix == "片区" and modifier.endswith((*lx.ROAD_ENDINGS, "长")):
        return "beautiful_block", "streetscape"
    return lx.SUFFIXES[suffix]


def _typed(name: str, default: tuple[str, str]) -> tuple[str, str]:
    if default[0] == "beautiful_block":
        return default
    suffix = _suffix_of(name)
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


def _trim_tail(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for tail in _TRIM_TAILS:
            if name.endswith(tail) and len(name) > len(tail) + 1:
                name = name[: -len(tail)]
                changed = True
    return name


def enumeration_spans(s: str) -> list[Span]:
    """Members of ``A、B等<head>`` and of ``A、B<glued head>`` lists."""
    spans: list[Span] = []
    heads = [(m.start(), m.group(1), False) for m in _ENUM_HEAD.finditer(s)]
    counted = {m.start() for m in _ENUM_HEAD.finditer(s) if not m.group().startswith("等")}
    heads += [(m.start(), m.group(), True) for m in _GLUED.finditer(s) if _glued_member(s, m)]
    for head_at, head, glued in heads:
        default = lx.HEADS.get(head, ("road", "drainage") if head == "河道" else ("project", ""))
        bare = head == "项目" and not _works_nearby(s, head_at)
        end = head_at
        while end > 0:
            start = _member_start(s, end)
            off, name = _trim_member(s[start:end])
            name = _trim_tail(name)
            if glued and ("等" in name or (head == "河道" and not name.endswith(lx.RIVER_ENDINGS))):
                break
            ok = _valid_member(name)
            own = _suffix_of(name)
            placed = _names_place(name, frozenset())
            loose = head in _LOOSE_HEADS and len(name) > 5 and not placed
            # "…4个市级美丽街区" without 等: only names that tell themselves apart
            loose = loose or (head_at in counted and not own and not placed)
            if ok and not own and (bare or loose):
                ok = False
            if ok:
                kind, cat = _typed(name, default)
                spans.append(Span(start + off, start + off + len(name), name, kind, cat, "enum"))
            if start == 0 or s[start - 1] != _MEMBER_SPLIT:
                break
            end = start - 1
    return spans


_ZONE_HEADS = tuple(w for w, (kind, _) in lx.SUFFIXES.items() if kind == "zone")
_COUNTED_HEAD = re.compile(
    rf"([一二三四五六七八九十两]|\d+)(?:大|个)(?:市级|区级|重点)?“?"
    rf"({'|'.join(sorted(map(re.escape, _ZONE_HEADS), key=len, reverse=True))})"
)
_NUMBER = re.compile(r"\d+")


def counted_spans(s: str) -> list[Span]:
    """ "南西、苏河湾、大宁、市北四大功能区": each member is one of the counted zones, named
    with the head ("大宁功能区"), when the count matches the members listed."""
    spans: list[Span] = []
    for m in _COUNTED_HEAD.finditer(s):
        want = int(m.group(1)) if _NUMBER.fullmatch(m.group(1)) else cn_count(m.group(1))
        head = m.group(2)
        members: list[tuple[int, str]] = []
        end = m.start()
        while end > 0 and len(members) <= want:
            start = _member_start(s, end)
            off, name = _trim_member(s[start:end])
            if not name or len(name) > 8 or not _valid_member(name):
                break
            members.append((start + off, name))
            if start == 0 or s[start - 1] not in _MEMBER_SPLIT + _AND:
                break
            end = start - 1
        if len(members) != want or want < 2 or s[: members[-1][0]].endswith("在"):
            continue  # "在四大功能区举行…": the venue of an event, not works
        kind, category = lx.SUFFIXES[head]
        for at, name in members:
            full = name if name.endswith(head) else name + head
            spans.append(Span(at, at + len(name), full, kind, category, "counted"))
    return spans


def cn_count(numeral: str) -> int:
    """一 … 十 (and 两) as an int; 0 when it is not one."""
    return "一二三四五六七八九十".find(numeral) + 1 or (2 if numeral == "两" else 0)


def _glued_member(s: str, head: re.Match[str]) -> bool:
    """A name of 2–12 characters sits right before a glued head ("老沪太路零星旧改项目")."""
    return _GLUED_MEMBER.search(s, max(0, head.start() - 12), head.start()) is not None


def _works_nearby(s: str, at: int) -> bool:
    """Construction words in the clause of a list ending at ``at`` ("…等项目实现开工")."""
    left = max((s.rfind(d, 0, at) for d in "，；：。"), default=-1) + 1
    rights = [i for i in (s.find(d, at) for d in "，；。") if i >= 0]
    clause = s[left : min(rights) if rights else len(s)]
    return any(w in clause for w in lx.WORKS_WORDS)


def _member_start(s: str, end: int) -> int:
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
        elif depth == 0 and c in _CLAUSE_DELIMS + _MEMBER_SPLIT:
            break
        start -= 1
    return start


class _Match:
    """A suffix occurrence (start, end, text) with the ``re.Match`` methods used here."""

    def __init__(self, start: int, text: str) -> None:
        self._start, self._text = start, text

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._start + len(self._text)

    def group(self, _: int = 0) -> str:
        return self._text


_BY_FIRST: dict[str, list[str]] = {}
for _suffix in sorted(lx.SUFFIXES, key=len, reverse=True):
    _BY_FIRST.setdefault(_suffix[0], []).append(_suffix)
_SUFFIX_MAXLEN = max(map(len, lx.SUFFIXES))


_FIRST_CHARS = re.compile("[" + re.escape("".join(_BY_FIRST)) + "]")


def _longest_suffixes(s: str, start: int = 0, end: int | None = None) -> list[_Match]:
    """At each position, the longest suffix word starting there (a linear scan)."""
    end = len(s) if end is None else end
    found = []
    for m in _FIRST_CHARS.finditer(s, start, end):
        i = m.start()
        for suffix in _BY_FIRST[s[i]]:
            if s.startswith(suffix, i):
                found.append(_Match(i, suffix))
                break
    return found


def _suffix_matches(s: str) -> list[_Match]:
    """Suffix occurrences, dropping one that a longer-reaching suffix overlaps (产业园|园区).

    `found` is in start order, one match per position, none longer than `_SUFFIX_MAXLEN`: a
    match can only overlap those starting within that distance, so each is compared with its
    neighbours only (linear; comparing all pairs made a long unpunctuated run quadratic)."""
    found = _longest_suffixes(s)
    keep = []
    for k, a in enumerate(found):
        j = k + 1
        crossed = False
        while j < len(found) and found[j].start() < a.end():  # b starts inside a
            if a.end() < found[j].end():
                crossed = True
                break
            j += 1
        if crossed:
            continue
        j = k - 1
        covered = False
        while j >= 0 and found[j].start() >= a.end() - _SUFFIX_MAXLEN:  # b could reach a.end
            if found[j].end() >= a.end():
                covered = True
                break
            j -= 1
        if not covered:
            keep.append(a)
    return keep


def suffix_spans(s: str, known: frozenset[str] = frozenset()) -> list[Span]:
    """Names ending in a typed suffix, scanned leftwards from it."""
    spans: list[Span] = []
    for m in _suffix_matches(s):
        suffix = m.group(0)
        start = extend_left(s, m.start())
        start = _trim_generic_head(s, start, m.start())
        end = extend_right(s, m.end())
        modifier = s[start : m.start()]
        name = s[start:end]
        if not modifier and "—" in s[m.end() : end] and lx.SUFFIXES[suffix][0] != "project":
            # 生态绣带（苏州河—彭越浦—走马塘）: a bare designation placed by its bracket
            spans.append(Span(start, end, name, *lx.SUFFIXES[suffix], "suffix"))
            continue
        opened = s.rfind("“", max(0, start - 12), start)
        if (
            opened >= 0
            and "”" not in s[opened:start]
            and s[end : end + 1] == "”"
            and _place_before_quote(s, opened)
        ):
            start = opened + 1  # 南京西路“离境退税示范创建街区”: the quote is one name
            modifier, name = s[start : m.start()], s[start:end]
        if s[start - 1 : start] == "“" and s[end : end + 1] == "”":
            place = _place_before_quote(s, start - 1)
            if place and lx.SUFFIXES[suffix][0] in ("zone", "beautiful_block"):
                name = f"{place}“{name}”"
                spans.append(
                    Span(
                        start - 1 - len(place), end + 1, name, *suffix_kind(name, suffix), "suffix"
                    )
                )
                continue
        if not modifier or is_generic(modifier) or _counted(s, start, modifier):
            continue
        if len(modifier) < 2 and not modifier.startswith("区") and suffix != "园":
            continue
        nxt = s[m.end() : m.end() + 1]
        if nxt and nxt in lx.NEXT_BLOCKS.get(suffix, ""):
            continue
        if suffix == "园" and (len(modifier) > 4 or (len(modifier) < 3 and _cjk_after(s, m.end()))):
            continue
        if suffix in lx.WEAK_SUFFIXES and s[end : end + 1] == "的":
            continue
        if (
            suffix in lx.SUFFIXES
            and lx.SUFFIXES[suffix][0] == "zone"
            and modifier in (settings.district, settings.district.removesuffix("区"))
        ):
            continue
        if s[m.end() : m.end() + 1] in _NOUN_CONTINUES or s[m.end() : m.end() + 2] == "街道":
            continue
        if "·" in name or _inside_quotes_alone(s, start, end) or _inside_brand(s, start, end):
            continue
        if any(w in modifier for w in lx.NON_PLACE_WORDS):
            continue
        if _NUMERAL.search(modifier) and not _NUMBERED_ROAD.search(modifier):
            continue
        if any(b in name for b in _BLOCKED_NAMES):
            continue
        if suffix in lx.WEAK_SUFFIXES - {"园"} and len(modifier) < 2:
            continue
        if suffix in lx.PLACE_REQUIRED and not _names_place(modifier, known):
            if suffix in lx.DESIGNATIONS and not _non_place_designation(modifier):
                # placed, or not, by its sentence: resolved in find_spans
                spans.append(Span(start, end, name, *suffix_kind(name, suffix), "unplaced"))
            continue
        if suffix == "站" and not (modifier.endswith("路") or "号线" in modifier):
            continue
        kind, category = suffix_kind(name, suffix)
        spans.append(Span(start, end, name, kind, category, "suffix"))
    return spans


def _cjk_after(s: str, end: int) -> bool:
    """A CJK character follows that is not a list mark or a phase ("张园东区", "张园、")."""
    c = s[end : end + 1]
    return bool(c) and "\u3400" <= c <= "\u9fff" and c not in "东西南北首等和及与（"


def _trim_generic_head(s: str, start: int, suffix_at: int) -> int:
    """Cut a generic description before the name: "…职工住宅小区蕃瓜弄" → "蕃瓜弄"."""
    best = start
    for m in _longest_suffixes(s, start, suffix_at):
        inner_end = m.end()
        head = s[start : m.start()]
        if inner_end <= suffix_at - 2 and len(head) >= 4 and is_generic(head):
            best = max(best, inner_end)
    return best


def _place_before_quote(s: str, quote_at: int) -> str:
    """A road right before an opening quote: 南京西路“千亿商圈”."""
    start = extend_left(s, quote_at, limit=8)
    place = s[start:quote_at]
    return place if len(place) >= 3 and place.endswith(lx.ROAD_ENDINGS[:1]) else ""


def _inside_brand(s: str, start: int, end: int) -> bool:
    """Part of a longer quoted brand ("“静安张园高端品”"): the quote goes on after the name."""
    opened = s.rfind("“", 0, start)
    if opened < 0 or s.rfind("”", 0, start) > opened:
        return False
    closed = s.find("”", end)
    return closed > end and re.search(rf"[{_CJK}]", s[end:closed]) is not None


def _inside_quotes_alone(s: str, start: int, end: int) -> bool:
    """A quoted slogan ("美丽楼组"“和谐街区”) rather than a place ("示范区“数通链谷”")."""
    quoted = s[start - 1 : start] == "“" and s[end : end + 1] == "”" and end - start <= 4
    if not quoted or s[: start - 1].endswith(_AREA_INTRODUCERS):
        return False
    return not re.match(rf"[{_CJK}]{{0,8}}(?:示范区|集聚区|园区)", s[end + 1 : end + 13])


def _names_place(modifier: str, known: frozenset[str]) -> bool:
    modifier = re.sub(r"街道|街镇", "", modifier)
    if any(c in modifier for c in lx.PLACE_CHARS):
        return True
    return any(k in modifier for k in known)


def address_spans(s: str) -> list[Span]:
    """``共和新路3550号``, ``陕西北路119弄``, ``江宁路54A``, continued to a plot word."""
    spans: list[Span] = []
    for m in _ADDRESS.finditer(s):
        num = m.group(2)
        if not (num.endswith(("号", "弄")) or s[m.end() : m.end() + 2] in ("项目", "地块")):
            continue
        start = extend_left(s, m.start(2), limit=10)
        end = m.end()
        tail = re.match(rf"[{_CJK}A-Za-z0-9]{{0,8}}?(地块|街坊)", s[end:])
        if tail and "等" not in tail.group(0):
            end += tail.end()
        name = s[start:end]
        if len(name) < 4:
            continue
        spans.append(Span(start, end, name, "project", "", "address"))
    return spans


_WORKS_ALT = "|".join(sorted(map(re.escape, lx.ROAD_WORKS), key=len, reverse=True))
_ROAD_WORKS = re.compile(rf"(?:大道|公路|路|街|高架)(?=(?:{_WORKS_ALT}))")


def road_works_spans(s: str) -> list[Span]:
    """A named road directly followed by a road-works noun (西藏北路拓宽改建工程, 江场西路大修),
    and the roads listed before it with 、 / 和 (长寿路、武定路架空线入地)."""
    spans: list[Span] = []
    for m in _ROAD_WORKS.finditer(s):
        works = s[m.end() : m.end() + 4]
        category = "lighting" if "灯光" in works else "infrastructure"
        end = m.end()
        while True:
            start = extend_left(s, end - 1, limit=10)
            name = s[start:end]
            if len(name) < 3 or is_generic(name[:-1]) or not _valid_member(name):
                break
            spans.append(Span(start, end, name, "road", category, "roadworks"))
            if start < 2 or s[start - 1] not in "、和与及":
                break
            end = start - 1
            if not s[:end].endswith(("路", "街", "大道", "公路")):
                break
    return spans


def road_spans(s: str) -> list[Span]:
    """Roads that are the object of works: with a segment, or next to road-works words."""
    spans: list[Span] = road_works_spans(s)
    for m in re.finditer(r"(?:路|大道|高架|塘|浦|河|泾|浜)(?=（)", s):
        seg = _SEGMENT.match(s[m.end() :])
        if not seg:
            continue
        start = extend_left(s, m.start(), limit=8)
        end = m.end() + seg.end()
        name = s[start:end]
        if len(name) > len(m.group(0)) + 1:
            river = name[: name.index("（")].endswith(RIVER_ENDINGS)
            category = "drainage" if river else "infrastructure"
            spans.append(Span(start, end, name, "road", category, "segment"))
    return spans


_CARRIERS = tuple(sorted(lx.CARRIERS, key=len, reverse=True))
_SPACE_AFTER = re.compile(rf"[{_CJK}]{{0,4}}空间")


def _after_carrier(s: str, quote_at: int) -> bool:
    """The quote follows a carrier noun, maybe through other quotes, that a verb opens or
    builds (启用核心载体“元空间”“π空间”; not 举办重点载体“月月推”)."""
    while s[quote_at - 1 : quote_at] == "”":
        opened = s.rfind("“", max(0, quote_at - 14), quote_at - 1)
        if opened < 0:
            return False
        quote_at = opened
    carrier = next((c for c in _CARRIERS if s[:quote_at].endswith(c)), "")
    before = s[max(0, quote_at - len(carrier) - 6) : quote_at - len(carrier)]
    return bool(carrier) and any(v in before for v in lx.OPENING_VERBS)


def _designation(s: str, m: re.Match[str], suffix: str, tail: int) -> Span | None:
    """ "“视听静界”超高清视听产业集聚区": a quoted brand names the designation after it."""
    if suffix not in lx.DESIGNATIONS or _non_place_designation(s[m.end() : tail]):
        return None
    if suffix in lx.POLICY_TITLES:
        return None  # “全球新品首发地”示范区: a title a policy gives, not a place
    kind, category = lx.SUFFIXES[suffix]
    return Span(m.start(), tail, s[m.start() : tail], kind, category, "designation")


def quoted_spans(s: str) -> list[Span]:
    """Quoted brand names of areas: ``示范区“数通链谷”``, ``“美创静界”美妆健康创新生态社区``;
    brand spaces after a carrier noun (``核心载体“元空间”``, ``“静安·新闸”创新空间``) and
    designations a quoted brand names (``“视听静界”超高清视听产业集聚区``)."""
    spans: list[Span] = []
    for m in _QUOTED.finditer(s):
        inner = m.group(1)
        if re.match(r"^[一二三四五六七八九十两百千万\d]", inner):
            continue
        if _after_carrier(s, m.start()) or _SPACE_AFTER.match(s, m.end()):
            if not re.search(r"[计划行动工程品牌]$", inner):
                spans.append(Span(m.start(1), m.end(1), inner, "project", "innovation", "brand"))
            continue
        if _suffix_of(inner):
            continue
        raw_after = s[m.end() : m.end() + 24]
        after = re.sub(r"^(?:“[^”]{1,10}”|两大|三大)*", "", raw_after)
        after_m = re.match(rf"[{_CJK}]{{0,12}}?({_SUFFIX_RE.pattern})", after)
        if after_m and "的" in after_m.group(0):
            after_m = None
        before = s[max(0, m.start() - 8) : m.start()]
        typed = None
        suffix_after = after_m.group(1) if after_m else ""
        if after_m and after == raw_after:
            tail = m.end() + after_m.end()
            designation = _designation(s, m, suffix_after, extend_right(s, tail))
            if designation:
                spans.append(designation)
                continue
        if suffix_after and lx.SUFFIXES[suffix_after][0] == "zone":
            if suffix_after not in lx.PLACE_REQUIRED:
                typed = lx.SUFFIXES[suffix_after]
        elif any(before.endswith(x) for x in ("示范区", "集聚区", "产业园", "园区")):
            typed = ("zone", "innovation")
        if re.fullmatch(rf"[{_CJK}]{{1,6}}路[-—][{_CJK}]{{1,6}}", inner):
            typed = ("beautiful_block", "commercial")
        if typed and not re.search(r"[计划行动工程品牌]$", inner):
            spans.append(Span(m.start(1), m.end(1), inner, typed[0], typed[1], "quoted"))
    return spans


def _non_place_designation(modifier: str) -> bool:
    """人才 / 实践 / 创业 …基地: a programme for people, not a place."""
    return any(w in modifier for w in lx.NON_PLACE_DESIGNATIONS)


_DISTRICT_PREFIX = re.compile(rf"^[{_CJK}]{{2}}区(?![域块段])(?=[{_CJK}A-Za-z0-9]{{3}})")


def strip_district(span: Span) -> Span:
    """ "普陀区长风公园" → "长风公园": a leading district name does not help place it."""
    m = _DISTRICT_PREFIX.match(span.name)
    if not m or span.name[:2] in ("园区", "城区", "社区", "小区"):
        return span
    n = m.end()
    return dataclasses.replace(span, start=span.start + n, name=span.name[n:])


_PRIORITY = {
    "address": 0,
    "segment": 1,
    "roadworks": 1,
    "enum": 2,
    "counted": 2,
    "suffix": 3,
    "known": 4,
    "designation": 4,
    "paragraph": 4,
    "unplaced": 4,
    "brand": 5,
    "quoted": 5,
    "slogan": 5,
    "list": 6,
}


def place_pattern(places: frozenset[str]) -> re.Pattern[str] | None:
    """One alternation of the gazetteer's place names (longest first), for :func:`known_spans`.

    Roads, rivers and 街道 are left to their own rules: a road named in passing is not an item.
    """
    usable = sorted(
        (
            p
            for p in places
            if len(p) >= 3
            and not p.endswith((*ROAD_SUFFIXES, *RIVER_ENDINGS, *SUBDISTRICT_ENDINGS))
        ),
        key=lambda p: (-len(p), p),
    )
    return re.compile("|".join(map(re.escape, usable))) if usable else None


def known_spans(s: str, places: re.Pattern[str] | None) -> list[Span]:
    """Names of known places (the gazetteer's, passed in): items whatever their ending."""
    if places is None:
        return []
    spans = []
    for m in places.finditer(s):
        kind, category = _typed(m.group(), ("project", ""))
        spans.append(Span(m.start(), m.end(), m.group(), kind, category, "known"))
    return spans


def slogan_spans(s: str) -> list[Span]:
    """Quoted slogans standing for a place ("“一河两岸”沿线"), located by the slogan itself
    (the gazetteer's aliases say which place it is)."""
    return [
        Span(a, b, name, "zone", "streetscape", "slogan", location)
        for a, b, name, location in slogan_matches(s)
    ]


def find_spans(
    s: str,
    known: frozenset[str] = frozenset(),
    places: re.Pattern[str] | None = None,
    setting: str = "",
) -> list[Span]:
    """All recognisers, overlaps resolved: address/segment first, then longer spans; names
    keep their head and part (`extract.structure`). ``setting`` is the place the sentence's
    paragraph is about: a designation its own sentence does not place takes it."""
    raw = address_spans(s) + road_spans(s) + enumeration_spans(s) + suffix_spans(s, known)
    raw += counted_spans(s)
    raw += quoted_spans(s) + known_spans(s, places) + slogan_spans(s)
    chosen: list[Span] = []
    for span in sorted(raw, key=lambda x: (-(x.end - x.start), _PRIORITY[x.rule])):
        clash = [c for c in chosen if c.start < span.end and span.start < c.end]
        if not clash:
            chosen.append(span)
            continue
        # An enumeration member typed by its head refines a suffix span covering the same text.
        for c in clash:
            if c.start == span.start and c.end == span.end and span.rule == "enum":
                chosen[chosen.index(c)] = span
    chosen += list_neighbours(s, chosen, known)
    chosen = place_designations(s, chosen, setting)
    chosen = [
        c
        for c in chosen
        if not out_of_district(c.name) and not is_statistic(s, c) and not is_title(s, c)
    ]
    # A quoted brand right before its own typed name ("“美创静界”美妆健康创新生态社区").
    chosen = [c for c in chosen if not (c.rule == "quoted" and _named_after(c, chosen))]
    return sorted((strip_district(c) for c in with_heads(s, chosen)), key=lambda x: x.start)


#: Verbs that put a designation on a place: 依托X…建设Y, 围绕X，打造Y, 在X建成Y.
_PLACING = ("依托", "围绕", "聚焦", "立足", "在", "于")
_SUBJECT = ("要", "将", "着力", "深入", "加快", "聚焦", "重点")
_ANCHOR_KINDS = ("zone", "project", "park")


def _anchor(s: str, chosen: list[Span], designation: Span) -> Span | None:
    """The place a designation's sentence puts it on: the object of a placing verb before it,
    the area its sentence opens with ("X功能区要…", "X功能区深入推进…"), or "…落地X" after."""
    for c in sorted(chosen, key=lambda x: x.start, reverse=True):
        if c.rule in ("unplaced", "designation") or c.kind not in _ANCHOR_KINDS:
            continue
        if c.end <= designation.start:
            if s[: c.start].endswith(_PLACING):
                return c
            opens = not s[: c.start].strip("“”*（）")
            if opens and c.kind == "zone" and s.startswith(_SUBJECT, c.end):
                return c
        elif c.start >= designation.end and s[designation.end : c.start].endswith("落地"):
            return c
    return None


def place_designations(s: str, chosen: list[Span], setting: str = "") -> list[Span]:
    """Keep an unplaced designation when its sentence places it, else when its paragraph has
    a ``setting``; ``location`` is that place."""
    out = []
    for c in chosen:
        if c.rule != "unplaced":
            out.append(c)
            continue
        anchor = _anchor(s, chosen, c)
        if anchor is not None:
            out.append(dataclasses.replace(c, rule="designation", location=anchor.name))
        elif setting:
            out.append(dataclasses.replace(c, rule="paragraph", location=setting))
    return out


#: A bracket of a few characters inside a name that names another city ("市北高新（南通）
#: 科技城"), unlike a part or a branch ("（东区）", "（静安段）", "（一期）", "（分部）").
_OTHER_CITY = re.compile(rf"（([{_CJK}]{{2,3}})）(?=[{_CJK}])(?!校区|院区|分校|分院|园区)")
_PART_WORDS = re.compile(r"^含|[段区期部校路馆村街号]$")


def out_of_district(name: str) -> bool:
    """A member marked as elsewhere: a bracketed other city inside the name, or a
    cooperation park outside the district (lexicon role ``elsewhere_marker``)."""
    if any(w in name for w in lx.ELSEWHERE_MARKERS):
        return True
    m = _OTHER_CITY.search(name)
    return m is not None and not _PART_WORDS.search(m.group(1))


_QUANTITY = re.compile(
    r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千万亿]+)\s*(?:多|余)?\s*"
    r"(?:家|个|亿元|万元|元|%|％|倍|名|人次|万人|亿|年|项|件)|连续[一二两三四五六七八九十\d]+年|“双百亿"
)
_CLAUSE_MARKS = "，；：,。"
_FIGURES = re.compile(r"[\s\d.%％‰+\-—亿万元个家]*")


def is_statistic(s: str, span: Span) -> bool:
    """ "苏河湾功能区新增总部企业12家", "恒隆广场连续三年成为“双百亿楼”": a place as the subject
    of a figure, with no works in the clause, is not an item."""
    left = max(s.rfind(c, 0, span.start) for c in _CLAUSE_MARKS) + 1
    if s[left : span.start].strip("“”（）*●■ "):
        return False  # not the clause's subject
    rights = [i for i in (s.find(c, span.end) for c in _CLAUSE_MARKS) if i >= 0]
    clause = s[span.end : min(rights) if rights else len(s)]
    if "\t" in clause and _FIGURES.fullmatch(clause):
        return True  # a table row of figures ("…集聚带\t395.72\t46.7")
    if not _QUANTITY.search(clause):
        return False
    return not any(w in clause for w in (*lx.WORKS_WORDS, *lx.MILESTONE_WORDS))


def is_title(s: str, span: Span) -> bool:
    """ "被评为上海特色商业街区", "入选上海市城市公园名录": what an award confers is a title."""
    return s[: span.start].endswith(lx.AWARD_VERBS)


_LIST_MAX = 10
#: Conjunctions that join two names ("张园和东斯文里", "A及B").
_AND = "和及与"
_AREA_INTRODUCERS = ("示范区", "集聚区", "园区", "产业园", "打造", "建设")


def _named_after(quoted: Span, chosen: list[Span]) -> bool:
    return any(o.start == quoted.end + 1 and o.kind == quoted.kind for o in chosen)


def _cut_at_stop(chunk: str) -> str:
    """The name at the start of ``chunk``, up to the first verb ("东斯文里保护性开发")."""
    for i in range(1, len(chunk)):
        if any(chunk[i : i + n] in _STOP_BY_LEN[n] for n in _STOP_LENS if n > 1):
            return chunk[:i]
    return chunk


def _cut_at_head_word(chunk: str) -> str:
    """The name before a project word inside it ("谈家桥项目按计划…" → "谈家桥")."""
    cuts = [i for i in (chunk.find(w, 1) for w in ("项目", "工程")) if i > 0]
    return chunk[: min(cuts)] if cuts else chunk


_SHARED_SUFFIXES = ("片区", "地区", "功能区")


def _shared_suffix(name: str, anchor: Span) -> str:
    """ "大宁、市北片区" lists two 片区: the first member shares the anchor's suffix."""
    for suffix in _SHARED_SUFFIXES:
        core = anchor.name[: -len(suffix)] if anchor.name.endswith(suffix) else ""
        if core and len(name) == len(core) <= 3 and not _suffix_of(name) and not is_generic(name):
            return name + suffix
    return ""


def _list_member_ok(name: str, anchor: Span, known: frozenset[str]) -> bool:
    if not _valid_member(name) or len(name) > _LIST_MAX:
        return False
    if _shared_suffix(name, anchor):
        return True
    if _suffix_of(name) or anchor.kind != "zone":
        return bool(_suffix_of(name)) or anchor.rule == "suffix"
    return _names_place(name, known)


_PART = re.compile(r"^(?:[东西南北中]区|[一二三四五六七八九十\d]+期)$")


def _complete_part(found: list[Span], anchor: Span) -> None:
    """ "铁路公园南区、北区": the bare part names the same place's other part."""
    last = found[-1]
    tail = _PART.search(anchor.name[-2:]) or _PART.search(anchor.name[-3:])
    if _PART.match(last.name) and tail:
        base = anchor.name[: len(anchor.name) - len(tail.group())]
        found[-1] = Span(
            last.start, last.end, base + last.name, anchor.kind, anchor.category, "list"
        )


def list_neighbours(s: str, chosen: list[Span], known: frozenset[str]) -> list[Span]:
    """Unsuffixed members listed with a found name: "张园、东斯文里…", "大宁、市北片区"."""
    taken = [(c.start, c.end) for c in chosen]
    found: list[Span] = []

    def accept(a: int, name: str, anchor: Span) -> bool:
        b = a + len(name)
        free = all(b <= x or a >= y for x, y in taken)
        if not name or not free or not _list_member_ok(name, anchor, known):
            return False
        found.append(Span(a, b, name, *_typed(name, (anchor.kind, anchor.category)), "list"))
        taken.append((a, b))
        return True

    for anchor in chosen:
        if anchor.rule not in ("suffix", "address"):
            continue
        # leftwards: "A、B<anchor>" or "A和<anchor>" / "A及<anchor>" / "A与<anchor>"
        end = anchor.start
        while end > 1 and (s[end - 1] == "、" or s[end - 1] in _AND):
            start = _member_start(s, end - 1)
            off, name = _trim_member(s[start : end - 1])
            shared = _shared_suffix(name, anchor)
            if shared and accept(start + off, name, anchor):
                found[-1] = Span(start + off, end - 1, shared, anchor.kind, anchor.category, "list")
            elif not accept(start + off, name, anchor):
                break
            end = start
        # rightwards: "<anchor>、B…" up to the next verb
        pos = anchor.end
        while pos < len(s) and (s[pos] == "、" or s[pos] in _AND):
            stop = pos + 1
            while stop < len(s) and s[stop] not in _CLAUSE_DELIMS + _MEMBER_SPLIT + "等":
                stop += 1
            name = _trim_tail(_cut_at_head_word(_cut_at_stop(s[pos + 1 : stop])))
            if not accept(pos + 1, name, anchor):
                break
            _complete_part(found, anchor)
            pos += 1 + len(name)
    return found
