"""Altair charts of the filtered items, drawn from `geo.summary`'s tables.

The charts and `python -m geo summary` share the counting code, so the figures a user reads in
the app are the figures the CLI prints. Colours match the map (kind) and the legend (status).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from geo import summary
from geo.schema import STATUSES
from mapview import style

#: Sequential-ish status colours, from "only mentioned" (grey) to "completed" (dark green).
STATUS_COLORS = {
    "planned": "#9ecae1",
    "started": "#4292c6",
    "ongoing": "#fd8d3c",
    "completed": "#238b45",
    "mentioned": "#bdbdbd",
}


def long_counts(table: pd.DataFrame, rows: str, columns: str) -> pd.DataFrame:
    """A `summary` crosstab as long rows (`rows`, `columns`, `items`), zero counts dropped."""
    if table.empty:
        return pd.DataFrame({rows: [], columns: [], "items": []})
    frame = table.copy()
    frame.index = frame.index.map(str)
    frame.index.name = rows
    long = frame.reset_index().melt(id_vars=rows, var_name=columns, value_name="items")
    return long[long["items"] > 0].reset_index(drop=True)


def _kind_color() -> alt.Color:
    domain, colours = style.kind_colors()
    return alt.Color(
        "kind:N",
        scale=alt.Scale(domain=domain, range=colours),
        legend=alt.Legend(title="kind", orient="bottom"),
    )


def year_kind_chart(items: pd.DataFrame) -> alt.Chart:
    """Items per year, stacked by kind."""
    data = long_counts(summary.year_by_kind(items), "year", "kind")
    return (
        alt.Chart(data, title="Items per year by kind")
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="year"),
            y=alt.Y("sum(items):Q", title="items"),
            color=_kind_color(),
            tooltip=["year", "kind", "items"],
        )
    )


def area_kind_chart(items: pd.DataFrame, by: str = "subdistrict") -> alt.Chart:
    """Items per 街道 (`by="subdistrict"`) or functional zone (`by="zone"`), stacked by kind.

    An item lying in two zones counts in both (see `geo.summary`)."""
    table = (
        summary.subdistrict_by_kind(items) if by == "subdistrict" else summary.zone_by_kind(items)
    )
    data = long_counts(table, by, "kind")
    title = "Items per 街道" if by == "subdistrict" else "Items per functional zone"
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y(f"{by}:N", sort="-x", title=None),
            x=alt.X("sum(items):Q", title="items"),
            color=_kind_color(),
            tooltip=[by, "kind", "items"],
        )
    )


def status_year_chart(items: pd.DataFrame) -> alt.Chart:
    """Items per year, stacked by status."""
    data = long_counts(summary.status_by_year(items), "year", "status")
    return (
        alt.Chart(data, title="Status by year")
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="year"),
            y=alt.Y("sum(items):Q", title="items"),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=list(STATUSES), range=[STATUS_COLORS[s] for s in STATUSES]),
                legend=alt.Legend(title="status", orient="bottom"),
            ),
            tooltip=["year", "status", "items"],
        )
    )
