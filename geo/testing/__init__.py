"""Test helpers shipped for tests and benchmarks, never imported by the runtime: synthetic data
(`fakes`), a local Nominatim (`nominatim`) and a throw-away PostgreSQL + PostGIS
(`localpg`, imported on its own)."""

from __future__ import annotations

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
    "frame",
    "geojson_collection",
    "geojson_feature",
    "geojson_point",
    "geojson_square",
    "items_frame",
    "nominatim_place",
    "write_layers",
]
