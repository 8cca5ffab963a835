"""`python -m geo geocode`: one query a line on stdin → one JSON line per query on stdout."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.cli import run as run_cli
from geo.__main__ import main as geo_main
from geo.cli.geocode import geocode_lines
from geo.geocode import AtlasGeocoder
from geo.testing import LocalNominatim, nominatim_place
from tests.worlds.gazetteer import synthetic_layers

ROOT = Path(__file__).resolve().parents[3]
FIELDS = ["query", "lon", "lat", "precision", "method", "matched", "subdistrict", "zone"]
FIELDS += ["uncertainty_m", "geometry_type"]


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gaz") / "gazetteer.gpkg"
    for name, frame in synthetic_layers().items():
        frame.to_file(path, layer=name, driver="GPKG")
    return path


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, stdin: bytes, *argv: str):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = run_cli(geo_main, ["geocode", *argv])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_one_json_line_per_query(monkeypatch, capsys, gpkg: Path) -> None:
    stdin = "静安寺\n共和新路2000号\n康定路367弄\n".encode()
    code, rows, _ = run(monkeypatch, capsys, stdin, "--gazetteer", str(gpkg))
    assert code == 0
    assert [list(r) for r in rows] == [FIELDS] * 3
    assert rows[0]["matched"] == "静安寺" and rows[0]["lat"] == pytest.approx(31.2205)
    assert rows[0]["lon"] == pytest.approx(121.44)
    assert rows[1]["method"] == "address:interpolated" and rows[1]["precision"] in (2, 5)
    assert rows[1]["geometry_type"] == "Point" and rows[1]["uncertainty_m"] > 0
    assert rows[0]["geometry_type"] == "Point" and rows[0]["uncertainty_m"] == 0
    assert rows[2] == {
        "query": "康定路367弄",
        "lon": None,
        "lat": None,
        "precision": None,
        "method": "unlocated",
        "matched": None,
        "subdistrict": None,
        "zone": None,
        "uncertainty_m": None,
        "geometry_type": None,
    }


def test_blank_and_badly_encoded_lines_keep_their_place(monkeypatch, capsys, gpkg) -> None:
    stdin = "静安寺\n\n".encode() + "大宁公园\r\n".encode("gb18030") + b"\xff\xfe\xfa\n"
    code, rows, _ = run(monkeypatch, capsys, stdin, "--gazetteer", str(gpkg))
    assert code == 0
    assert len(rows) == 4
    assert rows[1]["method"] == "unlocated"
    assert rows[2]["matched"] == "大宁灵石公园"  # GB18030 line decoded
    assert rows[3]["method"] == "unlocated"


def test_missing_gazetteer_is_a_clear_error(monkeypatch, capsys, tmp_path: Path) -> None:
    code, rows, err = run(monkeypatch, capsys, b"x\n", "--gazetteer", str(tmp_path / "no.gpkg"))
    assert code == 1 and rows == []
    assert "no.gpkg" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("content", [b"", b"not a geopackage at all\n" * 50, b"SQLite format 3\0"])
def test_corrupt_gazetteer_is_one_line(monkeypatch, capsys, tmp_path: Path, content) -> None:
    bad = tmp_path / "corrupt.gpkg"
    bad.write_bytes(content)
    code, rows, err = run(monkeypatch, capsys, b"x\n", "--gazetteer", str(bad))
    assert code == 1 and rows == []
    assert err.startswith("error: ") and "corrupt.gpkg" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_coordinates_are_rounded_to_six_decimals(monkeypatch, capsys, gpkg: Path) -> None:
    _, rows, _ = run(monkeypatch, capsys, "共和新路2000号\n".encode(), "--gazetteer", str(gpkg))
    for key in ("lon", "lat"):
        assert rows[0][key] == round(rows[0][key], 6)
        assert len(str(rows[0][key]).split(".")[1]) <= 6


def test_a_query_too_long_is_one_unlocated_line(monkeypatch, capsys, gpkg: Path) -> None:
    from geo.geocode import MAX_QUERY_CHARS

    long_line = "共和新路" * 5000 + "2000号"  # 20 005 characters, no punctuation
    _, rows, _ = run(
        monkeypatch, capsys, (long_line + "\n静安寺\n").encode(), "--gazetteer", str(gpkg)
    )
    assert len(rows) == 2
    assert rows[0]["method"] == "unlocated" and rows[0]["lon"] is None
    assert str(MAX_QUERY_CHARS) in rows[0]["reason"]
    assert len(rows[0]["query"]) <= MAX_QUERY_CHARS + 1
    assert rows[1]["matched"] == "静安寺"  # the next line is answered as usual


def test_online_delay_below_one_second_is_refused(monkeypatch, capsys, gpkg, tmp_path) -> None:
    argv = [
        "--gazetteer",
        str(gpkg),
        "--online",
        "--min-delay",
        "0.1",
        "--cache-dir",
        str(tmp_path),
    ]
    code, _, err = run(monkeypatch, capsys, b"x\n", *argv)
    assert code == 2 and "min_delay_seconds" in err


@pytest.mark.network
def test_online_option_reaches_the_local_server(monkeypatch, capsys, gpkg, tmp_path) -> None:
    place = nominatim_place("静安某大厦", 31.215, 121.415)
    with LocalNominatim({"静安某大厦": [place]}) as server:
        argv = ["--gazetteer", str(gpkg), "--online", "nominatim", "--domain", server.domain]
        argv += ["--scheme", "http", "--cache-dir", str(tmp_path)]
        code, rows, err = run(monkeypatch, capsys, "静安某大厦\n静安寺\n".encode(), *argv)
        assert server.request_count == 1  # 静安寺 is answered offline
    assert code == 0
    assert rows[0]["method"] == "online:nominatim" and rows[0]["precision"] == 2
    assert "1 sent, 0 failed" in err
    assert rows[1]["method"] == "exact"


def test_geocode_lines_is_pure() -> None:
    geocoder = AtlasGeocoder(synthetic_layers())
    rows = [
        json.loads(r) for r in geocode_lines([b"\xef\xbb\xbfjingan\n", "彭浦镇".encode()], geocoder)
    ]
    assert rows[0]["query"] == "jingan" and rows[1]["precision"] == 3


def test_module_entry_point_end_to_end(gpkg: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "geo", "geocode", "--gazetteer", str(gpkg)],
        input="南京西路街道\n".encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    row = json.loads(done.stdout.decode().splitlines()[0])
    assert (row["matched"], row["precision"]) == ("南京西路街道", 3)
