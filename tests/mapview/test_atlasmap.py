"""The map opens over the atlas' own data, never over coordinates written in code."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import Point, box

from mapview.atlasmap import opening_center


def test_the_map_opens_over_the_middle_of_the_located_items() -> None:
    items = gpd.GeoDataFrame(
        {"id": ["a", "b", "c"]},
        geometry=[Point(10.0, 40.0), box(12.0, 41.0, 14.0, 44.0), None],
        crs="EPSG:4326",
    )
    assert opening_center(items) == (42.0, 12.0)


def test_an_atlas_with_nothing_located_opens_on_folium_s_default_view() -> None:
    items = gpd.GeoDataFrame({"id": ["a"]}, geometry=[None], crs="EPSG:4326")
    assert opening_center(items) is None
