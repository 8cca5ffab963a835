"""Publishing an atlas: every layer written to its table in one transaction, serialised by
an advisory lock, the build recorded in `builds` (consistency: see `geo.io.store`)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from pyproj import CRS as ProjCRS

from atlas import dsn
from atlas.errors import DataError
from atlas.settings import settings
from geo.io.store.columns import GEOMETRY, ORDER, Column, columns_of, copy_values, ewkb, stable_ids
from geo.io.store.connection import (
    BUILDS,
    LAYERS,
    StoreError,
    connect,
    one_line,
    qname,
)
from geo.schema import KINDS


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
    table = qname(schema, name)
    row = cur.execute(
        sql.SQL("SELECT columns FROM {} WHERE name = %s").format(qname(schema, LAYERS)), [name]
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
        ewkb(frame.geometry) if c.name == GEOMETRY else copy_values(frame[c.name]) for c in columns
    ]
    data.append(list(range(len(frame))))
    names = sql.SQL(", ").join(sql.Identifier(c.name) for c in [*columns, Column(ORDER, "", "")])
    with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, names)) as copy:
        for values in zip(*data, strict=True):
            copy.write_row(values)
    meta = {"all": json.loads(definition), "read": [[c.name, c.dtype] for c in stored]}
    crs = ProjCRS(frame.crs or settings.crs).to_wkt()
    cur.execute(
        sql.SQL(
            "INSERT INTO {} (name, position, columns, crs, synthetic_id, rows) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (name) DO UPDATE SET "
            "position = EXCLUDED.position, columns = EXCLUDED.columns, crs = EXCLUDED.crs, "
            "synthetic_id = EXCLUDED.synthetic_id, rows = EXCLUDED.rows"
        ).format(qname(schema, LAYERS)),
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
                        sql.SQL(ddl).format(
                            builds=qname(schema, BUILDS), layers=qname(schema, LAYERS)
                        )
                    )
                # the gate: readers lock `builds` before their snapshot (see the module doc)
                cur.execute(
                    sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(qname(schema, BUILDS))
                )
                old = [
                    r[0]
                    for r in cur.execute(
                        sql.SQL("SELECT name FROM {}").format(qname(schema, LAYERS))
                    )
                ]
                for gone in sorted(set(old) - set(layers)):
                    cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(qname(schema, gone)))
                    cur.execute(
                        sql.SQL("DELETE FROM {} WHERE name = %s").format(qname(schema, LAYERS)),
                        [gone],
                    )
                for position, (name, gdf) in enumerate(layers.items()):
                    _write_layer(cur, schema, name, position, gdf)
                counts = counts_of(layers)
                build = cur.execute(
                    sql.SQL(
                        "INSERT INTO {} (source_commit, source, counts) VALUES (%s, %s, %s) "
                        "RETURNING id"
                    ).format(qname(schema, BUILDS)),
                    [commit, source, Jsonb(counts)],
                ).fetchone()[0]
                if on_written is not None:
                    on_written()
        except psycopg.Error as exc:
            raise StoreError(f"publish to {dsn.shown(url)} failed: {one_line(exc, url)}") from None
    return PublishResult(schema, int(build), counts)
