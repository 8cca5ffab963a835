"""Settings are read when code runs, not copied when it is imported: a `settings.override` of
the CRS, the district or the atlas path reaches modules imported long before it (issue 19)."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from atlas.settings import settings
from geo import cli as geo_cli
from geo.crs import geometry_from_metric, geometry_to_metric
from geo.gazetteer import sources
from geo.io.read import read_atlas
from geo.schema import conform_items
from geo.threads.names import name_key
from tests.worlds.page import items_frame, write_atlas, write_gazetteer


def test_the_stored_crs_is_read_when_a_frame_is_conformed():
    frame = gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(121.45, 31.23)], crs="EPSG:4326")
    assert conform_items(frame).crs == "EPSG:4326"
    with settings.override(crs="EPSG:3857"):
        moved = conform_items(frame)
        assert moved.crs == "EPSG:3857"
        assert moved.geometry.iloc[0].x == pytest.approx(6378137 * math.radians(121.45))  # metres
        assert sources.frame([], ()).crs == "EPSG:3857"  # the gazetteer's sources too
    assert conform_items(frame).crs == "EPSG:4326"


def test_the_metric_crs_is_read_when_a_geometry_is_projected():
    point = Point(121.45, 31.23)
    utm51 = geometry_to_metric(point)
    with settings.override(metric_crs="EPSG:32650"):  # UTM 50N: the same place, other metres
        utm50 = geometry_to_metric(point)
        assert geometry_from_metric(utm50).distance(point) < 1e-9
    assert utm50.x - utm51.x > 500_000  # 121.45°E lies far east of zone 50's meridian
    assert geometry_to_metric(point).equals(utm51)


def test_the_district_is_read_when_a_name_is_keyed():
    assert name_key("黄浦区外滩公园") != name_key("外滩公园")  # cached with 静安区 as district
    with settings.override(district="黄浦区"):
        assert name_key("黄浦区外滩公园") == name_key("外滩公园")
    assert name_key("静安区雕塑公园") == name_key("雕塑公园")


def test_the_atlas_path_is_read_when_a_command_runs(tmp_path: Path, capsys):
    atlas = write_atlas(tmp_path / "atlas.gpkg")
    assert geo_cli.main(["summary", "--atlas", str(atlas)]) == 0
    named = capsys.readouterr().out
    assert geo_cli.main(["summary"]) == 1  # the test's own settings: no atlas there
    assert "cannot read atlas" in capsys.readouterr().err
    with settings.override(atlas_path=str(atlas)):
        assert len(read_atlas()["items"]) == len(items_frame())
        assert geo_cli.main(["summary"]) == 0  # no --atlas: the override's
    assert capsys.readouterr().out == named


def test_the_page_reads_the_atlas_path_of_an_override(tmp_path: Path, monkeypatch):
    """The page re-reads its settings every run: an override holds when the environment sets
    no ATLAS_PATH, and the environment's still points a started server elsewhere."""
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    atlas = write_atlas(tmp_path / "atlas.gpkg")
    gazetteer = write_gazetteer(tmp_path / "gazetteer.gpkg")
    monkeypatch.delenv("ATLAS_PATH", raising=False)
    monkeypatch.delenv("GAZETTEER_PATH", raising=False)
    with settings.override(atlas_path=str(atlas), gazetteer_path=gazetteer):
        assert settings.with_env_paths().atlas_path == str(atlas)
        assert settings.with_env_paths({"ATLAS_PATH": "x.gpkg"}).atlas_path == "x.gpkg"
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
        assert not at.exception, at.exception
        count = next(m.value for m in at.markdown if "items match" in m.value)
    assert str(len(items_frame())) in count
