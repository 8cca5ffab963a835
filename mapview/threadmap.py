"""Threads on the map (issue 12): one feature per thread, at its best-placed member, coloured
by the outcome of its first plan, instead of one marker per mention.

`thread_features` is pure (threads + the filtered items in, a GeoDataFrame of what to draw
out); `add_thread_layer` adds it to a `folium.Map` as its own layer with a legend. Tooltips are
HTML-escaped and carry `[[item id]]` of the thread's latest selected mention, so a click opens
that item (and its timeline) in the panel, as for any other feature.
"""

from __future__ import annotations

import html
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
from shapely.geometry import mapping

from geo import CRS, OUTCOMES, gdf_to_gcj02, publication_order
from mapview.charts import OUTCOME_COLORS
from mapview.timeline import outcome_label

#: Colour of a thread with no plan (nothing to say about an outcome).
NO_PLAN_COLOR = "#555555"
LAYER_NAME = "Threads (one per place, by outcome)"


def thread_features(threads: gpd.GeoDataFrame, items: pd.DataFrame) -> gpd.GeoDataFrame:
    """The located threads with at least one mention in `items` (the filtered selection), each
    with `pick` (the id of its latest selected mention) and `selected` (how many are)."""
    if threads.empty or items.empty or "thread" not in items.columns:
        return threads.iloc[:0].assign(pick=pd.Series(dtype=object), selected=0)
    order = publication_order(dict.fromkeys(items["doc"].astype(str)))
    ranked = items.assign(
        _pub=pd.Series([order[str(d)] for d in items["doc"]], index=items.index, dtype=object)
    )
    ranked = ranked.sort_values(["_pub", "start"], kind="stable", na_position="first")
    picks = ranked.groupby("thread")["id"].last()
    counts = ranked.groupby("thread").size()
    chosen = threads[threads["thread"].isin(picks.index)]
    chosen = chosen[~(chosen.geometry.isna() | chosen.geometry.is_empty)]
    return chosen.assign(
        pick=chosen["thread"].map(picks).astype(str),
        selected=chosen["thread"].map(counts).astype(int),
    )


def thread_items(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """`features` (from `thread_features`) as item rows the map component draws as a layer of
    its own: one feature per thread, named by its label, its popup saying mentions, reports and
    the outcome of its first plan; a click selects its latest selected mention (`pick`)."""
    rows = features.to_dict("records")
    what = [
        outcome_label(r.get("outcome")) if isinstance(r.get("outcome"), str) else "no plan"
        for r in rows
    ]
    return gpd.GeoDataFrame(
        {
            "id": features["pick"].tolist() if len(features) else [],
            "name": [r.get("label") for r in rows],
            "kind": [r.get("kind") for r in rows],
            "category": what,
            "year": [r.get("last_year") for r in rows],
            "status": [r.get("latest_status") for r in rows],
            "location": [None] * len(rows),
            "quote": [
                f"{r.get('mentions')} mentions in {r.get('reports')} reports · {w}"
                for r, w in zip(rows, what, strict=True)
            ],
            "color": [_color(r.get("outcome")) for r in rows],
        },
        geometry=list(features.geometry),
        crs=CRS,
    )


def _color(outcome: object) -> str:
    return OUTCOME_COLORS.get(str(outcome), NO_PLAN_COLOR)


def tooltip_text(row: dict) -> str:
    """Escaped tooltip: label, mentions and reports, outcome, and the `[[id]]` to select."""
    outcome = row.get("outcome")
    what = outcome_label(outcome) if isinstance(outcome, str) and outcome else "no plan"
    return (
        f"<b>{html.escape(str(row.get('label', '')))}</b><br>"
        f"{html.escape(str(row.get('mentions')))} mentions in "
        f"{html.escape(str(row.get('reports')))} reports · {html.escape(what)}"
        f"<span style='display:none'>[[{html.escape(str(row.get('pick', '')))}]]</span>"
    )


def add_thread_layer(
    m: folium.Map, features: gpd.GeoDataFrame, gcj02: bool = False
) -> folium.FeatureGroup:
    """Add `features` (from `thread_features`) to `m` as one layer, with an outcome legend."""
    group = folium.FeatureGroup(name=LAYER_NAME, show=True)
    drawn = gdf_to_gcj02(features) if gcj02 and len(features) else features.to_crs(CRS)
    for row, geom in zip(drawn.to_dict("records"), drawn.geometry, strict=True):
        color = _color(row.get("outcome"))
        tip = folium.Tooltip(tooltip_text(row))
        if geom.geom_type == "Point":
            folium.CircleMarker(
                location=(geom.y, geom.x),
                radius=5 + 2 * min(int(row.get("reports") or 1), 5),
                color=color,
                weight=2,
                fill=True,
                fill_color=color,
                fill_opacity=0.8,
                tooltip=tip,
            ).add_to(group)
        else:
            style = {"color": color, "weight": 3, "fillColor": color, "fillOpacity": 0.25}
            folium.GeoJson(mapping(geom), style_function=lambda _, s=style: s, tooltip=tip).add_to(
                group
            )
    group.add_to(m)
    # The layer control lists the layers defined before it in the page's script: keep it last.
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            m._children.move_to_end(key)
    root: Any = m.get_root()
    root.html.add_child(folium.Element(legend_html()))
    return group


def legend_html() -> str:
    """A fixed legend of the outcome colours (static text, escaped)."""
    rows = [
        f"<div><span style='background:{_color(o)};display:inline-block;width:10px;height:10px;"
        f"border-radius:5px;margin-right:4px'></span>{html.escape(outcome_label(o))}</div>"
        for o in OUTCOMES
    ]
    rows.append(
        f"<div><span style='background:{NO_PLAN_COLOR};display:inline-block;width:10px;"
        "height:10px;border-radius:5px;margin-right:4px'></span>no plan</div>"
    )
    return (
        "<div class='atlas-thread-legend' style='position:fixed;bottom:24px;left:12px;"
        "z-index:1000;background:white;padding:6px 8px;border:1px solid #999;font:12px sans-serif'>"
        f"<b>Threads: first plan</b>{''.join(rows)}</div>"
    )
