"""Bring your own report in a real browser: upload a .docx and a .pdf through the page
(Playwright `set_input_files`), see each as its own layer on the map and its rows in its table;
filters apply; a bad file and a report of another district say so. Headless Debian Chromium,
no network but 127.0.0.1."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from extract.testing import write_docx, write_pdf
from tests.app import test_browser
from tests.devserver import CHROMIUM, MAP_FRAME, streamlit_app, wait_for_map

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ROOT = Path(__file__).resolve().parents[2]
#: the fixtures of the page's own browser test: the app on the synthetic atlas, Chromium, a page
app_url = test_browser.app_url
browser = test_browser.browser
page = test_browser.page

if os.environ.get("CI") and not CHROMIUM.exists():  # in CI a missing browser is a failure
    raise RuntimeError(f"no Chromium at {CHROMIUM} (scripts/ensure-chromium.sh)")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None, reason="playwright not installed"
    ),
]


def report(title: str) -> str:
    return (
        "上海市静安区人民政府\n"
        f"关于印发《{title}》的通知\n"
        "一、2025年主要任务\n"
        "1．推进教育均衡发展。建成测试学校新校舍。\n"
        "2．完善城市功能。实施西四路美丽街区建设，新建东门公园。\n"
        "项目\t地点\t进度\n"
        "测试医院扩建\t西二路\t开工\n"
    )


PUTUO = (
    "上海市普陀区人民政府\n关于印发《2025年普陀区重点工作安排》的通知\n"
    "一、2025年主要任务\n推进长风公园改造，完成曹杨新村第一小学新建工程。\n"
)
DOCX_TITLE = "2025年区政府重点工作安排（Word）"
PDF_TITLE = "2025年区政府重点工作安排（PDF）"


def label(title: str) -> str:
    return f"your report: 关于印发《{title}》的通知"


def user_counts(page, want: dict[str, int], timeout: float = 60) -> dict:
    """Wait until the map's per-user-layer counts (`data-user-counts`) show `want` drawn."""
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        if page.locator(MAP_FRAME).count() == 1:
            container = page.frame_locator(MAP_FRAME).locator(".leaflet-container")
            try:
                seen = json.loads(container.get_attribute("data-user-counts", timeout=1_000))
            except Exception:  # the iframe is being replaced
                seen = None
            if seen is not None and {k: v["drawn"] for k, v in seen.items()} == want:
                return seen
        time.sleep(0.25)
    raise TimeoutError(f"user layers never drew {want} (last seen: {seen})")


def upload(page, *paths: Path) -> None:
    page.locator("[data-testid='stSidebar'] input[type='file']").set_input_files(
        [str(p) for p in paths]
    )


def test_upload_docx_and_pdf_draws_their_layers_and_tables(
    page, tmp_path, pdf_fonts, fixture_paths
) -> None:
    dataset = fixture_paths[0].parent
    files_before = {p: p.stat().st_mtime_ns for p in dataset.iterdir()}
    wait_for_map(page)
    atlas_before = page.frame_locator(MAP_FRAME).locator(".leaflet-container")
    atlas_counts = atlas_before.get_attribute("data-atlas-counts")
    docx = write_docx(report(DOCX_TITLE), tmp_path / "mine.docx")
    pdf = write_pdf(report(PDF_TITLE), tmp_path / "mine.pdf")
    start = time.perf_counter()
    upload(page, docx, pdf)
    # located: 测试学校 (a place) and 西四路美丽街区 (its street); 东门公园 and the table row's
    # project are unknown to the synthetic gazetteer (listed, not drawn)
    counts = user_counts(page, {label(DOCX_TITLE): 2, label(PDF_TITLE): 2})
    print(f"upload → both layers drawn: {time.perf_counter() - start:.1f} s")
    assert all(v["features"] == v["drawn"] for v in counts.values())
    frame = page.frame_locator(MAP_FRAME)
    # the atlas is still drawn, unchanged, under the new layers; each is in the layer control
    assert frame.locator(".leaflet-container").get_attribute("data-atlas-counts") == atlas_counts
    control = frame.locator(".leaflet-control-layers-overlays").inner_text()
    assert f"◆ {label(DOCX_TITLE)} (2)" in control and f"◆ {label(PDF_TITLE)} (2)" in control
    for index, title in enumerate((DOCX_TITLE, PDF_TITLE)):
        page.get_by_role("heading", name=label(title)).wait_for()
        rows = page.locator(f".st-key-byo_report_{index} [data-testid='stDataFrame'] [role='row']")
        expect(rows).to_have_count(1 + 4)  # header + four items
        expect(page.locator(f".st-key-byo_report_{index}")).to_contain_text("Unlocated (2)")
        expect(page.locator(f".st-key-byo_report_{index}")).to_contain_text("测试学校")
    page.get_by_text("your report", exact=False).first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "upload-docx-pdf.png"), full_page=True)

    # the sidebar's filters apply to the user's layers as to the atlas
    search = page.get_by_label("Search name, location and quote")
    search.fill("测试学校")
    search.press("Enter")
    user_counts(page, {label(DOCX_TITLE): 1, label(PDF_TITLE): 1})
    rows = page.locator(".st-key-byo_report_0 [data-testid='stDataFrame'] [role='row']")
    expect(rows).to_have_count(2)
    assert page.dialogs == []
    # nothing was written to the shared dataset
    assert {p: p.stat().st_mtime_ns for p in dataset.iterdir()} == files_before


def test_bad_file_and_other_district_say_so(page, tmp_path) -> None:
    wait_for_map(page)
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 200)
    putuo = tmp_path / "putuo.txt"
    putuo.write_text(PUTUO, encoding="utf-8")
    upload(page, bad, putuo)
    page.get_by_text(
        "scan.pdf: a PNG image: scanned pages: no text to read; OCR is not supported"
    ).wait_for()
    page.get_by_text("This report was issued by 普陀区, not 静安区", exact=False).wait_for()
    counts = user_counts(page, {})
    assert counts == {}
    page.screenshot(path=str(ARTIFACTS / "upload-errors.png"), full_page=True)


def test_the_same_report_uploaded_twice_is_one_layer(page, tmp_path, pdf_fonts) -> None:
    """Issue 21's defect in Chromium: one report dropped twice (a second copy under another
    name) is one layer in the layer control and one report panel, and the page says why."""
    wait_for_map(page)
    first = write_docx(report(DOCX_TITLE), tmp_path / "mine.docx")
    copy = tmp_path / "mine (copy).docx"
    copy.write_bytes(first.read_bytes())
    upload(page, first, copy)
    page.get_by_text("has the same content as a file already uploaded", exact=False).wait_for()
    counts = user_counts(page, {label(DOCX_TITLE): 2})
    assert list(counts) == [label(DOCX_TITLE)]
    overlays = page.frame_locator(MAP_FRAME).locator(".leaflet-control-layers-overlays")
    assert overlays.inner_text().count(label(DOCX_TITLE)) == 1
    page.get_by_role("heading", name=label(DOCX_TITLE)).wait_for()
    expect(page.get_by_role("heading", name=label(DOCX_TITLE))).to_have_count(1)
    expect(page.locator(".st-key-byo_report_0")).to_have_count(1)
    expect(page.locator(".st-key-byo_report_1")).to_have_count(0)


# --------------------------------------------------------------------------- done-when, real data

RAW_KEY_WORK = ROOT / "data" / "raw" / "2025-02-17_key-work-arrangements.txt"
REAL = {
    "ATLAS_PATH": ROOT / "data" / "atlas.gpkg",
    "GAZETTEER_PATH": ROOT / "data" / "gazetteer.gpkg",
}


@pytest.fixture(scope="module")
def real_page(browser):
    """The page on the shipped atlas and gazetteer (the key-work arrangements' places)."""
    if not all(p.is_file() for p in REAL.values()):
        pytest.fail(f"missing {', '.join(str(p) for p in REAL.values() if not p.is_file())}")
    env = {k: str(v) for k, v in REAL.items()}
    with streamlit_app(env, log=ARTIFACTS / "streamlit-upload-real.log") as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto(url, wait_until="domcontentloaded")
        yield page
        context.close()


def test_key_work_arrangements_as_docx_and_pdf_in_the_page_match_the_txt(
    real_page, tmp_path, pdf_fonts
) -> None:
    """Issue 13's done-when, through the page: the 2025 key-work arrangements converted to
    .docx and .pdf show the items of the .txt (names in the table, located ones on the map)."""
    from geo.io.read import read_atlas
    from geo.pipeline.upload import UploadContext, upload_report

    text = RAW_KEY_WORK.read_text(encoding="utf-8")
    docx = write_docx(text, tmp_path / RAW_KEY_WORK.name.replace(".txt", ".docx"))
    pdf = write_pdf(text, tmp_path / RAW_KEY_WORK.name.replace(".txt", ".pdf"), radicals=True)
    context = UploadContext.load(REAL["GAZETTEER_PATH"], read_atlas(REAL["ATLAS_PATH"]))
    want = upload_report(RAW_KEY_WORK.read_bytes(), RAW_KEY_WORK.name, context)
    located = int((~want.items.geometry.isna()).sum())
    assert located > 0
    wait_for_map(real_page, timeout_ms=120_000)
    start = time.perf_counter()
    upload(real_page, docx, pdf)
    labels = {f"{want.label} ({p.name})": located for p in (docx, pdf)}
    user_counts(real_page, labels, timeout=120)
    print(f"key-work .docx + .pdf → both layers drawn: {time.perf_counter() - start:.1f} s")
    n = len(want.items)
    columns = [want.items[c].astype(str) for c in ("name", "kind", "year")]
    expected = sorted(zip(*columns, strict=True))
    for index in range(2):
        panel = real_page.locator(f".st-key-byo_report_{index}")
        expect(panel).to_contain_text(f"{n} of {n} items match")
        # the report's CSV download (the grid shows only the rows in view): the same items
        with real_page.expect_download() as download:
            panel.get_by_role("button", name="Download CSV").click()
        rows = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
        assert sorted((r["name"], r["kind"], r["year"]) for r in rows) == expected
    real_page.screenshot(path=str(ARTIFACTS / "upload-key-work.png"))
