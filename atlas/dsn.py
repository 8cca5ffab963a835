"""How a database connection appears in messages: ``user@host:port/db``, never a password.

Users paste DSNs as they have them: URLs whose password holds ``/ # ? % @`` or a space
(un-encoded, so libpq itself misreads them), key=value strings (``host=… password='a b'``),
or a password in ``PGPASSWORD``. None of these is ever echoed: `describe` rebuilds the
connection from its parts without the password, and `mask` removes every form of the
password (raw, percent-decoded, percent-encoded) from a library's message, as a second line
of defence. A string that cannot be parsed is described by what is certain (or not at all).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote

SCHEMES = ("postgresql://", "postgres://")
_CONNINFO = re.compile(r"(?:^|\s)(?:host|hostaddr|dbname|user|password|port|service)\s*=", re.I)
_PARAM = re.compile(r"([a-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|\S*)", re.I)
_PARAM_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)", re.I)


def is_url(location: object) -> bool:
    """True for a `postgresql://` (or `postgres://`) URL."""
    return isinstance(location, str) and location.startswith(SCHEMES)


def is_conninfo(location: object) -> bool:
    """True for a libpq key=value string (``host=db user=atlas …``)."""
    return isinstance(location, str) and bool(_CONNINFO.search(location))


def _url_parts(url: str) -> dict[str, str]:
    """The parts of a URL, split the way that keeps a password whole: the user information
    ends at the *last* ``@`` of the authority (a password may hold ``@ / # ?``)."""
    rest = url.split("://", 1)[1]
    parts: dict[str, str] = {}
    if "@" in rest:
        userinfo, rest = rest.rsplit("@", 1)
        user, _, password = userinfo.partition(":")
        parts["user"], parts["password"] = unquote(user), password
    rest, _, query = rest.partition("?")
    hostport, _, parts["dbname"] = rest.partition("/")
    if hostport.startswith("["):  # [IPv6]:port
        host, _, port = hostport[1:].partition("]")
        port = port.lstrip(":")
    else:
        host, _, port = hostport.rpartition(":") if ":" in hostport else (hostport, "", "")
    parts["host"], parts["port"] = unquote(host), port
    parts["dbname"] = unquote(parts["dbname"])
    for key, value in _PARAM.findall(query.replace("&", " ")):
        if not parts.get(key.lower()):  # ?host=…&user=… fill what the authority left out
            parts[key.lower()] = unquote(value)
    return parts


def _unquote_value(value: str) -> str:
    if value.startswith("'") and value.endswith("'") and len(value) >= 2:
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _conninfo_parts(text: str) -> dict[str, str]:
    return {key.lower(): _unquote_value(value) for key, value in _PARAM.findall(text)}


def parts_of(dsn: str) -> dict[str, str]:
    """host, port, user, dbname, service (and password) of a URL or key=value DSN."""
    return _url_parts(dsn) if is_url(dsn) else _conninfo_parts(dsn)


def describe(dsn: str, env: Mapping[str, str] | None = None) -> str:
    """``user@host:port/db`` (``service=NAME`` for a service); never the password."""
    env = os.environ if env is None else env
    parts = parts_of(dsn)
    if parts.get("service") and not parts.get("host"):
        return f"service={parts['service']}"
    user = parts.get("user") or env.get("PGUSER") or ""
    host = parts.get("host") or env.get("PGHOST") or "localhost"
    port = parts.get("port") or env.get("PGPORT") or "5432"
    dbname = parts.get("dbname") or env.get("PGDATABASE") or user
    host = f"[{host}]" if ":" in host else host
    shown = f"{user}@" if user else ""
    return f"{shown}{host}:{port}/{dbname}"


def secrets_of(dsn: str = "", env: Mapping[str, str] | None = None) -> list[str]:
    """Every form a password of `dsn` (or of ``PGPASSWORD``) may take in a message."""
    env = os.environ if env is None else env
    found = []
    if dsn:
        password = parts_of(dsn).get("password", "")
        found += [password, unquote(password), quote(unquote(password), safe="")]
        found += [_unquote_value(v) for _, v in _PARAM_PASSWORD.findall(dsn)]
    if env.get("PGPASSWORD"):
        found.append(env["PGPASSWORD"])
    return sorted({s for s in found if s}, key=len, reverse=True)


def mask(text: str, dsn: str = "", secrets: Iterable[str] = ()) -> str:
    """`text` with any password of `dsn`, of ``PGPASSWORD``, of a ``password=`` parameter and
    `secrets` replaced by ``***``; every URL in it shown as `describe` shows it."""
    out = _PARAM_PASSWORD.sub(r"\1***", str(text))
    for secret in sorted({*secrets_of(dsn), *(s for s in secrets if s)}, key=len, reverse=True):
        out = out.replace(secret, "***")
    return re.sub(r"postgres(?:ql)?://\S+", lambda m: "postgresql://" + describe(m.group(0)), out)


def shown(location: object) -> str:
    """How an atlas location appears in messages: a DSN as `describe` shows it, a file path
    as it is."""
    text = str(location)
    if is_url(text):
        described = describe(text)
        return (
            f"postgresql:///?{described}"
            if described.startswith("service=")
            else (f"postgresql://{described}")
        )
    return describe(text) if is_conninfo(text) else text
