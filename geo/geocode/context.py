"""Step 6 (items only): the setting the item's own sentence or paragraph names, when its name
and location are not in the gazetteer: "在苏河湾…", "大宁路街道…", "…落地市北", "共和新路3550号…".

The context must name exactly one candidate of a kind, and not as a member of a list (a
sentence listing three zones, "苏河湾、大宁、市北", places none of its items): an address on
a known road (the address's answer, never
precision 1: the item is at that address, not the numbered feature), else one 街道 named as
such (precision 3), else one functional zone (5), else — in the sentence only, not the
paragraph — one road (its in-district line, 5). The method says which: `context:address`,
`context:subdistrict`, `context:zone`, `context:road`."""

from __future__ import annotations

from dataclasses import replace

from extract.normalise import squeeze
from geo.geocode.address import address_result, masked_key, road_line_result
from geo.geocode.base import Query, Resolver
from geo.geocode.types import ROAD_END, SUBDISTRICT_END, ZONE_SUFFIXES, Resolution


def resolve_context(r: Resolver, q: Query) -> Resolution | None:
    """The first context (sentence, then paragraph) that names one setting."""
    texts = [t for t in (q.context or "").split("\n") if t.strip()]
    for depth, text in enumerate(texts):
        res = _setting(r, q.text, text, roads_too=depth == 0)
        if res is not None:
            return res
    return None


#: Characters that join the members of a list.
_LIST_MARKS = frozenset("、和与及")


def _listed(text: str, start: int, end: int) -> bool:
    """Whether the mention at [start, end) is a member of a list (、/和/与 before or after)."""
    after = end
    for suffix in (*SUBDISTRICT_END, *ZONE_SUFFIXES):
        if text.startswith(suffix, after):
            after += len(suffix)
            break
    before = text[start - 1] if start > 0 else ""
    following = text[after] if after < len(text) else ""
    return bool({before, following} & _LIST_MARKS)


def _setting(r: Resolver, query: str, text: str, *, roads_too: bool) -> Resolution | None:
    parsed = r.parse(text)
    found = {(a.road, a.number, a.unit): a for a in parsed.addresses if a.road in r.index.roads}
    if len(found) == 1:
        res = address_result(r, query, next(iter(found.values())), None)
        if res is not None:
            return replace(
                res, method=f"context:{res.method}", precision=max(res.precision or 2, 2)
            )
    key = masked_key(r, parsed, squeeze(text))  # punctuation kept: it marks lists
    feats = r.index.features
    subs: set[int] = set()
    zones: set[int] = set()
    roads: set[str] = set()
    for start, end, k in r.index.mentions(key):
        if _listed(key, start, end):
            continue  # "石门二路街道、彭浦镇…": a member of a list is no one's setting
        hits = r.index.keys[k]
        layers = {feats[f].layer for f, _ in hits}
        if k.endswith(SUBDISTRICT_END) and "subdistricts" in layers:
            subs.update(f for f, _ in hits if feats[f].layer == "subdistricts")
        elif "zones" in layers and not layers & {"roads", "places"}:
            zones.update(f for f, _ in hits if feats[f].layer == "zones")
        elif (
            "roads" in layers and k.endswith(ROAD_END) and not key.startswith(SUBDISTRICT_END, end)
        ):
            roads.update(feats[f].name for f, _ in hits if feats[f].layer == "roads")
    if len(subs) == 1:
        return r.feature_result(query, subs.pop(), "context:subdistrict", 3)
    if len(zones) == 1:
        return r.feature_result(query, zones.pop(), "context:zone", 5)
    if roads_too and len(roads) == 1:
        return road_line_result(r, query, roads.pop(), "context:road")
    return None
