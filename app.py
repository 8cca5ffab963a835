"""Jing'an Atlas — the explorer page: `streamlit run app.py` (what `make run` starts).

Thin on purpose: load the atlas (cached), turn the sidebar into a `geo.filters.Filters`, apply
the one shared filter, and draw the map (mapview), table, charts, unlocated list and downloads.
`ATLAS_PATH` and `GAZETTEER_PATH` point the page at another dataset (the tests use fixtures).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import streamlit as st
from streamlit_folium import st_folium

from atlas.errors import AtlasError
from atlas.settings import Settings
from geo import filters as flt
from geo.export import export_csv_bytes, export_geojson_bytes, filter_vocabulary, read_atlas
from geo.store import atlas_stamp, shown
from mapview import charts, panels, threadmap, timeline, upload
from mapview.assets import Assets, install_static, static_base_url
from mapview.basemaps import BASEMAPS
from mapview.layers import Reference, assemble_map, items_payload, reference_payload

ROOT = Path(__file__).resolve().parent
#: read on every run (not once per process), so ATLAS_PATH set after start-up takes effect
_settings = Settings.from_env()
#: a GeoPackage path or a postgresql:// URL (geo.store: read-only, see the README)
ATLAS_PATH = _settings.atlas_path
GAZETTEER_PATH = Path(_settings.gazetteer_path)
#: `geo.export.export_geojson_bytes` or `export_csv_bytes`: (items, filters) → file bytes.
Export = Callable[[gpd.GeoDataFrame, flt.Filters], bytes]
TABLE_COLUMNS = [
    "id", "name", "kind", "category", "year", "period", "status", "location",
    "subdistrict", "zone", "precision", "method", "doc_title",
]  # fmt: skip


def _stamp(path: Path) -> float:
    """Modification time: part of every cache key, so a rebuilt atlas is reloaded."""
    return path.stat().st_mtime if path.exists() else -1.0


@st.cache_resource(show_spinner="Loading the atlas…")
def load_layers(path: str, stamp: str) -> dict[str, gpd.GeoDataFrame]:
    """The atlas layers, read once per file version and shared read-only by all sessions."""
    return read_atlas(path)


@st.cache_resource(show_spinner=False)
def load_roads(path: str, stamp: float) -> gpd.GeoDataFrame:
    """Roads, elevated roads and the river from the gazetteer (the offline basemap's lines)."""
    if stamp < 0:
        return gpd.GeoDataFrame({"name": [], "kind": []}, geometry=[], crs="EPSG:4326")
    return pyogrio.read_dataframe(path, layer="roads", columns=["name", "kind"])


@st.cache_data(show_spinner=False, max_entries=64)
def map_items(path: str, stamp: str, filters: flt.Filters, gcj02: bool):
    """The drawn features for a filter state (cached: reruns that keep the filters are free)."""
    items = load_layers(path, stamp)["items"]
    return items_payload(flt.apply_filters(items, filters), gcj02=gcj02)


@st.cache_data(show_spinner=False, max_entries=8)
def map_reference(path: str, stamp: str, roads_path: str, roads_stamp: float, gcj02: bool):
    layers = load_layers(path, stamp)
    reference = Reference(
        layers["district"],
        layers["subdistricts"],
        layers["zones"],
        load_roads(roads_path, roads_stamp),
    )
    return reference_payload(reference, gcj02=gcj02)


def selection_bytes(
    export: Export,
    path: str,
    stamp: str,
    filters: flt.Filters,
) -> bytes:
    """The selection as `export` writes it (`export_geojson_bytes`: the same bytes as
    `python -m geo export`). Bound with `functools.partial` as a download button's `data`, it
    runs only when the user clicks (on a server thread), not on every rerun."""
    return export(load_layers(path, stamp)["items"], filters)


def download_button(
    label: str, export: Export, extension: str, mime: str, selected: tuple[str, str, flt.Filters]
) -> None:
    """A sidebar button whose file is built only when clicked (deferred `data`)."""
    st.sidebar.download_button(
        label,
        functools.partial(selection_bytes, export, *selected),
        f"jingan-atlas.{extension}",
        mime,
        key=f"dl_{extension}",
        on_click="ignore",
    )


def main() -> None:
    st.set_page_config(page_title="Jing'an Atlas 静安图志", page_icon="🗺️", layout="wide")
    install_static()
    try:  # file modification time, or the last PostGIS build: a new atlas is reloaded
        stamp = atlas_stamp(ATLAS_PATH)
    except AtlasError as exc:
        st.error(str(exc))
        st.stop()
    if stamp is None:
        st.error(
            f"No atlas at {shown(ATLAS_PATH)}. Build it with `make build` (python -m geo build)."
        )
        st.stop()
    layers = load_layers(str(ATLAS_PATH), stamp)
    items = layers["items"]

    filters, basemap = panels.sidebar(items, filter_vocabulary(layers))
    filters = replace(filters, outcome=timeline.outcome_filter(items))  # issue 12
    show_threads = timeline.threads_toggle()
    reports = upload.sidebar(
        GAZETTEER_PATH, _stamp(GAZETTEER_PATH), f"{ATLAS_PATH}:{stamp}", layers
    )
    user = upload.user_layers(reports, filters)
    selection = flt.apply_filters(items, filters)
    located = ~(selection.geometry.isna() | selection.geometry.is_empty)
    unlocated = selection[~located]

    st.title("Jing'an Atlas 静安图志")
    st.caption(
        "What the reports of Jing'an District promise and build — every feature links to the "
        "sentence it comes from. Boundaries, roads and places © OpenStreetMap contributors (ODbL)."
    )
    count = panels.count_line(len(selection), len(unlocated), len(items))
    st.sidebar.markdown(count)
    st.markdown(count)

    gcj02 = BASEMAPS[basemap].gcj02
    payload = map_items(str(ATLAS_PATH), stamp, filters, gcj02)
    if show_threads:  # one feature per thread instead of one per mention
        payload = items_payload(selection.iloc[:0], gcj02=gcj02)
    reference = map_reference(
        str(ATLAS_PATH), stamp, str(GAZETTEER_PATH), _stamp(GAZETTEER_PATH), gcj02
    )
    assets = Assets(static_base_url(st.get_option("server.baseUrlPath")))
    atlas_map = assemble_map(payload, reference, basemap, assets, upload.payloads(user, gcj02))
    if show_threads:
        features = threadmap.thread_features(layers["threads"], selection)
        threadmap.add_thread_layer(atlas_map, features, gcj02)

    map_col, detail_col = st.columns([5, 2])
    with map_col:
        state = st_folium(
            atlas_map,
            key="atlas-map",
            height=640,
            use_container_width=True,
            returned_objects=["last_object_clicked_tooltip"],
        )
    clicked = panels.id_from_tooltip((state or {}).get("last_object_clicked_tooltip"))
    if clicked and clicked != st.session_state.get("_map_clicked"):
        st.session_state["_map_clicked"] = clicked
        st.session_state["selected_id"] = clicked

    table_tab, chart_tab, unlocated_tab = st.tabs(
        ["Table", "Charts", f"Unlocated ({len(unlocated)})"]
    )
    with table_tab:
        table = selection.reindex(columns=TABLE_COLUMNS)
        event = st.dataframe(
            pd.DataFrame(table),
            hide_index=True,
            key="table",
            on_select="rerun",
            selection_mode="single-row",
        )
        rows = list(event.selection.rows) if event is not None else []
        if rows and rows != st.session_state.get("_table_rows"):
            st.session_state["selected_id"] = str(table["id"].iloc[rows[0]])
        st.session_state["_table_rows"] = rows
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
    with unlocated_tab:
        panels.unlocated_list(unlocated)
    upload.report_panels(user, filters, TABLE_COLUMNS)

    with detail_col:
        chosen = upload.lookup(items, user, st.session_state.get("selected_id"))
        if len(chosen):
            panels.item_details(chosen.iloc[0].to_dict())
            timeline.render_thread(items, layers["threads"], chosen.iloc[0].to_dict())
        else:
            st.caption("Click a feature on the map or a row of the table to read its source.")

    selected = (str(ATLAS_PATH), stamp, filters)
    st.sidebar.header("Download the selection")
    download_button("GeoJSON", export_geojson_bytes, "geojson", "application/geo+json", selected)
    st.sidebar.caption("The same GeoJSON from the command line:")
    st.sidebar.code(panels.cli_command(filters), language="bash", wrap_lines=True)
    download_button("CSV", export_csv_bytes, "csv", "text/csv", selected)


main()
