"""A throw-away PostgreSQL + PostGIS server in a temporary folder (tests and the benchmark).

`LocalPostgres()` runs Debian's `initdb` / `pg_ctl` as an unprivileged user (PostgreSQL refuses
to run as root: under root, as the system user `jingan-atlas-pg` that
`scripts/ensure-postgis.sh` creates, else `nobody`), listens on a Unix socket in its folder and
on a free 127.0.0.1 port (password logins are tested over TCP), and is stopped and deleted on
exit. The superuser `postgres` logs in over the socket without a password; every other role
needs its password over TCP (scram-sha-256). Like `geo.testing.LocalNominatim`, it is a real
server on this machine, never a mock.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from glob import glob
from pathlib import Path
from types import TracebackType

#: the system user the set-up script creates to run test clusters when we are root
SERVICE_USER = "jingan-atlas-pg"
SUPERUSER = "postgres"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL or PostGIS is not installed here (run scripts/ensure-postgis.sh)."""


def bin_dir() -> Path:
    """The folder of `initdb` and `pg_ctl`: `$PG_BINDIR`, Debian's newest, else `$PATH`."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise PostgresUnavailable("no initdb: install postgresql-15-postgis-3")
    return Path(initdb).parent


def check_installed() -> Path:
    """`bin_dir()` after checking that PostGIS is installed for that server."""
    bindir = bin_dir()
    try:
        share = subprocess.run(
            [str(bindir / "pg_config"), "--sharedir"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise PostgresUnavailable(f"no usable pg_config in {bindir}: {exc}") from exc
    if not (Path(share) / "extension" / "postgis.control").exists():
        raise PostgresUnavailable(f"PostGIS is not installed for {bindir}")
    return bindir


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as() -> str | None:
    """The user to run the server as: None when we are not root (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in (SERVICE_USER, "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise PostgresUnavailable("running as root and no unprivileged user to run PostgreSQL as")


class LocalPostgres:
    """A PostgreSQL cluster with PostGIS in database `atlas`; a context manager."""

    def __init__(self, database: str = "atlas") -> None:
        self.bindir = check_installed()
        self.database = database
        self.user = _run_as()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
        self.data = self.dir / "data"
        self.started = False

    # ----------------------------------------------------------------- addresses

    @property
    def socket_dir(self) -> str:
        return str(self.dir)

    def url(self, user: str = SUPERUSER, password: str | None = None, *, tcp: bool = False) -> str:
        """A `postgresql://` URL: over the Unix socket (default) or 127.0.0.1:port."""
        auth = user if password is None else f"{user}:{password}"
        if tcp:
            return f"postgresql://{auth}@127.0.0.1:{self.port}/{self.database}"
        return f"postgresql://{auth}@/{self.database}?host={self.dir}&port={self.port}"

    # ----------------------------------------------------------------- life cycle

    def _cmd(self, args: Sequence[str]) -> list[str]:
        if self.user is None:
            return list(args)
        return ["runuser", "-u", self.user, "--", *args]

    def _run(self, args: Sequence[str]) -> None:
        done = subprocess.run(self._cmd(args), capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise PostgresUnavailable(f"{Path(args[0]).name} failed: {' | '.join(detail)}")

    def start(self) -> LocalPostgres:
        if self.user is not None:
            shutil.chown(self.dir, user=self.user)
        self._run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
            ]
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.dir} -c fsync=off -c full_page_writes=off "
            "-c synchronous_commit=off -c max_connections=40 -c shared_buffers=64MB"
        )
        self._run(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.dir / "server.log"),
                "-o",
                options,
                "-w",
                "start",
            ]
        )
        self.started = True
        self.execute(f"CREATE DATABASE {self.database}", database="postgres")
        self.execute("CREATE EXTENSION postgis")
        return self

    def execute(self, statement: str, *params: object, database: str | None = None) -> None:
        """Run one statement as the superuser (set-up of roles and grants in tests)."""
        import psycopg

        with psycopg.connect(
            host=str(self.dir),
            port=self.port,
            user=SUPERUSER,
            dbname=database or self.database,
            autocommit=True,
        ) as conn:
            conn.execute(statement, params or None)

    def stop(self) -> None:
        if self.started:
            self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"])
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> LocalPostgres:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
