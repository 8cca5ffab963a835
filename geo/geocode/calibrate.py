"""Precision from measured error: radii calibrated on held-out anchors, and the 街道 rule.

Every answer that is an estimate (a modelled house number, a crossing, a road known only
through its bus stops) claims a radius, `uncertainty_m`. The radius is not a guess: each
method's errors are measured on anchors held out of the data that made the answer (each
numbered place predicted from the rest of its road; each crossing from the other stops), and
the radius is the `QUANTILE` of error / gap for that method, times the answer's gap, so
that about 90 % of held-out answers fall inside it (`coverage` checks that, per method and
per part of the district). An answer whose radius is ≤ `PRECISION_2_RADIUS_M` is precision 2,
whichever method made it; a wider one is precision 3 when it is known to lie in one 街道 (the
rule below), else 5.

**Which 街道.** An estimate names the 街道 holding at least `SUBDISTRICT_SHARE` of its
uncertainty disc (the part of the disc inside the district: the address is a Jing'an one),
never the one its point happens to fall in; `choose_share` picks that share on held-out
anchors as the loosest one whose named 街道 are right at least `TARGET_RIGHT` of the time.
A point a few metres outside the district on a boundary road is pulled inside
(`pull_inside`), not dropped.

Pure functions over metric geometries (metres).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from geo.geocode.numbering import MIN_GAP_M, QUANTILE, LooRow, Uncertainty

__all__ = [
    "NORTH",
    "PRECISION_2_RADIUS_M",
    "SUBDISTRICT_SHARE",
    "Calibration",
    "HeldOut",
    "choose_share",
    "coverage",
    "disc_shares",
    "loosest_share",
    "precision_for",
    "pull_inside",
    "region_of",
    "subdistrict_of_disc",
]

#: Precision 2 ("within ~250 m") when the calibrated radius is at most this.
PRECISION_2_RADIUS_M = 250.0
#: Precision of an estimate whose radius is wider and whose 街道 is not known.
ESTIMATE_PRECISION = 5
#: Precision "the 街道": a wider estimate known to lie in one 街道.
SUBDISTRICT_PRECISION = 3
#: The share of an answer's disc one 街道 must hold to be named (chosen by `choose_share` on
#: the held-out anchors: see README, "Which 街道").
SUBDISTRICT_SHARE = 0.9
#: What a named 街道 must achieve on held-out anchors (the issue asks ≥ 97 % right; half a
#: point of margin).
TARGET_RIGHT = 0.975
#: Fewer held-out rows than this for a method in one part of the district: that part uses the
#: method's radius everywhere (a 90th percentile of a handful of rows is noise).
MIN_REGIONAL_SAMPLES = 30
#: Shares `choose_share` tries, loosest last.
SHARES: tuple[float, ...] = (1.0, 0.99, 0.97, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5)
#: A point at most this far outside the district (metres) is pulled inside.
PULL_INSIDE_M = 60.0
#: The five northern 街道 (the half of the district the sources hold thinly).
NORTH: frozenset[str] = frozenset(
    {"共和新路街道", "大宁路街道", "彭浦新村街道", "临汾路街道", "彭浦镇"}
)
#: Segments of the disc polygon (shapely's quad_segs): enough for shares to 0.1 %.
_QUAD_SEGS = 16


def precision_for(radius_m: float | None, subdistrict: str | None = None) -> int:
    """Precision 2 when the measured radius is ≤ `PRECISION_2_RADIUS_M`; else 3 when the answer
    is known to lie in one 街道 (`subdistrict`: nearly all of its disc, or its line, or a
    committee of its address); else 5."""
    if radius_m is not None and radius_m <= PRECISION_2_RADIUS_M:
        return 2
    return SUBDISTRICT_PRECISION if subdistrict else ESTIMATE_PRECISION


def region_of(subdistrict: str | None) -> str:
    """ "north" for the five northern 街道, "south" for the others, "outside" for none."""
    if not subdistrict:
        return "outside"
    return "north" if subdistrict in NORTH else "south"


def disc_shares(
    point: Point,
    radius_m: float,
    subdistricts: Mapping[str, BaseGeometry],
    district: BaseGeometry | None = None,
) -> dict[str, float]:
    """The share of the disc of `radius_m` around `point` (metric) each 街道 holds, counting
    only the part of the disc inside `district` (when given). A radius of 0 is the point."""
    if radius_m <= 0:
        return {n: 1.0 for n, g in subdistricts.items() if g.intersects(point)}
    disc: BaseGeometry = point.buffer(radius_m, quad_segs=_QUAD_SEGS)
    if district is not None:
        inside = disc.intersection(district)
        disc = inside if inside.area > 0 else disc
    whole = disc.area
    out = {}
    for name, geom in subdistricts.items():
        if not geom.intersects(disc):
            continue
        share = disc.intersection(geom).area / whole
        if share > 0:
            out[name] = float(share)
    return out


def subdistrict_of_disc(
    point: Point,
    radius_m: float,
    subdistricts: Mapping[str, BaseGeometry],
    district: BaseGeometry | None = None,
    share: float = SUBDISTRICT_SHARE,
) -> str | None:
    """The 街道 holding at least `share` of the answer's disc, else None."""
    shares = disc_shares(point, radius_m, subdistricts, district)
    best = max(shares.items(), key=lambda kv: (kv[1], kv[0]), default=None)
    return best[0] if best is not None and best[1] >= share else None


def pull_inside(point: Point, district: BaseGeometry, max_m: float = PULL_INSIDE_M) -> Point | None:
    """`point` (metric) when inside `district`; the nearest point 1 m inside it when it lies
    at most `max_m` outside (an estimate on a boundary road); else None."""
    if district.intersects(point):
        return point
    if district.distance(point) > max_m:
        return None
    edge = nearest_points(district.boundary, point)[0]
    inner = district.buffer(-1.0)
    if inner.is_empty:
        return edge
    return nearest_points(inner, edge)[0]


@dataclass(frozen=True)
class Calibration:
    """Radii from held-out errors, by method and by part of the district: the `QUANTILE` of
    error / gap of the rows of one method in one part (north / south) when there are at least
    `MIN_REGIONAL_SAMPLES` of them, else of the method everywhere (`Uncertainty`), so that
    about 90 % of held-out answers fall inside their radius in the north as in the south."""

    base: Uncertainty
    regional: Mapping[tuple[str, str], float]

    @classmethod
    def fit(cls, rows: Sequence[LooRow], regions: Sequence[str]) -> Calibration:
        base = Uncertainty.fit(rows)
        groups: dict[tuple[str, str], list[float]] = {}
        for row, region in zip(rows, regions, strict=True):
            groups.setdefault((row.method, region), []).append(
                row.error_m / max(row.gap_m, MIN_GAP_M)
            )
        regional = {
            key: float(np.quantile(v, QUANTILE))
            for key, v in sorted(groups.items())
            if len(v) >= MIN_REGIONAL_SAMPLES and key[1] in ("north", "south")
        }
        return cls(base, regional)

    @property
    def ratios(self) -> Mapping[str, float]:
        return self.base.ratios

    def radius(self, method: str, gap_m: float, region: str | None = None) -> float:
        """The radius (metres) of an answer by `method` with `gap_m` to its nearest evidence,
        in `region` ("north" / "south"; None: the method everywhere)."""
        ratio = self.regional.get((method, region or ""))
        if ratio is None:
            return self.base.radius(method, gap_m)
        return ratio * max(gap_m, MIN_GAP_M)


@dataclass(frozen=True)
class HeldOut:
    """One held-out prediction: the method that made it, its gap (metres to the nearest
    evidence), its error (metres), its radius, and the predicted and true points (metric)."""

    method: str
    gap_m: float
    error_m: float
    radius_m: float
    point: Point
    truth: Point
    label: str = ""


def coverage(
    rows: Sequence[HeldOut], region: Mapping[int, str] | None = None
) -> list[dict[str, object]]:
    """Per method and region (`region[i]` for row i, else all): n, median error, share within
    its radius, share ≤ 250 / 500 m, share at precision 2 and how many of those are ≤ 500 m."""
    groups: dict[tuple[str, str], list[HeldOut]] = {}
    for i, row in enumerate(rows):
        where = region.get(i, "all") if region is not None else "all"
        for key in ((row.method, where), ("all", where), (row.method, "all"), ("all", "all")):
            groups.setdefault(key, []).append(row)
    out = []
    for (method, where), sample in sorted(groups.items()):
        err = np.array([r.error_m for r in sample])
        rad = np.array([r.radius_m for r in sample])
        p2 = rad <= PRECISION_2_RADIUS_M
        out.append(
            {
                "method": method,
                "region": where,
                "n": len(sample),
                "median_m": float(np.median(err)),
                "inside": float(np.mean(err <= rad)),
                "le250": float(np.mean(err <= 250)),
                "le500": float(np.mean(err <= 500)),
                "precision2": int(p2.sum()),
                "precision2_le500": float(np.mean(err[p2] <= 500)) if p2.any() else float("nan"),
            }
        )
    return out


def choose_share(
    rows: Iterable[HeldOut],
    subdistricts: Mapping[str, BaseGeometry],
    district: BaseGeometry | None = None,
    shares: Sequence[float] = SHARES,
) -> list[tuple[float, int, int, int]]:
    """For each share: (share, answers, named, right) — how many held-out answers name a
    街道 under that share and how many of those are the 街道 holding the true point (the
    table the README justifies `SUBDISTRICT_SHARE` with)."""
    rows = list(rows)
    truth = []
    shares_of = []
    for row in rows:
        holding = [n for n, g in sorted(subdistricts.items()) if g.intersects(row.truth)]
        truth.append(holding[0] if holding else None)
        shares_of.append(disc_shares(row.point, row.radius_m, subdistricts, district))
    out = []
    for share in shares:
        named = right = 0
        for true, got in zip(truth, shares_of, strict=True):
            best = max(got.items(), key=lambda kv: (kv[1], kv[0]), default=None)
            if best is None or best[1] < share:
                continue
            named += 1
            right += best[0] == true
        out.append((share, len(rows), named, right))
    return out


def loosest_share(
    table: Sequence[tuple[float, int, int, int]], target: float = TARGET_RIGHT
) -> float:
    """The loosest share of a `choose_share` table whose named 街道 are right at least
    `target` of the time (the strictest share when none is)."""
    good = [s for s, _n, named, right in table if named and right / named >= target]
    return min(good) if good else max(s for s, *_ in table)
