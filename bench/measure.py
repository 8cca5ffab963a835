"""How the benchmark measures: wall time, where the time goes, peak memory of a child process."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyinstrument import Profiler

ROOT = Path(__file__).resolve().parents[1]
PROFILES = Path(__file__).resolve().parent / "profiles"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds, result) of one call."""
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def best_of(fn: Callable[[], Any], repeat: int, budget: float = 4.0) -> float:
    """Fastest of up to `repeat` calls, as `timeit` advises: on a shared 2-core machine the
    slower runs measure the neighbours (other processes), not the code. Stops repeating once
    `budget` seconds are spent (a slow baseline needs no second sample to be slow)."""
    times: list[float] = []
    while len(times) < max(1, repeat) and sum(times) < budget:
        times.append(timed(fn)[0])
    return min(times)


# --- profiles -----------------------------------------------------------------------------

_SITE = re.compile(r"(?:site|dist)-packages/([^/]+)")
_STDLIB = re.compile(r"/lib/python3\.\d+/([^/]+)")


def package_of(file_path: str | None) -> str:
    """`…/site-packages/folium/map.py` → `folium`; repo files → their top folder."""
    if not file_path:
        return "?"
    if m := _SITE.search(file_path):
        return m.group(1).removesuffix(".py")
    if m := _STDLIB.search(file_path):
        return "stdlib:" + m.group(1).removesuffix(".py")
    try:
        rel = Path(file_path).resolve().relative_to(ROOT)
    except ValueError:
        return Path(file_path).name
    return rel.parts[0].removesuffix(".py")


@dataclass(frozen=True)
class Profile:
    """Where the time of one profiled call went."""

    seconds: float
    by_package: list[tuple[str, float]]  # self time summed per package, descending
    by_function: list[tuple[str, float]]  # self time per function, descending
    path: Path | None

    def summary(self, top: int = 4) -> str:
        """One compact line: shares of self time by package, then the top functions."""
        total = sum(t for _, t in self.by_package) or 1.0
        pkgs = ", ".join(f"{p} {t / total:.0%}" for p, t in self.by_package[:top])
        funcs = ", ".join(f"{f} {t / total:.0%}" for f, t in self.by_function[:top])
        where = f" ({self.path.relative_to(ROOT)})" if self.path else ""
        return f"self time by package: {pkgs}; top functions: {funcs}{where}"


def _self_times(frame: Any, packages: dict, functions: dict, caller: str = "?") -> None:
    """Sum self time per package and per function; a built-in counts for its caller's package
    (`compile` called by jinja2 is jinja2's cost)."""
    children = list(frame.children)
    pkg = package_of(frame.file_path)
    if pkg.startswith("<"):
        pkg = caller
    own = frame.time - sum(c.time for c in children if not c.is_synthetic)
    if own > 0 and not frame.is_synthetic:
        packages[pkg] += own
        functions[f"{pkg}:{frame.function}"] += own
    for child in children:
        if not child.is_synthetic:
            _self_times(child, packages, functions, pkg)


def profile(name: str, fn: Callable[[], Any], write: bool = True) -> Profile:
    """Run `fn` under pyinstrument; keep the call tree in bench/profiles/NAME.txt."""
    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        fn()
    finally:
        profiler.stop()
    session = profiler.last_session
    packages: dict[str, float] = defaultdict(float)
    functions: dict[str, float] = defaultdict(float)
    root = session.root_frame()
    if root is not None:
        _self_times(root, packages, functions)
    path = None
    if write:
        PROFILES.mkdir(exist_ok=True)
        path = PROFILES / f"{name}.txt"
        text = profiler.output_text(unicode=True, color=False, show_all=False)
        path.write_text(text, encoding="utf-8")
    return Profile(
        seconds=session.duration,
        by_package=sorted(packages.items(), key=lambda kv: -kv[1]),
        by_function=sorted(functions.items(), key=lambda kv: -kv[1]),
        path=path,
    )


# --- memory -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildRun:
    peak_bytes: int  # ru_maxrss of the child
    code: int
    seconds: float
    output: str  # tail of stdout + stderr


def peak_rss(jobs: Sequence[tuple[Sequence[str], dict[str, str]]], timeout: float = 300) -> list:
    """Run each (argv, extra env) as a child, all at once; a `ChildRun` for each, in order.

    `os.wait4` gives the rusage of that one child, so children running side by side do not
    see each other's peaks (unlike `RUSAGE_CHILDREN`). Output goes to temp files: a pipe
    could fill up and block the child."""
    with ExitStack() as stack:
        logs, procs, started = [], [], []
        for argv, env in jobs:
            log = stack.enter_context(tempfile.TemporaryFile(mode="w+", encoding="utf-8"))
            started.append(time.perf_counter())
            procs.append(
                subprocess.Popen(
                    list(argv), cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log
                )
            )
            logs.append(log)
        results: dict[int, ChildRun] = {}
        deadline = time.monotonic() + timeout
        while len(results) < len(procs):
            for i, proc in enumerate(procs):
                if i in results:
                    continue
                late = time.monotonic() > deadline
                if late:
                    proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0 if late else os.WNOHANG)
                if pid:
                    proc.returncode = os.waitstatus_to_exitcode(status)
                    logs[i].seek(0)
                    results[i] = ChildRun(
                        usage.ru_maxrss * 1024,
                        proc.returncode,
                        time.perf_counter() - started[i],
                        logs[i].read()[-2000:],
                    )
            time.sleep(0.05)
        return [results[i] for i in range(len(procs))]
