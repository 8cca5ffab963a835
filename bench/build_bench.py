"""Figure 1 — the build: `build_atlas` on the five reports, total and per stage, against the
cost of geocoding the same queries online (geopy's Nominatim client under its 1 request/s
RateLimiter, talking to a local Nominatim that answers at once)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atlas.settings import settings
from bench.measure import ROOT, timed
from bench.report import Figure, missing

RAW = settings.raw_dir
GAZETTEER = settings.gazetteer_path
STAGES = ("extract", "geocode", "join", "write")


class RecordingGeocoder:
    """Wraps a geocoder and keeps every query the build asks (the baseline asks the same)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.answers: dict[str, Any] = {}  # query → Resolution, in asking order

    def resolve(self, query: str, address: Any = None) -> Any:
        answer = self.inner.resolve(query, address)
        self.answers.setdefault(query, answer)
        return answer


@dataclass
class BuildRun:
    stages: dict[str, float]  # seconds per stage and "total" of the fastest run
    first: float  # total of the first (cold) run: lazy imports, caches filled
    items: int
    runs: int


def time_build(runs: int, out_dir: Path) -> BuildRun:
    """`geo.run_build` into `out_dir` `runs` times; the last run's atlas stays there."""
    from geo import run_build

    per_run: list[dict[str, float]] = []
    items = 0
    for _ in range(runs):
        result = run_build(RAW, GAZETTEER, out_dir)
        per_run.append(result.timings.as_dict())
        items = len(result.layers["items"])
    fastest = min(per_run, key=lambda r: r["total"])
    return BuildRun(fastest, per_run[0]["total"], items, runs)


def build_queries() -> dict[str, Any]:
    """The distinct queries the build sends to its geocoder and its answers (untimed run)."""
    from geo import default_geocoder, extract_items, load_gazetteer_file, locate_items

    gazetteer = load_gazetteer_file(GAZETTEER)
    recorder = RecordingGeocoder(default_geocoder(gazetteer))
    locate_items(extract_items(RAW).items, gazetteer.roads, recorder)
    return recorder.answers


def server_places(answers: dict[str, Any]) -> dict[str, list[dict]]:
    """What the local Nominatim knows: the build's own answers (unlocated queries miss)."""
    from geo.testing import nominatim_place

    return {
        q: [nominatim_place(q, float(r.lat), float(r.lon))]
        for q, r in answers.items()
        if getattr(r, "lat", None) is not None and getattr(r, "lon", None) is not None
    }


def time_cli() -> float:
    """Wall seconds of `python -m geo build` (interpreter start and imports included)."""
    with tempfile.TemporaryDirectory() as out:
        argv = [sys.executable, "-m", "geo", "build", "--out", out]
        t0 = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
        return time.perf_counter() - t0


def time_online(answers: dict[str, Any], sample: int | None) -> tuple[float, int]:
    """Seconds for geopy's Nominatim + RateLimiter(min_delay_seconds=1) to geocode the build's
    queries against `geo.testing.LocalNominatim`. With `sample`, the first `sample` queries are
    timed and the time scaled by count (the limiter makes it linear: first call at once, then
    one per second). Returns (seconds for all queries, queries actually sent)."""
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    from geo.testing import LocalNominatim

    queries = list(answers)
    asked = queries if sample is None else queries[:sample]
    with LocalNominatim(server_places(answers)) as server:
        client = Nominatim(
            user_agent="jingan-atlas-bench", domain=server.domain, scheme="http", timeout=10
        )
        geocode = RateLimiter(client.geocode, min_delay_seconds=1, max_retries=0)
        seconds, _ = timed(lambda: [geocode(q) for q in asked])
        if server.request_count != len(asked):
            raise RuntimeError(f"{server.request_count} requests for {len(asked)} queries")
    if 1 < len(asked) < len(queries):
        seconds *= (len(queries) - 1) / (len(asked) - 1)
    return seconds, len(asked)


def figures(quick: bool, out_dir: Path, all_queries: bool = False) -> list[Figure]:
    """build.total, build.<stage>, build.cli — all against the same online baseline.

    The atlas of the last timed build is left in `out_dir` for the other figures."""
    if not GAZETTEER.exists():
        return [missing("build.total", "s", f"{GAZETTEER.relative_to(ROOT)} not built yet")]
    run = time_build(runs=1 if quick else 3, out_dir=out_dir)
    queries = build_queries()  # query → the build's answer
    how = (
        f"{run.items} items, {len(queries)} distinct geocoder queries; build = fastest of "
        f"{run.runs} in-process geo.run_build (extract+geocode+join+write) into a temp "
        f"dir; first (cold) run {run.first:.2f} s"
    )
    sample = 5 if quick else 30
    sample = None if all_queries or len(queries) <= sample else sample
    try:
        online, sent = time_online(queries, sample)
    except ImportError as exc:
        why = f"baseline needs geo.testing.LocalNominatim ({exc})"
        return [
            Figure("build.total", run.stages["total"], "s", None, missing=why, details=[how]),
            *(Figure(f"build.{s}", run.stages[s], "s", None, missing=why) for s in STAGES),
        ]
    note = ""
    if sample:
        scope = "quick: " if quick else ""
        note = f"{scope}baseline timed on {sent} of {len(queries)} queries, scaled by count"
    how += (
        "; baseline = geopy Nominatim(domain=127.0.0.1:PORT, scheme=http) + "
        "RateLimiter(min_delay_seconds=1) against geo.testing.LocalNominatim, same queries"
    )
    out = [Figure("build.total", run.stages["total"], "s", online, note=note, details=[how])]
    out += [Figure(f"build.{s}", run.stages[s], "s", online, note=note) for s in STAGES]
    if quick:  # the CLI adds interpreter start-up (~5 s): full runs only
        return out
    out.append(
        Figure(
            "build.cli",
            time_cli(),
            "s",
            online,
            note=note,
            details=["`python -m geo build --out TMP` as a subprocess, interpreter start included"],
        )
    )
    return out
