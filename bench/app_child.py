"""Child process of the app figures: run app.py headless on the atlas at ATLAS_PATH.

Streamlit's AppTest executes the real script (load, filter, build the map, hand it to
st_folium, table, charts, downloads) in this process, so its peak resident memory is that of
an app process serving a page. After the first page view the child makes the benchmark's
typical filter change (year range + kind) and times the rerun: the server-side latency a user
waits for after moving a filter. Prints one JSON line; exits non-zero when the page raised.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: When set, each run is profiled (pyinstrument) into bench/profiles/<prefix>_{first,rerun}.txt.
PROFILE = os.environ.get("BENCH_PROFILE", "")
#: The same typical filter change as the filter → map figure (bench/map_bench.py TYPICAL).
YEARS = (2018, 2025)
KINDS = ["project", "park"]


def _raised(at: AppTest) -> str | None:
    return at.exception[0].message if at.exception else None


#: AppTest runs the page in its own script thread and pyinstrument samples only the thread
#: that starts it, so under BENCH_PROFILE the page runs app.py through this wrapper, which
#: starts the profiler inside the script thread.
WRAPPER = f"""
import os, runpy
from bench.measure import profile

name = os.environ["BENCH_RUN"]
run = lambda: runpy.run_path({str(ROOT / "app.py")!r}, run_name="__main__")
prefix = os.environ["BENCH_PROFILE"]
os.environ["BENCH_SUMMARY_" + name] = profile(prefix + "_" + name, run).summary()
"""


def _run(at: AppTest, name: str, out: dict) -> None:
    """`at.run()`, timed; with BENCH_PROFILE also the page's profile summary, into `out`."""
    os.environ["BENCH_RUN"] = name
    t0 = time.perf_counter()
    at.run()
    out[name] = time.perf_counter() - t0
    if PROFILE:
        out[f"{name}_profile"] = os.environ.get(f"BENCH_SUMMARY_{name}", "(no profile)")


def main() -> int:
    os.chdir(ROOT)
    if PROFILE:
        at = AppTest.from_string(WRAPPER, default_timeout=600)
    else:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    out: dict = {}
    _run(at, "first", out)
    if error := _raised(at):
        print(f"app raised: {error}", file=sys.stderr)
        return 1
    year = at.slider(key="f_year")
    year.set_value((max(YEARS[0], year.min), min(YEARS[1], year.max)))
    at.multiselect(key="f_kind").set_value(KINDS)
    _run(at, "rerun", out)
    if error := _raised(at):
        print(f"app raised after the filter change: {error}", file=sys.stderr)
        return 1
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
