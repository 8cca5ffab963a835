"""The address and road recognisers: a road with a house or lane number (共和新路3550号),
a road with a segment (云飞东路（共和新路—寿阳路）) or followed by road works (…拓宽改建工程).

These find where an item's *name* sits in a sentence (a number with a letter, 江宁路54A, or
followed by a plot word, …项目 / …地块, counts); they do not parse it into road and numbers:
that is `extract.address`, run once on each item's location (`Item.address`).
"""

from __future__ import annotations

import re

from . import lexicon as lx
from .spans import Span, extend_left, is_generic, valid_member
from .vocab import CJK, RIVER_ENDINGS

_SEGMENT = re.compile(
    rf"^（([{CJK}]{{1,10}}(?:路|桥|河|浦|浜|泾|塘))[—–\-一至~～]([{CJK}]{{1,10}}(?:路|桥|河|浦|浜|泾|塘))）"
)

_ADDRESS = re.compile(rf"([{CJK}]{{1,10}}?(?:路|大道|街))(\d+[A-Za-z]?(?:、\d+)*(?:号|弄)?)")


def address_spans(s: str) -> list[Span]:
    """``共和新路3550号``, ``陕西北路119弄``, ``江宁路54A``, continued to a plot word."""
    spans: list[Span] = []
    for m in _ADDRESS.finditer(s):
        num = m.group(2)
        if not (num.endswith(("号", "弄")) or s[m.end() : m.end() + 2] in ("项目", "地块")):
            continue
        start = extend_left(s, m.start(2), limit=10)
        end = m.end()
        tail = re.match(rf"[{CJK}A-Za-z0-9]{{0,8}}?(地块|街坊)", s[end:])
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
            if len(name) < 3 or is_generic(name[:-1]) or not valid_member(name):
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
