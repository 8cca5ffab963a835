"""Precision from measured error and the 街道 rule, on synthetic metric worlds."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, box

from geo.geocode.calibrate import (
    PRECISION_2_RADIUS_M,
    HeldOut,
    choose_share,
    coverage,
    disc_shares,
    loosest_share,
    precision_for,
    pull_inside,
    region_of,
    subdistrict_of_disc,
)

#: Two 街道 side by side, split at x = 1000; the district is their union.
WEST, EAST = box(0, 0, 1000, 2000), box(1000, 0, 2000, 2000)
SUBS = {"西街道": WEST, "东街道": EAST}
DISTRICT = box(0, 0, 2000, 2000)


def test_precision_2_whenever_the_measured_radius_is_small_enough() -> None:
    assert precision_for(PRECISION_2_RADIUS_M) == 2
    assert precision_for(40.0) == 2
    assert precision_for(PRECISION_2_RADIUS_M + 1) == 5
    assert precision_for(None) == 5


def test_regions() -> None:
    assert region_of("彭浦新村街道") == "north" and region_of("彭浦镇") == "north"
    assert region_of("静安寺街道") == "south" and region_of(None) == "outside"


def test_disc_shares_count_only_the_part_inside_the_district() -> None:
    shares = disc_shares(Point(900, 1000), 200, SUBS, DISTRICT)
    assert shares["西街道"] == pytest.approx(0.81, abs=0.01)  # a segment of 100 m beyond the edge
    assert shares["东街道"] == pytest.approx(0.19, abs=0.01)
    # at the district's edge, the half of the disc outside does not count
    edge = disc_shares(Point(500, 0), 100, SUBS, DISTRICT)
    assert edge == {"西街道": pytest.approx(1.0)}
    assert disc_shares(Point(10, 10), 0, SUBS) == {"西街道": 1.0}


def test_the_subdistrict_holding_nearly_all_of_the_disc_is_named() -> None:
    assert subdistrict_of_disc(Point(500, 1000), 300, SUBS, DISTRICT) == "西街道"
    assert subdistrict_of_disc(Point(950, 1000), 300, SUBS, DISTRICT) is None
    assert subdistrict_of_disc(Point(950, 1000), 300, SUBS, DISTRICT, share=0.5) == "西街道"
    # the share of the disc, not the whole disc: a point 80 m from the edge with a 100 m radius
    assert subdistrict_of_disc(Point(920, 1000), 100, SUBS, DISTRICT, share=0.9) == "西街道"
    assert subdistrict_of_disc(Point(3000, 1000), 100, SUBS, DISTRICT) is None


def test_a_point_just_outside_the_district_is_pulled_in_a_far_one_is_not() -> None:
    inside = Point(10, 10)
    assert pull_inside(inside, DISTRICT) is inside
    pulled = pull_inside(Point(2030, 500), DISTRICT)
    assert pulled is not None and DISTRICT.contains(pulled)
    assert pulled.distance(Point(2030, 500)) == pytest.approx(31, abs=0.5)
    assert pull_inside(Point(2500, 500), DISTRICT) is None


def _row(method: str, error: float, radius: float, x: float = 500, tx: float = 500) -> HeldOut:
    return HeldOut(method, 100.0, error, radius, Point(x, 1000), Point(tx, 1000))


def test_coverage_by_method_and_region() -> None:
    rows = [_row("a", 10, 100), _row("a", 150, 100), _row("b", 400, 600), _row("b", 600, 200)]
    table = coverage(rows, {0: "north", 1: "north", 2: "south", 3: "south"})
    by = {(t["method"], t["region"]): t for t in table}
    assert by[("a", "north")]["n"] == 2 and by[("a", "north")]["inside"] == 0.5
    assert by[("all", "all")]["n"] == 4
    assert by[("b", "south")]["le500"] == 0.5
    assert by[("all", "all")]["precision2"] == 3
    assert by[("all", "all")]["precision2_le500"] == pytest.approx(2 / 3)


def test_choose_share_counts_right_and_wrong_subdistricts() -> None:
    rows = [
        _row("a", 0, 100, x=500, tx=500),  # deep inside 西: right at any share
        _row("a", 0, 300, x=900, tx=1100),  # 71 % 西, truth in 东: wrong when named
        _row("a", 0, 300, x=1500, tx=1500),  # the whole disc in 东
    ]
    table = choose_share(rows, SUBS, DISTRICT, shares=(1.0, 0.9, 0.6))
    assert table[0] == (1.0, 3, 2, 2)
    assert table[1] == (0.9, 3, 2, 2)
    assert table[2] == (0.6, 3, 3, 2)
    assert loosest_share(table, target=0.98) == 0.9
    assert loosest_share([(1.0, 3, 1, 0)], target=0.98) == 1.0
