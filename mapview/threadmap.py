"""Threads on the map (issue 12): one feature per thread, at its best-placed member, coloured
by the outcome of its first plan, instead of one marker per mention.

`thread_features` is pure (threads + the filtered items in, a GeoDataFrame of what to draw
out); `thread_items` turns it into item rows the map draws as a layer of its own
(`mapview.atlasmap.build_map(threads=...)`), filled by outcome (the map's one legend says which
colour is which). A click selects the thread's latest selected mention, as for any other
feature.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from atlas.settings import settings
from geo import is_located, publication_order
from mapview.style import NO_PLAN_COLOR, OUTCOME_COLORS
from mapview.timeline import outcome_label


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
    chosen = chosen[is_located(chosen)]
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
            "thread": [r.get("thread") for r in rows],
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
        crs=settings.crs,
    )


def file_rows(threads: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Every located thread as a map row (`thread_items`), for the map's data file: what a
    thread looks like does not depend on the filters, only whether it is shown (and which
    mention a click selects) does, and that is what a rerun sends."""
    located = threads[is_located(threads)]
    return thread_items(located.assign(pick=located["thread"].astype(str)))


def _color(outcome: object) -> str:
    return OUTCOME_COLORS.get(str(outcome), NO_PLAN_COLOR)
