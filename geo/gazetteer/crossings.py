"""The gazetteer layers bus stops add: `stops` (those named after a crossing), `crossings`
(one point per crossing) and estimated road lines merged into `roads` — built from every OSM
file read with the pure model of `geo.geocode.crossings` (stop names → crossings → lines).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from atlas.settings import settings
from geo.geocode.crossings import (
    OFF_LINE_M,
    RoadEstimate,
    Stop,
    crossing_points,
    crossings_from_stops,
    estimate_roads,
    line_leave_one_out,
    parse_stops,
    road_points,
)

__all__ = ["ESTIMATE_COLUMNS", "STOP_COLUMNS", "CrossingLayers", "crossing_layers"]

# --- the gazetteer layers ------------------------------------------------------------------

#: Stops further than this (metres) from the district are not read: enough to carry a road's
#: line a little past the district edge, not a second road of the same name across the city.
STOPS_NEAR_M = 1500.0
#: Too few held-out crossings to measure an estimated line's offset: use this (metres).
DEFAULT_LINE_UNCERTAINTY_M = 100.0
#: An estimated line (or extension) further than this (metres) from the district is left out.
ESTIMATE_REACH_M = 300.0
STOP_COLUMNS: tuple[str, ...] = ("name", "aliases", "kind", "source", "licence", "road", "cross")
#: Columns the roads layer gains: how a line was derived ("" when a source draws it all), how
#: far its estimated stretch may be off (metres), and whether its numbering start lies on it.
ESTIMATE_COLUMNS: tuple[str, ...] = ("derivation", "uncertainty_m", "start_estimated")


@dataclass(frozen=True)
class CrossingLayers:
    """What bus stops add to the gazetteer: the stops named after a crossing, the crossings,
    the roads layer with estimated lines, and the measured offset of those lines."""

    stops: gpd.GeoDataFrame
    crossings: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    line_uncertainty_m: float


def _element(source: str) -> str:
    """The OSM element of a `file#node/1` reference (the same stop in two extracts)."""
    return source.partition("#")[2] or source


def crossing_layers(
    stops: gpd.GeoDataFrame, roads: gpd.GeoDataFrame, district: BaseGeometry
) -> CrossingLayers:
    """The stops of `stops` (name, source; WGS84 points, from every OSM file read) within
    `STOPS_NEAR_M` of `district` (WGS84) turned into the gazetteer's `stops` and `crossings`
    layers, and `roads` (the merged roads layer) with lines estimated through the crossings."""
    known = frozenset(roads["name"]) if len(roads) else frozenset()
    if len(stops):
        stops = stops.assign(_element=[_element(str(s)) for s in stops["source"]])
        stops = stops.sort_values(["_element", "source"]).drop_duplicates("_element")
        zone = gpd.GeoSeries([district], crs=settings.crs).to_crs(settings.metric_crs)
        near = zone.buffer(STOPS_NEAR_M).to_crs(settings.crs).iloc[0]
        stops = stops[stops.intersects(near)]
    parsed = parse_stops(stops, known)
    stop_rows = [
        {
            "name": f"{s.on}{s.cross}",
            "aliases": "",
            "kind": "bus_stop",
            "source": s.source,
            "licence": "ODbL-1.0",
            "road": s.on,
            "cross": s.cross,
            "geometry": s.point,
        }
        for s in parsed
    ]
    stop_layer = gpd.GeoDataFrame(
        pd.DataFrame(stop_rows, columns=[*STOP_COLUMNS, "geometry"]),
        geometry="geometry",
        crs=settings.metric_crs,
    ).to_crs(settings.crs)
    stop_layer = stop_layer.sort_values(["name", "source"], ignore_index=True)
    crossings = crossings_from_stops(parsed)
    # a road some stops stand on: a line through them; a road none stands on: through the
    # crossings the other roads' stops name (coarser: measured apart)
    on_road = road_points(parsed)
    centres = {
        road: points
        for road, points in crossing_points(parsed).items()
        if len(on_road.get(road, [])) < 2
    }
    line_unc = _measured(on_road)
    centre_unc = _measured(crossing_points(parsed))
    metric = roads.to_crs(settings.metric_crs) if len(roads) else roads
    lines = dict(zip(metric["name"], metric.geometry, strict=True)) if len(roads) else {}
    estimates = [
        *estimate_roads(
            {r: p for r, p in on_road.items() if len(p) >= 2},
            lines,
            line_uncertainty_m=line_unc,
            point_uncertainty_m=float("nan"),
        ),
        *estimate_roads(
            centres, lines, line_uncertainty_m=centre_unc, point_uncertainty_m=float("nan")
        ),
    ]
    return CrossingLayers(
        stop_layer,
        crossings,
        _with_estimates(roads, estimates, lines, parsed, _metric(district)),
        line_unc,
    )


def _measured(points: Mapping[str, list[tuple[Any, Point]]]) -> float:
    """The 90th percentile of each interior crossing's distance from the line through the
    others (`line_leave_one_out`): how far such an estimated line may be off (metres)."""
    arrays = {k: np.array([[p.x, p.y] for _c, p in v]) for k, v in points.items()}
    offsets = [e for _n, e in line_leave_one_out(arrays)]
    if len(offsets) < 5:
        return DEFAULT_LINE_UNCERTAINTY_M
    return round(float(np.quantile(offsets, 0.9)), 1)


def _metric(geom: BaseGeometry) -> BaseGeometry:
    projected: BaseGeometry = (
        gpd.GeoSeries([geom], crs=settings.crs).to_crs(settings.metric_crs).iloc[0]
    )
    return projected


def _with_estimates(
    roads: gpd.GeoDataFrame,
    estimates: list[RoadEstimate],
    lines: Mapping[str, BaseGeometry],
    stops: list[Stop],
    district: BaseGeometry,
) -> gpd.GeoDataFrame:
    """`roads` with the estimated lines: a drawn stub or gappy road gets its extension when the
    extension reaches the district (a drawn road's stretch elsewhere in the city changes
    nothing here), a road no source draws a new row; points (one crossing) are left to the
    crossings layer."""
    from geo.geocode.numbering import numbering_start

    out = roads.copy()
    out["derivation"] = ""
    out["uncertainty_m"] = 0.0
    out["start_estimated"] = False
    sources: dict[str, list[str]] = {}
    for s in stops:
        sources.setdefault(s.on, []).append(_element(s.source))
    new_rows = []
    position = {name: i for i, name in enumerate(out["name"])}
    for est in estimates:
        if est.geometry.geom_type == "Point":
            continue
        start = numbering_start(est.geometry)
        known = lines.get(est.name)
        reach = est.geometry if known is None else est.geometry.difference(known.buffer(1.0))
        if reach.distance(district) > ESTIMATE_REACH_M:
            continue
        on_estimate = known is None or known.distance(start) > OFF_LINE_M
        geom = gpd.GeoSeries([est.geometry], crs=settings.metric_crs).to_crs(settings.crs).iloc[0]
        file = next((s.source.partition("#")[0] for s in stops if s.on == est.name), "")
        source = f"{file}#{';'.join(sorted(set(sources.get(est.name, []))))}"
        values = {
            "derivation": est.derivation,
            "uncertainty_m": est.uncertainty_m,
            "start_estimated": bool(on_estimate),
        }
        if est.name in position:
            i = out.index[position[est.name]]
            out.at[i, "geometry"] = geom
            out.at[i, "source"] = f"{out.at[i, 'source']} + {source}"
            for key, value in values.items():
                out.at[i, key] = value
            if on_estimate:
                out.at[i, "start_cut"] = False
        else:
            new_rows.append(
                {
                    "name": est.name,
                    "aliases": "",
                    "kind": "road",
                    "source": source,
                    "licence": "ODbL-1.0",
                    "start_cut": False,
                    **values,
                    "geometry": geom,
                }
            )
    if new_rows:
        added = gpd.GeoDataFrame(pd.DataFrame(new_rows), geometry="geometry", crs=settings.crs)
        out = gpd.GeoDataFrame(pd.concat([out, added], ignore_index=True), crs=settings.crs)
    return out.sort_values("name", ignore_index=True)
