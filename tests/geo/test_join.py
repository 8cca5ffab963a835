"""街道 and functional-zone joins on representative points."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, box

from geo.join import representative_points, subdistrict_of, zone_of
from tests.worlds.gazetteer import synthetic_layers

LAYERS = synthetic_layers()
SUBS, ZONES = LAYERS["subdistricts"], LAYERS["zones"]


def test_points_lines_polygons_get_their_subdistrict() -> None:
    geoms = [
        Point(121.41, 31.21),  # 静安寺街道
        box(121.46, 31.26, 121.47, 31.27),  # a polygon inside 彭浦镇
        LineString([(121.46, 31.21), (121.48, 31.21)]),  # a line in 南京西路街道
        Point(121.70, 31.21),  # outside the district
        None,
    ]
    assert list(subdistrict_of(geoms, SUBS)) == [
        "静安寺街道",
        "彭浦镇",
        "南京西路街道",
        None,
        None,
    ]


def test_index_of_a_geodataframe_is_kept() -> None:
    gdf = gpd.GeoDataFrame(
        {"id": ["a", "b"]},
        geometry=[Point(121.49, 31.29), Point(121.41, 31.29)],
        index=[10, 7],
        crs="EPSG:4326",
    )
    out = subdistrict_of(gdf, SUBS)
    assert out.to_dict() == {10: "彭浦镇", 7: "大宁路街道"}


def test_point_on_a_shared_edge_gets_exactly_one_subdistrict() -> None:
    # x = 121.45 is the edge between 静安寺街道 and 南京西路街道: "within" would give neither.
    out = subdistrict_of([Point(121.45, 31.21)], SUBS)
    assert out.iloc[0] == "南京西路街道"  # the first in sort order, deterministically


def test_zone_of_lists_every_containing_zone_sorted() -> None:
    geoms = [Point(121.46, 31.22), Point(121.46, 31.235), Point(121.41, 31.21)]
    assert list(zone_of(geoms, ZONES)) == ["中央活力区;南京西路", "南京西路", None]


def test_polygon_uses_an_inside_point_not_its_centroid() -> None:
    # A U-shaped polygon whose centroid lies in the notch (in 大宁路街道's part of the square).
    u_shape = box(121.41, 31.21, 121.49, 31.29).difference(box(121.42, 31.22, 121.48, 31.29))
    point = representative_points([u_shape]).iloc[0]
    assert u_shape.contains(point)
    assert not u_shape.contains(u_shape.centroid)


def test_other_crs_is_reprojected() -> None:
    series = gpd.GeoSeries([Point(121.41, 31.21)], crs="EPSG:4326").to_crs("EPSG:32651")
    assert subdistrict_of(series, SUBS).iloc[0] == "静安寺街道"


def test_vectorised_on_many_items() -> None:
    n = 5000
    xs = pd.Series(range(n)) % 100 * 0.001 + 121.4005
    ys = pd.Series(range(n)) // 100 * 0.00198 + 31.2005
    geoms = gpd.GeoSeries(gpd.points_from_xy(xs, ys), crs="EPSG:4326")
    subs = subdistrict_of(geoms, SUBS)
    assert subs.notna().all()
    assert set(subs) == {"静安寺街道", "南京西路街道", "大宁路街道", "彭浦镇"}
    zones = zone_of(geoms, ZONES)
    assert (zones == "中央活力区;南京西路").sum() > 0


def test_many_overlapping_zones_match_a_plain_loop() -> None:
    # 130 overlapping strips (more than one 64-bit word of zones), checked against the obvious
    # per-item computation
    strips = gpd.GeoDataFrame(
        {"name": [f"带{i:03d}" for i in range(130)]},
        geometry=[box(121.40 + i * 0.0007, 31.20, 121.41 + i * 0.0007, 31.30) for i in range(130)],
        crs="EPSG:4326",
    )
    xs = [121.4001 + i * 0.00097 for i in range(103)]
    points = [Point(x, 31.25) for x in xs] + [Point(121.0, 31.0)]
    got = list(zone_of(points, strips))
    want = []
    for p in points:
        names = sorted(
            n for n, g in zip(strips["name"], strips.geometry, strict=True) if g.intersects(p)
        )
        want.append(";".join(names) or None)
    assert got == want
    assert max(len(z.split(";")) for z in got if z) > 10


def test_lines_and_areas_lie_in_every_subdistrict_they_substantially_overlap() -> None:
    from shapely.geometry import LineString, Point, box

    from geo.join import subdistricts_overlapping

    subs = LAYERS["subdistricts"]  # four boxes: 静安寺 SW, 南京西路 SE, 大宁路 NW, 彭浦 NE
    geoms = [
        box(121.44, 31.21, 121.46, 31.24),  # half 静安寺, half 南京西路
        box(121.44, 31.21, 121.4505, 31.24),  # a sliver (5 %) in 南京西路: not substantial
        LineString([(121.41, 31.22), (121.49, 31.22)]),  # across both southern 街道
        Point(121.42, 31.22),
        None,
    ]
    got = list(subdistricts_overlapping(geoms, subs))
    assert got == [
        "南京西路街道;静安寺街道",
        "静安寺街道",
        "南京西路街道;静安寺街道",
        "静安寺街道",
        None,
    ]
