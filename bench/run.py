"""Jing'an Atlas benchmarks: `python bench/run.py [--quick]`.

Prints one line per figure, `NAME: VALUE UNIT | baseline: VALUE UNIT | ratio: R` (R = VALUE /
baseline, both measured in this run), and appends the run to bench/RESULTS.md with the
machine's cores, memory and the git commit. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # the run's duration includes the imports below

import argparse  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `bench` and the project importable
    sys.path.insert(0, str(ROOT))

from bench import (  # noqa: E402
    app_bench,
    browser_bench,
    build_bench,
    growth,
    join_bench,
    map_bench,
    store_bench,
    synthetic,
    upload_bench,
)
from bench.report import Figure, append_results, header, missing  # noqa: E402

#: Synthetic scales, in multiples of the real item count (--quick: 10x only).
SCALES = (10, 100)
QUICK_SCALES = (10,)
#: Groups of figures (`--only`): scale includes the app children (rerun, memory); growth feeds
#: 10 kB … 1 MB of awkward input to the extractor and the geocoder (bench/growth.py).
GROUPS = ("build", "payload", "scale", "upload", "growth", "browser")


def section(name: str, fn: Callable[[], list[Figure]], echo: bool = True) -> list[Figure]:
    """Run one group of figures; a crash becomes a `missing:` line, never a silent gap."""
    t0 = time.perf_counter()
    try:
        figures = fn()
    except Exception as exc:  # the other figures are still worth having
        traceback.print_exc(file=sys.stderr)
        figures = [missing(name, "s", f"{type(exc).__name__}: {exc}".splitlines()[0][:200])]
        echo = True
    for fig in figures if echo else []:
        print("\n".join(fig.lines()), flush=True)
    print(f"    ({name}: {time.perf_counter() - t0:.1f} s)", file=sys.stderr, flush=True)
    return figures


def real_atlas(built: Path) -> Path | None:
    """The atlas this run just built (current code), else the committed data/atlas.gpkg."""
    for path in (built, synthetic.ATLAS):
        if path.exists():
            return path
    return None


def scale_figures(quick: bool, atlas: Path | None, workdir: Path) -> list[Figure]:
    """Figures 3 and 4 share the synthetic atlases: filter → map, join, app memory."""
    ref = synthetic.load_reference(atlas)
    real = synthetic.load_real_items(atlas) if atlas else None
    n_real = len(real) if real is not None else synthetic.FALLBACK_REAL_COUNT
    basis = f"{n_real} real items" if real is not None else f"no atlas: {n_real} items assumed"
    print(f"# synthetic data: {basis}; geometry over {ref.source}", flush=True)
    app = map_bench.AppMap.over(atlas) if atlas else None
    figures: list[Figure] = []
    atlases: dict[int, Path] = {}
    scales = QUICK_SCALES if quick else SCALES
    for scale in scales:
        label = f"{scale}x"
        items = synthetic.synthesize(n_real * scale, ref, template=real, seed=scale)
        try:  # the 街道/zone columns come from the project's own join
            items = synthetic.label(items, ref)
        except Exception as exc:  # still worth timing the map; the join line says why not
            traceback.print_exc(file=sys.stderr)
            print(f"# {label}: geo.join failed ({type(exc).__name__}); 街道/zone left empty")
        atlases[scale] = synthetic.write_atlas(items, ref, workdir / label / "atlas.gpkg")
        if app is None:
            figures.append(missing(f"scale.filter_to_map.{label}", "s", "no atlas to draw over"))
        else:
            figures += section(
                f"scale.filter_to_map.{label}",
                lambda items=items, label=label: map_bench.filter_figures(label, items, app, quick),
            )
        figures += section(
            f"scale.join.{label}",
            lambda items=items, label=label: [
                join_bench.figure(label, items, ref, repeat=1 if quick else 3)
            ],
        )
    top_scale = f"{max(scales)}x"
    figures += section(
        f"store.select.{top_scale}",
        lambda: store_bench.figures(top_scale, atlases[max(scales)], repeat=1 if quick else 3),
    )
    if atlas is None:
        figures.append(missing(f"memory.app.{max(scales)}x", "MB", "no 1x atlas for baseline"))
    else:
        note = "quick: 10x data, children side by side; the full run measures 100x" if quick else ""
        runs = {"1x": atlas, **{f"{k}x": p for k, p in atlases.items()}}
        figures += section("app", lambda: app_bench.figures(runs, parallel=quick, note=note))
    return figures


def browser_figures(atlas: Path | None, workdir: Path, scale: int = max(SCALES)) -> list[Figure]:
    """Real server + Chromium on the synthetic atlas of `scale` (full runs, `--only browser`)."""
    label = f"{scale}x"
    if atlas is None:
        return [missing(f"browser.first_map.{label}", "s", "no 1x atlas for baseline")]
    ref = synthetic.load_reference(atlas)
    real = synthetic.load_real_items(atlas)
    items = synthetic.label(
        synthetic.synthesize(len(real) * scale, ref, template=real, seed=scale), ref
    )
    big = synthetic.write_atlas(items, ref, workdir / f"browser-{label}" / "atlas.gpkg")
    return browser_bench.figures(big, atlas, label)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run, under a minute")
    parser.add_argument(
        "--all-queries",
        action="store_true",
        help="time the online baseline on every query (~1 s each) instead of a sample",
    )
    parser.add_argument(
        "--no-save", action="store_true", help="print only; do not append to bench/RESULTS.md"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=GROUPS,
        default=list(GROUPS),
        help="run these groups only (implies --no-save; without build, data/atlas.gpkg is used)",
    )
    args = parser.parse_args(argv)
    partial = set(args.only) != set(GROUPS)
    mode = "quick" if args.quick else "full"
    head = header(mode)
    print(head.replace("## ", "# "), flush=True)
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmp:
        workdir = Path(tmp)
        built = workdir / "1x"
        built.mkdir()
        figures: list[Figure] = []
        if "build" in args.only:
            figures += section(
                "build.total", lambda: build_bench.figures(args.quick, built, args.all_queries)
            )
        atlas = real_atlas(built / "atlas.gpkg")
        if "payload" in args.only:
            figures += (
                section("payload.map", lambda: map_bench.payload_figures(atlas))
                if atlas
                else [missing("payload.map", "kB", "no atlas (build failed, none committed)")]
            )
        if "upload" in args.only:
            figures += section("upload", lambda: upload_bench.figures(atlas, args.quick))
        if "scale" in args.only:
            figures += section(
                "scale", lambda: scale_figures(args.quick, atlas, workdir), echo=False
            )
        if "growth" in args.only:  # growth.figures prints each line as it is measured
            figures += section("growth", lambda: growth.figures(args.quick), echo=False)
        if "browser" in args.only and not args.quick:  # ~2 min: full runs only
            figures += section("browser", lambda: browser_figures(atlas, workdir))
    seconds = time.perf_counter() - T0
    print(f"# {mode} run: {seconds:.0f} s", flush=True)
    if not (args.no_save or partial):
        lines = [line for fig in figures for line in fig.lines()]
        append_results(head, lines, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
