"""Polygons and segment lines from boundary descriptions ("四至", "A路（B路—C路）").

A side "北至A路" says the area lies south of A路. Each resolved side becomes a half-plane:
the side's road (or river) read as a function across its axis — for a north side, the
southernmost y of the road at each x, so a dual carriageway bounds the block by its inner
lane, gaps and the jog between two roads on one side are bridged straight, and the ends run
on flat past the road's last point — closed off on the far side. The area is the
intersection of the half-planes. A side whose road has to be extended more than
``CLOSE_TOL_M`` past its end to meet its neighbours leaves the polygon open; so does a road
the gazetteer lacks. Either way the result is an estimate (precision 5) that names the
side in ``missing_sides``, and a missing side is never invented: the area is cut where the
resolved perpendicular roads end (or at ``clip``, e.g. the district), or not drawn at all.

A segment is the stretch of the along-road between the points where the two cross roads
meet it (``line_locate_point`` / ``substring``).

All work is done in UTM 51N (metres); results are EPSG:4326.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge, nearest_points, substring

from atlas.settings import settings
from extract.normalise import squeeze
from geo.crs import geometry_from_metric, geometry_to_metric

__all__ = ["CLOSE_TOL_M", "BoundaryGeometry", "boundary_geometry"]

#: How far a side's road may stop short of the polygon's corner and still count as closing it.
CLOSE_TOL_M = 60.0
#: Sampling step along a side's road (its own vertices are sampled too).
_STEP_M = 10.0
#: Room around the resolved roads for building the half-planes.
_MARGIN_M = 500.0

#: side → (axis the road runs along, keep the area on the high side of the road?)
_SIDE_AXIS: dict[str, tuple[int, bool]] = {
    "north": (0, False),  # road runs along x; the area is below it (smaller y)
    "south": (0, True),
    "east": (1, False),  # road runs along y; the area is left of it (smaller x)
    "west": (1, True),
}
_SIDES = tuple(_SIDE_AXIS)


@dataclass(frozen=True)
class BoundaryGeometry:
    """The drawn boundary: a polygon or line in EPSG:4326, its precision, what is missing."""

    geometry: BaseGeometry | None
    precision: int | None
    missing_sides: list[str] = field(default_factory=list)


def boundary_geometry(
    boundary: dict[str, Any], roads: gpd.GeoDataFrame, clip: BaseGeometry | None = None
) -> BoundaryGeometry:
    """The polygon a side description encloses, or the line of a street segment.

    ``roads`` is the gazetteer's ``roads`` layer (``name``, ``aliases``; lines). ``clip`` (an
    EPSG:4326 area such as the district) bounds estimates a missing side leaves open.
    """
    lookup = _RoadLookup(roads)
    clip_m = geometry_to_metric(clip) if clip is not None else None
    if "along" in boundary:
        result = _segment(boundary, lookup)
    elif "around" in boundary:
        result = _enclosed(boundary["around"], lookup)
    else:
        result = _area(boundary, lookup, clip_m)
    geom = result.geometry
    # sampling leaves collinear vertices; dropping them changes nothing but the file size
    geometry = geometry_from_metric(geom.simplify(0.01)) if geom is not None else None
    return BoundaryGeometry(geometry, result.precision, result.missing_sides)


# --- roads -------------------------------------------------------------------------------


class _RoadLookup:
    """Road and river lines by exact (normalised) name or alias, in metres."""

    def __init__(self, roads: gpd.GeoDataFrame) -> None:
        self._roads = roads if roads.crs is not None else roads.set_crs(settings.crs)
        self._rows: dict[str, list[int]] = {}
        aliases = roads["aliases"] if "aliases" in roads.columns else [""] * len(roads)
        for pos, (name, alias) in enumerate(zip(roads["name"], aliases, strict=True)):
            extra = alias.split("|") if isinstance(alias, str) else []
            for n in {squeeze(name), *(squeeze(a) for a in extra)} - {""}:
                self._rows.setdefault(n, []).append(pos)

    def get(self, name: str) -> BaseGeometry | None:
        rows = self._rows.get(squeeze(name))
        if not rows:
            return None
        geoms = self._roads.iloc[sorted(set(rows))].geometry.to_crs(settings.metric_crs)
        merged = shapely.union_all(geoms.to_numpy())
        return None if merged.is_empty else merged


# --- a road as a function across its axis ------------------------------------------------


@dataclass(frozen=True)
class _Chain:
    """A road sampled as value(t) along one axis: the line and the t-range it really covers."""

    line: LineString
    axis: int
    covered: tuple[float, float]


_PICK: dict[str, Callable[..., np.ndarray]] = {"max": np.max, "min": np.min, "mean": np.mean}
_BLOCK = 256  # samples per block when crossing them with every segment at once


def _chain(geom: BaseGeometry, axis: int, lo: float, hi: float, pick: str) -> _Chain | None:
    """Sample ``geom`` across ``axis`` (0: t = x, value = y; 1: t = y, value = x) on [lo, hi].

    ``pick`` ("max", "min", "mean") chooses among several crossings at one t (the inner lane,
    or the centre line). Gaps are bridged linearly; beyond the road's ends the value stays
    flat out to ``lo`` / ``hi``.
    """
    segs = _segments_of(geom)
    if not len(segs):
        return None
    ts_all = segs[:, :, axis]
    t_min, t_max = ts_all.min(), ts_all.max()
    ts = np.unique(np.concatenate([ts_all.ravel(), np.arange(t_min, t_max, _STEP_M)]))
    values = np.concatenate(
        [_crossings(segs, axis, ts[i : i + _BLOCK], pick) for i in range(0, len(ts), _BLOCK)]
    )
    ok = ~np.isnan(values)
    ts_ok, vs_ok = ts[ok], values[ok]
    vs = np.interp(ts, ts_ok, vs_ok)
    keep = (ts >= ts_ok[0]) & (ts <= ts_ok[-1])
    t_all = np.concatenate([[min(lo, ts_ok[0])], ts[keep], [max(hi, ts_ok[-1])]])
    v_all = np.concatenate([[vs_ok[0]], vs[keep], [vs_ok[-1]]])
    pts = np.column_stack([t_all, v_all] if axis == 0 else [v_all, t_all])
    line = LineString(_dedupe(pts))
    return _Chain(line, axis, (float(ts_ok[0]), float(ts_ok[-1])))


def _segments_of(geom: BaseGeometry) -> np.ndarray:
    """All straight segments of a (multi)line as an (n, 2, 2) array."""
    parts = [shapely.get_coordinates(p) for p in shapely.get_parts(geom) if not p.is_empty]
    segs = [np.stack([c[:-1], c[1:]], axis=1) for c in parts if len(c) >= 2]
    return np.concatenate(segs) if segs else np.empty((0, 2, 2))


def _crossings(segs: np.ndarray, axis: int, ts: np.ndarray, pick: str) -> np.ndarray:
    """For each t, ``pick`` of the values where the segments cross the line t (nan if none).

    A segment lying along that line counts with both ends.
    """
    other = 1 - axis
    ta, tb = segs[:, 0, axis], segs[:, 1, axis]
    va, vb = segs[:, 0, other], segs[:, 1, other]
    t = ts[:, None]
    hit = (t >= np.minimum(ta, tb)) & (t <= np.maximum(ta, tb))
    flat = ta == tb
    with np.errstate(divide="ignore", invalid="ignore"):
        v = va + (vb - va) * (t - ta) / np.where(flat, 1.0, tb - ta)
    first = np.where(flat, va, v)
    second = np.where(flat, vb, v)
    both = np.concatenate([first, second], axis=1)
    mask = np.concatenate([hit, hit], axis=1)
    out = np.full(len(ts), np.nan)
    rows = mask.any(axis=1)
    if rows.any():
        masked = np.ma.masked_array(both[rows], mask=~mask[rows])
        out[rows] = np.ma.filled(_PICK[pick](masked, axis=1), np.nan)
    return out


def _dedupe(pts: np.ndarray) -> np.ndarray:
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = np.any(np.diff(pts, axis=0) != 0, axis=1)
    return pts[keep]


def _half_plane(chain: _Chain, keep_high: bool, frame: tuple[float, ...]) -> BaseGeometry:
    """The part of ``frame`` on the kept side of the chain (which spans the frame)."""
    minx, miny, maxx, maxy = frame
    pts = list(chain.line.coords)
    if chain.axis == 0:
        far = maxy + 1.0 if keep_high else miny - 1.0
        ring = [*pts, (pts[-1][0], far), (pts[0][0], far)]
    else:
        far = maxx + 1.0 if keep_high else minx - 1.0
        ring = [*pts, (far, pts[-1][1]), (far, pts[0][1])]
    half: BaseGeometry = shapely.make_valid(Polygon(ring))
    return half


# --- areas -------------------------------------------------------------------------------


def _area(
    boundary: dict[str, Any], lookup: _RoadLookup, clip: BaseGeometry | None
) -> BoundaryGeometry:
    missing: list[str] = []
    geoms: dict[str, BaseGeometry] = {}
    for side in _SIDES:
        found = []
        for name in boundary.get(side) or []:
            g = lookup.get(name)
            if g is None:
                missing.append(f"{side}:{name}")
            else:
                found.append(g)
        if found:
            geoms[side] = shapely.union_all(found)
    if not geoms:
        return BoundaryGeometry(None, None, missing)
    frame = _frame(geoms, clip)
    limits = _limits(geoms, frame, clip)
    if limits is None:
        only = _describe_sides(boundary, geoms)
        return BoundaryGeometry(None, None, [*missing, f"not enclosed: only {only} resolves"])
    west, south, east, north = limits
    region: BaseGeometry = box(west, south, east, north)
    if clip is not None:
        region = region.intersection(clip)
    chains: dict[str, _Chain] = {}
    for side, g in geoms.items():
        axis, keep_high = _SIDE_AXIS[side]
        pick = "max" if keep_high else "min"  # the lane facing the area
        chain = _chain(g, axis, frame[axis], frame[axis + 2], pick)
        if chain is None:
            missing.append(f"{_describe_sides(boundary, [side])} (no line)")
            continue
        chains[side] = chain
        region = region.intersection(_half_plane(chain, keep_high, frame))
    polygon = _largest_polygon(region)
    if polygon is None:
        note = f"not enclosed: {_describe_sides(boundary, geoms)} do not bound a common area"
        return BoundaryGeometry(None, None, [*missing, note])
    if not missing:
        missing += _open_sides(polygon, chains, boundary)
        loose = polygon.boundary.difference(
            shapely.union_all([c.line.buffer(0.5) for c in chains.values()])
        ).length
        if loose > CLOSE_TOL_M:  # undescribed sides: cut at road ends or by ``clip``
            missing.append(f"open: {loose:.0f} m of the outline follows no described road")
    return BoundaryGeometry(polygon, 5 if missing else 1, missing)


def _describe_sides(boundary: dict[str, Any], sides: Iterable[str]) -> str:
    return ", ".join(f"{s}:{'、'.join(boundary[s])}" for s in sides)


def _frame(geoms: dict[str, BaseGeometry], clip: BaseGeometry | None) -> tuple[float, ...]:
    bounds = np.array([g.bounds for g in geoms.values()] + ([clip.bounds] if clip else []))
    lo, hi = bounds[:, :2].min(axis=0) - _MARGIN_M, bounds[:, 2:].max(axis=0) + _MARGIN_M
    return (*lo, *hi)


def _limits(
    geoms: dict[str, BaseGeometry], frame: tuple[float, ...], clip: BaseGeometry | None
) -> tuple[float, ...] | None:
    """The box an estimate may fill: a missing side is replaced by where the resolved
    perpendicular roads end (the area cannot reach past them), else by ``clip``."""
    out = list(frame)
    for side, idx, across, agg in (
        ("west", 0, ("north", "south"), max),
        ("east", 2, ("north", "south"), min),
        ("south", 1, ("east", "west"), max),
        ("north", 3, ("east", "west"), min),
    ):
        if side in geoms:
            continue
        ends = [geoms[s].bounds[idx] for s in across if s in geoms]
        if ends:
            out[idx] = agg(ends)
        elif clip is None:
            return None
    return tuple(out) if out[0] < out[2] and out[1] < out[3] else None


def _largest_polygon(region: BaseGeometry) -> Polygon | None:
    parts = [p for p in shapely.get_parts(region) if isinstance(p, Polygon) and p.area > 1.0]
    return max(parts, key=lambda p: p.area) if parts else None


def _open_sides(polygon: Polygon, chains: dict[str, _Chain], boundary: dict[str, Any]) -> list[str]:
    """Sides whose road stops more than CLOSE_TOL_M short of the polygon's corners."""
    out = []
    for side, chain in chains.items():
        edge = polygon.boundary.intersection(chain.line.buffer(0.5))
        if edge.is_empty:
            out.append(f"{_describe_sides(boundary, [side])} (does not touch the area)")
            continue
        b = edge.bounds
        lo, hi = b[chain.axis], b[chain.axis + 2]
        short = max(chain.covered[0] - lo, hi - chain.covered[1], 0.0)
        if short > CLOSE_TOL_M:
            out.append(f"{_describe_sides(boundary, [side])} (open, {short:.0f} m short)")
    return out


# --- enclosures ("由A路、B路、C路围合的区域") ----------------------------------------------


def _enclosed(names: list[str], lookup: _RoadLookup) -> BoundaryGeometry:
    """The face of the named roads' network that every one of them borders.

    With no directions to go by, a missing road leaves nothing honest to draw.
    """
    found = {n: lookup.get(n) for n in names}
    missing = [f"around:{n}" for n, g in found.items() if g is None]
    if missing:
        return BoundaryGeometry(None, None, missing)
    lines = [_extend(p, CLOSE_TOL_M) for g in found.values() for p in shapely.get_parts(g)]
    noded = shapely.union_all([ln for ln in lines if ln is not None])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    near = [g.buffer(1.0) for g in found.values() if g is not None]
    around = [f for f in faces if all(f.boundary.intersection(b).length > 1.0 for b in near)]
    if not around:
        note = f"not enclosed: around:{'、'.join(names)} do not close"
        return BoundaryGeometry(None, None, [note])
    return BoundaryGeometry(min(around, key=lambda f: f.area), 1, [])


def _extend(line: BaseGeometry, by: float) -> LineString | None:
    """The line run on straight for ``by`` metres past both ends, to meet a road it just
    misses."""
    c = shapely.get_coordinates(line)
    if len(c) < 2:
        return None

    def past(end: np.ndarray, before: np.ndarray) -> np.ndarray:
        d = end - before
        n = float(np.hypot(*d))
        return end + d / n * by if n else end

    return LineString([past(c[0], c[1]), *c, past(c[-1], c[-2])])


# --- segments ----------------------------------------------------------------------------


def _segment(boundary: dict[str, Any], lookup: _RoadLookup) -> BoundaryGeometry:
    along = lookup.get(boundary["along"])
    if along is None:
        absent = [f"along:{boundary['along']}"]
        absent += [f"{k}:{boundary[k]}" for k in ("from", "to") if lookup.get(boundary[k]) is None]
        return BoundaryGeometry(None, None, absent)
    line = _as_line(along)
    missing: list[str] = []
    at: list[float] = []
    for key in ("from", "to"):
        cross = lookup.get(boundary[key])
        if cross is None:
            missing.append(f"{key}:{boundary[key]}")
            continue
        pos, gap = _crossing(line, cross)
        if gap > CLOSE_TOL_M:
            missing.append(f"{key}:{boundary[key]} (does not meet it, {gap:.0f} m away)")
        at.append(pos)
    if len(at) < 2 or abs(at[0] - at[1]) < 1.0:
        return BoundaryGeometry(line, 5, missing or ["from/to: the same point"])
    return BoundaryGeometry(substring(line, at[0], at[1]), 5 if missing else 1, missing)


def _as_line(geom: BaseGeometry) -> LineString:
    """One line for the along-road: itself when it merges, else its centre line."""
    merged = linemerge(geom) if isinstance(geom, MultiLineString) else geom
    if isinstance(merged, LineString):
        return merged
    minx, miny, maxx, maxy = geom.bounds
    axis = 0 if maxx - minx >= maxy - miny else 1
    b = geom.bounds
    chain = _chain(geom, axis, b[axis], b[axis + 2], "mean")
    assert chain is not None  # geom has coordinates
    return chain.line


def _crossing(line: LineString, cross: BaseGeometry) -> tuple[float, float]:
    """Distance along ``line`` where ``cross`` meets it, and how far apart they are (0 if so)."""
    hit = line.intersection(cross)
    if not hit.is_empty:
        points = shapely.points(shapely.get_coordinates(hit))
        return float(np.mean(shapely.line_locate_point(line, points))), 0.0
    near, _ = nearest_points(line, cross)
    return float(line.project(near)), float(near.distance(cross))
