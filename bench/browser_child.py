"""Child process of the browser figures: the real app server and real Chromium pages.

    python bench/browser_child.py [SESSIONS]

Starts `streamlit run app.py` with ATLAS_PATH (tests/devserver.py, the browser tests' helper)
and opens SESSIONS (default 1) browser sessions at once (Playwright's async API, one
Chromium, a context per session). Each session times

- first map: navigation → the Leaflet map drawn with its per-kind counts;
- filter → map: choosing the kind "Projects" in the sidebar → the map's counts showing exactly
  the located projects (measured inside the map frame on animation frames);

then, with SESSIONS == 1, a second visitor (caches warm). Reads the server's peak resident
memory (VmHWM) before stopping it. Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.async_api import Error as PlaywrightError  # noqa: E402

from tests.devserver import CHROMIUM, CHROMIUM_ARGS, MAP_FRAME, streamlit_app  # noqa: E402

TIMEOUT_MS = 240_000
KIND = "project"
KIND_LABEL = "Projects 项目"


def expected_projects() -> int:
    """Located, drawable projects of the atlas: what the map must show after the change."""
    from atlas.settings import Settings
    from geo import read_atlas
    from mapview.payload import draw_reasons

    items = read_atlas(Settings.from_env().atlas_path)["items"]
    return int(((items["kind"] == KIND) & (draw_reasons(items) == "")).sum())


def server_peak_bytes(port: str) -> int:
    """VmHWM (peak RSS) of the `streamlit run` process serving `port`."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            if b"streamlit" not in b" ".join(argv) or port.encode() not in argv:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            continue
    raise LookupError(f"no streamlit process on port {port}")


COUNTS = "document.getElementById('map') && document.getElementById('map').dataset.atlasCounts"
PROJECTS_ONLY = f"""(n) => {{
  const c = {COUNTS};
  if (!c) return false;
  const k = JSON.parse(c);
  return Object.keys(k).length === 1 && k.{KIND} && k.{KIND}.drawn === n;
}}"""


async def map_frame(page):
    """The map component's frame, once its own document runs (`window.ATLAS` defined).

    The iframe element appears first with its initial about:blank document and navigates to the
    component's index.html later. A `wait_for_function` started on the frame before that
    navigation can miss it: with 10 sessions at once, one in ten such waits never resolved
    although the map was drawn (the load figure then timed out at TIMEOUT_MS). So this polls,
    bounded by TIMEOUT_MS, until the component's script is the frame's document."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    handle = await page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS, state="attached")
    while time.monotonic() < deadline:
        frame = await handle.content_frame()
        if frame is not None and "/component/" in frame.url:
            with contextlib.suppress(PlaywrightError):  # the context may be replaced meanwhile
                if await frame.evaluate("() => !!window.ATLAS"):
                    return frame
        await asyncio.sleep(0.05)
    raise TimeoutError(f"the map frame's document did not start in {TIMEOUT_MS} ms")


async def session(browser, url: str, projects: int, change: bool = True) -> dict:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    t0 = time.perf_counter()
    await page.goto(url, wait_until="domcontentloaded")
    frame = await map_frame(page)
    await frame.wait_for_function(f"() => !!({COUNTS})", timeout=TIMEOUT_MS, polling="raf")
    out = {"first_map": time.perf_counter() - t0}
    out["first_timing"] = await frame.evaluate("() => window.ATLAS.state.timing")
    if change:
        await page.locator("[data-testid='stMultiSelect']").nth(1).click()  # Kind
        option = page.get_by_role("option", name=KIND_LABEL)
        await option.wait_for()
        t1 = time.perf_counter()
        await option.click()
        await frame.wait_for_function(
            PROJECTS_ONLY, arg=projects, timeout=TIMEOUT_MS, polling="raf"
        )
        out["filter_to_map"] = time.perf_counter() - t1
        out["change_timing"] = await frame.evaluate("() => window.ATLAS.state.timing.select")
    await context.close()
    return out


async def run(sessions: int) -> dict:
    from playwright.async_api import async_playwright

    projects = expected_projects()
    with streamlit_app() as url:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                results = await asyncio.gather(
                    *(session(browser, url, projects) for _ in range(sessions))
                )
                again = None
                if sessions == 1:
                    again = (await session(browser, url, projects, change=False))["first_map"]
            finally:
                await browser.close()
        peak = server_peak_bytes(url.rsplit(":", 1)[1])
    first = [r["first_map"] for r in results]
    change = [r["filter_to_map"] for r in results]
    return {
        "sessions": sessions,
        "first_map": statistics.median(first),
        "first_map_max": max(first),
        "filter_to_map": statistics.median(change),
        "filter_to_map_max": max(change),
        "again": again,
        "server_peak": peak,
        "projects": projects,
        "first_timing": results[0]["first_timing"],
        "change_select_ms": statistics.median(r["change_timing"] for r in results),
    }


def main() -> int:
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    print(json.dumps(asyncio.run(run(sessions))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
