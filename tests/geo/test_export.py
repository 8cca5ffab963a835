"""`geo.export`: RFC 7946 GeoJSON, CSV and GeoPackage, atomic writes."""

from __future__ import annotations

import io
import itertools
import json
import math
import os
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geojson_pydantic import FeatureCollection

from geo import export
from geo.filters import Filters, apply_filters
from geo.schema import ITEM_COLUMNS
from tests.geo import atlas_fakes

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
    assert back["id"].tolist() == items["id"].tolist()
    assert back["zone"].fillna("-").tolist() == items["zone"].fillna("-").tolist()
    assert back["year"].tolist() == items["year"].tolist()
    for got, want in zip(back.geometry, items.geometry, strict=True):
        if want is None:
            assert got is None or got.is_empty
        else:
            assert shapely.equals_exact(got.normalize(), want.normalize(), tolerance=1e-6)


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
    back = gpd.read_file(first, layer="items")
    assert back["id"].tolist() == items["id"].tolist()
    assert back.geometry.isna().sum() == items.geometry.isna().sum() == 2


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


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores modes")
def test_read_only_directory(items, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(export.ExportError, match="cannot write"):
            export.write_geojson(items, locked / "out.geojson")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("writer", sorted(export.WRITERS))
def test_failure_mid_write_keeps_the_old_file_and_leaves_no_temp(
    items, tmp_path, writer, monkeypatch
):
    target = tmp_path / f"out.{writer}"
    target.write_bytes(b"old")

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "replace", explode)
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

    monkeypatch.setattr(export.tempfile, "mkstemp", denied)
    target = tmp_path / "out.geojson"
    with pytest.raises(export.ExportError, match=r"cannot write .*out\.geojson: Permission denied"):
        export.write_geojson(items, target)
    assert list(tmp_path.iterdir()) == []
