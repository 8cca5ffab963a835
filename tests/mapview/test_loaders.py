"""The page's per-atlas caches: `warm` fills what a first view reads, so the page served after
it reads and builds nothing again (what `python -m mapview.serve` relies on)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import atlas_stamp
from mapview import loaders
from mapview.assets import served_assets
from tests.app.conftest import APP


def test_the_page_after_warm_reads_nothing_again(
    fixture_paths: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    atlas, gazetteer = fixture_paths
    fresh = shutil.copy(atlas, tmp_path / "atlas.gpkg")  # a path no other test has cached
    monkeypatch.setenv("ATLAS_PATH", str(fresh))
    monkeypatch.setenv("GAZETTEER_PATH", str(gazetteer))

    stamp = loaders.warm(str(fresh), served_assets())

    assert stamp == atlas_stamp(str(fresh))

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("the page read or built what warm() had cached")

    monkeypatch.setattr(loaders, "read_atlas", refused)
    monkeypatch.setattr(loaders, "map_data", refused)
    monkeypatch.setattr(loaders, "draw_reasons", refused)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert any("items match" in m.value for m in at.markdown)


def test_warm_on_a_missing_atlas_reads_nothing(tmp_path: Path) -> None:
    assert loaders.warm(str(tmp_path / "none.gpkg"), served_assets()) is None


def test_a_rebuilt_atlas_is_read_again(fixture_paths: tuple[Path, Path], tmp_path: Path) -> None:
    """The caches are keyed by the atlas' stamp: a new file version is a new entry."""
    atlas, _ = fixture_paths
    fresh = Path(shutil.copy(atlas, tmp_path / "atlas.gpkg"))
    first = loaders.load_layers(str(fresh), atlas_stamp(str(fresh)) or "")
    stat = fresh.stat()
    import os

    os.utime(fresh, (stat.st_atime, stat.st_mtime + 10))
    again = loaders.load_layers(str(fresh), atlas_stamp(str(fresh)) or "")
    assert again is not first
    assert again["items"].equals(first["items"])
