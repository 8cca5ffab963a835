"""The page in a real browser: headless Debian Chromium, no network but 127.0.0.1.

Starts `streamlit run app.py` on the synthetic atlas, waits for the Leaflet map in the
st_folium iframe, compares the drawn features with the filtered items, changes a filter, opens a
popup and reads its quote, and checks that markup in a name renders as text.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from geo.filters import Filters, apply_filters
from tests.app.synthetic import SCRIPT_NAME, SCRIPT_QUOTE, items_frame
from tests.devserver import CHROMIUM, MAP_FRAME, chromium, streamlit_app, wait_for_map

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None, reason="playwright not installed"
    ),
]


@pytest.fixture(scope="module")
def app_url(fixture_paths: tuple[Path, Path]):
    atlas, gazetteer = fixture_paths
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"ATLAS_PATH": str(atlas), "GAZETTEER_PATH": str(gazetteer)}
    with streamlit_app(env, log=ARTIFACTS / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.dialogs = []  # any alert() would land here
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.goto(app_url, wait_until="domcontentloaded")
    yield page
    context.close()


def expected_counts(filters: Filters) -> dict[str, int]:
    items = apply_filters(items_frame(), filters)
    located = items[~items.geometry.isna()]
    return located["kind"].value_counts().to_dict()


def drawn(counts_json: str) -> dict[str, int]:
    return {k: v["drawn"] for k, v in json.loads(counts_json).items() if v["drawn"]}


def test_map_draws_every_filtered_feature_offline_and_follows_a_filter(page):
    counts = wait_for_map(page)
    assert drawn(counts) == expected_counts(Filters())
    assert all(v["features"] == v["drawn"] for v in json.loads(counts).values())
    frame = page.frame_locator(MAP_FRAME)
    assert frame.locator(".leaflet-control-layers").count() == 1
    assert "Projects" in frame.locator(".atlas-legend").inner_text()
    # every request stayed on the app's server (Leaflet came from /app/static)
    assert any("/app/static/leaflet-" in u for u in page.requests)
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1")) for u in page.requests)
    page.get_by_text("of 11 items match").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "app-default.png"), full_page=True)

    search = page.get_by_label("Search name, location and quote")
    search.fill("测试")
    search.press("Enter")
    counts = wait_for_map(page, previous=counts)
    assert drawn(counts) == expected_counts(Filters(text="测试"))
    # the count and the table follow: the table's accessible grid lists the matching rows
    matching = len(apply_filters(items_frame(), Filters(text="测试")))
    page.get_by_text(f"{matching} of 11 items match").first.wait_for()
    grid = page.locator("[data-testid='stDataFrame'] [role='row']")
    assert grid.count() == 1 + matching
    page.screenshot(path=str(ARTIFACTS / "app-filtered.png"), full_page=True)


def test_popup_shows_the_quote_and_markup_renders_as_text(page):
    before = wait_for_map(page)
    search = page.get_by_label("Search name, location and quote")
    search.fill("alert")
    search.press("Enter")
    page.get_by_text("1 of 11 items match").first.wait_for()
    counts = wait_for_map(page, previous=before)
    assert drawn(counts) == {"project": 1}
    frame = page.frame_locator(MAP_FRAME)
    map_div = frame.locator("#map_div")
    point = map_div.evaluate("(el) => window.ATLAS.pixel(window.map, 't02')")
    map_div.click(position={"x": point["x"], "y": point["y"]})
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert SCRIPT_QUOTE in text and SCRIPT_NAME in text
    assert "2025年重点工作安排" in text and "precision 1" in text
    assert popup.locator("script").count() == 0
    # the click selects the item: the details panel shows its name as text
    page.get_by_role("heading", name=SCRIPT_NAME).wait_for()
    assert page.dialogs == []
    page.screenshot(path=str(ARTIFACTS / "app-popup.png"), full_page=True)


def test_amap_basemap_draws_the_same_features_shifted_to_gcj02(page):
    where = (
        "(el) => { var l = window.ATLAS && window.ATLAS.find('t01'); return l && l.getLatLng(); }"
    )
    before = wait_for_map(page)
    wgs84 = page.frame_locator(MAP_FRAME).locator("#map_div").evaluate(where)
    page.get_by_text("AMap 高德 (GCJ-02)").click()
    shifted = None
    for _ in range(240):  # the counts stay the same: wait for the redrawn, shifted point
        page.wait_for_timeout(250)
        if page.locator(MAP_FRAME).count() != 1:
            continue
        try:
            shifted = page.frame_locator(MAP_FRAME).locator("#map_div").evaluate(where)
        except Exception:  # the iframe is being replaced
            continue
        if shifted and abs(shifted["lng"] - wgs84["lng"]) > 1e-4:
            break
    else:
        pytest.fail(f"the map did not redraw in GCJ-02 (last: {shifted})")
    frame = page.frame_locator(MAP_FRAME)
    assert frame.locator(".leaflet-container").get_attribute("data-atlas-counts") == before
    assert 0.002 < shifted["lng"] - wgs84["lng"] < 0.01  # ~470 m east, as GCJ-02 in Shanghai
    assert frame.locator(".leaflet-tile-pane img").count() > 0  # tiles asked for (and blocked)
