"""Test helpers shipped for tests and benchmarks, never imported by the runtime.

The factory of synthetic layers (`fakes`: `frame`, `items_frame`, `write_layers`, `geojson_*`),
`assert_items_equal` (items layers compared as readers see them) and the servers: a local
Nominatim (`nominatim`) and a throw-away PostgreSQL + PostGIS (`localpg`). The fake worlds
built with the factory (invented coordinates) live with the tests, in `tests/worlds/`."""

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
