"""Names with structure (issue 22): place + head + part, kept whole in an item's name.

A works item or a facility on a place is not the place, and a part is not the whole, so the
name of an item carries its head (what kind of thing: 商务更新单元, 市民园艺中心, 景观灯光 …, the
``head_*`` rows of ``extract/data/vocab.tsv``) and its part (东区, 三期, 首开区) whatever way the
sentence spreads them out:

* a head after a list is every member's ("中兴公园、彭浦公园等2个市民园艺中心", "…商圈景观灯光");
* a planning unit's head on the last member is shared by the bare members before it
  ("苏河湾、大宁商务更新单元" → 苏河湾商务更新单元, 大宁商务更新单元);
* a designation a place is given is named with the place ("X创建低碳发展实践区");
* a part after project words belongs to the name ("张园城市更新项目东区" → 张园东区).

It also recognises quoted slogans that stand for places ("“一河两岸”沿线"): the slogan is the
item's location, which the gazetteer's aliases resolve (data with a source note each), never
this vocabulary.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Protocol, TypeVar

from .vocab import CJK, NAME_HEADS

#: Heads that attach to a place named before them (areas do not: 苏河湾功能区 is 苏河湾).
ATTACHED: dict[str, tuple[str, str, str]] = {w: v for w, v in NAME_HEADS.items() if v[0] != "area"}
_HEAD_ALT = "|".join(sorted(map(re.escape, ATTACHED), key=len, reverse=True))
#: What may stand between the last member of a list and the head they share.
_AFTER_LIST = re.compile(
    rf"(等\s*(?:[\d一二三四五六七八九十两]+\s*[个座处家所]\s*)?(?:市级|区级)?“?)?({_HEAD_ALT})"
)
_GIVEN = re.compile(rf"创建({_HEAD_ALT})")
_PART_AFTER = re.compile(
    r"(?:城市更新|旧区改造|更新)?(?:项目|工程)([东西南北中]区|首开区|[一二三四五六七八九十\d]+期)"
)
_SLOGAN = re.compile(rf"“([^“”，。；、]{{1,8}})”([{CJK}]{{0,4}}?)(沿线|沿岸|两岸|周边)")
_LIST_JOIN = "、和及与"
#: Longest bare member that shares a unit head with the last one ("苏河湾、大宁…").
_SHARED_MAX = 4


class SpanLike(Protocol):
    """What this module reads of a span (`extract.spans.Span`, frozen)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...


S = TypeVar("S", bound=SpanLike)


def slogan_matches(s: str) -> list[tuple[int, int, str, str]]:
    """(start, end, name, location) of quoted slogans standing for a place: "“一河两岸”沿线"
    → location 一河两岸, "“申”字型高架沿线" → 申字型高架."""
    return [(m.start(), m.end(), m.group(0), m.group(1) + m.group(2)) for m in _SLOGAN.finditer(s)]


def lists(s: str, spans: list[S]) -> list[list[int]]:
    """Runs of spans (in start order) joined by 、 和 及 与: the members of one list."""
    groups: list[list[int]] = []
    for i, sp in enumerate(spans):
        if groups and s[spans[groups[-1][-1]].end : sp.start] in tuple(_LIST_JOIN):
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _headed(span: S, head: str, end: int | None = None) -> S:
    _, kind, category = ATTACHED[head]
    return dataclasses.replace(
        span,  # type: ignore[type-var]
        name=span.name + head,
        kind=kind,
        category=category,
        end=span.end if end is None else end,
    )


def with_heads(s: str, spans: list[S]) -> list[S]:
    """``spans`` (any order) with heads and parts put back into their names (module doc)."""
    out = sorted(spans, key=lambda sp: sp.start)
    for group in lists(s, out):
        last = out[group[-1]]
        m = _AFTER_LIST.match(s, last.end)
        if m:
            for i in group:
                if out[i].kind != "road" and not out[i].name.endswith(m.group(2)):
                    glued = i == group[-1] and not m.group(1)
                    out[i] = _headed(out[i], m.group(2), m.end() if glued else None)
            continue
        unit = next(
            (h for h in ATTACHED if ATTACHED[h][0] == "unit" and last.name.endswith(h)), None
        )
        if unit and len(last.name) - len(unit) <= _SHARED_MAX:
            for i in group[:-1]:
                if len(out[i].name) <= _SHARED_MAX and out[i].kind != "road":
                    out[i] = _headed(out[i], unit)
    for i, sp in enumerate(out):
        given = _GIVEN.match(s, sp.end)
        if given and sp.kind != "road" and ATTACHED[given.group(1)][0] == "designation":
            out[i] = _headed(sp, given.group(1))
            continue
        part = _PART_AFTER.match(s, sp.end)
        if part and not sp.name.endswith(part.group(1)):
            out[i] = dataclasses.replace(
                sp,  # type: ignore[type-var]
                name=sp.name + part.group(1),
                end=part.end(),
            )
    return out
