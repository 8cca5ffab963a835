"""`AtlasGeocoder`: a geopy geocoder that runs the resolution steps in order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point as GeopyPoint

from atlas.settings import settings
from extract.address import ParsedAddress
from geo.geocode.address import masked_key, resolve_address
from geo.geocode.area import resolve_area
from geo.geocode.base import Query, Resolver, Step
from geo.geocode.context import resolve_context
from geo.geocode.fuzzy import resolve_fuzzy
from geo.geocode.index import GazetteerIndex, gazetteer_index
from geo.geocode.name import resolve_name
from geo.geocode.protocols import GazetteerSource, OnlineRefiner
from geo.geocode.text import resolve_text
from geo.geocode.types import MAX_QUERY_CHARS, Resolution, normalise_name, unlocated

#: The steps, in order; the first answer wins.
STEPS: tuple[Step, ...] = (resolve_name, resolve_fuzzy, resolve_address, resolve_text, resolve_area)


#: what the offline adapter says when asked to open a connection
_OFFLINE = "AtlasGeocoder is offline; use geo.geocode.online for a service"


class _NoNetwork(BaseSyncAdapter):  # type: ignore[misc]  # geopy ships no type hints
    """The adapter of the offline geocoder: it never opens a connection (and, unlike geopy's
    default adapter, costs nothing to create — no SSL context)."""

    def get_json(self, url: str, *, timeout: Any, headers: Any) -> Any:
        raise GeocoderServiceError(_OFFLINE)

    def get_text(self, url: str, *, timeout: Any, headers: Any) -> str:
        raise GeocoderServiceError(_OFFLINE)


class AtlasGeocoder(Geocoder):  # type: ignore[misc]  # geopy ships no type hints
    """geopy geocoder over the offline gazetteer (no network unless `online` is given).

    `gazetteer`: a `geo.gazetteer.Gazetteer`, a mapping of layer name → GeoDataFrame or a
    `GazetteerIndex` — handed in, never loaded here (the geocoder sits below the gazetteer
    stage). `online`: an optional `geo.geocode.online.OnlineFallback` consulted only when the
    gazetteer gives no answer or only an area (precision ≥ 3).
    `steps`: the resolution steps (default `STEPS`)."""

    def __init__(
        self,
        gazetteer: GazetteerSource | GazetteerIndex,
        *,
        online: OnlineRefiner | None = None,
        steps: Sequence[Step] = STEPS,
        **kwargs: Any,
    ):
        kwargs.setdefault("adapter_factory", _NoNetwork)
        super().__init__(**kwargs)
        self.index = gazetteer_index(gazetteer)
        self.resolver = Resolver(self.index)
        self.steps = tuple(steps)
        self.online = online
        self._cache: dict[str, Resolution] = {}

    # ------------------------------------------------------------------ geopy interface
    def geocode(
        self, query: str, *, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL
    ) -> Location | list[Location] | None:
        """A geopy `Location` (point = representative point; `raw` has precision, method,
        matched, subdistrict, zone, uncertainty_m, geometry), or None when unlocated."""
        res = self.resolve(query)
        if not res.located:
            return None
        location = to_location(res)
        return location if exactly_one else [location]

    # ------------------------------------------------------------------ resolution
    def resolve(self, query: str, address: ParsedAddress | None = None) -> Resolution:
        """Where `query` is (the steps in order); never None. `address`: `query` as the
        extractor parsed it (`extract.Item.address`), so it is not parsed again."""
        query = "" if query is None else str(query)
        if query not in self._cache:
            res = self._resolve_offline(query, address)
            if (
                self.online is not None
                and res.reason is None
                and (res.precision is None or res.precision >= 3)
            ):
                res = self.online.refine(query, res, self.index) or res
            self._cache[query] = res
        return self._cache[query]

    def resolve_many(self, queries: Iterable[str]) -> list[Resolution]:
        """`resolve` for each query (repeats cost a dict lookup)."""
        return [self.resolve(q) for q in queries]

    def resolve_in_context(self, query: str, context: Iterable[str]) -> Resolution:
        """The setting the `context` texts (sentence first, then paragraph) name for an item
        called `query` (`geo.geocode.context`); unlocated when they name none."""
        texts = [t.replace("\n", " ")[: MAX_QUERY_CHARS * 4] for t in context if t]
        q = Query(str(query or ""), "", "", "\n".join(texts))
        return resolve_context(self.resolver, q) or unlocated(q.text)

    def _resolve_offline(self, query: str, address: ParsedAddress | None = None) -> Resolution:
        if len(query) > MAX_QUERY_CHARS:
            return unlocated(
                query[:MAX_QUERY_CHARS] + "…",
                reason=f"query longer than {MAX_QUERY_CHARS} characters: not parsed",
            )
        key = normalise_name(query)
        if not key:
            return unlocated(query)
        parsed = self.resolver.parse(query, address)
        q = Query(query, key, masked_key(self.resolver, parsed, key), parsed=parsed)
        for step in self.steps:
            res = step(self.resolver, q)
            if res is not None:
                return res
        return unlocated(query)


def to_location(res: Resolution) -> Location:
    """A geopy `Location` for a located `Resolution` (geopy points are (latitude, longitude))."""
    parts = [p for p in (res.matched, res.subdistrict, settings.district, "上海市") if p]
    raw = {**res.to_dict(), "geometry": res.geojson()}
    return Location(", ".join(dict.fromkeys(parts)), GeopyPoint(res.lat, res.lon), raw)
