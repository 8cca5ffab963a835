"""Issue 23 item 7: no password is ever printed, in any DSN form (a URL whose password holds
``/ # ? % @`` or a space, percent-encoded or not; a key=value string; ``PGPASSWORD``): the
connection is shown as ``user@host:port/db`` — by `atlas.dsn`, in the CLI's messages (stdout
and stderr) and on the page."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from atlas.dsn import describe, mask, shown

#: passwords with every character that breaks a naive URL parse
PASSWORDS = ("p/ss#w?rd%", "a b@c d", "s3cr#t?/@ %x9", "h%40xQ", "plain-Secret-77")


def forms(password: str) -> dict[str, str]:
    """The ways a user may write a DSN with `password` (host 127.0.0.1, port 9)."""
    encoded = quote(password, safe="")
    escaped = password.replace("\\", "\\\\").replace("'", "\\'")
    return {
        "url-raw": f"postgresql://atlas:{password}@127.0.0.1:9/atlasdb",
        "url-encoded": f"postgresql://atlas:{encoded}@127.0.0.1:9/atlasdb",
        "url-query": f"postgresql://atlas@127.0.0.1:9/atlasdb?password={encoded}",
        "postgres-scheme": f"postgres://atlas:{encoded}@127.0.0.1:9/atlasdb?schema=team",
        "keyvalue": f"host=127.0.0.1 port=9 dbname=atlasdb user=atlas password='{escaped}'",
    }


def leaks(text: str, password: str) -> list[str]:
    """The forms of `password` found in `text`."""
    candidates = {password, quote(password, safe=""), quote(password)}
    return sorted(c for c in candidates if c in text)


@pytest.mark.parametrize("password", PASSWORDS)
@pytest.mark.parametrize("form", sorted(forms("x")))
def test_shown_and_described_without_password(password: str, form: str) -> None:
    dsn = forms(password)[form]
    assert describe(dsn, env={}) == "atlas@127.0.0.1:9/atlasdb"
    assert not leaks(shown(dsn), password)
    assert "atlas@127.0.0.1:9/atlasdb" in shown(dsn)


@pytest.mark.parametrize("password", PASSWORDS)
@pytest.mark.parametrize("form", sorted(forms("x")))
def test_messages_quoting_a_dsn_are_masked(password: str, form: str) -> None:
    dsn = forms(password)[form]
    message = f'connection to {dsn} failed: invalid integer value "{password}" for "port"'
    assert not leaks(mask(message, dsn), password)


def test_pgpassword_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", "env-Secret-42")
    assert mask("server said env-Secret-42") == "server said ***"


def test_service_and_socket_forms() -> None:
    assert shown("postgresql:///?service=team") == "postgresql:///?service=team"
    assert describe("postgresql://u@[::1]:5433/d", env={}) == "u@[::1]:5433/d"
    assert describe("postgresql:///atlasdb", env={"PGUSER": "me"}) == "me@localhost:5432/atlasdb"


def test_a_file_path_is_shown_as_it_is() -> None:
    assert shown("/data/atlas.gpkg") == "/data/atlas.gpkg"
