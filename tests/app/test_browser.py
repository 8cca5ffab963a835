"""The page in a real browser: headless Debian Chromium, no network but 127.0.0.1.

Starts `streamlit run app.py` on the synthetic atlas, waits for the Folium map in
streamlit-folium's frame, compares the drawn features with the filtered items, changes a filter
(the map is not remounted and its data file not fetched again), clicks a feature and reads its
quote, selects a table row, resets the filters, draws the threads mode, and opens a crafted
atlas whose every string is markup. Every wait is a Playwright retrying assertion
(`expect(...)`) or a poll with a deadline, never a single read.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import urllib.parse
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from geo import read_atlas
from geo.filters import Filters, apply_filters, mask
from mapview import atlasmap, style, threadmap
from mapview.payload import row_order, selection_code
from tests.devserver import (
    CHROMIUM,
    MAP_FRAME,
    chromium,
    map_at_rest,
    map_container,
    streamlit_app,
    wait_for_map,
)
from tests.worlds.page import (
    HOSTILE,
    SCRIPT_NAME,
    SCRIPT_QUOTE,
    hostile_layers,
    items_frame,
    write_layers,
)

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
IN_CI = os.environ.get("CI", "").lower() == "true"
HAVE_PLAYWRIGHT = importlib.util.find_spec("playwright") is not None

if IN_CI and not (CHROMIUM.exists() and HAVE_PLAYWRIGHT):  # in CI a missing browser fails
    raise RuntimeError(f"browser tests need {CHROMIUM} and playwright (run make test)")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.skipif(not HAVE_PLAYWRIGHT, reason="playwright not installed"),
]


def expect(locator):
    from playwright.sync_api import expect as pw_expect

    pw_expect.set_options(timeout=30_000)  # a loaded 2-core machine; retried, not slept
    return pw_expect(locator)


@pytest.fixture(scope="module")
def app_url(fixture_paths: tuple[Path, Path]):
    atlas, gazetteer = (
        fixture_paths  # the gazetteer geocodes uploaded reports (test_upload_browser)
    )
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"ATLAS_PATH": str(atlas), "GAZETTEER_PATH": str(gazetteer)}
    with streamlit_app(env, log=ARTIFACTS / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def open_page(browser, url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.dialogs = []  # any alert() would land here
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.goto(url, wait_until="domcontentloaded")
    return page


@pytest.fixture
def page(browser, app_url):
    page = open_page(browser, app_url)
    yield page
    page.context.close()


def expected_counts(filters: Filters) -> dict[str, int]:
    items = apply_filters(items_frame(), filters)
    located = items[~items.geometry.isna()]
    return located["kind"].value_counts().to_dict()


def drawn(counts_json: str) -> dict[str, int]:
    return {k: v["drawn"] for k, v in json.loads(counts_json).items() if v["drawn"]}


def table_rows(page):
    return page.locator("[data-testid='stDataFrame'] [role='row']")


def search(page, text: str) -> None:
    box = page.get_by_label("Search name, location and quote")
    box.fill(text)
    box.press("Enter")


def is_data_file(url: str) -> bool:
    """A request for the map's data file (not a script naming it in its query)."""
    return urllib.parse.urlsplit(url).path.startswith("/app/static/data/map-")


def row_of(item_id: str) -> int:
    """The item's row in the map's data file (sorted by kind and year)."""
    items = items_frame()
    return items["id"].to_numpy()[row_order(items)].tolist().index(item_id)


def test_map_draws_every_filtered_feature_offline_and_follows_a_filter(page):
    counts = wait_for_map(page)
    assert drawn(counts) == expected_counts(Filters())
    assert all(v["features"] == v["drawn"] for v in json.loads(counts).values())
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".leaflet-control-layers")).to_have_count(1)
    # one legend, on the map (a Leaflet control inside the map container)
    legend = frame.locator("#map_div .leaflet-control-container .atlas-legend")
    expect(frame.locator(".atlas-legend")).to_have_count(1)
    for words in ("project", "District boundary", "街道 boundaries", "Functional zone", "Status"):
        expect(legend).to_contain_text(words)
    expect(legend).not_to_contain_text("River")  # the fixture atlas has no water layer
    # full 街道 names, in a pane above the cluster bubbles
    expect(frame.locator(".atlas-label", has_text="西街道")).to_have_count(1)
    container = map_container(page)
    z = container.evaluate(
        "(el) => [window.map.getPane('atlasLabels').style.zIndex,"
        " getComputedStyle(window.map.getPane('markerPane')).zIndex].map(Number)"
    )
    assert z[0] > z[1]
    # the map zooms out to the district's surroundings only (fewer levels to cluster at), the
    # first view inside that range; item shapes are not clipped to the view (the canvas does)
    # and are stroked with flat dash ends (round caps on every dash are slow to paint)
    zooms = container.evaluate("(el) => [window.map.getMinZoom(), window.map.getZoom()]")
    assert zooms[0] == atlasmap.MIN_ZOOM <= zooms[1]
    # and simplified like the outlines they may lie on
    shapes = container.evaluate(
        "(el) => L.atlas.layers.flatMap((l) => l._shapeList || []).map((s) =>"
        " [!!s.options.noClip, s.options.lineCap, s.options.lineJoin, s.options.smoothFactor,"
        " s.atlasArea, s.options.weight])"
    )
    assert shapes and all(s[:4] == [True, "butt", "bevel", style.SMOOTH_FACTOR] for s in shapes)
    # areas outlined as thin hairlines (fast to paint), lines at their status' weight
    areas = {weight for *_, area, weight in shapes if area}
    lines = {weight for *_, area, weight in shapes if not area}
    assert areas == {style.AREA_WEIGHT}
    assert lines and lines.isdisjoint({style.AREA_WEIGHT})
    outlines = container.evaluate(
        "(el) => { var f = []; window.map.eachLayer((l) => { if (l.feature && l.getLatLngs)"
        " f.push(l.options.smoothFactor); }); return f; }"
    )
    assert outlines and set(outlines) == {style.SMOOTH_FACTOR}
    # every request stayed on the app's server (Leaflet and the plugin came from /app/static)
    assert any("/app/static/leaflet-" in u for u in page.requests)
    assert any("/app/static/atlas-" in u and u.endswith("atlas_items.js") for u in page.requests)
    assert any("/app/static/data/map-" in u for u in page.requests)
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1")) for u in page.requests)
    expect(page.get_by_text("of 11 items match").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "app-default.png"), full_page=True)
    data_requests = sum(is_data_file(u) for u in page.requests)
    # fetched once, requested as the frame opened (atlas_fetch.js, which names it in its query):
    # before markercluster and the item layer's script
    assert data_requests == 1
    # its gzipped copy, sent as it is and inflated in the frame (mapview.assets.publish)
    assert next(u for u in page.requests if is_data_file(u)).endswith(".json.gz")
    order = [
        next(i for i, u in enumerate(page.requests) if test(u))
        for test in (is_data_file, lambda u: "leaflet.markercluster.js" in u,
                     lambda u: "atlas_items.js" in u)
    ]  # fmt: skip
    assert order == sorted(order)
    container.evaluate("(el) => { window.__mountedOnce = true; }")

    search(page, "测试")
    counts = wait_for_map(page, previous=counts)
    assert drawn(counts) == expected_counts(Filters(text="测试"))
    # the count and the table follow (retrying assertions: the table re-renders after the map)
    matching = len(apply_filters(items_frame(), Filters(text="测试")))
    expect(page.get_by_text(f"{matching} of 11 items match").first).to_be_visible()
    expect(table_rows(page)).to_have_count(1 + matching)
    # the filter change sent the selection only: the same frame (not remounted), and the data
    # file was not fetched again
    assert container.evaluate("(el) => window.__mountedOnce === true")
    assert sum(is_data_file(u) for u in page.requests) == data_requests
    page.screenshot(path=str(ARTIFACTS / "app-filtered.png"), full_page=True)


#: What each item layer really shows: markers in its cluster group plus the items of the shapes
#: on the map (not the count the layer keeps), per kind.
SHOWN = """(el) => Object.fromEntries(L.atlas.layers.filter((l) => l.options.kind).map((l) => {
  let n = l._cluster.getLayers().length;
  l._shapes.eachLayer((s) => { n += s.atlasRows.length; });
  return [l.options.kind, window.map.hasLayer(l) ? n : -1];
}))"""
PARKS = "L.atlas.layers.find((l) => l.options.kind === 'park')"


def test_the_item_layers_redraw_only_the_difference_and_stay_equal_to_the_filter(page):
    """Selections sent to the frame one after another (narrower, wider, overlapping, one while
    a layer is switched off in the layer control): what each layer shows always equals the
    filter, however the difference was applied."""
    wait_for_map(page)
    container = map_container(page)
    items = items_frame()
    order = row_order(items)
    steps = [
        Filters(kind=("project",)),
        Filters(),
        Filters(year_range=(2023, 2024)),
        Filters(year_range=(2024, 2026)),
        Filters(text="测试"),
        Filters(),
    ]
    for step, filters in enumerate(steps):
        code = selection_code(mask(items, filters).to_numpy()[order])
        hidden = step == 2  # parks switched off (the layer control) while this selection comes
        if hidden:
            container.evaluate(f"(el) => window.map.removeLayer({PARKS})")
        container.evaluate("(el, b) => L.atlas.select({bits: b, id: 'step'})", code)
        if hidden:
            assert container.evaluate(SHOWN)["park"] == -1
            container.evaluate(f"(el) => window.map.addLayer({PARKS})")
        want = expected_counts(filters)
        shown = {k: v for k, v in container.evaluate(SHOWN).items() if v}
        assert shown == want, (step, filters)


def test_popup_shows_the_quote_and_markup_renders_as_text(page):
    before = wait_for_map(page)
    search(page, "alert")
    expect(page.get_by_text("1 of 11 items match").first).to_be_visible()
    counts = wait_for_map(page, previous=before)
    assert drawn(counts) == {"project": 1}
    frame = page.frame_locator(MAP_FRAME)
    container = map_container(page)
    map_at_rest(page)
    point = container.evaluate(f"(el) => L.atlas.pixel('items', {row_of('t02')})")
    container.hover(position={"x": point["x"], "y": point["y"]})
    expect(frame.locator(".leaflet-tooltip")).to_have_count(1)
    container.click(position={"x": point["x"], "y": point["y"]})
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(SCRIPT_NAME)
    # the quote and source come from Python with the rerun the click causes
    expect(popup).to_contain_text(SCRIPT_QUOTE)
    expect(popup).to_contain_text("2025年重点工作安排")
    expect(popup).to_contain_text("precision 1")
    expect(popup.locator("script")).to_have_count(0)
    expect(frame.locator(".leaflet-tooltip")).to_have_count(0)  # the tooltip closed
    # the click selects the item: the details panel shows its name as text
    expect(page.get_by_role("heading", name=SCRIPT_NAME)).to_be_visible()
    assert page.dialogs == []
    page.screenshot(path=str(ARTIFACTS / "app-popup.png"), full_page=True)


def test_a_table_row_selects_zooms_to_and_opens_its_feature(page):
    wait_for_map(page)
    search(page, "测试公园")
    expect(table_rows(page)).to_have_count(2)
    grid = page.locator("[data-testid='stDataFrame']")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # the row marker column of the first data row (header and rows are 35 px high)
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".leaflet-popup-content")).to_contain_text("建成测试公园")
    expect(page.get_by_role("heading", name="测试公园")).to_be_visible()
    zoom = map_container(page).evaluate("(el) => window.map.getZoom()")
    assert zoom >= 15


def test_cluster_bubbles_say_what_they_hold(page):
    """Screen readers hear "2 projects", not "2" (the table stays the keyboard route)."""
    wait_for_map(page)
    container = map_container(page)
    container.evaluate("(el) => window.map.setZoom(11)")
    bubble = page.frame_locator(MAP_FRAME).locator(".atlas-cluster [role='img']").first
    expect(bubble).to_have_attribute("aria-label", re.compile(r"^\d+ (projects|parks|items)"))
    expect(bubble).to_have_attribute("title", re.compile(r"^\d+ "))


def test_reset_clears_the_sidebar_and_the_next_change_starts_fresh(page):
    counts = wait_for_map(page)
    search(page, "测试")
    matching = len(apply_filters(items_frame(), Filters(text="测试")))
    expect(page.get_by_text(f"{matching} of 11 items match").first).to_be_visible()
    page.get_by_role("button", name="Reset filters").click()
    expect(page.get_by_text("11 of 11 items match").first).to_be_visible()
    expect(page.get_by_label("Search name, location and quote")).to_have_value("")
    assert wait_for_map(page, previous=None) == counts
    # a new filter: only it applies (the old search does not come back)
    page.locator("[data-testid='stMultiSelect']").nth(1).click()  # Kind
    page.get_by_role("option", name="park & green space").click()
    page.keyboard.press("Escape")
    expect(page.get_by_text("2 of 11 items match").first).to_be_visible()
    expect(page.get_by_label("Search name, location and quote")).to_have_value("")


@pytest.fixture(scope="module")
def shipped_url():
    """The app on the shipped atlas (its threads include zones and 街道-wide areas)."""
    root = Path(__file__).resolve().parents[2]
    env = {"ATLAS_PATH": str(root / "data" / "atlas.gpkg")}
    with streamlit_app(env, log=ARTIFACTS / "streamlit-shipped.log") as url:
        yield url


def test_threads_mode_keeps_one_legend_on_the_map_and_fills_translucent(browser, shipped_url):
    page = open_page(browser, shipped_url)
    wait_for_map(page, timeout_ms=120_000)
    page.get_by_text("Show threads instead of mentions").click()
    frame = page.frame_locator(MAP_FRAME)
    legend = frame.locator("#map_div .atlas-legend")
    expect(legend).to_have_count(1)
    expect(legend.locator(".atlas-threads-only")).to_be_visible()
    expect(legend).to_contain_text("Threads: first plan")
    expect(legend.locator(".atlas-mentions-only")).to_be_hidden()
    expect(page.locator(".atlas-thread-legend")).to_have_count(0)  # none under the map
    container = map_container(page)
    fills = None
    for _ in range(120):  # the threads layer arrives with the rerun
        fills = container.evaluate(
            "(el) => { var out = []; window.map.eachLayer(function (l) {"
            " if (l.setStyle && l.atlasRows && l.getBounds && l.options.fill !== false)"
            " out.push(l.options.fillOpacity); }); return out; }"
        )
        if fills:
            break
        page.wait_for_timeout(250)
    assert fills and max(fills) <= 0.3  # areas never hide the basemap
    # drawn = filtered for threads too: one feature per located thread with a selected mention
    # (every item here), from the data file's thread rows and the selection the rerun sent
    layers = read_atlas(Path(__file__).resolve().parents[2] / "data" / "atlas.gpkg")
    want = len(threadmap.thread_features(layers["threads"], layers["items"]))
    counts = json.loads(container.get_attribute("data-user-counts") or "{}")
    assert [v for k, v in counts.items() if k.startswith("Threads")] == [
        {"features": want, "drawn": want}
    ]
    page.screenshot(path=str(ARTIFACTS / "app-threads.png"), full_page=True)
    page.context.close()


def test_amap_basemap_draws_the_same_features_shifted_to_gcj02(page):
    where = (
        f"(el) => {{ var f = window.L && L.atlas.find('items', {row_of('t01')});"
        " return f && f.layer.getLatLng(); }"
    )
    before = wait_for_map(page)
    container = map_container(page)
    wgs84 = container.evaluate(where)
    page.get_by_text("AMap 高德 (GCJ-02)").click()
    shifted = None
    for _ in range(240):  # the counts stay the same: wait for the redrawn, shifted point
        page.wait_for_timeout(250)
        with contextlib.suppress(PlaywrightError):  # the old frame may go meanwhile
            shifted = container.evaluate(where)
        if shifted and abs(shifted["lng"] - wgs84["lng"]) > 1e-4:
            break
    else:
        pytest.fail(f"the map did not redraw in GCJ-02 (last: {shifted})")
    assert wait_for_map(page) == before
    assert 0.002 < shifted["lng"] - wgs84["lng"] < 0.01  # ~470 m east, as GCJ-02 in Shanghai
    expect(
        page.locator(MAP_FRAME).last.content_frame.locator(".leaflet-tile-pane img").first
    ).to_be_attached()


# --------------------------------------------------------------------------- crafted atlas


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory):
    path = write_layers(hostile_layers(), tmp_path_factory.mktemp("hostile") / "atlas.gpkg")
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_app({"ATLAS_PATH": str(path)}, log=ARTIFACTS / "streamlit-hostile.log") as url:
        yield url


def test_a_crafted_atlas_runs_no_script_in_tooltip_popup_legend_or_labels(browser, hostile_url):
    page = open_page(browser, hostile_url)
    try:
        counts = json.loads(wait_for_map(page))
        assert sum(v["drawn"] for v in counts.values()) == 10  # the unknown kind is not drawn
        frame = page.frame_locator(MAP_FRAME)
        container = map_container(page)
        rows = container.evaluate(
            "(el) => Array.from({length: 12}, (_, i) => i).filter((i) => L.atlas.find('items', i))"
        )
        assert len(rows) == 10
        for row in rows:  # every feature's tooltip and popup
            container.evaluate(
                "(el, row) => { window.map.closePopup(); L.atlas.hover('items', row); }", row
            )
            expect(frame.locator(".leaflet-tooltip")).to_contain_text("onerror")
            container.evaluate("(el, row) => L.atlas.open('items', row)", row)
            expect(frame.locator(".leaflet-popup-content")).to_contain_text("onerror")
        expect(frame.locator(".atlas-label").first).to_contain_text("onerror")
        expect(frame.locator(".atlas-legend")).to_contain_text("River")  # the water layer
        # markup arrived as text: no element was created from it, no handler ran
        for selector in ("img", "b", "script"):
            expect(frame.locator(f".leaflet-container {selector}")).to_have_count(0)
        assert container.evaluate("(el) => window.parent.__pwned || window.__pwned || null") is None
        assert page.dialogs == []
        page.get_by_role("tab", name="Not on the map").click()  # a lazy tab: runs when opened
        expect(page.get_by_text("unknown kind").first).to_be_attached()
        assert HOSTILE not in page.content()  # the page itself shows it escaped too
    finally:
        page.screenshot(path=str(ARTIFACTS / "app-hostile.png"), full_page=True)
        page.context.close()


def test_a_cjk_font_is_installed_for_screenshots():
    """Without one, Chinese renders as boxes (scripts/ensure-chromium.sh installs it)."""
    import subprocess

    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    assert out.stdout.strip(), "no CJK font: run bash scripts/ensure-chromium.sh"
