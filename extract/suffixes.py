"""The suffix recogniser: names ending in a typed suffix (…公园, …小学, …功能区), scanned
leftwards from the suffix; one linear scan finds the longest suffix at each position.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from atlas.settings import settings

from . import lexicon as lx
from .quoted import non_place_designation
from .spans import (
    BLOCKED_NAMES,
    SUFFIX_MAXLEN,
    Span,
    counted,
    extend_left,
    extend_right,
    is_generic,
    names_place,
    suffix_kind,
)
from .vocab import CJK

_NOUN_CONTINUES = set("馆地所点站员们楼")

_NUMERAL = re.compile(r"[一二两三四五六七八九十百千]+(?:[个轴带河环片座]|亿|大$)")

_NUMBERED_ROAD = re.compile(r"[一二三四五六七八九十]+(?:路|街|村|小区|期)|第[一二三四五六七八九十]")


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

    `found` is in start order, one match per position, none longer than `SUFFIX_MAXLEN`: a
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
        while j >= 0 and found[j].start() >= a.end() - SUFFIX_MAXLEN:  # b could reach a.end
            if found[j].end() >= a.end():
                covered = True
                break
            j -= 1
        if not covered:
            keep.append(a)
    return keep


@dataclass(frozen=True)
class _Candidate:
    """A name scanned leftwards from a suffix at ``at``: ``s[start:end]``."""

    s: str
    suffix: str
    at: int
    start: int
    end: int

    @property
    def modifier(self) -> str:
        return self.s[self.start : self.at]

    @property
    def name(self) -> str:
        return self.s[self.start : self.end]

    @property
    def after(self) -> int:
        return self.at + len(self.suffix)


def suffix_spans(s: str, known: frozenset[str] = frozenset()) -> list[Span]:
    """Names ending in a typed suffix, scanned leftwards from it."""
    spans: list[Span] = []
    for m in _suffix_matches(s):
        start = _trim_generic_head(s, extend_left(s, m.start()), m.start())
        c = _Candidate(s, m.group(0), m.start(), start, extend_right(s, m.end()))
        quoted = _bracketed_or_quoted(c)
        if isinstance(quoted, Span):
            spans.append(quoted)
            continue
        c = quoted
        if _generic(c) or _not_a_place_name(c):
            continue
        if c.suffix in lx.PLACE_REQUIRED and not names_place(c.modifier, known):
            if c.suffix in lx.DESIGNATIONS and not non_place_designation(c.modifier):
                # placed, or not, by its sentence: resolved in find_spans
                spans.append(
                    Span(c.start, c.end, c.name, *suffix_kind(c.name, c.suffix), "unplaced")
                )
            continue
        if c.suffix == "站" and not (c.modifier.endswith("路") or "号线" in c.modifier):
            continue
        spans.append(Span(c.start, c.end, c.name, *suffix_kind(c.name, c.suffix), "suffix"))
    return spans


def _bracketed_or_quoted(c: _Candidate) -> Span | _Candidate:
    """A bare designation placed by its bracket, or a quoted name after a road (a span of its
    own); else the candidate, its start moved to an opening quote that makes one name."""
    s, suffix, kind = c.s, c.suffix, lx.SUFFIXES[c.suffix][0]
    if not c.modifier and "—" in s[c.after : c.end] and kind != "project":
        # 生态绣带（苏州河—彭越浦—走马塘）: a bare designation placed by its bracket
        return Span(c.start, c.end, c.name, *lx.SUFFIXES[suffix], "suffix")
    opened = s.rfind("“", max(0, c.start - 12), c.start)
    if (
        opened >= 0
        and "”" not in s[opened : c.start]
        and s[c.end : c.end + 1] == "”"
        and _place_before_quote(s, opened)
    ):
        c = dataclasses.replace(c, start=opened + 1)  # 南京西路“离境退税示范创建街区”: one name
    if s[c.start - 1 : c.start] == "“" and s[c.end : c.end + 1] == "”":
        place = _place_before_quote(s, c.start - 1)
        if place and kind in ("zone", "beautiful_block"):
            name = f"{place}“{c.name}”"
            return Span(
                c.start - 1 - len(place), c.end + 1, name, *suffix_kind(name, suffix), "suffix"
            )
    return c


def _generic(c: _Candidate) -> bool:
    """No specific modifier: generic words, a count, too short for its suffix, or the word
    goes on after the suffix ("地区总部", "园区的")."""
    s, suffix, modifier = c.s, c.suffix, c.modifier
    if not modifier or is_generic(modifier) or counted(s, c.start, modifier):
        return True
    if len(modifier) < 2 and not modifier.startswith("区") and suffix != "园":
        return True
    nxt = s[c.after : c.after + 1]
    if nxt and nxt in lx.NEXT_BLOCKS.get(suffix, ""):
        return True
    if suffix == "园" and (len(modifier) > 4 or (len(modifier) < 3 and _cjk_after(s, c.after))):
        return True
    if suffix in lx.WEAK_SUFFIXES and s[c.end : c.end + 1] == "的":
        return True
    return suffix in lx.WEAK_SUFFIXES - {"园"} and len(modifier) < 2


def _not_a_place_name(c: _Candidate) -> bool:
    """The district's own zone, a noun going on (…馆, …街道), a slogan or brand in quotes, an
    event or programme word, a numeral, a blocked name."""
    s, modifier, name = c.s, c.modifier, c.name
    district = (settings.district, settings.district.removesuffix("区"))
    if lx.SUFFIXES[c.suffix][0] == "zone" and modifier in district:
        return True
    if s[c.after : c.after + 1] in _NOUN_CONTINUES or s[c.after : c.after + 2] == "街道":
        return True
    if "·" in name or _inside_quotes_alone(s, c.start, c.end) or _inside_brand(s, c.start, c.end):
        return True
    if any(w in modifier for w in lx.NON_PLACE_WORDS):
        return True
    if _NUMERAL.search(modifier) and not _NUMBERED_ROAD.search(modifier):
        return True
    return any(b in name for b in BLOCKED_NAMES)


def _cjk_after(s: str, end: int) -> bool:
    """A CJK character follows that is not a list mark or a phase ("张园东区", "张园、")."""
    c = s[end : end + 1]
    return bool(re.fullmatch(rf"[{CJK}]", c)) and c not in "东西南北首等和及与（"


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
    return closed > end and re.search(rf"[{CJK}]", s[end:closed]) is not None


def _inside_quotes_alone(s: str, start: int, end: int) -> bool:
    """A quoted slogan ("美丽楼组"“和谐街区”) rather than a place ("示范区“数通链谷”")."""
    quoted = s[start - 1 : start] == "“" and s[end : end + 1] == "”" and end - start <= 4
    if not quoted or s[: start - 1].endswith(_AREA_INTRODUCERS):
        return False
    return not re.match(rf"[{CJK}]{{0,8}}(?:示范区|集聚区|园区)", s[end + 1 : end + 13])


_AREA_INTRODUCERS = ("示范区", "集聚区", "园区", "产业园", "打造", "建设")
