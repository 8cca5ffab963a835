"""PostgreSQL connections for the store: `postgresql://` URLs (schema in `?schema=`), credentials
masked in every message, and the read-only or publishing session (`connect`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import psycopg

from atlas.errors import ServiceError

SCHEMES = ("postgresql://", "postgres://")


DEFAULT_SCHEMA = "jingan_atlas"


#: seconds to wait for a server before giving up with one line
CONNECT_TIMEOUT = 10


class StoreError(ServiceError):
    """The database refused or failed (unreachable, wrong password, missing PostGIS …)."""


def is_url(location: object) -> bool:
    """True for a `postgresql://` (or `postgres://`) URL, False for a file path."""
    return isinstance(location, str) and location.startswith(SCHEMES)


def split_url(url: str) -> tuple[str, str]:
    """(libpq URL, schema): the project's own `schema=` query parameter taken out."""
    base, _, query_text = url.partition("?")  # not urlunsplit: it turns `postgresql://` into
    query = parse_qsl(query_text, keep_blank_values=True)  # `postgresql:` (PGSERVICE URLs)
    schema = next((v for k, v in query if k == "schema"), DEFAULT_SCHEMA) or DEFAULT_SCHEMA
    rest = urlencode([(k, v) for k, v in query if k != "schema"], quote_via=quote)
    return base + (f"?{rest}" if rest else ""), schema


_URL_PASSWORD = re.compile(r"(://[^:/?#@]*:)[^@/?#]*@")


_PARAM_PASSWORD = re.compile(r"((?:^|[?&\s])password\s*=\s*)('[^']*'|[^&\s]*)", re.IGNORECASE)


def mask(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with the password of any URL or `password=` parameter, and `secrets`, as ***."""
    out = _PARAM_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***@", str(text)))
    for secret in secrets:
        if secret:
            out = out.replace(secret, "***")
    return out


def shown(location: object) -> str:
    """How a path or URL appears in messages: URLs with the password masked."""
    return mask(str(location)) if is_url(location) else str(location)


def _password(conninfo: str) -> str:
    try:
        return str(psycopg.conninfo.conninfo_to_dict(conninfo).get("password") or "")
    except psycopg.Error:
        return ""


def _one_line(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return mask(text, secrets)


@contextmanager
def connect(url: str, *, read_only: bool = False) -> Iterator[tuple[Any, str]]:
    """(connection, schema) for `url`; a failure to connect is one `StoreError` line."""
    if psycopg is None:  # pragma: no cover
        raise StoreError(
            "reading a postgresql:// atlas needs psycopg: pip install 'psycopg[binary]'"
        )
    conninfo, schema = split_url(url)
    secret = _password(conninfo)
    try:
        conn = psycopg.connect(
            conninfo, connect_timeout=CONNECT_TIMEOUT, application_name="jingan-atlas"
        )
    except psycopg.Error as exc:
        raise StoreError(f"cannot connect to {shown(url)}: {_one_line(exc, [secret])}") from None
    try:
        if read_only:
            conn.read_only = True
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        yield conn, schema
    except psycopg.Error as exc:
        raise StoreError(f"{shown(url)}: {_one_line(exc, [secret])}") from None
    finally:
        conn.close()
