"""`geo.pipeline.build` on synthetic inputs (order, joins, zones, determinism) and on the real
reports."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from geojson_pydantic import FeatureCollection
from shapely.geometry import Point

from geo.io import export, read
from geo.pipeline import build, place
from geo.schema import (
    ATLAS_LAYERS,
    ITEM_COLUMNS,
    KINDS,
    OPTIONAL_ATLAS_LAYERS,
    PERIODS,
    PRECISION,
    STATUSES,
    UNLOCATED,
)
from tests.worlds import atlas as fakes
from tests.worlds.atlas import STEP, X0, Y0, FakeGeocoder


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
    named = [f for f in build.ITEM_FIELDS if f not in ("out_of_district", "address")]
    frame = pd.DataFrame(rows, columns=[*named, "doc_title"])
    frame = frame.reindex(columns=[*build.ITEM_FIELDS, "doc_title"], fill_value=False)
    frame["address"] = None  # no parse: the fake geocoder answers by text
    return frame


def stage_one(raw_dir, metadata=None, allow_empty=False) -> build.Extracted:
    """`extract_items` replaced by `extracted()`, with no document texts and no empty report."""
    return build.Extracted(extracted())


ZONE = fakes.zones().geometry.iloc[0]
ANSWERS = {
    "甲路5号": (Point(X0 + 0.9 * STEP, Y0 + 0.7 * STEP), 2, "address", "西街道", "中区"),
    "中区": (ZONE, 5, "zone"),
    "丙路8号": (Point(X0 + 1.2 * STEP, Y0 + 1.2 * STEP), 1, "address:place"),
}


@pytest.fixture
def synthetic(monkeypatch):
    monkeypatch.setattr(build, "extract_items", stage_one)
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
    assert by_id.loc["r1-2", "method"] == place.STREETS_METHOD
    assert set(synthetic) == set(ATLAS_LAYERS)
    assert by_id.loc["r2-1", "uncertainty_m"] == 0.0  # the geocoder's point, no radius given


def test_build_keeps_every_item(synthetic):
    assert len(synthetic["items"]) == len(extracted())


def test_run_build_writes_identical_bytes_twice(monkeypatch, tmp_path):
    monkeypatch.setattr(build, "extract_items", stage_one)
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
    assert sorted(layers) == sorted(ATLAS_LAYERS)


def test_build_error_for_empty_raw_dir(tmp_path):
    with pytest.raises(build.BuildError, match="no reports"):
        build.extract_items(tmp_path)


def test_district_precision_items_get_no_subdistrict_or_zone():
    items = fakes.items().iloc[:2].copy()
    items["precision"] = pd.array([4, 2], dtype="Int64")
    joined = build.join_items(items, fakes.subdistricts(), fakes.zones())
    assert joined["subdistrict"].tolist() == [None, "西街道"]
    assert joined["zone"].tolist() == [None, "中区"]


def test_only_complete_boundaries_become_zones():
    items = fakes.items()
    items = items[items["kind"].isin(["zone", "beautiful_block"])].copy()
    items["method"] = place.BOUNDARY_METHOD
    items["name"] = ["块一", "块二", "新区一", "新区二"]
    items["precision"] = pd.array([1, 1, 1, 5], dtype="Int64")
    items["boundary"] = '{"north":["子路"]}'
    zones = build.atlas_zones(fakes.zones(), items)
    # 块二 is a line and 新区二 an estimate: neither defines a zone
    assert zones["name"].tolist() == ["中区", "北区", "块一", "新区一"]
    assert zones.loc[2, "justification"] == items["quote"].iloc[0]


# ------------------------------------------------------------------ the five real reports

REPO = Path(__file__).resolve().parents[3]
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
    return read.read_atlas(ATLAS)


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
    present = set(gpd.list_layers(ATLAS)["name"])
    assert set(ATLAS_LAYERS) - set(OPTIONAL_ATLAS_LAYERS) <= present <= set(ATLAS_LAYERS)


def test_committed_atlas_located_items_lie_in_the_district(committed):
    outline = committed["district"].geometry.union_all()
    items = committed["items"]
    located = items[items.geometry.notna()]
    assert len(located) > 0 and located.geometry.is_valid.all()
    outside = located[~located.geometry.within(outline.buffer(place.DISTRICT_TOLERANCE * 1.01))]
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
    """`subdistrict` lists the 街道 the item lies in, whatever its text says: a point's one
    街道, every 街道 a line or area overlaps."""
    items = committed["items"]
    subs = committed["subdistricts"].set_index("name").geometry
    joined = items[items["subdistrict"].notna()]
    assert len(joined) > 0
    for geom, cell in zip(joined.geometry, joined["subdistrict"], strict=True):
        names = cell.split(";")
        if geom.geom_type == "Point":
            assert len(names) == 1
        for name in names:
            assert subs[name].buffer(1e-9).intersects(geom)
    zone_names = set(committed["zones"]["name"])
    assert {z for cell in items["zone"].dropna() for z in cell.split(";")} <= zone_names


def test_committed_geojson_is_the_gpkg_items(committed):
    text = ATLAS_GEOJSON.read_text(encoding="utf-8")
    expected = export.to_geojson(committed["items"])
    stored = set(gpd.read_file(ATLAS, layer="items", rows=1).columns)
    if stored >= set(ITEM_COLUMNS) - {"geometry"}:
        assert text == expected
    else:  # an atlas built before a schema column was added lacks it in both files alike
        missing = set(ITEM_COLUMNS) - stored - {"geometry"}
        got = json.loads(text)["features"]
        want = json.loads(expected)["features"]
        for feature in want:
            feature["properties"] = {
                k: v for k, v in feature["properties"].items() if k not in missing
            }
        assert got == want
    collection = FeatureCollection.model_validate_json(text)
    assert len(collection.features) == len(committed["items"])


def test_committed_boundaries_are_json_objects(committed):
    boundaries = committed["items"]["boundary"].dropna()
    assert len(boundaries) > 0  # the reports describe areas by their 四至
    for text in boundaries:
        parsed = json.loads(text)
        assert isinstance(parsed, dict) and parsed


def test_extract_items_hands_on_texts_and_empty_reports_as_values(tmp_path, pdf_fonts):
    from extract.testing import write_pdf

    (tmp_path / "a.txt").write_text("一、2025年主要任务\n新建中区医院。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("一、2025年主要任务\n加强学习。\n", encoding="utf-8")
    write_pdf("一、2025年主要任务\n新建中区医院。\n", tmp_path / "c.pdf")
    with pytest.raises(build.BuildError, match=r"b\.txt"):
        build.extract_items(tmp_path)
    got = build.extract_items(tmp_path, allow_empty=True)
    assert set(got.items["doc"]) == {"a.txt", "c.pdf"} and not got.items.attrs
    assert list(got.texts) == ["c.pdf"] and "中区医院" in got.texts["c.pdf"]
    assert len(got.empty) == 1 and got.empty[0].startswith("b.txt (")
