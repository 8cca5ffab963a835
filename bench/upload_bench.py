"""Bring your own report: a 60,000-character report as .txt, .docx and .pdf, per stage (read,
extract, geocode, join, draw), and — in full runs — in the page, from the file handed to the
uploader to the report's layer drawn in Chromium. Issue 13's target: under 10 s.

The report is real text: the 2022, 2024 and 2026 reports and the head of the 2025 key-work
arrangements, cut at a line to 60,000 characters, written as .docx (python-docx) and as a PDF
with a Chinese text layer (fpdf2, `extract.testing`), as users receive them. The baseline of
each figure is the same report as a .txt through the same stages in the same process.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import ROOT, timed
from bench.report import Figure, missing

RAW = ROOT / "data" / "raw"
GAZETTEER = ROOT / "data" / "gazetteer.gpkg"
SOURCES = (
    "2022-01-11_government-work-report.txt",
    "2024-01-17_plan-execution-report.txt",
    "2026-01-14_government-work-report.txt",
    "2025-02-17_key-work-arrangements.txt",
)
CHARACTERS = 60_000
TARGET_S = 10.0
STAGES = ("read", "extract", "geocode", "join", "draw")
FORMATS = ("txt", "docx", "pdf")


def report_text(characters: int = CHARACTERS) -> str:
    """Real report text, whole lines, `characters` long at most (just under)."""
    text = "".join((RAW / name).read_text(encoding="utf-8") for name in SOURCES)
    cut = text.rfind("\n", 0, characters)
    return text[: cut + 1]


def write_files(text: str, directory: Path) -> dict[str, Path]:
    from extract.testing import write_docx, write_pdf

    stem = "2026-02-01_byo-report"
    txt = directory / f"{stem}.txt"
    txt.write_text(text, encoding="utf-8")
    return {
        "txt": txt,
        "docx": write_docx(text, directory / f"{stem}.docx"),
        "pdf": write_pdf(text, directory / f"{stem}.pdf", radicals=True),
    }


class Page:
    """What app.py sends after an upload: st_folium's arguments with the report's layer (the
    atlas' data file is already in the browser; the report's few rows come inline)."""

    def __init__(self, atlas_path: Path, items: Any) -> None:
        from bench.map_bench import AppMap

        self.app = AppMap.over(atlas_path)
        self.items = items

    def draw(self, label: str, items: Any) -> Any:
        from geo import Filters

        return self.app.args(self.items, Filters(), user=[(label, items)])


def stage_times(path: Path, context: Any, page: Page, repeat: int) -> tuple[dict, Any]:
    """Seconds per stage (fastest total of `repeat` runs) and the upload's result."""
    from geo import upload_report

    best: dict[str, float] | None = None
    result = None
    for _ in range(repeat):
        result = upload_report(path.read_bytes(), path.name, context)
        draw, _ = timed(lambda r=result: page.draw(r.label, r.drawable))
        stages = {k: v for k, v in result.timings.as_dict().items() if k != "total"}
        stages["draw"] = draw
        stages["total"] = sum(stages.values())
        if best is None or stages["total"] < best["total"]:
            best = stages
    assert best is not None
    return best, result


def figures(atlas_path: Path | None, quick: bool) -> list[Figure]:
    if atlas_path is None or not GAZETTEER.is_file():
        return [missing("upload.pdf.60k", "s", "no atlas or gazetteer to place the report on")]
    from geo import UploadContext, read_atlas

    text = report_text()
    layers = read_atlas(atlas_path)
    context_s, context = timed(lambda: UploadContext.load(GAZETTEER, layers))
    page = Page(atlas_path, layers["items"])
    out: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="atlas-upload-") as tmp:
        files = write_files(text, Path(tmp))
        runs = {f: stage_times(files[f], context, page, 1 if quick else 3) for f in FORMATS}
        base, base_result = runs["txt"]
        for fmt in ("docx", "pdf"):
            stages, result = runs[fmt]
            same = _same_items(result.items, base_result.items)
            out.append(
                Figure(
                    f"upload.{fmt}.60k",
                    stages["total"],
                    "s",
                    base["total"],
                    note=f"target < {TARGET_S:g} s; baseline: the same report as .txt",
                    details=[
                        f"{len(text)} characters, {files[fmt].stat().st_size / 1024:.0f} kB "
                        f".{fmt}; {len(result.items)} items ({same})",
                        "stages: "
                        + ", ".join(f"{k} {stages[k]:.3f} s" for k in STAGES)
                        + " | .txt: "
                        + ", ".join(f"{k} {base[k]:.3f} s" for k in STAGES),
                        f"once per server: gazetteer + geocoder index {context_s:.2f} s "
                        "(st.cache_resource; the first upload after start pays it)",
                    ],
                )
            )
        if not quick:
            out += page_figures(atlas_path, files, {f: runs[f][1] for f in FORMATS})
    return out


def _same_items(items: Any, base: Any) -> str:
    def key(frame: Any) -> list:
        cols = ["name", "kind", "year"]
        return sorted(map(tuple, frame[cols].astype(str).itertuples(index=False)))

    return "same names, kinds, years as the .txt" if key(items) == key(base) else "DIFFER from .txt"


# --------------------------------------------------------------------------- in the page


def page_figures(atlas: Path, files: dict[str, Path], results: dict[str, Any]) -> list[Figure]:
    """Chromium: file handed to the uploader → the report's layer drawn (its features counted
    by the map's `data-user-counts`), each format in a fresh session of one warm server."""
    from tests.devserver import chromium, streamlit_app, wait_for_map

    env = {"ATLAS_PATH": str(atlas), "GAZETTEER_PATH": str(GAZETTEER)}
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="atlas-upload-page-") as tmp:
        warm = Path(tmp) / "warm-up.txt"
        warm.write_text(files["txt"].read_text(encoding="utf-8")[:2000], encoding="utf-8")
        with streamlit_app(env) as url, chromium() as browser:
            first = _page_upload(browser, url, warm, None, wait_for_map)
            redraw = _filter_redraw(browser, url, wait_for_map)
            for fmt in FORMATS:
                located = results[fmt].drawable
                drawn = int((~(located.geometry.isna() | located.geometry.is_empty)).sum())
                want = {results[fmt].label: drawn}
                seconds[fmt] = _page_upload(browser, url, files[fmt], want, wait_for_map)
    return [
        Figure(
            f"upload.page.{fmt}.60k",
            seconds[fmt],
            "s",
            seconds["txt"],
            note=f"target < {TARGET_S:g} s; baseline: the same report as .txt",
            details=[
                "streamlit run app.py + headless Chromium: set_input_files → the report's "
                "layer drawn on the map (warm server; the first upload after start, a "
                f"2,000-character .txt, took {first:.1f} s with the geocoder loading)",
                f"of which the map's redraw: a filter change on the same page redraws it in "
                f"{redraw:.1f} s (st_folium remounts the whole map; issue 14)",
            ],
        )
        for fmt in ("docx", "pdf")
    ]


def _filter_redraw(browser: Any, url: str, wait_for_map) -> float:
    """A search typed in the sidebar → the atlas map redrawn with its new counts."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(url, wait_until="domcontentloaded")
        counts = wait_for_map(page, timeout_ms=120_000)
        search = page.get_by_label("Search name, location and quote")
        search.fill("学校")
        start = time.perf_counter()
        search.press("Enter")
        wait_for_map(page, timeout_ms=120_000, previous=counts)
        return time.perf_counter() - start
    finally:
        context.close()


def _page_upload(browser: Any, url: str, path: Path, want: dict | None, wait_for_map) -> float:
    from tests.devserver import MAP_FRAME

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(url, wait_until="domcontentloaded")
        wait_for_map(page, timeout_ms=120_000)
        start = time.perf_counter()
        page.locator("[data-testid='stSidebar'] input[type='file']").set_input_files(str(path))
        deadline = start + 120
        while time.perf_counter() < deadline:
            if page.locator(MAP_FRAME).count() == 1:
                try:
                    raw = page.frame_locator(MAP_FRAME).locator(".leaflet-container")
                    seen = json.loads(raw.get_attribute("data-user-counts", timeout=1_000))
                except Exception:  # the iframe is being replaced
                    seen = None
                if seen:
                    drawn = {k: v["drawn"] for k, v in seen.items()}
                    if want is None or drawn == want:
                        return time.perf_counter() - start
            time.sleep(0.1)
        raise TimeoutError(f"{path.name}: the report's layer was not drawn in 120 s")
    finally:
        context.close()
