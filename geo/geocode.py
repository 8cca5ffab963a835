"""An offline geopy geocoder over the Jing'an gazetteer, and the `python -m geo geocode` CLI.

Resolution order (the first step that answers wins; every answer carries a precision code of
`geo.schema.PRECISION`):

1. **exact** name, then **alias** (after normalisation: NFKC, no spaces or punctuation, no
   "上海市/静安区" prefix, no trailing project words such as 改造/项目/工程).
2. **fuzzy** name (rapidfuzz ratio ≥ 85 on names of ≥ 5 characters, same last character, a
   unique best candidate, no differing numeral or direction character: 第一 ≠ 第十). Roads are
   never fuzzy-matched, and queries with digits never are.
3. **address** on a named road (路/街/大道 + 号/弄/支弄, "X路Y路口", or two road names side by
   side): only roads the gazetteer has — a line in the roads layer (clipped to the district) or
   a street known through places carrying its house numbers (OSM addr:street/housenumber).
   A house number equal to a known place's → that place (precision 1); between ≥ 2 numbered
   anchors → interpolated linearly in the number, snapped onto the line (precision 2); beyond
   them → extrapolated at most 300 m (precision 2; further out it stops there and says
   precision 5, an estimate); one anchor within 20 numbers → that anchor (2); else the road's
   in-district midpoint (2); a street without a line and without usable anchors, or a point
   outside the district → no answer. A 街道 named in the text keeps the point on the part of
   the road inside it. A road the gazetteer lacks is never swapped for a similar one: its name
   is blotted out and the query falls through (so "大宁路355号" is not the zone 大宁).
4. **name in text**: one known place named inside a longer text ("大宁灵石公园北侧") → that
   place, precision 2; else one known road ("南京西路沿线") → its in-district line, precision 2.
5. **area** named in the text: a 街道/镇 (precision 3), else a functional zone (5), else the
   district itself when named as such ("静安区", "全区"; precision 4). Several 街道 → their union.
6. otherwise **unlocated** (no geometry, precision None) — never a default point.

Same-name clashes are decided by the query's own suffix: "静安寺街道" is the 街道, "静安寺" the
temple; "南京西路" is the road, "南京西路街道" the 街道, "南京西路功能区/商圈/板块/地区" the zone.
Without a suffix a bare name prefers a place, then a road, then a zone, then a 街道 (by its
short name), then the district. A bare name ending in 路/街 that is no road of the gazetteer is
not the 街道 named after it ("江宁路" → unlocated; "江宁路街道" → the 街道). A name shared by
exactly one place inside the district and places outside it means the one inside (the reports
are Jing'an's: 福新面粉厂 is the mill on 光复路, not M120 across the line). An elevated road
X高架路 is also found as "X路高架", the usual spoken form (延安路高架).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError, GeopyError
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point as GeopyPoint
from rapidfuzz import fuzz, process
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from geo.address import (
    NAME_PREFIXES,
    Address,
    Crossing,
    parse_address,
    parse_addresses,
    parse_crossing,
    street_anchor,
)
from geo.join import subdistrict_of, zone_of
from geo.schema import MULTI_SEP, UNLOCATED

LAYERS: tuple[str, ...] = ("district", "subdistricts", "zones", "roads", "places")

#: Precision of an exact hit, by gazetteer layer (the layer says what the name denotes).
LAYER_PRECISION: dict[str, int] = {
    "places": 1,
    "roads": 1,
    "subdistricts": 3,
    "district": 4,
    "zones": 5,
}

#: Suffixes that make a bare name mean a functional zone ("南京西路功能区" → zone 南京西路).
ZONE_SUFFIXES: tuple[str, ...] = (
    "功能区",
    "商圈",
    "板块",
    "片区",
    "地区",
    "区域",
    "一带",
    "核心区",
    "集聚区",
)
#: Trailing words of a project name that do not change where it is.
PROJECT_SUFFIXES: tuple[str, ...] = (
    "综合改造",
    "提升改造",
    "改造提升",
    "更新改造",
    "保护修缮",
    "修缮",
    "改造",
    "项目",
    "工程",
    "建设",
    "提升",
    "更新",
    "一期",
    "二期",
    "三期",
)
_ROAD_END = ("路", "街", "大道", "公路")
_SUBDISTRICT_END = ("街道", "镇")
_DROP_RE = re.compile(
    r"[\s\u3000·•、，,。.;；:：!！?？\"'“”‘’《》〈〉「」『』【】\[\]()（）—\-_/]+"
)
_PREFIX_RE = re.compile(r"^(?:中国)?(?:上海市)?(?:静安区)?")  # not bare 上海: 上海北站 ≠ 北站
_PAREN_RE = re.compile(r"[（(][^（）()]*[)）]")

FUZZY_CUTOFF = 85.0
#: Characters that tell two similar names apart (第一 vs 第十 人民医院, 东 vs 西): a fuzzy match
#: may not differ in any of them.
_DISTINCTIVE = set("0123456789一二三四五六七八九十百千零〇第东西南北中上下前后新老大小甲乙丙丁")
FUZZY_MIN_LEN = 5
#: One numbered anchor is trusted for an address within this many numbers of it.
NEAR_ANCHOR_NUMBERS = 20
#: Beyond the outermost anchors, a house number is extrapolated at most this far.
MAX_EXTRAPOLATION_M = 300.0
#: An interpolated point this close to the road's line is moved onto it.
SNAP_M = 150.0
#: Two road lines closer than this meet at a crossing (lines are simplified, carriageways split).
CROSSING_GAP_M = 50.0
#: Places sharing one street number further apart than this are not an anchor.
ANCHOR_SPREAD_M = 150.0
#: Metres per degree, for short distances in lon/lat (≈ at 31° N; small-scale checks only).
_M_PER_DEG = 100_000.0


def normalise_name(text: object, *, notes: bool = False) -> str:
    """The lookup key of a name: NFKC, no spaces/punctuation, no 上海市/静安区 prefix (unless
    that is the whole name), and no parenthesised note unless `notes` ("上海火车站地铁站(1号线)"
    and "(3/4号线)" are two stations; without their notes, one ambiguous name)."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    if not notes:
        s = _PAREN_RE.sub("", s) or s
    s = _DROP_RE.sub("", s)
    stripped = _PREFIX_RE.sub("", s)
    return stripped if len(stripped) >= 2 else s


@dataclass(frozen=True)
class Resolution:
    """Where a query is: never None; unlocated → geometry/lon/lat/precision None."""

    query: str
    geometry: BaseGeometry | None
    lon: float | None
    lat: float | None
    precision: int | None
    method: str
    matched: str | None
    subdistrict: str | None
    zone: str | None

    @property
    def located(self) -> bool:
        return self.geometry is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (geometry left out; see `geojson()`)."""
        out = asdict(self)
        out.pop("geometry")
        return out

    def geojson(self) -> dict[str, Any] | None:
        """The full shape as a GeoJSON geometry mapping (None when unlocated)."""
        return None if self.geometry is None else mapping(self.geometry)


def unlocated(query: str, method: str = UNLOCATED, matched: str | None = None) -> Resolution:
    """An honest blank."""
    return Resolution(query, None, None, None, None, method, matched, None, None)


@dataclass(frozen=True)
class _Feature:
    layer: str
    name: str
    geometry: BaseGeometry
    point: Point
    subdistrict: str | None
    zone: str | None
    inside: bool = True  # the anchor point lies in the district


@dataclass(frozen=True)
class _Road:
    name: str
    line: BaseGeometry | None  # in-district part; None for a street known only by addresses
    midpoint: Point | None
    anchors: tuple[tuple[int, Point], ...]  # (number, point on the road), sorted by number
    places: Mapping[int, int]  # exact house number → feature id


def gazetteer_layers(gazetteer: Any) -> dict[str, gpd.GeoDataFrame]:
    """The five layers of a `Gazetteer` (attributes) or a mapping; missing ones empty."""
    out = {}
    for layer in LAYERS:
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
        lines = [g for g in merged.geoms if g.geom_type == "LineString"]
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


def _snap(line: BaseGeometry, point: Point) -> Point:
    return line.interpolate(line.project(point))


class GazetteerIndex:
    """Name keys, road anchors and area lookups precomputed once per gazetteer.

    Built from plain GeoDataFrames (pure); every query then costs dict lookups and a few
    shapely calls, never a scan of a GeoDataFrame."""

    def __init__(self, layers: Mapping[str, gpd.GeoDataFrame]):
        self.layers = {k: layers[k] for k in LAYERS}
        district = self.layers["district"]
        subs = self.layers["subdistricts"]
        outline = district if len(district) else subs
        self.district_geom = (
            shapely.union_all(outline.geometry.to_numpy()) if len(outline) else None
        )
        self.district_name = str(district["name"].iloc[0]) if len(district) else "静安区"
        self.features: list[_Feature] = []
        self.keys: dict[str, list[tuple[int, str]]] = {}  # key → [(feature id, how)]
        self._build_features()
        self.roads: dict[str, _Road] = {}
        self._build_roads()
        self._fuzzy_keys = [
            k
            for k, hits in self.keys.items()
            if len(k) >= FUZZY_MIN_LEN
            and not any(self.features[f].layer == "roads" or how == "short" for f, how in hits)
        ]
        # Keys searched inside longer texts, longest first (so 静安寺街道 beats 静安寺).
        self._keys_by_first: dict[str, list[str]] = {}
        for k in sorted((k for k in self.keys if len(k) >= 2), key=len, reverse=True):
            self._keys_by_first.setdefault(k[0], []).append(k)
        self._road_set = frozenset(self.roads)
        self._sub_tree, self._sub_names = _area_tree(self.layers["subdistricts"])
        self._zone_tree, self._zone_names = _area_tree(self.layers["zones"])

    # ------------------------------------------------------------------ construction
    def _build_features(self) -> None:
        rows = []  # (layer, name, aliases, short name, geometry, point)
        for layer in LAYERS:
            frame = self.layers[layer]
            if not len(frame):
                continue
            geoms = frame.geometry
            if layer == "roads" and self.district_geom is not None:
                geoms = geoms.intersection(self.district_geom).apply(_lines_only)
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
            list(zone_of(points, self.layers["zones"]))
            if len(self.layers["zones"])
            else [None] * len(rows)
        )
        for (layer, name, aliases, short_name, geom, point), sub, zone in zip(
            rows, subs, zones, strict=True
        ):
            fid = len(self.features)
            inside = self.district_geom is None or bool(self.district_geom.intersects(point))
            self.features.append(_Feature(layer, name, geom, point, sub, zone, inside))
            self._add_key(name, fid, "name")
            if layer == "subdistricts" and isinstance(short_name, str) and short_name:
                # "静安寺", "江宁路" alone are the temple and the road, not the 街道: a
                # short name (even when also listed as an alias) is a weak key.
                self._add_key(short_name, fid, "short")
                for end in _SUBDISTRICT_END:
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

    def _subdistricts_for(self, rows: list[tuple], points: gpd.GeoSeries) -> list[str | None]:
        """The 街道 of each feature: itself for a 街道, else the one holding its point; an area
        (zone, district) spanning several 街道 has none unless one holds ≥ 90 % of it."""
        subs = self.layers["subdistricts"]
        if not len(subs):
            return [None] * len(rows)
        out = list(subdistrict_of(points, subs))
        by_name = dict(zip(subs["name"], subs.geometry, strict=True))
        for i, (layer, name, _a, _s, geom, _p) in enumerate(rows):
            if layer == "subdistricts":
                out[i] = name
            elif (
                layer in ("zones", "district")
                and out[i] is not None
                and geom.area > 0
                and geom.intersection(by_name[out[i]]).area / geom.area < 0.9
            ):
                out[i] = None
        return out

    def _add_key(self, text: str, fid: int, how: str) -> None:
        for key in {normalise_name(text), normalise_name(text, notes=True)}:
            if len(key) < 2:
                continue
            hits = self.keys.setdefault(key, [])
            if all(f != fid for f, _ in hits):
                hits.append((fid, how))

    def _build_roads(self) -> None:
        """Roads by name (and alias), each with its numbered anchors.

        Anchors are places with a street and house number (OSM addr:*). A street known only
        through its anchors (no line in the roads layer) is still a street: an address on it
        can be interpolated between them, but never placed without them."""
        road_fids = [i for i, f in enumerate(self.features) if f.layer == "roads"]
        lines = {
            self.features[fid].name: self.features[fid].geometry
            for fid in road_fids
            if self.features[fid].geometry.geom_type.endswith("LineString")
        }
        anchors, exact = self._anchors()
        for road in sorted(set(lines) | set(anchors)):
            points = []
            for n, pts in sorted(anchors.get(road, {}).items()):
                centre = shapely.centroid(shapely.MultiPoint(pts))
                if max(centre.distance(p) for p in pts) * _M_PER_DEG <= ANCHOR_SPREAD_M:
                    points.append((n, centre))  # one number, one place: else drop it
            line = lines.get(road)
            midpoint = _anchor_point(line) if line is not None else None
            self.roads[road] = _Road(road, line, midpoint, tuple(points), exact.get(road, {}))
        # Road aliases resolve to the same entry.
        for key, hits in self.keys.items():
            for fid, _how in hits:
                f = self.features[fid]
                if f.layer == "roads" and f.name in self.roads and key not in self.roads:
                    self.roads[key] = self.roads[f.name]

    def _anchors(
        self,
    ) -> tuple[dict[str, dict[int, list[Point]]], dict[str, dict[int, int]]]:
        """(road → number → place points, road → exact house number → place feature id)."""
        places = self.layers["places"]
        anchors: dict[str, dict[int, list[Point]]] = {}
        exact: dict[str, dict[int, int]] = {}
        if not len(places) or "street" not in places:
            return anchors, exact
        place_fid: dict[str, int] = {}
        for i, f in enumerate(self.features):
            if f.layer == "places":
                place_fid.setdefault(f.name, i)
        numbers = places["housenumber"] if "housenumber" in places else [None] * len(places)
        for name, street, number, geom in zip(
            places["name"], places["street"], numbers, places.geometry, strict=True
        ):
            anchor = street_anchor(street, number)
            if anchor is None or geom is None or geom.is_empty:
                continue
            road, n = anchor
            anchors.setdefault(road, {}).setdefault(n, []).append(geom.representative_point())
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
        return self.district_geom is not None and self.district_geom.intersects(point)


def _strip_suffix(text: str, suffixes: Iterable[str]) -> str | None:
    """`text` without the first of `suffixes` it ends with (None if none, or too short)."""
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return text[: -len(suffix)]
    return None


def _road_suffixed(text: str) -> bool:
    return text.endswith(_ROAD_END)


class _NoNetwork(BaseSyncAdapter):
    """The adapter of the offline geocoder: it never opens a connection (and, unlike geopy's
    default adapter, costs nothing to create — no SSL context)."""

    def get_json(self, url: str, *, timeout: Any, headers: Any) -> Any:
        raise GeocoderServiceError("AtlasGeocoder is offline; use geo.online for a service")

    def get_text(self, url: str, *, timeout: Any, headers: Any) -> str:
        return self.get_json(url, timeout=timeout, headers=headers)


_INDEXES: dict[tuple[int, ...], tuple[tuple[Any, ...], GazetteerIndex]] = {}


def gazetteer_index(gazetteer: Any) -> GazetteerIndex:
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


class AtlasGeocoder(Geocoder):
    """geopy geocoder over the offline gazetteer (no network unless `online` is given).

    `gazetteer`: a `geo.gazetteer.Gazetteer`, a mapping of layer name → GeoDataFrame, or None
    to load the committed `data/gazetteer.gpkg`. `online`: an optional `geo.online.OnlineFallback`
    consulted only when the gazetteer gives no answer or only an area (precision ≥ 3)."""

    def __init__(self, gazetteer: Any = None, *, online: Any = None, **kwargs: Any):
        kwargs.setdefault("adapter_factory", _NoNetwork)
        super().__init__(**kwargs)
        if gazetteer is None:
            from geo.gazetteer import load_gazetteer

            gazetteer = load_gazetteer()
        self.index = gazetteer_index(gazetteer)
        self.online = online
        self._cache: dict[str, Resolution] = {}

    # ------------------------------------------------------------------ geopy interface
    def geocode(
        self, query: str, *, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL
    ) -> Location | list[Location] | None:
        """A geopy `Location` (point = representative point; `raw` has precision, method,
        matched, subdistrict, zone, geometry), or None when unlocated (geopy's convention)."""
        res = self.resolve(query)
        if not res.located:
            return None
        location = to_location(res)
        return location if exactly_one else [location]

    # ------------------------------------------------------------------ resolution
    def resolve(self, query: str) -> Resolution:
        """Where `query` is (see the module docstring for the order); never None."""
        query = "" if query is None else str(query)
        if query not in self._cache:
            res = self._resolve_offline(query)
            if self.online is not None and (res.precision is None or res.precision >= 3):
                res = self.online.refine(query, res, self.index) or res
            self._cache[query] = res
        return self._cache[query]

    def resolve_many(self, queries: Iterable[str]) -> list[Resolution]:
        """`resolve` for each query (repeats cost a dict lookup)."""
        return [self.resolve(q) for q in queries]

    def _resolve_offline(self, query: str) -> Resolution:
        key = normalise_name(query)
        if not key:
            return unlocated(query)
        full = normalise_name(query, notes=True)
        if full != key and full in self.index.keys:
            res = self._by_name(query, full)
            if res is not None:
                return res
        for step in (self._by_name, self._by_fuzzy, self._by_address):
            res = step(query, key)
            if res is not None:
                return res
        masked = self._mask_unknown_roads(query, key)
        for step in (self._by_text, self._by_area):
            res = step(query, masked)
            if res is not None:
                return res
        return unlocated(query)

    def _mask_unknown_roads(self, query: str, key: str) -> str:
        """`key` with the road names of addresses on unknown roads blotted out, so that
        "大宁路355号" (a road the gazetteer lacks) is not read as the zone 大宁."""
        text = unicodedata.normalize("NFKC", query)
        roads = [a.road for a in parse_addresses(text, self.index._road_set)]
        crossing = parse_crossing(text, self.index._road_set)
        if crossing is not None:
            roads += [crossing.road_a, crossing.road_b]
        for road in roads:
            if road not in self.index.roads:
                key = key.replace(road, "#" * len(road))
        return key

    def _feature_result(
        self, query: str, fid: int, method: str, precision: int | None = None
    ) -> Resolution:
        f = self.index.features[fid]
        return Resolution(
            query,
            f.geometry,
            float(f.point.x),
            float(f.point.y),
            precision if precision is not None else LAYER_PRECISION[f.layer],
            method,
            f.name,
            f.subdistrict,
            f.zone,
        )

    def _point_result(
        self, query: str, point: Point, precision: int, method: str, matched: str
    ) -> Resolution:
        return Resolution(
            query,
            point,
            float(point.x),
            float(point.y),
            precision,
            method,
            matched,
            self.index.subdistrict_at(point),
            self.index.zone_at(point),
        )

    def _inside_first(self, hits: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """`hits` without the out-of-district places when exactly one in-district place
        shares the name: the reports are Jing'an's, so their 福新面粉厂 is the mill on 光复路,
        not the one of the same (old) name across the district line. Several in-district
        places of one name stay ambiguous (a generic 花园住宅 is no one place)."""
        feats = self.index.features
        inside = {f for f, _ in hits if feats[f].layer == "places" and feats[f].inside}
        if len(inside) != 1:
            return hits
        return [(f, how) for f, how in hits if feats[f].layer != "places" or f in inside]

    def _choose(self, hits: list[tuple[int, str]], hint: str | None) -> tuple[int, str] | None:
        """The feature a key means: by the query's suffix hint, then by layer preference."""
        feats = self.index.features
        hits = self._inside_first(hits)
        if hint == "subdistrict":
            order: tuple[str, ...] = ("subdistricts", "places")
        elif hint == "zone":
            order = ("zones", "subdistricts")
        elif hint == "road":
            order = ("roads", "places", "zones")  # "江宁路" is no 街道
        else:
            order = ("places", "roads", "zones", "subdistricts", "district")
        for layer in order:
            layer_hits = [(f, how) for f, how in hits if feats[f].layer == layer]
            if layer_hits:
                # Prefer a real name over an alias over a 街道 short name; then polygons.
                rank = {"name": 0, "alias": 1, "short": 2}
                layer_hits.sort(
                    key=lambda h: (rank[h[1]], feats[h[0]].geometry.geom_type == "Point")
                )
                return layer_hits[0]
        return None

    def _by_name(self, query: str, key: str) -> Resolution | None:
        for candidate, hint in self._key_variants(key):
            hits = self.index.keys.get(candidate)
            if not hits:
                continue
            chosen = self._choose(hits, hint)
            if chosen is None:
                continue
            fid, how = chosen
            ambiguous = self._ambiguous_places(query, hits, fid)
            if ambiguous is not None:
                return ambiguous
            method = "exact" if how == "name" and candidate == key else "alias"
            if how == "name" and candidate != key:
                method = "exact:" + ("zone" if hint == "zone" else "trimmed")
            return self._feature_result(query, fid, method)
        return None

    def _key_variants(self, key: str) -> list[tuple[str, str | None]]:
        """The key as given, then with project words / a zone suffix removed, each with the
        layer hint its suffix implies."""

        def hint_of(text: str) -> str | None:
            if text.endswith(_SUBDISTRICT_END):
                return "subdistrict"
            return "road" if _road_suffixed(text) else None

        out = [(key, hint_of(key))]
        base = key
        changed = True
        while changed:
            changed = False
            for suffix in PROJECT_SUFFIXES:
                if base.endswith(suffix) and len(base) - len(suffix) >= 2:
                    base = base[: -len(suffix)]
                    out.append((base, hint_of(base)))
                    changed = True
        for suffix in ZONE_SUFFIXES:
            if key.endswith(suffix) and len(key) - len(suffix) >= 2:
                out.append((key[: -len(suffix)], "zone"))
        return out

    def _ambiguous_places(
        self, query: str, hits: list[tuple[int, str]], fid: int
    ) -> Resolution | None:
        """Two distinct places of one name more than ~250 m apart: not one point."""
        feats = self.index.features
        if feats[fid].layer != "places":
            return None
        same = [f for f, _ in self._inside_first(hits) if feats[f].layer == "places"]
        if len(same) < 2:
            return None
        pts = shapely.MultiPoint([feats[f].point for f in same])
        spread_m = shapely.minimum_bounding_radius(pts) * 111_000
        if spread_m <= 250:
            return None
        subs = {feats[f].subdistrict for f in same}
        name = feats[fid].name
        if len(subs) == 1 and None not in subs:
            sub_hits = self.index.keys.get(normalise_name(subs.pop()), [])
            for f, _ in sub_hits:
                if feats[f].layer == "subdistricts":
                    return self._feature_result(query, f, "ambiguous:subdistrict")
        return unlocated(query, UNLOCATED, name)

    def _by_fuzzy(self, query: str, key: str) -> Resolution | None:
        if len(key) < FUZZY_MIN_LEN or re.search(r"\d", key) or not self.index._fuzzy_keys:
            return None
        found = process.extract(
            key, self.index._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=2
        )
        if not found:
            return None
        best, score, _ = found[0]
        if len(found) > 1 and found[1][1] == score:
            return None  # a tie is no match
        if best[-1] != key[-1] or abs(len(best) - len(key)) > 2:
            return None
        a, b = Counter(best), Counter(key)
        if ((a - b) + (b - a)).keys() & _DISTINCTIVE:
            return None
        chosen = self._choose(self.index.keys[best], None)
        if chosen is None:
            return None
        return self._feature_result(query, chosen[0], f"fuzzy:{score:.0f}")

    # ------------------------------------------------------------------ addresses
    def _by_address(self, query: str, key: str) -> Resolution | None:
        text = unicodedata.normalize("NFKC", query)
        roads = self.index._road_set
        crossing = parse_crossing(text, roads)
        if crossing is not None and crossing.road_a in self.index.roads:
            res = self._crossing(query, crossing)
            if res is not None:
                return res
        address = parse_address(text, roads)
        if address is None or address.road not in self.index.roads:
            return None
        return self._address(query, address, self._named_subdistrict(key))

    def _crossing(self, query: str, crossing: Crossing) -> Resolution | None:
        a = self.index.roads.get(crossing.road_a)
        b = self.index.roads.get(crossing.road_b)
        if a is None or b is None or a.line is None or b.line is None:
            return None
        pa, pb = nearest_points(a.line, b.line)
        if pa.distance(pb) * _M_PER_DEG > CROSSING_GAP_M:  # they do not meet in the district
            return None
        point = Point((pa.x + pb.x) / 2, (pa.y + pb.y) / 2)
        return self._point_result(query, point, 2, "address:crossing", f"{a.name}/{b.name}")

    def _named_subdistrict(self, key: str) -> _Feature | None:
        for _start, _end, k in self.index.mentions(key):
            if k.endswith(_SUBDISTRICT_END):
                for fid, _ in self.index.keys[k]:
                    if self.index.features[fid].layer == "subdistricts":
                        return self.index.features[fid]
        return None

    def _address(self, query: str, address: Address, named: _Feature | None) -> Resolution | None:
        road = self.index.roads[address.road]
        n = address.street_number
        label = f"{road.name}{address.number}{address.unit}"
        if address.unit == "号" and address.number_end is None and n in road.places:
            return self._feature_result(query, road.places[n], "address:place", 1)
        along = self._along(road, n)
        if along is None:
            return None
        point, method, precision = along
        res = self._point_result(query, point, precision, method, label)
        if named is None or road.line is None:
            return res
        # The text names a 街道: keep the point on the part of the road inside it.
        inside = _lines_only(road.line.intersection(named.geometry))
        if inside.is_empty:
            return res
        if method == "address:road-midpoint":
            point = _anchor_point(inside)
        elif not named.geometry.intersects(point):
            point = _snap(inside, point)
        res = self._point_result(query, point, precision, method, label)
        return replace(res, subdistrict=named.name)

    def _along(self, road: _Road, n: int) -> tuple[Point, str, int] | None:
        """(point, method, precision) for number `n` on `road`, or None.

        ≥ 2 numbered anchors: linear in the number between the two around `n`; beyond them,
        extrapolated at the rate of the whole known stretch, at most `MAX_EXTRAPOLATION_M`
        (a number further out is put there with precision 5, an estimate); snapped onto the
        road's line when that is within `SNAP_M`. One anchor within `NEAR_ANCHOR_NUMBERS`
        numbers: that anchor. Otherwise the road's in-district midpoint. A street without a
        line gets a point only from its anchors, and only inside the district."""
        anchors = road.anchors
        guess, method, precision = None, None, 2
        if len(anchors) >= 2:
            numbers = np.array([a[0] for a in anchors])
            if anchors[0][0] <= n <= anchors[-1][0]:
                i = min(max(int(np.searchsorted(numbers, n)), 1), len(anchors) - 1)
                (n0, p0), (n1, p1) = anchors[i - 1], anchors[i]
            else:  # beyond the anchors: the direction and rate of the whole known stretch
                (n0, p0), (n1, p1) = anchors[0], anchors[-1]
            t = (n - n0) / (n1 - n0)
            span = p0.distance(p1)
            if t < 0 or t > 1:
                beyond = (-t if t < 0 else t - 1) * span * _M_PER_DEG
                method = "address:extrapolated"
                if beyond > MAX_EXTRAPOLATION_M:
                    scale = MAX_EXTRAPOLATION_M / beyond
                    t = t * scale if t < 0 else 1 + (t - 1) * scale
                    method, precision = "address:extrapolated:capped", 5
            else:
                method = "address:interpolated"
            guess = Point(p0.x + t * (p1.x - p0.x), p0.y + t * (p1.y - p0.y))
        else:
            near = [(abs(a - n), p) for a, p in anchors if abs(a - n) <= NEAR_ANCHOR_NUMBERS]
            if near:
                guess, method = min(near, key=lambda x: x[0])[1], "address:near-anchor"
        if guess is None:
            if road.midpoint is None:
                return None
            return road.midpoint, "address:road-midpoint", 2
        if road.line is not None and road.line.distance(guess) * _M_PER_DEG <= SNAP_M:
            guess = _snap(road.line, guess)
        if not self.index.in_district(guess):
            if road.line is None:
                return None
            guess = _snap(road.line, guess)  # the line is clipped to the district
        return guess, method, precision

    # ------------------------------------------------------------------ names in text, areas
    def _by_text(self, query: str, key: str) -> Resolution | None:
        feats = self.index.features
        places: list[int] = []
        roads: list[int] = []
        zones = False
        for start, end, k in self.index.mentions(key):
            hits = self.index.keys[k]
            if not any(feats[f].layer == "roads" for f, _ in hits):
                zones = zones or any(feats[f].layer == "zones" for f, _ in hits)
            if len(k) < 3 or key.startswith(_SUBDISTRICT_END, end):
                continue
            hint = "road" if _road_suffixed(k) else None
            if hint == "road" and start > 0 and key[start - 1] in NAME_PREFIXES:
                continue  # "老沪太路" is not 沪太路
            chosen = self._choose(self.index.keys[k], hint)
            if chosen is None:
                continue
            layer = feats[chosen[0]].layer
            if layer == "places" and chosen[0] not in places:
                places.append(chosen[0])
            elif layer == "roads" and chosen[0] not in roads:
                roads.append(chosen[0])
        if len(places) == 1:
            return self._feature_result(query, places[0], "name-in-text", 2)
        if zones:
            return None  # "南京西路—苏河湾…集聚带" is an area: the zone step answers
        if not places and len(roads) == 1:
            return self._feature_result(query, roads[0], "road-in-text", 2)
        if not places and len(roads) == 2:  # "北京西路凤阳路": the corner of two roads
            a, b = (self.index.roads.get(feats[f].name) for f in roads)
            if a is not None and b is not None:
                return self._crossing(query, Crossing(a.name, b.name))
        return None

    def _names_place(self, key: str) -> bool:
        return any(self.index.features[f].layer == "places" for f, _ in self.index.keys[key])

    def _by_area(self, query: str, key: str) -> Resolution | None:
        feats = self.index.features
        found: dict[str, list[int]] = {"subdistricts": [], "zones": [], "district": []}
        for _start, end, k in self.index.mentions(key):
            hits = self.index.keys[k]
            follows_sub = key.startswith(_SUBDISTRICT_END, end)
            follows_zone = key.startswith(ZONE_SUFFIXES, end)
            hint = "subdistrict" if follows_sub or k.endswith(_SUBDISTRICT_END) else None
            hint = "zone" if follows_zone else hint
            is_road = any(feats[f].layer == "roads" for f, _ in hits)
            for fid, how in hits:
                layer = feats[fid].layer
                if layer not in found or fid in found[layer]:
                    continue
                if (
                    layer == "subdistricts"
                    and how == "short"
                    and hint != "subdistrict"
                    and (_road_suffixed(k) or self._names_place(k))
                ):
                    continue  # "江宁路…" is the road, "静安寺…" the temple, not the 街道
                if layer == "zones" and (hint == "subdistrict" or (is_road and hint is None)):
                    continue  # "南京西路汶水路" names two roads, not the zone 南京西路
                if layer == "district" and not k.endswith("区"):
                    continue  # "静安" inside "静安国际中心" says nothing about where it is
                found[layer].append(fid)
        # The district's own name is stripped from keys as a prefix: look for it in the text.
        named = self.index.district_name in _DROP_RE.sub("", unicodedata.normalize("NFKC", query))
        if (
            named or re.search(r"全区|区内|区域内|辖区", key)
        ) and self.index.district_geom is not None:
            found["district"] = found["district"] or [-1]
        for layer, method in (
            ("subdistricts", "area:subdistrict"),
            ("zones", "area:zone"),
            ("district", "area:district"),
        ):
            fids = found[layer]
            if not fids:
                continue
            if fids == [-1]:
                return self._district_result(query)
            if len(fids) == 1:
                return self._feature_result(query, fids[0], method)
            return self._union_result(query, fids, method)
        return None

    def _district_result(self, query: str) -> Resolution:
        geom = self.index.district_geom
        point = geom.representative_point()
        return Resolution(
            query,
            geom,
            float(point.x),
            float(point.y),
            4,
            "area:district",
            self.index.district_name,
            None,
            None,
        )

    def _union_result(self, query: str, fids: list[int], method: str) -> Resolution:
        feats = [self.index.features[f] for f in fids]
        geom = shapely.union_all([f.geometry for f in feats])
        point = geom.representative_point()
        precision = max(LAYER_PRECISION[f.layer] for f in feats)
        subs = sorted({f.subdistrict for f in feats if f.subdistrict})
        zones = sorted({z for f in feats if f.zone for z in f.zone.split(MULTI_SEP)})
        return Resolution(
            query,
            geom,
            float(point.x),
            float(point.y),
            precision,
            method + ":multiple",
            MULTI_SEP.join(f.name for f in feats),
            MULTI_SEP.join(subs) or None,
            MULTI_SEP.join(zones) or None,
        )


def to_location(res: Resolution) -> Location:
    """A geopy `Location` for a located `Resolution` (geopy points are (latitude, longitude))."""
    parts = [p for p in (res.matched, res.subdistrict, "静安区", "上海市") if p]
    raw = {
        "query": res.query,
        "lon": res.lon,
        "lat": res.lat,
        "precision": res.precision,
        "method": res.method,
        "matched": res.matched,
        "subdistrict": res.subdistrict,
        "zone": res.zone,
        "geometry": res.geojson(),
    }
    return Location(", ".join(dict.fromkeys(parts)), GeopyPoint(res.lat, res.lon), raw)


# ---------------------------------------------------------------------------------- CLI
def configure(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m geo geocode`."""
    parser.add_argument(
        "--gazetteer", type=Path, default=None, help="GeoPackage (default: data/gazetteer.gpkg)"
    )
    parser.add_argument(
        "--online",
        nargs="?",
        const="nominatim",
        default=None,
        metavar="SERVICE",
        help="also ask an online geopy geocoder (default service: nominatim) when offline fails",
    )
    parser.add_argument("--cache-dir", type=Path, default=None, help="on-disk online cache")
    parser.add_argument("--domain", default=None, help="online service host[:port]")
    parser.add_argument("--scheme", default=None, choices=("http", "https"))
    parser.add_argument(
        "--min-delay", type=float, default=1.0, help="seconds between online calls (>= 1)"
    )


def decode_line(raw: bytes) -> str:
    """One stdin line as text: UTF-8 (with or without BOM), else GB18030, else UTF-8 with
    replacement characters — a badly encoded line still gets its output line."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def geocode_lines(lines: Iterable[bytes], geocoder: AtlasGeocoder) -> Iterable[str]:
    """One JSON line per input line, in order (a blank line gives an unlocated row, so that
    output line N always answers input line N)."""
    for raw in lines:
        query = decode_line(raw).rstrip("\r\n").strip()
        yield json.dumps(geocoder.resolve(query).to_dict(), ensure_ascii=False)


def main(args: argparse.Namespace) -> int:
    """Read one query a line on stdin, write one JSON line per query on stdout."""
    from geo.gazetteer import GazetteerError, load_gazetteer

    try:
        gazetteer = load_gazetteer(args.gazetteer) if args.gazetteer else load_gazetteer()
    except GazetteerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    online = None
    if args.online:
        from geo.online import OnlineFallback

        try:
            online = OnlineFallback(
                args.online,
                cache_dir=args.cache_dir,
                domain=args.domain,
                scheme=args.scheme,
                min_delay_seconds=args.min_delay,
            )
        except (ValueError, GeopyError) as error:
            print(f"error: --online {args.online}: {error}", file=sys.stderr)
            return 2
    geocoder = AtlasGeocoder(gazetteer, online=online)
    for row in geocode_lines(sys.stdin.buffer, geocoder):
        sys.stdout.write(row + "\n")
        sys.stdout.flush()
    if online is not None:
        print(
            f"online {online.service}: {online.sent} sent, {len(online.errors)} failed"
            " (failures are not cached: run again to retry them)",
            file=sys.stderr,
        )
    return 0
