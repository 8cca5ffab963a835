"""The gazetteer index: name keys, roads with their numbering, area look-ups — built once per
gazetteer, with a public read-only API (the resolution steps and
`geo.geocode.online` use only that).

Distances are computed in the metric CRS (`settings.metric_crs`): every geometry the
numbering or a radius needs is projected once, here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from atlas.settings import settings
from extract.address import street_anchor
from geo.geocode.calibrate import (
    SUBDISTRICT_SHARE,
    Calibration,
    pull_inside,
    region_of,
    subdistrict_of_disc,
)
from geo.geocode.evidence import EVIDENCE_LAYERS, Evidence
from geo.geocode.heldout import crossing_rows, estimated_rows, lone_rows
from geo.geocode.numbering import (
    LooRow,
    RoadNumbering,
    leave_one_out,
    prior_rate,
)
from geo.geocode.protocols import GazetteerSource
from geo.geocode.types import (
    LAYERS,
    ROAD_END,
    SUBDISTRICT_END,
    ZONE_SUFFIXES,
    normalise_name,
)
from geo.join import subdistrict_of, zone_of
from geo.schema import MULTI_SEP

FUZZY_MIN_LEN = 5
#: A line or area names a 街道 only when that 街道 holds at least this share of it.
ONE_SUBDISTRICT_SHARE = 0.9
#: Places sharing one street number further apart than this are not an anchor.
ANCHOR_SPREAD_M = 150.0
#: An anchor further than this from its road's line is not on it (a wrong position or address).
ANCHOR_MAX_OFF_M = 100.0
#: An anchor whose metres-per-number differs from the prior by more than this factor is a
#: mistyped number (静安嘉里中心 "15151") on a road numbered from a real start.
ANCHOR_RATE_FACTOR = 5.0


@dataclass(frozen=True)
class Feature:
    """One named gazetteer feature: WGS84 geometry (roads: the in-district part), its
    representative point, 街道 and zones, and `radius_m`: how far the shape reaches from the
    point (0 for a point)."""

    layer: str
    name: str
    geometry: BaseGeometry
    point: Point
    subdistrict: str | None
    zone: str | None
    inside: bool = True  # the anchor point lies in the district
    radius_m: float = 0.0


@dataclass(frozen=True)
class Road:
    """A road (or a street known only through numbered places) and its numbering."""

    name: str
    line: BaseGeometry | None  # in-district part (WGS84); None for a street known by addresses
    numbering: RoadNumbering | None  # whole line, metric; None without line or anchors
    places: Mapping[int, int]  # exact house number → feature id
    fid: int | None = None  # the road's feature, when it has a line
    #: how the line was derived when part of it is estimated through bus-stop crossings
    #: (`geo.gazetteer.crossings`), and how far that part may be off (metres); "" / 0 when a
    #: source draws it all
    derivation: str = ""
    uncertainty_m: float = 0.0


def gazetteer_layers(gazetteer: GazetteerSource) -> dict[str, gpd.GeoDataFrame]:
    """The layers of a `Gazetteer` (attributes) or a mapping; missing ones empty."""
    out = {}
    for layer in (*LAYERS, *EVIDENCE_LAYERS):
        frame = (
            gazetteer.get(layer)
            if isinstance(gazetteer, Mapping)
            else getattr(gazetteer, layer, None)
        )
        if frame is None:
            frame = gpd.GeoDataFrame({"name": []}, geometry=[], crs="EPSG:4326")
        elif frame.crs is not None and frame.crs != "EPSG:4326":
            frame = frame.to_crs("EPSG:4326")
        out[layer] = frame.reset_index(drop=True)
    return out


def _aliases(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    return [a for a in str(value).split("|") if a.strip()]


def _longest_part(geom: BaseGeometry) -> BaseGeometry:
    merged = shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom
    if merged.geom_type.startswith("Multi") or merged.geom_type == "GeometryCollection":
        lines = [g for g in shapely.get_parts(merged) if g.geom_type == "LineString"]
        return max(lines, key=lambda g: g.length) if lines else merged
    return merged


def _lines_only(geom: BaseGeometry) -> BaseGeometry:
    """The lineal part of a clip result (drops stray points where a road grazes the edge)."""
    if geom.geom_type in ("LineString", "MultiLineString") or geom.is_empty:
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type.endswith("LineString")]
    return shapely.union_all(parts) if parts else shapely.GeometryCollection()


def _anchor_point(geom: BaseGeometry) -> Point | None:
    """The point that stands for a shape: a line's midpoint, else its representative point."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type.endswith("LineString"):
        return _longest_part(geom).interpolate(0.5, normalized=True)
    return geom.representative_point()


def _area_tree(frame: gpd.GeoDataFrame) -> tuple[shapely.STRtree | None, np.ndarray]:
    """An STRtree over an area layer and its names, for one-point look-ups."""
    if not len(frame):
        return None, np.array([], dtype=object)
    return shapely.STRtree(frame.geometry.to_numpy()), frame["name"].to_numpy(dtype=object)


def _transform(geom: BaseGeometry, transformer: Transformer) -> BaseGeometry:
    """`geom` through a pyproj transformer (x and y arrays in, x and y arrays out)."""
    fn: Any = transformer.transform
    return shapely.transform(geom, fn, interleaved=False)


def _radii(geoms: gpd.GeoSeries, points: gpd.GeoSeries) -> list[float]:
    """How far each shape reaches from its point (metres): the radius of its uncertainty."""
    g = geoms.to_crs(settings.metric_crs).to_numpy()
    p = points.to_crs(settings.metric_crs).to_numpy()
    return [float(v) for v in shapely.hausdorff_distance(g, p)]


class GazetteerIndex:
    """Name keys, road anchors and area lookups precomputed once per gazetteer.

    Built from plain GeoDataFrames (pure); every query then costs dict lookups and a few
    shapely calls, never a scan of a GeoDataFrame."""

    def __init__(self, layers: Mapping[str, gpd.GeoDataFrame]):
        self._layers = gazetteer_layers(layers)
        self._to_metric = Transformer.from_crs(settings.crs, settings.metric_crs, always_xy=True)
        self._to_wgs84 = Transformer.from_crs(settings.metric_crs, settings.crs, always_xy=True)
        district = self._layers["district"]
        subs = self._layers["subdistricts"]
        outline = district if len(district) else subs
        self._district_geom = (
            shapely.union_all(outline.geometry.to_numpy()) if len(outline) else None
        )
        self.district_name = str(district["name"].iloc[0]) if len(district) else settings.district
        self._features: list[Feature] = []
        self._keys: dict[str, list[tuple[int, str]]] = {}  # key → [(feature id, how)]
        self._build_features()
        self.evidence = Evidence(self._layers, self._keys)
        self._roads: dict[str, Road] = {}
        self.prior_m_per_number = 0.0
        self._loo: list[LooRow] = []
        self._build_roads()
        self._fuzzy_keys = tuple(
            k
            for k, hits in self._keys.items()
            if len(k) >= FUZZY_MIN_LEN
            and not any(self._features[f].layer == "roads" or how == "short" for f, how in hits)
        )
        # Keys searched inside longer texts, longest first (so 静安寺街道 beats 静安寺).
        self._keys_by_first: dict[str, list[str]] = {}
        for k in sorted((k for k in self._keys if len(k) >= 2), key=len, reverse=True):
            self._keys_by_first.setdefault(k[0], []).append(k)
        self._road_set = frozenset(self._roads)
        self._sub_tree, self._sub_names = _area_tree(self._layers["subdistricts"])
        self._zone_tree, self._zone_names = _area_tree(self._layers["zones"])
        sub = self._layers["subdistricts"]
        self._sub_geoms = dict(zip(sub["name"], sub.geometry, strict=True)) if len(sub) else {}
        self._sub_metric: dict[str, BaseGeometry] = {}
        self._zone_metric: dict[int, BaseGeometry] = {}
        self._district_metric: BaseGeometry | None = None
        # radii calibrated on the held-out rows, by part of the district (needs the 街道)
        self.uncertainty = Calibration.fit(self._loo, self._regions(self._loo))

    # ------------------------------------------------------------------ read-only API
    @property
    def layers(self) -> Mapping[str, gpd.GeoDataFrame]:
        return MappingProxyType(self._layers)

    @property
    def district_geom(self) -> BaseGeometry | None:
        return self._district_geom

    @property
    def features(self) -> Sequence[Feature]:
        return self._features

    def feature(self, fid: int) -> Feature:
        return self._features[fid]

    @property
    def keys(self) -> Mapping[str, list[tuple[int, str]]]:
        return MappingProxyType(self._keys)

    @property
    def roads(self) -> Mapping[str, Road]:
        return MappingProxyType(self._roads)

    @property
    def road_names(self) -> frozenset[str]:
        return self._road_set

    @property
    def fuzzy_keys(self) -> tuple[str, ...]:
        return self._fuzzy_keys

    @property
    def leave_one_out(self) -> tuple[LooRow, ...]:
        """Each anchor held out and predicted from the rest of its road (see `numbering`)."""
        return tuple(self._loo)

    def subdistrict_geometry(self, name: str) -> BaseGeometry | None:
        return self._sub_geoms.get(name)

    def subdistrict_within(
        self, point: Point, radius_m: float, share: float = SUBDISTRICT_SHARE
    ) -> str | None:
        """The 街道 holding at least `share` of the disc of `radius_m` around `point` (its part
        inside the district: see `geo.geocode.calibrate`); None when no 街道 holds that much
        (an estimate across a boundary names no 街道: never a guess)."""
        if radius_m <= 0:
            return self.subdistrict_at(point)
        if not self._sub_geoms:
            return None
        metric = self.metric_subdistricts()
        return subdistrict_of_disc(
            cast(Point, self.to_metric(point)), radius_m, metric, self._metric_district(), share
        )

    def region_at(self, point: Point) -> str:
        """ "north" / "south" / "outside": the part of the district `point` (WGS84) lies in."""
        return region_of(self.subdistrict_at(point))

    def radius(self, method: str, gap_m: float, point: Point) -> float:
        """The calibrated radius of an answer by `method` at `point` (WGS84)."""
        return self.uncertainty.radius(method, gap_m, self.region_at(point))

    def _regions(self, rows: Sequence[LooRow]) -> list[str]:
        """The part of the district each held-out row's true point lies in."""
        if not self._sub_geoms:
            return ["outside"] * len(rows)
        return [
            self.region_at(self.point_to_wgs84(r.truth)) if r.truth is not None else "outside"
            for r in rows
        ]

    def metric_subdistricts(self) -> dict[str, BaseGeometry]:
        """name → 街道 polygon in the metric CRS (for measuring discs and shares)."""
        return {name: self._metric_subdistrict(name) for name in sorted(self._sub_geoms)}

    @property
    def metric_district(self) -> BaseGeometry | None:
        """The district outline in the metric CRS."""
        return self._metric_district()

    def _metric_district(self) -> BaseGeometry | None:
        if self._district_geom is None:
            return None
        if self._district_metric is None:
            self._district_metric = self.to_metric(self._district_geom)
        return self._district_metric

    def pull_inside(self, point: Point) -> Point | None:
        """`point` (WGS84) when in the district; moved just inside when a few metres outside
        (an estimate on a boundary road: `geo.geocode.calibrate.pull_inside`); else None."""
        district = self._metric_district()
        if district is None:
            return point
        if self._district_geom is not None and self._district_geom.intersects(point):
            return point
        moved = pull_inside(cast(Point, self.to_metric(point)), district)
        return None if moved is None else self.point_to_wgs84(moved)

    def zone_within(self, point: Point, radius_m: float) -> str | None:
        """The zones holding the whole disk of `radius_m` around `point` (`;`-joined)."""
        if self._zone_tree is None:
            return None
        hits = self._zone_tree.query(point, predicate="intersects")
        if radius_m <= 0:
            return self.zone_at(point)
        here = self.to_metric(point)
        zones = self._layers["zones"].geometry.to_numpy()
        names = sorted(
            {
                str(self._zone_names[i])
                for i in hits
                if self._metric_zone(int(i), zones[i]).boundary.distance(here) >= radius_m
            }
        )
        return MULTI_SEP.join(names) if names else None

    def _metric_zone(self, i: int, geom: BaseGeometry) -> BaseGeometry:
        if i not in self._zone_metric:
            self._zone_metric[i] = self.to_metric(geom)
        return self._zone_metric[i]

    def subdistrict_along(self, geom: BaseGeometry, share: float = 0.9) -> str | None:
        """The 街道 holding at least `share` of a line (or area), else None."""
        if not self._sub_geoms or geom is None or geom.is_empty:
            return None
        metric = self.to_metric(geom)
        measure = metric.length if shapely.get_dimensions(metric) == 1 else metric.area
        if measure <= 0:
            return self.subdistrict_at(geom.representative_point())
        for name in sorted(self._sub_geoms):
            part = metric.intersection(self._metric_subdistrict(name))
            got = part.length if shapely.get_dimensions(metric) == 1 else part.area
            if got >= share * measure:
                return str(name)
        return None

    def _metric_subdistrict(self, name: str) -> BaseGeometry:
        if name not in self._sub_metric:
            self._sub_metric[name] = self.to_metric(self._sub_geoms[name])
        return self._sub_metric[name]

    def to_metric(self, geom: BaseGeometry) -> BaseGeometry:
        return _transform(geom, self._to_metric)

    def point_to_wgs84(self, point: Point) -> Point:
        x, y = self._to_wgs84.transform(point.x, point.y)
        return Point(x, y)

    def to_wgs84(self, geom: BaseGeometry) -> BaseGeometry:
        return _transform(geom, self._to_wgs84)

    # ------------------------------------------------------------------ construction
    def _build_features(self) -> None:
        rows = []  # (layer, name, aliases, short name, geometry, point)
        for layer in LAYERS:
            frame = self._layers[layer]
            if not len(frame):
                continue
            geoms = frame.geometry
            if layer == "roads" and self._district_geom is not None:
                geoms = geoms.intersection(self._district_geom).apply(_lines_only)
            elif layer == "water" and self._district_geom is not None:
                # a river on the district line (苏州河) stands for its part inside
                geoms = geoms.intersection(self._district_geom)
            short = frame["short_name"] if "short_name" in frame else [None] * len(frame)
            aliases = frame["aliases"] if "aliases" in frame else [None] * len(frame)
            for name, alias, short_name, geom in zip(
                frame["name"], aliases, short, geoms, strict=True
            ):
                if geom is None or geom.is_empty or not isinstance(name, str) or not name:
                    continue
                # Lines stand for themselves by their in-district midpoint, areas by an
                # inside point (as in `geo.join`).
                rows.append((layer, name, _aliases(alias), short_name, geom, _anchor_point(geom)))
        if not rows:
            return
        points = gpd.GeoSeries([r[5] for r in rows], crs="EPSG:4326")
        subs = self._subdistricts_for(rows, points)
        zones = (
            list(zone_of(points, self._layers["zones"]))
            if len(self._layers["zones"])
            else [None] * len(rows)
        )
        radii = _radii(
            gpd.GeoSeries([r[4] for r in rows], crs=settings.crs), points.set_crs(settings.crs)
        )
        for (layer, name, aliases, short_name, geom, point), sub, zone, radius in zip(
            rows, subs, zones, radii, strict=True
        ):
            fid = len(self._features)
            inside = self._district_geom is None or bool(self._district_geom.intersects(point))
            feature = Feature(layer, name, geom, cast(Point, point), sub, zone, inside, radius)
            self._features.append(feature)
            self._add_keys(fid, layer, name, aliases, short_name)

    def _add_keys(
        self, fid: int, layer: str, name: str, aliases: list[str], short_name: object
    ) -> None:
        """The lookup keys of feature `fid`: its name, aliases and the spoken short forms."""
        self._add_key(name, fid, "name")
        if layer == "subdistricts" and isinstance(short_name, str) and short_name:
            # "静安寺", "江宁路" alone are the temple and the road, not the 街道: a
            # short name (even when also listed as an alias) is a weak key.
            self._add_key(short_name, fid, "short")
            for end in SUBDISTRICT_END:
                self._add_key(short_name + end, fid, "alias")
        for alias in aliases:
            self._add_key(alias, fid, "alias")
        if layer == "roads":
            # "延安路高架" is the usual spoken form of the elevated road 延安高架路.
            for text in [name, *aliases]:
                stem = _strip_suffix(normalise_name(text), ("高架路",))
                if stem and not stem.endswith("路"):
                    self._add_key(stem + "路高架", fid, "alias")
        if layer == "zones":
            # "大宁功能区" is also called "大宁": the stem is a weak key.
            for text in [name, *aliases]:
                stem = _strip_suffix(normalise_name(text), ZONE_SUFFIXES)
                if stem:
                    self._add_key(stem, fid, "short")

    def _subdistricts_for(
        self, rows: list[tuple[Any, ...]], points: gpd.GeoSeries
    ) -> list[str | None]:
        """The 街道 of each feature: itself for a 街道, else the one holding its point — but a
        line or area (a road, a zone, a park, the district) names a 街道 only when that 街道
        holds ≥ `ONE_SUBDISTRICT_SHARE` of it (length or area, metric): never the one its
        point happens to fall in. Vectorised over arrays."""
        subs = self._layers["subdistricts"]
        if not len(subs):
            return [None] * len(rows)
        out = list(subdistrict_of(points, subs))
        by_name = dict(zip(subs["name"], subs.to_crs(settings.metric_crs).geometry, strict=True))
        geoms = gpd.GeoSeries([r[4] for r in rows], crs=settings.crs).to_crs(settings.metric_crs)
        values = geoms.to_numpy()
        dims = shapely.get_dimensions(values)
        check = [
            i
            for i, row in enumerate(rows)
            if row[0] != "subdistricts" and dims[i] >= 1 and out[i] is not None
        ]
        if check:
            mine = values[check]
            theirs = np.array([by_name[out[i]] for i in check], dtype=object)
            part = shapely.intersection(mine, theirs)
            lines = dims[check] == 1
            got = np.where(lines, shapely.length(part), shapely.area(part))
            whole = np.where(lines, shapely.length(mine), shapely.area(mine))
            for i, g, w in zip(check, got, whole, strict=True):
                if w > 0 and g / w < ONE_SUBDISTRICT_SHARE:
                    out[i] = None
        for i, row in enumerate(rows):
            if row[0] == "subdistricts":
                out[i] = row[1]
        return out

    def _add_key(self, text: str, fid: int, how: str) -> None:
        for key in {normalise_name(text), normalise_name(text, notes=True)}:
            if len(key) < 2:
                continue
            hits = self._keys.setdefault(key, [])
            if all(f != fid for f, _ in hits):
                hits.append((fid, how))

    def _build_roads(self) -> None:
        """Roads by name (and alias), each with its numbering (whole line + anchors, metric).

        Anchors are places with a street and house number (OSM addr:*), kept when one number
        is one place, on its road's line and plausibly numbered. A street known only through
        its anchors (no line) is numbered between them only."""
        frame = self._layers["roads"]
        lines: dict[str, int] = {}
        for fid, f in enumerate(self._features):
            if f.layer == "roads" and f.geometry.geom_type.endswith("LineString"):
                lines.setdefault(f.name, fid)
        whole = _whole_lines(frame)
        whole_meta = _line_meta(frame)
        anchors, exact = self._anchors()
        numberings: dict[str, RoadNumbering] = {}
        for road in sorted(set(lines) | set(anchors)):
            points = _one_place_per_number(anchors.get(road, {}))
            line, cut = whole.get(road, (None, True))
            if line is not None:
                points = {n: p for n, p in points.items() if line.distance(p) <= ANCHOR_MAX_OFF_M}
                estimated = whole_meta.get(road, _Meta()).start_estimated
                numberings[road] = RoadNumbering(road, line, cut, points, estimated=estimated)
            elif len(points) >= 2:
                path = LineString([points[n] for n in sorted(points)])
                numberings[road] = RoadNumbering(road, path, True, points)
        self.prior_m_per_number = prior_rate(numberings.values())
        for numbering in numberings.values():
            _drop_misnumbered(numbering, self.prior_m_per_number)
        self.prior_m_per_number = prior_rate(numberings.values())
        self._loo = leave_one_out(list(numberings.values()), self.prior_m_per_number)
        # the new kinds of answer, measured on held-out evidence (`geo.geocode.heldout`)
        surveyed = {n: g for n, (g, _c) in whole.items() if not whole_meta[n].derivation}
        self._loo += crossing_rows(self.evidence, surveyed)
        stop_points = self.evidence.stop_points()
        self._loo += estimated_rows(numberings, stop_points, self.prior_m_per_number)
        self._loo += lone_rows(numberings, self.evidence)
        for road in sorted(set(lines) | set(anchors)):
            road_fid = lines.get(road)
            road_line = self._features[road_fid].geometry if road_fid is not None else None
            road_numbering = numberings.get(road)
            if road_line is None and road_numbering is None:
                continue
            places = exact.get(road, {})
            meta = whole_meta.get(road, _Meta())
            self._roads[road] = Road(
                road,
                road_line,
                road_numbering,
                places,
                road_fid,
                meta.derivation,
                meta.uncertainty_m,
            )
        # Road aliases resolve to the same entry.
        for key, hits in self._keys.items():
            for fid, _how in hits:
                f = self._features[fid]
                if f.layer == "roads" and f.name in self._roads and key not in self._roads:
                    self._roads[key] = self._roads[f.name]

    def _anchors(
        self,
    ) -> tuple[dict[str, dict[int, list[Point]]], dict[str, dict[int, int]]]:
        """(road → number → metric place points, road → exact house number → feature id)."""
        places = self._layers["places"]
        anchors: dict[str, dict[int, list[Point]]] = {}
        exact: dict[str, dict[int, int]] = {}
        if not len(places) or "street" not in places:
            return anchors, exact
        place_fid: dict[str, int] = {}
        for i, f in enumerate(self._features):
            if f.layer == "places":
                place_fid.setdefault(f.name, i)
        numbers = places["housenumber"] if "housenumber" in places else [None] * len(places)
        metric = places.geometry.representative_point().to_crs(settings.metric_crs)
        for name, street, number, point in zip(
            places["name"], places["street"], numbers, metric, strict=True
        ):
            anchor = street_anchor(street, number)
            if anchor is None or point is None or point.is_empty:
                continue
            road, n = anchor
            anchors.setdefault(road, {}).setdefault(n, []).append(point)
            is_lane = str(street).strip().endswith("弄") or "弄" in str(number)
            if not is_lane and name in place_fid:
                exact.setdefault(road, {}).setdefault(n, place_fid[name])
        return anchors, exact

    # ------------------------------------------------------------------ lookups
    def subdistrict_at(self, point: Point) -> str | None:
        """The 街道 of one point (same tie rule as `geo.join.subdistrict_of`)."""
        if self._sub_tree is None:
            return None
        names = sorted(self._sub_names[self._sub_tree.query(point, predicate="intersects")])
        return str(names[0]) if names else None

    def zone_at(self, point: Point) -> str | None:
        """All zones holding one point, sorted and `;`-joined (as `geo.join.zone_of`)."""
        if self._zone_tree is None:
            return None
        names = sorted(set(self._zone_names[self._zone_tree.query(point, predicate="intersects")]))
        return MULTI_SEP.join(map(str, names)) if names else None

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping (start, end, key) of the keys found in `text`, in text order;
        where two overlap the longer wins (静安寺街道 over 静安寺)."""
        found = []
        for start, char in enumerate(text):
            for k in self._keys_by_first.get(char, ()):
                if text.startswith(k, start):
                    found.append((start, start + len(k), k))
        found.sort(key=lambda m: (m[0] - m[1], m[0]))  # longest first, then leftmost
        taken = [False] * len(text)
        kept = []
        for start, end, k in found:
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                kept.append((start, end, k))
        return sorted(kept)

    def in_district(self, point: Point) -> bool:
        return self._district_geom is not None and self._district_geom.intersects(point)


def _whole_lines(frame: gpd.GeoDataFrame) -> dict[str, tuple[BaseGeometry, bool]]:
    """name → (whole line in the metric CRS, whether its numbering start is cut)."""
    if not len(frame):
        return {}
    lineal = frame[frame.geom_type.isin(["LineString", "MultiLineString"])]
    metric = lineal.geometry.to_crs(settings.metric_crs)
    cuts = lineal["start_cut"] if "start_cut" in lineal else pd.Series(False, index=lineal.index)
    out: dict[str, tuple[BaseGeometry, bool]] = {}
    for name, geom, cut in zip(lineal["name"], metric, cuts, strict=True):
        if isinstance(name, str) and geom is not None and not geom.is_empty:
            out.setdefault(name, (geom, bool(cut) if pd.notna(cut) else False))
    return out


@dataclass(frozen=True)
class _Meta:
    """What the roads layer says about an estimated line (`geo.gazetteer.crossings`)."""

    derivation: str = ""
    uncertainty_m: float = 0.0
    start_estimated: bool = False


def _line_meta(frame: gpd.GeoDataFrame) -> dict[str, _Meta]:
    """name → derivation, uncertainty and estimated start of its line (defaults for an older
    gazetteer without those columns)."""
    out: dict[str, _Meta] = {}
    if not len(frame):
        return out
    n = len(frame)
    derivation = frame["derivation"] if "derivation" in frame else pd.Series([""] * n)
    radius = frame["uncertainty_m"] if "uncertainty_m" in frame else pd.Series([0.0] * n)
    start = frame["start_estimated"] if "start_estimated" in frame else pd.Series([False] * n)
    for name, d, r, e in zip(frame["name"], derivation, radius, start, strict=True):
        if isinstance(name, str) and name not in out:
            out[name] = _Meta(
                str(d) if isinstance(d, str) else "",
                float(r) if pd.notna(r) else 0.0,
                bool(e) if pd.notna(e) else False,
            )
    return out


def _one_place_per_number(found: Mapping[int, list[Point]]) -> dict[int, Point]:
    """Each number's places as one point, dropped when they are not one place."""
    out = {}
    for n, pts in sorted(found.items()):
        centre = shapely.centroid(shapely.MultiPoint(pts))
        if max(centre.distance(p) for p in pts) <= ANCHOR_SPREAD_M:
            out[n] = centre
    return out


def _drop_misnumbered(numbering: RoadNumbering, prior: float) -> None:
    """Drop anchors whose distance from a real start is implausible for their number."""
    if numbering.start_cut:
        return
    for n, p in list(numbering.anchors.items()):
        s = numbering.s_of(p)
        if (
            n >= 10
            and s > 0
            and not prior / ANCHOR_RATE_FACTOR <= s / n <= prior * ANCHOR_RATE_FACTOR
        ):
            del numbering.anchors[n]
    numbering.odd_side = numbering.fit_side()


def _strip_suffix(text: str, suffixes: Iterable[str]) -> str | None:
    """`text` without the first of `suffixes` it ends with (None if none, or too short)."""
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return text[: -len(suffix)]
    return None


def _road_suffixed(text: str) -> bool:
    return text.endswith(ROAD_END)


_INDEXES: dict[tuple[int, ...], tuple[tuple[Any, ...], GazetteerIndex]] = {}


def gazetteer_index(gazetteer: GazetteerSource | GazetteerIndex) -> GazetteerIndex:
    """The `GazetteerIndex` of `gazetteer`, built once per set of layer objects (the layers
    are treated as immutable, as `load_gazetteer` hands them out)."""
    if isinstance(gazetteer, GazetteerIndex):
        return gazetteer
    layers = gazetteer_layers(gazetteer)
    raw = tuple(
        (gazetteer.get(k) if isinstance(gazetteer, Mapping) else getattr(gazetteer, k, None))
        for k in LAYERS
    )
    key = tuple(id(frame) for frame in raw)
    cached = _INDEXES.get(key)
    if cached is not None and all(a is b for a, b in zip(cached[0], raw, strict=True)):
        return cached[1]
    index = GazetteerIndex(layers)
    if len(_INDEXES) >= 8:
        _INDEXES.pop(next(iter(_INDEXES)))
    _INDEXES[key] = (raw, index)  # holds the frames, so their ids stay theirs
    return index
