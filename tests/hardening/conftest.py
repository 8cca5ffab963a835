"""A real PostgreSQL + PostGIS for the hardening tests that need one (as tests/geo/io does)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from geo.testing.localpg import LocalPostgres, PostgresUnavailable


@pytest.fixture(scope="session")
def pg() -> Iterator[LocalPostgres]:
    """One throw-away server; in CI a missing PostgreSQL fails, elsewhere it skips."""
    try:
        server = LocalPostgres()
    except PostgresUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostGIS tests cannot run in CI: {exc} (scripts/ensure-postgis.sh)")
        pytest.skip(f"{exc}: run scripts/ensure-postgis.sh (make test does)")
    with server:
        yield server
