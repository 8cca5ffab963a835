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
#: The same typical filter change as the filter → map figure (bench/map_bench.py TYPICAL).
YEARS = (2018, 2025)
KINDS = ["project", "park"]


def _raised(at: AppTest) -> str | None:
    return at.exception[0].message if at.exception else None


def main() -> int:
    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    if error := _raised(at):
        print(f"app raised: {error}", file=sys.stderr)
        return 1
    year = at.slider(key="f_year")
    year.set_value((max(YEARS[0], year.min), min(YEARS[1], year.max)))
    at.multiselect(key="f_kind").set_value(KINDS)
    t0 = time.perf_counter()
    at.run()
    rerun = time.perf_counter() - t0
    if error := _raised(at):
        print(f"app raised after the filter change: {error}", file=sys.stderr)
        return 1
    print(json.dumps({"first": first, "rerun": rerun}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
