"""Pair rules: the evidence that links two mentions (same feature, address, name, place and
area head, rename sentence, enumeration context) and the reasons that keep two apart
(`apart_reason`: road, 街道, part, address, head, facility)."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from geo.threads.mentions import Mention
from geo.threads.names import is_road_name, name_core, name_key

#: item kinds that are lines of their own (a road is never the zone or block on it)
ROAD_KINDS: frozenset[str] = frozenset({"road"})
#: kinds the extractor may give one street area (巨富长 "区域" / 巨富长片区 "美丽街区")
AREA_KINDS: frozenset[str] = frozenset({"zone", "beautiful_block"})

#: Rule → score (strongest first); the order in which links are tried.
RULES: dict[str, float] = {
    "same_feature": 1.0,
    "same_address": 0.95,
    "same_name": 0.9,
    "renamed": 0.85,
    "contains_same_location": 0.8,
    "enumeration_context": 0.7,
}


# --------------------------------------------------------------------------- pair rules


def same_quote(a: Mention, b: Mention) -> bool:
    """Two members of one enumeration (one sentence of one report) are different things."""
    return a.doc == b.doc and a.start < b.end and b.start < a.end and a.key != b.key


def kinds_compatible(a: Mention, b: Mention) -> bool:
    """Same kind; or project / zone / block / park for one name that is not a road's (the
    extractor may call one street area a zone here and a block there)."""
    if a.kind == b.kind:
        return True
    if a.kind in ROAD_KINDS or b.kind in ROAD_KINDS:
        return False
    return not (is_road_name(a.key) or is_road_name(b.key))


def apart_reason(a: Mention, b: Mention) -> str | None:
    """Why two names can never be one thing, or None (what `cannot_link` checks besides the
    sentence): it depends only on the names, kinds, addresses and 街道, so it is decided once
    per pair of distinct signatures. The reason is kept with the refused candidate."""
    if not kinds_compatible(a, b):
        return "road_vs_other" if ROAD_KINDS & {a.kind, b.kind} else "different_kind"
    if a.subdistricts and b.subdistricts and not a.subdistricts & b.subdistricts:
        return "different_subdistrict"
    if a.key == b.key:
        return None
    if a.markers != b.markers and (a.base in b.key or b.base in a.key):
        return "different_part"  # 南京西路东段 / 西段, 张园 / 张园西区, 彭三小区四期 / 五期
    if a.address and b.address and a.address[:4] != b.address[:4]:
        return "different_address"  # 汶水路8号 / 汶水路801号
    if a.feature is not None and a.feature == b.feature:
        return None  # one gazetteer feature: a rename, whatever the words
    if (
        a.head != b.head
        and {a.sort, b.sort} - {"area", ""}
        and (a.core in b.key or b.core in a.key)
    ):
        return "different_head"  # 南京西路商圈 / …商圈景观灯光, 苏河湾功能区 / 苏河湾商务更新单元
    if a.core != b.core and (a.key in b.key or b.key in a.key):
        return "facility_or_part"  # 彭一小区 / 彭一小区养老院: one name plus a specific word
    return None


def incompatible(a: Mention, b: Mention) -> bool:
    """True when two names can never be one thing (`apart_reason` has a reason)."""
    return apart_reason(a, b) is not None


def cannot_link(a: Mention, b: Mention) -> bool:
    """True when `a` and `b` must never share a thread, whatever links a chain holds."""
    return same_quote(a, b) or incompatible(a, b)


def pair_rule(a: Mention, b: Mention) -> str | None:
    """The strongest direct rule linking `a` and `b`, or None (sentences aside: two members
    of one enumeration are kept apart when threads are joined)."""
    if incompatible(a, b):
        return None
    same_markers = a.markers == b.markers
    if a.feature is not None and a.feature == b.feature and a.kind == b.kind and same_markers:
        return "same_feature"
    if a.address and a.address == b.address and a.kind == b.kind:
        return "same_address"
    if a.key == b.key:
        return "same_name"
    same_kind = a.kind == b.kind or {a.kind, b.kind} <= AREA_KINDS
    contained = a.core in (a.key, b.key) or _only_area_words(a, b)
    if a.core == b.core and same_markers and same_kind and len(a.core) >= 2 and contained:
        return "contains_same_location"
    return None


def _only_area_words(a: Mention, b: Mention) -> bool:
    """Both names are the core plus area/site words only (愚园路街区 / 愚园路片区)."""
    return all(name_core(m.key) == m.core for m in (a, b))


#: An explicit rename: "X更名为Y", "X（现更名为Y）".
RENAMED = re.compile(r"(?:已|正式|现)?更名为")
#: How far before and after 更名为 the two names may reach.
_RENAME_REACH = 20


def renames(members: list[Mention]) -> list[tuple[int, int]]:
    """(old, new) mention positions for every "X更名为Y" sentence whose X and Y are names of
    mentions (normalised): the one evidence besides an address or a feature that links two
    different names. Each sentence is read once; each side tries at most `_RENAME_REACH` cuts."""
    by_key: dict[str, int] = {}
    for m in members:
        by_key.setdefault(m.key, m.pos)
    pairs = []
    for quote in dict.fromkeys(m.quote for m in members if "更名" in m.quote):
        for hit in RENAMED.finditer(quote):
            before = quote[max(0, hit.start() - _RENAME_REACH) : hit.start()].rstrip("（(，,")
            after = quote[hit.end() : hit.end() + _RENAME_REACH]
            old = next(
                (k for n in range(len(before), 1, -1) if (k := name_key(before[-n:])) in by_key),
                None,
            )
            new = next(
                (k for n in range(len(after), 1, -1) if (k := name_key(after[:n])) in by_key),
                None,
            )
            if old and new and old != new:
                pairs.append((by_key[old], by_key[new]))
    return pairs


def similarity(a: Mention, b: Mention) -> float:
    """0–100: how alike two names are (rapidfuzz ratio of the normalised names)."""
    return float(fuzz.ratio(a.key, b.key))
