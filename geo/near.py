"""What is near a point: the items within a distance of it, nearest first ("what is planned
near here", issue 21).

Distances are metres in the metric CRS (`settings.metric_crs`, UTM 51N), from the point to the
nearest part of an item's shape: a point inside a zone is 0 m from it, a road is as near as its
nearest stretch. Vectorised: one projection of the items (reusable: pass items already in the
metric CRS), one spatial-index query (`dwithin`), one vectorised distance over the candidates.
Unlocated items have no distance and are never "near".
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from shapely.geometry import Point

from atlas.settings import settings
from geo.schema import located_array

#: The column `items_near` adds: metres from the point to the item's shape, rounded to 1 m.
DISTANCE = "distance_m"


def to_metric(items: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """`items` in the metric CRS (once per atlas version; `items_near` accepts the result)."""
    frame = items if items.crs is not None else items.set_crs(settings.crs)
    return frame.to_crs(settings.metric_crs)


def metric_point(lon: float, lat: float) -> Point:
    """A WGS84 lon/lat as a point of the metric CRS."""
    x, y = pyproj.Transformer.from_crs(settings.crs, settings.metric_crs, always_xy=True).transform(
        lon, lat
    )
    return Point(x, y)


def items_near(
    items: gpd.GeoDataFrame, lon: float, lat: float, radius_m: float
) -> gpd.GeoDataFrame:
    """The located rows of `items` within `radius_m` metres of (`lon`, `lat`) (WGS84), nearest
    first (at equal distance: points, lines, then smaller areas), with `DISTANCE`; the rows
    keep their CRS and index.

    `items` in WGS84 are projected here; items already in the metric CRS (`to_metric`, cached
    by the caller) are not projected again."""
    if radius_m < 0:
        raise ValueError(f"radius_m must be ≥ 0, not {radius_m}")
    metric = items if _is_metric(items) else to_metric(items)
    point = metric_point(lon, lat)
    geoms = np.asarray(metric.geometry.array, dtype=object)
    usable = located_array(geoms)
    if not usable.any():
        return items.iloc[:0].assign(**{DISTANCE: np.array([], dtype=float)})
    candidates = metric.sindex.query(point, predicate="dwithin", distance=float(radius_m))
    candidates = np.sort(candidates[usable[candidates]])
    distances = shapely.distance(geoms[candidates], point)
    inside = distances <= radius_m
    rows, distances = candidates[inside], np.round(distances[inside], 0)  # to the metre
    # nearest first; at one distance points, then lines, then the smaller area (a project at
    # the address before the road through it and the zone around it), then the items' order
    shapes = geoms[rows]
    order = np.lexsort((rows, shapely.area(shapes), shapely.get_dimensions(shapes), distances))
    return items.iloc[rows[order]].assign(**{DISTANCE: distances[order]})


def _is_metric(items: gpd.GeoDataFrame) -> bool:
    return items.crs is not None and pyproj.CRS(items.crs) == pyproj.CRS(settings.metric_crs)
