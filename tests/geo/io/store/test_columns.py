"""A layer's columns in SQL (`geo.io.store.columns`): types, keys, GiST indexes and registered
geometry in a real PostGIS, and the ids and COPY values computed before it."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from atlas.errors import DataError
from geo.io import store
from geo.io.store.columns import copy_values, ewkb

from .conftest import gpkg_layers, query, schema_of


def test_tables_have_types_keys_indexes_and_registered_geometry(gpkg, url):
    store.publish(gpkg_layers(gpkg), url, commit="abc123")
    schema = schema_of(url)
    types = dict(
        query(
            url,
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = 'items'",
            schema,
        )
    )
    assert {types[c] for c in ("year", "start", "end", "precision")} == {"integer"}
    assert types["name"] == "text" and types["id"] == "text"
    registered = query(
        url,
        "SELECT f_table_name, f_geometry_column, srid, type FROM geometry_columns "
        "WHERE f_table_schema = %s ORDER BY 1",
        schema,
    )
    assert {r[0] for r in registered} == {
        "items", "subdistricts", "zones", "district", "roads", "water", "threads"
    }  # fmt: skip
    assert {r[2] for r in registered} == {4326}
    assert ("district", "geometry", 4326, "POLYGON") in registered
    gist = query(
        url, "SELECT tablename FROM pg_indexes WHERE schemaname = %s AND indexdef ~ 'gist'", schema
    )
    assert len(gist) == len(registered)
    keys = query(
        url,
        "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name) "
        "WHERE tc.table_schema = %s AND tc.constraint_type = 'PRIMARY KEY'",
        schema,
    )
    assert {(t, c) for t, c in keys if t != "layers"} == {(r[0], "id") for r in registered} | {
        ("builds", "id")
    }
    (commit, counts), = query(
        url, f'SELECT source_commit, counts FROM "{schema}".builds'
    )  # fmt: skip
    assert commit == "abc123"
    assert counts["kinds"]["project"] == 5 and counts["kinds"]["road"] == 1
    assert counts["layers"]["items"] == 12


def test_stable_ids_follow_source_and_name_not_row_position():
    frame = pd.DataFrame({"source": ["osm", "osm", "osm"], "name": ["甲", "乙", "甲"]})
    ids = store.stable_ids("zones", frame)
    assert ids[0] != ids[1] and ids[2] == ids[0] + "-2"  # a repeat keeps its first id + -2
    assert store.stable_ids("zones", frame.iloc[[1, 0]]) == [ids[1], ids[0]]


def test_geometry_type_is_one_type_or_geometry():
    points = gpd.GeoSeries([Point(0, 0), None, Point(1, 1)])
    assert store.geometry_type(points) == "Point"
    assert store.geometry_type(gpd.GeoSeries([Point(0, 0), Point(0, 0).buffer(1)])) == "Geometry"


def test_copy_values_are_python_values_and_missing_is_none():
    assert copy_values(pd.Series([1, None], dtype="Int64")) == [1, None]
    assert copy_values(pd.Series([0.5, np.nan])) == [0.5, None]
    assert copy_values(pd.Series(["路", None], dtype=object)) == ["路", None]
    with pytest.raises(DataError, match="cannot store values of type"):
        copy_values(pd.Series([{"a": 1}], dtype=object, name="bad"))
    hexed = ewkb(gpd.GeoSeries([Point(121.4, 31.2), None], crs="EPSG:4326"))
    assert hexed[1] is None and hexed[0].startswith("0101000020E6100000")  # SRID 4326
