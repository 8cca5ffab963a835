"""The typed seams between stages: what placement and the build need of a geocoder, and what
the geocoder needs of an online fallback.

Structural (`typing.Protocol`), so `geo.geocode.AtlasGeocoder`,
`geo.geocode.online.OnlineFallback` and
the fakes of the tests all fit without inheriting anything; mypy checks every call across them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TypeAlias

    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    from extract.address import ParsedAddress
    from geo.geocode.types import AreaLookup, Resolution


class Resolved(Protocol):
    """Where a query is (`geo.geocode.Resolution`): never None; unlocated → geometry, lon, lat
    and precision None, method "unlocated"."""

    @property
    def query(self) -> str: ...
    @property
    def geometry(self) -> BaseGeometry | None: ...
    @property
    def lon(self) -> float | None: ...
    @property
    def lat(self) -> float | None: ...
    @property
    def precision(self) -> int | None: ...
    @property
    def method(self) -> str: ...
    @property
    def matched(self) -> str | None: ...
    @property
    def subdistrict(self) -> str | None: ...
    @property
    def zone(self) -> str | None: ...


class Geocoder(Protocol):
    """What `geo.pipeline.place.locate_items` and `geo.pipeline.build.build_atlas` call: one
    query → where."""

    def resolve(self, query: str, address: ParsedAddress | None = None) -> Resolved:
        """Where `query` is; `address`: the query already parsed by the extractor
        (`extract.Item.address`, when the query is the item's location)."""
        ...


class OnlineRefiner(Protocol):
    """What `AtlasGeocoder` asks of its `online` fallback (`geo.geocode.online.OnlineFallback`): a
    better answer than the offline one, or None; `service`, `sent` and `errors` are reported."""

    @property
    def service(self) -> str: ...
    @property
    def sent(self) -> int: ...
    @property
    def errors(self) -> list[tuple[str, str]]: ...
    def refine(self, query: str, offline: Resolution, index: AreaLookup) -> Resolution | None: ...


__all__ = ["Geocoder", "OnlineRefiner", "Resolved"]


class GazetteerLayers(Protocol):
    """A gazetteer as the geocoder and the build read it: its layers, GeoDataFrames in
    EPSG:4326 (`geo.gazetteer.Gazetteer` fits; the geocoder sits below the gazetteer stage, so
    it names this shape rather than importing the class)."""

    @property
    def district(self) -> gpd.GeoDataFrame: ...
    @property
    def subdistricts(self) -> gpd.GeoDataFrame: ...
    @property
    def zones(self) -> gpd.GeoDataFrame: ...
    @property
    def roads(self) -> gpd.GeoDataFrame: ...
    @property
    def places(self) -> gpd.GeoDataFrame: ...


#: Every entry point that takes a gazetteer takes one of these: a `Gazetteer` or a mapping of
#: layer name → GeoDataFrame.
GazetteerSource: TypeAlias = "GazetteerLayers | Mapping[str, gpd.GeoDataFrame]"
