"""CSV of items: one row per item, lon/lat of its representative point and its WKT, cells a
spreadsheet would run as a formula neutralised (OWASP CSV injection)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.io.geojson import _as_items, _property_columns, rfc7946_geometries
from geo.schema import DECIMALS, located_array

#: first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_csv(gdf: gpd.GeoDataFrame) -> str:
    """Items as CSV: the schema columns, then `lon`, `lat` (the point, or a point on the line
    or area) and `geometry` as WKT, all at 6 decimals and valid, as in the GeoJSON; unlocated
    rows have them empty. Text cells a spreadsheet would run as a formula are neutralised."""
    items = _as_items(gdf)
    columns = _property_columns(items)
    table = pd.DataFrame({c: neutralise_formulas(items[c]) for c in columns})
    geoms = rfc7946_geometries(items.geometry.array)
    located = located_array(geoms)
    points = np.full(len(items), None, dtype=object)
    points[located] = shapely.point_on_surface(geoms[located])
    table["lon"] = [round(p.x, DECIMALS) if p is not None else None for p in points]
    table["lat"] = [round(p.y, DECIMALS) if p is not None else None for p in points]
    wkt = np.full(len(items), None, dtype=object)
    wkt[located] = shapely.to_wkt(geoms[located], rounding_precision=DECIMALS, trim=True)
    table["geometry"] = wkt
    # RFC 4180 line ends: with CRLF Python's writer quotes a cell holding a bare CR as well as
    # LF (with LF alone it would not, and a carriage return in a quote would break the row).
    return table.to_csv(index=False, lineterminator="\r\n")


def neutralise_formulas(column: pd.Series) -> pd.Series:
    """Text cells starting with `= + - @`, a tab or a carriage return, prefixed with `'`.

    OWASP's rule against CSV injection: a report title such as `=HYPERLINK(…)` must reach a
    spreadsheet as text, not as a formula. Numbers are left alone (a negative number is not a
    formula); only CSV needs this: GeoJSON and GeoPackage keep the text as it is."""
    if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
        return column
    values = column.to_numpy(dtype=object, copy=True)
    risky = [i for i, v in enumerate(values) if isinstance(v, str) and v.startswith(FORMULA_STARTS)]
    if not risky:
        return column
    values[risky] = ["'" + values[i] for i in risky]
    return pd.Series(values, index=column.index, name=column.name)
