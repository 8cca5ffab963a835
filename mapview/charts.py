"""Altair charts of the filtered items, drawn from `geo.summary`'s tables.

The charts and `python -m geo summary` share the counting code, so the figures a user reads in
the app are the figures the CLI prints. Colours match the map (kind) and the legend (status).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from geo import OUTCOMES, STATUSES, summary
from mapview import i18n, style
from mapview.style import OUTCOME_COLORS

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
    frame.index = pd.Index(frame.index.map(str), name=rows)
    frame.columns = pd.Index(frame.columns, name=columns)
    # stack, not reset_index + melt: a kind may be called like the row field ("zone")
    long = pd.Series(frame.stack(), name="items").reset_index()
    return long[long["items"] > 0].reset_index(drop=True)


#: The word column shown for a code column (the data keep the codes: the CLI's figures).
WORD = "{}_word"


def _worded(data: pd.DataFrame, field: str, lang: str) -> pd.DataFrame:
    """`data` with a column of `field`'s words in `lang` next to its codes."""
    words = [i18n.word(field, code, lang) for code in data[field]] if len(data) else []
    return data.assign(**{WORD.format(field): words})


def _color(field: str, domain: list[str], colours: list[str], lang: str = "en") -> alt.Color:
    """Colours by `field`'s codes (`domain`), the legend showing their words in `lang`."""
    return alt.Color(
        f"{WORD.format(field)}:N",
        scale=alt.Scale(domain=[i18n.word(field, c, lang) for c in domain], range=colours),
        legend=alt.Legend(title=i18n.t(f"column.{field}", lang), orient="bottom"),
    )


def _per_year(
    table: pd.DataFrame, field: str, color: alt.Color, title: str, lang: str = "en"
) -> alt.Chart:
    """Bars of items per year, stacked by `field` (a `summary` year × field table)."""
    data = _worded(long_counts(table, "year", field), field, lang)
    chart: alt.Chart = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=i18n.t("column.year", lang)),
            y=alt.Y("sum(items):Q", title=i18n.t("column.items", lang)),
            color=color,
            tooltip=["year", WORD.format(field), "items"],
        )
    )
    return chart


def year_kind_chart(items: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Items per year, stacked by kind (colours as on the map)."""
    color = _color("kind", *style.kind_colors(), lang)
    table = summary.year_by_kind(items)
    return _per_year(table, "kind", color, i18n.t("charts.year_kind", lang), lang)


def area_kind_chart(items: pd.DataFrame, by: str = "subdistrict", lang: str = "en") -> alt.Chart:
    """Items per 街道 (`by="subdistrict"`) or functional zone (`by="zone"`), stacked by kind.

    An item lying in two zones counts in both (see `geo.summary`)."""
    table = (
        summary.subdistrict_by_kind(items) if by == "subdistrict" else summary.zone_by_kind(items)
    )
    data = _worded(long_counts(table, by, "kind"), "kind", lang)
    title = i18n.t("charts.per_subdistrict" if by == "subdistrict" else "charts.per_zone", lang)
    chart: alt.Chart = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y(f"{by}:N", sort="-x", title=None),
            x=alt.X("sum(items):Q", title=i18n.t("column.items", lang)),
            color=_color("kind", *style.kind_colors(), lang),
            tooltip=[by, WORD.format("kind"), "items"],
        )
    )
    return chart


def status_year_chart(items: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Items per year, stacked by status."""
    color = _color("status", list(STATUSES), [STATUS_COLORS[s] for s in STATUSES], lang)
    table = summary.status_by_year(items)
    return _per_year(table, "status", color, i18n.t("charts.status_year", lang), lang)


def plan_outcome_chart(items: pd.DataFrame, by: str = "year", lang: str = "en") -> alt.Chart:
    """What became of each year's plans: plan items per plan year (`by="year"`) or functional
    zone (`by="zone"`), stacked by outcome (`geo.summary.outcome_by_plan_year` / `_by_zone`)."""
    color = _color("outcome", list(OUTCOMES), [OUTCOME_COLORS[o] for o in OUTCOMES], lang)
    if by == "year":
        table = summary.outcome_by_plan_year(items)
        return _per_year(table, "outcome", color, i18n.t("charts.outcome_year", lang), lang)
    data = _worded(long_counts(summary.outcome_by_zone(items), "zone", "outcome"), "outcome", lang)
    chart: alt.Chart = (
        alt.Chart(data, title=i18n.t("charts.outcome_zone", lang))
        .mark_bar()
        .encode(
            y=alt.Y("zone:N", sort="-x", title=None),
            x=alt.X("sum(items):Q", title=i18n.t("charts.plan_items", lang)),
            color=color,
            tooltip=["zone", WORD.format("outcome"), "items"],
        )
    )
    return chart
