"""House numbers along a road: the numbering model, its fit on anchors and its leave-one-out.

Pure geometry in a metric CRS (metres), no gazetteer: `geo.geocode.address` builds one
`RoadNumbering` per road from its whole line (not only the in-district part: numbers count
from a road's end, often outside Jing'an) and the numbered places on it (anchors).

**The model.** A road runs along its dominant axis (east–west when its extent in x exceeds
its extent in y, else north–south). In Shanghai, numbers on east–west roads rise from east
to west and on north–south roads from south to north, so the *position* of a number is its
distance `s` from the road's east (or south) end, measured along that axis. Odd and even
numbers lie on opposite sides; which side is which is read from the road's own anchors
(the side most odd anchors lie on), else the point stays on the centre line.

* between two anchors: `s` linear in the number between the anchors around it
  (`address:interpolated`);
* beyond them, or with one anchor: `s = s_anchor + m·(n − n_anchor)` with `m` metres per
  number fitted on the road's anchors when it has two or more spanning enough numbers (and
  the fit is plausible), else the prior `m` (`address:model`);
* no anchor: `s = m·n` from the road's start (`address:model:prior`), only when that start
  is a real end of the road (not where the source's box cuts it, and not on a line known only
  from the simplified GeoJSON extracts, whose ends are clip or simplification artefacts) —
  else not numberable; its radius counts at least `PRIOR_MIN_GAP_M` from the start;
* `s` beyond the road's extent: not numberable (the caller answers the road's line).

The prior `m` is the median of `s / n` over every anchor on a road whose start is real.

**Where it fails.** Roads that bend (the axis distance then under-counts the walk along the
road: 华山路, 万航渡路), numbering that restarts (东/西/中 sections of one road carry separate
names in OSM and are separate roads here; a road renumbered after a merger is not known),
roads whose start is outside the source box (not numbered without anchors), and lanes
(弄) whose own numbering is not the street's. The leave-one-out (`leave_one_out`) measures
how far off each method is on the roads that have anchors; `Uncertainty` turns those errors
into a radius per method and distance to the nearest anchor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
import shapely.ops
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

#: Offset of a numbered point from the centre line towards its side of the road (metres).
SIDE_OFFSET_M = 12.0
#: A gap in a road's line up to this long (metres) is bridged by its nearest point.
GAP_TOLERANCE_M = 500.0
#: A number may fall this far (metres) beyond the road's extent and still be on it.
EXTENT_TOLERANCE_M = 100.0
#: A fitted rate is used only when the road's anchors span at least this many numbers and the
#: rate lies within this factor of the prior.
MIN_FIT_SPAN = 20
FIT_FACTOR = 3.0
#: A number placed from the road's start alone is never closer to certain than this gap
#: (metres): the start itself may be where a source stops, and nothing checks it.
PRIOR_MIN_GAP_M = 300.0
#: Errors are scaled by the distance to the nearest anchor, never by less than this (metres).
MIN_GAP_M = 50.0
#: Quantile of the leave-one-out errors the radius holds.
QUANTILE = 0.9
#: Fewer leave-one-out samples than this for a method: use the pooled figure.
MIN_SAMPLES = 5
#: Without any leave-one-out sample: the radius is this share of the gap (an honest "far").
DEFAULT_RATIO = 1.0
#: The prior without any anchor at all (metres per number; Shanghai's blocks give ≈ 2–3).
DEFAULT_M_PER_NUMBER = 2.5

#: A numbering start this close to the edge of the sources' coverage is a cut, not an end.
START_EDGE_M = 400.0

METHOD_INTERPOLATED = "address:interpolated"
METHOD_MODEL = "address:model"
METHOD_PRIOR = "address:model:prior"
#: Counted from the start of a line estimated through bus-stop crossings (`geo.geocode.crossings`):
#: its start is the last crossing known, not the road's end.
METHOD_ESTIMATED = "address:model:estimated"


def is_east_west(line: BaseGeometry) -> bool:
    """A road runs east–west when its extent in x is at least its extent in y."""
    x0, y0, x1, y1 = line.bounds
    return (x1 - x0) >= (y1 - y0)


def numbering_start(line: BaseGeometry) -> Point:
    """Where numbers start (metric): the east-most vertex of an east–west road, the
    south-most of a north–south one."""
    coords = shapely.get_coordinates(line)
    i = int(np.argmax(coords[:, 0])) if is_east_west(line) else int(np.argmin(coords[:, 1]))
    return Point(coords[i])


@dataclass(frozen=True)
class Estimate:
    """A modelled position: point (metric), method and distance to the nearest anchor (or to
    the road's start for the prior) in metres."""

    point: Point
    method: str
    gap_m: float


@dataclass
class RoadNumbering:
    """One road's numbering: its whole line (metric), axis, start and anchors."""

    name: str
    line: BaseGeometry
    start_cut: bool = False
    anchors: dict[int, Point] = field(default_factory=dict)  # number → metric point
    estimated: bool = False  # the line is estimated through crossings (`geo.geocode.crossings`)
    ew: bool = True
    start: float = 0.0
    extent: float = 0.0
    odd_side: float = 0.0  # +1 / -1: the side odd numbers lie on (0 unknown)

    def __post_init__(self) -> None:
        x0, y0, x1, y1 = self.line.bounds
        self.ew = is_east_west(self.line)
        self.start = x1 if self.ew else y0
        self.extent = (x1 - x0) if self.ew else (y1 - y0)
        self._lo, self._hi = (y0, y1) if self.ew else (x0, x1)
        self.odd_side = self.fit_side()

    # --------------------------------------------------------------- geometry
    def s_of(self, point: Point) -> float:
        """Distance of `point` from the start along the axis."""
        return float(self.start - point.x) if self.ew else float(point.y - self.start)

    def point_at(self, s: float, near: Point | None = None) -> Point | None:
        """The road's point at axis distance `s` (closest to `near` where it crosses that
        position more than once), or None off the road."""
        c = self.start - s if self.ew else self.start + s
        pad = 1.0 + (self._hi - self._lo)
        cut = (
            LineString([(c, self._lo - pad), (c, self._hi + pad)])
            if self.ew
            else LineString([(self._lo - pad, c), (self._hi + pad, c)])
        )
        hits = shapely.get_parts(shapely.intersection(self.line, cut))
        pts = [shapely.centroid(h) for h in hits if not h.is_empty]
        if not pts:  # a gap in the line (simplified sources): its nearest point, if close
            if self.line.distance(cut) > GAP_TOLERANCE_M:
                return None
            nearest: Point = shapely.ops.nearest_points(self.line, cut)[0]
            return nearest
        if near is None:
            near = shapely.centroid(shapely.MultiPoint(pts))
        best: Point = min(pts, key=lambda p: p.distance(near))
        return best

    def side(self, point: Point) -> float:
        """+1 north of an east–west road (east of a north–south one), -1 the other side."""
        on = self.point_at(self.s_of(point), point)
        if on is None:
            return 0.0
        return float(np.sign(point.y - on.y) if self.ew else np.sign(point.x - on.x))

    def fit_side(self) -> float:
        votes = [self.side(p) * (1 if n % 2 else -1) for n, p in self.anchors.items()]
        total = sum(votes)
        return float(np.sign(total)) if abs(total) >= 2 else 0.0

    def _offset(self, point: Point, n: int) -> Point:
        if not self.odd_side:
            return point
        sign = self.odd_side * (1 if n % 2 else -1) * SIDE_OFFSET_M
        return Point(point.x, point.y + sign) if self.ew else Point(point.x + sign, point.y)

    # --------------------------------------------------------------- model
    def rate(self, prior: float, anchors: dict[int, Point] | None = None) -> float:
        """Metres per number: fitted on ≥ 2 anchors spanning enough numbers when plausible,
        else `prior`."""
        anchors = self.anchors if anchors is None else anchors
        if len(anchors) >= 2:
            ns = np.array(sorted(anchors), dtype=float)
            if ns[-1] - ns[0] >= MIN_FIT_SPAN:
                ss = np.array([self.s_of(anchors[int(n)]) for n in ns])
                slope = float(np.polyfit(ns, ss, 1)[0])
                if prior / FIT_FACTOR <= slope <= prior * FIT_FACTOR:
                    return slope
        return prior

    def estimate(
        self, n: int, prior: float, anchors: dict[int, Point] | None = None
    ) -> Estimate | None:
        """Where number `n` lies (see the module docstring), or None when not numberable."""
        anchors = self.anchors if anchors is None else anchors
        ns = sorted(anchors)
        if len(ns) >= 2 and ns[0] < n < ns[-1]:
            i = int(np.searchsorted(ns, n))
            n0, n1 = ns[i - 1], ns[i]
            p0, p1 = anchors[n0], anchors[n1]
            t = (n - n0) / (n1 - n0)
            s = self.s_of(p0) + t * (self.s_of(p1) - self.s_of(p0))
            near = Point(p0.x + t * (p1.x - p0.x), p0.y + t * (p1.y - p0.y))
            gap = min(abs(self.s_of(p0) - s), abs(self.s_of(p1) - s))
            method = METHOD_INTERPOLATED
        elif ns:
            m = self.rate(prior, anchors)
            n0 = min(ns, key=lambda a: (abs(a - n), a))
            p0 = anchors[n0]
            s = self.s_of(p0) + m * (n - n0)
            near, gap, method = p0, abs(m * (n - n0)), METHOD_MODEL
        elif not self.start_cut:
            s, near = prior * n, None
            method = METHOD_ESTIMATED if self.estimated else METHOD_PRIOR
            gap = max(s, PRIOR_MIN_GAP_M)
        else:
            return None
        if not -EXTENT_TOLERANCE_M <= s <= self.extent + EXTENT_TOLERANCE_M:
            return None
        point = self.point_at(min(max(s, 0.0), self.extent), near)
        if point is None:
            return None
        return Estimate(self._offset(point, n), method, max(gap, 0.0))


def prior_rate(roads: Iterable[RoadNumbering]) -> float:
    """Metres per number over every anchor (n ≥ 10) on a road whose start is real."""
    rates = [
        road.s_of(p) / n
        for road in roads
        if not road.start_cut
        for n, p in road.anchors.items()
        if n >= 10 and road.s_of(p) > 0
    ]
    return float(np.median(rates)) if rates else DEFAULT_M_PER_NUMBER


@dataclass(frozen=True)
class LooRow:
    """One held-out prediction: what was predicted, by which method, how far from its nearest
    evidence (`gap_m`) and how far off (`error_m`); the predicted and true points (metric)."""

    road: str
    number: int
    method: str
    gap_m: float
    error_m: float
    point: Point | None = None
    truth: Point | None = None


def leave_one_out(roads: Sequence[RoadNumbering], prior: float | None = None) -> list[LooRow]:
    """Hold each anchor out, predict it from the road's other anchors (and, separately, from
    none: the prior alone), and record the error by method and gap."""
    rows: list[LooRow] = []
    for road in roads:
        others_prior = prior if prior is not None else prior_rate(roads)
        for n, truth in sorted(road.anchors.items()):
            rest = {k: v for k, v in road.anchors.items() if k != n}
            for anchors in ([rest] if rest else []) + [{}]:
                est = road.estimate(n, others_prior, anchors)
                if est is not None:
                    err = float(est.point.distance(truth))
                    row = LooRow(road.name, n, est.method, est.gap_m, err, est.point, truth)
                    rows.append(row)
    return rows


@dataclass(frozen=True)
class Uncertainty:
    """Radius (metres) per method: the `QUANTILE` of error / gap from the leave-one-out, times
    the gap of the answer (never below `MIN_GAP_M`)."""

    ratios: dict[str, float]
    pooled: float

    @classmethod
    def fit(cls, rows: Sequence[LooRow]) -> Uncertainty:
        def ratio(sample: list[LooRow]) -> float:
            return float(
                np.quantile([r.error_m / max(r.gap_m, MIN_GAP_M) for r in sample], QUANTILE)
            )

        pooled = ratio(list(rows)) if len(rows) >= MIN_SAMPLES else DEFAULT_RATIO
        ratios = {}
        for method in sorted({r.method for r in rows}):
            sample = [r for r in rows if r.method == method]
            ratios[method] = ratio(sample) if len(sample) >= MIN_SAMPLES else max(pooled, 0.0)
        return cls(ratios, pooled)

    def radius(self, method: str, gap_m: float) -> float:
        return self.ratios.get(method, self.pooled) * max(gap_m, MIN_GAP_M)
