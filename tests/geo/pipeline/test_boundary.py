"""Boundary geometry on a synthetic grid of named roads (UTM 51N metres) and the 2022 report."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, MultiLineString, Polygon, box
from shapely.geometry.base import BaseGeometry

from atlas.settings import settings
from extract.boundary import find_boundaries
from geo.pipeline.boundary import BoundaryGeometry, boundary_geometry

ROOT = Path(__file__).resolve().parents[3]
GAZETTEER = ROOT / "data" / "gazetteer.gpkg"
REPORT_2022 = ROOT / "data" / "raw" / "2022-01-11_government-work-report.txt"

# A grid near Jing'an in UTM 51N. Offsets are metres from (X0, Y0).
X0, Y0 = 352_000.0, 3_456_000.0


def at(x: float, y: float) -> tuple[float, float]:
    return (X0 + x, Y0 + y)


def line(*pts: tuple[float, float]) -> LineString:
    return LineString([at(*p) for p in pts])


def rect(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    return box(*at(x0, y0), *at(x1, y1))


RIVER = ((-300, -100), (400, -150), (1300, -100))


def river_y(x: float) -> float:
    (xa, ya), (xb, yb) = (RIVER[0], RIVER[1]) if x <= RIVER[1][0] else (RIVER[1], RIVER[2])
    return ya + (yb - ya) * (x - xa) / (xb - xa)


@pytest.fixture(scope="module")
def roads() -> gpd.GeoDataFrame:
    rows = [
        ("甲路", "", line((-200, 600), (1200, 600))),  # north
        ("乙路", "乙 路|老乙路", line((-200, 0), (1200, 0))),  # south, with aliases
        ("丙路", "", line((1000, -300), (1000, 800))),  # east
        ("丁路", "", line((0, -300), (0, 800))),  # west
        ("中路", "", line((-200, 300), (1200, 300))),
        # two collinear roads on one side, 20 m apart (the gazetteer's gaps are like this)
        ("丁北路", "", line((0, 310), (0, 800))),
        ("丁南路", "", line((0, -300), (0, 290))),
        ("戊南路", "", line((50, -300), (50, 300))),  # staggered: the west side jogs at 中路
        ("苏州河", "", line(*RIVER)),
        ("短东路", "", line((1000, -300), (1000, 400))),  # stops 200 m short of 甲路
        # a dual carriageway in two pieces with a gap
        (
            "双路",
            "",
            MultiLineString(
                [
                    [at(-200, 445), at(400, 445)],
                    [at(-200, 455), at(400, 455)],
                    [at(600, 445), at(1200, 445)],
                    [at(600, 455), at(1200, 455)],
                ]
            ),
        ),
        ("远路", "", line((1500, 200), (1500, 400))),  # never meets 中路
    ]
    names, aliases, geoms = zip(*rows, strict=True)
    return gpd.GeoDataFrame(
        {"name": names, "aliases": aliases, "kind": "road"},
        geometry=list(geoms),
        crs=settings.metric_crs,
    )


def metric(result: BoundaryGeometry) -> BaseGeometry:
    assert result.geometry is not None
    return gpd.GeoSeries([result.geometry], crs="EPSG:4326").to_crs(settings.metric_crs).iloc[0]


def assert_same(got: BaseGeometry, want: BaseGeometry, tol: float = 0.01) -> None:
    """Equal shapes within ``tol`` metres (reprojection round trip)."""
    assert got.geom_type == want.geom_type
    assert got.hausdorff_distance(want) < tol, (got.wkt, want.wkt)


def parse(text: str) -> dict:
    (m,) = find_boundaries(text)
    return m.boundary


@pytest.mark.parametrize(
    "text",
    [
        "甲区：北至甲路，南至乙路，东至丙路，西至丁路。",
        "甲区：西到丁路、东到丙路、南到乙路、北到甲路。",
        "甲区东起丙路，西至丁路，南起乙路，北至甲路。",
        "推进甲区建设，其范围为北至甲路、南至乙路、东至丙路、西至丁路。",
        "甲区范围：丁路以东、丙路以西、乙路以北、甲路以南。",
        "甲区：北至甲路，南至老乙路，东至丙路，西至丁路。",  # an alias
        "甲区：北至甲路，南至乙路，东至丙路，西至丁北路、丁南路。",  # two roads on a side
    ],
)
def test_each_side_phrasing_gives_the_exact_block(roads: gpd.GeoDataFrame, text: str) -> None:
    result = boundary_geometry(parse(text), roads)
    assert (result.precision, result.missing_sides) == (1, [])
    assert_same(metric(result), rect(0, 0, 1000, 600))


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("甲区范围为甲路、乙路、丙路、丁路围合的区域。", rect(0, 0, 1000, 600)),
        ("推进由中路、乙路、丙路和丁路围合的街坊更新。", rect(0, 0, 1000, 300)),
        # 短东路 stops 200 m short of 甲路: nothing closes the block on the east
        ("由甲路、乙路、短东路、丁路围合的区域。", None),
    ],
)
def test_roads_all_round_enclose_their_block(
    roads: gpd.GeoDataFrame, text: str, want: Polygon | None
) -> None:
    result = boundary_geometry(parse(text), roads)
    if want is None:
        assert (result.geometry, result.precision) == (None, None)
        assert result.missing_sides == [
            "not enclosed: around:甲路、乙路、短东路、丁路 do not close"
        ]
    else:
        assert (result.precision, result.missing_sides) == (1, [])
        assert_same(metric(result), want)


def test_roads_all_round_with_one_missing(roads: gpd.GeoDataFrame) -> None:
    result = boundary_geometry({"around": ["甲路", "乙路", "丙路", "常德路"]}, roads)
    assert result == BoundaryGeometry(None, None, ["around:常德路"])


def test_two_side_descriptions_tile_without_overlap(roads: gpd.GeoDataFrame) -> None:
    lower = metric(
        boundary_geometry(parse("下区：北至中路，南至乙路，东至丙路，西至丁路。"), roads)
    )
    upper = metric(
        boundary_geometry(parse("上区：北至甲路，南至中路，东至丙路，西至丁路。"), roads)
    )
    assert_same(lower, rect(0, 0, 1000, 300))
    assert lower.intersection(upper).area < 1.0
    assert abs(lower.union(upper).area - rect(0, 0, 1000, 600).area) < 1.0


def test_two_staggered_roads_on_one_side_jog_between_them(roads: gpd.GeoDataFrame) -> None:
    b = {"north": ["甲路"], "south": ["乙路"], "east": ["丙路"], "west": ["丁北路", "戊南路"]}
    result = boundary_geometry(b, roads)
    assert (result.precision, result.missing_sides) == (1, [])
    want = Polygon([at(50, 0), at(1000, 0), at(1000, 600), at(0, 600), at(0, 310), at(50, 300)])
    assert_same(metric(result), want, tol=1.0)


def test_river_as_a_side(roads: gpd.GeoDataFrame) -> None:
    result = boundary_geometry(parse("河区：北至甲路，南至苏州河，东至丙路，西至丁路。"), roads)
    assert result.precision == 1
    want = Polygon(
        [at(0, 600), at(1000, 600), at(1000, river_y(1000)), at(400, -150), at(0, river_y(0))]
    )
    assert_same(metric(result), want)


def test_dual_carriageway_side_bounds_by_its_inner_lane(roads: gpd.GeoDataFrame) -> None:
    north = boundary_geometry(
        {"north": ["双路"], "south": ["乙路"], "east": ["丙路"], "west": ["丁路"]}, roads
    )
    assert north.precision == 1
    assert_same(metric(north), rect(0, 0, 1000, 445))
    south = boundary_geometry(
        {"north": ["甲路"], "south": ["双路"], "east": ["丙路"], "west": ["丁路"]}, roads
    )
    assert_same(metric(south), rect(0, 455, 1000, 600))


def test_missing_side_is_reported_and_estimated_from_the_others(roads: gpd.GeoDataFrame) -> None:
    result = boundary_geometry(parse("缺区：北至甲路，南至乙路，东至丙路，西至运城路。"), roads)
    assert (result.precision, result.missing_sides) == (5, ["west:运城路"])
    # cut where the north and south roads end; no west side is invented
    assert_same(metric(result), rect(-200, 0, 1000, 600))


def test_one_of_two_roads_on_a_side_missing(roads: gpd.GeoDataFrame) -> None:
    b = {"north": ["甲路"], "south": ["乙路"], "east": ["丙路"], "west": ["丁北路", "无名路"]}
    result = boundary_geometry(b, roads)
    assert (result.precision, result.missing_sides) == (5, ["west:无名路"])
    assert_same(metric(result), rect(0, 0, 1000, 600))


def test_corner_estimate_is_cut_at_the_ends_of_the_resolved_roads(roads: gpd.GeoDataFrame) -> None:
    b = {"north": ["甲路"], "south": ["灵石路"], "east": ["粤秀路"], "west": ["丁路"]}
    result = boundary_geometry(b, roads)
    assert result.precision == 5
    assert result.missing_sides == ["south:灵石路", "east:粤秀路"]
    assert_same(metric(result), rect(0, -300, 1200, 600))


def test_one_side_alone_is_not_an_area_unless_clipped(roads: gpd.GeoDataFrame) -> None:
    b = {"north": ["灵石路"], "south": ["乙路"], "east": ["彭越浦路"], "west": ["运城路"]}
    alone = boundary_geometry(b, roads)
    assert (alone.geometry, alone.precision) == (None, None)
    assert alone.missing_sides == [
        "north:灵石路",
        "east:彭越浦路",
        "west:运城路",
        "not enclosed: only south:乙路 resolves",
    ]
    district = (
        gpd.GeoSeries([rect(-500, -500, 1500, 1000)], crs=settings.metric_crs).to_crs(4326).iloc[0]
    )
    half_text = "沿乙路以北为核心，打造“芯谷”。"
    half = boundary_geometry(parse(half_text), roads)
    assert half == BoundaryGeometry(None, None, ["not enclosed: only south:乙路 resolves"])
    # every described side resolves, but the description never closes the area
    half_clipped = boundary_geometry(parse(half_text), roads, clip=district)
    assert half_clipped.precision == 5
    (note,) = half_clipped.missing_sides
    loose = re.fullmatch(r"open: (\d+) m of the outline follows no described road", note)
    assert loose and abs(int(loose.group(1)) - 3400) <= 2  # west, north and east edges
    assert_same(metric(half_clipped), rect(-200, 0, 1200, 1000), tol=0.5)
    clipped = boundary_geometry(b, roads, clip=district)
    assert clipped.precision == 5
    # east and west: where the one resolved road ends; north: the clip
    assert_same(metric(clipped), rect(-200, 0, 1200, 1000), tol=0.5)


def test_nothing_resolvable(roads: gpd.GeoDataFrame) -> None:
    result = boundary_geometry({"north": ["无路"], "south": ["空路"]}, roads)
    assert result == BoundaryGeometry(None, None, ["north:无路", "south:空路"])


def test_side_that_stops_short_leaves_the_polygon_open(roads: gpd.GeoDataFrame) -> None:
    b = {"north": ["甲路"], "south": ["乙路"], "east": ["短东路"], "west": ["丁路"]}
    result = boundary_geometry(b, roads)
    assert result.precision == 5
    assert result.missing_sides == ["east:短东路 (open, 200 m short)"]
    assert_same(metric(result), rect(0, 0, 1000, 600))


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("实施中路（丁路—丙路）改造。", ((0, 300), (1000, 300))),
        ("完成中路丙路—丁路段提升。", ((1000, 300), (0, 300))),
        ("实施中路自丁路至丙路的改造。", ((0, 300), (1000, 300))),
        ("提升中路东起丙路，西至丁路。", ((1000, 300), (0, 300))),
        ("实施双路（丁路—丙路）改造。", ((0, 450), (1000, 450))),  # dual carriageway, gap
    ],
)
def test_segment_phrasings_give_the_exact_stretch(
    roads: gpd.GeoDataFrame, text: str, want: tuple
) -> None:
    result = boundary_geometry(parse(text), roads)
    assert (result.precision, result.missing_sides) == (1, [])
    assert_same(metric(result), line(*want))


def test_segment_with_a_missing_or_distant_cross_street(roads: gpd.GeoDataFrame) -> None:
    missing = boundary_geometry({"along": "中路", "from": "丁路", "to": "晋元路"}, roads)
    assert (missing.precision, missing.missing_sides) == (5, ["to:晋元路"])
    assert_same(metric(missing), line((-200, 300), (1200, 300)))
    far = boundary_geometry({"along": "中路", "from": "丁路", "to": "远路"}, roads)
    assert far.precision == 5
    assert far.missing_sides == ["to:远路 (does not meet it, 300 m away)"]
    assert_same(metric(far), line((0, 300), (1200, 300)))
    none = boundary_geometry({"along": "国庆路", "from": "丁路", "to": "乌镇路"}, roads)
    assert none == BoundaryGeometry(None, None, ["along:国庆路", "to:乌镇路"])


# --- the 2022 report's four 美丽街区 against the committed gazetteer -------------------------


def gazetteer_roads() -> gpd.GeoDataFrame:
    if not GAZETTEER.exists():
        pytest.skip("data/gazetteer.gpkg is not built yet")
    return gpd.read_file(GAZETTEER, layer="roads")


SIDE_ROAD = re.compile(r"(?:north|south|east|west):[^\s(]+")


def known_names(roads: gpd.GeoDataFrame) -> set[str]:
    names = set(roads["name"])
    for a in roads["aliases"].fillna(""):
        names.update(n for n in a.split("|") if n)
    return names


def test_2022_beautiful_blocks_against_the_gazetteer() -> None:
    roads = gazetteer_roads()
    known = known_names(roads)
    text = REPORT_2022.read_text(encoding="utf-8")
    glossary = text.index("4 个市级“美丽街区”")
    blocks = [m for m in find_boundaries(text) if m.start > glossary]
    assert len(blocks) == 4
    for m in blocks:
        result = boundary_geometry(m.boundary, roads)
        expected_missing = [
            f"{s}:{n}" for s, names in m.boundary.items() for n in names if n not in known
        ]
        unknown_roads = [x for x in result.missing_sides if SIDE_ROAD.fullmatch(x)]
        assert unknown_roads == expected_missing, m.name
        assert (result.precision == 1) == (not result.missing_sides), m.name
        resolved = {s for s, names in m.boundary.items() if any(n in known for n in names)}
        if resolved == set(m.boundary):
            assert result.geometry is not None and result.geometry.geom_type == "Polygon"
        if result.geometry is not None:
            assert result.geometry.is_valid and result.geometry.area > 0
        else:
            assert result.precision is None and result.missing_sides


def test_sides_that_cannot_enclose_anything_are_reported(roads: gpd.GeoDataFrame) -> None:
    b = {"north": ["乙路"], "south": ["甲路"], "east": ["丙路"], "west": ["丁路"]}
    result = boundary_geometry(b, roads)
    assert result == BoundaryGeometry(
        None,
        None,
        ["not enclosed: north:乙路, south:甲路, east:丙路, west:丁路 do not bound a common area"],
    )
