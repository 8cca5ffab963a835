"""The explorer's presentation layer: the Folium map, its item layer plugin, offline assets,
basemaps, labels, charts and panels.

`atlasmap.build_map` is the one-call API: the atlas' items and layers in, an `AtlasMap` out
(a `folium.Map` plus the small per-rerun part), drawn on the page by `atlasmap.show_map`
through streamlit-folium. Modules: `atlasmap` (the map as Folium objects), `plugin` (the item
layer `AtlasItems` and the legend; its script is `static/atlas_items.js`), `payload` (pure:
items and reference layers → the static data file, selections as bitmaps), `labels` (every
word the map shows), `assets` (Leaflet from the installed xstatic packages, published files),
`basemaps`, `style`, `charts`, `panels`, `timeline`, `threadmap`, `upload`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from atlas.lazy import exports

if TYPE_CHECKING:  # imported on first use (atlas.lazy): `mapview.i18n` alone needs no folium
    from mapview.atlasmap import AtlasMap, Focus, build_map, publish_data, show_map

__all__ = ["AtlasMap", "Focus", "build_map", "publish_data", "show_map"]

if not TYPE_CHECKING:
    __getattr__, __dir__ = exports(__name__, __file__)
