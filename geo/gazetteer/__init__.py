"""Stage 1, the gazetteer: read the open geodata (`sources`, `osm`), shape places, roads and
zones (`places`, `roads`, `zones`), apply aliases (`aliases`), list what the sources lack
(`missing`), and write / load `data/gazetteer.gpkg` (`build`)."""

from __future__ import annotations

from geo.gazetteer.build import (
    LAYERS,
    Gazetteer,
    GazetteerBuild,
    GazetteerError,
    build_gazetteer,
    load_gazetteer,
    read_layers,
    write_gazetteer,
)

__all__ = [
    "LAYERS",
    "Gazetteer",
    "GazetteerBuild",
    "GazetteerError",
    "build_gazetteer",
    "load_gazetteer",
    "read_layers",
    "write_gazetteer",
]
