"""Issue 23 item 4: every command that writes standard output, pointed at a full device
(`> /dev/full`), says so in one line and exits 1 (before: an OSError traceback, or a silent
loss at interpreter exit)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "data" / "raw" / "2022-01-11_government-work-report.txt"
ATLAS = ROOT / "data" / "atlas.gpkg"

CONSOLE = "import sys; from geo.cli import console; sys.exit(console())"
COMMANDS = {
    "extract": (["-m", "extract", str(REPORT)], b""),
    "summary": (["-m", "geo", "summary", "--atlas", str(ATLAS)], b""),
    "export": (["-m", "geo", "export", "-o", "-", "--atlas", str(ATLAS)], b""),
    "export-csv": (
        ["-m", "geo", "export", "-o", "-", "--format", "csv", "--atlas", str(ATLAS)],
        b"",
    ),
    "track": (["-m", "geo", "track", "--atlas", str(ATLAS)], b""),
    "geocode": (["-m", "geo", "geocode"], "静安寺\n南京西路1788号\n".encode()),
    "console": (["-c", CONSOLE, "summary", "--atlas", str(ATLAS)], b""),  # jingan-atlas
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_full_stdout_is_one_line_and_exit_1(name: str) -> None:
    args, stdin = COMMANDS[name]
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            input=stdin,
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr
    assert stderr.splitlines() == ["error: cannot write standard output: No space left on device"]
