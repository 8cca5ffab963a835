"""Finding mappable names in one normalised sentence: every recogniser, overlaps resolved,
then what makes a span an item or not.

The recognisers, each generic to the genre, live in their own modules:

* **addresses and roads** (`extract.roadspans`) — a road name followed by a house or lane
  number (``共和新路3550号``), a road with a segment (``云飞东路（共和新路—寿阳路）``) or as the
  object of road works;
* **suffix names** (`extract.suffixes`) — a name ending in a typed suffix (``…公园``,
  ``…小学``, ``…功能区``), scanned leftwards from the suffix until a verb or function word;
* **lists** (`extract.lists`) — ``A、B、C等<head>`` where the head noun (项目, 地块 …) says what
  the members are, counted zones, and unsuffixed neighbours of a found name;
* **quoted names** (`extract.quoted`) — brands of areas and spaces in quotes;
* **known places** and **slogans** (here) — the gazetteer's names when passed in, and quoted
  slogans standing for a place ("“一河两岸”沿线").

Each yields :class:`~extract.spans.Span` objects in sentence coordinates; :func:`find_spans`
resolves overlaps (longer and enumeration-typed spans win), places designations by their
sentence or paragraph, filters statistics, titles and places elsewhere, and puts heads and
parts back into names (`extract.structure`).
"""

from __future__ import annotations

import dataclasses
import re

from . import lexicon as lx
from .lists import counted_spans, enumeration_spans, list_neighbours
from .quoted import quoted_spans
from .roadspans import address_spans, road_spans
from .spans import Span, typed_kind
from .structure import slogan_matches, with_heads
from .suffixes import suffix_spans
from .vocab import CJK, RIVER_ENDINGS, ROAD_SUFFIXES, SUBDISTRICT_ENDINGS

_DISTRICT_PREFIX = re.compile(rf"^[{CJK}]{{2}}区(?![域块段])(?=[{CJK}A-Za-z0-9]{{3}})")


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
        kind, category = typed_kind(m.group(), ("project", ""))
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
_OTHER_CITY = re.compile(rf"（([{CJK}]{{2,3}})）(?=[{CJK}])(?!校区|院区|分校|分院|园区)")

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


def _named_after(quoted: Span, chosen: list[Span]) -> bool:
    return any(o.start == quoted.end + 1 and o.kind == quoted.kind for o in chosen)
