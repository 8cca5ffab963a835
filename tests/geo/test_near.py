"""Items near a point: metres in the metric CRS, nearest first, shapes by their nearest part."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
from shapely.geometry import LineString, Point, box

from geo.gazetteer import load_gazetteer
from geo.geocode import AtlasGeocoder
from geo.near import DISTANCE, items_near, to_metric

ROOT = Path(__file__).resolve().parents[2]
LON, LAT = 121.45, 31.25
GEOD = pyproj.Geod(ellps="WGS84")


def _at(east_m: float, north_m: float) -> tuple[float, float]:
    """The lon/lat `east_m`, `north_m` metres from (LON, LAT)."""
    lon, lat, _ = GEOD.fwd(LON, LAT, 90, east_m)
    lon, lat, _ = GEOD.fwd(lon, lat, 0, north_m)
    return lon, lat


def _items() -> gpd.GeoDataFrame:
    geoms = [
        Point(_at(300, 0)),  # a: 300 m east
        Point(_at(0, -120)),  # b: 120 m south
        box(*_at(-50, -50), *_at(50, 50)),  # c: a zone around the point: 0 m
        LineString([_at(-1000, 700), _at(1000, 700)]),  # d: a road 700 m north
        None,  # e: unlocated
        Point(_at(0, 499)),  # f: just inside 500 m
        Point(_at(510, 0)),  # g: just outside
    ]
    return gpd.GeoDataFrame({"id": list("abcdefg")}, geometry=geoms, crs="EPSG:4326")


def test_items_within_the_distance_nearest_first():
    near = items_near(_items(), LON, LAT, 500)
    assert near["id"].tolist() == ["c", "b", "a", "f"]
    assert near[DISTANCE].tolist() == pytest.approx([0, 120, 300, 499], abs=1.5)
    assert near.crs == "EPSG:4326"  # the rows as they were given
    assert items_near(_items(), LON, LAT, 1000)["id"].tolist() == ["c", "b", "a", "f", "g", "d"]
    assert items_near(_items(), LON, LAT, 0)["id"].tolist() == ["c"]


def test_items_already_projected_are_not_projected_again():
    metric = to_metric(_items())
    near = items_near(metric, LON, LAT, 500)
    assert near["id"].tolist() == ["c", "b", "a", "f"]
    assert near.crs == metric.crs


def test_nothing_located_or_nothing_near():
    empty = _items().iloc[[4]]
    assert items_near(empty, LON, LAT, 500).empty
    assert items_near(_items(), 121.60, 31.40, 500).empty
    with pytest.raises(ValueError):
        items_near(_items(), LON, LAT, -1)


def test_agrees_with_geodesic_distances_on_many_points():
    rng = np.random.default_rng(7)
    east, north = rng.uniform(-3000, 3000, 2000), rng.uniform(-3000, 3000, 2000)
    points = [Point(_at(e, n)) for e, n in zip(east, north, strict=True)]
    frame = gpd.GeoDataFrame({"id": range(len(points))}, geometry=points, crs="EPSG:4326")
    near = items_near(frame, LON, LAT, 1000)
    geodesic = np.array([GEOD.inv(LON, LAT, p.x, p.y)[2] for p in points])  # the truth, per point
    expected = set(np.flatnonzero(geodesic <= 1000))
    borderline = set(np.flatnonzero(np.abs(geodesic - 1000) < 2))
    assert set(near["id"]) ^ expected <= borderline
    assert np.all(np.diff(near[DISTANCE].to_numpy()) >= 0)
    assert np.allclose(near[DISTANCE], geodesic[near["id"].to_numpy()], atol=2)


def test_at_one_distance_points_lines_then_smaller_areas_come_first():
    frame = _items()
    frame.loc[7] = ["h", box(*_at(-500, -500), *_at(500, 500))]  # a large zone, listed last
    frame.loc[8] = ["i", Point(LON, LAT)]  # a point right here, listed after it
    frame.loc[9] = ["j", LineString([_at(-900, 0), _at(900, 0)])]  # a road through here
    assert items_near(frame, LON, LAT, 100)["id"].tolist() == ["i", "j", "c", "h"]


@pytest.mark.parametrize("place", ["共和新路3550号", "大宁灵石公园"])
def test_what_is_planned_near_a_real_address(place: str):
    """The shipped gazetteer places both; the shipped atlas has items around them."""
    found = AtlasGeocoder(load_gazetteer(ROOT / "data" / "gazetteer.gpkg")).resolve(place)
    assert found.located
    items = gpd.read_file(ROOT / "data" / "atlas.gpkg", layer="items")
    near = items_near(items, found.lon, found.lat, 500)
    assert len(near) > 0
    assert near[DISTANCE].is_monotonic_increasing and near[DISTANCE].max() <= 500
    assert (near["subdistrict"].dropna().str.contains("大宁路街道|彭浦")).any()
    if place == "共和新路3550号":  # the reports' own items at that address come first, at 0 m
        first = near.head(2)
        assert first["name"].tolist() == [place, place] and first[DISTANCE].eq(0).all()
