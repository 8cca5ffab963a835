"""The `roads` layer: one (Multi)LineString per road name, clipped near the district.

The source has a road as many OSM ways (成都北路 is 23); the geocoder and the 四至 boundary
builder want one geometry per name. Roads are clipped to the district buffered by
`CLIP_BUFFER_M`, so a 四至 road that runs just outside the boundary still closes the polygon.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from atlas.settings import settings
from geo.gazetteer.sources import (
    ALIAS_SEP,
    COMMON_COLUMNS,
    frame,
    join_aliases,
    join_sources,
)
from geo.schema import is_located

CLIP_BUFFER_M = 300.0
#: Kinds in precedence order when the pieces of one name disagree.
_KIND_ORDER = ("river", "elevated", "road")


def district_buffer(district: gpd.GeoDataFrame, metres: float = CLIP_BUFFER_M) -> BaseGeometry:
    """The district outline grown by `metres`, as a WGS84 shapely geometry."""
    metric = district.to_crs(settings.metric_crs).union_all().buffer(metres)
    grown: BaseGeometry = (
        gpd.GeoSeries([metric], crs=settings.metric_crs).to_crs(settings.crs).iloc[0]
    )
    return grown


def _merge_lines(geoms: Any) -> Any:
    merged = shapely.line_merge(shapely.union_all(list(geoms)))
    if merged.geom_type == "GeometryCollection":  # clipped pieces can include points
        lines = [g for g in merged.geoms if g.geom_type in ("LineString", "MultiLineString")]
        merged = shapely.line_merge(shapely.union_all(lines))
    return merged


def merge_roads(pieces: gpd.GeoDataFrame, near: BaseGeometry | None = None) -> gpd.GeoDataFrame:
    """One row per name: geometries unioned and line-merged, sources and aliases joined.

    With `near` (a WGS84 polygon: the district grown by `CLIP_BUFFER_M`) only the roads that
    reach it are kept — but **whole**, as far as the sources go: house numbers count from a
    road's end, often outside the district. Of a name's pieces only those connected (within
    `CONNECT_M`) to a piece reaching `near` are kept: another road of the same name across the
    city is not this one. Rows are sorted by name so that the build is deterministic."""
    pieces = pieces[is_located(pieces)]
    if near is not None:
        reaching = set(pieces.loc[pieces.intersects(near), "name"])
        pieces = pieces[pieces["name"].isin(reaching)]
    metric = pieces.to_crs(settings.metric_crs)
    rows = []
    for name, group in metric.groupby("name", sort=True):
        geom = _merge_lines(group.geometry)
        if near is not None:
            geom = _connected_to(geom, near_metric(near))
        if geom is None or geom.is_empty or geom.length == 0:
            continue
        kinds = set(group["kind"])
        kind = next(k for k in (*_KIND_ORDER, *sorted(kinds)) if k in kinds)
        licences = sorted(set(group["licence"]))
        rows.append(
            {
                "name": name,
                "aliases": join_aliases(name, ALIAS_SEP.join(group["aliases"])),
                "kind": kind,
                "source": join_sources(group["source"]),
                "licence": ";".join(licences),
                "geometry": geom,
            }
        )
    out = frame(rows, COMMON_COLUMNS)
    out = (
        out.set_crs(settings.metric_crs, allow_override=True).to_crs(settings.crs)
        if len(out)
        else out
    )
    return out


#: Pieces of one name closer than this are one road (the simplified major-roads source has
#: gaps of several hundred metres along one road).
CONNECT_M = 1000.0
_NEAR_CACHE: dict[int, Any] = {}


def near_metric(near: Any) -> Any:
    """`near` (WGS84) in the metric CRS, converted once per geometry object."""
    key = id(near)
    if key not in _NEAR_CACHE:
        _NEAR_CACHE.clear()
        _NEAR_CACHE[key] = (
            gpd.GeoSeries([near], crs=settings.crs).to_crs(settings.metric_crs).iloc[0]
        )
    return _NEAR_CACHE[key]


def _connected_to(geom: Any, area: Any) -> Any:
    """The parts of `geom` (metric) in the clusters of parts that reach `area`."""
    parts = shapely.get_parts(geom)
    if len(parts) <= 1:
        return geom if geom.intersects(area) else None
    blobs = shapely.get_parts(shapely.union_all(shapely.buffer(parts, CONNECT_M / 2)))
    keep = blobs[shapely.intersects(blobs, area)]
    if not len(keep):
        return None
    tree = shapely.STRtree(keep)
    hit = np.unique(tree.query(parts, predicate="intersects")[0])
    chosen = parts[hit]
    return chosen[0] if len(chosen) == 1 else shapely.line_merge(shapely.union_all(chosen))


def in_district_lines(roads: gpd.GeoDataFrame, district: BaseGeometry) -> gpd.GeoDataFrame:
    """The roads cut to `district` (a WGS84 polygon): what is drawn and joined."""
    out = roads.copy()
    out["geometry"] = shapely.intersection(roads.geometry.to_numpy(), district)
    out = out[~out.is_empty]
    parts = [
        shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type.endswith("LineString")])
        for g in out.geometry
    ]
    out["geometry"] = parts
    return out[~out.is_empty].reset_index(drop=True)
