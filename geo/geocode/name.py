"""Step 1: the exact name or an alias (after normalisation and without trailing project
words), the query's suffix deciding between namesakes (静安寺 / 静安寺街道 / 南京西路功能区)."""

from __future__ import annotations

import shapely

from geo.geocode.base import Query, Resolver
from geo.geocode.types import (
    PROJECT_SUFFIXES,
    ROAD_END,
    SUBDISTRICT_END,
    ZONE_SUFFIXES,
    Resolution,
    normalise_name,
    unlocated,
)
from geo.schema import UNLOCATED

#: Places of one name spread wider than this (metres) are not one point.
AMBIGUOUS_SPREAD_M = 250.0
_M_PER_DEG_LAT = 111_000.0


def resolve_name(r: Resolver, q: Query) -> Resolution | None:
    """The name with its parenthesised note, else without it, else with suffixes trimmed."""
    full = normalise_name(q.text, notes=True)
    if full != q.key and full in r.index.keys:
        res = _by_key(r, q.text, full)
        if res is not None:
            return res
    return _by_key(r, q.text, q.key)


def _by_key(r: Resolver, query: str, key: str) -> Resolution | None:
    for candidate, hint in key_variants(key):
        hits = r.index.keys.get(candidate)
        if not hits:
            continue
        hits = _exact_first(r, hits, candidate)
        chosen = r.choose(hits, hint)
        if chosen is None:
            continue
        fid, how = chosen
        ambiguous = _ambiguous_places(r, query, hits, fid)
        if ambiguous is not None:
            return ambiguous
        method = "exact" if how == "name" and candidate == key else "alias"
        if how == "name" and candidate != key:
            method = "exact:" + ("zone" if hint == "zone" else "trimmed")
        return r.feature_result(query, fid, method)
    return None


def _exact_first(r: Resolver, hits: list[tuple[int, str]], key: str) -> list[tuple[int, str]]:
    """The hits whose own name is exactly `key`, when there are any: "风华初级中学" is the school
    of that name, not also 上海市风华初级中学(北校区), whose key only matches without its note."""
    feats = r.index.features
    exact = [
        (f, how)
        for f, how in hits
        if how == "name" and normalise_name(feats[f].name, notes=True) == key
    ]
    return exact or hits


def hint_of(text: str) -> str | None:
    """The layer a name's own suffix implies."""
    if text.endswith(SUBDISTRICT_END):
        return "subdistrict"
    return "road" if text.endswith(ROAD_END) else None


def key_variants(key: str) -> list[tuple[str, str | None]]:
    """The key as given, then with project words / a zone suffix removed, each with the
    layer hint its suffix implies."""
    out = [(key, hint_of(key))]
    base = key
    changed = True
    while changed:
        changed = False
        for suffix in PROJECT_SUFFIXES:
            if base.endswith(suffix) and len(base) - len(suffix) >= 2:
                base = base[: -len(suffix)]
                out.append((base, hint_of(base)))
                changed = True
    for suffix in ZONE_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            out.append((key[: -len(suffix)], "zone"))
    return out


def _ambiguous_places(
    r: Resolver, query: str, hits: list[tuple[int, str]], fid: int
) -> Resolution | None:
    """Two distinct places of one name more than `AMBIGUOUS_SPREAD_M` apart: not one point
    (their common 街道 when they share one, else unlocated)."""
    feats = r.index.features
    if feats[fid].layer != "places":
        return None
    same = [f for f, _ in r.inside_first(hits) if feats[f].layer == "places"]
    if len(same) < 2:
        return None
    pts = shapely.MultiPoint([feats[f].point for f in same])
    if shapely.minimum_bounding_radius(pts) * _M_PER_DEG_LAT <= AMBIGUOUS_SPREAD_M:
        return None
    subs = {feats[f].subdistrict for f in same}
    name = feats[fid].name
    if len(subs) == 1 and None not in subs:
        sub_hits = r.index.keys.get(normalise_name(subs.pop()), [])
        for f, _ in sub_hits:
            if feats[f].layer == "subdistricts":
                return r.feature_result(query, f, "ambiguous:subdistrict")
    return unlocated(query, UNLOCATED, name, reason="ambiguous: several places of this name")
