"""Counts of items by year, kind, status, 街道 and zone; `python -m geo summary`.

The app's charts call the same functions, so the CLI prints exactly the figures it draws.
Multi-valued cells (an item lying in two zones) count once under each value; items with no
value (unlocated, or outside every zone) count under `NONE`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geo import filters as flt
from geo.schema import KINDS, OUTCOMES, STATUSES

#: Row label of items without a value (no zone, no 街道, no year).
NONE = "(none)"


def crosstab(
    items: pd.DataFrame,
    rows: str,
    columns: str,
    column_order: Sequence[str] = (),
) -> pd.DataFrame:
    """Item counts, `rows` × `columns`, as integers. Multi-valued row cells are split.

    Columns listed in `column_order` come first and are always present (so charts keep their
    colours); other values follow sorted. Rows are sorted, `NONE` last."""
    if rows in flt.MULTI_VALUED:
        keys = items[rows].map(lambda cell: flt.split_multi(cell) or [NONE])
    else:
        keys = items[rows].map(lambda v: NONE if pd.isna(v) else v)
    long = pd.DataFrame({rows: keys, columns: items[columns].fillna(NONE)}).explode(rows)
    table = pd.crosstab(long[rows], long[columns]) if len(long) else pd.DataFrame()
    extra = sorted(c for c in table.columns if c not in column_order)
    table = table.reindex(columns=[*column_order, *extra], fill_value=0)
    present = [r for r in table.index if r != NONE]
    order = sorted(present, key=lambda r: (isinstance(r, str), r))
    if NONE in table.index:
        order.append(NONE)
    table = table.reindex(order).fillna(0).astype(int)
    table.index.name, table.columns.name = rows, columns
    return table


def _by_year(items: pd.DataFrame, columns: str, order: Sequence[str]) -> pd.DataFrame:
    table = crosstab(items, "year", columns, order)
    table.index = pd.Index([r if r == NONE else int(r) for r in table.index], name="year")
    return table


def year_by_kind(items: pd.DataFrame) -> pd.DataFrame:
    """Items per year (rows) and kind (columns)."""
    return _by_year(items, "kind", KINDS)


def zone_by_kind(items: pd.DataFrame) -> pd.DataFrame:
    """Items per functional zone (an item in two zones counts in both) and kind."""
    return crosstab(items, "zone", "kind", KINDS)


def subdistrict_by_kind(items: pd.DataFrame) -> pd.DataFrame:
    """Items per 街道 and kind."""
    return crosstab(items, "subdistrict", "kind", KINDS)


def status_by_year(items: pd.DataFrame) -> pd.DataFrame:
    """Items per year (rows) and status (columns)."""
    return _by_year(items, "status", STATUSES)


def _plans(items: pd.DataFrame) -> pd.DataFrame:
    """Plan items (those with an outcome, `geo.threads.links`)."""
    if "outcome" not in items.columns:
        return items.iloc[:0].assign(outcome=pd.Series(dtype=object))
    return items[items["outcome"].notna()]


def outcome_by_plan_year(items: pd.DataFrame) -> pd.DataFrame:
    """Plan items per plan year (rows) and outcome (columns): what became of each year's plans."""
    return _by_year(_plans(items), "outcome", OUTCOMES)


def outcome_by_zone(items: pd.DataFrame) -> pd.DataFrame:
    """Plan items per functional zone (an item in two zones counts in both) and outcome."""
    return crosstab(_plans(items), "zone", "outcome", OUTCOMES)


def with_totals(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with a `total` column and row (row totals of a multi-valued split double-count)."""
    out = table.copy()
    out["total"] = out.sum(axis=1)
    out.loc["total"] = out.sum(axis=0)
    return out


TABLES = {
    "year": ("items per year by kind", year_by_kind),
    "zone": ("items per zone by kind (an item in two zones counts in both)", zone_by_kind),
    "subdistrict": ("items per 街道 by kind", subdistrict_by_kind),
    "status": ("items per year by status", status_by_year),
    "outcome": ("plan items per plan year by outcome", outcome_by_plan_year),
    "outcome-zone": ("plan items per zone by outcome", outcome_by_zone),
}


def render(items: pd.DataFrame, tables: Sequence[str] = ("year", "zone")) -> str:
    """The requested tables as plain text, each under its title."""
    blocks = []
    for key in tables:
        title, func = TABLES[key]
        table = func(items)
        body = with_totals(table).to_string() if len(table) else "(no items)"
        blocks.append(f"{title}\n{body}")
    return "\n\n".join(blocks) + "\n"
