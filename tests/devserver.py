"""Run the app on a free 127.0.0.1 port and open it in headless Debian Chromium.

A test and benchmark tool (not part of the runtime package): shared by the browser tests,
`scripts/screenshot.py` and the browser figures of `bench/`. Chromium is the system one
(`/usr/bin/chromium`, never downloaded) and resolves no host but 127.0.0.1, so a page that
needed a CDN or a tile server would show it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    # Offline by construction: every host but the app's resolves to nothing.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def streamlit_app(
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    timeout: float = 90,
    warm: bool = True,
) -> Iterator[str]:
    """The page on a free port, started as `make run` starts it (`python -m mapview.serve`:
    `streamlit run app.py` with its caches filled first; `warm=False`: plain `streamlit run
    app.py`, which the bench compares with); yields its URL; stops the process group after."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    launcher = ["mapview.serve"] if warm else ["streamlit", "run", str(ROOT / "app.py")]
    command = [
        sys.executable, "-m", *launcher,
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--server.enableStaticServing", "true", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(url):
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {process.returncode} (log: {log})")
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit not healthy after {timeout} s (log: {log})")
            time.sleep(0.3)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if log:
            out.close()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Debian Chromium through Playwright (`playwright.sync_api.Browser`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


#: The map's frame: streamlit-folium's component (Streamlit titles it by the component name).
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
#: The item layer's registry in that frame (mapview/static/atlas_items.js).
ATLAS = "L.atlas"


def map_container(page):
    """The Leaflet container inside the map frame (a Playwright locator). A new basemap is a
    new map: for a moment the old frame is still there, so this takes the latest."""
    return page.locator(MAP_FRAME).last.content_frame.locator("#map_div")


#: Resolves once the Leaflet map has kept the same centre and zoom for two polls in a row and is
#: not zooming: a fit to the selection animates after a rerun, and a pixel taken mid-flight misses.
_AT_REST = """(el) => new Promise((done) => {
  const map = L.atlas.map; let last = "";
  const tick = () => {
    const now = map.getCenter().toString() + "/" + map.getZoom();
    if (now === last && !map._animatingZoom) { done(true); return; }
    last = now;
    setTimeout(tick, 250);
  };
  tick();
})"""


def map_at_rest(page) -> None:
    """Scroll the whole map into the window (the filters above it push its bottom below a
    1000 px window) and wait until it stops moving (see `_AT_REST`) before using screen
    positions on it: a position outside the window would hover or click something else."""
    page.locator(MAP_FRAME).last.evaluate("(frame) => frame.scrollIntoView({block: 'center'})")
    map_container(page).evaluate(_AT_REST)


def wait_for_map(page, timeout_ms: float = 60_000, previous: str | None = None) -> str:
    """Wait until the map frame shows a drawn Leaflet map whose per-kind feature counts (JSON
    text, returned) differ from `previous`, when given. The frame stays mounted across reruns,
    so this polls one element's attribute."""
    deadline = time.monotonic() + timeout_ms / 1000
    counts = None
    container = map_container(page)
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            counts = container.get_attribute("data-atlas-counts", timeout=1_000)
        if counts is not None and counts != previous:
            return counts
        error = None
        with contextlib.suppress(Exception):
            error = container.get_attribute("data-atlas-error", timeout=200)
        if error:
            raise RuntimeError(f"the map failed: {error}")
        time.sleep(0.05)
    raise TimeoutError(f"no drawn map with new counts (last seen: {counts})")
