"""Jing'an Atlas — the explorer page: `streamlit run app.py` (what `make run` starts).

Thin on purpose: load the atlas (cached, through `geo.export.read_atlas`), turn the sidebar into
a `geo.filters.Filters`, apply the one shared filter, and draw the map (Folium layers through
streamlit-folium, `mapview.atlasmap`), table, charts, the items not on the map and the
downloads. The map's data goes to the browser once per atlas version (a static file); a rerun
sends only the selection; a click on the map reruns only the map and its details
(`st.fragment`). `ATLAS_PATH` points the page at another atlas (the tests use fixtures).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from atlas.errors import AtlasError
from atlas.settings import Settings
from geo import EXPORTERS, atlas_stamp, filter_vocabulary, read_atlas, shown
from geo import filters as flt
from geo.io.sanity import notes_of
from mapview import charts, panels, threadmap, timeline, upload
from mapview.assets import Assets, served_assets, static_base_url
from mapview.atlasmap import build_map, clicked_item, show_map
from mapview.basemaps import BASEMAPS, offline_label
from mapview.payload import draw_reasons, has_roads_and_water, map_data, present_layers

#: read on every run (not once per process), so ATLAS_PATH set after start-up takes effect;
#: a GeoPackage path or a postgresql:// URL (geo.store: read-only, see the README)
_settings = Settings.from_env()
ATLAS_PATH = _settings.atlas_path
#: the gazetteer geocodes uploaded reports (mapview.upload); the map itself never reads it
GAZETTEER_PATH = Path(_settings.gazetteer_path)
#: The table leads with what a planner reads first; the id comes last.
TABLE_COLUMNS = [
    "name", "kind", "year", "status", "subdistrict", "category", "period", "zone",
    "location", "precision", "method", "doc_title", "id",
]  # fmt: skip
TABLE_LABELS = {"subdistrict": "街道", "doc_title": "document"}
#: Rows shown in the table at most (the downloads hold every row of the selection).
TABLE_ROWS = 5_000
#: format → (label, file extension, MIME type) of the download buttons.
DOWNLOADS = {
    "geojson": ("GeoJSON", "geojson", "application/geo+json"),
    "csv": ("CSV", "csv", "text/csv"),
    "gpkg": ("GeoPackage", "gpkg", "application/geopackage+sqlite3"),
}


def _stamp(path: Path) -> float:
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
def choices_of(path: str, stamp: str) -> dict[str, list]:
    """The sidebar's choices, once per atlas version (not a column scan per rerun)."""
    layers = load_layers(path, stamp)
    return panels.filter_choices(layers["items"], filter_vocabulary(layers))


@st.cache_resource(show_spinner=False, max_entries=2)
def offline_of(path: str, stamp: str) -> str:
    """The offline basemap's label: only the reference lines this atlas can draw."""
    return offline_label(*has_roads_and_water(load_layers(path, stamp)))


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


def selection_bytes(fmt: str, path: str, stamp: str, filters: flt.Filters) -> bytes:
    """The selection as `python -m geo export --format FMT` writes it (the same function).
    Bound with `functools.partial` as a download button's `data`, it runs only when the user
    clicks, not on every rerun."""
    return EXPORTERS[fmt](load_layers(path, stamp)["items"], filters)


def downloads(path: str, stamp: str, filters: flt.Filters) -> None:
    bar = st.sidebar
    bar.header("Download the selection")
    for fmt, (label, extension, mime) in DOWNLOADS.items():
        bar.download_button(
            label,
            functools.partial(selection_bytes, fmt, path, stamp, filters),
            f"jingan-atlas.{extension}",
            mime,
            key=f"dl_{extension}",
            on_click="ignore",
        )
    bar.caption("The same files from the command line (`.gpkg` or `.csv` for the others):")
    bar.code(panels.cli_command(filters), language="bash", wrap_lines=True)


def table_focus(table: pd.DataFrame, key: str) -> None:
    """A new table row selection selects that item and asks the map to zoom to it."""
    state = st.session_state.get(key)
    rows = list(state["selection"]["rows"]) if state else []
    if rows and rows != st.session_state.get("_table_rows") and rows[0] < len(table):
        chosen = str(table["id"].iloc[rows[0]])
        st.session_state[panels.SELECTED] = chosen
        st.session_state["_reveal"] = st.session_state.get("_reveal", 0) + 1
    st.session_state["_table_rows"] = rows


@dataclass(frozen=True)
class View:
    """What the map and its details panel show for the current filters."""

    layers: dict[str, gpd.GeoDataFrame]
    keep: np.ndarray
    filters: flt.Filters
    basemap: str
    assets: Assets
    url: str
    present: tuple[str, ...]
    user: list[upload.UserLayer]
    threads: gpd.GeoDataFrame | None


@st.fragment
def explore(view: View) -> None:
    """The map and the details panel: a click on the map reruns only them (the table, charts,
    lists and downloads do not change with the selected item)."""
    items = view.layers["items"]
    clicked = clicked_item()
    if clicked:
        st.session_state[panels.SELECTED] = clicked
    atlas_map = build_map(
        items,
        selection=view.keep,
        filters=view.filters,
        basemap=view.basemap,
        assets=view.assets,
        data_url=view.url,
        present=view.present,
        user_layers=[(layer.label, layer.result.drawable) for layer in view.user],
        threads=view.threads,
        selected=st.session_state.get(panels.SELECTED),
        reveal=st.session_state.get("_reveal", 0),
    )
    map_col, detail_col = st.columns([5, 2])
    with map_col:
        show_map(atlas_map)
    with detail_col:
        chosen = upload.lookup(items, view.user, st.session_state.get(panels.SELECTED))
        if len(chosen):
            panels.item_details(chosen.iloc[0].to_dict())
            timeline.render_thread(items, view.layers["threads"], chosen.iloc[0].to_dict())
        else:
            st.caption("Click a feature on the map or a row of the table to read its source.")


def main() -> None:
    st.set_page_config(page_title="Jing'an Atlas 静安图志", page_icon="🗺️", layout="wide")
    path = str(ATLAS_PATH)
    try:  # file modification time, or the last PostGIS build: a new atlas is reloaded
        stamp = atlas_stamp(path)
        if stamp is None:
            st.error(
                f"No atlas at {shown(path)}. Build it with `make build` (python -m geo build)."
            )
            st.stop()
        layers = load_layers(path, stamp)
    except AtlasError as exc:  # one line naming the file and what is wrong; no traceback
        st.error(f"The atlas cannot be opened — {exc}. Rebuild it with `make build`.")
        st.stop()
    for note in notes_of(layers):  # rows the reader unlocated, names it cut (geo.io.sanity)
        st.warning(panels.md_escape(note))
    items = layers["items"]

    filters, basemap = panels.sidebar(choices_of(path, stamp), offline_of(path, stamp))
    filters = replace(filters, outcome=timeline.outcome_filter(items))  # issue 12
    show_threads = timeline.threads_toggle()
    reports = upload.sidebar(GAZETTEER_PATH, _stamp(GAZETTEER_PATH), f"{path}:{stamp}", layers)
    user = upload.user_layers(reports, filters)  # issue 13: uploaded reports, filtered
    keep = flt.mask(items, filters).to_numpy()
    selection = items[keep]
    reasons = reasons_of(path, stamp)[keep]
    off_map = selection[(reasons != "").to_numpy()].assign(reason=reasons[reasons != ""])

    st.title("Jing'an Atlas 静安图志")
    st.caption(
        "What the reports of Jing'an District promise and build — every feature links to the "
        "sentence it comes from. Boundaries, roads and places © OpenStreetMap contributors (ODbL)."
    )
    count = panels.count_line(len(selection), len(off_map), len(items))
    st.sidebar.markdown(count)
    st.markdown(count)

    table_key = f"table-{st.session_state.get(panels.TABLE_GENERATION, 0)}"
    table = selection.reindex(columns=TABLE_COLUMNS).head(TABLE_ROWS)
    table_focus(table, table_key)

    assets = served_assets(static_base_url(st.get_option("server.baseUrlPath")))
    gcj02 = BASEMAPS[basemap].gcj02
    url = (
        assets.data_url(map_text(path, stamp, gcj02))
        if assets.media
        else map_url(path, stamp, gcj02, assets)
    )
    threads = None
    if show_threads:  # one feature per thread instead of one per mention
        threads = threadmap.thread_items(threadmap.thread_features(layers["threads"], selection))
    explore(
        View(layers, keep, filters, basemap, assets, url, present_of(path, stamp), user, threads)
    )

    table_tab, chart_tab, off_tab = st.tabs(["Table", "Charts", f"Not on the map ({len(off_map)})"])
    with table_tab:
        if len(selection) > TABLE_ROWS:
            st.caption(f"The first {TABLE_ROWS:,} of {len(selection):,} rows; downloads hold all.")
        st.dataframe(
            pd.DataFrame(table).rename(columns=TABLE_LABELS),
            hide_index=True,
            key=table_key,
            on_select="rerun",
            selection_mode="single-row",
        )
    with chart_tab:
        left, right = st.columns(2)
        left.altair_chart(charts.year_kind_chart(selection), width="stretch")
        right.altair_chart(charts.status_year_chart(selection), width="stretch")
        by = st.radio(
            "Count by", ["subdistrict", "zone"], horizontal=True, key="chart_by",
            format_func=lambda b: "街道" if b == "subdistrict" else "functional zone",
        )  # fmt: skip
        st.altair_chart(charts.area_kind_chart(selection, by), width="stretch")
        left, right = st.columns(2)
        left.altair_chart(charts.plan_outcome_chart(selection, "year"), width="stretch")
        right.altair_chart(charts.plan_outcome_chart(selection, "zone"), width="stretch")
    with off_tab:
        panels.not_drawn_list(off_map)
    upload.report_panels(user, filters, TABLE_COLUMNS)
    downloads(path, stamp, filters)


main()
