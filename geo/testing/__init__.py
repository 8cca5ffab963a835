"""Test helpers shipped for tests and benchmarks, never imported by the runtime.

The factory of synthetic layers (`fakes`: `frame`, `items_frame`, `write_layers`, `geojson_*`)
and, built with it, the fake worlds the tests share, each imported on its own: `atlas` (a
2 km district, its roads and a dozen items, a `FakeGeocoder`), `gazetteer` (a small gazetteer
with real names on invented shapes), `geodata` (tiny copies of the source files, for the
gazetteer build) and `page` (the app's atlas, with hostile strings). `assert_items_equal`
compares items layers as readers see them. Servers: a local Nominatim (`nominatim`) and a
throw-away PostgreSQL + PostGIS (`localpg`)."""

from __future__ import annotations

from geo.testing.asserts import assert_items_equal
from geo.testing.fakes import (
    frame,
    geojson_collection,
    geojson_feature,
    geojson_point,
    geojson_square,
    items_frame,
    write_layers,
)
from geo.testing.nominatim import (
    ACTIONS,
    LocalNominatim,
    nominatim_place,
)

__all__ = [
    "ACTIONS",
    "LocalNominatim",
    "assert_items_equal",
    "frame",
    "geojson_collection",
    "geojson_feature",
    "geojson_point",
    "geojson_square",
    "items_frame",
    "nominatim_place",
    "write_layers",
]
