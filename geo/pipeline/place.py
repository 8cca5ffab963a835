"""Where an item goes: the shape natural to its kind, from its 四至, the geocoder or its streets.

Stage 2 of the build (`geo.pipeline.build`). Pure functions over plain values and GeoDataFrames; the
geocoder is passed in (anything with `resolve(query) -> Resolution`), so tests use fakes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from atlas.settings import settings
from extract.address import ParsedAddress
from extract.normalise import squeeze
from extract.vocab import SUBDISTRICT_ENDINGS, ZONE_SUFFIXES
from geo.geocode.protocols import Geocoder, Resolved
from geo.pipeline.fourbounds import BoundaryEvidence, resolve_boundary
from geo.schema import MULTI_SEP, UNLOCATED, is_located

AREAS = frozenset({"Polygon", "MultiPolygon"})
LINES = frozenset({"LineString", "MultiLineString"})
#: `method` of shapes made here rather than by the geocoder.
BOUNDARY_METHOD = "boundary"
STREETS_METHOD = "street_lines"
#: Precision of the line of a named street (the scale's "on the named road").
STREET_PRECISION = 2
#: Precision code "the district": the point says nothing about the 街道 or zone it falls in.
DISTRICT_PRECISION = 4
#: How far (degrees, ≈ 50 m) outside the district outline a point may lie and still count as in
#: it: the OSM outline is approximate, and landmarks on a boundary road sit on either side.
DISTRICT_TOLERANCE = 0.0005
_PAREN_RE = re.compile(r"[（(][^（）()]*[)）]")
#: Answers that are a road's line because the item is somewhere on it: drawn as the line.
LINE_METHODS: tuple[str, ...] = ("address:road", "context:road", "road-in-text")
#: Context placement is tried when the item's own texts give nothing better than this.
CONTEXT_BELOW = 4


@dataclass(frozen=True)
class Placement:
    """Where an item goes: its geometry (None = unlocated), precision code and method."""

    geometry: BaseGeometry | None = None
    precision: int | None = None
    method: str = UNLOCATED
    missing_sides: str | None = None
    uncertainty_m: float | None = None
    #: the geocoder's 街道 when the geometry stands for "somewhere in" an area or along a line
    #: (an estimate, a 街道, a zone): the join must not read a 街道 off its point
    subdistrict: str | None = None
    own_shape: bool = True
    zone: str | None = None


@dataclass(frozen=True)
class Located:
    """Placed items and how each was placed (`placements`, aligned with the rows): the one
    typed seam between placing an item and joining it to 街道 and zones
    (`geo.pipeline.build.join_items`), instead of private columns on the frame."""

    items: gpd.GeoDataFrame
    placements: tuple[Placement, ...]


def as_shape(value: object) -> BaseGeometry | None:
    """A shapely geometry from a geometry or a GeoJSON mapping; None when empty or absent."""
    if value is None:
        return None
    geom = shape(dict(value)) if isinstance(value, Mapping) else value
    if not isinstance(geom, BaseGeometry) or geom.is_empty:
        return None
    return geom


def _shape_rank(kind: str, geom: BaseGeometry | None) -> int:
    """Which shape a kind prefers at equal precision: roads their line, the rest their area."""
    if geom is None:
        return 3
    gtype = geom.geom_type
    if kind == "road":
        return 0 if gtype in LINES else 1 if gtype in AREAS else 2
    return 0 if gtype in AREAS else 1 if gtype in LINES else 2


def natural_shape(kind: str, resolution: Any) -> BaseGeometry | None:
    """The geometry a geocoder `Resolution` gives an item of `kind`.

    Areas and lines are kept only when they *are* the item: a zone's polygon, a road's line, a
    美丽街区's street or block, a site polygon matched exactly (precision 1). An item placed only
    to its 街道 or to the district gets the geocoder's point, not the whole area; the
    precision code says how coarse that point is."""
    precision = getattr(resolution, "precision", None)
    if precision is None:
        return None
    geom = as_shape(getattr(resolution, "geometry", None))
    lon, lat = getattr(resolution, "lon", None), getattr(resolution, "lat", None)
    if geom is not None:
        gtype = geom.geom_type
        if gtype in AREAS and (
            precision == 1
            or (kind == "zone" and precision != DISTRICT_PRECISION)
            or (kind == "beautiful_block" and precision <= STREET_PRECISION)
        ):
            return geom
        if gtype in LINES and (
            kind in ("road", "beautiful_block") or str(resolution.method).endswith(LINE_METHODS)
        ):
            return geom
    if lon is not None and lat is not None and pd.notna(lon) and pd.notna(lat):
        return Point(float(lon), float(lat))
    return geom.representative_point() if geom is not None else None


def road_names(roads: gpd.GeoDataFrame) -> dict[str, int]:
    """Every road name and alias → its row position in `roads` (names of ≥ 2 characters)."""
    names: dict[str, int] = {}
    for pos, (name, aliases) in enumerate(
        zip(roads["name"], roads.get("aliases", [""] * len(roads)), strict=True)
    ):
        for candidate in [name, *str(aliases or "").split("|")]:
            if isinstance(candidate, str) and len(candidate.strip()) >= 2:
                names.setdefault(candidate.strip(), pos)
    return names


def street_lines(
    text: str, roads: gpd.GeoDataFrame, names: Mapping[str, int]
) -> BaseGeometry | None:
    """The union of the gazetteer roads named in `text` (longest names first, no overlaps).

    "江宁路街道" names a 街道, not the road, so a name directly followed by 街道 is skipped; roads
    in brackets are cross streets ("光复路（长寿路桥—普济路）" lies on 光复路), skipped too."""
    text = _PAREN_RE.sub(lambda m: "#" * len(m.group()), text or "")
    if not text.strip("# "):
        return None
    taken = [False] * len(text)
    rows: list[int] = []
    for name in sorted(names, key=lambda n: (-len(n), n)):
        for match in re.finditer(re.escape(name), text):
            span = range(match.start(), match.end())
            if any(taken[i] for i in span) or text.startswith("街道", match.end()):
                continue
            for i in span:
                taken[i] = True
            if names[name] not in rows:
                rows.append(names[name])
    if not rows:
        return None
    return shapely.union_all(roads.geometry.iloc[sorted(rows)].to_numpy())


def _join_sides(missing: object) -> str | None:
    if not missing:
        return None
    if isinstance(missing, str):
        return missing
    if isinstance(missing, Mapping):
        return MULTI_SEP.join(
            f"{side}: {', '.join(map(str, v)) if isinstance(v, (list, tuple)) else v}"
            for side, v in missing.items()
        )
    if isinstance(missing, Iterable):
        return MULTI_SEP.join(str(side) for side in missing)
    return str(missing)


def in_district(geom: BaseGeometry, clip: BaseGeometry | None) -> BaseGeometry | None:
    """`geom` as far as it lies in the district `clip`: a point within `DISTRICT_TOLERANCE` of it
    as is; a line or area cut to its in-district part; None when nothing is inside (a
    same-name place elsewhere in Shanghai is not this item: better unlocated than wrong)."""
    if clip is None:
        return geom
    dimension = shapely.get_dimensions(geom)
    if dimension == 0:
        return geom if geom.distance(clip) <= DISTRICT_TOLERANCE else None
    if clip.covers(geom):
        return geom
    parts = [
        part
        for part in shapely.get_parts(geom.intersection(clip))
        if shapely.get_dimensions(part) == dimension and not part.is_empty
    ]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def place_item(  # noqa: PLR0913 (the item's own fields, then what places it)
    kind: str,
    name: str | None,
    location: str | None,
    boundary: Mapping[str, Any] | None,
    resolve: Callable[[str], Any],
    roads: gpd.GeoDataFrame,
    names: Mapping[str, int],
    clip: BaseGeometry | None = None,
    context: Callable[[str], Any] | None = None,
    evidence: BoundaryEvidence | None = None,
) -> Placement:
    """Place one item in the shape natural to its kind.

    1. A 四至 `boundary` that yields a geometry wins (polygon or street segment, precision 1;
       or an area from known corners, or — when the sides do not close a plausible area —
       the known sides' road lines near where they meet, precision 5, with `missing_sides`:
       `geo.pipeline.fourbounds`; `evidence`: the bus-stop crossings that give corners and
       the 街道 an estimate may be known to, precision 3).
    2. Otherwise the candidates are: the geocoder's answer for `location`, then for `name`;
       for 美丽街区 and roads also the line of the street(s) the text names. The lowest
       precision code wins; at equal precision the kind's natural shape (area, or line for a
       road), then the order above (location before name).
    3. When nothing better than the district (precision 4) comes out, `context(name)` — the
       setting the item's sentence or paragraph names (`AtlasGeocoder.resolve_in_context`,
       method `context:<what>`) — is a candidate too.
    4. No candidate → unlocated: geometry and precision null, never a default point.

    With `clip` (the district outline) every candidate passes `in_district` first: lines and
    areas are cut to the district, a point outside it is dropped; `clip` also bounds a 四至
    estimate that a missing side leaves open."""
    missing_sides = None
    if boundary:
        result = resolve_boundary(dict(boundary), roads, evidence, clip=clip)
        missing_sides = _join_sides(getattr(result, "missing_sides", None))
        geom = as_shape(result.geometry)
        geom = in_district(geom, clip) if geom is not None else None
        if geom is not None and result.precision is not None:
            return Placement(geom, int(result.precision), BOUNDARY_METHOD, missing_sides)
    candidates: list[Placement] = []

    def consider(resolution: Any, geom: BaseGeometry | None, precision: int, method: str) -> None:
        geom = in_district(geom, clip) if geom is not None else None
        if geom is None:
            return
        own = _is_own_shape(kind, resolution, geom)
        candidates.append(
            Placement(
                geom,
                int(precision),
                method,
                missing_sides,
                getattr(resolution, "uncertainty_m", None),
                None if own else getattr(resolution, "subdistrict", None),
                own,
                None if own else getattr(resolution, "zone", None),
            )
        )

    for query in dict.fromkeys(q.strip() for q in (location, name) if isinstance(q, str)):
        if query:
            res = resolve(query)
            consider(res, natural_shape(kind, res), res.precision, str(res.method))
    if kind in ("beautiful_block", "road"):
        text = " ".join(t for t in (name, location) if isinstance(t, str))
        consider(None, street_lines(text, roads, names), STREET_PRECISION, STREETS_METHOD)
    best = min(candidates, key=lambda p: (p.precision, _shape_rank(kind, p.geometry)), default=None)
    if context is not None and (best is None or (best.precision or 0) >= CONTEXT_BELOW):
        res = context(name or location or "")
        if res is not None and res.precision is not None:
            consider(res, natural_shape(kind, res), res.precision, str(res.method))
            best = min(candidates, key=lambda p: (p.precision, _shape_rank(kind, p.geometry)))
    return best if best is not None else Placement(missing_sides=missing_sides)


def _is_own_shape(kind: str, resolution: Any, geom: BaseGeometry) -> bool:
    """Whether `geom` is the item itself (a 四至 or street shape, an exact place, a zone's or
    park's own polygon, a road item's line) rather than where it lies somewhere in."""
    if resolution is None:
        return True
    method = str(getattr(resolution, "method", ""))
    precision = getattr(resolution, "precision", None)
    if method.startswith("context:"):
        return False  # the item lies somewhere in its setting; the setting is not its shape
    if geom.geom_type in LINES and method.endswith(LINE_METHODS):
        return kind in ("road", "beautiful_block")
    if geom.geom_type in AREAS or geom.geom_type in LINES:
        return True
    return precision == 1 and not method.startswith("context:")


def in_a_subdistrict(items: gpd.GeoDataFrame) -> pd.Series:
    """Rows located more precisely than "somewhere in the district" (precision 4, whose point
    says nothing of the 街道 or zone it falls in): what the join reads a 街道 off, and what an
    upload counts as placed. A row without precision (a fake geocoder's) counts."""
    finer = (items["precision"] != DISTRICT_PRECISION).fillna(True).to_numpy(dtype=bool)
    located = is_located(items)
    return pd.Series(located.to_numpy() & finer, index=located.index, dtype=bool)


def locate_items(
    items: pd.DataFrame,
    roads: gpd.GeoDataFrame,
    geocoder: Geocoder,
    district: gpd.GeoDataFrame | None = None,
    evidence: BoundaryEvidence | None = None,
) -> gpd.GeoDataFrame:
    """The placed items of `place_items`, without their placements (what a caller that does
    not join wants)."""
    return place_items(items, roads, geocoder, district, evidence).items


def place_items(
    items: pd.DataFrame,
    roads: gpd.GeoDataFrame,
    geocoder: Geocoder,
    district: gpd.GeoDataFrame | None = None,
    evidence: BoundaryEvidence | None = None,
) -> Located:
    """`items` with geometry, precision, uncertainty_m, method, boundary (JSON text) and
    missing_sides, with the `Placement` of each row (what the join reads).

    Each distinct query is geocoded once (reports repeat places). `district` (its outline)
    bounds 四至 estimates; `evidence` (bus-stop crossings, 街道) checks them
    (`geo.pipeline.fourbounds`). With a `_paragraph` column and a geocoder that has
    `resolve_in_context`, the item's quote and paragraph are its context."""
    cache: dict[str, Resolved] = {}

    def resolve(query: str, address: ParsedAddress | None = None) -> Resolved:
        if query not in cache:
            cache[query] = geocoder.resolve(query, address) if address else geocoder.resolve(query)
        return cache[query]

    in_context = getattr(geocoder, "resolve_in_context", None)
    quotes = items["quote"] if "quote" in items else pd.Series([None] * len(items))
    paragraphs = items["_paragraph"] if "_paragraph" in items else pd.Series([None] * len(items))
    addresses = items["address"] if "address" in items else pd.Series([None] * len(items))
    names = road_names(roads)
    clip = shapely.union_all(district.geometry.to_numpy()) if district is not None else None
    placements = []
    docs = items["doc"] if "doc" in items else pd.Series([None] * len(items))
    named: dict[Any, set[str]] = {}
    for doc, kind, name, location in zip(
        docs, items["kind"], items["name"], items["location"], strict=True
    ):
        if kind != "zone":  # a zone item may well be its neighbours' setting
            named.setdefault(doc, set()).update(
                squeeze(t) for t in (name, location) if isinstance(t, str) and len(t) >= 2
            )
    for kind, name, location, boundary, quote, paragraph, doc, address in zip(
        items["kind"],
        items["name"],
        items["location"],
        items["boundary"],
        quotes,
        paragraphs,
        docs,
        addresses,
        strict=True,
    ):
        own = {squeeze(t) for t in (name, location) if isinstance(t, str)}
        others = named.get(doc, set()) - own
        texts = [mask(t, others) for t in (quote, paragraph) if isinstance(t, str) and t]

        def context(query: str, texts: list[str] = texts) -> Any:
            return in_context(query, texts) if in_context is not None and texts else None

        parsed = address if isinstance(address, ParsedAddress) else None

        def resolve_own(
            query: str, location: object = location, parsed: ParsedAddress | None = parsed
        ) -> Resolved:
            """The item's location goes with its parse (`extract.Item.address`)."""
            own = isinstance(location, str) and query == location.strip()
            return resolve(query, parsed if own else None)

        placed = place_item(
            kind, name, location, boundary, resolve_own, roads, names, clip, context, evidence
        )
        located = placed.method not in (BOUNDARY_METHOD, UNLOCATED)
        if located and from_paragraph(name, location, quote):
            placed = replace(placed, method=PARAGRAPH_METHOD)
        placements.append(placed)
    out = items.drop(columns=["_paragraph", "address"], errors="ignore").copy()
    geometry = gpd.GeoSeries([p.geometry for p in placements], index=items.index, crs=settings.crs)
    out["uncertainty_m"] = uncertainty(geometry, placements)
    out["precision"] = honest_precision(
        pd.array([p.precision for p in placements], dtype="Int64"), out["uncertainty_m"]
    )
    out["method"] = [p.method for p in placements]
    out["missing_sides"] = [p.missing_sides for p in placements]
    out["boundary"] = [boundary_json(b) for b in items["boundary"]]
    return Located(gpd.GeoDataFrame(out, geometry=geometry, crs=settings.crs), tuple(placements))


#: The method of an item placed by the setting its paragraph states (the extractor's location
#: for a designation its own sentence does not place: "深化…示范区建设" under 苏河湾).
PARAGRAPH_METHOD = "context:paragraph"


def from_paragraph(name: object, location: object, quote: object) -> bool:
    """The item's location is not in its own sentence: the extractor took it from the
    paragraph's setting, and the method says so."""
    if not isinstance(location, str) or not location or location == name:
        return False
    plain = squeeze(quote).replace("“", "").replace("”", "")
    return isinstance(quote, str) and squeeze(location) not in plain


def mask(text: str, names: set[str]) -> str:
    """`text` with the other items' names and locations blotted out: a place that is itself
    an item of the sentence ("彭三小区、中华新路817弄项目") is not the setting of its neighbours."""
    text = squeeze(text)
    for other in sorted(names, key=len, reverse=True):
        if other in text:  # not where it is the stem of an area's name (静安寺 in 静安寺街道)
            pattern = re.escape(other) + _NOT_AN_AREA_STEM
            text = re.sub(pattern, "#" * len(other), text)
    return text


_NOT_AN_AREA_STEM = "(?!" + "|".join((*SUBDISTRICT_ENDINGS, *ZONE_SUFFIXES)) + ")"


#: the radius precision 2 promises ("on the named road, or within ~250 m")
STREET_RADIUS_M = 250.0


def honest_precision(
    precision: pd.api.extensions.ExtensionArray, uncertainty_m: Sequence[float | None] | pd.Series
) -> pd.api.extensions.ExtensionArray:
    """Precision 2 where the radius exceeds 250 m becomes 5 (an estimate): the code must never
    promise more than the point can hold, whichever step placed it."""
    out = pd.Series(precision, dtype="Int64")
    radius = pd.to_numeric(pd.Series(list(uncertainty_m), dtype="float64"), errors="coerce")
    too_wide = (out == STREET_PRECISION).fillna(False).to_numpy(bool) & (
        radius.to_numpy(float) > STREET_RADIUS_M
    )
    masked: pd.api.extensions.ExtensionArray = out.mask(too_wide, 5).array
    return masked


def uncertainty(geometry: gpd.GeoSeries, placements: list[Placement]) -> list[float | None]:
    """Metres around each item's representative point that hold it. An item that *is* its
    shape at precision 1–2 (a place, a road, a 四至 polygon) is exact: 0. Otherwise — an
    estimated point, an answer the item lies somewhere in, an estimated shape — the geocoder's
    radius for a point it estimated, else how far the shape reaches from that point. None when
    unlocated."""
    located = is_located(geometry)
    out: list[float | None] = [None] * len(geometry)
    if not located.any():
        return out
    shapes = geometry[located].to_crs(settings.metric_crs)
    points = shapes.representative_point()
    reach = shapely.hausdorff_distance(shapes.to_numpy(), points.to_numpy())
    for pos, r in zip(np.nonzero(located.to_numpy())[0], reach, strict=True):
        p = placements[pos]
        if p.own_shape and (p.precision or 5) <= STREET_PRECISION:
            value = 0.0
        elif geometry.iloc[pos].geom_type == "Point" and p.uncertainty_m is not None:
            value = float(p.uncertainty_m)
        else:
            value = float(r)
        out[pos] = round(value, 1)
    return out


def boundary_json(boundary: object) -> str | None:
    """The 四至 dict as compact JSON text (GeoPackage and CSV have no dict type)."""
    if boundary is None or (isinstance(boundary, float) and pd.isna(boundary)) or not boundary:
        return None
    if isinstance(boundary, str):
        return boundary
    return json.dumps(boundary, ensure_ascii=False, separators=(",", ":"))
