"""Figures 3c and 4 — the app process itself (bench/app_child.py under AppTest): the
server-side rerun after a typical filter change, and peak resident memory, on the synthetic
atlases against the same process on the real (1×) atlas."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.measure import ROOT, ChildRun, peak_rss
from bench.report import Figure, missing

CHILD = Path(__file__).resolve().parent / "app_child.py"
MB = 1024**2


def _timings(run: ChildRun, atlas: Path) -> dict[str, float]:
    if run.code != 0:
        raise RuntimeError(f"app on {atlas} exited {run.code}: {run.output.strip()[-300:]}")
    lines = [line for line in run.output.splitlines() if line.startswith("{")]
    return json.loads(lines[-1])


def figures(atlases: dict[str, Path], parallel: bool, note: str = "") -> list[Figure]:
    """`atlases`: label → atlas.gpkg, with "1x" the real atlas (the baseline of every line).

    `parallel` runs the children side by side (quick mode): peaks stay exact, times do not."""
    labels = [label for label in atlases if label != "1x"]
    if not (ROOT / "app.py").exists():
        return [missing(f"memory.app.{labels[-1]}", "MB", "app.py not written yet")]
    top = labels[-1]
    argv = [sys.executable, str(CHILD)]
    jobs = [(argv, {"ATLAS_PATH": str(path)}) for path in atlases.values()]
    # Profiling costs time and memory (the call tree), so the profile is a run of its own.
    jobs.append((argv, {"ATLAS_PATH": str(atlases[top]), "BENCH_PROFILE": f"app_{top}"}))
    runs = peak_rss(jobs) if parallel else [peak_rss([job])[0] for job in jobs]
    profiled = _timings(runs.pop(), atlases[top])
    by_label = dict(zip(atlases, runs, strict=True))
    times = {label: _timings(run, atlases[label]) for label, run in by_label.items()}
    base, base_t = by_label["1x"], times["1x"]
    how = "side by side" if parallel else "one at a time"
    out = [
        Figure(
            f"scale.app_rerun.{label}",
            times[label]["rerun"],
            "s",
            base_t["rerun"],
            note=note if parallel else "",
            details=[
                "whole page rerun of app.py (AppTest) after the typical filter change (year "
                "2018–2025 + kind project/park): filter, map, st_folium, table, charts, "
                f"downloads; baseline = the same rerun on the real 1x atlas; children ran {how}",
                *([f"rerun (profiled run): {profiled['rerun_profile']}"] if label == top else []),
            ],
        )
        for label in labels
    ]
    big = by_label[top]
    out.append(
        Figure(
            f"memory.app.{top}",
            big.peak_bytes / MB,
            "MB",
            base.peak_bytes / MB,
            note=note,
            details=[
                "peak RSS (os.wait4 ru_maxrss) of a child running app.py under streamlit.testing "
                "AppTest with ATLAS_PATH set (first page view + one filter change); baseline = "
                f"the real 1x atlas; first page view {times[top]['first']:.1f} s ({top}) vs "
                f"{base_t['first']:.1f} s (1x)",
                f"first page view ({top}, profiled run): {profiled['first_profile']}",
            ],
        )
    )
    return out
