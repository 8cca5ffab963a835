"""Which 街道 and which functional zones a geometry lies in: spatial joins on representative points.

Each input is reduced to its representative point (a point inside a polygon, on a line; the
point itself for points), so every item gets exactly one 街道 even when its shape straddles a
boundary. The join predicate is "intersects", not "within": a point lying exactly on the shared
edge of two 街道 would match *neither* with "within"; with "intersects" it matches both and the
tie is broken deterministically (first name in sort order). Zones may overlap (an item can be in
南京西路 and in 南京西路—苏河湾中央活力区 at once), so `zone_of` returns all of them, sorted and
`;`-joined. Everything is one vectorised `sjoin`: no Python loop per item.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.schema import CRS, MULTI_SEP

GeomsLike = gpd.GeoDataFrame | gpd.GeoSeries | Sequence[BaseGeometry | None]


def representative_points(geoms: GeomsLike) -> gpd.GeoSeries:
    """One point per input (index kept): inside polygons, on lines; empty/None stay None."""
    if isinstance(geoms, gpd.GeoDataFrame):
        series = geoms.geometry
    elif isinstance(geoms, gpd.GeoSeries):
        series = geoms
    else:
        series = gpd.GeoSeries(list(geoms), crs=CRS)
    if series.crs is None:
        series = series.set_crs(CRS)
    elif series.crs != CRS:
        series = series.to_crs(CRS)
    values = series.to_numpy()
    valid = ~(shapely.is_missing(values) | shapely.is_empty(values))
    points = gpd.GeoSeries([None] * len(series), index=series.index, crs=CRS)
    points[valid] = series[valid].representative_point()
    return points


def _area_names(points: gpd.GeoSeries, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """(input position, area name) for each point in each area it intersects; sorted by name."""
    left = gpd.GeoDataFrame({"_pos": range(len(points))}, geometry=points.values, crs=CRS)
    left = left[left.geometry.notna()]
    right = areas[["name", areas.geometry.name]]
    if right.crs is not None and right.crs != CRS:
        right = right.to_crs(CRS)
    elif right.crs is None:
        right = right.set_crs(CRS)
    joined = gpd.sjoin(left, right, how="inner", predicate="intersects")
    return joined[["_pos", "name"]].sort_values(["_pos", "name"], kind="stable")


def subdistrict_of(geoms: GeomsLike, subdistricts: gpd.GeoDataFrame) -> pd.Series:
    """The 街道/镇 name of each input's representative point (None outside all of them).

    Returns a Series aligned with the input's index (a plain range index for a sequence)."""
    points = representative_points(geoms)
    pairs = _area_names(points, subdistricts).drop_duplicates("_pos", keep="first")
    out = pd.Series([None] * len(points), index=points.index, dtype=object, name="subdistrict")
    out.iloc[pairs["_pos"].to_numpy()] = pairs["name"].to_numpy()
    return out


def zone_of(geoms: GeomsLike, zones: gpd.GeoDataFrame) -> pd.Series:
    """All zones containing each input's representative point, sorted and `;`-joined (or None)."""
    points = representative_points(geoms)
    pairs = _area_names(points, zones).drop_duplicates(["_pos", "name"])
    joined = pairs.groupby("_pos", sort=True)["name"].agg(MULTI_SEP.join)
    out = pd.Series([None] * len(points), index=points.index, dtype=object, name="zone")
    out.iloc[joined.index.to_numpy()] = joined.to_numpy()
    return out
