"""The defects of issue 14, each through the page (Streamlit AppTest, no browser).

Reset clears every widget and the state behind it; the command line round-trips through the
CLI parser; a crafted atlas sends nothing unescaped; an unknown kind is listed with the
reason; a bad atlas is one clear message naming the file."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest

from geo import filters as flt
from geo.io.export import EXPORTERS, write_gpkg_layers
from tests.app.conftest import APP
from tests.app.test_app import Downloads, count_text, downloads, map_component, run_app, shown_ids
from tests.worlds.page import HOSTILE, hostile_layers, items_frame, reference_frames, write_layers

pytestmark = pytest.mark.usefixtures("app_env")
__all__ = ["downloads"]  # the fixture, imported for this module's tests

DEFAULTS = {
    "f_kind": [], "f_status": [], "f_period": [], "f_category": [], "f_subdistrict": [],
    "f_zone": [], "f_text": "",
}  # fmt: skip


def widget_values(at: AppTest) -> dict:
    values = {key: at.multiselect(key=key).value for key in DEFAULTS if key != "f_text"}
    values["f_text"] = at.text_input(key="f_text").value
    return values


def test_reset_clears_every_widget_and_the_state_behind_it(downloads: Downloads):
    at = run_app()
    at.slider(key="f_year").set_range(2023, 2024)
    at.multiselect(key="f_kind").set_value(["project"])
    at.multiselect(key="f_status").set_value(["planned", "started"])
    at.text_input(key="f_text").input("测试").run()
    at.session_state["selected_id"] = "t02"
    at.run()
    assert shown_ids(at) != items_frame()["id"].tolist()
    at.button(key="reset").click().run()
    assert not at.exception
    assert widget_values(at) == DEFAULTS
    assert at.slider(key="f_year").value == (2022, 2025)
    assert shown_ids(at) == items_frame()["id"].tolist()
    assert "selected_id" not in at.session_state
    # the next change starts from the reset state: the old filters do not come back
    at.multiselect(key="f_kind").set_value(["park"]).run()
    expected = flt.Filters(kind=("park",))
    assert shown_ids(at) == flt.apply_filters(items_frame(), expected)["id"].tolist()
    assert at.slider(key="f_year").value == (2022, 2025)
    assert at.text_input(key="f_text").value == ""
    # and the downloads hold what the Download tab's CLI line shows
    at.session_state["lower_tabs"] = "Download"
    at.run()
    assert downloads.click("jingan-atlas.geojson") == EXPORTERS["geojson"](items_frame(), expected)


def parse_command(line: str) -> flt.Filters:
    """What `python -m geo export` makes of the CLI line the page shows."""
    import argparse

    words = shlex.split(line)
    assert words[:6] == ["python", "-m", "geo", "export", "-o", "selection.geojson"]
    parser = argparse.ArgumentParser()
    flt.add_filter_arguments(parser)
    return flt.filters_from_args(parser.parse_args(words[6:]))


def test_command_line_round_trips_through_the_cli_parser():
    at = run_app()
    at.slider(key="f_year").set_range(2024, 2025)  # one thumb moved
    at.multiselect(key="f_status").set_value(["planned"])
    at.text_input(key="f_text").input("-测试 项目")
    at.session_state["lower_tabs"] = "Download"
    at.run()
    line = at.code[0].value
    assert "--year-range 2024 2025" in line and "--year " not in line
    expected = flt.Filters(year_range=(2024, 2025), status=("planned",), text="-测试 项目")
    assert parse_command(line) == expected


# --------------------------------------------------------------------------- crafted atlas


@pytest.fixture
def hostile_atlas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = write_layers(hostile_layers(), tmp_path / "hostile.gpkg")
    monkeypatch.setenv("ATLAS_PATH", str(path))
    return path


def strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def test_a_crafted_atlas_sends_nothing_unescaped(hostile_atlas: Path):
    from mapview.assets import STATIC_DIR

    at = run_app()
    at.session_state["selected_id"] = f"{HOSTILE}1"  # its details travel with the rerun
    at.run()
    _, args = map_component(at)
    url = re.search(r"/app/static/(data/map-[0-9a-f]+\.json)", args["script"])
    assert url
    data = json.loads((STATIC_DIR / url.group(1)).read_text())
    sent = [*strings(data)]
    assert any("onerror" in s for s in sent)  # the hostile values are there …
    leaked = [s for s in sent if "onerror" in s and ("<" in s or '"' in s)]
    assert leaked == []  # … but only escaped
    # the scripts st_folium runs: JSON strings inside them hold no raw markup either
    for part in ("script", "feature_group", "layer_control", "header", "html"):
        text = args[part] or ""
        assert "<img" not in text and 'onerror="' not in text, part
    assert "onerror" in args["feature_group"]  # the selected item's details were sent
    # every hostile column reached the map data escaped (none dropped on the way)
    text = json.dumps(data, ensure_ascii=False)
    for column in ("name", "category", "status"):  # what drawing and tooltips need
        assert f"{column}1" in text, column
    for column in ("location", "quote", "doc_title"):  # details, sent with the selection
        assert f"{column}1" in args["feature_group"], column
    assert "subdistricts0" in text and "zones0" in text and "roads0" in text
    assert "water" in text


def test_unknown_kind_is_listed_with_the_reason(hostile_atlas: Path):
    at = run_app()
    assert "not on the map" in count_text(at)
    at.session_state["lower_tabs"] = "Not on the map"
    at.run()
    listed = "\n".join(m.value for m in at.markdown)
    assert "神秘" in listed and "unknown kind" in listed
    assert re.search(r"(?<!\\)<", listed) is None  # markup only backslash-escaped


# --------------------------------------------------------------------------- bad atlas files


def _valid(path: Path) -> Path:
    ref = reference_frames()
    layers = {"items": items_frame(), "subdistricts": ref["subdistricts"]}
    return write_gpkg_layers(layers, path)


def _random(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def _truncated(path: Path) -> None:
    whole = _valid(path.with_name("whole.gpkg")).read_bytes()
    path.write_bytes(whole[: len(whole) // 3])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _no_items(path: Path) -> None:
    write_gpkg_layers({"zones": reference_frames()["zones"]}, path)


def _missing_columns(path: Path) -> None:
    items = items_frame().drop(columns=["status", "quote"])
    ref = reference_frames()
    layers = {k: ref[k] for k in ("subdistricts", "zones", "district")}
    write_gpkg_layers({"items": gpd.GeoDataFrame(items, geometry="geometry"), **layers}, path)


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (_random, "not a readable GeoPackage"),
        (_truncated, "cannot read atlas"),
        (_empty, "not a readable GeoPackage"),
        (_no_items, "no 'items' layer"),
        (_missing_columns, "lacks column(s) status, quote"),
    ],
)
def test_a_bad_atlas_is_one_clear_message_naming_the_file(
    make, why: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "bad.gpkg"
    make(path)
    monkeypatch.setenv("ATLAS_PATH", str(path))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert str(path) in message and why in message
    assert "Traceback" not in message and "site-packages" not in message
    assert not at.get("component_instance")  # nothing half-loaded is drawn


def test_a_read_only_checkout_draws_the_map_from_memory_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """static/ cannot be created (read-only checkout): the map's files come from Streamlit's
    media endpoint instead, and the page shows no error."""
    from mapview import assets

    blocked = tmp_path / "checkout"
    blocked.write_text("not a folder")
    monkeypatch.setattr(assets, "STATIC_DIR", blocked / "static")
    at = run_app()
    assert not at.error
    _, args = map_component(at)
    links = args["js_links"] + args["css_links"]
    assert links and all("/media/" in u for u in links)  # (AppTest mocks the media URLs)
    assert re.search(r"/media/[0-9a-f]+\.json", args["script"])
