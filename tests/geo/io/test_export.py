"""`geo.io.export`: RFC 7946 GeoJSON, CSV and GeoPackage, atomic writes."""

from __future__ import annotations

import errno
import io
import itertools
import json
import math
import os
import re
import stat
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geojson_pydantic import FeatureCollection
from geopandas.testing import assert_geodataframe_equal

from geo.filters import Filters, apply_filters
from geo.io import atomic, export, read
from geo.schema import ITEM_COLUMNS, conform_items
from tests.worlds import atlas as atlas_fakes

PROPERTIES = [c for c in ITEM_COLUMNS if c != "geometry"]


@pytest.fixture(scope="module")
def items():
    return atlas_fakes.items()


@pytest.fixture(scope="module")
def text(items):
    return export.to_geojson(items)


def signed_area(ring: list) -> float:
    """Shoelace: positive for counter-clockwise rings."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


def polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def numbers(coords: object) -> list[float]:
    if isinstance(coords, (int, float)):
        return [coords]
    return [n for part in coords for n in numbers(part)]


def test_geojson_validates_with_geojson_pydantic(text, items):
    collection = FeatureCollection.model_validate_json(text)
    assert len(collection.features) == len(items)


def test_geojson_follows_rfc7946(text, items):
    doc = json.loads(text)
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert [f["id"] for f in doc["features"]] == items["id"].tolist()
    for feature in doc["features"]:
        assert feature["type"] == "Feature" and "crs" not in feature
        assert list(feature["properties"]) == PROPERTIES  # every property, schema order
        assert feature["id"] == feature["properties"]["id"]
        geometry = feature["geometry"]
        if feature["properties"]["method"] == "unlocated":
            assert geometry is None
            continue
        for lon, lat in zip(*[iter(numbers(geometry["coordinates"]))] * 2, strict=True):
            assert 121 < lon < 122 and 31 < lat < 32  # lon/lat order, not lat/lon
        for rings in polygons(geometry):
            assert signed_area(rings[0]) > 0, feature["id"]  # exterior counter-clockwise
            assert all(signed_area(hole) < 0 for hole in rings[1:]), feature["id"]


def test_geojson_orients_the_clockwise_fixture(items, text):
    """The fixture's a4 and a6 are clockwise with ccw holes: the export must flip both."""
    a4 = items.set_index("id").geometry["a4"]
    assert not a4.exterior.is_ccw and a4.interiors[0].is_ccw
    doc = json.loads(text)
    a4_json = next(f for f in doc["features"] if f["id"] == "a4")["geometry"]
    assert len(a4_json["coordinates"]) == 2  # the hole survives


def test_coordinates_rounded_to_six_decimals(text):
    coords = re.findall(r'"coordinates":(\[.*?\])}', text)
    assert coords
    for number in re.findall(r"-?\d+\.\d+", " ".join(coords)):
        assert len(number.split(".")[1]) <= 6, number
    assert "121.409123," in text  # 121.409123456789 rounded, not truncated or kept


def test_unknown_values_are_null_not_nan(items):
    frame = items.copy()
    frame["category"] = frame["category"].astype(object)
    frame.loc[0, "category"] = float("nan")
    frame["score"] = [np.nan, *range(1, len(frame))]
    text = export.to_geojson(frame)
    assert "NaN" not in text
    doc = json.loads(text)
    assert doc["features"][0]["properties"]["category"] is None
    assert doc["features"][0]["properties"]["score"] is None
    assert doc["features"][1]["properties"]["score"] == 1


def test_float_years_from_a_reader_stay_integers(items):
    frame = items.copy()
    for column in ("year", "start", "end", "precision"):
        frame[column] = frame[column].astype("float64")
    doc = json.loads(export.to_geojson(frame))
    assert doc["features"][0]["properties"]["year"] == 2021
    assert '"year":2021,' in export.to_geojson(frame)


def test_other_crs_is_reprojected(items):
    projected = items.to_crs(3857)
    assert export.to_geojson(projected) == export.to_geojson(items) or _close(
        export.to_geojson(projected), export.to_geojson(items)
    )


def _close(a: str, b: str) -> bool:
    fa, fb = json.loads(a)["features"], json.loads(b)["features"]
    return all(
        (x["geometry"] is None and y["geometry"] is None)
        or np.allclose(
            numbers(x["geometry"]["coordinates"]), numbers(y["geometry"]["coordinates"]), atol=2e-6
        )
        for x, y in zip(fa, fb, strict=True)
    )


def test_geojson_round_trip_through_geopandas(items, text):
    back = gpd.read_file(io.StringIO(text))
    assert back.crs.to_epsg() == 4326
    assert_geodataframe_equal(
        conform_items(back), export.export_geometries(items), check_less_precise=True
    )


def test_empty_selection_is_a_valid_collection(items):
    text = export.export_geojson_bytes(items, Filters(year=(1900,))).decode()
    assert json.loads(text) == {"type": "FeatureCollection", "features": []}
    FeatureCollection.model_validate_json(text)


def test_export_bytes_are_the_filtered_geojson(items):
    filters = Filters(zone=("中区",), kind=("project",))
    data = export.export_geojson_bytes(items, filters)
    assert data == export.to_geojson(apply_filters(items, filters)).encode("utf-8")
    assert [f["id"] for f in json.loads(data)["features"]] == ["a2", "a3"]


def test_csv_has_wkt_and_lon_lat(items):
    table = pd.read_csv(io.BytesIO(export.export_csv_bytes(items, Filters())), encoding="utf-8-sig")
    assert list(table.columns) == [*PROPERTIES, "lon", "lat", "geometry"]
    assert table["id"].tolist() == items["id"].tolist()
    row = table.set_index("id").loc["a2"]
    assert (row["lon"], row["lat"]) == (121.409123, 31.207)
    assert row["geometry"] == "POINT (121.409123 31.207)"
    unlocated = table.set_index("id").loc["a9"]
    assert math.isnan(unlocated["lon"]) and pd.isna(unlocated["geometry"])
    polygon = shapely.from_wkt(table.set_index("id").loc["a4", "geometry"])
    assert polygon.contains(shapely.Point(table.set_index("id").loc["a4", ["lon", "lat"]]))


def test_gpkg_round_trip_and_reproducible(items, tmp_path):
    first, second = tmp_path / "a.gpkg", tmp_path / "b.gpkg"
    export.write_gpkg(items, first)
    export.write_gpkg(items, second)
    assert first.read_bytes() == second.read_bytes()
    back = conform_items(gpd.read_file(first, layer="items"))
    assert_geodataframe_equal(back, export.export_geometries(items))
    assert back.geometry.isna().sum() == 2


@pytest.mark.parametrize("writer", sorted(export.WRITERS))
def test_missing_directory_is_a_clear_error(items, tmp_path, writer):
    target = tmp_path / "no" / "such" / "dir" / f"out.{writer}"
    with pytest.raises(export.ExportError, match="does not exist") as err:
        export.WRITERS[writer](items, target)
    assert "\n" not in str(err.value) and str(target) in str(err.value)
    assert not target.exists()


def test_parent_is_a_file(items, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(export.ExportError):
        export.write_geojson(items, blocker / "out.geojson")


@pytest.mark.parametrize(
    "failure",
    [OSError(errno.EACCES, "Permission denied"), OSError(errno.EROFS, "Read-only file system")],
    ids=["EACCES", "EROFS"],
)
def test_read_only_directory(items, tmp_path, monkeypatch, failure):
    """A read-only directory, simulated (root ignores modes, so CI runs it too): the kernel's
    refusal of the temporary file is one clear line, and nothing is created."""
    locked = tmp_path / "locked"
    locked.mkdir()

    def refuse(*args, **kwargs):
        raise failure

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    with pytest.raises(export.ExportError, match=f"cannot write .*: {failure.strerror}$"):
        export.write_geojson(items, locked / "out.geojson")
    assert list(locked.iterdir()) == []


def test_directory_without_write_permission_is_refused(items, tmp_path, monkeypatch):
    """What `os.access` says for a non-root user in a 0o500 directory (simulated)."""
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        atomic.os, "access", lambda p, mode: Path(p) != locked and real_access(p, mode)
    )
    with pytest.raises(export.ExportError, match="is not writable"):
        export.write_geojson(items, locked / "out.geojson")
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize("writer", sorted(export.WRITERS))
def test_failure_mid_write_keeps_the_old_file_and_leaves_no_temp(
    items, tmp_path, writer, monkeypatch
):
    target = tmp_path / f"out.{writer}"
    target.write_bytes(b"old")

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", explode)
    with pytest.raises(export.ExportError, match="No space left"):
        export.WRITERS[writer](items, target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_infer_format():
    assert export.infer_format("x.GeoJSON", None) == "geojson"
    assert export.infer_format("x.csv", None) == "csv"
    assert export.infer_format("x.txt", "gpkg") == "gpkg"
    with pytest.raises(export.ExportError, match="--format"):
        export.infer_format("x.txt", None)


def test_json_value():
    assert export.json_value(np.int64(3)) == 3 and type(export.json_value(np.int64(3))) is int
    assert export.json_value(pd.NA) is None and export.json_value(np.float64("nan")) is None


def test_permission_denied_is_a_clear_error(items, tmp_path, monkeypatch):
    """What a read-only directory does for a non-root user (simulated: root ignores modes)."""

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.tempfile, "mkstemp", denied)
    target = tmp_path / "out.geojson"
    with pytest.raises(export.ExportError, match=r"cannot write .*out\.geojson: Permission denied"):
        export.write_geojson(items, target)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ targets that are not files


def _device(tmp_path: Path) -> Path:
    """A character device node to write onto: a copy of /dev/null's in tmp_path when the
    test may create one (root, as in CI), else /dev/null itself (whose directory a non-root
    user cannot write, so nothing can be replaced either way)."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.stat("/dev/null").st_rdev)
    except PermissionError:
        return Path("/dev/null")
    return node


def _fifo(tmp_path: Path) -> Path:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    return fifo


def _link_to(target: Path, tmp_path: Path) -> Path:
    link = tmp_path / "link.geojson"
    link.symlink_to(target)
    return link


TARGETS = {
    "device": (_device, "a character device"),
    "fifo": (_fifo, "a FIFO"),
    "directory": (lambda t: t, "a directory"),
    "link to a device": (lambda t: _link_to(_device(t), t), "a symlink to a character device"),
    "link to a fifo": (lambda t: _link_to(_fifo(t), t), "a symlink to a FIFO"),
    "link to a directory": (lambda t: _link_to(t, t), "a symlink to a directory"),
    "dangling link": (lambda t: _link_to(t / "nowhere", t), "a symlink to nothing"),
}


def _snapshot(path: Path) -> tuple:
    """What a refused write must leave unchanged: the node's type, inode and link target."""
    st = os.lstat(path)
    target = os.readlink(path) if stat.S_ISLNK(st.st_mode) else None
    return stat.S_IFMT(st.st_mode), st.st_ino, st.st_rdev, target


@pytest.mark.parametrize("writer", sorted(export.WRITERS))
@pytest.mark.parametrize("kind", sorted(TARGETS))
def test_a_target_that_is_not_a_regular_file_is_refused(items, tmp_path, writer, kind):
    make, says = TARGETS[kind]
    target = make(tmp_path)
    before = _snapshot(target)
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(export.ExportError, match=f"cannot write {re.escape(str(target))}: ") as err:
        export.WRITERS[writer](items, target)
    assert says in str(err.value) and "\n" not in str(err.value)
    assert _snapshot(target) == before  # not replaced by a regular file
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no temporary left


@pytest.mark.parametrize("writer", sorted(export.WRITERS))
def test_a_read_only_file_is_refused_even_for_root(items, tmp_path, writer):
    target = tmp_path / f"out.{writer}"
    target.write_bytes(b"keep me")
    target.chmod(0o444)
    with pytest.raises(export.ExportError, match="it is read-only"):
        export.WRITERS[writer](items, target)
    assert target.read_bytes() == b"keep me" and stat.S_IMODE(target.stat().st_mode) == 0o444


def test_a_symlink_to_a_regular_file_is_written_through(items, tmp_path):
    real = tmp_path / "real.geojson"
    real.write_text("old")
    real.chmod(0o640)
    link = _link_to(real, tmp_path)
    export.write_geojson(items, link)
    assert link.is_symlink() and os.readlink(link) == str(real)  # the link stays a link
    assert real.read_text(encoding="utf-8") == export.to_geojson(items)
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # permissions kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.geojson", "real.geojson"]


def test_a_new_file_gets_the_umask_mode_not_the_temporary_files(items, tmp_path):
    mask = os.umask(0o027)
    try:
        path = export.write_geojson(items, tmp_path / "new.geojson")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_fifo_swapped_in_during_the_write_is_not_replaced(items, tmp_path, monkeypatch):
    """The target is checked again just before the rename."""
    target = tmp_path / "out.geojson"
    real_to_geojson = export.to_geojson

    def swap(gdf):
        os.mkfifo(target)
        return real_to_geojson(gdf)

    monkeypatch.setattr(export, "to_geojson", swap)
    with pytest.raises(export.ExportError, match="a FIFO"), export.atomic_path(target) as tmp:
        tmp.write_text(export.to_geojson(items))
    assert stat.S_ISFIFO(os.lstat(target).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.geojson"]


# --------------------------------------------------------------------------- valid geometry


def degenerate_items() -> gpd.GeoDataFrame:
    """Items whose geometry rounding to 6 decimals breaks (as 延安路高架 lost a component)."""
    x, y = 121.45, 31.22
    tiny = 2e-7  # collapses at 6 decimals
    rows = {
        # a line with a component shorter than the grid: "Too few points"
        "d1": shapely.MultiLineString(
            [[(x, y), (x + 0.01, y)], [(x, y + 0.01), (x + tiny, y + 0.01)]]
        ),
        # a polygon with a sliver part that collapses, and a proper one
        "d2": shapely.MultiPolygon(
            [
                shapely.box(x, y, x + 0.01, y + 0.01),
                shapely.box(x + 0.02, y, x + 0.02 + tiny, y + tiny),
            ]
        ),
        # a bow-tie (self-crossing ring): invalid before rounding already
        "d3": shapely.Polygon([(x, y), (x + 0.01, y + 0.01), (x + 0.01, y), (x, y + 0.01)]),
        # a ring whose near-touching vertices meet after rounding
        "d4": shapely.Polygon(
            [(x, y), (x + 0.01, y), (x + 0.005, y + 0.005), (x + 0.0050004, y + 0.0050003),
             (x + 0.01, y + 0.01), (x, y + 0.01)]
        ),
        # a 5 cm line: nothing of dimension 1 survives; a point is left
        "d5": shapely.LineString([(x, y), (x + tiny, y + tiny)]),
    }  # fmt: skip
    base = atlas_fakes.items().iloc[: len(rows)].copy()
    base["id"] = list(rows)
    return base.set_geometry(gpd.GeoSeries(list(rows.values()), index=base.index, crs=base.crs))


def _exported_geometries(gdf: gpd.GeoDataFrame, tmp_path: Path) -> dict[str, list]:
    geojson = [
        None if f["geometry"] is None else shapely.geometry.shape(f["geometry"])
        for f in json.loads(export.to_geojson(gdf))["features"]
    ]
    table = pd.read_csv(io.StringIO(export.to_csv(gdf)))
    csv = [None if pd.isna(w) else shapely.from_wkt(w) for w in table["geometry"]]
    export.write_gpkg(gdf, tmp_path / "x.gpkg")
    gpkg = list(gpd.read_file(tmp_path / "x.gpkg", layer="items").geometry)
    return {"geojson": geojson, "csv": csv, "gpkg": gpkg}


@pytest.mark.parametrize("source", ["fixture", "degenerate", "committed atlas"])
def test_every_exported_geometry_is_valid(source, items, tmp_path):
    if source == "committed atlas":
        gdf = read.read_items(Path(__file__).resolve().parents[3] / "data" / "atlas.gpkg")
    else:
        gdf = items if source == "fixture" else degenerate_items()
    located = int((~(gdf.geometry.isna() | gdf.geometry.is_empty)).sum())
    for fmt, geoms in _exported_geometries(gdf, tmp_path).items():
        present = [g for g in geoms if g is not None and not g.is_empty]
        assert len(present) == located, fmt  # repaired, never dropped
        invalid = [shapely.is_valid_reason(g) for g in present if not g.is_valid]
        assert invalid == [], fmt


def test_repair_drops_only_the_collapsed_parts():
    frame = degenerate_items()
    fixed = dict(zip(frame["id"], export.rfc7946_geometries(frame.geometry), strict=True))
    assert fixed["d1"].geom_type == "LineString" and fixed["d1"].length == pytest.approx(0.01)
    assert fixed["d2"].geom_type == "Polygon" and fixed["d2"].area == pytest.approx(1e-4)
    assert fixed["d3"].geom_type == "MultiPolygon" and fixed["d3"].area == pytest.approx(5e-5)
    assert fixed["d4"].geom_type in ("Polygon", "MultiPolygon") and fixed["d4"].area > 0
    assert fixed["d5"].geom_type == "Point"
    for geom in fixed.values():
        coords = shapely.get_coordinates(geom)
        assert np.array_equal(coords, np.round(coords, 6))


# --------------------------------------------------------------------------- CSV injection

FORMULAS = ['=HYPERLINK("http://example.invalid","点击")', "+1+1", "-2+3", "@SUM(A1)",
            "\tTAB", "\rCR"]  # fmt: skip


def _with_formulas(items: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = items.copy()
    frame.loc[frame.index[: len(FORMULAS)], "doc_title"] = FORMULAS
    frame.loc[frame.index[0], "name"] = "=1+2"
    frame.loc[frame.index[1], "quote"] = "安全的文本 = 不是公式"
    return frame


def test_csv_cells_that_start_a_formula_are_neutralised(items):
    frame = _with_formulas(items)
    table = pd.read_csv(io.BytesIO(export.export_csv_bytes(frame, Filters())), encoding="utf-8-sig",
                        keep_default_na=False)  # fmt: skip
    assert table["doc_title"].tolist()[: len(FORMULAS)] == ["'" + f for f in FORMULAS]
    assert table["name"].iloc[0] == "'=1+2"
    assert table["quote"].iloc[1] == "安全的文本 = 不是公式"  # only the first character counts
    assert table["doc_title"].iloc[len(FORMULAS)] == frame["doc_title"].iloc[len(FORMULAS)]
    assert table["year"].tolist() == frame["year"].tolist()  # numbers untouched
    assert not any(str(cell).startswith(("=", "+", "-", "@")) for cell in table.to_numpy().ravel())


def test_geojson_and_gpkg_keep_the_text_as_is(items, tmp_path):
    frame = _with_formulas(items)
    doc = json.loads(export.to_geojson(frame))
    assert [f["properties"]["doc_title"] for f in doc["features"]][: len(FORMULAS)] == FORMULAS
    export.write_gpkg(frame, tmp_path / "x.gpkg")
    back = gpd.read_file(tmp_path / "x.gpkg", layer="items")
    assert back["doc_title"].tolist()[: len(FORMULAS)] == FORMULAS
