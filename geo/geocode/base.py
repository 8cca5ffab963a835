"""What every resolution step shares: the `Resolver` (the index plus the helpers that turn a
feature or a point into a `Resolution`) and the `Step` protocol the geocoder runs in order."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Protocol

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from extract.address import ParsedAddress, parse_location
from geo.geocode.index import Feature, GazetteerIndex
from geo.geocode.types import LAYER_PRECISION, SUBDISTRICT_END, Resolution

#: A bare name prefers a place, then a road, a river, a zone, a 街道, the district.
DEFAULT_ORDER: tuple[str, ...] = (
    "places",
    "roads",
    "water",
    "zones",
    "subdistricts",
    "district",
)


#: Precision of a road whose line is (partly) estimated through bus-stop crossings: "on the
#: road", within its measured offset (`geo.gazetteer.crossings`), not an exact shape.
ESTIMATED_ROAD_PRECISION = 2


@dataclass(frozen=True)
class Query:
    """One query as the steps see it: the text, its lookup key (`normalise_name`), the key
    with the names of roads the gazetteer lacks blotted out, an optional context (the
    sentence or paragraph the query comes from) and its addresses and crossing, parsed once
    with the gazetteer's road names (`Resolver.parse`)."""

    text: str
    key: str
    masked: str
    context: str | None = None
    parsed: ParsedAddress = field(default_factory=ParsedAddress)


class Step(Protocol):
    """One resolution step: an answer, or None to let the next step try."""

    def __call__(self, r: Resolver, q: Query) -> Resolution | None: ...


class Resolver:
    """The index and the result helpers, shared by the steps."""

    def __init__(self, index: GazetteerIndex):
        self.index = index

    def parse(self, text: str, address: ParsedAddress | None = None) -> ParsedAddress:
        """The addresses and crossing of `text` with the roads named as the gazetteer knows
        them (the longest known road name ending each road text: "推进沪太路100号" is on
        沪太路, "老沪太路100号" is not). The one place geo parses: `address`, the extractor's
        parse of the same text (`extract.Item.address`), is only renamed
        (`ParsedAddress.with_roads`); a free text (a `geo geocode` query, the page's "near
        here", a context sentence) goes through the same parser, `extract.address`."""
        names = self.index.road_names
        if address is not None:
            return address.with_roads(names)
        return parse_location(unicodedata.normalize("NFKC", text), names)

    def feature_result(
        self, query: str, fid: int, method: str, precision: int | None = None
    ) -> Resolution:
        f = self.index.features[fid]
        precision = precision if precision is not None else LAYER_PRECISION[f.layer]
        radius = f.radius_m
        road = self.index.roads.get(f.name) if f.layer == "roads" else None
        if road is not None and road.derivation:
            # a line estimated through bus-stop crossings: on the road within its measured
            # offset, never an exact shape
            precision = max(precision, ESTIMATED_ROAD_PRECISION)
            radius += road.uncertainty_m
        return Resolution(
            query,
            f.geometry,
            float(f.point.x),
            float(f.point.y),
            precision,
            method,
            f.name,
            f.subdistrict,
            f.zone,
            radius,
        )

    def point_result(
        self,
        query: str,
        point: Point,
        precision: int,
        method: str,
        matched: str,
        uncertainty_m: float = 0.0,
    ) -> Resolution:
        """A point answer; its 街道 and zones only those holding its whole uncertainty disk."""
        return Resolution(
            query,
            point,
            float(point.x),
            float(point.y),
            precision,
            method,
            matched,
            self.index.subdistrict_within(point, uncertainty_m),
            self.index.zone_within(point, uncertainty_m),
            uncertainty_m,
        )

    def shape_result(
        self,
        query: str,
        geom: BaseGeometry,
        point: Point,
        precision: int,
        method: str,
        matched: str | None,
        subdistrict: str | None = None,
        zone: str | None = None,
    ) -> Resolution:
        """A shape answer at `point`; its radius is how far the shape reaches from it."""
        radius = float(self.index.to_metric(geom).hausdorff_distance(self.index.to_metric(point)))
        x, y = float(point.x), float(point.y)
        return Resolution(query, geom, x, y, precision, method, matched, subdistrict, zone, radius)

    def inside_first(self, hits: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """`hits` without the out-of-district places when exactly one in-district place
        shares the name: the reports are Jing'an's, so their 福新面粉厂 is the mill on 光复路,
        not the one of the same (old) name across the district line. Several in-district
        places of one name stay ambiguous (a generic 花园住宅 is no one place)."""
        feats = self.index.features
        inside = {f for f, _ in hits if feats[f].layer == "places" and feats[f].inside}
        if len(inside) != 1:
            return hits
        return [(f, how) for f, how in hits if feats[f].layer != "places" or f in inside]

    def choose(self, hits: list[tuple[int, str]], hint: str | None) -> tuple[int, str] | None:
        """The feature a key means: by the query's suffix hint, then by layer preference."""
        feats = self.index.features
        hits = self.inside_first(hits)
        if hint == "subdistrict":
            order: tuple[str, ...] = ("subdistricts", "places")
        elif hint == "zone":
            order = ("zones", "subdistricts")
        elif hint == "road":
            order = ("roads", "places", "zones")  # "江宁路" is no 街道
        else:
            order = DEFAULT_ORDER
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

    def named_subdistrict(self, key: str) -> Feature | None:
        """The 街道 a text names explicitly (X街道, X镇), if any."""
        for _start, _end, k in self.index.mentions(key):
            if k.endswith(SUBDISTRICT_END):
                for fid, _ in self.index.keys[k]:
                    if self.index.features[fid].layer == "subdistricts":
                        return self.index.features[fid]
        return None

    def names_place(self, key: str) -> bool:
        return any(self.index.features[f].layer == "places" for f, _ in self.index.keys[key])
