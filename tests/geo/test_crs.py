"""GCJ-02 / BD-09 transforms: known pairs, round trips, vectorisation, passthrough."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.crs import (
    bd09_to_gcj02,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    gdf_to_gcj02,
    gdf_to_wgs84,
    geometry_to_gcj02,
    geometry_to_wgs84,
    wgs84_to_gcj02,
)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance, plenty for sub-kilometre checks."""
    lat = math.radians((a[1] + b[1]) / 2)
    dx = math.radians(a[0] - b[0]) * math.cos(lat) * 6371008.8
    dy = math.radians(a[1] - b[1]) * 6371008.8
    return math.hypot(dx, dy)


def test_known_pair_jingan_temple():
    # SOURCES.md: wgs2gcj(121.44083, 31.22500) = (121.4454, 31.2231).
    lon, lat = wgs84_to_gcj02(121.44083, 31.22500)
    assert lon == pytest.approx(121.4454, abs=5e-5)
    assert lat == pytest.approx(31.2231, abs=5e-5)


def test_known_gcj_point_goes_back_into_temple_area():
    # SOURCES.md: (121.4456, 31.2233) is GCJ-02; gcj2wgs → (121.4410, 31.2252).
    lon, lat = gcj02_to_wgs84(121.4456, 31.2233)
    assert lon == pytest.approx(121.4410, abs=5e-5)
    assert lat == pytest.approx(31.2252, abs=5e-5)


def test_offset_direction_in_jingan_is_east_and_south():
    lon, lat = wgs84_to_gcj02(121.45, 31.25)
    assert 350 < metres((121.45, 31.25), (lon, lat)) < 600
    assert lon > 121.45 and lat < 31.25


@pytest.mark.parametrize("point", [(121.4407, 31.2254), (121.414, 31.323), (116.39, 39.91)])
def test_round_trip_within_a_metre(point):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(*point))
    assert metres(point, back) < 1.0
    # and the inverse really inverts: forward of the result hits the GCJ input
    gcj = (121.4456, 31.2233)
    assert metres(wgs84_to_gcj02(*gcj02_to_wgs84(*gcj)), gcj) < 1.0


def test_bd09_round_trip_and_shift():
    gcj = (121.4454, 31.2231)
    bd = gcj02_to_bd09(*gcj)
    assert metres(gcj, bd) > 500  # Baidu shifts further
    assert metres(bd09_to_gcj02(*bd), gcj) < 1.0


def test_arrays_match_scalars():
    lons = np.array([121.44, 121.45, 121.46])
    lats = np.array([31.22, 31.25, 31.30])
    arr_lon, arr_lat = wgs84_to_gcj02(lons, lats)
    assert isinstance(arr_lon, np.ndarray) and arr_lon.shape == (3,)
    for i in range(3):
        s_lon, s_lat = wgs84_to_gcj02(float(lons[i]), float(lats[i]))
        assert isinstance(s_lon, float)
        assert arr_lon[i] == s_lon and arr_lat[i] == s_lat
    back_lon, back_lat = gcj02_to_wgs84(arr_lon, arr_lat)
    assert np.allclose(back_lon, lons, atol=1e-7) and np.allclose(back_lat, lats, atol=1e-7)


def test_outside_china_is_unchanged():
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02_to_wgs84(-0.12, 51.5) == (-0.12, 51.5)


def test_geometry_transforms_every_vertex_and_back():
    poly = shapely.box(121.44, 31.22, 121.45, 31.23)
    moved = geometry_to_gcj02(poly)
    assert moved.geom_type == "Polygon"
    first = shapely.get_coordinates(moved)[0]
    assert tuple(first) == pytest.approx(wgs84_to_gcj02(*shapely.get_coordinates(poly)[0]))
    back = geometry_to_wgs84(moved)
    assert back.equals_exact(poly, 1e-7)


def test_gdf_to_gcj02_keeps_rows_and_converts():
    gdf = gpd.GeoDataFrame(
        {"name": ["a", "b"]},
        geometry=[shapely.Point(121.44, 31.22), shapely.Point(121.45, 31.25)],
        crs="EPSG:4326",
    )
    out = gdf_to_gcj02(gdf)
    assert list(out["name"]) == ["a", "b"]
    assert out.geometry.iloc[0].x == pytest.approx(wgs84_to_gcj02(121.44, 31.22)[0])
    assert gdf.geometry.iloc[0].x == 121.44  # input untouched
    back = gdf_to_wgs84(out)
    assert back.geometry.iloc[1].distance(gdf.geometry.iloc[1]) < 1e-7
