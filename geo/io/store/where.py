"""An atlas selection (`geo.filters.Filters`) as SQL conditions, exactly what pandas would
select wherever SQL can say it, a superset where it cannot (the reader filters the rest)."""

from __future__ import annotations

import functools
from typing import Any

from psycopg import sql

from geo import filters as flt
from geo.io.store.columns import GEOMETRY
from geo.schema import MULTI_SEP


@functools.cache
def _lower_outputs() -> frozenset[str]:
    """Characters that lower-casing some *other* character produces (`K` → `k`, `İ` → `i̇`)."""
    out: set[str] = set()
    for code in range(0x110000):
        ch = chr(code)
        low = ch.lower()
        if low != ch:
            out.update(low)
    return frozenset(out)


def text_pushable(needle: str) -> bool:
    """True when `needle` (lower-cased) is found in a lower-cased text iff it is found in the
    text itself: every character is its own lower case and no other character lowers to it
    (CJK, digits, punctuation). Then SQL `strpos` selects exactly what `geo.filters` does."""
    if not needle or "\x00" in needle:
        return False
    outputs = _lower_outputs()
    return all(ch.lower() == ch and ch not in outputs for ch in needle)


def where_clause(filters: flt.Filters) -> tuple[sql.Composable, list[Any]]:
    """SQL conditions selecting at least the items `geo.filters.mask` selects (exactly them for
    every filter but a text search with cased letters, which SQL leaves to pandas)."""
    conds: list[sql.Composable] = []
    params: list[Any] = []

    def ident(name: str) -> sql.Identifier:
        return sql.Identifier(name)

    if filters.year:
        conds.append(sql.SQL("{} = ANY(%s)").format(ident("year")))
        params.append([int(y) for y in filters.year])
    if filters.year_range is not None:
        conds.append(sql.SQL("{} BETWEEN %s AND %s").format(ident("year")))
        params += [int(filters.year_range[0]), int(filters.year_range[1])]
    for name in ("kind", "category", "status", "period"):
        wanted = getattr(filters, name)
        if wanted:
            conds.append(sql.SQL("{} = ANY(%s::text[])").format(ident(name)))
            params.append([str(v) for v in wanted])
    for name in flt.MULTI_VALUED:
        wanted = getattr(filters, name)
        if wanted:
            conds.append(
                sql.SQL("array_remove(string_to_array({}, %s), '') && %s::text[]").format(
                    ident(name)
                )
            )
            params += [MULTI_SEP, [str(v) for v in wanted]]
    needle = filters.text.strip().lower()
    if needle and text_pushable(needle):
        hay = sql.SQL(" || E'\\n' || ").join(
            sql.SQL("coalesce({}, '')").format(ident(c)) for c in ("name", "location", "quote")
        )
        conds.append(sql.SQL("strpos({}, %s) > 0").format(hay))
        params.append(needle)
    if filters.located_only:
        conds.append(sql.SQL("{g} IS NOT NULL AND NOT ST_IsEmpty({g})").format(g=ident(GEOMETRY)))
    if not conds:
        return sql.SQL("TRUE"), []
    return sql.SQL(" AND ").join(conds), params
