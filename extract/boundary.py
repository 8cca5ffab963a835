"""Boundary descriptions ("四至", street segments) in report text, and attaching them to items.

Reports describe areas in words — "X：北至A，南至B，东至C、D，西至E", "东起A，西至B",
"A以东、B以西、C以南、D以北", "范围为…" — and street segments — "A路（B路—C路）",
"A路B路—C路段", "A路自B路至C路". ``find_boundaries`` turns each into a structured
``boundary`` dict (sides → road/river names, or along/from/to) with offsets into the text as
read; ``attach_boundaries`` puts it on the item the description belongs to.
Matching runs on the shared normalised copy (``extract.normalise``) so PDF debris does not
matter, and every offset maps back to the original text.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .items import Item
from .normalise import Normalised, normalise
from .vocab import BOUNDARY_LINE_ENDINGS, CJK

__all__ = ["SIDES", "BoundaryMatch", "attach_boundaries", "find_boundaries"]

#: Side keys of a boundary dict, in the order the reports usually give them.
SIDES: tuple[str, ...] = ("north", "south", "east", "west")
_DIR_SIDE = {"北": "north", "南": "south", "东": "east", "西": "west"}
#: "A以东" puts the area east of A, so A is its *west* side.
_BEYOND_SIDE = {"东": "west", "西": "east", "南": "north", "北": "south"}

_CJK = CJK
#: Endings of road and river names (the things a side or a segment end can be).
_ROAD_END = "(?:" + "|".join(BOUNDARY_LINE_ENDINGS) + ")"
_ROAD_END_RE = re.compile(_ROAD_END + "$")
#: Characters that cannot be inside a side's value.
_VALUE_STOP = "，、；。：（）“”‘’《》\t\n！？"
_DASH = "—\\-–―‐−~〜"
_SENT_END = "。；！？\n\t"
#: How far around a description its name and sentence are looked for (keeps it linear).
_WINDOW = 200
#: The longest run of characters read back as one name (with the verbs before it).
_RUN_MAX = 40

#: Words a name never starts with: verbs and particles that precede it in a sentence.
_LEADING = (
    "成功创建",
    "全力实施",
    "实施",
    "完成",
    "推进",
    "推动",
    "加快",
    "建设",
    "新建",
    "改建",
    "扩建",
    "改造",
    "整治",
    "提升",
    "创建",
    "打造",
    "开展",
    "启动",
    "实现",
    "聚焦",
    "围绕",
    "包括",
    "其中",
    "位于",
    "以及",
    "沿",
    "对",
    "在",
    "将",
    "由",
    "和",
    "与",
    "及",
    "等",
    "了",
    "的",
)
_LEADING_RE = re.compile("|".join(sorted(_LEADING, key=len, reverse=True)))
#: Words trailing a side value that are not part of the name ("南至苏州河一线所围合的区域").
_TRAILING_RE = re.compile(
    rf"^(.+?{_ROAD_END})(?:所|之)?(?:围合|围成|合围|一线|沿线|为界|边界|红线|以内|之间)*"
    r"(?:的)?(?:区域|地区|地块|范围|街区|片区)?$"
)
#: An enumeration label before a heading-style name ("一是", "（1）" is cut by the bracket).
_ENUM_LABEL = re.compile(r"^(?:[一二三四五六七八九十]+是|[0-9]+)")

# "北至灵石路" / "东起A" / "西到B、C": a direction, a verb, one or more names.
_SIDE_VERB = "(?:至|到|起|抵|临|邻|靠|接)"
_NAME_UNIT = rf"(?:(?![东南西北]{_SIDE_VERB})[^{_VALUE_STOP}]){{1,24}}"
_TO_CLAUSE = re.compile(rf"([东南西北]){_SIDE_VERB}({_NAME_UNIT}(?:、{_NAME_UNIT})*)")
# "A路以东": the marker; the name is read backwards from it.
_BEYOND_CLAUSE = re.compile(r"以([东南西北])(?![至到起])")
# Street segments. The along-road is read backwards from the bracket / the from-road.
_ROAD = rf"[{_CJK}0-9]{{1,12}}?{_ROAD_END}"
_SEG_BRACKET = re.compile(rf"（({_ROAD})[{_DASH}一至到]({_ROAD})(?:路?段)?）")
_SEG_FROM = re.compile(rf"(自|从|由)({_ROAD})(?:[{_DASH}]|至|到)({_ROAD})(?:路?段)?")
# "A路B路—C路段": anchored on "—C路段"; the run before it is split into A路 and B路.
_SEG_RUN = re.compile(rf"(?:[{_DASH}]|至|到)({_ROAD})路?段")
#: Separators allowed between the clauses of one description.
_CLAUSE_GAP = re.compile(r"^[，、；和与及]?$")
#: "东至陕西北路，陕西南路；西至…": a stray name between clauses belongs to the one before.
_CLAUSE_GAP_NAME = re.compile(rf"^[，、；]([{_CJK}0-9]{{1,12}}{_ROAD_END})[，、；]?$")
#: A pronoun subject ("其范围为…") refers to the area of the clause before.
_PRONOUN = re.compile(r"^(?:其|该|此|这|本)")
#: Words after an area's name in "推进X建设，其范围为…".
_TRAILING_WORK = re.compile(r"(?:的)?(?:建设|改造|提升|更新|工作|工程|项目)+$")
#: Cues that make a single side a description ("沿A路以北为核心", "范围为A路以东").
_SCOPE_BEFORE = re.compile(r"(?:范围|四至|边界)(?:为|是|：)?$|：$|沿$|位于$")
_SCOPE_AFTER = re.compile(r"^(?:为核心|区域|地区|地块|片区|一带|范围|之间)")
# "由A路、B路、C路、D路围合的区域": roads all round, no directions.
# Anchored on the verb; the list of roads is read back from it.
_ENCLOSED = re.compile(
    r"(?:所|之)?(?:围合|围成|合围|包围)(?:的|而成的)?(?:区域|地区|地块|街坊|范围|片区|街区)?"
)
_ENCLOSED_LIST = re.compile(rf"(?:{_ROAD}[、和与及])+{_ROAD}$")
_ENCLOSED_LEAD = re.compile(r"^.*(?:范围|四至)(?:为|是)?：?|^.*[由被]")
_QUOTED = re.compile(r"“([^“”]{2,20})[”“]")
_GLOSSARY_HEADING = re.compile(
    r"^[#\s*]*(?:\d+[.、．]?\s*)?(?:名词解释|名词注释|名词说明|术语解释|注释|注解|附注|附件|附录)"
    r"\s*[\d一二三四五六七八九十]*\s*[:：]?[\s*]*$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class BoundaryMatch:
    """One boundary description: the area it names (if any), the boundary, original offsets."""

    name: str | None
    boundary: dict[str, Any]
    start: int
    end: int


#: a description found in the normalised text: (start, end, area name, boundary)
_Found = tuple[int, int, str | None, dict[str, Any]]


@dataclass(frozen=True)
class _Clause:
    side: str
    names: tuple[str, ...]
    start: int  # offsets into the normalised text
    end: int


def find_boundaries(text: str) -> list[BoundaryMatch]:
    """Every boundary description in ``text``, in text order, with offsets into ``text``."""
    norm = normalise(text)
    s = norm.text
    sides = [_describe(s, g) for g in _clause_groups(s, _side_clauses(s)) if _is_description(s, g)]
    found = _first_come([*sides, *_enclosures(s), *_segments(s)])
    return [_to_match(norm, *f) for f in found]


def _first_come(candidates: list[_Found]) -> list[_Found]:
    """The candidates that overlap no earlier one (earlier = preferred), in text order."""
    starts: list[int] = []
    kept: list[_Found] = []
    for c in candidates:
        i = bisect.bisect_left(starts, c[1])
        if i and kept[i - 1][1] > c[0]:
            continue
        starts.insert(i, c[0])
        kept.insert(i, c)
    return kept


def _describe(s: str, group: list[_Clause]) -> _Found:
    """(start, end, name, boundary) of one run of side clauses."""
    start, end = group[0].start, group[-1].end
    name, name_start = _area_name(s, start, end)
    if _is_segment_subject(name, group):
        return (
            name_start,
            end,
            name,
            {"along": name, "from": group[0].names[0], "to": group[-1].names[0]},
        )
    sides: dict[str, list[str]] = {}
    for c in group:
        sides.setdefault(c.side, [])
        sides[c.side] += [n for n in c.names if n not in sides[c.side]]
    return name_start, end, name, {k: sides[k] for k in SIDES if k in sides}


def _to_match(
    norm: Normalised, start: int, end: int, name: str | None, b: dict[str, Any]
) -> BoundaryMatch:
    o_start, o_end = norm.span(start, end)
    return BoundaryMatch(name, b, o_start, o_end)


# --- sides -------------------------------------------------------------------------------


def _side_clauses(s: str) -> list[_Clause]:
    clauses = []
    for m in _TO_CLAUSE.finditer(s):
        names = _split_names(m.group(2))
        if names:
            clauses.append(_Clause(_DIR_SIDE[m.group(1)], names, m.start(), m.end()))
    prev_end = 0
    for m in _BEYOND_CLAUSE.finditer(s):
        name_start = max(_run_start(s, m.start()), prev_end)
        prev_end = m.end()
        name = _strip_leading(s[name_start : m.start()])
        if name and _ROAD_END_RE.search(name):
            start = m.start() - len(name)
            clauses.append(_Clause(_BEYOND_SIDE[m.group(1)], (name,), start, m.end()))
    clauses.sort(key=lambda c: c.start)
    return [c for i, c in enumerate(clauses) if i == 0 or c.start >= clauses[i - 1].end]


def _split_names(value: str) -> tuple[str, ...]:
    names = []
    for part in value.split("、"):
        part = part.strip()
        if bare := _TRAILING_RE.match(part):
            part = bare.group(1)
        pieces = re.split("[和与及]", part)
        if len(pieces) > 1 and all(_ROAD_END_RE.search(p) for p in pieces):
            names += pieces
        elif part:
            names.append(part)
    return tuple(names)


def _clause_groups(s: str, clauses: Sequence[_Clause]) -> Iterable[list[_Clause]]:
    """Runs of clauses separated by at most one separator: one description each."""
    group: list[_Clause] = []
    for c in clauses:
        if group:
            gap = s[group[-1].end : c.start]
            stray = _CLAUSE_GAP_NAME.match(gap)
            if stray:
                last = group[-1]
                group[-1] = dataclasses.replace(last, names=(*last.names, stray.group(1)))
            elif not _CLAUSE_GAP.match(gap):
                yield group
                group = []
        group.append(c)
    if group:
        yield group


def _is_description(s: str, group: list[_Clause]) -> bool:
    """Two or more sides, or one side with a cue ("范围为…", "X：…", "沿…以北为核心")."""
    if len({c.side for c in group}) >= 2:
        return True
    start, end = group[0].start, group[-1].end
    before = s[max(0, start - 4) : start]
    return bool(_SCOPE_BEFORE.search(before) or _SCOPE_AFTER.match(s[end : end + 3]))


def _is_segment_subject(name: str | None, group: list[_Clause]) -> bool:
    """ "A路东起B路，西至C路" describes a stretch of A路, not an area."""
    axes = {frozenset(("east", "west")), frozenset(("north", "south"))}
    one_axis = len(group) == 2 and frozenset(c.side for c in group) in axes
    single = all(len(c.names) == 1 for c in group)
    return bool(name and _ROAD_END_RE.search(name) and one_axis and single)


# --- names -------------------------------------------------------------------------------


def _run_start(s: str, end: int) -> int:
    """Start of the run of name characters that ends at ``end`` (at most ``_RUN_MAX`` long)."""
    i = end
    stop = max(0, end - _RUN_MAX)
    while i > stop and (s[i - 1].isalnum() or s[i - 1] == "·"):
        i -= 1
    return i


def _strip_leading(run: str) -> str:
    """The name at the end of ``run``: drop the verbs and particles before it.

    Two-character verbs ("实施", "创建") are cut wherever they occur last; one-character
    particles ("沿", "和") only at the start, since names contain them (共和新路).
    """
    for found in _LEADING_RE.finditer(run):
        if len(found.group(0)) >= 2 and len(run) - found.end() >= 2:
            return _strip_leading(run[found.end() :])
    while (lead := _LEADING_RE.match(run)) and len(run) - lead.end() >= 2:
        run = run[lead.end() :]
    return run


def _sentence_bounds(s: str, start: int, end: int) -> tuple[int, int]:
    i = start
    while i > max(0, start - _WINDOW) and s[i - 1] not in _SENT_END:
        i -= 1
    j = end
    while j < min(len(s), end + _WINDOW) and s[j] not in _SENT_END:
        j += 1
    return i, j


_NAME_CUE = re.compile(r"(?:(?:的)?(?:范围|四至|边界)(?:为|是)?：?|：)$")


def _area_name(s: str, start: int, end: int) -> tuple[str | None, int]:
    """The area a description is about, and where its name starts (``start`` if elsewhere).

    "X：北至…", "X范围为…" and "X东起…" name it right before; otherwise the quoted name in
    the same sentence ("沿A路以北为核心，打造“大宁创芯谷”"), else None.
    """
    base = max(0, start - _WINDOW)  # a name is close by; never rescan the whole text
    head = s[base:start]
    cue = _NAME_CUE.search(head)
    if cue:
        head = head[: cue.start()]
    name = head[_run_start(head, len(head)) :]
    if not (cue and cue.group(0) == "："):  # "X：" is a heading; elsewhere verbs precede X
        name = _strip_leading(name)
    elif (label := _ENUM_LABEL.match(name)) and len(name) - label.end() >= 2:
        name = name[label.end() :]
    if _PRONOUN.match(name):
        head = head[: len(head) - len(name)].rstrip("，、")
        run_start = _run_start(head, len(head))
        stripped = _strip_leading(head[run_start:])
        name = _TRAILING_WORK.sub("", stripped)
        head = head[: len(head) - len(stripped) + len(name)]
    if len(name) >= 2 and not _LEADING_RE.fullmatch(name):
        return name, base + len(head) - len(name)
    sent_start, sent_end = _sentence_bounds(s, start, end)
    quoted = list(_QUOTED.finditer(s, sent_start, sent_end))
    after = [q for q in quoted if q.start() >= end]
    pick = after[0] if after else (quoted[-1] if quoted else None)
    return (pick.group(1), start) if pick else (None, start)


# --- enclosures -------------------------------------------------------------------------


def _enclosures(s: str) -> list[_Found]:
    """ "（X范围为）由A路、B路、C路围合的区域" → ``{"around": [A路, B路, C路]}``."""
    out = []
    for m in _ENCLOSED.finditer(s):
        window = max(0, m.start() - _WINDOW)
        roads = _ENCLOSED_LIST.search(s, window, m.start())
        if not roads:
            continue
        names = re.split("[、和与及]", roads.group(0))
        lead = _ENCLOSED_LEAD.match(names[0])
        first = _strip_leading(names[0][lead.end() :] if lead else names[0])
        if len(names) < 3 or len(first) < 2 or not _ROAD_END_RE.search(first):
            continue
        start = roads.start() + len(names[0]) - len(first)
        name_at = start - (1 if s[start - 1 : start] in ("由", "被") else 0)
        name, name_start = _area_name(s, name_at, m.end())
        around = list(dict.fromkeys([first, *names[1:]]))
        out.append((min(start, name_start), m.end(), name, {"around": around}))
    return out


# --- segments ----------------------------------------------------------------------------


def _road_before(s: str, end: int) -> tuple[str, int] | None:
    run = s[_run_start(s, end) : end]
    name = _strip_leading(run)
    if len(name) >= 2 and _ROAD_END_RE.search(name):
        return name, end - len(name)
    return None


def _segments(s: str) -> list[_Found]:
    """Street segments: "A路（B路—C路）", "A路自B路至C路", "A路B路—C路段"."""
    out: list[_Found] = []
    for m in _SEG_BRACKET.finditer(s):
        _add_segment(out, _road_before(s, m.start()), m.group(1), m.group(2), m.end())
    for m in _SEG_FROM.finditer(s):
        _add_segment(out, _road_before(s, m.start()), m.group(2), m.group(3), m.end())
    for m in _SEG_RUN.finditer(s):
        along, from_ = _split_along_from(s, _run_start(s, m.start()), m.start())
        _add_segment(out, along, from_, m.group(1), m.end())
    return out


def _add_segment(
    out: list[_Found], along: tuple[str, int] | None, from_: str | None, to: str, end: int
) -> None:
    if along and from_:
        out.append((along[1], end, along[0], {"along": along[0], "from": from_, "to": to}))


def _split_along_from(s: str, run_start: int, run_end: int) -> tuple[Any, str | None]:
    """Split "北苏州路浙江北路" at a road ending into the along-road and the from-road."""
    run = s[run_start:run_end]
    for m in re.finditer(_ROAD_END, run):
        from_ = run[m.end() :]
        if len(from_) >= 2 and _ROAD_END_RE.search(from_) and not re.match(_ROAD_END, from_):
            along = _road_before(s, run_start + m.end())
            if along and along[1] >= run_start:
                return along, from_
    return None, None


# --- attaching ---------------------------------------------------------------------------


def _key(name: str | None) -> str:
    return re.sub(r"[\s“”‘’\"'《》「」]", "", name or "")


def _glossary_start(text: str) -> int:
    m = _GLOSSARY_HEADING.search(text)
    return m.start() if m else len(text) + 1


def _spells_out(item_key: str, area_key: str) -> bool:
    """Same name, or the item's name spells it out ("国庆路（乌镇路—晋元路）" for 国庆路)."""
    a, b = item_key, area_key
    return bool(a and b) and (a == b or a.startswith(b) or (len(b) >= 4 and b in a))


class _ItemIndex:
    """Items by quote span and by name, so attaching stays fast on long reports."""

    def __init__(self, items: list[Item]) -> None:
        self.keys = [_key(it.name) for it in items]
        self.order = sorted(range(len(items)), key=lambda i: items[i].start)
        self.starts = [items[i].start for i in self.order]
        self.longest = max((it.end - it.start for it in items), default=0)
        self.items = items
        self._named: dict[str, list[int]] = {}

    def overlapping(self, start: int, end: int) -> list[int]:
        lo = bisect.bisect_left(self.starts, start - self.longest)
        hi = bisect.bisect_left(self.starts, end)
        return sorted(i for i in self.order[lo:hi] if self.items[i].end > start)

    def named(self, name: str | None) -> list[int]:
        b = _key(name)
        if b not in self._named:
            self._named[b] = [i for i, a in enumerate(self.keys) if _spells_out(a, b)]
        return self._named[b]


def attach_boundaries(items: Iterable[Item], text: str) -> list[Item]:
    """Set ``boundary`` on the item each description belongs to.

    A description belongs to the item whose quote span holds it (the one of the same name
    first, else the nearest before it). An area's description also enriches the other
    mentions of that area in the report; one in a glossary / annex ("名词解释", "附件") of
    an area named elsewhere enriches those mentions as well as the glossary's own item (the
    same place in two sections is two items). A street segment stays on its own mention
    (elsewhere the road may be meant whole).
    """
    items = list(items)
    index = _ItemIndex(items)
    gloss = _glossary_start(text)
    for m in find_boundaries(text):
        inside = index.overlapping(m.start, m.end)
        same = index.named(m.name)
        named = [i for i in inside if i in same]
        area = "along" not in m.boundary
        elsewhere = [i for i in same if area and i not in inside]
        if m.start >= gloss and elsewhere:
            targets = named + elsewhere  # the glossary's own item stays (its own section)
        else:
            targets = (named or _nearest(items, inside, m)) + elsewhere
        for i in targets:
            if items[i].boundary is None:
                items[i] = dataclasses.replace(items[i], boundary=m.boundary)
    return items


def _nearest(items: list[Item], inside: list[int], m: BoundaryMatch) -> list[int]:
    """The item still without a boundary whose quote holds the description and starts
    closest before it."""
    free = [i for i in inside if items[i].boundary is None]
    before = [i for i in free if items[i].start <= m.start]
    pool = before or free
    return [max(pool, key=lambda i: items[i].start)] if pool else []
