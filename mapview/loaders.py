"""What the page reads and derives once per atlas version, shared read-only by every session.

Each loader is an `st.cache_resource` keyed by the atlas location and its stamp
(`geo.atlas_stamp`: file modification time, or the last PostGIS build), so a rebuilt atlas is
read again and nothing else is. They live in a module, not in the page script, so that the
server launcher (`mapview.serve`) can fill the same caches before the first visitor comes:
Streamlit keys a cached function by its module, name and source, and the page script runs as
`__main__`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import atlas_stamp, filter_vocabulary, read_atlas, to_metric
from mapview import panels
from mapview.assets import Assets
from mapview.basemaps import BASEMAPS, DEFAULT_BASEMAP, offline_label
from mapview.i18n import LANGS
from mapview.payload import draw_reasons, has_roads_and_water, map_data, present_layers

if TYPE_CHECKING:
    from geo import AtlasGeocoder


def file_stamp(path: Path) -> float:
    """Modification time: part of the upload cache key, so a rebuilt gazetteer is reloaded."""
    return path.stat().st_mtime if path.exists() else -1.0


@st.cache_resource(show_spinner="Loading the atlas…", max_entries=2)
def load_layers(path: str, stamp: str) -> dict[str, gpd.GeoDataFrame]:
    """The atlas layers, read once per file version and shared read-only by all sessions."""
    return read_atlas(path)


@st.cache_resource(show_spinner=False, max_entries=2)
def reasons_of(path: str, stamp: str) -> pd.Series:
    """Why each item cannot be drawn ("" when it can), once per atlas version."""
    return draw_reasons(load_layers(path, stamp)["items"])


@st.cache_resource(show_spinner=False, max_entries=2)
def choices_of(path: str, stamp: str) -> dict[str, list[Any]]:
    """The filters' choices, once per atlas version (not a column scan per rerun)."""
    layers = load_layers(path, stamp)
    return panels.filter_choices(layers["items"], filter_vocabulary(layers))


@st.cache_resource(show_spinner=False, max_entries=4)
def offline_of(path: str, stamp: str, lang: str) -> str:
    """The offline basemap's label: only the reference lines this atlas can draw."""
    return offline_label(*has_roads_and_water(load_layers(path, stamp)), lang=lang)


@st.cache_resource(show_spinner=False, max_entries=2)
def metric_items(path: str, stamp: str) -> gpd.GeoDataFrame:
    """The items in the metric CRS, projected once per atlas version ("near here")."""
    return to_metric(load_layers(path, stamp)["items"])


@st.cache_resource(show_spinner=False, max_entries=2)
def geocoder_of(gazetteer_path: str, gazetteer_stamp: float) -> AtlasGeocoder:
    """The project's own offline geocoder over the shipped gazetteer, once per file version
    (imported here: geopy and the gazetteer load with the first "near here", not at start)."""
    from geo import AtlasGeocoder, load_gazetteer

    return AtlasGeocoder(load_gazetteer(gazetteer_path))


@st.cache_resource(show_spinner="Preparing the map…", max_entries=4)
def map_text(path: str, stamp: str, gcj02: bool) -> str:
    """The map's data file (every item + reference layers), once per atlas version and datum."""
    layers = load_layers(path, stamp)
    return map_data(layers["items"], layers, gcj02=gcj02)


@st.cache_resource(show_spinner=False, max_entries=4)
def map_url(path: str, stamp: str, gcj02: bool, assets: Assets) -> str:
    """URL of the published data file; browsers fetch it once and keep it between reruns.
    (Served from memory instead, the file is registered again on every rerun.)"""
    return assets.data_url(map_text(path, stamp, gcj02))


@st.cache_resource(show_spinner=False, max_entries=2)
def present_of(path: str, stamp: str) -> tuple[str, ...]:
    """The reference layers this atlas can draw."""
    return present_layers(load_layers(path, stamp))


def warm(path: str, assets: Assets) -> str | None:
    """Fill the caches a first view reads (every language's labels, the default basemap's data
    file, published), so the first visitor finds them as the second does. Returns the stamp,
    or None when there is no atlas at `path` (the page then says so itself)."""
    stamp = atlas_stamp(path)
    if stamp is None:
        return None
    reasons_of(path, stamp)
    choices_of(path, stamp)
    present_of(path, stamp)
    for lang in LANGS:
        offline_of(path, stamp, lang)
    map_url(path, stamp, BASEMAPS[DEFAULT_BASEMAP].gcj02, assets)
    return stamp
