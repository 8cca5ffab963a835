"""Issue 23 item 2: a FIFO, a device or a directory given as input is refused in one line
(before: a FIFO blocked forever, `/dev/zero` was read until MemoryError); every read is
bounded, standard input included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.errors import InputError
from atlas.files import read_bounded

from .limits import measure_cli

ROOT = Path(__file__).resolve().parents[2]


def extract_cli(*paths: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "extract", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,  # before the fix: a FIFO never returned
    )


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("target", "kind"),
    [("fifo", "a FIFO (named pipe)"), ("/dev/zero", "a character device"), ("dir", "a directory")],
)
def test_extract_refuses_what_is_not_a_regular_file(
    fifo: Path, tmp_path: Path, target: str, kind: str
) -> None:
    path = {"fifo": fifo, "dir": tmp_path}.get(target, Path(target))
    done = extract_cli(path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"error: {path}: {kind}, not a regular file"]
    assert done.stdout == ""


def test_a_fifo_swapped_in_after_a_check_cannot_block(fifo: Path) -> None:
    """The check is made on the open descriptor, opened non-blocking."""
    with pytest.raises(InputError, match="FIFO"):
        read_bounded(fifo, 1000)


def test_reads_stop_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2001)
    with pytest.raises(InputError, match=r"big\.txt: file too large"):
        read_bounded(path, 2000)
    assert read_bounded(path, 2001) == b"x" * 2001


def test_a_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("推进汶水路400号幼儿园新建工程。\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(target)
    assert read_bounded(tmp_path / "link.txt", 1000) == target.read_bytes()


def test_geocode_from_dev_zero_stops_in_one_line() -> None:
    """`geo geocode < /dev/zero`: before, read until MemoryError."""
    with open("/dev/zero", "rb") as zero:
        cost = measure_cli(sys.executable, "-m", "geo", "geocode", stdin=zero, timeout=60)
    assert cost["rc"] == 1, cost
    assert cost["stderr"].splitlines() == [
        "error: standard input: line 1 holds NUL bytes: binary data, not text"
    ]
    assert cost["peak_mb"] < 400, cost  # the gazetteer and the interpreter, not the stream


def test_geocode_refuses_an_endless_line() -> None:
    """A stream without line ends (not NUL bytes) is cut at the line bound."""
    endless = subprocess.Popen(
        [sys.executable, "-c", "import sys\nwhile True: sys.stdout.write('静安' * 4096)"],
        stdout=subprocess.PIPE,
    )
    try:
        cost = measure_cli(sys.executable, "-m", "geo", "geocode", stdin=endless.stdout, timeout=60)
    finally:
        endless.kill()
        endless.wait()
        assert endless.stdout is not None
        endless.stdout.close()
    assert cost["rc"] == 1, cost
    assert "line 1 is longer than 65,536 bytes" in cost["stderr"]


@pytest.mark.parametrize("command", ["summary", "build"])
def test_a_fifo_as_atlas_or_among_the_reports_is_refused(
    fifo: Path, tmp_path: Path, command: str
) -> None:
    """`summary --atlas FIFO`, and `build` over a folder holding a FIFO named `.txt` (before:
    skipped without a word, as `Path.is_file` is false for it)."""
    where = ["--atlas", str(fifo)] if command == "summary" else ["--raw", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, "-m", "geo", command, *where],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"error: {fifo}: a FIFO (named pipe), not a regular file"]
