"""Fixtures of the PostGIS store tests: a fresh schema per test, an atlas GeoPackage with
hostile strings and every optional layer, and that atlas published once per module."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import psycopg
import pytest
from shapely.geometry import LineString, Point

from geo.io import store
from geo.io.export import write_gpkg_layers
from geo.io.read import read_atlas
from geo.testing.localpg import LocalPostgres
from tests.worlds import atlas as atlas_fakes

EVIL = "O'Brien\"s; '); DROP TABLE items; -- 路"


_counter = iter(range(10**6))


@pytest.fixture
def url(pg: LocalPostgres) -> str:
    """A fresh schema per test (name with a capital and a space: identifiers are quoted)."""
    return pg.url() + f"&schema=Atlas {next(_counter)}"


def fake_items() -> gpd.GeoDataFrame:
    items = atlas_fakes.items()
    items.loc[0, "name"] = EVIL
    items.loc[1, "quote"] = "Park AND park; 'quoted' \"double\" \\ back"
    items.loc[2, "name"] = "İstanbul KELVIN \u212a 路"
    return items


def extra_layers() -> dict[str, gpd.GeoDataFrame]:
    """The layers other branches add (roads, water, threads) in their likely shapes."""
    roads = atlas_fakes.roads()
    water = gpd.GeoDataFrame({"name": [], "kind": []}, geometry=[], crs="EPSG:4326")
    threads = gpd.GeoDataFrame(
        {"id": ["t1", "t2"], "name": [EVIL, "乙"], "items": [2, 3], "share": [0.5, None]},
        geometry=[Point(121.41, 31.21), LineString([(121.40, 31.20), (121.41, 31.21)])],
        crs="EPSG:4326",
    )
    return {"roads": roads, "water": water, "threads": threads}


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "atlas.gpkg"
    layers = {
        "items": fake_items(),
        "subdistricts": atlas_fakes.subdistricts(),
        "zones": atlas_fakes.zones(),
        "district": atlas_fakes.district(),
        **extra_layers(),
    }
    return write_gpkg_layers(layers, path)


def gpkg_layers(path: Path) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of the file as the GeoPackage reader gives it (items via read_atlas)."""
    layers = read_atlas(path)
    for name in extra_layers():
        layers.setdefault(name, gpd.read_file(path, layer=name))
    return layers


def query(url: str, statement: str, *params: object) -> list[tuple]:
    conninfo, _ = store.split_url(url)
    with psycopg.connect(conninfo) as conn:
        return conn.execute(statement, params or None).fetchall()  # type: ignore[arg-type]


def schema_of(url: str) -> str:
    return store.split_url(url)[1]


@pytest.fixture(scope="module")
def published(pg: LocalPostgres, gpkg: Path) -> str:
    """The atlas published to schema `filters` (the read-only role's grants are on it)."""
    target = pg.url() + "&schema=filters"
    store.publish(gpkg_layers(gpkg), target)
    return target
