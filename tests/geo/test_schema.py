"""`geo.schema`: the one test of "located"."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely.geometry import Point, Polygon

from geo.schema import is_located, located_array

GEOMS = [Point(121.45, 31.23), None, Polygon(), Point(121.46, 31.24)]


def test_located_means_present_and_not_empty() -> None:
    assert located_array(np.array(GEOMS, dtype=object)).tolist() == [True, False, False, True]
    assert located_array([]).tolist() == []


def test_is_located_is_a_mask_on_the_frames_index() -> None:
    series = gpd.GeoSeries(GEOMS, index=[7, 3, 9, 1], crs="EPSG:4326")
    frame = gpd.GeoDataFrame({"name": list("abcd")}, index=series.index, geometry=series)
    for given in (series, frame):
        mask = is_located(given)
        assert mask.dtype == bool and list(mask.index) == [7, 3, 9, 1]
        assert frame[mask]["name"].tolist() == ["a", "d"]
