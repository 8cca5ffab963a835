"""Held-out predictions beyond the house-number leave-one-out: what the geocoder's new kinds
of answer are measured on, so their radius (`uncertainty_m`) is a measured one.

* `crossing_rows` — a crossing named by bus stops ("临汾路阳曲路口") against the junction of
  the two roads where the sources draw both: how far the stops' mean lies from it;
* `estimated_rows` — numbering along a line estimated through crossings: each surveyed road
  with a real start and numbered places is drawn again from its own bus stops alone, and its
  places are predicted from that line's start (`address:model:estimated`);
* `lone_rows` — a road known only by one crossing: how far the numbered places of roads
  lie from each crossing of their road (`address:road:crossing`).

Rows are `geo.geocode.numbering.LooRow`s with the predicted and true points, pooled with the
numbering leave-one-out by `Uncertainty.fit`. Pure geometry in the metric CRS.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from geo.geocode.crossings import chain
from geo.geocode.evidence import Evidence, points_array
from geo.geocode.numbering import LooRow, RoadNumbering

__all__ = [
    "METHOD_CROSSING",
    "METHOD_LONE",
    "crossing_rows",
    "estimated_rows",
    "lone_rows",
]

METHOD_CROSSING = "address:crossing"
METHOD_LONE = "address:road:crossing"
#: A road known by one crossing is a short road, or one that mostly lies elsewhere: it is
#: measured on roads with at most this many crossings (longer roads would overstate the error).
LONE_MAX_CROSSINGS = 3
#: Two lines closer than this (metres) meet; a junction further than `SAME_CROSSING_M` from
#: the stops is another crossing of the same two names.
MEET_M = 30.0
SAME_CROSSING_M = 600.0


def crossing_rows(evidence: Evidence, lines: Mapping[str, BaseGeometry]) -> list[LooRow]:
    """Each stop-named crossing whose two roads both have a surveyed line that meets the
    other: the distance from the stops' mean to the junction."""
    rows = []
    for key, hit in sorted(evidence.crossing_pairs.items(), key=lambda kv: kv[1].name):
        a, b = sorted(key)
        if a not in lines or b not in lines:
            continue
        junction = lines[a].intersection(lines[b])
        if junction.is_empty:
            pa, pb = nearest_points(lines[a], lines[b])
            if pa.distance(pb) > MEET_M:
                continue
            truth = Point((pa.x + pb.x) / 2, (pa.y + pb.y) / 2)
        else:
            xy = shapely.get_coordinates(junction)
            near = int(np.argmin(np.hypot(xy[:, 0] - hit.metric.x, xy[:, 1] - hit.metric.y)))
            truth = Point(xy[near])
        error = float(truth.distance(hit.metric))
        if error <= SAME_CROSSING_M:
            rows.append(LooRow(hit.name, 0, METHOD_CROSSING, 0.0, error, hit.metric, truth))
    return rows


def estimated_rows(
    numberings: Mapping[str, RoadNumbering],
    stop_points: Mapping[str, list[tuple[str, Point]]],
    prior: float,
) -> list[LooRow]:
    """Surveyed roads with a real start, drawn again from their own stops: their numbered
    places predicted from that line's start, as the geocoder does on an estimated road."""
    rows = []
    for name, road in sorted(numberings.items()):
        if road.start_cut or road.estimated or not road.anchors:
            continue
        pieces = [p for p in chain(points_array(stop_points.get(name, []))) if len(p) >= 2]
        if not pieces:
            continue
        line = LineString(max(pieces, key=len))
        simulated = RoadNumbering(name, line, False, {}, estimated=True)
        for n, truth in sorted(road.anchors.items()):
            est = simulated.estimate(n, prior, {})
            if est is not None:
                error = float(est.point.distance(truth))
                rows.append(LooRow(name, n, est.method, est.gap_m, error, est.point, truth))
    return rows


def lone_rows(numberings: Mapping[str, RoadNumbering], evidence: Evidence) -> list[LooRow]:
    """Numbered places against every stop-named crossing of their road (roads with at most
    `LONE_MAX_CROSSINGS`): how far an answer at a road's one known crossing may be from an
    address on that road."""
    rows = []
    for name, road in sorted(numberings.items()):
        hits = evidence.crossings_of(name)
        if len(hits) > LONE_MAX_CROSSINGS:
            continue
        for n, truth in sorted(road.anchors.items()):
            for hit in hits:
                error = float(truth.distance(hit.metric))
                rows.append(LooRow(name, n, METHOD_LONE, 0.0, error, hit.metric, truth))
    return rows
