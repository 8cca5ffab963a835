"""The explorer's presentation layer: the Folium map, offline Leaflet assets, basemaps, charts.

`build_map` is the one-call API (GeoDataFrames in, `folium.Map` out); the app calls the two
steps in `mapview.layers` separately so that it can cache the payload per filter state.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd

from mapview.assets import Assets
from mapview.basemaps import BASEMAPS, DEFAULT_BASEMAP
from mapview.layers import Reference, assemble_map, items_payload, reference_payload


def _frame(gdf: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[], crs="EPSG:4326") if gdf is None else gdf


def build_map(
    items: gpd.GeoDataFrame,
    subdistricts: gpd.GeoDataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
    district: gpd.GeoDataFrame | None = None,
    roads: gpd.GeoDataFrame | None = None,
    basemap: str = DEFAULT_BASEMAP,
    assets: Assets | None = None,
    user_layers: Sequence[tuple[str, gpd.GeoDataFrame]] = (),
) -> folium.Map:
    """The app's map of `items` (already filtered) over the reference layers, with the
    reports a user brought (`user_layers`: label, items — filtered like the atlas) on top."""
    gcj02 = BASEMAPS[basemap].gcj02
    reference = Reference(_frame(district), _frame(subdistricts), _frame(zones), _frame(roads))
    return assemble_map(
        items_payload(items, gcj02=gcj02),
        reference_payload(reference, gcj02=gcj02),
        basemap,
        assets,
        [(label, items_payload(frame, gcj02=gcj02)) for label, frame in user_layers],
    )


__all__ = ["build_map"]
