"""Browser figures (full runs, or `--only browser`) — the real thing: `streamlit run app.py`
served to headless Chromium (bench/browser_child.py), on the 100× atlas against the real one.

- `browser.first_map.{100x,1x}`: navigation → the map drawn with its counts (first visitor);
- `browser.filter_to_map.100x`: choosing a kind in the sidebar → the map showing the new count;
- `memory.server.100x`: peak RSS of the server process;
- `load.{first_map,filter_to_map}.10sessions`: 10 sessions at once on one server (loopback,
  one Chromium), medians, against one session alone; on the real atlas, so the figure
  measures the server under concurrency rather than ten 36,700-marker pages on 2 cores.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.measure import peak_rss
from bench.report import Figure, missing

CHILD = Path(__file__).resolve().parent / "browser_child.py"
CHROMIUM = Path("/usr/bin/chromium")
MB = 1024**2
SESSIONS = 10


def _run(atlas: Path, sessions: int = 1) -> dict:
    argv = [sys.executable, str(CHILD), str(sessions)]
    run = peak_rss([(argv, {"ATLAS_PATH": str(atlas)})], timeout=600)[0]
    lines = [line for line in run.output.splitlines() if line.startswith("{")]
    if run.code != 0 or not lines:
        raise RuntimeError(f"browser on {atlas} exited {run.code}: {run.output.strip()[-300:]}")
    return json.loads(lines[-1])


def _timing(run: dict) -> str:
    t = run.get("first_timing") or {}
    return (
        f"data file {t.get('bytes', 0) / 1e6:.1f} MB fetched in {t.get('fetch', 0):.0f} ms, "
        f"parsed {t.get('parse', 0):.0f} ms, layers built {t.get('build', 0):.0f} ms, "
        f"selection drawn {t.get('select', 0):.0f} ms"
    )


def figures(atlas_big: Path, atlas_1x: Path, label: str) -> list[Figure]:
    if not CHROMIUM.exists():
        return [missing(f"browser.first_map.{label}", "s", f"{CHROMIUM} not installed")]
    base, big = _run(atlas_1x), _run(atlas_big)
    try:  # the load figure may time out on a loaded machine: the others still stand
        load = _run(atlas_1x, SESSIONS)
    except RuntimeError as exc:
        load = None
        failed = " ".join(str(exc).split())[-160:]
    how = "streamlit run app.py (tests/devserver.py) + headless Chromium via Playwright"
    change = (
        "choosing Kind = Projects in the sidebar → the map frame's counts show exactly the "
        f"located projects ({big['projects']} at {label}, {base['projects']} at 1x), timed "
        "inside the frame on animation frames"
    )
    out = [
        Figure(
            f"browser.first_map.{label}",
            big["first_map"],
            "s",
            base["first_map"],
            details=[
                "first visitor after the server starts: navigation → map drawn with its counts "
                "(atlas load, data file published and fetched once, Leaflet + clusters); "
                f"second visitor {big['again']:.1f} s at {label}, {base['again']:.1f} s at 1x; "
                f"{how}; baseline = browser.first_map.1x",
                f"in the map frame at {label}: {_timing(big)}; at 1x: {_timing(base)}",
            ],
        ),
        Figure(
            "browser.first_map.1x",
            base["first_map"],
            "s",
            base["again"],
            details=["the real atlas; baseline = a second visitor on the same server (warm)"],
        ),
        Figure(
            f"browser.filter_to_map.{label}",
            big["filter_to_map"],
            "s",
            base["filter_to_map"],
            details=[
                f"{change}; baseline = the same change at 1x",
                f"of which redrawing the selection in the frame: {big['change_select_ms']:.0f} ms "
                f"at {label}, {base['change_select_ms']:.0f} ms at 1x; the rest is the "
                "Streamlit round trip (widget → script rerun → arguments → frame)",
            ],
        ),
        Figure(
            f"memory.server.{label}",
            big["server_peak"] / MB,
            "MB",
            base["server_peak"] / MB,
            details=[f"VmHWM (peak RSS) of the streamlit server process after the change; {how}"],
        ),
    ]
    if load is None:
        return [
            *out,
            missing(f"load.first_map.{SESSIONS}sessions", "s", failed),
            missing(f"load.filter_to_map.{SESSIONS}sessions", "s", failed),
        ]
    return [
        *out,
        Figure(
            f"load.first_map.{SESSIONS}sessions",
            load["first_map"],
            "s",
            base["first_map"],
            details=[
                f"median over {SESSIONS} sessions opened at once on one server (max "
                f"{load['first_map_max']:.1f} s), real atlas, one Chromium with a context per "
                f"session, loopback; baseline = one session alone; server peak "
                f"{load['server_peak'] / MB:.0f} MB"
            ],
        ),
        Figure(
            f"load.filter_to_map.{SESSIONS}sessions",
            load["filter_to_map"],
            "s",
            base["filter_to_map"],
            details=[
                f"median of the same {SESSIONS} sessions changing the filter at once (max "
                f"{load['filter_to_map_max']:.1f} s); baseline = one session alone"
            ],
        ),
    ]
