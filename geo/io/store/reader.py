"""Reading a published atlas back: one read-only snapshot gated on `builds` (see
`geo.io.store`), each layer in the GeoPackage's dtypes and row order, item filters pushed down
to SQL (`geo.io.store.where`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql
from pyproj import CRS as ProjCRS

from atlas import dsn
from atlas.errors import DataError
from geo import filters as flt
from geo.io.store.columns import GEOMETRY, ORDER
from geo.io.store.connection import BUILDS, LAYERS, StoreError, connect, qname
from geo.io.store.where import where_clause
from geo.schema import ATLAS_LAYERS, MULTI_SEP, conform_items

#: seconds a reader waits for a publish to commit before giving up with one line (a publish of
#: the shipped atlas takes about a second; one stopped inside its transaction never ends)
READ_LOCK_TIMEOUT = 15.0


def restore(values: Sequence[Any], dtype: str) -> Any:
    """The column as the GeoPackage reader gave it (`dtype` recorded at publish time)."""
    target = pd.api.types.pandas_dtype(dtype) if dtype != "object" else np.dtype(object)
    if target == np.dtype(object):
        return pd.Series(list(values), dtype=object)
    if target.kind == "f":
        return pd.Series([np.nan if v is None else v for v in values], dtype=target)
    return pd.Series(list(values), dtype=object).astype(target)


class Reader:
    """Reads a published schema inside one read-only snapshot (see the module doc)."""

    def __init__(self, conn: Any, schema: str, url: str) -> None:
        self.cur = conn.cursor(binary=True)
        self.schema = schema
        self.url = url
        wait = f"{max(1, int(READ_LOCK_TIMEOUT * 1000))}ms"
        try:  # bounded: a publisher stopped inside its transaction must not hang the reader
            self.cur.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(wait)))
            self.cur.execute(
                sql.SQL("LOCK TABLE {} IN ACCESS SHARE MODE").format(qname(schema, BUILDS))
            )
        except (psycopg.errors.UndefinedTable, psycopg.errors.InvalidSchemaName):
            raise DataError(
                f"no atlas published in schema {schema} of {dsn.shown(url)} "
                "(python -m geo publish --dsn …)"
            ) from None
        except psycopg.errors.LockNotAvailable:
            raise StoreError(
                f"{dsn.shown(url)}: the atlas is being published and the publish has not finished "
                f"within {READ_LOCK_TIMEOUT:g} s; try again later"
            ) from None
        rows = self.cur.execute(
            sql.SQL("SELECT name, columns, crs, synthetic_id FROM {} ORDER BY position").format(
                qname(schema, LAYERS)
            )
        ).fetchall()
        self.meta = {name: (cols["read"], crs, synth) for name, cols, crs, synth in rows}

    def build(self) -> int | None:
        row = self.cur.execute(sql.SQL("SELECT max(id) FROM {}").format(qname(self.schema, BUILDS)))
        build: int | None = row.fetchone()[0]
        return build

    def layer(self, name: str, filters: flt.Filters | None = None) -> gpd.GeoDataFrame:
        """One layer in the GeoPackage's dtypes and row order; `filters` pushed down."""
        columns, crs, _ = self.meta[name]
        select = [
            sql.SQL("ST_AsBinary({})").format(sql.Identifier(c))
            if dtype == "geometry"
            else sql.Identifier(c)
            for c, dtype in columns
        ]
        where, params = where_clause(filters) if filters is not None else (sql.SQL("TRUE"), [])
        query = sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY {}").format(
            sql.SQL(", ").join(select), qname(self.schema, name), where, sql.Identifier(ORDER)
        )
        rows = self.cur.execute(query, params).fetchall()
        cells = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
        data: dict[str, Any] = {}
        geometry = None
        for (column, dtype), values in zip(columns, cells, strict=True):
            if dtype == "geometry":
                geometry = shapely.from_wkb(np.array(values, dtype=object))
                data[column] = None
            else:
                data[column] = restore(values, dtype)
        frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
        geoms = gpd.GeoSeries(geometry if geometry is not None else [None] * len(rows), crs=crs)
        frame[GEOMETRY] = geoms.values
        gdf = gpd.GeoDataFrame(frame, geometry=GEOMETRY, crs=ProjCRS.from_wkt(crs))
        if name == "items":
            gdf = conform_items(gdf)
            if filters is not None:  # exact `geo.filters` semantics over the SQL superset
                gdf = gdf[flt.mask(gdf, filters)].reset_index(drop=True)
        return gdf

    def distinct(self, column: str) -> list[Any]:
        """The values a filter on `column` may take, as `geo.filters.valid_values` finds them."""
        target = qname(self.schema, "items")
        if column in flt.MULTI_VALUED:
            query = sql.SQL(
                "SELECT DISTINCT v FROM {}, unnest(string_to_array({}, %s)) AS v WHERE v <> ''"
            ).format(target, sql.Identifier(column))
            params: list[Any] = [MULTI_SEP]
        else:
            query = sql.SQL("SELECT DISTINCT {c} FROM {t} WHERE {c} IS NOT NULL").format(
                c=sql.Identifier(column), t=target
            )
            params = []
        return [r[0] for r in self.cur.execute(query, params).fetchall()]


def ordered_layers(meta: Mapping[str, Any]) -> list[str]:
    """Layer names in the schema's order (`ATLAS_LAYERS`), then any others as published."""
    return [n for n in ATLAS_LAYERS if n in meta] + [n for n in meta if n not in ATLAS_LAYERS]


def read_atlas(url: str, filters: flt.Filters | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Every published layer, as `geo.io.read.read_atlas` reads them from the GeoPackage
    (`items` conformed, in row order); `filters` selects items in SQL."""
    with connect(url, read_only=True) as (conn, schema):
        reader = Reader(conn, schema, url)
        if "items" not in reader.meta:
            raise DataError(f"schema {schema} of {dsn.shown(url)} has no items layer")
        return {
            name: reader.layer(name, filters if name == "items" else None)
            for name in ordered_layers(reader.meta)
        }


def atlas_stamp(url: str) -> str | None:
    """A value that changes whenever the published atlas changes (the page's cache key): the
    last build number; None when there is no atlas (`geo.io.read.atlas_stamp`: any atlas)."""
    with connect(url, read_only=True) as (conn, schema):
        try:
            reader = Reader(conn, schema, url)
        except DataError:
            return None
        build = reader.build()
        return None if build is None else f"build:{build}"
