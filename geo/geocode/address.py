"""Step 3: a street address (路/街/大道 + 号/弄/支弄, ranges, "X路Y路口") on a road the
gazetteer has, placed by the numbering model (`geo.geocode.numbering`).

* "X路Y路口" → the crossing the bus stops named after it mark (`address:crossing`), else
  where the two lines meet;
* a house number a known place carries → that place (`address:place`, precision 1);
* else the model: interpolated between anchors, or modelled from one anchor / the fitted
  rate / the road's start (its real end, or — on a line estimated through bus-stop
  crossings — the last crossing: `address:model:estimated`); `uncertainty_m` is the radius
  measured on held-out anchors (`geo.geocode.calibrate`), and the precision follows from it:
  2 when it is ≤ 250 m, whichever method made it, else 3 when the answer's 街道 is known,
  else 5. An estimate a few metres
  outside the district (a boundary road) is pulled inside;
* a number the model cannot place (no usable start, beyond the road, off the district) →
  the road's in-district line (`address:road`, precision 5) — with no 街道 from the line:
  the number may lie beyond what the sources draw (a stub), so only the text's own 街道 or
  committee says which (then precision 3);
* a road no line draws but one bus-stop crossing marks → that crossing, with the measured
  radius of such answers (`address:road:crossing`, precision 5).

The 街道 of a point answer is the one holding nearly all of its disc (`subdistrict_within`);
an address on a lane a residents' committee is named after (临汾路1244弄) takes that
committee's 街道.

A 街道 named in the text keeps the answer on the part of the road inside it. A road the
gazetteer lacks is never swapped for a similar one: its name is blotted out of the key
(`masked_key`) so that "大宁路355号" is not read as the zone 大宁."""

from __future__ import annotations

from dataclasses import replace

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from extract.address import Address, Crossing, ParsedAddress
from geo.geocode.base import Query, Resolver
from geo.geocode.calibrate import (
    ESTIMATE_PRECISION,
    PRECISION_2_RADIUS_M,
    SUBDISTRICT_PRECISION,
    precision_for,
)
from geo.geocode.heldout import METHOD_CROSSING, METHOD_LONE
from geo.geocode.index import Feature
from geo.geocode.types import Resolution

__all__ = [
    "CROSSING_GAP_M",
    "ESTIMATE_PRECISION",
    "METHOD_ROAD",
    "PRECISION_2_RADIUS_M",
    "address_result",
    "crossing_result",
    "masked_key",
    "representative",
    "resolve_address",
    "road_line_result",
]

#: Two road lines closer than this meet at a crossing (lines are simplified, carriageways split).
CROSSING_GAP_M = 50.0
METHOD_ROAD = "address:road"


def resolve_address(r: Resolver, q: Query) -> Resolution | None:
    """The query's crossing, else its first address (`q.parsed`: parsed once, with the
    gazetteer's road names)."""
    crossing = q.parsed.crossing
    if crossing is not None:
        res = crossing_result(r, q.text, crossing)
        if res is not None:
            return res
    address = q.parsed.address
    if address is None:
        return None
    if address.road not in r.index.roads:
        return lone_crossing_result(r, q.text, address)
    estate = r.index.evidence.committee_in_text(q.key)
    named = r.named_subdistrict(q.key)
    return address_result(r, q.text, address, named, estate[1] if estate else None)


def masked_key(r: Resolver, parsed: ParsedAddress, key: str) -> str:
    """`key` with the road names of addresses on unknown roads blotted out, so that
    "大宁路355号" (a road the gazetteer lacks) is not read as the zone 大宁; `parsed`: the
    text's parse (`Resolver.parse`)."""
    for road in parsed.roads:
        if road not in r.index.roads:
            key = key.replace(road, "#" * len(road))
    return key


def crossing_result(r: Resolver, query: str, crossing: Crossing) -> Resolution | None:
    """The crossing bus stops are named after (their mean, with the radius measured on
    crossings whose roads the sources draw), else the junction of two in-district road
    lines that meet (within `CROSSING_GAP_M`)."""
    hit = r.index.evidence.crossing(crossing.road_a, crossing.road_b)
    if hit is not None:
        point = r.index.pull_inside(hit.point)
        if point is not None:
            radius = r.index.radius(METHOD_CROSSING, 0.0, point)
            label = f"{crossing.road_a}/{crossing.road_b}"
            res = r.point_result(query, point, 5, METHOD_CROSSING, label, radius)
            return settled(res)
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
    r: Resolver, query: str, address: Address, named: Feature | None, estate: str | None = None
) -> Resolution | None:
    """The answer for a parsed address on a known road; `named` a 街道 the text names,
    `estate` the 街道 of a 居委会 estate it names (evidence when no lane committee says)."""
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
    point = r.index.pull_inside(point) if point is not None else None
    committee = _lane_committee(r, address) or estate
    if est is None or point is None:
        return road_line_result(r, query, address.road, METHOD_ROAD, label, named, committee)
    if named is not None and not named.geometry.intersects(point):
        # the text names a 街道 the estimate is not in: the road's part inside it
        return road_line_result(r, query, address.road, METHOD_ROAD, label, named)
    radius = r.index.radius(est.method, est.gap_m, point)
    if road.uncertainty_m and road.derivation:
        radius = max(radius, road.uncertainty_m)  # a line estimated through crossings
    res = r.point_result(query, point, 5, est.method, label, radius)
    evidence = named.name if named is not None else committee
    return settled(replace(res, subdistrict=evidence) if evidence is not None else res)


def settled(res: Resolution) -> Resolution:
    """`res` with the precision its measured radius and its 街道 allow (`precision_for`)."""
    return replace(res, precision=precision_for(res.uncertainty_m, res.subdistrict))


def _lane_committee(r: Resolver, address: Address) -> str | None:
    """The 街道 of the residents' committee named after this road and lane, if any."""
    if address.unit != "弄" or address.number_end is not None:
        return None
    return r.index.evidence.committee_for_lane(address.road, address.number)


def lone_crossing_result(r: Resolver, query: str, address: Address) -> Resolution | None:
    """An address on a road no line draws but bus stops name at one crossing: that crossing,
    as far off as such answers measure on held-out anchors (`address:road:crossing`).
    Several crossings far apart say nothing about where the number is: no answer."""
    hits = r.index.evidence.crossings_of(address.road)
    if not hits:
        return None
    spread = max(h.metric.distance(k.metric) for h in hits for k in hits)
    if spread > 2 * CROSSING_GAP_M:
        return None
    hit = max(hits, key=lambda h: (h.stops, h.name))
    point = r.index.pull_inside(hit.point)
    if point is None:
        return None
    radius = r.index.radius(METHOD_LONE, 0.0, point)
    label = f"{address.road}{address.number}{address.unit}"
    res = r.point_result(query, point, 5, METHOD_LONE, label, radius)
    committee = _lane_committee(r, address)
    return settled(replace(res, subdistrict=committee) if committee is not None else res)


def road_line_result(
    r: Resolver,
    query: str,
    road_name: str,
    method: str,
    matched: str | None = None,
    named: Feature | None = None,
    committee: str | None = None,
) -> Resolution | None:
    """The road's in-district line (or its part in the named 街道), precision 5: the answer is
    somewhere on it. Its 街道 only when nearly all of the line lies in one — except for an
    address whose number could not be placed (`METHOD_ROAD`): it may lie beyond the line the
    sources draw, so only a 街道 the text names or a lane `committee` counts."""
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
        subdistrict = committee if method == METHOD_ROAD else r.index.subdistrict_along(line)
    point = representative(line)
    precision = SUBDISTRICT_PRECISION if subdistrict else ESTIMATE_PRECISION
    return r.shape_result(query, line, point, precision, method, matched or road.name, subdistrict)


def representative(line: BaseGeometry) -> Point:
    """A line's point: the middle of its longest part."""
    parts = [p for p in shapely.get_parts(line) if p.geom_type == "LineString"]
    longest = max(parts, key=lambda p: p.length) if parts else line
    return longest.interpolate(0.5, normalized=True)


def _lines_only(geom: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type.endswith("LineString")]
    return shapely.union_all(parts) if parts else shapely.GeometryCollection()
