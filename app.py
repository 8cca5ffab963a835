"""Jing'an Atlas — the explorer page: `streamlit run app.py` (`make run` starts it through
`python -m mapview.serve`, which opens the server with this page's caches already filled).

Thin on purpose: load the atlas (cached once per atlas version, `mapview.loaders`), turn the
filters into a `geo.filters.Filters`, apply the one shared filter, and draw the map (Folium
layers through streamlit-folium, `mapview.atlasmap`), table, charts, the items not on the map
and the downloads, in the reader's language (`mapview.i18n`), with the view in the URL
(`mapview.share`). The map's data goes to the browser once per atlas version (a static file); a
rerun sends only the selection. A fragment (`st.fragment`) keeps reruns small: a filter change,
a click on the map or a table row reruns only the filters, map, details, table and what depends
on the selection (`explorer`), not the sidebar, title and atlas checks. The sidebar holds what
changes the whole page: language, basemap, threads mode, "near here", uploads. Charts, the not-
drawn list and the downloads (with the briefing figure) run only when their tab is open (lazy
tabs), so nothing but the map and the first rows of the table stands between a change and its
redraw.
`ATLAS_PATH` points the page at another atlas (the tests use fixtures).
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from atlas.errors import AtlasError
from atlas.settings import settings
from geo import EXPORTERS, atlas_stamp, shown
from geo import filters as flt
from geo.io.sanity import atlas_notes
from mapview import i18n, nearby, panels, share, threadmap, timeline, upload, viewstate
from mapview.assets import Assets, served_assets, static_base_url
from mapview.atlasmap import Focus, build_map, clicked_item, show_map
from mapview.basemaps import BASEMAPS
from mapview.loaders import (
    choices_of,
    file_stamp,
    geocoder_of,
    load_layers,
    map_text,
    map_url,
    metric_items,
    offline_of,
    present_of,
    reasons_of,
)

if TYPE_CHECKING:  # annotations only: the upload pipeline loads with the first upload
    from geo import Resolution, UploadResult

#: read on every run (not once per process) from the live settings, so ATLAS_PATH set after
#: start-up and a `settings.override` both take effect; a GeoPackage path or a postgresql://
#: URL (geo.io.store: read-only, see the README)
_settings = settings.with_env_paths()
ATLAS_PATH = _settings.atlas_path
#: the gazetteer geocodes uploaded reports (mapview.upload); the map itself never reads it
GAZETTEER_PATH = Path(_settings.gazetteer_path)
#: The table leads with what a planner reads first; the id comes last.
TABLE_COLUMNS = [
    "name", "kind", "year", "status", "subdistrict", "category", "period", "zone",
    "location", "precision", "method", "doc_title", "id",
]  # fmt: skip
#: On a phone (390 px) the map comes first and fills the width: a smaller title, the caption
#: (the attribution stays on the map and in the README) folded away, the filters (stacked by
#: Streamlit, a screen of their own) moved under the map; the sidebar (language, basemap,
#: "near here", uploads) collapses behind its one-tap button by itself.
NARROW_CSS = (
    "<style>@media (max-width: 640px) {"
    " .stMainBlockContainer { padding: 3rem 0.5rem 1rem; }"
    " .stMainBlockContainer h1 { font-size: 1.35rem; padding: 0; }"
    " .st-key-page_caption { display: none; }"
    " .st-key-explorer_top > div:has(.st-key-filters) { order: 1; }"
    "}</style>"
)
#: The details panel scrolls inside this height (the map's), so selecting an item never
#: pushes the table down under the reader's pointer.
DETAILS_HEIGHT = 640
#: Rows sent to the table at most, in the selection's order (the downloads hold every row):
#: at 100x the data 5,000 rows were 1.7 MB per rerun, more than the map's whole message.
TABLE_ROWS = 500
#: format → (label, file extension, MIME type) of the download buttons.
DOWNLOADS = {
    "geojson": ("GeoJSON", "geojson", "application/geo+json"),
    "csv": ("CSV", "csv", "text/csv"),
    "gpkg": ("GeoPackage", "gpkg", "application/geopackage+sqlite3"),
}


def selection_bytes(fmt: str, path: str, stamp: str, filters: flt.Filters) -> bytes:
    """The selection as `python -m geo export --format FMT` writes it (the same function).
    Bound with `functools.partial` as a download button's `data`, it runs only when the user
    clicks, not on every rerun."""
    return EXPORTERS[fmt](load_layers(path, stamp)["items"], filters)


def figure_data(
    fmt: str, path: str, stamp: str, filters: flt.Filters, lang: str, date: str
) -> bytes:
    """The briefing figure of the selection (drawn only when the button is clicked)."""
    from mapview import figure  # matplotlib: imported when a figure is asked for, not before

    layers = load_layers(path, stamp)
    selection = flt.apply_filters(layers["items"], filters)
    return figure.figure_bytes(selection, layers, fmt, filters=filters, lang=lang, date=date)


def downloads(path: str, stamp: str, filters: flt.Filters, lang: str) -> None:
    """The selection's downloads, the CLI line that writes the same files, and the briefing
    figure (in their own tab, so matplotlib is imported only once it is opened)."""
    from mapview import figure

    st.markdown(f"##### {i18n.t('download.header', lang)}")
    with st.container(horizontal=True):
        for fmt, (label, extension, mime) in DOWNLOADS.items():
            st.download_button(
                label,
                functools.partial(selection_bytes, fmt, path, stamp, filters),
                f"jingan-atlas.{extension}",
                mime,
                key=f"dl_{extension}",
                on_click="ignore",
            )
    st.caption(i18n.t("download.cli", lang))
    st.code(panels.cli_command(filters), language="bash", wrap_lines=True)
    st.markdown(f"##### {i18n.t('download.figure_header', lang)}")
    date = datetime.date.today().isoformat()  # an input of the figure: same day, same bytes
    try:
        figure.cjk_family()
    except figure.FigureError as exc:  # one line, not a figure of empty boxes
        st.error(str(exc))
        return
    with st.container(horizontal=True):
        for fmt, mime in figure.FORMATS.items():
            st.download_button(
                i18n.t(f"download.figure_{fmt}", lang),
                functools.partial(figure_data, fmt, path, stamp, filters, lang, date),
                f"jingan-atlas-map-{date}.{fmt}",
                mime,
                key=f"dl_figure_{fmt}",
                on_click="ignore",
                help=i18n.t("download.figure_help", lang),
            )


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
    lang: str
    fit: bool
    focus: Focus | None
    #: the page's view as the link holds it (the selected item is added here)
    link: viewstate.View


def explore(view: View) -> None:
    """The map and the details panel; the link follows a click. (Not a fragment of its own:
    nested in `explorer`, a map message arriving during a whole-page rerun could rerun it with
    the previous run's arguments and draw the old map beside the new one.)"""
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
        labels=i18n.map_labels(view.lang),
        fit_bounds=view.fit,
        focus=view.focus,
        selected=st.session_state.get(panels.SELECTED),
        reveal=st.session_state.get("_reveal", 0),
    )
    map_col, detail_col = st.columns([5, 2])
    with map_col:
        show_map(atlas_map)
    with detail_col, st.container(height=DETAILS_HEIGHT, border=False, key="details"):
        chosen = upload.lookup(items, view.user, st.session_state.get(panels.SELECTED))
        if len(chosen):
            row = chosen.iloc[0].to_dict()
            panels.item_details(row, view.lang)
            timeline.render_thread(items, view.layers["threads"], row, view.lang)
        else:
            st.caption(i18n.t("app.pick_hint", view.lang))
    share.sync(replace(view.link, selected=st.session_state.get(panels.SELECTED)))


def clear_stale_selection(selected: object, *frames: pd.DataFrame) -> None:
    """Forget the selected item when no longer in the selection (a filter or Reset dropped
    it): the details panel shows only an item that matches the filters."""
    if selected is None:
        return
    if not any((frame["id"].astype(str) == str(selected)).any() for frame in frames):
        st.session_state.pop(panels.SELECTED, None)


@dataclass(frozen=True)
class Page:
    """What the whole-page run hands the `explorer` fragment: everything but the filters (a
    fragment rerun reuses these; only a sidebar change or Reset makes new ones)."""

    path: str
    stamp: str
    layers: dict[str, gpd.GeoDataFrame]
    choices: dict[str, list[Any]]
    lang: str
    basemap: str
    assets: Assets
    url: str
    reports: list[UploadResult]
    show_threads: bool
    fit: bool
    near_query: str
    radius: int
    found: Resolution | None
    focus: Focus | None


#: Key of the lazy tabs under the map (tests open a tab through it).
TABS_KEY = "lower_tabs"


def lower_tabs(
    page: Page,
    filters: flt.Filters,
    selection: gpd.GeoDataFrame,
    table: pd.DataFrame,
    table_key: str,
    off_map: pd.DataFrame,
) -> None:
    """Table, charts, the items not on the map and the downloads, under the map. Only the open
    tab runs (`on_change="rerun"`): charts (altair), the not-drawn list and the figure
    (matplotlib) cost nothing until read."""
    lang = page.lang
    table_tab, chart_tab, off_tab, download_tab = st.tabs(
        [i18n.t(f"tabs.{name}", lang) for name in ("table", "charts", "not_drawn", "download")],
        key=TABS_KEY,
        on_change="rerun",
    )
    if table_tab.open:
        with table_tab:
            if len(selection) > len(table):
                st.caption(i18n.t("count.rows_cut", lang, shown=len(table), total=len(selection)))
            st.dataframe(
                panels.table_words(table, selection["doc"].head(len(table)), lang),
                hide_index=True,
                key=table_key,
                on_select="rerun",
                selection_mode="single-row",
            )
    if chart_tab.open:
        with chart_tab:
            charts_of(selection, lang)
    if off_tab.open:
        with off_tab:
            panels.not_drawn_list(off_map, lang)
    if download_tab.open:
        with download_tab:
            downloads(page.path, page.stamp, filters, lang)


def charts_of(selection: gpd.GeoDataFrame, lang: str) -> None:
    from mapview import charts  # altair: imported when the tab is first opened

    left, right = st.columns(2)
    left.altair_chart(charts.year_kind_chart(selection, lang), width="stretch")
    right.altair_chart(charts.status_year_chart(selection, lang), width="stretch")
    by = st.radio(
        i18n.t("charts.count_by", lang), ["subdistrict", "zone"], horizontal=True,
        key="chart_by", format_func=lambda b: i18n.t(f"charts.by_{b}", lang),
    )  # fmt: skip
    st.altair_chart(charts.area_kind_chart(selection, by, lang), width="stretch")
    left, right = st.columns(2)
    left.altair_chart(charts.plan_outcome_chart(selection, "year", lang), width="stretch")
    right.altair_chart(charts.plan_outcome_chart(selection, "zone", lang), width="stretch")


@st.fragment
def explorer(page: Page) -> None:
    """Filters, map, details, table and what else follows the selection: a filter change
    reruns only this (the sidebar, title and atlas notes stay as they are)."""
    items, lang = page.layers["items"], page.lang
    with st.container(key="explorer_top"):
        with st.container(key="filters"):
            filters, (outcome_cell, reset_cell) = panels.filter_panel(page.choices, lang)
            with outcome_cell:  # issue 12
                filters = replace(filters, outcome=timeline.outcome_filter(items, lang))
            with reset_cell:
                panels.reset_button(page.choices, lang)
        map_area = st.container(key="map_area")
    user = upload.user_layers(page.reports, filters, lang)  # issue 13: uploads, filtered
    keep = flt.mask(items, filters).to_numpy()
    selection = items[keep]
    reasons = reasons_of(page.path, page.stamp)[keep]
    off_map = selection[(reasons != "").to_numpy()].assign(reason=reasons[reasons != ""])
    clear_stale_selection(
        st.session_state.get(panels.SELECTED), selection, *(layer.selection for layer in user)
    )
    table_key = f"table-{st.session_state.get(panels.TABLE_GENERATION, 0)}"
    table = selection.reindex(columns=TABLE_COLUMNS).head(TABLE_ROWS)
    table_focus(table, table_key)

    threads = None
    if page.show_threads:  # one feature per thread instead of one per mention
        features = threadmap.thread_features(page.layers["threads"], selection)
        threads = threadmap.thread_items(features)
    link = viewstate.View(
        filters=filters,
        lang=lang,
        basemap=page.basemap,
        threads=page.show_threads,
        near=page.near_query,
        radius=page.radius,
        keep_view=not page.fit,
    )
    with map_area:
        st.markdown(panels.count_line(len(selection), len(off_map), len(items), lang))
        explore(
            View(page.layers, keep, filters, page.basemap, page.assets, page.url,
                 present_of(page.path, page.stamp), user, threads, lang, page.fit, page.focus,
                 link)
        )  # fmt: skip

    if page.near_query and page.found is not None:
        near_rows = nearby.near_table(
            metric_items(page.path, page.stamp)[keep], page.found, page.radius
        )
        near = selection.loc[near_rows.index].assign(distance_m=near_rows["distance_m"])
        nearby.panel(page.found, page.near_query, near, page.radius, lang)
    lower_tabs(page, filters, selection, table, table_key, off_map)
    upload.report_panels(user, filters, TABLE_COLUMNS, lang)


def main() -> None:
    st.set_page_config(page_title="Jing'an Atlas 静安图志", page_icon="🗺️", layout="wide")
    browser_lang = i18n.lang_of_locale(st.context.locale)
    path = str(ATLAS_PATH)
    try:  # file modification time, or the last PostGIS build: a new atlas is reloaded
        stamp = atlas_stamp(path)
        if stamp is None:
            st.error(i18n.t("app.no_atlas", browser_lang, path=shown(path)))
            st.stop()
        layers = load_layers(path, stamp)
    except AtlasError as exc:  # one line naming the file and what is wrong; no traceback
        st.error(i18n.t("app.bad_atlas", browser_lang, error=i18n.error_text(exc, browser_lang)))
        st.stop()
    choices = choices_of(path, stamp)
    dropped = share.restore(choices)  # a shared link: its view into the widgets, once
    lang = panels.language_switch(browser_lang)
    st.html(NARROW_CSS)
    st.title(i18n.t("app.title", lang))
    st.container(key="page_caption").caption(i18n.t("app.caption", lang))
    for note in atlas_notes(layers):  # rows the reader unlocated, names it cut (geo.io.sanity)
        st.warning(panels.md_escape(i18n.note_text(note, lang)))
    if dropped:
        st.sidebar.warning(i18n.t("filters.unknown_values", lang, values=", ".join(dropped)))

    basemap = panels.basemap_picker(offline_of(path, stamp, lang), lang)
    show_threads = timeline.threads_toggle(lang)
    fit = st.sidebar.toggle(
        i18n.t("filters.fit", lang),
        value=True,
        key=panels.KEYS["fit"],
        help=i18n.t("filters.fit_help", lang),
    )
    near_query, radius = nearby.sidebar(lang)
    reports = upload.sidebar(
        GAZETTEER_PATH, file_stamp(GAZETTEER_PATH), f"{path}:{stamp}", layers, lang
    )
    found = focus = None
    if near_query:  # the geocoder is built only once "near here" is used
        found = geocoder_of(str(GAZETTEER_PATH), file_stamp(GAZETTEER_PATH)).resolve(near_query)
        focus = nearby.focus_of(found, near_query, lang)

    assets = served_assets(static_base_url(st.get_option("server.baseUrlPath")))
    gcj02 = BASEMAPS[basemap].gcj02
    url = None if assets.media else map_url(path, stamp, gcj02, assets)
    if url is None or assets.gone(url):  # from memory, or evicted by another server process
        url = assets.data_url(map_text(path, stamp, gcj02))  # (published again)
    explorer(
        Page(path, stamp, layers, choices, lang, basemap, assets, url, reports, show_threads,
             fit, near_query, radius, found, focus)
    )  # fmt: skip


main()
