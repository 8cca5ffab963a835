"""四至 that never mislead: check the drawn area, use crossings as corners, else fall back.

`geo.pipeline.boundary` turns "北至A路，南至B路，东至C路，西至D路" into the area the
half-planes of the resolved sides enclose. With sides missing or known only in part, that area
can be nonsense: a 100 m strip kilometres long, an area far from the roads named, or (one side
only) half the district. `resolve_boundary` decides what to draw:

1. **Corners.** Where a crossing of two adjacent sides' roads is known — a bus stop named after
   it ("灵石路运城路"), or the two lines meeting — it is a corner of the area. Three or four
   corners make the area: their convex hull (precision 2 with all four, 5 otherwise; the
   corners come from stops that stand up to ~200 m from the junction).
2. **The drawn area**, when it is plausible (`implausible` gives the reason it is not:
   `sliver`, `far`, `one side`): as `geo.pipeline.boundary` made it.
3. **Fallback**, no polygon: the lines of the known sides' roads near where they meet (the
   corners found, else where the lines come closest), precision 5; with no known side, nothing.
   The 街道 and zone then come from those lines, never from a sliver.

An estimate (precision 5) lying ≥ `ONE_SUBDISTRICT_SHARE` in one 街道 (by length or area) is
known to that 街道: precision 3, as a geocoder answer whose 街道 is known.

All work in the metric CRS; results in EPSG:4326.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from atlas.settings import settings
from extract.normalise import squeeze
from geo.crs import geometry_from_metric, geometry_to_metric
from geo.pipeline.boundary import BoundaryGeometry, boundary_geometry

__all__ = [
    "CORNER_GAP_M",
    "MIN_WIDTH_M",
    "BoundaryEvidence",
    "corners",
    "implausible",
    "resolve_boundary",
    "sliver",
]

#: Two side roads whose lines pass closer than this (metres) meet at a corner.
CORNER_GAP_M = 150.0
#: An area narrower than this (2·area / perimeter, metres) is a sliver, not a block.
MIN_WIDTH_M = 150.0
#: An area longer than this many times its width is a sliver.
MAX_ELONGATION = 6.0
#: A point of the area further than this (metres) from every known side road is "far".
MAX_FAR_M = 1500.0
#: The fallback keeps the known roads' lines within this distance (metres) of the corners.
NEAR_CORNERS_M = 700.0
#: Adjacent sides: the pairs whose roads meet at a corner.
ADJACENT: tuple[tuple[str, str], ...] = (
    ("north", "east"),
    ("north", "west"),
    ("south", "east"),
    ("south", "west"),
)
FALLBACK_PRECISION = 5
SUBDISTRICT_PRECISION = 3
#: An estimate lying at least this share in one 街道 is known to that 街道.
ONE_SUBDISTRICT_SHARE = 0.9
SIDES: tuple[str, ...] = ("north", "south", "east", "west")


@dataclass(frozen=True)
class BoundaryEvidence:
    """What a 四至 is checked against besides the roads: the crossings named by bus stops (the
    gazetteer's `crossings` layer: corners) and the 街道 (to name the one an estimate is in)."""

    crossings: gpd.GeoDataFrame | None = None
    subdistricts: gpd.GeoDataFrame | None = None


@dataclass(frozen=True)
class _World:
    """The roads and crossings the check needs, metric, by normalised name."""

    lines: Mapping[str, BaseGeometry]
    crossings: Mapping[frozenset[str], Point]

    @classmethod
    def of(cls, roads: gpd.GeoDataFrame, crossings: gpd.GeoDataFrame | None) -> _World:
        lines: dict[str, list[BaseGeometry]] = {}
        if len(roads):
            metric = roads.to_crs(settings.metric_crs)
            aliases = metric["aliases"] if "aliases" in metric else [""] * len(metric)
            for name, alias, geom in zip(metric["name"], aliases, metric.geometry, strict=True):
                if geom is None or geom.is_empty or shapely.get_dimensions(geom) != 1:
                    continue
                for n in {squeeze(name), *(squeeze(a) for a in str(alias or "").split("|"))}:
                    if n:
                        lines.setdefault(n, []).append(geom)
        merged = {n: shapely.union_all(g) for n, g in lines.items()}
        points: dict[frozenset[str], Point] = {}
        if crossings is not None and len(crossings):
            metric = crossings.to_crs(settings.metric_crs)
            for a, b, geom in zip(metric["road_a"], metric["road_b"], metric.geometry, strict=True):
                points.setdefault(frozenset({squeeze(a), squeeze(b)}), geom)
        return cls(merged, points)

    def side(self, boundary: Mapping[str, Any], side: str) -> list[str]:
        return [squeeze(n) for n in boundary.get(side) or []]


def corners(boundary: Mapping[str, Any], world: _World) -> dict[tuple[str, str], Point]:
    """The corners known for adjacent sides: a crossing named after their roads, else the
    point where their lines meet (closer than `CORNER_GAP_M`)."""
    out: dict[tuple[str, str], Point] = {}
    for s1, s2 in ADJACENT:
        for a in world.side(boundary, s1):
            for b in world.side(boundary, s2):
                hit = world.crossings.get(frozenset({a, b}))
                if hit is None and a in world.lines and b in world.lines:
                    pa, pb = nearest_points(world.lines[a], world.lines[b])
                    if pa.distance(pb) <= CORNER_GAP_M:
                        hit = Point((pa.x + pb.x) / 2, (pa.y + pb.y) / 2)
                if hit is not None and (s1, s2) not in out:
                    out[(s1, s2)] = hit
    return out


def implausible(area: BaseGeometry, sides: Mapping[str, BaseGeometry]) -> str | None:
    """Why a drawn area (metric) would mislead, or None: fewer than two sides known (`one
    side`), a sliver (narrower than `MIN_WIDTH_M` or longer than `MAX_ELONGATION` times its
    width), or reaching further than `MAX_FAR_M` from every known side (`far`)."""
    if len(sides) < 2:
        return "one side"
    thin = sliver(area)
    if thin is not None:
        return thin
    roads = shapely.union_all(list(sides.values()))
    outline = shapely.get_coordinates(shapely.segmentize(area, 50.0))
    rep = area.representative_point()
    probes = np.vstack([outline, [[rep.x, rep.y]]])
    far = float(np.max(shapely.distance(shapely.points(probes), roads)))
    if far > MAX_FAR_M:
        return f"far ({far:.0f} m from the roads named)"
    return None


def sliver(area: BaseGeometry) -> str | None:
    """ "sliver (…)" when `area` (metric) is narrower than `MIN_WIDTH_M` or longer than
    `MAX_ELONGATION` times its width, else None."""
    perimeter = area.length
    width = 2 * area.area / perimeter if perimeter else 0.0
    rect = area.minimum_rotated_rectangle
    edges = np.hypot(*np.diff(shapely.get_coordinates(rect)[:4], axis=0).T) if rect.area else [0]
    length = float(max(edges))
    if width < MIN_WIDTH_M or (width and length / width > MAX_ELONGATION):
        return f"sliver ({width:.0f} m wide, {length:.0f} m long)"
    return None


def resolve_boundary(
    boundary: Mapping[str, Any],
    roads: gpd.GeoDataFrame,
    evidence: BoundaryEvidence | None = None,
    clip: BaseGeometry | None = None,
) -> BoundaryGeometry:
    """What to draw for a 四至 (see the module docstring); segments and enclosures ("around")
    go to `geo.pipeline.boundary` unchanged."""
    evidence = evidence or BoundaryEvidence()
    result = _resolve(boundary, roads, evidence.crossings, clip)
    if result.precision != FALLBACK_PRECISION or result.geometry is None:
        return result
    if _in_one(result.geometry, evidence.subdistricts):
        return BoundaryGeometry(result.geometry, SUBDISTRICT_PRECISION, result.missing_sides)
    return result


def _in_one(geom: BaseGeometry, subdistricts: gpd.GeoDataFrame | None) -> bool:
    """Whether one 街道 holds at least `ONE_SUBDISTRICT_SHARE` of `geom` (WGS84)."""
    if subdistricts is None or not len(subdistricts):
        return False
    metric = geometry_to_metric(geom)
    lineal = shapely.get_dimensions(metric) == 1
    whole = metric.length if lineal else metric.area
    if whole <= 0:
        return False
    for area in subdistricts.to_crs(settings.metric_crs).geometry:
        part = metric.intersection(area)
        if (part.length if lineal else part.area) >= ONE_SUBDISTRICT_SHARE * whole:
            return True
    return False


def _resolve(
    boundary: Mapping[str, Any],
    roads: gpd.GeoDataFrame,
    crossings: gpd.GeoDataFrame | None,
    clip: BaseGeometry | None,
) -> BoundaryGeometry:
    drawn = boundary_geometry(dict(boundary), roads, clip=clip)
    if "along" in boundary or "around" in boundary or drawn.precision == 1:
        return drawn
    world = _World.of(roads, crossings)
    sides = {
        s: shapely.union_all([world.lines[n] for n in names if n in world.lines])
        for s in SIDES
        if (names := world.side(boundary, s)) and any(n in world.lines for n in names)
    }
    found = corners(boundary, world)
    missing = list(drawn.missing_sides)
    if len(found) >= 3:
        hull = MultiPoint(list(found.values())).convex_hull
        if isinstance(hull, Polygon) and sliver(hull) is None:
            precision = 2 if len(found) == 4 else FALLBACK_PRECISION
            note = f"corners: {len(found)} of 4 (crossings named by bus stops, or lines meeting)"
            return BoundaryGeometry(geometry_from_metric(hull), precision, [*missing, note])
    unknown = [s for s in SIDES if boundary.get(s) and s not in sides]
    if drawn.geometry is not None and drawn.geometry.geom_type in ("Polygon", "MultiPolygon"):
        reason = implausible(geometry_to_metric(drawn.geometry), sides)
        if reason is None and unknown:
            reason = f"open: no line for the {'/'.join(unknown)} side"
        if reason is None:
            return drawn
        missing.append(f"no polygon: {reason}")
    if not sides:
        return BoundaryGeometry(None, None, missing)
    lines = _near_corners(sides, list(found.values()))
    if lines is None or lines.is_empty:
        return BoundaryGeometry(None, None, missing)
    missing.append("fallback: the known sides' road lines")
    return BoundaryGeometry(geometry_from_metric(lines), FALLBACK_PRECISION, missing)


def _near_corners(sides: Mapping[str, BaseGeometry], found: list[Point]) -> BaseGeometry | None:
    """The known sides' lines within `NEAR_CORNERS_M` of the corners (or of where the lines come
    closest to each other), or the lines themselves when nothing says where they meet."""
    anchors = list(found)
    names = sorted(sides)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            pa, pb = nearest_points(sides[a], sides[b])
            if pa.distance(pb) <= 2 * NEAR_CORNERS_M:
                anchors.append(Point((pa.x + pb.x) / 2, (pa.y + pb.y) / 2))
    everything = shapely.union_all(list(sides.values()))
    if not anchors:
        return everything if len(sides) == 1 else None
    around = shapely.union_all([p.buffer(NEAR_CORNERS_M) for p in anchors])
    return everything.intersection(around)
