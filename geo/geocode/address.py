"""Step 3: a street address (路/街/大道 + 号/弄/支弄, ranges, "X路Y路口") on a road the
gazetteer has, placed by the numbering model (`geo.geocode.numbering`).

* a house number a known place carries → that place (`address:place`, precision 1);
* else the model: interpolated between anchors, or modelled from one anchor / the fitted
  rate / the prior from the road's start; `uncertainty_m` from the leave-one-out of the
  anchors, precision 2 only when it is ≤ 250 m and the road has an anchor (a number counted
  from the start alone is 5: nothing checks the start), else 5;
* a number the model cannot place (no usable start, beyond the road, off the district) →
  the road's in-district line (`address:road`, precision 5), its 街道 only when nearly all
  of the line lies in one — never a midpoint point at precision 2.

A 街道 named in the text keeps the answer on the part of the road inside it. A road the
gazetteer lacks is never swapped for a similar one: its name is blotted out of the key
(`masked_key`) so that "大宁路355号" is not read as the zone 大宁."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from geo.geocode.base import Query, Resolver
from geo.geocode.index import Feature
from geo.geocode.numbering import METHOD_PRIOR
from geo.geocode.parsing import Address, Crossing, parse_address, parse_addresses, parse_crossing
from geo.geocode.types import Resolution

#: Precision 2 ("within ~250 m") only when the uncertainty radius is at most this.
PRECISION_2_RADIUS_M = 250.0
#: Two road lines closer than this meet at a crossing (lines are simplified, carriageways split).
CROSSING_GAP_M = 50.0
#: Precision of an answer that is a whole road line or a model estimate beyond 250 m.
ESTIMATE_PRECISION = 5
METHOD_ROAD = "address:road"


def resolve_address(r: Resolver, q: Query) -> Resolution | None:
    text = unicodedata.normalize("NFKC", q.text)
    roads = r.index.road_names
    crossing = parse_crossing(text, roads)
    if crossing is not None and crossing.road_a in r.index.roads:
        res = crossing_result(r, q.text, crossing)
        if res is not None:
            return res
    address = parse_address(text, roads)
    if address is None or address.road not in r.index.roads:
        return None
    return address_result(r, q.text, address, r.named_subdistrict(q.key))


def masked_key(r: Resolver, query: str, key: str) -> str:
    """`key` with the road names of addresses on unknown roads blotted out, so that
    "大宁路355号" (a road the gazetteer lacks) is not read as the zone 大宁."""
    text = unicodedata.normalize("NFKC", query)
    roads = [a.road for a in parse_addresses(text, r.index.road_names)]
    crossing = parse_crossing(text, r.index.road_names)
    if crossing is not None:
        roads += [crossing.road_a, crossing.road_b]
    for road in roads:
        if road not in r.index.roads:
            key = key.replace(road, "#" * len(road))
    return key


def crossing_result(r: Resolver, query: str, crossing: Crossing) -> Resolution | None:
    """The junction of two in-district road lines that meet (within `CROSSING_GAP_M`)."""
    a = r.index.roads.get(crossing.road_a)
    b = r.index.roads.get(crossing.road_b)
    if a is None or b is None or a.line is None or b.line is None:
        return None
    pa, pb = nearest_points(a.line, b.line)
    gap = r.index.to_metric(pa).distance(r.index.to_metric(pb))
    if gap > CROSSING_GAP_M:  # they do not meet in the district
        return None
    point = Point((pa.x + pb.x) / 2, (pa.y + pb.y) / 2)
    return r.point_result(
        query, point, 2, "address:crossing", f"{a.name}/{b.name}", max(CROSSING_GAP_M, gap)
    )


def address_result(
    r: Resolver, query: str, address: Address, named: Feature | None
) -> Resolution | None:
    road = r.index.roads[address.road]
    n = address.street_number
    label = f"{road.name}{address.number}{address.unit}"
    if address.unit == "号" and address.number_end is None and n in road.places:
        return r.feature_result(query, road.places[n], "address:place", 1)
    est = (
        road.numbering.estimate(n, r.index.prior_m_per_number)
        if road.numbering is not None
        else None
    )
    point = r.index.point_to_wgs84(est.point) if est is not None else None
    if est is None or point is None or not r.index.in_district(point):
        return road_line_result(r, query, address.road, METHOD_ROAD, label, named)
    if named is not None and not named.geometry.intersects(point):
        # the text names a 街道 the estimate is not in: the road's part inside it
        return road_line_result(r, query, address.road, METHOD_ROAD, label, named)
    radius = r.index.uncertainty.radius(est.method, est.gap_m)
    close = radius <= PRECISION_2_RADIUS_M and est.method != METHOD_PRIOR
    precision = 2 if close else ESTIMATE_PRECISION
    res = r.point_result(query, point, precision, est.method, label, radius)
    return replace(res, subdistrict=named.name) if named is not None else res


def road_line_result(
    r: Resolver,
    query: str,
    road_name: str,
    method: str,
    matched: str | None = None,
    named: Feature | None = None,
) -> Resolution | None:
    """The road's in-district line (or its part in the named 街道), precision 5: the answer is
    somewhere on it. Its 街道 only when nearly all of the line lies in one."""
    road = r.index.roads.get(road_name)
    if road is None or road.line is None or road.line.is_empty:
        return None
    line: BaseGeometry = road.line
    subdistrict = None
    if named is not None:
        inside = _lines_only(line.intersection(named.geometry))
        if not inside.is_empty:
            line, subdistrict = inside, named.name
    if subdistrict is None:
        subdistrict = r.index.subdistrict_along(line)
    point = representative(line)
    return r.shape_result(
        query, line, point, ESTIMATE_PRECISION, method, matched or road.name, subdistrict
    )


def representative(line: BaseGeometry) -> Point:
    """A line's point: the middle of its longest part."""
    parts = [p for p in shapely.get_parts(line) if p.geom_type == "LineString"]
    longest = max(parts, key=lambda p: p.length) if parts else line
    return longest.interpolate(0.5, normalized=True)


def _lines_only(geom: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type.endswith("LineString")]
    return shapely.union_all(parts) if parts else shapely.GeometryCollection()
