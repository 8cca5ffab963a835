"""Figure 4b (full runs) — the real thing: `streamlit run app.py` served to headless Chromium.

Time from navigation to the Leaflet map drawn with its features, and the server process's
peak resident memory, on the 100× atlas against the real one (bench/browser_child.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.measure import peak_rss
from bench.report import Figure, missing

CHILD = Path(__file__).resolve().parent / "browser_child.py"
CHROMIUM = Path("/usr/bin/chromium")
MB = 1024**2


def _run(atlas: Path) -> dict:
    run = peak_rss([([sys.executable, str(CHILD)], {"ATLAS_PATH": str(atlas)})], timeout=400)[0]
    lines = [line for line in run.output.splitlines() if line.startswith("{")]
    if run.code != 0 or not lines:
        raise RuntimeError(f"browser on {atlas} exited {run.code}: {run.output.strip()[-300:]}")
    return json.loads(lines[-1])


def figures(atlas_big: Path, atlas_1x: Path, label: str) -> list[Figure]:
    if not CHROMIUM.exists():
        return [missing(f"browser.map_drawn.{label}", "s", f"{CHROMIUM} not installed")]
    base, big = _run(atlas_1x), _run(atlas_big)
    where = (
        f"{big['features']} vs {base['features']} features drawn; streamlit run app.py "
        "(mapview.devserver) + headless Chromium via Playwright, one at a time"
    )
    return [
        Figure(
            f"browser.map_drawn.{label}",
            big["drawn"],
            "s",
            base["drawn"],
            details=[
                "first visitor after the server starts: navigation → map drawn with its feature "
                f"counts (imports, atlas load, script, websocket, iframe, Leaflet); {where}"
            ],
        ),
        Figure(
            f"browser.map_drawn_again.{label}",
            big["again"],
            "s",
            base["again"],
            details=["a second visitor (new browser session): the atlas and reference are cached"],
        ),
        Figure(
            f"memory.server.{label}",
            big["server_peak"] / MB,
            "MB",
            base["server_peak"] / MB,
            details=[
                f"VmHWM (peak RSS) of the streamlit server process after the map drew; {where}"
            ],
        ),
    ]
