"""`atlas.lazy`: the packages' public faces import their modules on first use, so the page's
first run loads neither the geocoder, the gazetteer build, the extractor's rules nor psycopg;
every exported name is still there, the very object of its home module."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.lazy import exports, typing_imports

ROOT = Path(__file__).resolve().parents[2]
LAZY = ("geo", "geo.io", "geo.geocode", "extract", "mapview")
#: what the page's first view never calls: the geocoder (geopy), the gazetteer build (osmium),
#: the build pipeline and the extractor's rules (uploads), the PostGIS store (psycopg)
HEAVY = (
    "geopy",
    "osmium",
    "psycopg",
    "geo.geocode.geocoder",
    "geo.gazetteer",
    "geo.pipeline",
    "geo.io.store",
    "extract.pipeline",
)


@pytest.mark.parametrize("package", LAZY)
def test_every_exported_name_is_its_home_modules_object(package: str) -> None:
    module = importlib.import_module(package)
    homes = typing_imports(Path(str(module.__file__)).read_text(encoding="utf-8"), package)
    assert sorted(module.__all__) == sorted(homes)
    for name in module.__all__:
        home, attribute = homes[name]
        value = getattr(module, name)
        if home == package:
            assert value is importlib.import_module(f"{package}.{attribute}")
        else:
            assert value is getattr(importlib.import_module(home), attribute)
    assert set(module.__all__) <= set(dir(module))
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        module.no_such_name  # noqa: B018


def test_reading_an_atlas_loads_nothing_the_page_does_not_call() -> None:
    """What the page does before its first map: read the atlas, its stamp, the filters, the
    map's modules."""
    script = (
        "import sys, geo, mapview.atlasmap, mapview.panels, mapview.upload, mapview.nearby\n"
        "layers = geo.read_atlas('data/atlas.gpkg')\n"
        "geo.atlas_stamp('data/atlas.gpkg'); geo.filter_vocabulary(layers)\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_name_without_a_typing_import_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "lazy_example"
    package.mkdir()
    (package / "part.py").write_text("VALUE = 1\n", encoding="utf-8")
    init = package / "__init__.py"
    init.write_text(
        "from typing import TYPE_CHECKING\n"
        "from atlas.lazy import exports\n"
        "if TYPE_CHECKING:\n"
        "    from .part import VALUE\n"
        "    from lazy_example import part as piece\n"
        "__all__ = ['VALUE', 'piece']\n"
        "if not TYPE_CHECKING:\n"
        "    __getattr__, __dir__ = exports(__name__, __file__)\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        example = importlib.import_module("lazy_example")
        assert "lazy_example.part" not in sys.modules
        assert example.VALUE == 1 and example.piece is sys.modules["lazy_example.part"]
        monkeypatch.setattr(example, "__all__", ["VALUE", "OTHER"])
        with pytest.raises(ImportError, match=r"names \['OTHER'\]: no TYPE_CHECKING import"):
            exports("lazy_example", init)
    finally:
        sys.modules.pop("lazy_example", None)
        sys.modules.pop("lazy_example.part", None)
