"""Child process of the browser figures: the real app server and a real browser.

Starts `streamlit run app.py` with ATLAS_PATH (mapview.devserver, the browser test's helper),
opens it in headless Chromium, and times navigation → the Leaflet map drawn with its feature
counts (server script, websocket, iframe, Leaflet drawing), for the first visitor after the
server starts and for a second one. Reads the server's peak resident memory (VmHWM in /proc)
before stopping it. Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.devserver import chromium, streamlit_app, wait_for_map  # noqa: E402

TIMEOUT_MS = 240_000


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


def visit(browser: object, url: str) -> tuple[float, dict]:
    """Seconds from navigation (a new browser session) to the drawn map, and its counts."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    t0 = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    counts = json.loads(wait_for_map(page, timeout_ms=TIMEOUT_MS))
    seconds = time.perf_counter() - t0
    page.context.close()
    return seconds, counts


def main() -> int:
    with streamlit_app() as url, chromium() as browser:
        first, counts = visit(browser, url)  # the server's first run: imports, atlas load
        again, _ = visit(browser, url)  # a second visitor: caches warm
        peak = server_peak_bytes(url.rsplit(":", 1)[1])
    features = sum(v.get("features", 0) for v in counts.values())
    print(json.dumps({"drawn": first, "again": again, "server_peak": peak, "features": features}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
