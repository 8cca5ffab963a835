"""Crossings from bus-stop names and road lines estimated through them (synthetic worlds)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point

from atlas.settings import settings
from geo.geocode.crossings import (
    CLUSTER_M,
    MAX_HOP_M,
    OFF_LINE_M,
    chain,
    crossing_points,
    crossings_from_stops,
    estimate_roads,
    line_leave_one_out,
    parse_stops,
    road_points,
    split_crossing,
)


@pytest.mark.parametrize(
    ("name", "roads"),
    [
        ("临汾路阳曲路", ("临汾路", "阳曲路")),
        ("中山北路共和新路", ("中山北路", "共和新路")),
        ("汶水路共和新路", ("汶水路", "共和新路")),
        ("场中路少年村路", ("场中路", "少年村路")),
        ("临汾路阳曲路(东)", ("临汾路", "阳曲路")),
        ("世纪大道东方路", ("世纪大道", "东方路")),
        (" 临汾路 阳曲路 ", ("临汾路", "阳曲路")),
    ],
)
def test_stop_names_that_are_crossings(name: str, roads: tuple[str, str]) -> None:
    assert split_crossing(name) == roads


@pytest.mark.parametrize(
    "name",
    [
        "公惠医院",
        "龙潭",
        "共康路地铁站",
        "彭浦新村",
        "沪太路余庆桥",
        "永和路万荣小区",
        "长临路共康四村",
        "华山路",  # one road: a stop on it, no crossing
        "上海火车站",
        "临汾路临汾路",
        "",
        None,
        "Linfen Rd",
    ],
)
def test_stop_names_that_are_not_crossings(name: object) -> None:
    assert split_crossing(name) is None


def test_an_ambiguous_cut_is_decided_by_known_roads_or_refused() -> None:
    # two cuts, both into names ending in 路: only the known roads decide
    assert split_crossing("长寿路新路安平路") is None
    known = {"长寿路新路", "安平路"}
    assert split_crossing("长寿路新路安平路", known=known) == ("长寿路新路", "安平路")


def _stops(rows: list[tuple[str, float, float]]) -> gpd.GeoDataFrame:
    """Stops at metric (x, y) offsets from a point in Jing'an, returned in WGS84."""
    names = [r[0] for r in rows]
    pts = [Point(350_000 + x, 3_460_000 + y) for _n, x, y in rows]
    frame = gpd.GeoDataFrame(
        {"name": names, "source": [f"test#node/{i}" for i in range(len(rows))]},
        geometry=pts,
        crs=settings.metric_crs,
    )
    return frame.to_crs(settings.crs)


def test_stops_of_one_crossing_become_one_point_and_far_ones_another() -> None:
    stops = parse_stops(
        _stops(
            [
                ("甲一路乙二路", 0, 10),
                ("甲一路乙二路", 40, -10),
                ("乙二路甲一路", 10, 60),
                ("甲一路乙二路", 5000, 0),  # a second crossing of the same two names, far away
                ("公惠医院", 0, 0),  # not a crossing: left out
            ]
        )
    )
    assert [(s.on, s.cross) for s in stops] == [("甲一路", "乙二路")] * 2 + [
        ("乙二路", "甲一路")
    ] + [("甲一路", "乙二路")]
    crossings = crossings_from_stops(stops)
    assert list(crossings["stops"]) == [3, 1]
    assert set(crossings["road_a"]) == {"乙二路"} and set(crossings["road_b"]) == {"甲一路"}
    metric = crossings.to_crs(settings.metric_crs)
    first = metric.geometry.iloc[0]
    assert first.x == pytest.approx(350_000 + 50 / 3, abs=0.5)
    assert first.y == pytest.approx(3_460_000 + 20, abs=0.5)
    assert crossings["spread_m"].iloc[0] <= CLUSTER_M
    assert crossings["aliases"].iloc[0] == "甲一路乙二路"  # the other order of the name


def test_road_points_keep_only_stops_standing_on_the_road() -> None:
    stops = parse_stops(_stops([("甲一路乙二路", 0, 5), ("乙二路甲一路", 30, 80)]))
    points = road_points(stops)
    assert set(points) == {"甲一路", "乙二路"}
    ((cross, p),) = points["甲一路"]
    assert cross == "乙二路" and p.y == pytest.approx(3_460_005, abs=0.5)


def _points(xy: list[tuple[float, float]], cross: str = "X路") -> list[tuple[str, Point]]:
    return [(f"{cross}{i}", Point(x, y)) for i, (x, y) in enumerate(xy)]


def test_a_road_no_source_draws_gets_a_line_through_its_crossings_in_order() -> None:
    found = {"新路": _points([(0, 0), (2000, 40), (1000, 20), (3000, 30)])}
    (est,) = estimate_roads(found, {}, line_uncertainty_m=70, point_uncertainty_m=800)
    assert est.geometry.geom_type == "LineString"
    assert list(est.geometry.coords) == [(0, 0), (1000, 20), (2000, 40), (3000, 30)]
    assert est.crossings == 4 and est.uncertainty_m == 70
    assert "4 bus-stop crossings" in est.derivation and "no source draws it" in est.derivation


def test_a_road_with_one_crossing_is_a_point_with_a_wide_radius() -> None:
    found = {"单路": _points([(100, 100)])}
    (est,) = estimate_roads(found, {}, line_uncertainty_m=70, point_uncertainty_m=800)
    assert est.geometry.geom_type == "Point" and est.uncertainty_m == 800
    assert est.estimated_m == 0 and "one bus-stop crossing" in est.derivation


def test_crossings_too_far_apart_are_not_joined() -> None:
    far = MAX_HOP_M + 500
    pieces = chain(np.array([[0.0, 0.0], [500.0, 0.0], [500.0 + far, 0.0]]))
    assert [len(p) for p in pieces] == [2, 1]
    found = {"断路": _points([(0, 0), (far, 0)])}
    assert estimate_roads(found, {}, line_uncertainty_m=70, point_uncertainty_m=800) == []


def test_a_stub_is_extended_through_the_crossings_beyond_it_and_a_full_road_is_left() -> None:
    stub = LineString([(0, 0), (100, 0)])
    beyond = {"短路": _points([(50, 5), (900, 10), (1800, 0)])}
    (est,) = estimate_roads(beyond, {"短路": stub}, line_uncertainty_m=70, point_uncertainty_m=800)
    assert est.geometry.length == pytest.approx(1800, rel=0.01)
    assert est.estimated_m == pytest.approx(1700, rel=0.01)
    assert est.geometry.buffer(1).contains(stub)
    assert "drawn 100 m" in est.derivation and "2 bus-stop crossings" in est.derivation
    on_line = {"长路": _points([(50, 5), (900, OFF_LINE_M / 2)])}
    full = LineString([(0, 0), (1000, 0)])
    assert (
        estimate_roads(on_line, {"长路": full}, line_uncertainty_m=70, point_uncertainty_m=800)
        == []
    )


def test_line_leave_one_out_measures_interior_crossings_off_the_line() -> None:
    pts = np.array([[0.0, 0.0], [500.0, 30.0], [1000.0, 0.0], [1500.0, 0.0]])
    rows = line_leave_one_out({"弯路": pts, "短路": pts[:2]})
    assert [r[0] for r in rows] == ["弯路", "弯路"]
    assert rows[0][1] == pytest.approx(30.0) and rows[1][1] == pytest.approx(15.0, abs=0.1)


def test_a_road_named_only_by_the_other_roads_stops_gets_their_crossings() -> None:
    # no stop stands on 民晏路: the stops of 北宝兴路 and 平型关路 named after it mark where
    # it meets them
    stops = parse_stops(_stops([("北宝兴路民晏路", 0, 0), ("平型关路民晏路", 900, 20)]))
    assert "民晏路" not in road_points(stops)  # no stop stands on it
    points = crossing_points(stops)
    assert [c for c, _p in points["民晏路"]] == ["北宝兴路", "平型关路"]
    (est,) = estimate_roads(
        {"民晏路": points["民晏路"]}, {}, line_uncertainty_m=70, point_uncertainty_m=800
    )
    assert est.geometry.geom_type == "LineString" and est.crossings == 2


def test_a_stop_beside_a_drawn_road_or_a_single_one_beyond_it_extends_nothing() -> None:
    full = LineString([(0, 0), (3000, 0)])
    beside = {"长路": _points([(1000, 300), (2000, 300)])}  # off the line, but beside it
    assert (
        estimate_roads(beside, {"长路": full}, line_uncertainty_m=70, point_uncertainty_m=800) == []
    )
    one = {"长路": _points([(3900, 0)])}  # a single crossing past its end
    assert estimate_roads(one, {"长路": full}, line_uncertainty_m=70, point_uncertainty_m=800) == []
