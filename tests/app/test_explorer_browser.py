"""Issue 21 in a real browser (headless Debian Chromium, no network but 127.0.0.1), on the
shipped atlas and gazetteer: the language switch, a link opened in a fresh browser giving the
CLI's count, "what is planned near" a real address, the figure downloads, the phone layout,
and the defects found in use. Every wait is a Playwright retrying assertion or a poll with a
deadline, never a sleep.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import geopandas as gpd
import pypdfium2 as pdfium
import pytest

from geo import Filters, apply_filters
from geo import __main__ as geo_cli
from tests.app import test_browser
from tests.app.test_browser import ARTIFACTS, expect, pytestmark  # noqa: F401
from tests.devserver import MAP_FRAME, map_container, streamlit_app, wait_for_map

ROOT = Path(__file__).resolve().parents[2]
ATLAS = ROOT / "data" / "atlas.gpkg"
GAZETTEER = ROOT / "data" / "gazetteer.gpkg"
#: Chromium, shared with the page's own browser tests (one per module)
browser = test_browser.browser
FILTERS = Filters(kind=("project", "park"), year_range=(2022, 2025), status=("planned",))


@pytest.fixture(scope="module")
def url():
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"ATLAS_PATH": str(ATLAS), "GAZETTEER_PATH": str(GAZETTEER)}
    with streamlit_app(env, log=ARTIFACTS / "streamlit-explorer.log") as address:
        yield address


@contextlib.contextmanager
def open_page(browser, address: str, locale: str = "en-US", width: int = 1440, height: int = 900):
    """A fresh browser context (no cookies, no session): what a colleague opening a link has;
    closed after."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale=locale, accept_downloads=True
    )
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(address, wait_until="domcontentloaded")
        yield page
    finally:
        context.close()


def matching_count(page) -> int:
    line = page.locator("p", has_text=re.compile(r"items match|符合条件")).first
    expect(line).to_be_visible()
    text = line.inner_text()
    found = re.search(r"(\d+) of \d+ items match", text) or re.search(r"符合条件 (\d+) 项", text)
    assert found, text
    return int(found.group(1))


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def cli_count(tmp_path: Path, *options: str) -> int:
    out = tmp_path / "cli.geojson"
    assert geo_cli.main(["export", "-o", str(out), "--atlas", str(ATLAS), *options]) == 0
    return len(json.loads(out.read_text(encoding="utf-8"))["features"])


def drawn_total(counts: str) -> int:
    return sum(v["drawn"] for v in json.loads(counts).values())


# --------------------------------------------------------------------------- 中文 / English


def test_the_page_speaks_the_browsers_language_and_switches(browser, url):
    with open_page(browser, url, locale="zh-CN") as page:
        wait_for_map(page)
        expect(page.locator("h1").first).to_contain_text("静安图志")
        legend = page.frame_locator(MAP_FRAME).locator(".atlas-legend")
        expect(legend).to_contain_text("图例")
        expect(legend).to_contain_text("美丽街区")
        expect(page.get_by_role("button", name="重置筛选")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "explorer-zh.png"))
        page.locator(".st-key-lang").get_by_text("English").click()
        expect(page.locator("h1").first).to_contain_text("Jing'an Atlas")
        expect(page.get_by_role("button", name="Reset filters")).to_be_visible()
        wait_for_map(page, timeout_ms=120_000)  # the map's words changed: a new map script
        # the map is redrawn, not doubled: the old frame goes when the rerun ends
        expect(page.locator(MAP_FRAME)).to_have_count(1, timeout=60_000)
        expect(legend).to_contain_text("Legend")
        expect(page).to_have_url(re.compile(r"lang=en"))


# --------------------------------------------------------------------------- shareable views


def test_a_link_opened_in_a_fresh_browser_restores_the_view_and_the_cli_count(
    browser, url, tmp_path: Path
):
    items = gpd.read_file(ATLAS, layer="items")
    expected = cli_count(tmp_path, "--kind", "project", "park", "--year-range", "2022", "2025",
                         "--status", "planned")  # fmt: skip
    chosen = apply_filters(items, FILTERS)
    chosen = chosen[chosen["name"].str.contains("公园") & chosen.geometry.notna()].iloc[0]
    link = (f"{url}/?kind=project&kind=park&year_range=2022&year_range=2025&status=planned"
            f"&item={chosen['id']}&basemap=offline")  # fmt: skip
    with open_page(browser, link) as first:
        counts = wait_for_map(first)
        assert matching_count(first) == expected > 0
        selected = apply_filters(items, FILTERS)
        assert drawn_total(counts) == int(selected.geometry.notna().sum())
        expect(first.get_by_role("heading", name=chosen["name"]).first).to_be_visible()
        # a filter change updates the link …
        box = first.get_by_label("Search name, location and quote")
        box.fill("公园")
        box.press("Enter")
        expect(first).to_have_url(re.compile(r"text=%E5%85%AC%E5%9B%AD"))
        shared = first.url
        narrowed = matching_count(first)
    # … and a colleague's fresh browser opening it sees the same count and item
    with open_page(browser, shared) as second:
        wait_for_map(second)
        expect(second.get_by_text(f"{narrowed} of {len(items)} items match").first).to_be_visible()
        assert narrowed == cli_count(tmp_path, "--kind", "project", "park", "--year-range", "2022",
                                     "2025", "--status", "planned", "--text=公园")  # fmt: skip
        expect(second.get_by_role("heading", name=chosen["name"]).first).to_be_visible()
        # Reset clears the link (no filter, item or search left in it)
        second.get_by_role("button", name="Reset filters").click()
        expect(
            second.get_by_text(f"{len(items)} of {len(items)} items match").first
        ).to_be_visible()
        expect(second).not_to_have_url(re.compile(r"kind=|status=|text=|item="))


# --------------------------------------------------------------------------- near here


def test_what_is_planned_near_a_real_address(browser, url):
    with open_page(browser, f"{url}/?lang=zh&near={quote('大宁灵石公园')}") as page:
        wait_for_map(page)
        panel = page.locator(".st-key-near_panel")
        expect(panel).to_contain_text("附近有什么规划")
        expect(panel).to_contain_text("定位于 大宁灵石公园")
        expect(panel).to_contain_text("500 米内有")
        rows = panel.locator("[data-testid='stDataFrame'] [role='row']")
        expect(rows.nth(1)).to_be_attached()
        assert rows.count() > 2
        # the searched place is drawn on the map: a circle with its marker, the view on it
        frame = page.frame_locator(MAP_FRAME)
        expect(frame.locator("img.leaflet-marker-icon")).to_have_count(1)
        circles = map_container(page).evaluate(
            "(el) => { const found = []; window.map.eachLayer((l) => {"
            " if (l instanceof L.Circle) found.push(l.getRadius()); }); return found; }"
        )
        assert len(circles) == 1 and circles[0] >= 25
        page.screenshot(path=str(ARTIFACTS / "explorer-near.png"))
        # an address it cannot place: one line
        box = page.get_by_label("地址或地点")
        box.fill("不存在的地方123号")
        box.press("Enter")
        expect(panel).to_contain_text("无法定位“不存在的地方123号”")
        expect(panel.locator("[data-testid='stDataFrame']")).to_have_count(0)


# --------------------------------------------------------------------------- figure


def _download(page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=name).click()
    return Path(info.value.path()).read_bytes()


def test_the_figure_downloads_are_stable_and_chinese(browser, url):
    with open_page(browser, f"{url}/?lang=zh&kind=park", locale="zh-CN") as page:
        wait_for_map(page)
        expect(page.get_by_role("button", name="地图图片（PNG）")).to_have_count(0)  # lazy tab
        page.get_by_role("tab", name="下载").click()
        png = _download(page, "地图图片（PNG）")
        assert png.startswith(b"\x89PNG") and _download(page, "地图图片（PNG）") == png
        pdf = _download(page, "地图图片（PDF）")
        assert _download(page, "地图图片（PDF）") == pdf
        document = pdfium.PdfDocument(pdf)
        text = document[0].get_textpage().get_text_range()
        document.close()
        assert "静安区报告中的规划与建设" in text and "公园绿地" in text
        assert "OpenStreetMap" in text


# --------------------------------------------------------------------------- phone


def test_on_a_phone_the_map_comes_first_full_width_filters_under_it(browser, url):
    with open_page(browser, url, locale="zh-CN", width=390, height=844) as page:
        wait_for_map(page)
        frame_box = page.locator(MAP_FRAME).bounding_box()
        assert frame_box["width"] >= 390 - 2 * 16 - 2  # the page's padding only
        assert frame_box["y"] < 844 * 0.5  # the map starts in the first half of the screen
        table = page.locator("[data-testid='stDataFrame']").first
        table.scroll_into_view_if_needed()
        assert table.bounding_box()["y"] > frame_box["y"]  # map before table (document order)
        legend = page.frame_locator(MAP_FRAME).locator("details.atlas-legend")
        expect(legend).not_to_have_attribute("open", "")  # collapsed to its title
        # the filters follow the map (they precede it on a wide screen), before the table
        kind = page.locator(".st-key-filters").get_by_text("类型").first
        kind.scroll_into_view_if_needed()
        frame_box = page.locator(MAP_FRAME).bounding_box()  # after the scroll
        assert frame_box["y"] + frame_box["height"] <= kind.bounding_box()["y"]
        assert kind.bounding_box()["y"] < table.bounding_box()["y"]
        page.evaluate("window.scrollTo(0, 0)")
        sidebar = page.locator("[data-testid='stSidebar']")
        expect(sidebar.get_by_role("heading", name="底图")).not_to_be_in_viewport()
        page.locator("[data-testid='stExpandSidebarButton']").click()  # one tap
        expect(sidebar.get_by_role("heading", name="底图")).to_be_in_viewport()
        page.screenshot(path=str(ARTIFACTS / "explorer-phone.png"))


# --------------------------------------------------------------------------- defects


def test_selecting_an_item_does_not_push_the_table_down(browser, url):
    threads = gpd.read_file(ATLAS, layer="threads")
    longest = threads.sort_values("mentions", ascending=False).iloc[0]
    items = gpd.read_file(ATLAS, layer="items")
    member = items[items["thread"] == longest["thread"]].iloc[0]
    with open_page(browser, f"{url}/?text={quote(member['name'])}") as page:
        wait_for_map(page)
        grid = page.locator("[data-testid='stDataFrame']").first
        expect(grid).to_be_visible()
        before = grid.bounding_box()["y"] + page.evaluate("window.scrollY")
        page.goto(f"{url}/?text={quote(member['name'])}&item={member['id']}")
        wait_for_map(page)
        expect(page.get_by_role("heading", name=member["name"]).first).to_be_visible()
        expect(page.locator(".atlas-timeline li").first).to_be_visible()
        after = grid.bounding_box()["y"] + page.evaluate("window.scrollY")
        assert abs(after - before) <= 2, (before, after)


def test_reset_turns_threads_mode_off(browser, url):
    with open_page(browser, f"{url}/?threads=1&kind=zone") as page:
        wait_for_map(page)
        toggle = page.locator(".st-key-map_threads input")
        expect(toggle).to_be_checked()
        page.get_by_role("button", name="Reset filters").click()
        expect(toggle).not_to_be_checked()
        expect(page).not_to_have_url(re.compile(r"threads="))
        assert map_container(page).count() == 1
