"""`python -m geo export` and `python -m geo summary` on a small synthetic atlas."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo import __main__ as cli
from geo.filters import Filters
from geo.io import export, read
from geo.pipeline import build
from tests.worlds import atlas as fakes

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def atlas(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("atlas") / "atlas.gpkg"
    gaz = fakes.gazetteer()
    layers = {
        "items": fakes.items(),
        "subdistricts": gaz["subdistricts"],
        "zones": gaz["zones"],
        "district": gaz["district"],
    }
    build.write_atlas(layers, path)
    return path


def run(*argv: str) -> int:
    return cli.main(list(argv))


def test_export_geojson_equals_the_app_download(atlas, tmp_path):
    out = tmp_path / "sel.geojson"
    assert (
        run(
            "export",
            "-o",
            str(out),
            "--zone",
            "中区",
            "--kind",
            "project",
            "park",
            "--atlas",
            str(atlas),
        )
        == 0
    )
    items = read.read_items(atlas)
    expected = export.export_geojson_bytes(items, Filters(zone=("中区",), kind=("project", "park")))
    assert out.read_bytes() == expected
    assert [f["id"] for f in json.loads(expected)["features"]] == ["a2", "a3", "a6"]


def test_export_year_and_status_and_format_from_suffix(atlas, tmp_path):
    out = tmp_path / "sel.csv"
    assert (
        run(
            "export",
            "-o",
            str(out),
            "--year",
            "2025",
            "--status",
            "planned",
            "started",
            "--atlas",
            str(atlas),
        )
        == 0
    )
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table["id"].tolist() == ["a2", "a3"]


def test_export_gpkg_keeps_unlocated(atlas, tmp_path):
    out = tmp_path / "sel.gpkg"
    assert run("export", "-o", str(out), "--kind", "project", "--atlas", str(atlas)) == 0
    back = gpd.read_file(out, layer="items")
    assert back["id"].tolist() == ["a1", "a2", "a3", "a9", "a12"]
    assert back.geometry.isna().sum() == 1


def test_export_explicit_format_wins(atlas, tmp_path):
    out = tmp_path / "sel.txt"
    assert run("export", "-o", str(out), "--format", "geojson", "--atlas", str(atlas)) == 0
    assert len(json.loads(out.read_text())["features"]) == len(fakes.items())


def test_unknown_filter_value_lists_valid_values(atlas, tmp_path, capsys):
    out = tmp_path / "x.geojson"
    assert run("export", "-o", str(out), "--kind", "temple", "--atlas", str(atlas)) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unknown kind value(s): temple; valid values:")
    assert "beautiful_block" in err and err.count("\n") == 1
    assert not out.exists()


def test_known_zone_without_items_is_an_empty_selection_not_an_error(atlas, tmp_path):
    out = tmp_path / "x.geojson"
    assert (
        run("export", "-o", str(out), "--zone", "北区", "--kind", "road", "--atlas", str(atlas))
        == 0
    )
    assert json.loads(out.read_text())["features"] == []


def test_unwritable_output_is_a_clear_error(atlas, tmp_path, capsys):
    out = tmp_path / "missing" / "x.geojson"
    assert run("export", "-o", str(out), "--atlas", str(atlas)) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write") and "does not exist" in err
    assert not out.parent.exists()


def test_missing_atlas_is_a_clear_error(tmp_path, capsys):
    assert (
        run("export", "-o", str(tmp_path / "x.geojson"), "--atlas", str(tmp_path / "none.gpkg"))
        == 1
    )
    assert "cannot read atlas" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_summary_prints_year_and_zone_tables(atlas, capsys):
    assert run("summary", "--atlas", str(atlas)) == 0
    out = capsys.readouterr().out
    assert "items per year by kind" in out and "items per zone by kind" in out
    assert "中区" in out and "2026" in out


def test_summary_with_filter_and_unknown_value(atlas, capsys):
    assert run("summary", "--atlas", str(atlas), "--by", "status", "--year", "2025") == 0
    assert "2021" not in capsys.readouterr().out
    assert run("summary", "--atlas", str(atlas), "--zone", "无此区") == 2


def test_exit_code_through_the_interpreter(atlas, tmp_path):
    """The real `python -m geo export` process exits non-zero with a one-line message."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "geo",
            "export",
            "-o",
            str(tmp_path / "x.geojson"),
            "--status",
            "dreamt",
            "--atlas",
            str(atlas),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "unknown status value(s): dreamt" in proc.stderr and "completed" in proc.stderr


def test_export_of_the_committed_atlas(tmp_path):
    """The default atlas (data/atlas.gpkg): every item, unlocated ones with null geometry."""
    out = tmp_path / "all.geojson"
    shipped = str(REPO / "data" / "atlas.gpkg")
    assert run("export", "-o", str(out), "--atlas", shipped) == 0
    items = read.read_items(shipped)
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert [f["id"] for f in features] == items["id"].tolist()
    assert sum(f["geometry"] is None for f in features) == int(items.geometry.isna().sum())
    parks = tmp_path / "parks.csv"
    assert run("export", "-o", str(parks), "--kind", "park", "--atlas", shipped) == 0
    table = pd.read_csv(parks, encoding="utf-8-sig")
    assert table["id"].tolist() == items[items["kind"] == "park"]["id"].tolist()


def test_build_with_a_bad_report_writes_nothing(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "broken.txt").write_bytes(b"\x00\x01\x02\xff" * 64)
    out = tmp_path / "out"
    out.mkdir()
    gazetteer = REPO / "data" / "gazetteer.gpkg"
    assert run("build", "--raw", str(raw), "--gazetteer", str(gazetteer), "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "broken.txt" in err and err.count("\n") == 1
    assert list(out.iterdir()) == []


def test_build_without_gazetteer_is_a_clear_error(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    argv = ["build", "--gazetteer", str(tmp_path / "none.gpkg"), "--out", str(out)]
    assert run(*argv) == 1
    assert "gazetteer" in capsys.readouterr().err and list(out.iterdir()) == []


def test_zone_alias_selects_the_zone(atlas, tmp_path):
    by_alias, by_name = tmp_path / "alias.geojson", tmp_path / "name.geojson"
    assert run("export", "-o", str(by_alias), "--zone", "中部", "--atlas", str(atlas)) == 0
    assert run("export", "-o", str(by_name), "--zone", "中区", "--atlas", str(atlas)) == 0
    assert by_alias.read_bytes() == by_name.read_bytes()
    assert len(json.loads(by_name.read_text())["features"]) == 5


# --------------------------------------------------------------------------- -o -, targets, years


@pytest.mark.parametrize(("fmt", "export_bytes"), [("geojson", export.export_geojson_bytes),
                                                  ("csv", export.export_csv_bytes)])  # fmt: skip
def test_dash_writes_to_standard_output(atlas, fmt, export_bytes, capsysbinary):
    argv = ["export", "-o", "-", "--format", fmt, "--kind", "project", "--atlas", str(atlas)]
    assert run(*argv) == 0
    captured = capsysbinary.readouterr()
    expected = export_bytes(read.read_items(atlas), Filters(kind=("project",)))
    assert captured.out == expected
    assert captured.err.decode() == f"wrote 5 items to standard output ({fmt})\n"


def test_dash_defaults_to_geojson(atlas, capsysbinary):
    assert run("export", "-o", "-", "--atlas", str(atlas)) == 0
    assert len(json.loads(capsysbinary.readouterr().out)["features"]) == len(fakes.items())


def test_a_geopackage_refuses_standard_output(atlas, capsysbinary):
    assert run("export", "-o", "-", "--format", "gpkg", "--atlas", str(atlas)) == 2
    captured = capsysbinary.readouterr()
    assert captured.out == b""
    err = captured.err.decode()
    assert err.count("\n") == 1 and "GeoPackage cannot be written to standard output" in err


def test_export_onto_a_fifo_or_read_only_file_is_refused(atlas, tmp_path, capsys):
    fifo = tmp_path / "pipe.geojson"
    os.mkfifo(fifo)
    locked = tmp_path / "locked.csv"
    locked.write_text("old")
    locked.chmod(0o444)
    for target, says in ((fifo, "a FIFO"), (locked, "read-only")):
        assert run("export", "-o", str(target), "--atlas", str(atlas)) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"error: cannot write {target}: ") and says in err
        assert err.count("\n") == 1
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and locked.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["locked.csv", "pipe.geojson"]


@pytest.mark.parametrize(
    ("years", "says"),
    [
        (("2030", "2021"), "year range 2030 2021: FROM is after TO; valid range: 2021–2026"),
        (("2019", "2024"), "year range 2019 2024: 2019 out of range; valid range: 2021–2026"),
        (("2021", "2099"), "year range 2021 2099: 2099 out of range; valid range: 2021–2026"),
    ],
)
def test_a_bad_year_range_is_an_error_naming_the_valid_range(atlas, tmp_path, capsys, years, says):
    out = tmp_path / "x.geojson"
    for command in (["export", "-o", str(out)], ["summary"]):
        assert run(*command, "--year-range", *years, "--atlas", str(atlas)) == 2
        assert capsys.readouterr().err == f"error: {says}\n"
    assert not out.exists()


def test_a_year_range_inside_the_data_selects(atlas, tmp_path):
    out = tmp_path / "x.geojson"
    assert run("export", "-o", str(out), "--year-range", "2021", "2022", "--atlas", str(atlas)) == 0
    assert [f["id"] for f in json.loads(out.read_text())["features"]] == ["a1", "a4", "a10"]
