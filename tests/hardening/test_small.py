"""Issue 23 item 10, the smaller ones: each a line a user can act on instead of a silent or
garbled result."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extract import ReportError
from extract.documents import read_document
from geo.io.export import write_bytes
from geo.io.read import read_atlas
from geo.io.sanity import notes_of
from geo.pipeline.upload import UploadContext, upload_report
from geo.testing import write_layers
from tests.worlds.page import items_frame, reference_frames

from .limits import MACRO_MAIN, ROOT, document_xml, docx_parts, write_zip


def test_a_macro_enabled_document_is_named_by_its_file(tmp_path: Path) -> None:
    """Before: `corrupt or truncated .docx (file '<_io.BytesIO object at 0x…>' is not a Word
    file, content type is '…macroEnabled…')`."""
    data = write_zip(tmp_path / "plan.docm", docx_parts(document_xml(3), main=MACRO_MAIN))
    with pytest.raises(ReportError) as err:
        read_document(data.read_bytes(), "plan.docm")
    message = str(err.value)
    assert message.startswith("plan.docm: a macro-enabled Word document")
    assert "BytesIO" not in message and "0x" not in message


# --------------------------------------------------------------------------- bidi controls

RLO = "\u202e"
ISOLATES = "\u2066\u2067\u2068\u2069"


def test_bidi_controls_are_stripped_where_an_atlas_is_read(tmp_path: Path) -> None:
    items = items_frame().copy()
    items.loc[0, "name"] = f"测试{RLO}学校{ISOLATES}"
    items.loc[0, "quote"] = f"建成{RLO}测试学校"
    ref = reference_frames()
    path = write_layers(
        {"items": items, **{k: ref[k] for k in ("subdistricts", "zones", "district")}},
        tmp_path / "bidi.gpkg",
    )
    layers = read_atlas(path)
    first = layers["items"].iloc[0]
    assert (first["name"], first["quote"]) == ("测试学校", "建成测试学校")
    assert any("bidirectional control characters removed" in n for n in notes_of(layers))
    done = subprocess.run(
        [sys.executable, "-m", "geo", "export", "-o", "-", "--atlas", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0 and RLO not in done.stdout


def test_bidi_controls_are_stripped_from_an_uploaded_report() -> None:
    report = (
        "上海市静安区人民政府\n一、2025年主要任务\n"
        f"1．完善城市功能。新建东门{RLO}公园，实施西四路美丽街区建设。\n"
    )
    result = upload_report(report.encode(), "mine.txt", UploadContext.load(reference_frames()))
    shown = " ".join(result.items[["name", "quote"]].astype(str).to_numpy().ravel())
    assert "东门公园" in shown and RLO not in shown


# --------------------------------------------------------------------------- export temporaries


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_export_temporaries_are_removed(tmp_path: Path) -> None:
    """What a writer killed with -9 left (`.out.geojson.<pid>.<random>.geojson`) goes at the
    next export there; a running writer's file and other hidden files stay."""
    stale = tmp_path / f".out.geojson.{_dead_pid()}.abcd_123.geojson"
    journal = tmp_path / f".out.geojson.{_dead_pid()}.abcd_124.geojson-journal"
    old = tmp_path / ".out.geojson.zyxw9876.geojson"  # from before pids were in the name
    live = tmp_path / f".out.geojson.{os.getpid()}.efgh_567.geojson"
    mine = tmp_path / ".out.geojson.notes"
    for path in (stale, journal, old, live, mine):
        path.write_bytes(b"x" * 1000)
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    write_bytes(b"{}", tmp_path / "out.geojson")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [live.name, mine.name, "out.geojson"]
    )


# --------------------------------------------------------------------------- geocoder input


def _geocode(data: bytes) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geo", "geocode"],
        cwd=ROOT, input=data, capture_output=True, timeout=120,
    )  # fmt: skip


def test_geocoder_says_when_most_input_was_not_text() -> None:
    """Binary input without NUL bytes: before, every line answered and exit 0."""
    rng = random.Random(23)
    junk = b"\n".join(
        bytes(rng.choice(range(1, 256)) for _ in range(40)).replace(b"\n", b"") for _ in range(50)
    )
    done = _geocode(junk + b"\n")
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr
    assert len(done.stdout.splitlines()) == 50  # still one answer a line
    assert stderr.splitlines()[-1].startswith("error: standard input: ")
    assert "lines were not text (answered unlocated): binary input" in stderr


def test_geocoder_notes_a_few_lines_that_were_not_text() -> None:
    done = _geocode("静安寺\n南京西路1788号\n".encode() + b"\xff\xfe\x01\x02\n")
    stderr = done.stderr.decode()
    assert done.returncode == 0, stderr
    assert stderr.splitlines() == [
        "note: standard input: 1 of 3 lines were not text (answered unlocated)"
    ]
