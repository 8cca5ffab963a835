"""The atlas in PostgreSQL/PostGIS: `python -m geo publish`, and reading it back.

A team shares one atlas in PostGIS (what QGIS, GDAL and web map servers speak); the GeoPackage
stays the single user's default. Every atlas path the project accepts (`--atlas`,
`ATLAS_PATH`) may be a `postgresql://` URL instead: `geo.io.read.read_atlas` and
`geo.io.read.select` hand such a URL to the reader here.

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

Modules, in the order a publish uses them: `connection` (URL → connection, `StoreError`),
`columns` (SQL types, ids, COPY values), `publisher` (`publish`), `where` (filters as SQL),
`reader` (`read_atlas`, `atlas_stamp`).
"""

from __future__ import annotations

from geo.io.store.columns import Column, columns_of, geometry_type, stable_ids
from geo.io.store.connection import DEFAULT_SCHEMA, StoreError, connect, split_url
from geo.io.store.publisher import PublishResult, counts_of, publish, source_commit
from geo.io.store.reader import Reader, atlas_stamp, ordered_layers, read_atlas
from geo.io.store.where import where_clause

__all__ = [
    "DEFAULT_SCHEMA",
    "Column",
    "PublishResult",
    "Reader",
    "StoreError",
    "atlas_stamp",
    "columns_of",
    "connect",
    "counts_of",
    "geometry_type",
    "ordered_layers",
    "publish",
    "read_atlas",
    "source_commit",
    "split_url",
    "stable_ids",
    "where_clause",
]
