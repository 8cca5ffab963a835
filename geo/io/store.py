"""The atlas in PostgreSQL/PostGIS: `python -m geo publish`, and reading it back.

A team shares one atlas in PostGIS (what QGIS, GDAL and web map servers speak); the GeoPackage
stays the single user's default. Every atlas path the project accepts (`--atlas`,
`ATLAS_PATH`) may be a `postgresql://` URL instead: `geo.io.export.read_atlas` and
`geo.io.export.cli_selection` hand such a URL to `read_atlas` / `select` here.

Layout of a published schema (default `jingan_atlas`, or `?schema=NAME` in the URL):
one table per layer (`items`, `zones`, `subdistricts`, `district`, and `threads`, `roads`,
`water` when the atlas has them) with the layer's columns in their types (integers as
`integer`/`bigint`), primary key `id` (layers without one get a stable `id`: see
`stable_ids`), `geometry` as `geometry(<type>, 4326)` registered in `geometry_columns` with a
GiST index, and `_order` (the GeoPackage's row order). `layers` records each layer's
columns and pandas dtypes, so a read gives back the very frame the GeoPackage gives;
`builds` records each publish (time, source commit, counts per layer and kind).

Consistency: a publish is one transaction, serialised by an advisory lock. Inside it the
publisher takes an ACCESS EXCLUSIVE lock on `builds` before it changes anything; readers
start a REPEATABLE READ READ ONLY transaction with an ACCESS SHARE lock on `builds` before
their first SELECT, so they read the whole old atlas or the whole new one (a reader arriving
during a publish waits for its commit, at most `READ_LOCK_TIMEOUT` seconds: a publisher
stopped inside its transaction must not hang every reader), and a failed publish rolls back
to the previous atlas.

Values travel as bound parameters or COPY rows adapted by psycopg (never formatted into SQL);
identifiers are `psycopg.sql.Identifier`. Credentials come from the URL, `PGPASSWORD`,
`PGSERVICE` or `~/.pgpass` (libpq); a connection appears in messages as user@host:port/db
(`atlas.dsn`), never with its password.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql
from psycopg.types.json import Jsonb
from pyproj import CRS as ProjCRS

from atlas import dsn
from atlas.errors import DataError, ServiceError
from atlas.settings import settings
from geo import filters as flt
from geo.schema import CRS, INT_COLUMNS, KINDS, MULTI_SEP, conform_items

SCHEMES = dsn.SCHEMES
DEFAULT_SCHEMA = "jingan_atlas"
SRID = 4326
ORDER = "_order"
GEOMETRY = "geometry"
BUILDS = "builds"
LAYERS = "layers"
#: seconds to wait for a server before giving up with one line
CONNECT_TIMEOUT = 10
#: seconds a reader waits for a publish to commit before giving up with one line (a publish of
#: the shipped atlas takes about a second; one stopped inside its transaction never ends)
READ_LOCK_TIMEOUT = 15.0


class StoreError(ServiceError):
    """The database refused or failed (unreachable, wrong password, missing PostGIS …)."""


# --------------------------------------------------------------------------- URLs


def is_url(location: object) -> bool:
    """True for a `postgresql://` (or `postgres://`) URL, False for a file path."""
    return dsn.is_url(location)


def split_url(url: str) -> tuple[str, str]:
    """(libpq URL, schema): the project's own `schema=` query parameter taken out."""
    base, _, query_text = url.partition("?")  # not urlunsplit: it turns `postgresql://` into
    query = parse_qsl(query_text, keep_blank_values=True)  # `postgresql:` (PGSERVICE URLs)
    schema = next((v for k, v in query if k == "schema"), DEFAULT_SCHEMA) or DEFAULT_SCHEMA
    rest = urlencode([(k, v) for k, v in query if k != "schema"], quote_via=quote)
    return base + (f"?{rest}" if rest else ""), schema


#: how a URL appears in messages (`atlas.dsn`: user@host:port/db, never a password)
shown = dsn.shown


def mask(text: str, url: str = "", secrets: Iterable[str] = ()) -> str:
    """`text` with every form of the password of `url` (and of PGPASSWORD, any `password=`
    parameter and `secrets`) as ***, and every URL in it as `shown` shows it."""
    return dsn.mask(text, url, secrets)


def _one_line(exc: BaseException, url: str) -> str:
    return mask(" ".join(str(exc).split()) or type(exc).__name__, url)


MISREAD = (
    "the URL cannot be read as written: percent-encode / # ? % @ and spaces in the password "
    "(%2F %23 %3F %25 %40 %20), or leave it out and use PGPASSWORD or ~/.pgpass"
)


def conninfo_of(url: str) -> tuple[str, str]:
    """(libpq URL, schema) of `url`, refused (`StoreError`, without echoing it) when libpq
    would misread it: a password with an un-encoded ``/ # ? @`` is split by libpq into a
    host, a port or a database, and its error message would quote the pieces."""
    conninfo, schema = split_url(url)
    try:
        parsed = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.Error:
        parsed = None
    written = dsn.parts_of(url).get("password")
    if parsed is None or (written and unquote(written) != parsed.get("password")):
        raise StoreError(f"cannot connect to {shown(url)}: {MISREAD}")
    return conninfo, schema


@contextmanager
def connect(url: str, *, read_only: bool = False) -> Iterator[tuple[Any, str]]:
    """(connection, schema) for `url`; a failure to connect is one `StoreError` line."""
    if psycopg is None:  # pragma: no cover
        raise StoreError(
            "reading a postgresql:// atlas needs psycopg: pip install 'psycopg[binary]'"
        )
    conninfo, schema = conninfo_of(url)
    try:
        conn = psycopg.connect(
            conninfo, connect_timeout=CONNECT_TIMEOUT, application_name="jingan-atlas"
        )
    except psycopg.Error as exc:
        raise StoreError(f"cannot connect to {shown(url)}: {_one_line(exc, url)}") from None
    try:
        if read_only:
            conn.read_only = True
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        yield conn, schema
    except psycopg.Error as exc:
        raise StoreError(f"{shown(url)}: {_one_line(exc, url)}") from None
    finally:
        conn.close()


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """One column of a layer: its name, pandas dtype (to restore) and SQL type."""

    name: str
    dtype: str
    sqltype: str


def _sql_type(layer: str, name: str, dtype: Any) -> str:
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
            out.append(Column(str(name), str(dtype), _sql_type(layer, str(name), dtype)))
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


def _values(series: pd.Series) -> list:
    """Python values for COPY: NA/NaN → None, numpy scalars → Python ones."""
    missing = series.isna().to_numpy()
    kind = series.dtype.kind
    if kind in "iu":
        values: list = [int(v) for v in series.fillna(0).astype("int64").to_numpy()]
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


def _ewkb(geoms: gpd.GeoSeries) -> list[str | None]:
    """Hex EWKB with SRID 4326 (PostGIS parses it as geometry input, exactly: no rounding)."""
    array = np.asarray(geoms.to_crs(CRS).array if geoms.crs else geoms.array, dtype=object)
    out = np.full(len(array), None, dtype=object)
    present = ~shapely.is_missing(array)
    with_srid = shapely.set_srid(array[present], SRID)
    out[present] = shapely.to_wkb(with_srid, hex=True, include_srid=True)
    return out.tolist()


# --------------------------------------------------------------------------- publish


@dataclass
class PublishResult:
    """What a publish wrote: the build number and the counts recorded in `builds`."""

    schema: str
    build: int
    counts: dict[str, Any] = field(default_factory=dict)


def source_commit(root: Path | None = None) -> str | None:
    """The checkout's commit (`-dirty` with uncommitted changes); None outside git."""
    root = root or settings.root
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("-dirty" if dirty else "")


def counts_of(layers: Mapping[str, gpd.GeoDataFrame]) -> dict[str, Any]:
    """Rows per layer and items per kind (all kinds, zero included)."""
    items = layers.get("items")
    kinds = items["kind"].value_counts() if items is not None else pd.Series(dtype=int)
    return {
        "layers": {name: len(gdf) for name, gdf in layers.items()},
        "kinds": {
            k: int(kinds.get(k, 0)) for k in (*KINDS, *sorted(set(kinds.index) - set(KINDS)))
        },
    }


def _q(schema: str, name: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(name))


_META_DDL = (
    """CREATE TABLE IF NOT EXISTS {builds} (
        id serial PRIMARY KEY,
        published_at timestamptz NOT NULL DEFAULT now(),
        source_commit text,
        source text,
        counts jsonb NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS {layers} (
        name text PRIMARY KEY,
        position integer NOT NULL,
        columns jsonb NOT NULL,
        crs text NOT NULL,
        synthetic_id boolean NOT NULL,
        rows integer NOT NULL)""",
)


def _ensure_postgis(cur: Any) -> None:
    if cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
        return
    try:
        cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except psycopg.errors.InsufficientPrivilege:
        raise StoreError(
            "PostGIS is not enabled in this database and this role may not enable it: "
            "ask an administrator to run CREATE EXTENSION postgis"
        ) from None


def _write_layer(cur: Any, schema: str, name: str, position: int, gdf: gpd.GeoDataFrame) -> None:
    """Replace one table's rows (TRUNCATE keeps grants and indexes when the columns are the
    same; a changed layout is dropped and created anew)."""
    frame = gdf.reset_index(drop=True)
    synthetic = "id" not in frame.columns
    if synthetic:
        frame.insert(0, "id", stable_ids(name, frame))
    ids = frame["id"]
    if ids.isna().any() or ids.duplicated().any():
        dup = ids[ids.duplicated()].head(3).tolist()
        raise DataError(f"layer {name}: ids must be present and unique (repeated: {dup})")
    columns = columns_of(name, frame)
    stored = [c for c in columns if not (synthetic and c.name == "id")]
    definition = json.dumps([[c.name, c.dtype, c.sqltype] for c in columns])
    table = _q(schema, name)
    row = cur.execute(
        sql.SQL("SELECT columns FROM {} WHERE name = %s").format(_q(schema, LAYERS)), [name]
    ).fetchone()
    previous = None if row is None else json.dumps(row[0]["all"])
    exists = cur.execute(
        "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s", [schema, name]
    ).fetchone()
    if previous == definition and exists:
        cur.execute(sql.SQL("TRUNCATE {}").format(table))
    else:
        cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
        defs = [
            sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(c.sqltype)) for c in columns
        ]
        defs.append(sql.SQL("{} integer NOT NULL").format(sql.Identifier(ORDER)))
        defs.append(sql.SQL("PRIMARY KEY ({})").format(sql.Identifier("id")))
        cur.execute(sql.SQL("CREATE TABLE {} ({})").format(table, sql.SQL(", ").join(defs)))
        cur.execute(
            sql.SQL("CREATE INDEX {} ON {} USING gist ({})").format(
                sql.Identifier(f"{name}_geometry_gist"), table, sql.Identifier(GEOMETRY)
            )
        )
        note = f"Jing'an Atlas layer {name}; replaced by python -m geo publish"
        cur.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(table, sql.Literal(note)))
    data = [
        _ewkb(frame.geometry) if c.name == GEOMETRY else _values(frame[c.name]) for c in columns
    ]
    data.append(list(range(len(frame))))
    names = sql.SQL(", ").join(sql.Identifier(c.name) for c in [*columns, Column(ORDER, "", "")])
    with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, names)) as copy:
        for values in zip(*data, strict=True):
            copy.write_row(values)
    meta = {"all": json.loads(definition), "read": [[c.name, c.dtype] for c in stored]}
    crs = ProjCRS(frame.crs or CRS).to_wkt()
    cur.execute(
        sql.SQL(
            "INSERT INTO {} (name, position, columns, crs, synthetic_id, rows) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (name) DO UPDATE SET "
            "position = EXCLUDED.position, columns = EXCLUDED.columns, crs = EXCLUDED.crs, "
            "synthetic_id = EXCLUDED.synthetic_id, rows = EXCLUDED.rows"
        ).format(_q(schema, LAYERS)),
        [name, position, Jsonb(meta), crs, synthetic, len(frame)],
    )


def publish(
    layers: Mapping[str, gpd.GeoDataFrame],
    url: str,
    schema: str | None = None,
    *,
    source: str | None = None,
    commit: str | None = None,
    on_written: Callable[[], None] | None = None,
) -> PublishResult:
    """Write every layer to `schema` in one transaction and record the build.

    Layers absent from `layers` but left by an earlier publish are dropped. `on_written` is
    called inside the transaction once everything is written, before the commit (tests use it
    to hold a publish open)."""
    with connect(url) as (conn, url_schema):
        schema = schema or url_schema
        try:
            with conn.transaction(), conn.cursor() as cur:
                key = f"jingan-atlas:publish:{schema}"
                cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
                cur.execute("SET LOCAL lock_timeout = '300s'")
                _ensure_postgis(cur)
                cur.execute(
                    sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
                )
                for ddl in _META_DDL:
                    cur.execute(
                        sql.SQL(ddl).format(builds=_q(schema, BUILDS), layers=_q(schema, LAYERS))
                    )
                # the gate: readers lock `builds` before their snapshot (see the module doc)
                cur.execute(
                    sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(_q(schema, BUILDS))
                )
                old = [
                    r[0]
                    for r in cur.execute(sql.SQL("SELECT name FROM {}").format(_q(schema, LAYERS)))
                ]
                for gone in sorted(set(old) - set(layers)):
                    cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(_q(schema, gone)))
                    cur.execute(
                        sql.SQL("DELETE FROM {} WHERE name = %s").format(_q(schema, LAYERS)), [gone]
                    )
                for position, (name, gdf) in enumerate(layers.items()):
                    _write_layer(cur, schema, name, position, gdf)
                counts = counts_of(layers)
                build = cur.execute(
                    sql.SQL(
                        "INSERT INTO {} (source_commit, source, counts) VALUES (%s, %s, %s) "
                        "RETURNING id"
                    ).format(_q(schema, BUILDS)),
                    [commit, source, Jsonb(counts)],
                ).fetchone()[0]
                if on_written is not None:
                    on_written()
        except psycopg.Error as exc:
            raise StoreError(f"publish to {shown(url)} failed: {_one_line(exc, url)}") from None
    return PublishResult(schema, int(build), counts)


# --------------------------------------------------------------------------- read


def _restore(values: Sequence[Any], dtype: str) -> Any:
    """The column as the GeoPackage reader gave it (`dtype` recorded at publish time)."""
    target = pd.api.types.pandas_dtype(dtype) if dtype != "object" else np.dtype(object)
    if target == np.dtype(object):
        return pd.Series(list(values), dtype=object)
    if target.kind == "f":
        return pd.Series([np.nan if v is None else v for v in values], dtype=target)
    return pd.Series(list(values), dtype=object).astype(target)


@functools.cache
def _lower_outputs() -> frozenset[str]:
    """Characters that lower-casing some *other* character produces (`K` → `k`, `İ` → `i̇`)."""
    out: set[str] = set()
    for code in range(0x110000):
        ch = chr(code)
        low = ch.lower()
        if low != ch:
            out.update(low)
    return frozenset(out)


def _text_pushable(needle: str) -> bool:
    """True when `needle` (lower-cased) is found in a lower-cased text iff it is found in the
    text itself: every character is its own lower case and no other character lowers to it
    (CJK, digits, punctuation). Then SQL `strpos` selects exactly what `geo.filters` does."""
    if not needle or "\x00" in needle:
        return False
    outputs = _lower_outputs()
    return all(ch.lower() == ch and ch not in outputs for ch in needle)


def where_clause(filters: flt.Filters) -> tuple[sql.Composable, list[Any]]:
    """SQL conditions selecting at least the items `geo.filters.mask` selects (exactly them for
    every filter but a text search with cased letters, which SQL leaves to pandas)."""
    conds: list[sql.Composable] = []
    params: list[Any] = []

    def ident(name: str) -> sql.Identifier:
        return sql.Identifier(name)

    if filters.year:
        conds.append(sql.SQL("{} = ANY(%s)").format(ident("year")))
        params.append([int(y) for y in filters.year])
    if filters.year_range is not None:
        conds.append(sql.SQL("{} BETWEEN %s AND %s").format(ident("year")))
        params += [int(filters.year_range[0]), int(filters.year_range[1])]
    for name in ("kind", "category", "status", "period"):
        wanted = getattr(filters, name)
        if wanted:
            conds.append(sql.SQL("{} = ANY(%s::text[])").format(ident(name)))
            params.append([str(v) for v in wanted])
    for name in flt.MULTI_VALUED:
        wanted = getattr(filters, name)
        if wanted:
            conds.append(
                sql.SQL("array_remove(string_to_array({}, %s), '') && %s::text[]").format(
                    ident(name)
                )
            )
            params += [MULTI_SEP, [str(v) for v in wanted]]
    needle = filters.text.strip().lower()
    if needle and _text_pushable(needle):
        hay = sql.SQL(" || E'\\n' || ").join(
            sql.SQL("coalesce({}, '')").format(ident(c)) for c in ("name", "location", "quote")
        )
        conds.append(sql.SQL("strpos({}, %s) > 0").format(hay))
        params.append(needle)
    if filters.located_only:
        conds.append(sql.SQL("{g} IS NOT NULL AND NOT ST_IsEmpty({g})").format(g=ident(GEOMETRY)))
    if not conds:
        return sql.SQL("TRUE"), []
    return sql.SQL(" AND ").join(conds), params


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
                sql.SQL("LOCK TABLE {} IN ACCESS SHARE MODE").format(_q(schema, BUILDS))
            )
        except (psycopg.errors.UndefinedTable, psycopg.errors.InvalidSchemaName):
            raise DataError(
                f"no atlas published in schema {schema} of {shown(url)} "
                "(python -m geo publish --dsn …)"
            ) from None
        except psycopg.errors.LockNotAvailable:
            raise StoreError(
                f"{shown(url)}: the atlas is being published and the publish has not finished "
                f"within {READ_LOCK_TIMEOUT:g} s; try again later"
            ) from None
        rows = self.cur.execute(
            sql.SQL("SELECT name, columns, crs, synthetic_id FROM {} ORDER BY position").format(
                _q(schema, LAYERS)
            )
        ).fetchall()
        self.meta = {name: (cols["read"], crs, synth) for name, cols, crs, synth in rows}

    def build(self) -> int | None:
        row = self.cur.execute(sql.SQL("SELECT max(id) FROM {}").format(_q(self.schema, BUILDS)))
        return row.fetchone()[0]

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
            sql.SQL(", ").join(select), _q(self.schema, name), where, sql.Identifier(ORDER)
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
                data[column] = _restore(values, dtype)
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
        target = _q(self.schema, "items")
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
    from geo.schema import ATLAS_LAYERS

    return [n for n in ATLAS_LAYERS if n in meta] + [n for n in meta if n not in ATLAS_LAYERS]


def read_atlas(url: str, filters: flt.Filters | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Every published layer, as `geo.io.export.read_atlas` reads them from the GeoPackage
    (`items` conformed, in row order); `filters` selects items in SQL."""
    with connect(url, read_only=True) as (conn, schema):
        reader = Reader(conn, schema, url)
        if "items" not in reader.meta:
            raise DataError(f"schema {schema} of {shown(url)} has no items layer")
        return {
            name: reader.layer(name, filters if name == "items" else None)
            for name in ordered_layers(reader.meta)
        }


def atlas_stamp(location: str | os.PathLike) -> str | None:
    """A value that changes whenever the atlas changes (the page's cache key): the file's
    modification time, or the last build number in PostGIS; None when there is no atlas."""
    if not is_url(location):
        path = Path(location)
        return f"mtime:{path.stat().st_mtime}" if path.exists() else None
    url = str(location)
    with connect(url, read_only=True) as (conn, schema):
        try:
            reader = Reader(conn, schema, url)
        except DataError:
            return None
        build = reader.build()
        return None if build is None else f"build:{build}"
