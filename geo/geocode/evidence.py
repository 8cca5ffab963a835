"""The evidence the geocoder reads beside names and lines: crossings named by bus stops, the
stops themselves, and the residents' committees (居委会) with their 街道.

Built once per gazetteer (by `geo.geocode.index.GazetteerIndex`) from the layers
`crossings`, `stops` and `committees` (`geo.gazetteer.crossings`, `geo.gazetteer.committees`);
an older gazetteer without them gives empty evidence. Look-ups cost dict reads;
`committee_in_text` scans a bounded list of estate names, so it stays linear in the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from atlas.settings import settings
from extract.normalise import squeeze
from geo.geocode.crossings import Stop, road_points
from geo.geocode.types import ROAD_END

__all__ = ["EVIDENCE_LAYERS", "CrossingHit", "Evidence"]

EVIDENCE_LAYERS: tuple[str, ...] = ("crossings", "stops", "committees")
#: An estate name shorter than this is too common a word to be evidence ("北京", "静安").
MIN_STEM_CHARS = 3


@dataclass(frozen=True)
class CrossingHit:
    """A crossing named by bus stops: where (WGS84 and metric), its name, how many stops."""

    name: str
    point: Point
    metric: Point
    stops: int


def _frame(layers: Mapping[str, gpd.GeoDataFrame], name: str) -> gpd.GeoDataFrame:
    frame = layers.get(name)
    if frame is None or not len(frame):
        return gpd.GeoDataFrame({"name": []}, geometry=[], crs=settings.crs)
    return frame


class Evidence:
    """Crossings, stops and committees, indexed for the resolution steps."""

    def __init__(self, layers: Mapping[str, gpd.GeoDataFrame], taken: Iterable[str] = ()):
        """`taken`: the gazetteer's own name keys; an estate name that is also a place, road
        or 街道 name is that feature, not committee evidence."""
        self._crossings: dict[frozenset[str], CrossingHit] = {}
        self._by_road: dict[str, list[CrossingHit]] = {}
        crossings = _frame(layers, "crossings")
        if len(crossings) and "road_a" in crossings:
            metric = crossings.to_crs(settings.metric_crs).geometry
            rows = zip(
                crossings["name"],
                crossings["road_a"],
                crossings["road_b"],
                crossings["stops"],
                crossings.geometry,
                metric,
                strict=True,
            )
            for name, a, b, stops, geom, m in rows:
                hit = CrossingHit(str(name), geom, m, int(stops))
                key = frozenset({str(a), str(b)})
                best = self._crossings.get(key)
                if best is None or hit.stops > best.stops:
                    self._crossings[key] = hit
                for road in (str(a), str(b)):
                    self._by_road.setdefault(road, []).append(hit)
        self._stops = _stops(_frame(layers, "stops"))
        self._lanes: dict[tuple[str, int], str] = {}
        self._stems: dict[str, str] = {}
        self._stem_order: list[str] = []
        self._committees(_frame(layers, "committees"), set(taken))

    # ------------------------------------------------------------------ crossings
    def crossing(self, road_a: str, road_b: str) -> CrossingHit | None:
        """The crossing of two roads named by bus stops (the one with most stops)."""
        return self._crossings.get(frozenset({road_a, road_b}))

    def crossings_of(self, road: str) -> list[CrossingHit]:
        """Every crossing of `road` named by bus stops."""
        return list(self._by_road.get(road, ()))

    @property
    def crossing_pairs(self) -> Mapping[frozenset[str], CrossingHit]:
        return self._crossings

    def stop_points(self) -> dict[str, list[tuple[str, Point]]]:
        """road → (road crossed, metric point) of the stops standing on it (`road_points`)."""
        return road_points(self._stops)

    # ------------------------------------------------------------------ committees
    def _committees(self, frame: gpd.GeoDataFrame, taken: set[str]) -> None:
        if not len(frame) or "subdistrict" not in frame:
            return
        stems: dict[str, set[str]] = {}
        lanes = frame["lane"] if "lane" in frame else pd.Series([None] * len(frame))
        for name, aliases, sub, road, lane in zip(
            frame["name"], frame["aliases"], frame["subdistrict"], frame["road"], lanes, strict=True
        ):
            if not sub:
                continue
            if road and pd.notna(lane):
                self._lanes[(str(road), int(lane))] = str(sub)
                continue  # a lane committee: its road runs through other 街道
            for stem in [str(name), *str(aliases or "").split("|")]:
                key = squeeze(stem)
                if len(key) >= MIN_STEM_CHARS and not key.endswith(ROAD_END) and key not in taken:
                    stems.setdefault(key, set()).add(str(sub))
        # an estate name listed in two 街道 is no evidence of either
        self._stems = {k: next(iter(v)) for k, v in stems.items() if len(v) == 1}
        self._stem_order = sorted(self._stems, key=lambda k: (-len(k), k))

    def committee_for_lane(self, road: str, lane: int) -> str | None:
        """The 街道 of the committee named after `road` + `lane` (临汾路1244弄), if any."""
        return self._lanes.get((road, lane))

    def committee_in_text(self, text: str) -> tuple[str, str] | None:
        """(estate name, 街道) of the longest committee estate named in `text` (洪南山宅,
        蕃瓜弄), or None; names that are also gazetteer features are not evidence."""
        key = squeeze(text)
        for stem in self._stem_order:
            if stem in key:
                return stem, self._stems[stem]
        return None


def _stops(frame: gpd.GeoDataFrame) -> list[Stop]:
    if not len(frame) or "road" not in frame:
        return []
    metric = frame.to_crs(settings.metric_crs)
    out = []
    for road, cross, source, geom in zip(
        metric["road"], metric["cross"], metric["source"], metric.geometry, strict=True
    ):
        if road and cross and geom is not None and not geom.is_empty:
            out.append(Stop(str(road), str(cross), geom, str(source)))
    return out


def points_array(points: list[tuple[str, Point]]) -> np.ndarray:
    """The (n, 2) coordinates of `road_points` entries."""
    return np.array([[p.x, p.y] for _c, p in points]) if points else np.empty((0, 2))
