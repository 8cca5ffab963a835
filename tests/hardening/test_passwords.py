"""Issue 23 item 7: no password is ever printed, in any DSN form (a URL whose password holds
``/ # ? % @`` or a space, percent-encoded or not; a key=value string; ``PGPASSWORD``): the
connection is shown as ``user@host:port/db`` — by `atlas.dsn`, in the CLI's messages (stdout
and stderr) and on the page."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

import pytest
from streamlit.testing.v1 import AppTest

from atlas.cli import run
from atlas.dsn import describe, mask, shown
from geo import __main__ as geo_cli
from geo.testing.localpg import LocalPostgres
from tests.worlds.page import write_atlas

from .limits import ROOT

#: passwords with every character that breaks a naive URL parse
PASSWORDS = ("p/ss#w?rd%", "a b@c d", "s3cr#t?/@ %x9", "h%40xQ", "plain-Secret-77")


def forms(password: str, user: str = "atlas", port: int = 9, db: str = "atlasdb") -> dict[str, str]:
    """The ways a user may write a DSN with `password`."""
    encoded = quote(password, safe="")
    escaped = password.replace("\\", "\\\\").replace("'", "\\'")
    where = f"127.0.0.1:{port}/{db}"
    schema = "schema=hardening_pw"  # a schema of its own on the shared test server
    return {
        "url-raw": f"postgresql://{user}:{password}@{where}?{schema}",
        "url-encoded": f"postgresql://{user}:{encoded}@{where}?{schema}",
        "url-query": f"postgresql://{user}@{where}?password={encoded}&{schema}",
        "postgres-scheme": f"postgres://{user}:{encoded}@{where}?{schema}",
        "keyvalue": f"host=127.0.0.1 port={port} dbname={db} user={user} password='{escaped}'",
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


# --------------------------------------------------------------------------- a real server

#: every character that breaks a naive URL parse, in one password
SECRET = "p/ss#w?rd% @x-7"


@pytest.fixture(scope="module")
def role(pg: LocalPostgres) -> str:
    """A role whose password is `SECRET`, allowed to publish."""
    literal = SECRET.replace("'", "''")
    pg.execute(f"CREATE ROLE atlas_pw LOGIN PASSWORD '{literal}'")
    pg.execute(f"GRANT CREATE ON DATABASE {pg.database} TO atlas_pw")
    return "atlas_pw"


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_atlas(tmp_path_factory.mktemp("pw") / "atlas.gpkg")


def _commands(dsn: str, gpkg: Path) -> list[list[str]]:
    return [
        ["publish", "--dsn", dsn, "--atlas", str(gpkg)],
        ["summary", "--atlas", dsn],
        ["export", "-o", "-", "--format", "csv", "--atlas", dsn],
        ["track", "--atlas", dsn],
    ]


@pytest.fixture
def dsns(
    pg: LocalPostgres,
    role: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:
    """Every form of a DSN of `role` on the test server; no password from elsewhere, and
    every log record captured."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", "/dev/null")
    caplog.set_level(logging.DEBUG)
    return forms(SECRET, role, pg.port, pg.database)


@pytest.mark.parametrize("form", sorted(forms("x")))
def test_no_command_prints_the_password(
    dsns: dict[str, str],
    gpkg: Path,
    form: str,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    codes = [run(geo_cli.main, args) for args in _commands(dsns[form], gpkg)]
    out, err = capfd.readouterr()
    for text in (out, err, caplog.text):
        assert not leaks(text, SECRET), text[-600:]
    if form in ("url-encoded", "url-query", "postgres-scheme"):
        assert codes == [0, 0, 0, 0], err
        assert "of postgresql://atlas_pw@127.0.0.1:" in err
    else:  # misread by libpq, or not a URL: refused in one line each, without the password
        assert codes[0] == 1 and err.count("error: ") >= 1


def test_pgpassword_is_never_printed(
    pg: LocalPostgres,
    role: str,
    gpkg: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGPASSFILE", "/dev/null")
    url = f"postgresql://{role}@127.0.0.1:{pg.port}/{pg.database}?schema=hardening_pw"
    monkeypatch.setenv("PGPASSWORD", SECRET)
    assert run(geo_cli.main, _commands(url, gpkg)[0]) == 0
    monkeypatch.setenv("PGPASSWORD", "Wrong-" + SECRET)
    assert run(geo_cli.main, _commands(url, gpkg)[1]) == 1
    out, err = capfd.readouterr()
    assert "password authentication failed" in err
    assert not leaks(out + err, SECRET) and not leaks(out + err, "Wrong-" + SECRET)


@pytest.mark.parametrize("form", sorted(forms("x")))
def test_the_page_never_shows_the_password(
    dsns: dict[str, str],
    gpkg: Path,
    form: str,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(geo_cli.main, _commands(dsns["url-encoded"], gpkg)[0])  # an atlas to show
    monkeypatch.setenv("ATLAS_PATH", dsns[form])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    shown_text = " ".join(
        str(getattr(element, "value", "")) + str(getattr(element, "message", ""))
        for kind in ("error", "warning", "info", "markdown", "caption", "exception", "code")
        for element in getattr(at, kind)
    )
    out, err = capfd.readouterr()
    for text in (shown_text, out, err, caplog.text):
        assert not leaks(text, SECRET), text[-600:]
