"""Figure 1 — the build: `build_atlas` on the five reports, total and per stage, against the
cost of geocoding the same queries online (geopy's Nominatim client under its 1 request/s
RateLimiter, talking to a local Nominatim that answers at once)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from bench.measure import ROOT, timed
from bench.report import Figure, missing

RAW = ROOT / "data" / "raw"
GAZETTEER = ROOT / "data" / "gazetteer.gpkg"
STAGES = ("extract", "geocode", "join", "write")


class RecordingGeocoder:
    """Wraps a geocoder and keeps every query the build asks (the baseline asks the same)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.queries: list[str] = []

    def resolve(self, query: str) -> Any:
        self.queries.append(query)
        return self.inner.resolve(query)


@dataclass
class BuildRun:
    stages: dict[str, float]  # median seconds per stage and "total", over the runs
    items: int
    runs: int


def time_build(runs: int) -> BuildRun:
    """`geo.build.run_build` into a temp dir `runs` times (after one warm-up import)."""
    from geo.build import run_build

    per_run: list[dict[str, float]] = []
    items = 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            result = run_build(RAW, GAZETTEER, out)
        per_run.append(result.timings.as_dict())
        items = len(result.layers["items"])
    stages = {k: statistics.median(r[k] for r in per_run) for k in (*STAGES, "total")}
    return BuildRun(stages, items, runs)


def build_queries() -> list[str]:
    """The distinct queries the build sends to its geocoder, in order (untimed run)."""
    from geo.build import default_geocoder, extract_items, load_gazetteer_file, locate_items

    gazetteer = load_gazetteer_file(GAZETTEER)
    recorder = RecordingGeocoder(default_geocoder(gazetteer))
    locate_items(extract_items(RAW), gazetteer.roads, recorder)
    return list(dict.fromkeys(recorder.queries))


def time_cli() -> float:
    """Wall seconds of `python -m geo build` (interpreter start and imports included)."""
    with tempfile.TemporaryDirectory() as out:
        argv = [sys.executable, "-m", "geo", "build", "--out", out]
        t0 = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
        return time.perf_counter() - t0


def time_online(queries: list[str], sample: int | None) -> tuple[float, int]:
    """Seconds for geopy's Nominatim + RateLimiter(min_delay_seconds=1) to geocode `queries`
    against `geo.testing.LocalNominatim`; with `sample`, the first `sample` queries are timed
    and the time scaled by count. Returns (seconds for all queries, queries actually sent)."""
    from geo.testing import LocalNominatim
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    asked = queries if sample is None else queries[:sample]
    with LocalNominatim() as server:
        client = Nominatim(
            user_agent="jingan-atlas-bench",
            domain=_domain(server),
            scheme="http",
            timeout=10,
        )
        geocode = RateLimiter(client.geocode, min_delay_seconds=1, max_retries=0)
        seconds, _ = timed(lambda: [geocode(q) for q in asked])
    return seconds * len(queries) / max(1, len(asked)), len(asked)


def _domain(server: Any) -> str:
    """host:port of the local server, whatever the attribute is called."""
    for attr in ("domain", "netloc"):
        if isinstance(getattr(server, attr, None), str):
            return getattr(server, attr)
    url = getattr(server, "url", None) or getattr(server, "base_url", None)
    if isinstance(url, str):
        return url.split("://", 1)[-1].rstrip("/")
    host, port = getattr(server, "host", "127.0.0.1"), server.port
    return f"{host}:{port}"


def figures(quick: bool) -> list[Figure]:
    """build.total, build.<stage>, build.cli — all against the same online baseline."""
    if not GAZETTEER.exists():
        return [missing("build.total", "s", f"{GAZETTEER.relative_to(ROOT)} not built yet")]
    try:
        run = time_build(runs=1 if quick else 3)
    except ImportError as exc:
        return [missing("build.total", "s", f"geo.build not importable ({exc})")]
    queries = build_queries()
    sample = 5 if quick else 60
    sample = None if len(queries) <= sample else sample
    try:
        online, sent = time_online(queries, sample)
    except ImportError as exc:
        return [missing("build.total", "s", f"baseline needs geo.testing.LocalNominatim ({exc})")]
    note = ""
    if sample:
        scope = "quick: " if quick else ""
        note = f"{scope}baseline timed on {sent} of {len(queries)} queries, scaled by count"
    how = (
        f"{run.items} items, {len(queries)} distinct geocoder queries; build median of "
        f"{run.runs} in-process run(s) of geo.build.run_build into a temp dir; baseline = "
        "geopy Nominatim(domain=127.0.0.1:PORT, scheme=http) + RateLimiter(min_delay_seconds=1) "
        "against geo.testing.LocalNominatim, same queries"
    )
    out = [
        Figure("build.total", run.stages["total"], "s", online, note=note, details=[how]),
    ]
    out += [Figure(f"build.{s}", run.stages[s], "s", online, note=note) for s in STAGES]
    cli = time_cli()
    out.append(
        Figure(
            "build.cli",
            cli,
            "s",
            online,
            note=note,
            details=["`python -m geo build --out TMP` as a subprocess, interpreter start included"],
        )
    )
    return out
