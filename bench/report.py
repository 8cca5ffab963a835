"""The benchmark's output: one line per figure, and the run appended to bench/RESULTS.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _num(x: float) -> str:
    """3 significant digits, no exponent for everyday magnitudes."""
    if x == 0:
        return "0"
    if abs(x) >= 1000:
        return f"{x:,.0f}".replace(",", "")
    return f"{x:.3g}"


@dataclass
class Figure:
    """`NAME: VALUE UNIT | baseline: VALUE UNIT | ratio: R` with R = VALUE / baseline.

    `note` goes on the same line (after the ratio) when it qualifies the figure itself, e.g. a
    baseline scaled from a sample; `details` are printed on indented lines beneath it."""

    name: str
    value: float | None
    unit: str
    baseline: float | None
    baseline_unit: str | None = None
    note: str = ""
    details: list[str] = field(default_factory=list)
    missing: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def line(self) -> str:
        def val(v: float | None, unit: str) -> str:
            return "n/a" if v is None else f"{_num(v)} {unit}"

        ratio = "n/a" if self.ratio is None else _num(self.ratio)
        out = (
            f"{self.name}: {val(self.value, self.unit)} | "
            f"baseline: {val(self.baseline, self.baseline_unit or self.unit)} | ratio: {ratio}"
        )
        if self.missing:
            out += f" | missing: {self.missing}"
        if self.note:
            out += f" | note: {self.note}"
        return out

    def lines(self) -> list[str]:
        return [self.line(), *(f"    {d}" for d in self.details)]


def missing(name: str, unit: str, why: str) -> Figure:
    """A figure that could not be measured, said so on its line rather than faked."""
    return Figure(name, None, unit, None, missing=why)


# --- machine and run ----------------------------------------------------------------------


def memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return commit + (" (+ uncommitted changes)" if dirty else "")


def machine() -> str:
    """Cores, memory, platform; and the load when the run started (a loaded machine, e.g.
    colleagues' test runs on the same 2 cores, slows every timed figure)."""
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{os.cpu_count()} cores, {memory_total()} RAM, {platform.machine()}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}{load}"
    )


def header(mode: str) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"## {now} · {mode} · commit {git_commit()}\n\n{machine()}"


def append_results(head: str, lines: list[str], seconds: float, path: Path = RESULTS) -> None:
    """Append one run (header + figure lines) to RESULTS.md, creating it with a preamble."""
    if not path.exists():
        path.write_text(
            "# Benchmark results\n\n"
            "Appended by `python bench/run.py [--quick]`; see bench/README.md for what each "
            "figure means. Each line: `NAME: VALUE UNIT | baseline: VALUE UNIT | ratio: R`, "
            "R = VALUE / baseline, both measured in the same run.\n",
            encoding="utf-8",
        )
    block = "\n".join(lines)
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\n{head}; run took {seconds:.0f} s\n\n```\n{block}\n```\n")
