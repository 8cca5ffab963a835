"""Test-wide settings: the network is blocked except for loopback, and every writable setting
(atlas, data folder, cache) points into a fresh temporary folder."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from atlas.settings import Settings, settings

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
_real_gethostbyname = socket.gethostbyname
_real_gethostbyname_ex = socket.gethostbyname_ex

#: host names that resolve to loopback without asking a DNS server
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", ""})


def _is_loopback(address: object) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if isinstance(host, str) and host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


class NetworkBlocked(RuntimeError):
    """A test tried to reach, or resolve, a non-loopback address."""


def _guard(family: int, address: object) -> None:
    if family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise NetworkBlocked(f"network access blocked in tests: {address!r}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _guard(self.family, address)
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _guard(self.family, address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    """Name resolution would ask a DNS server: only loopback names and literal IPs pass."""
    if host is not None and not _is_loopback(host):
        raise NetworkBlocked(f"name resolution blocked in tests: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def _guarded_gethostbyname(host: str) -> str:
    if not _is_loopback(host):
        raise NetworkBlocked(f"name resolution blocked in tests: {host!r}")
    return _real_gethostbyname(host)


def _guarded_gethostbyname_ex(host: str) -> tuple[str, list[str], list[str]]:
    if not _is_loopback(host):
        raise NetworkBlocked(f"name resolution blocked in tests: {host!r}")
    return _real_gethostbyname_ex(host)


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk only to servers they start on 127.0.0.1 (cf. osmnx, geopy): connecting
    (`connect`, `connect_ex`, hence `create_connection`) and resolving a name are guarded."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    monkeypatch.setattr(socket, "gethostbyname", _guarded_gethostbyname)
    monkeypatch.setattr(socket, "gethostbyname_ex", _guarded_gethostbyname_ex)


@pytest.fixture(autouse=True)
def _isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """Every test gets its own data folder, atlas path and cache (cf. osmnx.settings), in this
    process and, through the environment `atlas.settings` reads, in the processes it starts.

    The committed read-only inputs (gazetteer, reports, aliases) stay where they are; nothing a
    test writes by default can land in the checkout or the user's cache. A test that wants the
    committed atlas names it (`ROOT / "data" / "atlas.gpkg"`)."""
    root = tmp_path_factory.mktemp("settings")
    data = root / "data"
    data.mkdir()
    paths = {"cache_dir": root / "cache", "data_dir": data, "atlas_path": str(data / "atlas.gpkg")}
    monkeypatch.setenv("JINGAN_ATLAS_CACHE", str(paths["cache_dir"]))
    monkeypatch.setenv("ATLAS_PATH", str(paths["atlas_path"]))
    with settings.override(**paths):
        yield settings


def in_ci() -> bool:
    """`CI=true` (how .ci/run is started): a missing dependency is a failure, never a skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """In CI a skipped test (no Chromium, no built data …) is reported as failed, with the
    reason: a green run must mean that every test ran."""
    report = yield
    if report.skipped and in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (CI=true), which is a failure here: {reason}"
    return report


@pytest.fixture(scope="session")
def pdf_fonts() -> object:
    """The TrueType fonts the PDF fixtures embed (`extract.testing`); missing fonts fail in CI
    (`make test` installs them: scripts/ensure-test-fonts.sh) and skip, with the reason, locally."""
    from extract.testing import MissingFont, fonts

    try:
        return fonts()
    except MissingFont as exc:
        if in_ci():
            pytest.fail(str(exc))
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def pg() -> Iterator[Any]:
    """One throw-away PostgreSQL + PostGIS server for the session (`geo.testing.localpg`); in
    CI a missing PostgreSQL fails, elsewhere it skips with the reason."""
    from geo.testing.localpg import LocalPostgres, PostgresUnavailable

    try:
        server = LocalPostgres()
    except PostgresUnavailable as exc:
        if in_ci():
            pytest.fail(f"PostGIS tests cannot run in CI: {exc} (scripts/ensure-postgis.sh)")
        pytest.skip(f"{exc}: run scripts/ensure-postgis.sh (make test does)")
    with server:
        yield server


@pytest.fixture(scope="session")
def fixture_paths(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(atlas.gpkg, gazetteer.gpkg) of the page's synthetic world (tests/worlds/page.py),
    written once per test session."""
    from tests.worlds.page import write_atlas, write_gazetteer

    directory = tmp_path_factory.mktemp("atlas")
    return write_atlas(directory / "atlas.gpkg"), write_gazetteer(directory / "gazetteer.gpkg")
