"""Figure 4 — peak resident memory of the app process on the 100× atlas (10× with --quick),
against the same process on the real (1×) atlas."""

from __future__ import annotations

import sys
from pathlib import Path

from bench.measure import ROOT, peak_rss
from bench.report import Figure, missing

CHILD = Path(__file__).resolve().parent / "app_child.py"
MB = 1024**2


def figures(atlas_big: Path, atlas_1x: Path, label: str, note: str = "") -> list[Figure]:
    """memory.app.<label>: the app on `atlas_big` vs on the real atlas."""
    name = f"memory.app.{label}"
    if not (ROOT / "app.py").exists():
        return [missing(name, "MB", "app.py not written yet")]
    jobs = [([sys.executable, str(CHILD)], {"ATLAS_PATH": str(a)}) for a in (atlas_big, atlas_1x)]
    big, base = peak_rss(jobs)
    for run, atlas in ((big, atlas_big), (base, atlas_1x)):
        if run.code != 0:
            raise RuntimeError(f"app on {atlas} exited {run.code}: {run.output.strip()[-300:]}")
    return [
        Figure(
            name,
            big.peak_bytes / MB,
            "MB",
            base.peak_bytes / MB,
            note=note,
            details=[
                "peak RSS (os.wait4 ru_maxrss) of a child running app.py once under "
                "streamlit.testing AppTest with ATLAS_PATH set; baseline = the real 1x atlas; "
                f"the two children ran side by side: page view {big.seconds:.1f} s ({label}) vs "
                f"{base.seconds:.1f} s (1x), interpreter start included"
            ],
        )
    ]
