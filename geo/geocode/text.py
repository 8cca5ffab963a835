"""Step 4: names inside a longer text. One known place ("大宁灵石公园北侧") → that place,
precision 2; else one known road ("南京西路沿线") → its in-district line, precision 5 (the
item is somewhere on it; its 街道 only when nearly all the line lies in one); two roads side
by side ("北京西路凤阳路") → their crossing; else one river ("苏州河两岸公共空间") → its in-district
water (precision 5: somewhere along it)."""

from __future__ import annotations

from extract.address import NAME_PREFIXES, Crossing
from geo.geocode.address import crossing_result, road_line_result
from geo.geocode.base import Query, Resolver
from geo.geocode.types import ROAD_END, SUBDISTRICT_END, Resolution


def resolve_text(r: Resolver, q: Query) -> Resolution | None:
    key = q.masked
    feats = r.index.features
    places: list[int] = []
    roads: list[int] = []
    waters: list[int] = []
    zones = False
    for start, end, k in r.index.mentions(key):
        hits = r.index.keys[k]
        if not any(feats[f].layer == "roads" for f, _ in hits):
            zones = zones or any(feats[f].layer == "zones" for f, _ in hits)
        if len(k) < 3 or key.startswith(SUBDISTRICT_END, end):
            continue
        hint = "road" if k.endswith(ROAD_END) else None
        if hint == "road" and start > 0 and key[start - 1] in NAME_PREFIXES:
            continue  # "老沪太路" is not 沪太路
        chosen = r.choose(r.index.keys[k], hint)
        if chosen is None:
            continue
        layer = feats[chosen[0]].layer
        if layer == "places" and chosen[0] not in places:
            places.append(chosen[0])
        elif layer == "roads" and chosen[0] not in roads:
            roads.append(chosen[0])
        elif layer == "water" and chosen[0] not in waters:
            waters.append(chosen[0])
    if len(places) == 1:
        return r.feature_result(q.text, places[0], "name-in-text", 2)
    if zones:
        return None  # "南京西路—苏河湾…集聚带" is an area: the zone step answers
    if not places and len(roads) == 1:
        return road_line_result(r, q.text, feats[roads[0]].name, "road-in-text")
    if not places and len(roads) == 2:  # "北京西路凤阳路": the corner of two roads
        a, b = (r.index.roads.get(feats[f].name) for f in roads)
        if a is not None and b is not None:
            return crossing_result(r, q.text, Crossing(a.name, b.name))
    if not places and not roads and len(waters) == 1:  # "苏州河两岸公共空间": along the river
        return r.feature_result(q.text, waters[0], "water-in-text", 5)
    return None
