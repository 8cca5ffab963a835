"""Synthetic data for tests and benchmarks (cf. `geopandas.testing`): `frame(rows, **defaults)`
makes any layer (gazetteer, atlas reference layers), `items_frame(rows)` an items layer
conformed to the schema, `write_layers(layers, path)` a GeoPackage as the build writes it, and
`geojson_*` the raw GeoJSON of source files. Every synthetic fixture of the tests is built with
these, so a schema change is made in one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from atlas.settings import settings

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd


def frame(
    rows: Sequence[Mapping[str, Any]], crs: str | None = None, **defaults: Any
) -> gpd.GeoDataFrame:
    """A GeoDataFrame of `rows` (dicts with a shapely `geometry`), each completed by `defaults`
    (a row's own value wins), in `crs` (default: the stored CRS, WGS84)."""
    import geopandas as gpd

    records = [{**defaults, **row} for row in rows]
    return gpd.GeoDataFrame(records, geometry="geometry", crs=crs or settings.crs)


def items_frame(rows: Sequence[Mapping[str, Any]] | pd.DataFrame) -> gpd.GeoDataFrame:
    """An `items` layer as the build writes it: `rows` (dicts, or a frame with a `geometry`
    column) conformed to `geo.schema.ITEM_COLUMNS` (missing columns null, integer dtypes)."""
    import geopandas as gpd
    import pandas as pd

    from geo.schema import conform_items

    if isinstance(rows, pd.DataFrame):
        return conform_items(gpd.GeoDataFrame(rows, geometry="geometry", crs=settings.crs))
    return conform_items(frame(rows))


def write_layers(layers: Mapping[str, gpd.GeoDataFrame], path: str | Path) -> Path:
    """The layers in one GeoPackage, written like the build's (atomic, fixed timestamp)."""
    from geo.io.export import write_gpkg_layers

    return write_gpkg_layers(layers, path)


def geojson_point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def geojson_square(bounds: tuple[float, float, float, float]) -> dict[str, Any]:
    """A MultiPolygon mapping of the box `(west, south, east, north)`."""
    x0, y0, x1, y1 = bounds
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


def geojson_feature(properties: Mapping[str, Any], geometry: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": dict(properties), "geometry": dict(geometry)}


def geojson_collection(features: Sequence[Mapping[str, Any]], **members: Any) -> dict[str, Any]:
    """A FeatureCollection (`members`: extra top-level members, e.g. a legacy `crs`)."""
    return {"type": "FeatureCollection", **members, "features": list(features)}
