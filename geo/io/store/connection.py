"""From a `postgresql://` URL to a connection: the project's `schema=` parameter, a URL libpq
would misread refused without echoing it, and every failure one `StoreError` line.

How a connection appears in messages (user@host:port/db, never a password) is `atlas.dsn`'s
job, not this module's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

import psycopg
from psycopg import sql

from atlas import dsn
from atlas.errors import ServiceError

DEFAULT_SCHEMA = "jingan_atlas"
#: seconds to wait for a server before giving up with one line
CONNECT_TIMEOUT = 10
BUILDS = "builds"
LAYERS = "layers"

MISREAD = (
    "the URL cannot be read as written: percent-encode / # ? % @ and spaces in the password "
    "(%2F %23 %3F %25 %40 %20), or leave it out and use PGPASSWORD or ~/.pgpass"
)


class StoreError(ServiceError):
    """The database refused or failed (unreachable, wrong password, missing PostGIS …)."""


def split_url(url: str) -> tuple[str, str]:
    """(libpq URL, schema): the project's own `schema=` query parameter taken out."""
    base, _, query_text = url.partition("?")  # not urlunsplit: it turns `postgresql://` into
    query = parse_qsl(query_text, keep_blank_values=True)  # `postgresql:` (PGSERVICE URLs)
    schema = next((v for k, v in query if k == "schema"), DEFAULT_SCHEMA) or DEFAULT_SCHEMA
    rest = urlencode([(k, v) for k, v in query if k != "schema"], quote_via=quote)
    return base + (f"?{rest}" if rest else ""), schema


def one_line(exc: BaseException, url: str) -> str:
    """A library's error as one line, passwords masked (`atlas.dsn.mask`)."""
    return dsn.mask(" ".join(str(exc).split()) or type(exc).__name__, url)


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
        raise StoreError(f"cannot connect to {dsn.shown(url)}: {MISREAD}")
    return conninfo, schema


@contextmanager
def connect(url: str, *, read_only: bool = False) -> Iterator[tuple[Any, str]]:
    """(connection, schema) for `url`; a failure to connect is one `StoreError` line."""
    conninfo, schema = conninfo_of(url)
    try:
        conn = psycopg.connect(
            conninfo, connect_timeout=CONNECT_TIMEOUT, application_name="jingan-atlas"
        )
    except psycopg.Error as exc:
        raise StoreError(f"cannot connect to {dsn.shown(url)}: {one_line(exc, url)}") from None
    try:
        if read_only:
            conn.read_only = True
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        yield conn, schema
    except psycopg.Error as exc:
        raise StoreError(f"{dsn.shown(url)}: {one_line(exc, url)}") from None
    finally:
        conn.close()


def qname(schema: str, name: str) -> sql.Composed:
    """`schema.name` as quoted SQL identifiers."""
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(name))
