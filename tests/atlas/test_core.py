"""The base layer: error root, settings and the CLI wrapper (`run`; the console is
`geo.cli.console`)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from atlas import errors
from atlas.cli import run
from atlas.settings import Settings, settings


def test_every_project_error_derives_from_the_root_and_a_builtin() -> None:
    from extract.decode import ReportError
    from geo.filters import FilterError
    from geo.gazetteer.build import GazetteerError
    from geo.io.export import ExportError

    for cls, builtin in [
        (ReportError, ValueError),
        (FilterError, ValueError),
        (ExportError, OSError),
        (GazetteerError, ValueError),
    ]:
        assert issubclass(cls, errors.AtlasError)
        assert issubclass(cls, builtin)


def test_run_maps_an_atlas_error_to_one_line_and_its_exit_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def boom(argv: list[str] | None) -> int:
        raise errors.UsageError("bad value 'x'; valid: a, b")

    assert run(boom) == 2
    assert capsys.readouterr().err == "error: bad value 'x'; valid: a, b\n"


def test_run_lets_a_bug_keep_its_traceback() -> None:
    def bug(argv: list[str] | None) -> int:
        raise KeyError("not ours")

    with pytest.raises(KeyError):
        run(bug)


def test_environment_overrides_are_read_by_settings(tmp_path: Path) -> None:
    env = {
        "ATLAS_PATH": str(tmp_path / "a.gpkg"),
        "GAZETTEER_PATH": str(tmp_path / "g.gpkg"),
        "JINGAN_ATLAS_CACHE": str(tmp_path / "cache"),
    }
    s = Settings.from_env(env)
    assert s.atlas_path == str(tmp_path / "a.gpkg")
    assert s.gazetteer_path == tmp_path / "g.gpkg"
    assert s.cache_dir == tmp_path / "cache"
    assert Settings.from_env({"XDG_CACHE_HOME": "/x"}).cache_dir == Path("/x/jingan-atlas")


def test_override_restores_every_setting() -> None:
    before = settings.district
    with settings.override(district="虹口区"):
        assert settings.district == "虹口区"
    assert settings.district == before
    with pytest.raises(AttributeError), settings.override(nope=1):
        pass


def test_tests_never_touch_the_users_cache() -> None:
    assert str(settings.cache_dir).startswith(str(Path(settings.cache_dir).anchor))
    assert "jingan-atlas" not in str(settings.cache_dir)


# --------------------------------------------------------------------------- test isolation


def test_settings_point_into_a_temporary_folder() -> None:
    """The autouse fixture: nothing a test writes by default lands in the checkout."""
    import os

    for path in (settings.atlas_path, settings.data_dir, settings.cache_dir):
        assert not str(path).startswith(str(settings.root))
    assert os.environ["ATLAS_PATH"] == settings.atlas_path  # subprocesses see the same
    assert Settings.from_env().cache_dir == settings.cache_dir


@pytest.mark.parametrize(
    "reach",
    [
        lambda s: s.connect(("192.0.2.1", 80)),
        lambda s: s.connect_ex(("192.0.2.1", 80)),
        lambda s: socket.getaddrinfo("example.org", 443),
        lambda s: socket.gethostbyname("example.org"),
        lambda s: socket.gethostbyname_ex("example.org"),
        lambda s: socket.create_connection(("example.org", 80), timeout=1),
    ],
    ids=["connect", "connect_ex", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "create"],
)
def test_the_network_guard_covers_connecting_and_resolving(reach: Any) -> None:
    from tests.conftest import NetworkBlocked

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(NetworkBlocked):
        reach(sock)


def test_loopback_stays_reachable() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        assert socket.getaddrinfo("localhost", port)
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
            assert client.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize(
    ("ci", "code", "says"), [("true", 1, "skipped in CI"), ("", 0, "1 skipped")]
)
def test_a_skip_fails_under_ci(tmp_path: Path, ci: str, code: int, says: str) -> None:
    """tests/conftest.py turns a skip (no Chromium, …) into a failure when CI=true."""
    import os
    import subprocess
    import sys

    (tmp_path / "test_needs_something.py").write_text(
        "import pytest\n\ndef test_it():\n    pytest.skip('no Chromium at /usr/bin/chromium')\n"
    )
    env = {**os.environ, "CI": ci, "PYTHONPATH": str(settings.root)}
    argv = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-q", "-p", "no:cacheprovider"]
    proc = subprocess.run(
        [*argv, str(tmp_path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == code, proc.stdout
    assert says in proc.stdout and ("no Chromium" in proc.stdout) == bool(ci)
