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
from typing import TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from atlas.settings import settings
from geo.schema import MULTI_SEP, located_array

GeomsLike: TypeAlias = gpd.GeoDataFrame | gpd.GeoSeries | Sequence[BaseGeometry | None]


def representative_points(geoms: GeomsLike) -> gpd.GeoSeries:
    """One point per input (index kept): inside polygons, on lines; empty/None stay None."""
    if isinstance(geoms, gpd.GeoDataFrame):
        series = geoms.geometry
    elif isinstance(geoms, gpd.GeoSeries):
        series = geoms
    else:
        series = gpd.GeoSeries(list(geoms), crs=settings.crs)
    if series.crs is None:
        series = series.set_crs(settings.crs)
    elif series.crs != settings.crs:
        series = series.to_crs(settings.crs)
    values = np.asarray(series.array, dtype=object)
    out = np.full(len(values), None, dtype=object)
    valid = located_array(values)
    is_point = valid & (shapely.get_type_id(values) == 0)  # a point stands for itself
    out[is_point] = values[is_point]
    other = valid & ~is_point
    out[other] = shapely.point_on_surface(values[other])
    return gpd.GeoSeries(out, index=series.index, crs=settings.crs)


def _area_names(points: gpd.GeoSeries, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """(input position, area name) for each point in each area it intersects; sorted by name."""
    left = gpd.GeoDataFrame({"_pos": range(len(points))}, geometry=points.values, crs=settings.crs)
    left = left[left.geometry.notna()]
    right = areas[["name", areas.geometry.name]]
    if right.crs is not None and right.crs != settings.crs:
        right = right.to_crs(settings.crs)
    elif right.crs is None:
        right = right.set_crs(settings.crs)
    joined = gpd.sjoin(left, right, how="inner", predicate="intersects")
    pairs: pd.DataFrame = joined[["_pos", "name"]]
    return pairs.sort_values(["_pos", "name"], kind="stable")


def subdistrict_of(geoms: GeomsLike, subdistricts: gpd.GeoDataFrame) -> pd.Series:
    """The 街道/镇 name of each input's representative point (None outside all of them).

    Returns a Series aligned with the input's index (a plain range index for a sequence)."""
    points = representative_points(geoms)
    pairs = _area_names(points, subdistricts).drop_duplicates("_pos", keep="first")
    out = pd.Series([None] * len(points), index=points.index, dtype=object, name="subdistrict")
    out.iloc[pairs["_pos"].to_numpy()] = pairs["name"].to_numpy()
    return out


def _label(mask: np.ndarray, names: np.ndarray) -> str:
    """The `;`-joined names whose bits are set in `mask` (names are sorted, so is the label)."""
    bits = [w * 64 + b for w, word in enumerate(mask.tolist()) for b in range(64) if word >> b & 1]
    return MULTI_SEP.join(str(n) for n in names[bits])


def zone_of(geoms: GeomsLike, zones: gpd.GeoDataFrame) -> pd.Series:
    """All zones containing each input's representative point, sorted and `;`-joined (or None)."""
    points = representative_points(geoms)
    pairs = _area_names(points, zones)
    out = pd.Series([None] * len(points), index=points.index, dtype=object, name="zone")
    if pairs.empty:
        return out
    # Each point's set of zones as a bit mask (64 zones a word), then one string per distinct
    # set: the Python work is per combination of zones, not per item.
    names, codes = np.unique(pairs["name"].to_numpy(dtype=str), return_inverse=True)
    pos = pairs["_pos"].to_numpy()  # sorted: `_area_names` orders pairs by input position
    rows, starts = np.unique(pos, return_index=True)
    words = (len(names) + 63) // 64
    per_pair = np.zeros((len(pos), words), dtype=np.uint64)
    per_pair[np.arange(len(pos)), codes // 64] = np.left_shift(
        np.uint64(1), (codes % 64).astype(np.uint64)
    )
    masks = np.bitwise_or.reduceat(per_pair, starts, axis=0)
    combos, inverse = np.unique(masks, axis=0, return_inverse=True)
    labels = np.array([_label(combo, names) for combo in combos], dtype=object)
    out.iloc[rows] = labels[inverse.ravel()]
    return out


#: A line or area lies in a 街道 that holds at least this share of its length (area) …
OVERLAP_SHARE = 0.1
#: … or of which it covers at least this share (a zone drawn over part of a 街道).
COVERED_SHARE = 0.5


def subdistricts_overlapping(geoms: GeomsLike, subdistricts: gpd.GeoDataFrame) -> pd.Series:
    """The 街道 each input lies in: a point, the one holding it (as `subdistrict_of`); a line
    or an area, **every** 街道 it substantially overlaps, sorted and `;`-joined — one holding
    ≥ `OVERLAP_SHARE` of its length (area), or ≥ `COVERED_SHARE` of which it covers — so that
    filtering 静安寺街道 finds the 南京西路功能区 polygon that covers part of it. A shape with no
    substantial overlap keeps the 街道 of its representative point. Vectorised: one STRtree
    query, then array intersections on the candidate pairs (metric CRS)."""
    series = geoms.geometry if isinstance(geoms, gpd.GeoDataFrame) else geoms
    if not isinstance(series, gpd.GeoSeries):
        series = gpd.GeoSeries(list(series), crs=settings.crs)
    if series.crs is None:
        series = series.set_crs(settings.crs)
    out = subdistrict_of(series, subdistricts).astype(object)
    values = np.asarray(series.to_crs(settings.crs).array, dtype=object)
    dims = np.array([-1 if g is None or g.is_empty else shapely.get_dimensions(g) for g in values])
    extended = np.nonzero(dims >= 1)[0]
    if not len(extended) or not len(subdistricts):
        return out
    metric = (
        gpd.GeoSeries(values[extended], crs=settings.crs).to_crs(settings.metric_crs).to_numpy()
    )
    subs = subdistricts.to_crs(settings.metric_crs)
    sub_geoms = subs.geometry.to_numpy()
    sub_names = subs["name"].to_numpy(dtype=object)
    tree = shapely.STRtree(sub_geoms)
    left, right = tree.query(metric, predicate="intersects")
    if not len(left):
        return out
    parts = shapely.intersection(metric[left], sub_geoms[right])
    lines = dims[extended][left] == 1
    got = np.where(lines, shapely.length(parts), shapely.area(parts))
    whole = np.where(lines, shapely.length(metric[left]), shapely.area(metric[left]))
    covered = np.where(lines, 0.0, shapely.area(parts) / shapely.area(sub_geoms[right]))
    keep = (got >= OVERLAP_SHARE * np.maximum(whole, 1e-9)) | (covered >= COVERED_SHARE)
    found: dict[int, list[str]] = {}
    for i, j in zip(left[keep], right[keep], strict=True):
        found.setdefault(int(extended[i]), []).append(str(sub_names[j]))
    for pos, names in found.items():
        out.iloc[pos] = MULTI_SEP.join(sorted(set(names)))
    return out
