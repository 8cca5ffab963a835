"""Growth: time and peak memory of the extractor and the geocoder on 10 kB, 100 kB and 1 MB of
input of every awkward shape, to show each stage is linear in its input (issue 15).

    .venv/bin/python bench/growth.py [--quick] [--timeout S] [--save]   # alone
    .venv/bin/python bench/run.py --only growth                  # as a group of the benchmark

Inputs are made from the committed reports (`data/raw/*.txt`), reshaped:

* extract `no_punctuation` — the names the extractor finds in the reports, back to back with no
  punctuation or line break between them (no sentence ends: the suffix matcher's worst case);
* extract `one_line` — the reports with every line break removed (one giant line);
* extract `table` — tab-separated rows (one table row is one sentence to the extractor);
* extract `enumeration` — one sentence "推进A、B、C……等项目建设。" of thousands of members (the
  names the extractor finds in the reports, cycled: ~10,000 members at 100 kB);
* geocode `long_line` — one query line: the gazetteer's road names back to back (no number, no
  路口: what the address and crossing patterns scan longest);
* geocode `many_lines` — the reports' item locations, one query a line (`geocode_lines`).

Each size runs in its own child process through the public API (`extract.read_report` +
`extract.extract_report`; `geo.geocode.AtlasGeocoder.resolve` / `geocode_lines`), input made and
gazetteer loaded before the clock starts, with a time limit (a quadratic stage does not finish
1 MB: said on the line, never guessed). Peak memory is `tracemalloc`'s peak of a second run of
the same call (so tracing does not slow the timed one).

Each figure compares the largest size with the one 10× smaller, in the same run:
`growth.extract.no_punctuation.time: T(1 MB) | baseline: T(100 kB) | ratio: R`; linear is
R ≈ 10, quadratic R ≈ 100 (n log n a little over 10).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from atlas.settings import settings  # noqa: E402
from bench.report import Figure, append_results, header, missing  # noqa: E402

SIZES: dict[str, int] = {"10 kB": 10_000, "100 kB": 100_000, "1 MB": 1_000_000}
QUICK_SIZES = ("10 kB", "100 kB")
SHAPES: tuple[tuple[str, str], ...] = (
    ("extract", "no_punctuation"),
    ("extract", "one_line"),
    ("extract", "table"),
    ("extract", "enumeration"),
    ("geocode", "long_line"),
    ("geocode", "many_lines"),
)
#: seconds a child may take for one size (a quadratic 1 MB would take hours)
TIMEOUT = 150.0
QUICK_TIMEOUT = 40.0
HEADING = "三、2027年主要任务\n"
_PUNCTUATION = re.compile(r"[。！？；，、：“”‘’（）《》【】,.;:!?()\"'—…·]")


# --------------------------------------------------------------------------- inputs


def report_text() -> str:
    """The committed reports, concatenated: the realistic material every shape is made of."""
    paths = sorted(settings.raw_dir.glob("*.txt"))
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def fill(pieces: Iterator[str], size: int, head: str = "", tail: str = "") -> str:
    """`head` + pieces, cycled, + `tail`, cut to `size` UTF-8 bytes on a character boundary."""
    budget = size - len((head + tail).encode("utf-8"))
    out: list[str] = []
    used = 0
    for piece in pieces:
        cost = len(piece.encode("utf-8"))
        if used + cost > budget:
            room = budget - used
            out.append(piece.encode("utf-8")[:room].decode("utf-8", errors="ignore"))
            break
        out.append(piece)
        used += cost
    return head + "".join(out) + tail


def cycle(items: list[str]) -> Iterator[str]:
    if not items:
        raise ValueError("nothing to build the input from")
    while True:
        yield from items


def report_names() -> list[str]:
    """The names and locations the extractor finds in the committed reports."""
    from extract import extract_report, read_report

    names: list[str] = []
    for path in sorted(settings.raw_dir.glob("*.txt")):
        for item in extract_report(read_report(path)):
            names += [n for n in (item.name, item.location) if n]
    return list(dict.fromkeys(names))


def extract_input(shape: str, size: int) -> str:
    text = report_text()
    lines = [line for line in text.splitlines() if line.strip()]
    if shape == "no_punctuation":  # names back to back: the suffix matcher's worst case
        return fill(cycle([_PUNCTUATION.sub("", n) for n in report_names()]), size, HEADING)
    if shape == "one_line":
        return fill(cycle(lines), size, HEADING)
    if shape == "table":
        rows = ["\t".join(c for c in re.split(r"[，、；。]", line) if c) + "\n" for line in lines]
        return fill(cycle(["指标名称\t内容\t完成情况\n", *rows]), size, HEADING)
    if shape == "enumeration":
        members = [n + "、" for n in report_names()]
        return fill(cycle(members), size, HEADING + "推进", "等项目建设。\n")
    raise ValueError(f"unknown extract shape {shape!r}")


def geocode_input(shape: str, size: int, roads: list[str]) -> list[bytes]:
    """The stdin lines of `python -m geo geocode` for this shape (`roads`: the gazetteer's)."""
    if shape == "long_line":  # road names back to back, no number, no 口: the regexes' worst
        return [fill(cycle(roads), size - 1).encode("utf-8") + b"\n"]
    if shape == "many_lines":
        queries = [q + "\n" for q in report_names()]
        return fill(cycle(queries), size).encode("utf-8").splitlines(keepends=True)
    raise ValueError(f"unknown geocode shape {shape!r}")


# --------------------------------------------------------------------------- one measurement


def prepare(stage: str, shape: str, size: int, workdir: Path) -> Callable[[], int]:
    """The call to measure (input made, gazetteer loaded); it returns how many results."""
    if stage == "extract":
        from extract import extract_report, read_report

        path = workdir / "2027-01-10_growth.txt"
        path.write_text(extract_input(shape, size), encoding="utf-8")
        return lambda: len(extract_report(read_report(path)))
    from geo import AtlasGeocoder, load_gazetteer
    from geo.cli.geocode import geocode_lines

    gazetteer = load_gazetteer(settings.gazetteer_path)
    geocoder = AtlasGeocoder(gazetteer)
    lines = geocode_input(shape, size, sorted(set(gazetteer.roads["name"].dropna())))
    return lambda: sum(1 for _ in geocode_lines(lines, AtlasGeocoder(geocoder.index)))


def child(stage: str, shape: str, size: int) -> dict[str, Any]:
    """Run in the child process: seconds and tracemalloc peak (bytes) of one call."""
    with tempfile.TemporaryDirectory(prefix="atlas-growth-") as tmp:
        call = prepare(stage, shape, size, Path(tmp))
        times: list[float] = []
        while len(times) < 3 and sum(times) < 1.0:  # fastest of a few when quick (timeit)
            t0 = time.perf_counter()
            results = call()
            times.append(time.perf_counter() - t0)
        seconds = min(times)
        tracemalloc.start()
        call()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {"seconds": seconds, "peak": peak, "results": results}


@dataclass
class Run:
    size: str
    seconds: float | None = None
    peak_mb: float | None = None
    results: int = 0
    failed: str = ""

    def text(self) -> str:
        if self.failed:
            return f"{self.size}: {self.failed}"
        return f"{self.size}: {self.seconds:.3g} s, peak {self.peak_mb:.3g} MB, {self.results} out"


def measure(stage: str, shape: str, size: str, timeout: float) -> Run:
    argv = [sys.executable, str(Path(__file__)), "--child", stage, shape, str(SIZES[size])]
    try:
        proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Run(size, failed=f"did not finish in {timeout:.0f} s")
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1][:160]
        return Run(size, failed=f"failed: {last}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return Run(size, out["seconds"], out["peak"] / 1e6, out["results"])


# --------------------------------------------------------------------------- figures

NOTE = "x10 input: linear ≈ 10, quadratic ≈ 100"


def shape_figures(stage: str, shape: str, sizes: tuple[str, ...], timeout: float) -> list[Figure]:
    """Two figures (time, memory) for one shape: the largest size against the one before."""
    runs: list[Run] = []
    for size in sizes:
        run = measure(stage, shape, size, timeout)
        runs.append(run)
        if run.failed:  # a bigger input would not finish either
            runs += [Run(s, failed="not run (a smaller size did not finish)") for s in
                     sizes[len(runs):]]  # fmt: skip
            break
    steps = [
        f"{a.size} → {b.size}: time x{b.seconds / a.seconds:.3g}, "
        f"memory x{b.peak_mb / a.peak_mb:.3g}"
        for a, b in itertools.pairwise(runs)
        if a.seconds and a.peak_mb and b.seconds is not None and b.peak_mb is not None
    ]
    details = [" · ".join(r.text() for r in runs), *steps]
    base, top = runs[-2], runs[-1]
    name = f"growth.{stage}.{shape}"
    figures = []
    for metric, unit, attr in (("time", "s", "seconds"), ("memory", "MB", "peak_mb")):
        label = f"{name}.{metric}"
        if top.failed or base.failed:
            first = next(r for r in runs if r.failed)  # the size that did not finish
            fig = missing(label, unit, f"{first.size} {first.failed}")
            fig.baseline = getattr(base, attr)
        else:
            fig = Figure(label, getattr(top, attr), unit, getattr(base, attr), note=NOTE)
        fig.note = fig.note or NOTE
        fig.details = details if metric == "time" else []
        figures.append(fig)
    return figures


def figures(
    quick: bool = False, timeout: float | None = None, only: tuple[str, ...] = ()
) -> list[Figure]:
    """Every shape's growth figures (`--quick`: 10 kB and 100 kB only; `only`: `stage.shape`s)."""
    sizes = QUICK_SIZES if quick else tuple(SIZES)
    limit = timeout if timeout is not None else (QUICK_TIMEOUT if quick else TIMEOUT)
    out: list[Figure] = []
    for stage, shape in SHAPES:
        if only and f"{stage}.{shape}" not in only:
            continue
        for fig in shape_figures(stage, shape, sizes, limit):
            print("\n".join(fig.lines()), flush=True)
            out.append(fig)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 kB and 100 kB only")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per child")
    parser.add_argument("--save", action="store_true", help="append the run to bench/RESULTS.md")
    names = [f"{stage}.{shape}" for stage, shape in SHAPES]
    parser.add_argument("--only", nargs="+", choices=names, default=[], help="these shapes only")
    parser.add_argument(
        "--child", nargs=3, metavar=("STAGE", "SHAPE", "BYTES"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        stage, shape, size = args.child
        print(json.dumps(child(stage, shape, int(size))))
        return 0
    t0 = time.perf_counter()
    head = header(
        "growth" + (" quick" if args.quick else "") + (" (some shapes)" if args.only else "")
    )
    print(head.replace("## ", "# "), flush=True)
    found = figures(args.quick, args.timeout, tuple(args.only))
    if args.save:
        append_results(
            head, [line for fig in found for line in fig.lines()], time.perf_counter() - t0
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
