"""Child process of the browser figures: the real app server and real Chromium pages.

    python bench/browser_child.py SESSIONS [MAP] [cold] [cold]

Starts the page as `make run` does (`python -m mapview.serve`: `streamlit run app.py` with its
caches filled before the port opens) with ATLAS_PATH (tests/devserver.py, the browser tests'
helper), or with `cold` plain `streamlit run app.py` (the first visitor pays for the imports,
the atlas read and the data file); MAP (`app`, `floor` or `documented`, see
bench/map_variants.py) picks the map the page draws.
Opens SESSIONS browser sessions at once (Playwright's async API, one Chromium, a context per
session). Each session times

- first map: navigation → the map drawn with every feature of the atlas (for `floor`: the
  empty map drawn), and painted (`painted`: the frame after it);
- filter → map: choosing the kind "Projects" in the filters → the map showing exactly the
  located projects (polled on animation frames inside the map's frame), painted;
- bytes: what the server sent over the websocket for that change (Chromium's DevTools
  frames), in all and for the map's own message (the st_folium element);

With SESSIONS == 1 the figures are the first visitor's (fresh server), then one more visitor
comes (caches warm); with SESSIONS > 1 one visitor warms the server, then SESSIONS come at once
and the figures are theirs (medians). The server's CPU time (utime + stime of its process) is
read around the warm sessions only; its peak memory (VmHWM) before stopping it. Prints one JSON
line.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
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
HOOKS = ROOT / "bench" / "hooks"


def expected() -> tuple[int, int]:
    """(drawable items, drawable projects) of the atlas: what the map must show."""
    from atlas.settings import Settings
    from geo import read_atlas
    from mapview.payload import draw_reasons

    items = read_atlas(Settings.from_env().atlas_path)["items"]
    drawable = draw_reasons(items) == ""
    return int(drawable.sum()), int((drawable & (items["kind"] == KIND)).sum())


def kind_label() -> str:
    """The Kind option's word on the page (Chromium's locale is English): from the page's own
    vocabulary, so a changed label cannot leave the bench waiting for an option that is gone."""
    from mapview.i18n import word

    return word("kind", KIND, "en")


def server_pid(port: str) -> int:
    """The server process serving `port` (`python -m mapview.serve` or `python -m streamlit
    run`, tests/devserver.py)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            if b"-m" in argv and port.encode() in argv:  # mapview.serve or streamlit
                return int(proc.name)
    raise LookupError(f"no streamlit process on port {port}")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (its threads included), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


CONTAINER = "document.getElementById('map_div')"
#: What "drawn" means for each map, as a JS predicate over (n): n features shown.
DRAWN = {
    # the item layer's per-kind counts (mapview/static/atlas_items.js)
    "app": f"""(want) => {{
      const c = {CONTAINER} && {CONTAINER}.dataset.atlasCounts;
      if (!c) return false;
      const k = JSON.parse(c), kinds = Object.keys(k);
      const n = kinds.reduce((s, x) => s + k[x].drawn, 0);
      return n === want.n && (!want.only || (kinds.length === 1 && kinds[0] === want.only));
    }}""",
    # bench/map_variants.py's counter
    "documented": f"""(want) => {{
      const c = {CONTAINER};
      return !!c && c.dataset.benchDrawn === String(want.n);
    }}""",
    "floor": f"""() => !!{CONTAINER} && !!window.map && {CONTAINER}.dataset.benchDrawn === "0" """,
}


async def map_frame(page):
    """The map's frame, once the map script has run (`window.map`). The iframe element
    appears first with a blank document; waiting on that one can miss the navigation, so this
    polls, bounded by TIMEOUT_MS."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    handle = await page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS, state="attached")
    while time.monotonic() < deadline:
        frame = await handle.content_frame()
        if frame is not None and "/component/" in frame.url:
            with contextlib.suppress(PlaywrightError):  # the context may be replaced meanwhile
                if await frame.evaluate("() => !!window.map"):
                    return frame
        await asyncio.sleep(0.05)
    raise TimeoutError(f"the map frame's document did not start in {TIMEOUT_MS} ms")


#: Resolves after the next frame's paint: a callback of the second animation frame runs once the
#: first one, with Leaflet's canvas redraw of what was just added, has been painted.
PAINTED = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


async def painted(frame) -> None:
    """Wait until what the map reports drawn is on the screen: Leaflet redraws its canvas on the
    next animation frame (0.4-0.8 s at 100x), so a count reached is not yet a map seen."""
    await frame.evaluate(PAINTED)


class Frames:
    """Websocket frames the page receives (Chromium DevTools), with their sizes."""

    def __init__(self) -> None:
        self.sizes: list[tuple[int, bool]] = []

    def on_frame(self, event: dict) -> None:
        response = event.get("response", {})
        data = response.get("payloadData", "")
        raw = base64.b64decode(data) if response.get("opcode") == 2 else data.encode()
        self.sizes.append((len(raw), b"feature_group" in raw))

    def since(self, start: int) -> tuple[int, int]:
        """(all bytes, bytes of the map's messages) received after frame `start`."""
        part = self.sizes[start:]
        return sum(n for n, _ in part), sum(n for n, is_map in part if is_map)


async def session(browser, url: str, mode: str, want: tuple[int, int], change: bool) -> dict:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    frames = Frames()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    cdp.on("Network.webSocketFrameReceived", frames.on_frame)
    t0 = time.perf_counter()
    await page.goto(url, wait_until="domcontentloaded")
    frame = await map_frame(page)
    await frame.wait_for_function(DRAWN[mode], arg={"n": want[0]}, polling="raf")
    await painted(frame)
    out: dict = {"first_map": time.perf_counter() - t0}
    if mode == "app":
        out["first_timing"] = await frame.evaluate("() => L.atlas.timing || {}")
        # when the map's frame started, after the page's navigation (ms)
        origins = [await f.evaluate("() => performance.timeOrigin") for f in (page, frame)]
        out["first_timing"]["frame"] = origins[1] - origins[0]
    if change and mode != "floor":
        await page.locator("[data-testid='stMultiSelect']").nth(1).click()  # Kind
        option = page.get_by_role("option", name=kind_label(), exact=True)
        await option.wait_for()
        start = len(frames.sizes)
        t1 = time.perf_counter()
        await option.click()
        await frame.wait_for_function(DRAWN[mode], arg={"n": want[1], "only": KIND}, polling="raf")
        await painted(frame)
        out["filter_to_map"] = time.perf_counter() - t1
        await asyncio.sleep(1.0)  # the rest of the rerun (table, charts) for the byte count
        out["bytes_all"], out["bytes_map"] = frames.since(start)
        if mode == "app":
            out["change_select_ms"] = await frame.evaluate("() => L.atlas.timing.select || 0")
    await context.close()
    return out


async def run(sessions: int, mode: str, preload: bool = True) -> dict:
    from playwright.async_api import async_playwright

    want = expected()
    env = {"BENCH_MAP": mode, "PYTHONPATH": os.pathsep.join([str(HOOKS), str(ROOT)])}
    started = time.perf_counter()
    with streamlit_app(env if mode != "app" else None, warm=preload) as url:
        start = time.perf_counter() - started  # process start → /_stcore/health answers
        pid = server_pid(url.rsplit(":", 1)[1])
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                # one session on the fresh server: the first visitor's figures (SESSIONS == 1),
                # or the warm-up before the sessions at once; the server's CPU time is then
                # measured over warm sessions only (what a session costs, not the atlas load)
                first = await session(browser, url, mode, want, True)
                cpu0 = cpu_seconds(pid)
                warm = await asyncio.gather(
                    *(session(browser, url, mode, want, True) for _ in range(sessions))
                )
                cpu = cpu_seconds(pid) - cpu0
            finally:
                await browser.close()
        peak = peak_bytes(pid)

    results = [first] if sessions == 1 else warm

    def median(key: str) -> float | None:
        values = [r[key] for r in results if key in r]
        return statistics.median(values) if values else None

    return {
        "mode": mode,
        "preload": preload,
        "server_start": start,
        "sessions": sessions,
        "first_map": median("first_map"),
        "first_map_max": max(r["first_map"] for r in results),
        "filter_to_map": median("filter_to_map"),
        "filter_to_map_max": max((r.get("filter_to_map", 0) for r in results), default=0),
        "bytes_all": median("bytes_all"),
        "bytes_map": median("bytes_map"),
        "again": statistics.median(r["first_map"] for r in warm),
        "again_filter": statistics.median([r.get("filter_to_map", 0) for r in warm]),
        "server_peak": peak,
        "server_cpu": cpu,
        "cpu_per_session": cpu / sessions,
        "drawn": want[0],
        "projects": want[1],
        "first_timing": results[0].get("first_timing") or {},
        "change_select_ms": median("change_select_ms") or 0,
    }


def main() -> int:
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    mode = sys.argv[2] if len(sys.argv) > 2 else "app"
    preload = sys.argv[3:4] != ["cold"]
    print(json.dumps(asyncio.run(run(sessions, mode, preload))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
