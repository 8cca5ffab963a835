"""The page through Streamlit's AppTest: filters, counts, details, downloads (no browser)."""

from __future__ import annotations

import gzip
import json
import re
import shlex
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from geo import __main__ as geo_cli
from geo.filters import Filters, apply_filters
from mapview.panels import md_escape
from mapview.payload import row_order
from tests.app.conftest import APP
from tests.app.test_payload import decode, selection_options
from tests.worlds.page import SCRIPT_NAME, UNLOCATED_QUOTE, items_frame

pytestmark = pytest.mark.usefixtures("app_env")


class Downloads:
    """The download buttons of the latest run, by file name. Their bytes are generated on a
    click (deferred `data`); `click` does what the server does then, and `stored` records
    every file handed to the media storage (AppTest keeps none)."""

    def __init__(self) -> None:
        self.buttons: dict[str, tuple[MediaFileManager, str]] = {}
        self.stored: dict[str, bytes] = {}

    def click(self, file_name: str) -> bytes:
        manager, file_id = self.buttons[file_name]
        manager.execute_deferred(file_id)
        return self.stored[file_name]


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Downloads:
    seen = Downloads()
    add_deferred = MediaFileManager.add_deferred
    load = MemoryMediaFileStorage.load_and_get_id

    def register(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)
        seen.buttons[file_name] = (self, file_id)
        return file_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        seen.stored[filename] = path_or_data
        return load(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MediaFileManager, "add_deferred", register)
    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return seen


def run_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def shown_ids(at: AppTest) -> list[str]:
    return at.dataframe[0].value["id"].tolist()


def count_text(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "items match" in m.value)


def test_default_page_shows_every_item_and_counts_unlocated():
    at = run_app()
    items = items_frame()
    assert count_text(at).startswith(f"**{len(items)}** of {len(items)} items match · **1**")
    assert shown_ids(at) == items["id"].tolist()
    # the charts and the not-drawn list run only once their tab is open (lazy tabs)
    assert not at.get("vega_lite_chart")
    assert not any("无处可寻" in m.value for m in at.markdown)
    at.session_state["lower_tabs"] = "Charts"
    at.run()
    assert len(at.get("vega_lite_chart")) == 5  # incl. the two plan-outcome charts
    at.session_state["lower_tabs"] = "Not on the map"
    at.run()
    assert not at.get("vega_lite_chart")
    # the unlocated item is listed with its quote, markup shown as text
    escaped = next(m.value for m in at.markdown if "无处可寻" in m.value)
    assert r"\<b\>地点待定\</b\>" in escaped
    assert UNLOCATED_QUOTE.split("，")[0].replace("*", r"\*") in escaped


@pytest.mark.parametrize(
    ("key", "values", "expected"),
    [
        ("f_kind", ["park"], Filters(kind=("park",))),
        ("f_status", ["planned", "started"], Filters(status=("planned", "started"))),
        ("f_period", ["review"], Filters(period=("review",))),
        ("f_category", ["school", "hospital"], Filters(category=("school", "hospital"))),
        ("f_subdistrict", ["东街道"], Filters(subdistrict=("东街道",))),
        ("f_zone", ["B区"], Filters(zone=("B区",))),
    ],
)
def test_each_filter_selects_what_the_shared_filter_selects(key, values, expected):
    at = run_app()
    at.multiselect(key=key).set_value(values).run()
    assert not at.exception
    want = apply_filters(items_frame(), expected)["id"].tolist()
    assert want and len(want) < len(items_frame())
    assert shown_ids(at) == want
    assert count_text(at).startswith(f"**{len(want)}** of")


def test_zone_filter_means_lies_in_including_multi_zone_items():
    at = run_app()
    at.multiselect(key="f_zone").set_value(["B区"]).run()
    assert shown_ids(at) == ["t02", "t06"]  # t06 lies in A区;B区


def test_filters_combine_with_year_range_and_text():
    at = run_app()
    at.slider(key="f_year").set_range(2023, 2024)
    at.multiselect(key="f_kind").set_value(["project", "park"])
    at.text_input(key="f_text").input("测试").run()
    assert not at.exception
    items = items_frame()
    expected = items[
        items["year"].between(2023, 2024)
        & items["kind"].isin(["project", "park"])
        & (items["name"] + items["location"] + items["quote"]).str.contains("测试")
    ]
    assert shown_ids(at) == expected["id"].tolist() == ["t02", "t03", "t07"]
    at.text_input(key="f_text").input("no such thing").run()
    assert not at.exception
    assert shown_ids(at) == []
    assert count_text(at).startswith("**0** of")


def test_downloads_equal_the_cli_export_with_the_same_filters(
    downloads: Downloads, fixture_paths: tuple[Path, Path], tmp_path: Path
):
    at = run_app()
    at.slider(key="f_year").set_range(2024, 2025)
    at.multiselect(key="f_kind").set_value(["project", "beautiful_block"]).run()
    assert not at.exception
    assert not downloads.buttons  # the Download tab runs only once opened
    at.session_state["lower_tabs"] = "Download"
    at.run()
    assert {name for name in downloads.buttons if name.startswith("jingan-atlas.")} == {
        "jingan-atlas.geojson",
        "jingan-atlas.csv",
        "jingan-atlas.gpkg",
    }  # (and the map figure, tests/app/test_explorer.py)
    assert not downloads.stored  # nothing is exported until a button is clicked
    geojson = downloads.click("jingan-atlas.geojson")
    atlas = str(fixture_paths[0])
    for suffix in ("geojson", "csv", "gpkg"):  # each download = the CLI export, byte for byte
        out = tmp_path / f"cli.{suffix}"
        args = ["export", "-o", str(out), "--atlas", atlas, "--year-range", "2024", "2025"]
        assert geo_cli.main([*args, "--kind", "project", "beautiful_block"]) == 0
        assert downloads.click(f"jingan-atlas.{suffix}") == out.read_bytes(), suffix
    # the command the Download tab shows writes the same bytes
    shown = shlex.split(at.code[0].value)
    assert shown[:4] == ["python", "-m", "geo", "export"]
    assert "--year-range" in shown and "--year" not in shown
    again = tmp_path / "shown.geojson"
    shown[shown.index("-o") + 1] = str(again)
    assert geo_cli.main([*shown[3:], "--atlas", str(fixture_paths[0])]) == 0
    assert again.read_bytes() == geojson
    collection = json.loads(geojson)
    ids = [f["id"] for f in collection["features"]]
    at.session_state["lower_tabs"] = "Table"
    at.run()
    assert ids == shown_ids(at) == ["t02", "t04", "t06", "t11"]
    unlocated = next(f for f in collection["features"] if f["id"] == "t11")
    assert unlocated["geometry"] is None  # kept, never dropped
    csv = downloads.click("jingan-atlas.csv").decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("id,name,kind")
    assert len(csv.strip().splitlines()) == 1 + len(ids)


def test_selected_item_shows_its_source_quote_escaped():
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["selected_id"] = "t02"
    at.run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert f"#### {md_escape(SCRIPT_NAME)}" in text
    assert "<script>" not in text
    assert "2025年重点工作安排" in text
    assert "precision 1" in text


@pytest.mark.parametrize("basemap", ["osm", "positron", "amap"])
def test_every_basemap_renders(basemap):
    at = run_app()
    at.radio(key="basemap").set_value(basemap).run()
    assert not at.exception


def test_missing_atlas_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("ATLAS_PATH", str(tmp_path / "nope.gpkg"))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    assert "make build" in at.error[0].value


def test_the_shipped_atlas_renders(monkeypatch: pytest.MonkeyPatch):
    """The committed data/atlas.gpkg (what `make run` opens) loads and draws without error."""
    from geo.io.read import read_items
    from tests.app.conftest import ROOT

    atlas = ROOT / "data" / "atlas.gpkg"
    if not atlas.exists():
        pytest.skip("data/atlas.gpkg not built")
    monkeypatch.setenv("ATLAS_PATH", str(atlas))
    monkeypatch.setenv("GAZETTEER_PATH", str(ROOT / "data" / "gazetteer.gpkg"))
    at = run_app()
    items = read_items(atlas)
    unlocated = int((items.geometry.isna() | items.geometry.is_empty).sum())
    assert count_text(at).startswith(
        f"**{len(items)}** of {len(items)} items match · **{unlocated}**"
    )


def map_component(at: AppTest) -> tuple[str, dict]:
    """(element id, arguments) of the st_folium component on the page."""
    component = at.get("component_instance")[0]
    return component.proto.id, json.loads(component.proto.json_args)


def test_a_data_file_another_server_evicted_is_published_again():
    """Servers sharing static/ keep only their KEEP newest data files (mapview.assets): the URL
    this server cached must not point at a removed file on the next rerun."""
    from mapview.assets import STATIC_DIR

    at = run_app()
    _, args = map_component(at)
    found = re.search(r"/app/static/(data/map-[0-9a-f]+\.json)", args["script"])
    assert found
    data = STATIC_DIR / found.group(1)
    packed = data.with_name(data.name + ".gz")  # the copy the browser fetches
    text = data.read_text(encoding="utf-8")
    for gone in (data, packed):  # another process's clean-up took one, or both
        gone.unlink()
        at.run()
        assert not at.exception
        assert data.is_file() and data.read_text(encoding="utf-8") == text
        assert gzip.decompress(packed.read_bytes()).decode("utf-8") == text
        assert map_component(at)[1]["script"] == args["script"]  # same URL: stays mounted


def test_map_stays_mounted_and_a_filter_change_sends_only_the_selection():
    at = run_app()
    first_id, first = map_component(at)
    assert all(u.startswith("/app/static/") for u in first["js_links"] + first["css_links"])
    assert re.search(r"/app/static/data/map-[0-9a-f]+\.json", first["script"])
    assert "L.atlasItems(" in first["script"] and "L.atlas.select(" not in first["script"]
    at.session_state["lower_tabs"] = "Charts"  # unrelated widgets: the same arguments
    at.run()
    assert map_component(at) == (first_id, first)
    at.radio(key="chart_by").set_value("zone").run()
    assert not at.exception
    assert map_component(at) == (first_id, first)
    at.multiselect(key="f_kind").set_value(["park"]).run()
    park_id, park = map_component(at)
    # the same mounted map: its script (and so st_folium's key) did not change
    assert park_id == first_id and park["script"] == first["script"]
    assert park["key"] == first["key"]
    assert park["feature_group"] != first["feature_group"]
    assert len(park["feature_group"]) < 2_000  # the selection, whatever the atlas size
    items = items_frame().iloc[row_order(items_frame())]  # the data file's rows
    assert decode(selection_options(park)["bits"], len(items)) == (items["kind"] == "park").tolist()
