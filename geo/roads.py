"""The `roads` layer: one (Multi)LineString per road name, clipped near the district.

The source has a road as many OSM ways (成都北路 is 23); the geocoder and the 四至 boundary
builder want one geometry per name. Roads are clipped to the district buffered by
`CLIP_BUFFER_M`, so a 四至 road that runs just outside the boundary still closes the polygon.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from geo.sources import (
    ALIAS_SEP,
    COMMON_COLUMNS,
    CRS,
    METRIC_CRS,
    frame,
    join_aliases,
    join_sources,
)

CLIP_BUFFER_M = 300.0
#: Kinds in precedence order when the pieces of one name disagree.
_KIND_ORDER = ("river", "elevated", "road")


def district_buffer(district: gpd.GeoDataFrame, metres: float = CLIP_BUFFER_M):
    """The district outline grown by `metres`, as a WGS84 shapely geometry."""
    metric = district.to_crs(METRIC_CRS).union_all().buffer(metres)
    return gpd.GeoSeries([metric], crs=METRIC_CRS).to_crs(CRS).iloc[0]


def _merge_lines(geoms) -> shapely.Geometry:
    merged = shapely.line_merge(shapely.union_all(list(geoms)))
    if merged.geom_type == "GeometryCollection":  # clipped pieces can include points
        lines = [g for g in merged.geoms if g.geom_type in ("LineString", "MultiLineString")]
        merged = shapely.line_merge(shapely.union_all(lines))
    return merged


def merge_roads(pieces: gpd.GeoDataFrame, clip_to=None) -> gpd.GeoDataFrame:
    """One row per name: geometries unioned and line-merged, sources and aliases joined.

    `clip_to` (a WGS84 polygon) drops everything outside it first; names left with no line
    are dropped. Rows are sorted by name so that the build is deterministic."""
    if clip_to is not None:
        pieces = pieces[pieces.intersects(clip_to)].copy()
        pieces["geometry"] = pieces.intersection(clip_to)
    pieces = pieces[~pieces.is_empty]
    rows = []
    for name, group in pieces.groupby("name", sort=True):
        geom = _merge_lines(group.geometry)
        if geom.is_empty or geom.length == 0:
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
    return frame(rows, COMMON_COLUMNS)
