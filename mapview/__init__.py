"""The explorer's presentation layer: the map component, offline assets, basemaps, charts, panels.

`build_map` is the one-call API: the atlas' items and layers in, the map component's arguments
out (`mapview.component.MapArgs`, drawn by `mapview.component.atlas_map`). The app calls the
steps separately so that it can cache the data file per atlas version.

Modules: `payload` (pure: items and reference layers → the JSON the browser draws, selections
as bitmaps), `component` (the Streamlit component and its static frontend in `frontend/`),
`assets` (Leaflet from the installed xstatic packages), `basemaps`, `style`, `charts`, `panels`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np

from geo import filters as flt
from mapview.assets import Assets, install_static
from mapview.basemaps import DEFAULT_BASEMAP, get_basemap
from mapview.component import MapArgs, atlas_map, publish
from mapview.payload import map_data, selection_bits, user_payload


def data_url(
    items: gpd.GeoDataFrame,
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    gcj02: bool = False,
    assets: Assets | None = None,
) -> str:
    """Publish the map's data file for `items` over `layers`; its URL on the app's server."""
    install_static()
    relative = publish(map_data(items, layers, gcj02=gcj02))
    return f"{(assets or Assets()).base_url.rstrip('/')}/{relative}"


def build_map(
    items: gpd.GeoDataFrame,
    layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    filters: flt.Filters | None = None,
    selection: np.ndarray | None = None,
    user_layers: Sequence[tuple[str, gpd.GeoDataFrame]] = (),
    basemap: str = DEFAULT_BASEMAP,
    assets: Assets | None = None,
    focus: dict | None = None,
    url: str | None = None,
    overlays: Sequence[tuple[str, gpd.GeoDataFrame]] = (),
) -> MapArgs:
    """The map of `items` (the whole atlas) with `filters` (or a boolean `selection` over the
    rows) applied, over the reference `layers`, with `user_layers` ((label, items) pairs, e.g.
    uploaded reports) drawn on top as "your report: <label>", filtered like the atlas.

    `url`: an already published data file for these items (the app caches it); `overlays`:
    more (label, items) layers drawn on top under their own label (e.g. the threads mode)."""
    base = get_basemap(basemap)
    assets = assets or Assets()
    filters = filters or flt.Filters()
    if selection is None:
        selection = flt.mask(items, filters).to_numpy()
    bits = selection_bits(selection)
    user = [(label, flt.apply_filters(frame, filters)) for label, frame in user_layers]
    return MapArgs(
        data_url=url or data_url(items, layers or {}, gcj02=base.gcj02, assets=assets),
        selection=bits,
        selection_id=hashlib.sha256(bits.encode()).hexdigest()[:12],
        basemap=base,
        assets=assets,
        focus=focus,
        user=user_payload(user, gcj02=base.gcj02)
        + user_payload(overlays, gcj02=base.gcj02, prefix=""),
    )


__all__ = ["MapArgs", "atlas_map", "build_map", "data_url"]
