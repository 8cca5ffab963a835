"""Issue 21 through the page (Streamlit AppTest, no browser): 中文/English, shareable views, "what
is planned near here", the briefing figure, and the defects found in use."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pypdfium2 as pdfium
import pytest
from streamlit.testing.v1 import AppTest

from geo import __main__ as geo_cli
from mapview import i18n
from tests.app.conftest import APP
from tests.app.test_app import Downloads, downloads
from tests.app.test_upload import REPORT

__all__ = ["downloads"]  # the fixture, imported for this module's tests

ROOT = Path(__file__).resolve().parents[2]
ATLAS = ROOT / "data" / "atlas.gpkg"
GAZETTEER = ROOT / "data" / "gazetteer.gpkg"


@pytest.fixture
def shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page on the shipped atlas and gazetteer (real addresses, real counts)."""
    monkeypatch.setenv("ATLAS_PATH", str(ATLAS))
    monkeypatch.setenv("GAZETTEER_PATH", str(GAZETTEER))


def run(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params.update(params or {})
    at.run()
    assert not at.exception, at.exception
    return at


def matching(at: AppTest) -> int:
    """The number of matching items the page's count line states (either language)."""
    line = next(m.value for m in at.markdown if "符合条件" in m.value or "items match" in m.value)
    return int(re.search(r"\*\*(\d+)\*\*", line).group(1))


def cli_count(tmp_path: Path, *options: str) -> int:
    out = tmp_path / "cli.geojson"
    assert geo_cli.main(["export", "-o", str(out), "--atlas", str(ATLAS), *options]) == 0
    return len(json.loads(out.read_text(encoding="utf-8"))["features"])


# --------------------------------------------------------------------------- 中文 / English


@pytest.mark.usefixtures("shipped")
def test_the_chinese_page_shows_words_not_codes():
    at = run({"lang": "zh"})
    assert at.title[0].value.startswith("静安图志")
    assert "符合条件" in next(m.value for m in at.markdown if "符合条件" in m.value)
    table = at.dataframe[0].value
    assert list(table.columns[:4]) == ["名称", "类型", "年份", "状态"]
    kinds, statuses = set(table["类型"]), set(table["状态"])
    assert kinds <= set(i18n.words("kind", "zh").values()) and "项目" in kinds
    assert statuses <= set(i18n.words("status", "zh").values())
    codes = re.compile(r"^[a-z]+(?:[_:-][a-z]+)*$")
    for column in ("类型", "状态", "类别", "时段", "定位方法"):
        assert not any(codes.match(str(v)) for v in table[column].dropna()), column
    assert all(re.match(r"\d{4}年", str(t)) or "年" in str(t) for t in table["报告"])
    assert at.multiselect(key="f_kind").label == "类型"
    at.session_state["lower_tabs"] = "不在地图上"  # the tab of the items not on the map
    at.run()
    assert any("未定位" in m.value for m in at.markdown)  # their reasons, in Chinese


@pytest.mark.usefixtures("shipped")
def test_switching_language_keeps_the_view():
    at = run({"kind": "park"})
    assert at.title[0].value.startswith("Jing'an Atlas")  # AppTest has no browser locale
    before = matching(at)
    at.segmented_control(key="lang").set_value("zh").run()
    assert at.title[0].value.startswith("静安图志") and matching(at) == before
    assert at.query_params["lang"] == "zh" and at.query_params["kind"] == "park"


# --------------------------------------------------------------------------- shareable views


@pytest.mark.usefixtures("shipped")
def test_a_link_restores_the_view_with_the_cli_count(tmp_path: Path):
    params = {"kind": ["project", "park"], "year_range": ["2022", "2025"], "status": "planned",
              "lang": "zh", "threads": "1", "basemap": "osm"}  # fmt: skip
    at = run(params)
    expected = cli_count(tmp_path, "--kind", "project", "park", "--year-range", "2022", "2025",
                         "--status", "planned")  # fmt: skip
    assert matching(at) == expected > 0
    assert at.multiselect(key="f_kind").value == ["project", "park"]
    assert at.slider(key="f_year").value == (2022, 2025)
    assert at.toggle(key="map_threads").value is True
    assert at.radio(key="basemap").value == "osm"
    # a filter change updates the link; the page keeps its state
    at.multiselect(key="f_status").set_value(["planned", "ongoing"]).run()
    assert at.query_params["status"] == ["planned", "ongoing"]
    # Reset clears the link (the reader's language and basemap stay)
    at.button(key="reset").click().run()
    assert at.query_params == {"lang": "zh", "basemap": "osm"}
    assert at.toggle(key="map_threads").value is False


@pytest.mark.usefixtures("shipped")
def test_a_link_restores_the_selected_item_and_a_bad_link_says_what_it_dropped():
    items = gpd.read_file(ATLAS, layer="items")
    chosen = items[items["kind"] == "park"].iloc[0]
    at = run({"kind": "park", "item": chosen["id"], "status": ["castle"]})
    assert any(chosen["name"] in m.value for m in at.markdown if m.value.startswith("####"))
    assert at.query_params["item"] == chosen["id"]
    warning = at.sidebar.warning[0].value
    assert "status=castle" in warning


# --------------------------------------------------------------------------- near here


@pytest.mark.usefixtures("shipped")
def test_what_is_planned_near_a_real_address():
    at = run({"lang": "zh", "near": "共和新路3550号"})
    table = next(d.value for d in at.dataframe if "距离（米）" in d.value.columns)
    assert len(table) > 0 and table["距离（米）"].is_monotonic_increasing
    assert table["距离（米）"].max() <= 500
    assert table["名称"].iloc[0] == "共和新路3550号"
    assert set(table["状态"]) <= set(i18n.words("status", "zh").values())
    assert any("精度" in c.value and "米" in c.value for c in at.caption)
    assert at.query_params["near"] == "共和新路3550号"
    at.select_slider(key="near_radius").set_value(250).run()
    narrower = next(d.value for d in at.dataframe if "距离（米）" in d.value.columns)
    assert len(narrower) <= len(table) and narrower["距离（米）"].max() <= 250


@pytest.mark.usefixtures("shipped")
def test_an_address_it_cannot_place_is_one_line():
    at = run({"near": "不存在的地方123号"})
    assert [w.value for w in at.warning] == [
        "“不存在的地方123号” cannot be placed: the project's gazetteer has no such address "
        "or place."
    ]
    assert not any("distance (m)" in d.value.columns for d in at.dataframe)


# --------------------------------------------------------------------------- figure


@pytest.mark.usefixtures("shipped")
def test_the_figure_downloads_are_the_selection_in_chinese(downloads: Downloads):
    at = run({"lang": "zh", "kind": "park"})
    assert not [n for n in downloads.buttons if n.startswith("jingan-atlas-map-")]
    at.session_state["lower_tabs"] = "下载"  # the tab runs (matplotlib) only once opened
    at.run()
    names = [n for n in downloads.buttons if n.startswith("jingan-atlas-map-")]
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["pdf", "png"]
    pdf = downloads.click(next(n for n in names if n.endswith(".pdf")))
    document = pdfium.PdfDocument(pdf)
    text = document[0].get_textpage().get_text_range()
    document.close()
    assert "公园绿地" in text and "静安区报告中的规划与建设" in text
    png = downloads.click(next(n for n in names if n.endswith(".png")))
    assert png.startswith(b"\x89PNG")
    assert not at.exception


# --------------------------------------------------------------------------- defects


@pytest.mark.usefixtures("app_env")
def test_reset_turns_threads_off_and_a_selection_that_no_longer_matches_is_cleared():
    at = run()
    at.session_state["selected_id"] = "t01"  # 测试学校, a project
    at.toggle(key="map_threads").set_value(True).run()
    assert any("测试学校" in m.value for m in at.markdown if m.value.startswith("####"))
    at.multiselect(key="f_kind").set_value(["park"]).run()  # the school no longer matches
    assert "selected_id" not in at.session_state
    assert not any("测试学校" in m.value for m in at.markdown if m.value.startswith("####"))
    at.button(key="reset").click().run()
    assert at.toggle(key="map_threads").value is False


@pytest.mark.usefixtures("app_env")
def test_the_same_report_uploaded_twice_is_one_layer():
    at = run()
    data = REPORT.encode()
    at.file_uploader(key="byo_files").set_value(
        [("mine.txt", data, "text/plain"), ("mine.txt", data, "text/plain"),
         ("copy.txt", data, "text/plain")]
    ).run()  # fmt: skip
    assert not at.exception
    headers = [h.value for h in at.subheader]
    assert len([h for h in headers if "通知" in h]) == 1
    assert sum("same content" in c.value for c in at.sidebar.caption) == 2
