"""Crossings from bus-stop names, and road lines estimated through them.

Shanghai names most bus stops after the crossing they stand at ("临汾路阳曲路"): where a source
draws no road (the north of the district), the stops are the only evidence of where two
roads meet. This module turns that evidence into gazetteer rows, without inventing anything:

* `split_crossing(name)` — a stop name → its two roads, read with the road endings of the
  shared vocabulary (`extract.vocab.ROAD_SUFFIXES`), never a list of places: "公惠医院",
  "龙潭", "共康路地铁站", "沪太路余庆桥" are not crossings;
* `crossings_from_stops(stops)` — one point per crossing (the stops of one pair of roads
  within `CLUSTER_M` of each other: the stops on each side of the junction), with how many
  stops and how far they spread;
* `estimate_roads(crossings, roads)` — for a road that no source draws, a line through its
  crossings in order along its main axis (broken where two crossings lie more than
  `MAX_HOP_M` apart); for a road the sources hold only as a stub or with a gap, the same
  line through the crossings that lie off the drawn line, joined to it. A road with a single
  crossing gets no line: its crossing stands for it as a point with a wide radius. Every
  estimate says how it was derived (`derivation`) and how far it may be off
  (`uncertainty_m`, measured by `line_leave_one_out`).

Pure functions over GeoDataFrames; distances in the metric CRS.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from atlas.settings import settings
from extract.normalise import squeeze
from extract.vocab import CJK, ROAD_SUFFIXES

__all__ = [
    "CROSSING_COLUMNS",
    "Stop",
    "crossing_points",
    "crossings_from_stops",
    "estimate_roads",
    "line_leave_one_out",
    "parse_stops",
    "road_points",
    "split_crossing",
]

#: Stops of one pair of roads closer than this (metres) are one crossing.
CLUSTER_M = 250.0
#: Two consecutive crossings of an estimated line further apart than this are not joined:
#: the road may bend, stop or be two roads of one name.
MAX_HOP_M = 1500.0
#: A crossing further than this from a road's drawn line lies beyond it (a stub, a gap).
OFF_LINE_M = 80.0
#: A drawn road is extended only through at least this many crossings beyond it: one stop off
#: a well-drawn line is more often a misplaced or misnamed stop than a missing stretch.
MIN_EXTENSION_CROSSINGS = 2
#: Shortest road name (with its ending) a stop name can be split into.
MIN_ROAD_CHARS = 3
#: A trailing note in a stop name: "(东)", "（临时站）".
_NOTE_RE = re.compile(r"[（(][^（）()]*[)）]$")
_CJK_ONLY = re.compile(f"[{CJK}]+")

CROSSING_COLUMNS: tuple[str, ...] = (
    "name",
    "aliases",
    "kind",
    "source",
    "licence",
    "road_a",
    "road_b",
    "stops",
    "spread_m",
)


def _clean(name: object) -> str:
    """A stop name in the one normal form (`squeeze`), without its notes."""
    text = squeeze(str(name or ""))
    while _NOTE_RE.search(text):
        text = _NOTE_RE.sub("", text)
    return text


def split_crossing(
    name: object,
    known: Collection[str] = (),
    endings: Iterable[str] = ROAD_SUFFIXES,
) -> tuple[str, str] | None:
    """The two roads a stop name says meet there, or None when it names no crossing.

    A crossing name is two road names back to back, each ending in a road ending ("临汾路阳曲路",
    "中山北路共和新路", "X大道Y路"). When it can be cut in two ways, the cut whose parts are
    `known` roads wins; a tie is no answer (never a guess)."""
    text = _clean(name)
    ends = tuple(sorted(set(endings), key=len, reverse=True))
    if not _CJK_ONLY.fullmatch(text) or not text.endswith(ends):
        return None
    cuts: list[tuple[str, str]] = []
    for i in range(MIN_ROAD_CHARS, len(text) - MIN_ROAD_CHARS + 1):
        a, b = text[:i], text[i:]
        if a.endswith(ends) and b.endswith(ends) and a != b:
            cuts.append((a, b))
    if not cuts:
        return None
    if len(cuts) == 1:
        return cuts[0]
    score = [(a in known) + (b in known) for a, b in cuts]
    best = max(score)
    winners = [c for c, s in zip(cuts, score, strict=True) if s == best]
    return winners[0] if len(winners) == 1 else None


def _clusters(points: np.ndarray, radius: float) -> list[list[int]]:
    """Single-linkage groups of points closer than `radius` (few points per road pair)."""
    n = len(points)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        d = np.hypot(*(points[i + 1 :] - points[i]).T)
        for j in np.nonzero(d <= radius)[0]:
            parent[find(i + 1 + int(j))] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return [groups[k] for k in sorted(groups)]


@dataclass(frozen=True)
class Stop:
    """A stop whose name is a crossing: the road it stands on (named first: "临汾路阳曲路"
    stands on 临汾路, a few metres from its kerb), the road it is named after, a metric point."""

    on: str
    cross: str
    point: Point
    source: str


def parse_stops(stops: gpd.GeoDataFrame, known: Collection[str] = ()) -> list[Stop]:
    """The stops of `stops` (columns `name`, `source`; points in any CRS) named after a
    crossing, in a metric CRS; the others ("公惠医院", "龙潭") are left out."""
    if not len(stops):
        return []
    metric = stops.to_crs(settings.metric_crs)
    out = []
    for name, source, geom in zip(metric["name"], metric["source"], metric.geometry, strict=True):
        split = split_crossing(name, known)
        if split is None or geom is None or geom.is_empty:
            continue
        out.append(Stop(split[0], split[1], geom.centroid, str(source)))
    return out


def _grouped(
    stops: Iterable[Stop], key: Callable[[Stop], tuple[str, str]]
) -> list[tuple[tuple[str, str], list[Stop]]]:
    """Stops grouped by `key(stop)` and then into clusters closer than `CLUSTER_M`."""
    by_key: dict[tuple[str, str], list[Stop]] = {}
    for stop in stops:
        by_key.setdefault(key(stop), []).append(stop)
    out = []
    for k, members in sorted(by_key.items()):
        xy = np.array([[m.point.x, m.point.y] for m in members])
        for group in _clusters(xy, CLUSTER_M):
            out.append((k, [members[i] for i in group]))
    return out


def _centre(members: list[Stop]) -> tuple[Point, float]:
    xy = np.array([[m.point.x, m.point.y] for m in members])
    centre = xy.mean(axis=0)
    return Point(centre), float(np.hypot(*(xy - centre).T).max())


def crossings_from_stops(stops: list[Stop]) -> gpd.GeoDataFrame:
    """One row per crossing (EPSG:4326, sorted by name): the mean of the stops named after
    one pair of roads within `CLUSTER_M` of each other (the stops on every side of the
    junction), how many, how far they spread; `road_a` < `road_b`."""
    rows: list[dict[str, Any]] = []
    for (a, b), members in _grouped(stops, lambda s: (min(s.on, s.cross), max(s.on, s.cross))):
        point, spread = _centre(members)
        names = sorted({f"{m.on}{m.cross}" for m in members})
        rows.append(
            {
                "name": names[0],
                "aliases": "|".join(names[1:]),
                "kind": "crossing",
                "source": " + ".join(sorted({m.source for m in members})),
                "licence": "ODbL-1.0",
                "road_a": a,
                "road_b": b,
                "stops": len(members),
                "spread_m": round(spread, 1),
                "geometry": point,
            }
        )
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=[*CROSSING_COLUMNS, "geometry"]),
        geometry="geometry",
        crs=settings.metric_crs,
    )
    return frame.to_crs(settings.crs).sort_values(["name", "source"], ignore_index=True)


def road_points(stops: list[Stop]) -> dict[str, list[tuple[str, Point]]]:
    """road → (the road it crosses, metric point) for each crossing seen from a stop standing
    on the road (a few metres from its kerb): the points an estimated line goes through."""
    out: dict[str, list[tuple[str, Point]]] = {}
    for (on, cross), members in _grouped(stops, lambda s: (s.on, s.cross)):
        out.setdefault(on, []).append((cross, _centre(members)[0]))
    return out


def crossing_points(stops: list[Stop]) -> dict[str, list[tuple[str, Point]]]:
    """road → (the road it crosses, metric point) for every crossing of the road, the mean of
    the stops named after it whichever road they stand on: for a road no stop stands on
    ("北宝兴路民晏路", "平型关路民晏路" name 民晏路 from the roads crossing it)."""
    out: dict[str, list[tuple[str, Point]]] = {}
    for (a, b), members in _grouped(stops, lambda s: (min(s.on, s.cross), max(s.on, s.cross))):
        centre = _centre(members)[0]
        out.setdefault(a, []).append((b, centre))
        out.setdefault(b, []).append((a, centre))
    return {road: points for road, points in sorted(out.items())}


def _axis_order(points: np.ndarray) -> np.ndarray:
    """Indices of `points` in order along their main axis (first principal component)."""
    centred = points - points.mean(axis=0)
    if len(points) < 2 or not np.any(centred):
        return np.arange(len(points))
    _u, _s, vt = np.linalg.svd(centred, full_matrices=False)
    t = centred @ vt[0]
    return np.argsort(t, kind="stable")


def chain(points: np.ndarray, max_hop: float = MAX_HOP_M) -> list[np.ndarray]:
    """The points in order along their axis, cut where two neighbours lie more than `max_hop`
    apart: each piece is a run of ≥ 1 points."""
    if not len(points):
        return []
    ordered = points[_axis_order(points)]
    hops = np.hypot(*np.diff(ordered, axis=0).T) if len(ordered) > 1 else np.array([])
    breaks = np.nonzero(hops > max_hop)[0] + 1
    return [p for p in np.split(ordered, breaks) if len(p)]


@dataclass(frozen=True)
class RoadEstimate:
    """An estimated road: its metric geometry (a line, or the crossing point for one crossing),
    the estimated length, how it was derived and how far it may be off."""

    name: str
    geometry: BaseGeometry
    estimated_m: float
    derivation: str
    crossings: int
    uncertainty_m: float


def estimate_roads(
    points: Mapping[str, list[tuple[str, Point]]],
    roads: Mapping[str, BaseGeometry],
    *,
    line_uncertainty_m: float,
    point_uncertainty_m: float,
) -> list[RoadEstimate]:
    """Estimates for the roads of `points` (`road_points`) that `roads` (name → metric line)
    lacks or holds only in part; see the module docstring. Sorted by name."""
    out: list[RoadEstimate] = []
    for name, found in sorted(points.items()):
        known = roads.get(name)
        pts = np.array([[p.x, p.y] for _c, p in found])
        crossed = [c for c, _p in found]
        if known is not None and not known.is_empty:
            off = beyond(known, pts)
            if off.sum() < MIN_EXTENSION_CROSSINGS:
                continue
            estimate = _extend(
                name, known, pts[off], sorted(set(np.array(crossed)[off])), line_uncertainty_m
            )
        else:
            estimate = _fresh(
                name, pts, sorted(set(crossed)), line_uncertainty_m, point_uncertainty_m
            )
        if estimate is not None:
            out.append(estimate)
    return out


def _fresh(
    name: str, pts: np.ndarray, crossed: list[str], line_unc: float, point_unc: float
) -> RoadEstimate | None:
    pieces = chain(pts)
    lines = [LineString(p) for p in pieces if len(p) >= 2]
    others = "、".join(crossed)
    if lines:
        geom = shapely.union_all(lines) if len(lines) > 1 else lines[0]
        n = sum(len(p) for p in pieces if len(p) >= 2)
        derivation = (
            f"estimated: a line through {n} bus-stop crossings in order along the road "
            f"(with {others}); no source draws it"
        )
        return RoadEstimate(name, geom, float(geom.length), derivation, n, line_unc)
    if len(pieces) == 1:  # one crossing: a point with a wide radius, not a line
        derivation = f"estimated: one bus-stop crossing (with {others}); no source draws it"
        return RoadEstimate(name, Point(pieces[0][0]), 0.0, derivation, 1, point_unc)
    return None  # single crossings far apart: nothing says how they connect


def _extend(
    name: str, known: BaseGeometry, off_pts: np.ndarray, crossed: list[str], line_unc: float
) -> RoadEstimate | None:
    """The drawn line plus a line through the crossings off it, joined to the nearest of its
    ends (a stub) or bridging a gap."""
    ends = shapely.get_coordinates(shapely.boundary(known))
    candidates = np.vstack([off_pts, ends]) if len(ends) else off_pts
    is_off = {tuple(p) for p in off_pts}
    segments = [
        LineString([a, b])
        for piece in chain(candidates)
        for a, b in itertools.pairwise(piece)
        if tuple(a) in is_off or tuple(b) in is_off
    ]
    if not segments:
        return None
    extra = shapely.union_all(segments)
    if extra.length < OFF_LINE_M:
        return None
    geom = shapely.line_merge(shapely.union_all([known, extra]))
    derivation = (
        f"drawn {known.length:.0f} m by the sources; {extra.length:.0f} m estimated through "
        f"{len(off_pts)} bus-stop crossings off that line (with {'、'.join(crossed)})"
    )
    return RoadEstimate(name, geom, float(extra.length), derivation, len(off_pts), line_unc)


def beyond(known: BaseGeometry, pts: np.ndarray) -> np.ndarray:
    """Which points lie off a drawn line (further than `OFF_LINE_M`) *beyond* it: past one of
    its ends or in a gap, where the nearest point of the line is an end of one of its parts.
    A point beside the middle of a drawn line is no evidence of a missing stretch."""
    points = [Point(xy) for xy in pts]
    off = np.array([known.distance(p) > OFF_LINE_M for p in points], dtype=bool)
    ends = shapely.boundary(known)
    if ends.is_empty:
        return np.zeros(len(pts), dtype=bool)
    nearest = [shapely.ops.nearest_points(known, p)[0] for p in points]
    at_end = np.array([ends.distance(q) < 1.0 for q in nearest], dtype=bool)
    flags: np.ndarray = off & at_end
    return flags


def line_leave_one_out(points_by_road: Mapping[str, np.ndarray]) -> list[tuple[str, float]]:
    """Each interior crossing of a road with ≥ 3 held out: its distance (m) from the line
    through the others — how far an estimated line may be off between its crossings."""
    rows: list[tuple[str, float]] = []
    for name, pts in sorted(points_by_road.items()):
        if len(pts) < 3:
            continue
        order = pts[_axis_order(pts)]
        for i in range(1, len(order) - 1):
            rest = np.delete(order, i, axis=0)
            hops = np.hypot(*np.diff(rest, axis=0).T)
            if hops.max() > MAX_HOP_M:
                continue
            rows.append((name, float(LineString(rest).distance(Point(order[i])))))
    return rows
