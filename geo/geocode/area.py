"""Step 5: an area named in the text: a 街道/镇 (precision 3), else a functional zone (5),
else the district itself when named as such ("静安区", "全区"; precision 4). Several 街道 →
their union. With none of these, an estate a residents' committee is named after (洪南山宅,
蕃瓜弄: `geo.gazetteer.committees`) places the text in that committee's 街道 (precision 3,
`area:committee`)."""

from __future__ import annotations

import re
from dataclasses import replace

import shapely

from extract.normalise import squeeze
from geo.geocode.base import Query, Resolver
from geo.geocode.types import (
    DROP_RE,
    LAYER_PRECISION,
    ROAD_END,
    SUBDISTRICT_END,
    ZONE_SUFFIXES,
    Resolution,
    normalise_name,
)
from geo.schema import MULTI_SEP

_DISTRICT_WORDS = re.compile(r"全区|区内|区域内|辖区")


def resolve_area(r: Resolver, q: Query) -> Resolution | None:
    key = q.masked
    feats = r.index.features
    found: dict[str, list[int]] = {"subdistricts": [], "zones": [], "district": []}
    for _start, end, k in r.index.mentions(key):
        hits = r.index.keys[k]
        follows_sub = key.startswith(SUBDISTRICT_END, end)
        follows_zone = key.startswith(ZONE_SUFFIXES, end)
        hint = "subdistrict" if follows_sub or k.endswith(SUBDISTRICT_END) else None
        hint = "zone" if follows_zone else hint
        is_road = any(feats[f].layer == "roads" for f, _ in hits)
        for fid, how in hits:
            layer = feats[fid].layer
            if layer not in found or fid in found[layer]:
                continue
            if (
                layer == "subdistricts"
                and how == "short"
                and hint != "subdistrict"
                and (k.endswith(ROAD_END) or r.names_place(k))
            ):
                continue  # "江宁路…" is the road, "静安寺…" the temple, not the 街道
            if layer == "zones" and (hint == "subdistrict" or (is_road and hint is None)):
                continue  # "南京西路汶水路" names two roads, not the zone 南京西路
            if layer == "district" and not k.endswith("区"):
                continue  # "静安" inside "静安国际中心" says nothing about where it is
            found[layer].append(fid)
    # The district's own name is stripped from keys as a prefix: look for it in the text.
    named = r.index.district_name in DROP_RE.sub("", squeeze(q.text))
    if (named or _DISTRICT_WORDS.search(key)) and r.index.district_geom is not None:
        found["district"] = found["district"] or [-1]
    for layer, method in (
        ("subdistricts", "area:subdistrict"),
        ("zones", "area:zone"),
        ("district", "area:district"),
    ):
        fids = found[layer]
        if not fids:
            continue
        if fids == [-1]:
            return district_result(r, q.text)
        if len(fids) == 1:
            return r.feature_result(q.text, fids[0], method)
        return union_result(r, q.text, fids, method)
    return committee_result(r, q.text, key)


def committee_result(r: Resolver, query: str, key: str) -> Resolution | None:
    """The 街道 of the residents' committee whose estate the text names, if any."""
    found = r.index.evidence.committee_in_text(key)
    if found is None:
        return None
    for fid, _how in r.index.keys.get(normalise_name(found[1]), []):
        if r.index.features[fid].layer == "subdistricts":
            res = r.feature_result(query, fid, "area:committee")
            return replace(res, matched=f"{found[0]} ({found[1]})")
    return None


def district_result(r: Resolver, query: str) -> Resolution:
    geom = r.index.district_geom
    assert geom is not None
    point = geom.representative_point()
    return r.shape_result(query, geom, point, 4, "area:district", r.index.district_name)


def union_result(r: Resolver, query: str, fids: list[int], method: str) -> Resolution:
    feats = [r.index.features[f] for f in fids]
    geom = shapely.union_all([f.geometry for f in feats])
    point = geom.representative_point()
    precision = max(LAYER_PRECISION[f.layer] for f in feats)
    subs = sorted({f.subdistrict for f in feats if f.subdistrict})
    zones = sorted({z for f in feats if f.zone for z in f.zone.split(MULTI_SEP)})
    return r.shape_result(
        query,
        geom,
        point,
        precision,
        method + ":multiple",
        MULTI_SEP.join(f.name for f in feats),
        MULTI_SEP.join(subs) or None,
        MULTI_SEP.join(zones) or None,
    )
