"""The bottom of the geocoder: the `Resolution` value type, name normalisation and the two
small protocols (area look-ups, resolution steps) the rest of the package and `geo.geocode.online`
depend on — and nothing else, so that nothing here imports the geocoder itself."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry

from atlas.settings import settings
from extract.vocab import PROJECT_SUFFIXES, ROAD_SUFFIXES, SUBDISTRICT_ENDINGS, ZONE_SUFFIXES
from geo.schema import DECIMALS, UNLOCATED

__all__ = [
    "LAYERS",
    "LAYER_PRECISION",
    "MAX_QUERY_CHARS",
    "PROJECT_SUFFIXES",
    "ROAD_END",
    "SUBDISTRICT_END",
    "ZONE_SUFFIXES",
    "AreaLookup",
    "Resolution",
    "normalise_name",
    "unlocated",
]

LAYERS: tuple[str, ...] = ("district", "subdistricts", "zones", "roads", "places", "water")

#: Precision of an exact hit, by gazetteer layer (the layer says what the name denotes).
LAYER_PRECISION: dict[str, int] = {
    "places": 1,
    "roads": 1,
    "water": 1,
    "subdistricts": 3,
    "district": 4,
    "zones": 5,
}

ROAD_END: tuple[str, ...] = ROAD_SUFFIXES
SUBDISTRICT_END: tuple[str, ...] = SUBDISTRICT_ENDINGS
#: A query longer than this is no place name or address: answered unlocated, never parsed
#: (bounds the work per line whatever the input).
MAX_QUERY_CHARS = 500

DROP_RE = re.compile(r"[\s\u3000·•、，,。.;；:：!！?？\"'“”‘’《》〈〉「」『』【】\[\]()（）—\-_/]+")


@functools.cache
def _prefix_re(district: str) -> re.Pattern[str]:
    """The admin prefix of a name in `district` (not bare 上海: 上海北站 ≠ 北站)."""
    return re.compile(rf"^(?:中国)?(?:上海市)?(?:{re.escape(district)})?")


_PAREN_RE = re.compile(r"[（(][^（）()]*[)）]")


def normalise_name(text: object, *, notes: bool = False) -> str:
    """The lookup key of a name: NFKC, no spaces/punctuation, no 上海市/静安区 prefix (unless
    that is the whole name), and no parenthesised note unless `notes` ("上海火车站地铁站(1号线)"
    and "(3/4号线)" are two stations; without their notes, one ambiguous name).

    More than the one normal form (`extract.normalise.squeeze`) on purpose: a gazetteer key
    drops what tells nothing of *which* feature (punctuation, notes, the admin prefix)."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    if not notes:
        s = _PAREN_RE.sub("", s) or s
    s = DROP_RE.sub("", s)
    stripped = _prefix_re(settings.district).sub("", s)
    return stripped if len(stripped) >= 2 else s


@dataclass(frozen=True)
class Resolution:
    """Where a query is: never None; unlocated → geometry/lon/lat/precision None.

    `uncertainty_m`: a radius around (lon, lat) that holds the true position with high
    probability (None when the answer is an area or unlocated: the area is the uncertainty).
    `reason`: why an unlocated query is unlocated, when there is more to say than "no match"."""

    query: str
    geometry: BaseGeometry | None
    lon: float | None
    lat: float | None
    precision: int | None
    method: str
    matched: str | None
    subdistrict: str | None
    zone: str | None
    uncertainty_m: float | None = None
    reason: str | None = None

    @property
    def located(self) -> bool:
        return self.geometry is not None

    @property
    def geometry_type(self) -> str | None:
        return None if self.geometry is None else str(self.geometry.geom_type)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (geometry left out, its type kept; coordinates to 6 decimals)."""
        out = asdict(self)
        out.pop("geometry")
        for key in ("lon", "lat"):
            if out[key] is not None:
                out[key] = round(float(out[key]), DECIMALS)
        if out["uncertainty_m"] is not None:
            out["uncertainty_m"] = round(float(out["uncertainty_m"]), 1)
        out["geometry_type"] = self.geometry_type
        if out["reason"] is None:
            out.pop("reason")
        return out

    def geojson(self) -> dict[str, Any] | None:
        """The full shape as a GeoJSON geometry mapping (None when unlocated)."""
        return None if self.geometry is None else mapping(self.geometry)


def unlocated(
    query: str, method: str = UNLOCATED, matched: str | None = None, reason: str | None = None
) -> Resolution:
    """An honest blank."""
    return Resolution(query, None, None, None, None, method, matched, None, None, None, reason)


class AreaLookup(Protocol):
    """What the online fallback needs from the gazetteer: the district and point look-ups."""

    @property
    def district_geom(self) -> BaseGeometry | None: ...

    def in_district(self, point: Point) -> bool: ...

    def subdistrict_at(self, point: Point) -> str | None: ...

    def zone_at(self, point: Point) -> str | None: ...
