"""What is planned "near here" in the page: an address or place typed by a resident, placed
by the project's own geocoder (the shipped gazetteer, offline), and the matching items within
a chosen distance, nearest first, with their status and outcome.

The geocoder's answer is shown as it is: its precision, what it matched and how far off it may
be — drawn on the map as a circle of that radius (`mapview.atlasmap.Focus`) — and an address
it cannot place is one line saying so, never a guessed point. Distances come from
`geo.near.items_near`.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from geo import DISTANCE, Resolution, items_near, metric_point, to_metric
from mapview import i18n, panels
from mapview.atlasmap import Focus
from mapview.share import RADIUS_KEY
from mapview.viewstate import DEFAULT_RADIUS, RADII

#: The smallest circle drawn for an exact point (metres), so that it can be seen.
MIN_CIRCLE_M = 25.0
#: Columns of the list, in order.
COLUMNS = ("name", "distance_m", "kind", "status", "outcome", "year", "doc_title", "id")


def uncertainty_m(found: Resolution) -> float:
    """How far off the placed point may be: the geocoder's radius, or for an area (a 街道, a
    zone) the distance from its point to its farthest edge — the area is the uncertainty."""
    if found.uncertainty_m is not None and found.geometry_type in ("Point", "MultiPoint"):
        return float(found.uncertainty_m)
    if found.geometry is None or found.lon is None or found.lat is None:
        return 0.0
    shape = to_metric(gpd.GeoDataFrame(geometry=[found.geometry], crs="EPSG:4326")).geometry[0]
    return float(shapely.hausdorff_distance(metric_point(found.lon, found.lat), shape))


def focus_of(found: Resolution, query: str, lang: str) -> Focus | None:
    """The map's circle for a located answer (None when unlocated)."""
    if not found.located or found.lon is None or found.lat is None:
        return None
    radius = uncertainty_m(found)
    label = i18n.t("near.focus", lang, query=query, metres=radius)
    return Focus(float(found.lon), float(found.lat), max(radius, MIN_CIRCLE_M), label)


def placed_line(found: Resolution, query: str, lang: str) -> str:
    """One line: where the query was placed, how precisely, how far off it may be."""
    if not found.located:
        return i18n.t("near.not_placed", lang, query=panels.md_escape(query))
    radius = uncertainty_m(found)
    area = found.geometry_type not in ("Point", "MultiPoint") and found.uncertainty_m is None
    uncertainty = (
        i18n.t("near.area", lang) if area else i18n.t("details.uncertainty", lang, metres=radius)
    )
    return i18n.t(
        "near.placed",
        lang,
        query=panels.md_escape(query),
        matched=panels.md_escape(found.matched or query),
        precision=found.precision,
        word=i18n.word("precision", found.precision, lang),
        uncertainty=uncertainty,
        method=i18n.word("method", found.method, lang),
    )


def near_table(items: gpd.GeoDataFrame, found: Resolution, radius: int) -> gpd.GeoDataFrame:
    """The items within `radius` m of the placed point, nearest first (empty if unlocated)."""
    if not found.located or found.lon is None or found.lat is None:
        return items.iloc[:0].assign(**{DISTANCE: []})
    return items_near(items, float(found.lon), float(found.lat), radius)


def shown_table(near: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The list as the page shows it: words for codes, report titles with their year, headers
    in `lang`."""
    frame = near.reindex(columns=list(COLUMNS)).copy()
    for column in ("kind", "status", "outcome"):
        frame[column] = [i18n.word(column, v, lang) for v in frame[column]]
    frame["doc_title"] = [
        i18n.report_title(t, d) for t, d in zip(near["doc_title"], near["doc"], strict=True)
    ]
    frame[DISTANCE] = frame[DISTANCE].astype(int)
    return pd.DataFrame(frame).rename(columns={c: i18n.t(f"column.{c}", lang) for c in COLUMNS})


def sidebar(lang: str) -> tuple[str, int]:
    """The search box and the distance; returns (query, radius in metres)."""
    bar = st.sidebar
    bar.header(i18n.t("near.header", lang))
    query = bar.text_input(
        i18n.t("near.query", lang),
        key=panels.NEAR_KEY,
        placeholder=i18n.t("near.placeholder", lang),
    ).strip()
    if st.session_state.get(RADIUS_KEY) not in RADII:
        st.session_state[RADIUS_KEY] = DEFAULT_RADIUS
    radius = bar.select_slider(i18n.t("near.radius", lang), options=sorted(RADII), key=RADIUS_KEY)
    return query, int(radius)


def panel(found: Resolution, query: str, near: pd.DataFrame, radius: int, lang: str) -> None:
    """Below the map: the placed line, then the list (or one line when nothing is near)."""
    with st.container(key="near_panel"):
        st.markdown(f"##### {i18n.t('near.header', lang)}")
        line = placed_line(found, query, lang)
        if not found.located:
            st.warning(line)
            return
        st.caption(line)
        if near.empty:
            st.caption(i18n.t("near.none", lang, radius=radius))
            return
        st.markdown(i18n.t("near.count", lang, count=len(near), radius=radius))
        st.dataframe(shown_table(near, lang), hide_index=True, key="near_table")
