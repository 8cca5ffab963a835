"""四至 that never mislead: corners from crossings, plausibility, the fallback (synthetic)."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from atlas.settings import settings
from geo.pipeline.fourbounds import (
    FALLBACK_PRECISION,
    BoundaryEvidence,
    implausible,
    resolve_boundary,
    sliver,
)

X0, Y0 = 350_000.0, 3_460_000.0  # a metric origin in Jing'an (UTM 51N)


def _wgs84(rows: list[tuple[str, object]], **columns: list) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"name": [r[0] for r in rows], "aliases": [""] * len(rows), **columns},
        geometry=[r[1] for r in rows],
        crs=settings.metric_crs,
    )
    return frame.to_crs(settings.crs)


def _line(*xy: tuple[float, float]) -> LineString:
    return LineString([(X0 + x, Y0 + y) for x, y in xy])


def _metric(geom) -> object:
    return gpd.GeoSeries([geom], crs=settings.crs).to_crs(settings.metric_crs).iloc[0]


BLOCK = {"north": ["北一路"], "south": ["南一路"], "east": ["东一路"], "west": ["西一路"]}
ROADS = [
    ("北一路", _line((-200, 1000), (1200, 1000))),
    ("南一路", _line((-200, 0), (1200, 0))),
    ("东一路", _line((1000, -200), (1000, 1200))),
    ("西一路", _line((0, -200), (0, 1200))),
]
CLIP = gpd.GeoSeries([box(X0 - 3000, Y0 - 3000, X0 + 3000, Y0 + 3000)], crs=settings.metric_crs)
CLIP_WGS84 = CLIP.to_crs(settings.crs).iloc[0]


def test_a_closed_block_is_drawn_as_geo_boundary_draws_it() -> None:
    result = resolve_boundary(BLOCK, _wgs84(ROADS), None, CLIP_WGS84)
    assert result.precision == 1 and result.missing_sides == []
    assert _metric(result.geometry).area == pytest.approx(1_000_000, rel=0.02)


def test_a_sliver_is_not_drawn_the_roads_near_where_they_meet_are() -> None:
    roads = [
        ("北一路", _line((-2000, 80), (3000, 80))),
        ("南一路", _line((-2000, 0), (3000, 0))),
    ]
    box_ = {"north": ["北一路"], "south": ["南一路"]}
    result = resolve_boundary(box_, _wgs84(roads), None, CLIP_WGS84)
    assert result.precision == FALLBACK_PRECISION
    assert result.geometry.geom_type in ("MultiLineString", "LineString")
    assert any("no polygon: sliver" in m for m in result.missing_sides)


def test_one_side_only_is_its_road_not_half_the_district() -> None:
    result = resolve_boundary(
        {"north": ["北一路"], "south": ["无名路"]}, _wgs84(ROADS), None, CLIP_WGS84
    )
    assert result.precision == FALLBACK_PRECISION
    assert result.geometry.geom_type == "LineString"
    assert _metric(result.geometry).length == pytest.approx(1400, rel=0.02)
    assert "south:无名路" in result.missing_sides


def test_an_unknown_side_gives_no_polygon_but_the_known_roads_near_their_corners() -> None:
    known = [r for r in ROADS if r[0] != "东一路"]
    far = ("北一路", _line((-200, 1000), (6000, 1000)))  # runs on far past the block
    result = resolve_boundary(BLOCK, _wgs84([far, *known[1:]]), None, CLIP_WGS84)
    assert result.precision == FALLBACK_PRECISION
    assert result.geometry.geom_type == "MultiLineString"
    assert any("open: no line for the east side" in m for m in result.missing_sides)
    # only the stretch near the corners: nothing 2 km east of the block
    assert _metric(result.geometry).bounds[2] < X0 + 2000


def test_crossings_named_by_bus_stops_are_the_corners() -> None:
    crossings = _wgs84(
        [
            ("北二路东二路", Point(X0 + 1000, Y0 + 1000)),
            ("北二路西二路", Point(X0, Y0 + 1000)),
            ("南二路东二路", Point(X0 + 1000, Y0)),
            ("南二路西二路", Point(X0, Y0)),
        ],
        road_a=["东二路", "北二路", "东二路", "南二路"],
        road_b=["北二路", "西二路", "南二路", "西二路"],
    )
    sides = {"north": ["北二路"], "south": ["南二路"], "east": ["东二路"], "west": ["西二路"]}
    result = resolve_boundary(sides, _wgs84(ROADS), BoundaryEvidence(crossings), CLIP_WGS84)
    assert result.precision == 2
    assert _metric(result.geometry).area == pytest.approx(1_000_000, rel=0.01)
    three = crossings.iloc[:3]
    result = resolve_boundary(sides, _wgs84(ROADS), BoundaryEvidence(three), CLIP_WGS84)
    assert result.precision == FALLBACK_PRECISION
    assert _metric(result.geometry).area == pytest.approx(500_000, rel=0.01)


def test_implausible_reasons() -> None:
    area = box(0, 0, 1000, 1000)
    roads = {
        "north": LineString([(0, 1000), (1000, 1000)]),
        "south": LineString([(0, 0), (1000, 0)]),
    }
    assert implausible(area, roads) is None
    assert implausible(area, {"north": roads["north"]}) == "one side"
    assert sliver(box(0, 0, 5000, 100)) is not None and sliver(area) is None
    far = {"north": LineString([(0, 9000), (1, 9000)]), "south": LineString([(0, 8000), (1, 8000)])}
    assert (implausible(area, far) or "").startswith("far")


def test_an_estimate_lying_in_one_subdistrict_is_known_to_it() -> None:
    known = [r for r in ROADS if r[0] != "东一路"]
    whole = _wgs84([("甲街道", box(X0 - 3000, Y0 - 3000, X0 + 3000, Y0 + 3000))])
    halves = _wgs84(
        [
            ("乙街道", box(X0 - 3000, Y0 - 3000, X0 + 500, Y0 + 3000)),
            ("丙街道", box(X0 + 500, Y0 - 3000, X0 + 3000, Y0 + 3000)),
        ]
    )
    inside = resolve_boundary(BLOCK, _wgs84(known), BoundaryEvidence(None, whole), CLIP_WGS84)
    assert inside.precision == 3 and inside.geometry.geom_type == "MultiLineString"
    split = resolve_boundary(BLOCK, _wgs84(known), BoundaryEvidence(None, halves), CLIP_WGS84)
    assert split.precision == FALLBACK_PRECISION
