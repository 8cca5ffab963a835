"""`geo.io.read`: the Arrow read gives the very frames (and notes) of the classic read, on the
shipped atlas and on hostile ones; a divergence here would change what the page shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import Point, Polygon

from geo.io import read
from geo.io.sanity import atlas_notes
from geo.testing import write_layers
from tests.worlds import page

ROOT = Path(__file__).resolve().parents[3]


def assert_same_frame(classic: gpd.GeoDataFrame, arrow: gpd.GeoDataFrame) -> None:
    """Same columns in the same order, dtypes, index, CRS, values; geometries byte for byte
    (a NaN coordinate defeats `geom_equals`)."""
    assert list(arrow.columns) == list(classic.columns)
    assert arrow.dtypes.equals(classic.dtypes), (classic.dtypes, arrow.dtypes)
    assert arrow.crs == classic.crs and arrow.geometry.name == classic.geometry.name
    name = classic.geometry.name
    pd.testing.assert_frame_equal(
        pd.DataFrame(arrow.drop(columns=name)), pd.DataFrame(classic.drop(columns=name))
    )
    assert [None if g is None else shapely.to_wkb(g) for g in arrow.geometry] == [
        None if g is None else shapely.to_wkb(g) for g in classic.geometry
    ]


def hostile(path: Path) -> Path:
    """The page's hostile atlas (markup in every text of every layer, roads and water) with
    non-finite coordinates, and fields of the types the Arrow read gives differently: a text
    field without a value, a boolean with nulls, an integer with nulls, an empty text."""
    layers = page.hostile_layers()
    items = layers["items"]
    with np.errstate(invalid="ignore"):
        items.loc[0, "geometry"] = Point(float("inf"), 31.23)
        items.loc[1, "geometry"] = Polygon([(121.44, 31.23), (np.nan, 31.24), (121.45, 31.23)])
    items["no_text"] = None
    items["flag"] = pd.array([True, None] * (len(items) // 2) + [False] * (len(items) % 2))
    items["count"] = pd.array([1, None] * (len(items) // 2) + [2] * (len(items) % 2), "Int64")
    items["empty"] = ""
    layers["zones"] = layers["zones"].iloc[:0]  # an empty layer: every text field valueless
    with np.errstate(invalid="ignore"):
        return write_layers(layers, path)


def dated(path: Path) -> Path:
    """An atlas older than threads (no `thread` column: relinked on read) whose zones carry
    a date: a layer the Arrow read does not take, read the classic way."""
    layers = {"items": page.items_frame().drop(columns=["thread", "outcome"])}
    layers |= {k: page.reference_frames()[k] for k in ("subdistricts", "zones", "district")}
    layers["zones"]["surveyed"] = pd.to_datetime(["2024-05-01", None])
    return write_layers(layers, path)


ATLASES: dict[str, Callable[[Path], Path]] = {
    "shipped": lambda _: ROOT / "data" / "atlas.gpkg",
    "hostile": hostile,
    "dated": dated,
}


@pytest.fixture(params=list(ATLASES))
def atlas(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return ATLASES[request.param](tmp_path / "atlas.gpkg")


def test_arrow_is_used_here() -> None:
    """Else every comparison below would compare the classic read with itself."""
    assert read.ARROW


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # NaN coordinates
def test_every_layer_reads_the_same_through_arrow(atlas: Path) -> None:
    for name in pyogrio.list_layers(atlas)[:, 0]:
        assert_same_frame(read.read_layer(atlas, name, arrow=False), read.read_layer(atlas, name))


def test_read_atlas_gives_the_same_layers_and_notes(
    atlas: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arrow = read.read_atlas(atlas)
    monkeypatch.setattr(read, "ARROW", False)
    classic = read.read_atlas(atlas)
    assert list(arrow) == list(classic)
    for name in classic:
        assert_same_frame(classic[name], arrow[name])
    assert atlas_notes(arrow) == atlas_notes(classic)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_the_hostile_fields_take_the_arrow_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The differences `_as_classic` undoes are really met on the Arrow path; a layer with a
    date goes the classic way."""
    ways: list[tuple[str, bool]] = []
    read_file = gpd.read_file

    def spy(path: Path, layer: str, **kwargs: object) -> gpd.GeoDataFrame:
        ways.append((layer, bool(kwargs.get("use_arrow"))))
        return read_file(path, layer=layer, **kwargs)

    monkeypatch.setattr(gpd, "read_file", spy)
    items = read.read_layer(hostile(tmp_path / "hostile.gpkg"), "items")
    assert ways == [("items", True)]
    assert items["no_text"].dtype == object and items["no_text"].isna().all()
    assert items["flag"].dtype == "float64" and items["count"].dtype == "float64"
    ways.clear()
    read.read_layer(dated(tmp_path / "dated.gpkg"), "zones")
    assert ways == [("zones", False)]


def test_a_failed_arrow_read_is_the_classic_reads_business(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the Arrow read raises (pyarrow's NotImplementedError, a decoding error), the
    classic read decides: same frame for a good layer, the classic error for a broken one."""
    atlas = ROOT / "data" / "atlas.gpkg"
    read_file = gpd.read_file

    def arrowless(path: Path, layer: str, **kwargs: object) -> gpd.GeoDataFrame:
        if kwargs.get("use_arrow"):
            raise NotImplementedError("no Arrow for this layer")
        return read_file(path, layer=layer, **kwargs)

    monkeypatch.setattr(gpd, "read_file", arrowless)
    assert_same_frame(read.read_layer(atlas, "zones", arrow=False), read.read_layer(atlas, "zones"))
    with pytest.raises(pyogrio.errors.DataLayerError, match="nowhere"):
        read.read_layer(atlas, "nowhere")
