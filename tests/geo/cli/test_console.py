"""Every command through the one wrapper: a corrupt input is one line on stderr and exit 1.

Each command gets the three ways a file goes bad — random bytes, a truncated GeoPackage, a
GeoPackage without a layer the command needs — through `jingan-atlas` (`geo.cli.console`),
and once through the installed console script in a real process."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from atlas.settings import settings
from geo.cli import CONSOLE_COMMANDS, console
from geo.io import export
from tests.worlds import atlas as fakes

ROOT = settings.root


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small valid atlas and gazetteer to corrupt."""
    folder = tmp_path_factory.mktemp("good")
    gaz = fakes.gazetteer()
    atlas = {"items": fakes.items(), **{k: gaz[k] for k in ("subdistricts", "zones", "district")}}
    return {
        "atlas": export.write_gpkg_layers(atlas, folder / "atlas.gpkg"),
        "gazetteer": export.write_gpkg_layers(gaz, folder / "gazetteer.gpkg"),
    }


def random_bytes(good: Path, out: Path) -> Path:
    out.write_bytes(bytes(range(256)) * 16)
    return out


def truncated(good: Path, out: Path) -> Path:
    data = good.read_bytes()
    out.write_bytes(data[: len(data) // 3])
    return out


def without_layer(layer: str) -> Callable[[Path, Path], Path]:
    def make(good: Path, out: Path) -> Path:
        import pyogrio

        names = [str(row[0]) for row in pyogrio.list_layers(good) if row[0] != layer]
        layers = {name: pyogrio.read_dataframe(good, layer=name) for name in names}
        return export.write_gpkg_layers(layers, out)

    return make


CORRUPTIONS = {
    "random bytes": random_bytes,
    "truncated": truncated,
    "no zones layer": without_layer("zones"),
    "no items/places layer": None,  # the layer each kind of file needs most, set below
}


def corrupt(kind: str, source: Path, tmp_path: Path, needed: str) -> Path:
    make = CORRUPTIONS[kind] or without_layer(needed)
    return make(source, tmp_path / f"bad{source.suffix}")


def one_line_error(capsys: pytest.CaptureFixture[str], code: int, expected: int = 1) -> str:
    err = capsys.readouterr().err
    assert code == expected, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
@pytest.mark.parametrize("command", ["export", "summary", "publish", "track"])
def test_export_summary_publish_on_a_corrupt_atlas(good, tmp_path, capsys, kind, command):
    bad = corrupt(kind, good["atlas"], tmp_path, "items")
    out = tmp_path / "out.geojson"
    extra = {"export": ["-o", str(out)], "publish": ["--dsn", "postgresql://127.0.0.1:9/none"]}
    argv = [command, "--atlas", str(bad), *extra.get(command, [])]
    err = one_line_error(capsys, console(argv))
    assert str(bad) in err
    assert not out.exists()


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_build_on_a_corrupt_gazetteer(good, tmp_path, capsys, kind):
    bad = corrupt(kind, good["gazetteer"], tmp_path, "places")
    out = tmp_path / "out"
    out.mkdir()
    argv = ["build", "--raw", str(settings.raw_dir), "--gazetteer", str(bad), "--out", str(out)]
    err = one_line_error(capsys, console(argv))
    assert str(bad) in err
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_geocode_on_a_corrupt_gazetteer(  # needs the geo branch's raising geocode/gazetteer
    good, tmp_path, capsys, monkeypatch, kind
):
    bad = corrupt(kind, good["gazetteer"], tmp_path, "places")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("静安寺\n".encode())))
    err = one_line_error(capsys, console(["geocode", "--gazetteer", str(bad)]))
    assert "gazetteer" in err or str(bad) in err


def test_build_on_a_report_of_random_bytes(good, tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    random_bytes(good["atlas"], raw / "2027_report.txt")
    out = tmp_path / "out"
    out.mkdir()
    argv = ["build", "--raw", str(raw), "--gazetteer", str(good["gazetteer"]), "--out", str(out)]
    err = one_line_error(capsys, console(argv))
    assert "2027_report.txt" in err and list(out.iterdir()) == []


def test_extract_on_random_bytes(tmp_path, capsys):
    bad = random_bytes(Path(), tmp_path / "report.txt")
    err = one_line_error(capsys, console(["extract", str(bad)]))
    assert str(bad) in err and capsys.readouterr().out == ""


def test_gazetteer_on_a_corrupt_source(tmp_path, capsys):
    from tests.worlds.geodata import write_geodata

    source = write_geodata(tmp_path / "geodata")
    random_bytes(Path(), source / "jingan_roads_osm_partial.geojson")
    argv = ["gazetteer", "--source", str(source), "-o", str(tmp_path / "g.gpkg")]
    err = one_line_error(capsys, console([*argv, "--raw", str(tmp_path / "none")]))
    assert "jingan_roads_osm_partial.geojson" in err
    assert not (tmp_path / "g.gpkg").exists()


def test_every_console_command_is_covered():
    tested = {"extract", "gazetteer", "build", "export", "geocode", "summary", "publish", "track"}
    assert set(CONSOLE_COMMANDS) == tested  # a new command gets its corrupt-input test here


def test_console_without_a_command_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert console([]) == 2
    assert "usage: jingan-atlas" in capsys.readouterr().err


def test_the_installed_console_script(good, tmp_path):
    """`jingan-atlas` is registered in pyproject.toml and installed beside the interpreter."""
    script = Path(sys.executable).with_name("jingan-atlas")
    assert script.is_file(), "pip install -e . registers the console script"
    bad = random_bytes(good["atlas"], tmp_path / "bad.gpkg")
    argv = [str(script), "summary", "--atlas", str(bad)]
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and proc.stdout == ""
    assert (
        proc.stderr.startswith(f"error: cannot read atlas {bad}") and proc.stderr.count("\n") == 1
    )
    usage = subprocess.run([str(script)], capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "usage: jingan-atlas" in usage.stderr


@pytest.mark.parametrize(
    "argv", [["-m", "extract", "nowhere.txt"], ["-m", "geo", "summary", "--atlas", "nowhere.gpkg"]]
)
def test_python_dash_m_entries_use_the_same_wrapper(argv):
    proc = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1 and proc.stderr.startswith("error: ") and "nowhere" in proc.stderr
    assert proc.stderr.count("\n") == 1
