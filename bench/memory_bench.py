"""Figure 4 — peak resident memory of the app process on the 100× atlas, against the same
process on the real (1×) atlas."""

from __future__ import annotations

import sys
from pathlib import Path

from bench.measure import ROOT, peak_rss_of, timed
from bench.report import Figure, missing

CHILD = Path(__file__).resolve().parent / "app_child.py"
REAL_ATLAS = ROOT / "data" / "atlas.gpkg"
MB = 1024**2


def app_peak(atlas: Path) -> tuple[float, float]:
    """(peak RSS in MB, wall seconds) of one headless page view of app.py on `atlas`."""
    seconds, (peak, code, tail) = timed(
        lambda: peak_rss_of([sys.executable, str(CHILD)], env={"ATLAS_PATH": str(atlas)})
    )
    if code != 0:
        raise RuntimeError(f"app on {atlas.name} exited {code}: {tail.strip()[-300:]}")
    return peak / MB, seconds


def figures(atlas_100x: Path) -> list[Figure]:
    if not (ROOT / "app.py").exists():
        return [missing("memory.app.100x", "MB", "app.py not written yet")]
    if not REAL_ATLAS.exists():
        return [missing("memory.app.100x", "MB", "data/atlas.gpkg (the 1x baseline) not built")]
    base, base_s = app_peak(REAL_ATLAS)
    big, big_s = app_peak(atlas_100x)
    return [
        Figure(
            "memory.app.100x",
            big,
            "MB",
            base,
            details=[
                "peak RSS (os.wait4 ru_maxrss) of a child running app.py once under "
                "streamlit.testing AppTest with ATLAS_PATH set; baseline = the real 1x atlas; "
                f"page view took {big_s:.1f} s (100x) vs {base_s:.1f} s (1x), "
                "interpreter start included"
            ],
        )
    ]
