"""`geo.build` on synthetic inputs: shapes per kind, query choice, joins, order, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from geojson_pydantic import FeatureCollection
from shapely.geometry import Point, box

from geo import build, export
from geo.schema import (
    ATLAS_LAYERS,
    ITEM_COLUMNS,
    KINDS,
    PERIODS,
    PRECISION,
    STATUSES,
    UNLOCATED,
)
from tests.geo import atlas_fakes as fakes
from tests.geo.atlas_fakes import STEP, X0, Y0, FakeGeocoder

ROADS = fakes.roads()
NAMES = build.road_names(ROADS)
SITE = box(X0 + 0.3 * STEP, Y0 + 0.3 * STEP, X0 + 0.4 * STEP, Y0 + 0.4 * STEP)
WEST = fakes.subdistricts().geometry.iloc[0]
ZONE = fakes.zones().geometry.iloc[0]


def place(kind, name, location=None, answers=None, boundary=None):
    geocoder = FakeGeocoder(answers or {})
    return build.place_item(kind, name, location, boundary, geocoder.resolve, ROADS, NAMES)


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
    assert got.geometry.equals(ROADS.geometry.iloc[1]) and got.method == build.STREETS_METHOD


def test_beautiful_block_is_the_line_of_its_streets():
    got = place("beautiful_block", "乙路、丑路美丽街区")
    assert got.geometry.geom_type == "MultiLineString" and got.precision == 2
    assert got.geometry.equals(shapely.union_all(ROADS.geometry.iloc[[1, 4]].to_numpy()))


def test_street_lines_skip_subdistrict_names():
    roads = pd.concat([ROADS, ROADS.iloc[[0]].assign(name="江宁路")], ignore_index=True)
    names = build.road_names(gpd.GeoDataFrame(roads, crs=ROADS.crs))
    assert build.street_lines("江宁路街道美丽街区", roads, names) is None
    assert build.street_lines("江宁路沿线", roads, names) is not None


def test_unknown_place_stays_unlocated():
    got = place("project", "无名项目", "无名地点")
    assert got == build.Placement()  # geometry None, precision None, method unlocated


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
    got = build.locate_items(items, ROADS, geocoder)
    assert sorted(geocoder.calls) == ["乙公园", "甲路5号", "甲项目"]
    assert got["precision"].tolist() == [2, 2, pd.NA]
    assert got["method"].tolist() == ["address", "address", "unlocated"]
    assert got.geometry.iloc[2] is None and got.crs.to_epsg() == 4326


def test_boundary_json_is_compact_and_readable():
    text = build.boundary_json({"north": ["灵石路"], "south": ["广中西路"]})
    assert text == '{"north":["灵石路"],"south":["广中西路"]}'
    assert json.loads(text)["north"] == ["灵石路"]
    assert build.boundary_json(None) is None and build.boundary_json({}) is None


def test_unique_ids_suffix_repeats():
    got = build.unique_ids(pd.Series(["a", "b", "a", "a"]))
    assert got.tolist() == ["a", "b", "a-2", "a-3"]


def extracted() -> pd.DataFrame:
    """What `extract_items` would return for two small reports (out of order on purpose)."""
    # fmt: off
    rows = [
        ("r2-1", "r2.txt", "中区医院", "project", "health", 2025, "plan", "planned", "甲路5号",
         "新建中区医院。", 30, 37, None, "报告二"),
        ("r1-2", "r1.txt", "乙路、丑路美丽街区", "beautiful_block", "greening", 2021, "review",
         "completed", None, "建成乙路、丑路美丽街区。", 50, 62, None, "报告一"),
        ("r1-1", "r1.txt", "中区", "zone", "innovation", 2021, "review", "ongoing", "中区",
         "推进中区建设。", 10, 17, None, "报告一"),
        ("r2-2", "r2.txt", "无名项目", "project", "housing", 2025, "plan", "mentioned", None,
         "推进无名项目。", 40, 47, None, "报告二"),
        ("r2-3", "r2.txt", "北区养老院", "project", "elderly_care", 2025, "plan", "started",
         "丙路8号", "北区养老院开工。", 50, 58, None, "报告二"),
    ]
    # fmt: on
    return pd.DataFrame(rows, columns=[*build.ITEM_FIELDS, "doc_title"])


ANSWERS = {
    "甲路5号": (Point(X0 + 0.9 * STEP, Y0 + 0.7 * STEP), 2, "address"),
    "中区": (ZONE, 5, "zone"),
    "丙路8号": (Point(X0 + 1.2 * STEP, Y0 + 1.2 * STEP), 2, "address"),
}


@pytest.fixture
def synthetic(monkeypatch):
    monkeypatch.setattr(build, "extract_items", lambda raw_dir: extracted())
    return build.build_atlas("unused", fakes.gazetteer(), FakeGeocoder(ANSWERS))


def test_build_atlas_schema_order_and_joins(synthetic):
    items = synthetic["items"]
    assert list(items.columns) == list(ITEM_COLUMNS) and items.crs.to_epsg() == 4326
    assert items["id"].tolist() == ["r1-1", "r1-2", "r2-1", "r2-2", "r2-3"]  # doc, start
    by_id = items.set_index("id")
    assert by_id.loc["r2-1", "subdistrict"] == "西街道" and by_id.loc["r2-1", "zone"] == "中区"
    # lies in both zones although its text names neither
    assert by_id.loc["r2-3", "zone"] == "中区;北区" and by_id.loc["r2-3", "subdistrict"] == "东街道"
    assert pd.isna(by_id.loc["r2-2", "precision"]) and by_id.loc["r2-2", "method"] == "unlocated"
    assert by_id.geometry["r2-2"] is None and by_id.loc["r2-2", "subdistrict"] is None
    assert by_id.loc["r1-2", "method"] == build.STREETS_METHOD
    assert set(synthetic) == {"items", "subdistricts", "zones", "district"}


def test_build_keeps_every_item(synthetic):
    assert len(synthetic["items"]) == len(extracted())


def test_run_build_writes_identical_bytes_twice(monkeypatch, tmp_path):
    monkeypatch.setattr(build, "extract_items", lambda raw_dir: extracted())
    outputs = []
    for name in ("one", "two"):
        out = tmp_path / name
        out.mkdir()
        result = build.run_build("unused", fakes.gazetteer(), out, FakeGeocoder(ANSWERS))
        outputs.append([p.read_bytes() for p in result.paths])
        assert set(result.timings.as_dict()) == {"extract", "geocode", "join", "write", "total"}
        assert result.timings.write > 0
    assert outputs[0] == outputs[1]
    layers = gpd.list_layers(tmp_path / "one" / build.ATLAS_GPKG)["name"].tolist()
    assert sorted(layers) == ["district", "items", "subdistricts", "zones"]


def test_build_error_for_empty_raw_dir(tmp_path):
    with pytest.raises(build.BuildError, match="no reports"):
        build.extract_items(tmp_path)


def test_cross_streets_in_brackets_are_not_the_street():
    got = build.street_lines("乙路（子路—丑路）", ROADS, NAMES)
    assert got.equals(ROADS.geometry.iloc[1])


DISTRICT = fakes.district().geometry.iloc[0]


def test_in_district_cuts_lines_and_drops_far_points():
    long_line = shapely.LineString([(X0 - STEP, Y0 + STEP), (X0 + STEP, Y0 + STEP)])
    cut = build.in_district(long_line, DISTRICT)
    assert cut.equals(shapely.LineString([(X0, Y0 + STEP), (X0 + STEP, Y0 + STEP)]))
    assert build.in_district(Point(X0 - 0.0001, Y0 + STEP), DISTRICT) is not None  # ~10 m out
    assert build.in_district(Point(X0 - 0.01, Y0 + STEP), DISTRICT) is None  # ~1 km out
    assert build.in_district(box(X0 - 0.02, Y0, X0 - 0.01, Y0 + 0.01), DISTRICT) is None


def test_same_name_place_outside_the_district_is_not_used():
    far = Point(X0 - 0.05, Y0 + STEP)  # 5 km west: a namesake elsewhere
    got = build.place_item(
        "project",
        "远方仓库",
        None,
        None,
        FakeGeocoder({"远方仓库": (far, 1, "alias")}).resolve,
        ROADS,
        NAMES,
        DISTRICT,
    )
    assert got == build.Placement()


def test_district_precision_items_get_no_subdistrict_or_zone():
    items = fakes.items().iloc[:2].copy()
    items["precision"] = pd.array([4, 2], dtype="Int64")
    joined = build.join_items(items, fakes.subdistricts(), fakes.zones())
    assert joined["subdistrict"].tolist() == [None, "西街道"]
    assert joined["zone"].tolist() == [None, "中区"]


def test_only_complete_boundaries_become_zones():
    items = fakes.items()
    items = items[items["kind"].isin(["zone", "beautiful_block"])].copy()
    items["method"] = build.BOUNDARY_METHOD
    items["name"] = ["块一", "块二", "新区一", "新区二"]
    items["precision"] = pd.array([1, 1, 1, 5], dtype="Int64")
    items["boundary"] = '{"north":["子路"]}'
    zones = build.atlas_zones(fakes.zones(), items)
    # 块二 is a line and 新区二 an estimate: neither defines a zone
    assert zones["name"].tolist() == ["中区", "北区", "块一", "新区一"]
    assert zones.loc[2, "justification"] == items["quote"].iloc[0]


# ------------------------------------------------------------------ the five real reports

REPO = Path(__file__).resolve().parents[2]
RAW = REPO / "data" / "raw"
GAZETTEER = REPO / "data" / "gazetteer.gpkg"
ATLAS = REPO / "data" / build.ATLAS_GPKG
ATLAS_GEOJSON = REPO / "data" / build.ATLAS_GEOJSON


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> build.BuildResult:
    """One build of data/raw with the committed gazetteer, shared by the tests below."""
    return build.run_build(RAW, GAZETTEER, tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="session")
def extracted_ids() -> list[str]:
    from extract import extract_file

    return [item.id for path in build.report_paths(RAW) for item in extract_file(path)]


@pytest.fixture(scope="session")
def committed() -> dict[str, gpd.GeoDataFrame]:
    return export.read_atlas(ATLAS)


def test_real_build_is_byte_identical_when_repeated(real_build, tmp_path):
    again = build.run_build(RAW, GAZETTEER, tmp_path)
    for first, second in zip(real_build.paths, again.paths, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_real_build_holds_every_extracted_item(real_build, extracted_ids):
    items = real_build.layers["items"]
    assert sorted(items["id"]) == sorted(extracted_ids)
    assert items["id"].is_unique
    timings = real_build.timings.as_dict()
    assert all(timings[s] > 0 for s in ("extract", "geocode", "join", "write"))


def test_committed_atlas_holds_every_extracted_item(committed, extracted_ids):
    """Fails when the extractor changed and data/atlas.gpkg was not rebuilt (`make build`)."""
    items = committed["items"]
    assert sorted(items["id"]) == sorted(extracted_ids)
    assert list(items.columns) == list(ITEM_COLUMNS)


def test_committed_atlas_is_in_row_order_and_schema(committed):
    items = committed["items"]
    order = items.sort_values(["doc", "start", "id"], kind="stable")
    assert items["id"].tolist() == order["id"].tolist()
    assert set(items["kind"]) <= set(KINDS) and set(items["status"]) <= set(STATUSES)
    assert set(items["period"]) <= set(PERIODS)
    assert set(items["precision"].dropna()) <= set(PRECISION)
    assert sorted(gpd.list_layers(ATLAS)["name"]) == sorted(ATLAS_LAYERS)


def test_committed_atlas_located_items_lie_in_the_district(committed):
    outline = committed["district"].geometry.union_all()
    items = committed["items"]
    located = items[items.geometry.notna()]
    assert len(located) > 0 and located.geometry.is_valid.all()
    outside = located[~located.geometry.within(outline.buffer(build.DISTRICT_TOLERANCE * 1.01))]
    assert outside.empty, outside[["id", "name", "method"]].to_string()


def test_committed_atlas_keeps_unlocated_items_flagged(committed):
    items = committed["items"]
    unlocated = items.geometry.isna()
    assert unlocated.any()  # the reports name places the open sources lack
    assert (items["method"][unlocated] == UNLOCATED).all()
    assert items["precision"][unlocated].isna().all()
    assert items["precision"][~unlocated].notna().all()
    assert items["subdistrict"][unlocated].isna().all()


def test_committed_joins_are_spatial(committed):
    """`subdistrict` is the 街道 the item lies in, whatever its text says."""
    items = committed["items"]
    subs = committed["subdistricts"].set_index("name").geometry
    joined = items[items["subdistrict"].notna()]
    assert len(joined) > 0
    for geom, name in zip(joined.geometry, joined["subdistrict"], strict=True):
        assert subs[name].buffer(1e-9).intersects(geom.representative_point())
    zone_names = set(committed["zones"]["name"])
    assert {z for cell in items["zone"].dropna() for z in cell.split(";")} <= zone_names


def test_committed_geojson_is_the_gpkg_items(committed):
    text = ATLAS_GEOJSON.read_text(encoding="utf-8")
    assert text == export.to_geojson(committed["items"])
    collection = FeatureCollection.model_validate_json(text)
    assert len(collection.features) == len(committed["items"])


def test_committed_boundaries_are_json_objects(committed):
    boundaries = committed["items"]["boundary"].dropna()
    assert len(boundaries) > 0  # the reports describe areas by their 四至
    for text in boundaries:
        parsed = json.loads(text)
        assert isinstance(parsed, dict) and parsed
