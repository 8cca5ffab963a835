"""Altair charts of the filtered items, drawn from `geo.summary`'s tables.

The charts and `python -m geo summary` share the counting code, so the figures a user reads in
the app are the figures the CLI prints. Colours match the map (kind) and the legend (status).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from geo import OUTCOMES, STATUSES, summary
from mapview import style

#: Sequential-ish status colours, from "only mentioned" (grey) to "completed" (dark green).
STATUS_COLORS = {
    "planned": "#9ecae1",
    "started": "#4292c6",
    "ongoing": "#fd8d3c",
    "completed": "#238b45",
    "mentioned": "#bdbdbd",
}


#: Outcome colours (Okabe–Ito): delivered green, in progress blue, replanned orange, none grey.
OUTCOME_COLORS = {
    "delivered": "#009E73",
    "in_progress": "#0072B2",
    "replanned": "#E69F00",
    "no_later_mention": "#999999",
}


def long_counts(table: pd.DataFrame, rows: str, columns: str) -> pd.DataFrame:
    """A `summary` crosstab as long rows (`rows`, `columns`, `items`), zero counts dropped."""
    if table.empty:
        return pd.DataFrame({rows: [], columns: [], "items": []})
    frame = table.copy()
    frame.index = pd.Index(frame.index.map(str), name=rows)
    frame.columns = pd.Index(frame.columns, name=columns)
    # stack, not reset_index + melt: a kind may be called like the row field ("zone")
    long = pd.Series(frame.stack(), name="items").reset_index()
    return long[long["items"] > 0].reset_index(drop=True)


def _color(field: str, domain: list[str], colours: list[str]) -> alt.Color:
    return alt.Color(
        f"{field}:N",
        scale=alt.Scale(domain=domain, range=colours),
        legend=alt.Legend(title=field, orient="bottom"),
    )


def _per_year(table: pd.DataFrame, field: str, color: alt.Color, title: str) -> alt.Chart:
    """Bars of items per year, stacked by `field` (a `summary` year × field table)."""
    data = long_counts(table, "year", field)
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="year"),
            y=alt.Y("sum(items):Q", title="items"),
            color=color,
            tooltip=["year", field, "items"],
        )
    )


def year_kind_chart(items: pd.DataFrame) -> alt.Chart:
    """Items per year, stacked by kind (colours as on the map)."""
    color = _color("kind", *style.kind_colors())
    return _per_year(summary.year_by_kind(items), "kind", color, "Items per year by kind")


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
            color=_color("kind", *style.kind_colors()),
            tooltip=[by, "kind", "items"],
        )
    )


def status_year_chart(items: pd.DataFrame) -> alt.Chart:
    """Items per year, stacked by status."""
    color = _color("status", list(STATUSES), [STATUS_COLORS[s] for s in STATUSES])
    return _per_year(summary.status_by_year(items), "status", color, "Status by year")


def plan_outcome_chart(items: pd.DataFrame, by: str = "year") -> alt.Chart:
    """What became of each year's plans: plan items per plan year (`by="year"`) or functional
    zone (`by="zone"`), stacked by outcome (`geo.summary.outcome_by_plan_year` / `_by_zone`)."""
    color = _color("outcome", list(OUTCOMES), [OUTCOME_COLORS[o] for o in OUTCOMES])
    if by == "year":
        table = summary.outcome_by_plan_year(items)
        return _per_year(table, "outcome", color, "What became of each year's plans")
    data = long_counts(summary.outcome_by_zone(items), "zone", "outcome")
    return (
        alt.Chart(data, title="What became of the plans, by functional zone")
        .mark_bar()
        .encode(
            y=alt.Y("zone:N", sort="-x", title=None),
            x=alt.X("sum(items):Q", title="plan items"),
            color=color,
            tooltip=["zone", "outcome", "items"],
        )
    )
