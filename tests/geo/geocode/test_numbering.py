"""The house-numbering model on synthetic streets (metric coordinates, metres)."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, Point

from geo.geocode.numbering import (
    METHOD_INTERPOLATED,
    METHOD_MODEL,
    METHOD_PRIOR,
    PRIOR_MIN_GAP_M,
    SIDE_OFFSET_M,
    RoadNumbering,
    Uncertainty,
    leave_one_out,
    numbering_start,
    prior_rate,
)

EAST_WEST = LineString([(0, 0), (3000, 0)])
NORTH_SOUTH = LineString([(0, 0), (0, 3000)])


def test_east_west_numbers_rise_from_east_to_west() -> None:
    road = RoadNumbering("东西路", EAST_WEST)
    assert road.ew and numbering_start(EAST_WEST) == Point(3000, 0)
    low, high = road.estimate(100, 2.0), road.estimate(1000, 2.0)
    assert low is not None and high is not None
    assert low.method == high.method == METHOD_PRIOR
    assert (low.point.x, high.point.x) == pytest.approx((2800, 1000))
    assert low.gap_m == PRIOR_MIN_GAP_M and high.gap_m == pytest.approx(2000)


def test_north_south_numbers_rise_from_south_to_north() -> None:
    road = RoadNumbering("南北路", NORTH_SOUTH)
    assert not road.ew and numbering_start(NORTH_SOUTH) == Point(0, 0)
    est = road.estimate(500, 2.0)
    assert est is not None and est.point.y == pytest.approx(1000)


def test_odd_and_even_on_opposite_sides_read_from_the_anchors() -> None:
    anchors = {
        101: Point(2800, 15),
        121: Point(2760, 14),
        100: Point(2800, -15),
        120: Point(2760, -16),
    }
    road = RoadNumbering("东西路", EAST_WEST, anchors=anchors)
    assert road.odd_side == 1  # odd numbers lie north of this road
    odd, even = road.estimate(111, 2.0), road.estimate(110, 2.0)
    assert odd is not None and even is not None
    assert odd.point.y == pytest.approx(SIDE_OFFSET_M) and even.point.y == pytest.approx(
        -SIDE_OFFSET_M
    )
    assert RoadNumbering("东西路", EAST_WEST).odd_side == 0  # no anchors: the centre line


def test_interpolated_between_anchors_and_fitted_rate_beyond_them() -> None:
    anchors = {100: Point(2700, 0), 300: Point(2100, 0)}  # 3 m per number, start at 3000
    road = RoadNumbering("东西路", EAST_WEST, anchors=anchors)
    mid = road.estimate(200, 2.0)
    assert mid is not None and mid.method == METHOD_INTERPOLATED
    assert mid.point.x == pytest.approx(2400) and mid.gap_m == pytest.approx(300)
    assert road.rate(2.0) == pytest.approx(3.0)  # the road's own rate, not the prior
    beyond = road.estimate(500, 2.0)
    assert beyond is not None and beyond.method == METHOD_MODEL
    assert beyond.point.x == pytest.approx(1500) and beyond.gap_m == pytest.approx(600)
    # an implausible fitted rate (10× the prior) falls back to the prior
    assert RoadNumbering("东西路", EAST_WEST, anchors=anchors).rate(0.2) == 0.2


def test_one_anchor_uses_the_prior_rate_from_it() -> None:
    road = RoadNumbering("东西路", EAST_WEST, anchors={100: Point(2500, 0)})
    est = road.estimate(150, 2.0)
    assert est is not None and est.method == METHOD_MODEL
    assert est.point.x == pytest.approx(2400)


def test_not_numberable_without_a_start_or_beyond_the_road() -> None:
    assert RoadNumbering("东西路", EAST_WEST, start_cut=True).estimate(100, 2.0) is None
    assert RoadNumbering("东西路", EAST_WEST).estimate(5000, 2.0) is None  # 10 km > 3 km


def test_a_gap_in_the_line_is_bridged_only_when_short() -> None:
    gappy = LineString([(0, 0), (1000, 0)]).union(LineString([(1300, 0), (3000, 0)]))
    road = RoadNumbering("东西路", gappy)
    est = road.estimate(925, 2.0)  # s = 1850 → x = 1150, in the 300 m gap
    assert est is not None and est.point.x in (pytest.approx(1000), pytest.approx(1300))


def test_prior_rate_is_the_median_over_real_starts() -> None:
    roads = [
        RoadNumbering("甲路", EAST_WEST, anchors={100: Point(2800, 0)}),  # 2 m/number
        RoadNumbering("乙路", EAST_WEST, anchors={100: Point(2700, 0)}),  # 3 m/number
        RoadNumbering("丙路", EAST_WEST, anchors={100: Point(2600, 0)}),  # 4 m/number
        RoadNumbering("丁路", EAST_WEST, start_cut=True, anchors={100: Point(0, 0)}),
    ]
    assert prior_rate(roads) == pytest.approx(3.0)


def test_leave_one_out_measures_each_method() -> None:
    anchors = {n: Point(3000 - 2.5 * n, 0) for n in (100, 200, 300, 400)}
    anchors[300] = Point(3000 - 2.5 * 300 + 40, 0)  # one anchor 40 m off the clean rate
    road = RoadNumbering("东西路", EAST_WEST, anchors=anchors)
    rows = leave_one_out([road], 2.5)
    methods = {r.method for r in rows}
    assert {METHOD_INTERPOLATED, METHOD_MODEL, METHOD_PRIOR} <= methods
    held_300 = [r for r in rows if r.number == 300 and r.method == METHOD_INTERPOLATED]
    assert held_300 and held_300[0].error_m == pytest.approx(40)
    assert all(r.error_m >= 0 and r.gap_m >= 0 for r in rows)
    radius = Uncertainty.fit(rows * 3)  # enough samples per method
    assert radius.radius(METHOD_PRIOR, 1000) >= radius.radius(METHOD_PRIOR, 100)
    assert Uncertainty.fit([]).radius(METHOD_MODEL, 400) == 400  # no evidence: the gap itself
