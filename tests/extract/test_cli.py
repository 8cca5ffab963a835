"""``python -m extract``: JSON lines on stdout, one-line errors and notes on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from extract import FIELDS

from .conftest import REPORT_FILES

ROOT = Path(__file__).resolve().parents[2]
PASSAGE = "三、2027年主要任务\n推进普陀区长风公园改造，完成曹杨新村第一小学新建工程。\n"


def cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "extract", *args], cwd=ROOT, capture_output=True, timeout=120
    )


def test_json_lines_with_exact_fields(tmp_path) -> None:
    path = tmp_path / "2027-01-12_putuo.txt"
    path.write_text(PASSAGE, encoding="utf-8")
    out = cli(str(path))
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.decode("utf-8").splitlines()]
    assert [r["name"] for r in rows] == ["长风公园", "曹杨新村第一小学"]
    assert all(list(r) == list(FIELDS) for r in rows)
    assert "长风公园" in out.stdout.decode("utf-8")  # not ASCII-escaped
    text = path.read_text(encoding="utf-8")
    assert all(text[r["start"] : r["end"]] == r["quote"] for r in rows)


def test_all_reports_and_stable_ids() -> None:
    first = cli(*map(str, REPORT_FILES))
    second = cli(*map(str, REPORT_FILES))
    assert first.returncode == 0 and first.stdout == second.stdout
    ids = [json.loads(line)["id"] for line in first.stdout.splitlines()]
    assert len(ids) == len(set(ids)) > 100


def test_gb18030_note_on_stderr(tmp_path) -> None:
    path = tmp_path / "2027_gbk.txt"
    path.write_bytes(PASSAGE.encode("gbk"))
    out = cli(str(path))
    assert out.returncode == 0
    assert b"gb18030" in out.stderr and str(path).encode() in out.stderr
    assert len(out.stdout.splitlines()) == 2


def test_no_report_exits_zero_with_note(tmp_path) -> None:
    path = tmp_path / "recipe.txt"
    path.write_text("Boil the water. Add the noodles and salt.\n", encoding="utf-8")
    out = cli(str(path))
    assert out.returncode == 0 and out.stdout == b""
    assert b"no items" in out.stderr and str(path).encode() in out.stderr


def test_error_means_no_partial_output(tmp_path) -> None:
    good = tmp_path / "2027_good.txt"
    good.write_text(PASSAGE, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.bin"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    out = cli(str(good), str(empty), str(binary))
    assert out.returncode == 1
    assert out.stdout == b""
    lines = out.stderr.decode().splitlines()
    assert len(lines) == 2
    assert str(empty) in lines[0] and "empty" in lines[0]
    assert str(binary) in lines[1] and "binary" in lines[1]
