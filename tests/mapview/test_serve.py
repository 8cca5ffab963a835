"""The server launcher: what it preloads and what it says (the browser tests start every page
through it, tests/devserver.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mapview import serve


def test_page_imports_are_the_scripts_top_level_ones(tmp_path: Path) -> None:
    script = tmp_path / "page.py"
    script.write_text(
        "import json\n"
        "from collections import abc, OrderedDict\n"
        "from . import sibling\n"
        "def later():\n"
        "    import wave  # deliberately lazy: not preloaded\n",
        encoding="utf-8",
    )
    assert serve.page_imports(script) == [("json", []), ("collections", ["abc", "OrderedDict"])]


def test_preload_imports_the_named_submodules(tmp_path: Path) -> None:
    script = tmp_path / "page.py"
    script.write_text("from email import headerregistry\n", encoding="utf-8")
    sys.modules.pop("email.headerregistry", None)
    serve.preload(script)
    assert "email.headerregistry" in sys.modules


def test_the_app_preloads_its_map_and_not_its_lazy_tabs() -> None:
    modules = {module for module, _ in serve.page_imports()}
    assert {"mapview.atlasmap", "mapview.loaders", "geo"} <= modules
    assert "mapview.charts" not in modules  # altair waits for its tab
    assert "mapview.figure" not in modules  # matplotlib waits for the download tab


def test_warm_names_the_atlas_it_loaded(
    fixture_paths: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATLAS_PATH", str(fixture_paths[0]))
    assert serve.warm().startswith("atlas preloaded in ")


def test_warm_without_an_atlas_leaves_it_to_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATLAS_PATH", str(tmp_path / "none.gpkg"))
    assert serve.warm().startswith(f"no atlas at {tmp_path / 'none.gpkg'}")


def test_warm_on_a_broken_atlas_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "atlas.gpkg"
    broken.write_bytes(b"not a geopackage")
    monkeypatch.setenv("ATLAS_PATH", str(broken))
    line = serve.warm()
    assert line.startswith("atlas not preloaded: ")
    assert "\n" not in line


def test_the_preload_leaves_what_a_first_view_does_not_use() -> None:
    """geopy, psycopg and the upload pipeline load with "near here", a PostGIS atlas or the
    first upload, not at every server start (a fresh interpreter: this one has them all)."""
    import subprocess

    heavy = ["geopy", "psycopg", "geo.pipeline.build", "geo.gazetteer.build", "mapview.charts"]
    code = (
        "import sys; from mapview import serve; serve.preload(); "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    root = Path(serve.__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
