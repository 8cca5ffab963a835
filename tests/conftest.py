"""Test-wide settings: the network is blocked except for loopback (127.0.0.0/8, ::1)."""

from __future__ import annotations

import ipaddress
import socket

import pytest

_real_connect = socket.socket.connect
_real_create_connection = socket.create_connection


def _is_loopback(address: object) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host == "localhost":
        return True
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


class NetworkBlocked(RuntimeError):
    """A test tried to reach a non-loopback address."""


def _guarded_connect(self: socket.socket, address: object) -> object:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise NetworkBlocked(f"network access blocked in tests: {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk only to servers they start on 127.0.0.1 (cf. osmnx, geopy)."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> object:
    """Every test gets its own cache folder; settings are restored afterwards (cf. osmnx)."""
    from atlas.settings import settings

    with settings.override(cache_dir=tmp_path_factory.mktemp("cache")):
        yield settings


@pytest.fixture(scope="session")
def pdf_fonts() -> object:
    """The TrueType fonts the PDF fixtures embed (`extract.testing`); missing fonts fail in CI
    (`make test` installs them: scripts/ensure-test-fonts.sh) and skip, with the reason, locally."""
    import os

    from extract.testing import MissingFont, fonts

    try:
        return fonts()
    except MissingFont as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
