"""A layer's columns as SQL: the type of each, ids for layers without one, and the values
COPY sends (geometry as hex EWKB, exactly, with SRID 4326)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from atlas.errors import DataError
from atlas.settings import settings
from geo.schema import INT_COLUMNS

SRID = 4326
ORDER = "_order"
GEOMETRY = "geometry"


@dataclass(frozen=True)
class Column:
    """One column of a layer: its name, pandas dtype (to restore) and SQL type."""

    name: str
    dtype: str
    sqltype: str


def sql_type(layer: str, name: str, dtype: Any) -> str:
    """The SQL type of a pandas dtype (the schema's integer item columns as `integer`)."""
    kind = getattr(dtype, "kind", "O")
    if kind in "iu":
        return "integer" if layer == "items" and name in INT_COLUMNS else "bigint"
    if kind == "f":
        return "double precision"
    if kind == "b":
        return "boolean"
    if kind == "M":
        return "timestamptz" if getattr(dtype, "tz", None) is not None else "timestamp"
    return "text"


def geometry_type(geoms: gpd.GeoSeries) -> str:
    """`Point`, `MultiPolygon` … when every present geometry has that type, else `Geometry`
    (QGIS opens a typed column as one layer; the items mix points, lines and areas)."""
    types = set(geoms.dropna().geom_type.dropna())
    return types.pop() if len(types) == 1 else "Geometry"


def columns_of(layer: str, gdf: gpd.GeoDataFrame) -> list[Column]:
    """The columns of `gdf` in order, the geometry as `geometry(<type>, 4326)`."""
    out = []
    for name in gdf.columns:
        if name == gdf.geometry.name:
            sqltype = f"geometry({geometry_type(gdf.geometry)}, {SRID})"
            out.append(Column(GEOMETRY, "geometry", sqltype))
        else:
            dtype = gdf[name].dtype
            out.append(Column(str(name), str(dtype), sql_type(layer, str(name), dtype)))
    return out


def stable_ids(layer: str, gdf: pd.DataFrame) -> list[str]:
    """Ids for a layer that has none: a hash of the feature's `source` and `name` (what the
    gazetteer keys features by), so a rebuild that keeps a feature keeps its id; repeats get
    `-2`, `-3` … in row order."""
    keys = [c for c in ("source", "name") if c in gdf.columns] or [
        c for c in gdf.columns if c != GEOMETRY and gdf[c].dtype.kind == "O"
    ]
    seen: dict[str, int] = {}
    ids = []
    for row in zip(*(gdf[c].astype(object).where(gdf[c].notna(), None) for c in keys), strict=True):
        digest = hashlib.sha1(json.dumps(row, ensure_ascii=False).encode()).hexdigest()[:12]
        base = f"{layer}-{digest}"
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def copy_values(series: pd.Series) -> list[Any]:
    """Python values for COPY: NA/NaN → None, numpy scalars → Python ones."""
    missing = series.isna().to_numpy()
    kind = series.dtype.kind
    if kind in "iu":
        values: list[Any] = [int(v) for v in series.fillna(0).astype("int64").to_numpy()]
    elif kind == "f":
        values = series.astype("float64").tolist()
    elif kind == "b":
        values = [bool(v) for v in series.fillna(False).astype(bool).to_numpy()]
    elif kind == "M":
        values = list(series.dt.to_pydatetime())
    else:
        values = series.astype(object).tolist()
        bad = {type(v).__name__ for v, na in zip(values, missing, strict=True) if not na}
        bad -= {"str"}
        if bad:
            raise DataError(f"column {series.name}: cannot store values of type {sorted(bad)}")
    return [None if na else v for v, na in zip(values, missing, strict=True)]


def ewkb(geoms: gpd.GeoSeries) -> list[str | None]:
    """Hex EWKB with SRID 4326 (PostGIS parses it as geometry input, exactly: no rounding)."""
    array = np.asarray(geoms.to_crs(settings.crs).array if geoms.crs else geoms.array, dtype=object)
    out = np.full(len(array), None, dtype=object)
    present = ~shapely.is_missing(array)
    with_srid = shapely.set_srid(array[present], SRID)
    out[present] = shapely.to_wkb(with_srid, hex=True, include_srid=True)
    return out.tolist()
