"""`geo.pipeline.place`: the shape each kind takes, query choice, streets, the district guard."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point, box

from geo.pipeline import place as pl
from tests.worlds import atlas as fakes
from tests.worlds.atlas import STEP, X0, Y0, FakeGeocoder

ROADS = fakes.roads()
NAMES = pl.road_names(ROADS)
SITE = box(X0 + 0.3 * STEP, Y0 + 0.3 * STEP, X0 + 0.4 * STEP, Y0 + 0.4 * STEP)
WEST = fakes.subdistricts().geometry.iloc[0]
ZONE = fakes.zones().geometry.iloc[0]


def place(kind, name, location=None, answers=None, boundary=None):
    geocoder = FakeGeocoder(answers or {})
    return pl.place_item(kind, name, location, boundary, geocoder.resolve, ROADS, NAMES)


def test_project_prefers_exact_site_polygon_over_road_point():
    answers = {
        "甲路5号": (Point(X0 + 0.2 * STEP, Y0 + 0.5 * STEP), 2, "address"),
        "某学校": (SITE, 1, "exact"),
    }
    got = place("project", "某学校", "甲路5号", answers)
    assert got.geometry.equals(SITE) and got.precision == 1 and got.method == "exact"


def test_project_located_to_its_subdistrict_is_a_point_not_the_area():
    got = place("project", "某项目", "西街道", {"西街道": (WEST, 3, "area")})
    assert got.geometry.geom_type == "Point" and WEST.contains(got.geometry)
    assert got.precision == 3


def test_location_wins_over_name_at_equal_precision():
    answers = {
        "甲路5号": (Point(X0 + 0.2 * STEP, Y0 + 0.5 * STEP), 2, "address"),
        "某项目": (Point(X0 + 1.0 * STEP, Y0 + 1.5 * STEP), 2, "fuzzy"),
    }
    got = place("project", "某项目", "甲路5号", answers)
    assert got.method == "address"


def test_name_used_when_location_is_unknown():
    answers = {"中心公园": (SITE, 1, "exact")}
    got = place("park", "中心公园", "不存在的地方", answers)
    assert got.geometry.equals(SITE) and got.method == "exact"


def test_park_point_when_no_polygon_known():
    got = place(
        "park",
        "口袋公园",
        None,
        {"口袋公园": (Point(X0 + 0.1 * STEP, Y0 + 0.1 * STEP), 1, "exact")},
    )
    assert got.geometry.geom_type == "Point" and got.precision == 1


def test_zone_is_its_polygon():
    got = place("zone", "中区", None, {"中区": (ZONE, 5, "zone")})
    assert got.geometry.equals(ZONE) and got.precision == 5


def test_road_is_its_line_from_the_gazetteer_when_the_geocoder_gives_a_point():
    got = place("road", "乙路", None, {"乙路": (Point(X0 + STEP, Y0 + STEP), 2, "road")})
    assert got.geometry.geom_type == "LineString"
    assert got.geometry.equals(ROADS.geometry.iloc[1]) and got.method == pl.STREETS_METHOD


def test_beautiful_block_is_the_line_of_its_streets():
    got = place("beautiful_block", "乙路、丑路美丽街区")
    assert got.geometry.geom_type == "MultiLineString" and got.precision == 2
    assert got.geometry.equals(shapely.union_all(ROADS.geometry.iloc[[1, 4]].to_numpy()))


def test_street_lines_skip_subdistrict_names():
    roads = pd.concat([ROADS, ROADS.iloc[[0]].assign(name="江宁路")], ignore_index=True)
    names = pl.road_names(gpd.GeoDataFrame(roads, crs=ROADS.crs))
    assert pl.street_lines("江宁路街道美丽街区", roads, names) is None
    assert pl.street_lines("江宁路沿线", roads, names) is not None


def test_unknown_place_stays_unlocated():
    got = place("project", "无名项目", "无名地点")
    assert got == pl.Placement()  # geometry None, precision None, method unlocated


def test_locate_items_geocodes_each_query_once():
    items = pd.DataFrame(
        {
            "kind": ["project", "project", "park"],
            "name": ["甲项目", "甲项目", "乙公园"],
            "location": ["甲路5号", "甲路5号", None],
            "boundary": [None, None, None],
        }
    )
    geocoder = FakeGeocoder({"甲路5号": (Point(X0 + 0.2 * STEP, Y0 + 0.5 * STEP), 2, "address")})
    got = pl.locate_items(items, ROADS, geocoder)
    assert sorted(geocoder.calls) == ["乙公园", "甲路5号", "甲项目"]
    assert got["precision"].tolist() == [2, 2, pd.NA]
    assert got["method"].tolist() == ["address", "address", "unlocated"]
    assert got.geometry.iloc[2] is None and got.crs.to_epsg() == 4326


def test_boundary_json_is_compact_and_readable():
    text = pl.boundary_json({"north": ["灵石路"], "south": ["广中西路"]})
    assert text == '{"north":["灵石路"],"south":["广中西路"]}'
    assert json.loads(text)["north"] == ["灵石路"]
    assert pl.boundary_json(None) is None and pl.boundary_json({}) is None


def test_cross_streets_in_brackets_are_not_the_street():
    got = pl.street_lines("乙路（子路—丑路）", ROADS, NAMES)
    assert got.equals(ROADS.geometry.iloc[1])


DISTRICT = fakes.district().geometry.iloc[0]


def test_in_district_cuts_lines_and_drops_far_points():
    long_line = shapely.LineString([(X0 - STEP, Y0 + STEP), (X0 + STEP, Y0 + STEP)])
    cut = pl.in_district(long_line, DISTRICT)
    assert cut.equals(shapely.LineString([(X0, Y0 + STEP), (X0 + STEP, Y0 + STEP)]))
    assert pl.in_district(Point(X0 - 0.0001, Y0 + STEP), DISTRICT) is not None  # ~10 m out
    assert pl.in_district(Point(X0 - 0.01, Y0 + STEP), DISTRICT) is None  # ~1 km out
    assert pl.in_district(box(X0 - 0.02, Y0, X0 - 0.01, Y0 + 0.01), DISTRICT) is None


def test_same_name_place_outside_the_district_is_not_used():
    far = Point(X0 - 0.05, Y0 + STEP)  # 5 km west: a namesake elsewhere
    got = pl.place_item(
        "project",
        "远方仓库",
        None,
        None,
        FakeGeocoder({"远方仓库": (far, 1, "alias")}).resolve,
        ROADS,
        NAMES,
        DISTRICT,
    )
    assert got == pl.Placement()


def test_precision_two_never_claims_more_than_250_m():
    import pandas as pd

    from geo.pipeline.place import honest_precision

    precision = pd.array([2, 2, 1, 3, None, 2], dtype="Int64")
    radius = [249.0, 756.9, 900.0, 1200.0, None, None]
    out = honest_precision(precision, radius)
    assert out.tolist() == [2, 5, 1, 3, pd.NA, 2]


def test_an_item_placed_by_its_paragraphs_setting_says_so():
    """Issue 22: a designation whose location the extractor took from its paragraph (not in
    its own sentence) is placed there with method `context:paragraph`; one placed by its
    own sentence keeps the geocoder's method."""
    items = pd.DataFrame(
        {
            "kind": ["zone", "zone"],
            "name": ["航运服务示范区", "数字示范区"],
            "location": ["甲功能区", "甲功能区"],
            "boundary": [None, None],
            "quote": ["深化航运服务示范区建设。", "依托甲功能区打造数字示范区。"],
        }
    )
    geocoder = FakeGeocoder({"甲功能区": (Point(X0 + 0.5 * STEP, Y0 + 0.5 * STEP), 5, "exact")})
    got = pl.locate_items(items, ROADS, geocoder)
    assert got["method"].tolist() == [pl.PARAGRAPH_METHOD, "exact"]
    assert got["precision"].tolist() == [5, 5]
    assert not pl.from_paragraph("乙", "乙", "乙完成建设")
    assert not pl.from_paragraph("乙", "申字型高架", "“申”字型高架沿线")


def test_an_items_own_parse_goes_with_its_location_to_the_geocoder():
    from extract.address import parse_location

    seen: dict[str, object] = {}

    class Recording(FakeGeocoder):
        def resolve(self, query, address=None):
            seen[query] = address
            return super().resolve(query)

    parsed = parse_location("甲路5号")
    items = pd.DataFrame(
        {
            "kind": ["project"],
            "name": ["某学校"],
            "location": ["甲路5号"],
            "boundary": [None],
            "address": [parsed],
        }
    )
    out = pl.place_items(items, ROADS, Recording({})).items
    assert seen == {"甲路5号": parsed, "某学校": None}  # the name is not the parsed text
    assert "address" not in out.columns  # the atlas has no such column


def test_rows_in_a_subdistrict_are_located_finer_than_the_district():
    items = fakes.items().iloc[:4].copy()
    items["precision"] = pd.array([4, 2, None, 1], dtype="Int64")
    items.loc[items.index[3], "geometry"] = None
    assert pl.in_a_subdistrict(items).tolist() == [False, True, True, False]
