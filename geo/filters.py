"""One filter for the CLI export and the app, so both select exactly the same items."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

from atlas.errors import UsageError
from geo.schema import MULTI_SEP, OUTCOMES


class FilterError(UsageError):
    """An unknown filter value; the message lists the valid ones."""


@dataclass(frozen=True)
class Filters:
    """A selection. Empty tuples mean "no constraint"; values within a field are OR-ed,
    fields are AND-ed. `year_range` is inclusive; `text` searches name, location and quote."""

    year: tuple[int, ...] = ()
    year_range: tuple[int, int] | None = None
    kind: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    period: tuple[str, ...] = ()
    subdistrict: tuple[str, ...] = ()
    zone: tuple[str, ...] = ()
    outcome: tuple[str, ...] = ()
    text: str = ""
    located_only: bool = False

    def is_empty(self) -> bool:
        return self == Filters()


#: Columns whose cells may hold several `;`-joined values (the filter matches any of them).
MULTI_VALUED = ("subdistrict", "zone")
#: Filter fields checked against the values present in the data.
CHOICE_FIELDS = ("year", "kind", "category", "status", "period", "subdistrict", "zone", "outcome")


def split_multi(value: object) -> list[str]:
    """`"a;b"` → `["a", "b"]`; missing → `[]`."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [part for part in str(value).split(MULTI_SEP) if part]


def valid_values(items: pd.DataFrame, column: str) -> list[Any]:
    """The values a filter on `column` may take, sorted, as found in the data."""
    if column not in items.columns:
        return []
    if column in MULTI_VALUED:
        values: set[Any] = {v for cell in items[column] for v in split_multi(cell)}
    else:
        values = set(items[column].dropna().tolist())
    if column == "year":
        values = {int(v) for v in values}
    return sorted(values)


def validate(
    items: pd.DataFrame, filters: Filters, vocab: Mapping[str, Iterable[Any]] | None = None
) -> None:
    """Raise `FilterError` naming the valid values when a filter asks for an unknown one.

    `vocab` may widen the valid values per column (e.g. every known zone, even if no item lies
    in it), so that a legitimate but empty selection is not an error."""
    validate_year_range(items, filters.year_range, (vocab or {}).get("year", ()))
    for name in CHOICE_FIELDS:
        wanted = getattr(filters, name)
        if not wanted:
            continue
        valid = set(valid_values(items, name)) | set((vocab or {}).get(name, ()))
        unknown = [v for v in wanted if v not in valid]
        if unknown:
            shown = ", ".join(str(v) for v in sorted(valid, key=str))
            raise FilterError(
                f"unknown {name} value(s): {', '.join(map(str, unknown))}; valid values: {shown}"
            )


def validate_year_range(
    items: pd.DataFrame, year_range: tuple[int, int] | None, known: Iterable[Any] = ()
) -> None:
    """`--year-range FROM TO`: FROM ≤ TO and both within the data's years (those of `items`
    and the `known` ones, e.g. a database's), else `FilterError` naming the valid range (as an
    unknown `--year` names the valid years)."""
    if year_range is None:
        return
    lo, hi = year_range
    years = sorted(set(valid_values(items, "year")) | {int(y) for y in known})
    span = f"{years[0]}–{years[-1]}" if years else "none (no item has a year)"
    if lo > hi:
        raise FilterError(f"year range {lo} {hi}: FROM is after TO; valid range: {span}")
    outside = [y for y in (lo, hi) if not years or not years[0] <= y <= years[-1]]
    if outside:
        shown = ", ".join(map(str, dict.fromkeys(outside)))
        raise FilterError(f"year range {lo} {hi}: {shown} out of range; valid range: {span}")


def _matches_any(series: pd.Series, wanted: Sequence[str]) -> pd.Series:
    wanted_set = set(wanted)
    return series.map(lambda cell: bool(wanted_set.intersection(split_multi(cell))))


def mask(items: pd.DataFrame, filters: Filters) -> pd.Series:
    """Boolean mask of the rows that `filters` selects (pure; does not validate)."""
    keep = pd.Series(True, index=items.index)
    if filters.year:
        keep &= items["year"].isin([int(y) for y in filters.year])
    if filters.year_range is not None:
        lo, hi = filters.year_range
        keep &= items["year"].between(lo, hi).fillna(False).astype(bool)
    for name in ("kind", "category", "status", "period", "outcome"):
        wanted = getattr(filters, name)
        if wanted:
            keep &= items[name].isin(wanted) if name in items.columns else False
    for name in MULTI_VALUED:
        wanted = getattr(filters, name)
        if wanted:
            keep &= _matches_any(items[name], wanted)
    if filters.text.strip():
        needle = filters.text.strip().lower()
        haystack = (
            items["name"].fillna("").astype(str)
            + "\n"
            + items["location"].fillna("").astype(str)
            + "\n"
            + items["quote"].fillna("").astype(str)
        ).str.lower()
        keep &= haystack.str.contains(needle, regex=False)
    if filters.located_only and "geometry" in items.columns:
        geoms = items.geometry
        keep &= ~(geoms.isna() | geoms.is_empty)
    return keep


def apply_filters(items: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows of `items` that `filters` selects, in their original order."""
    return items[mask(items, filters)]


def filter_fields() -> list[str]:
    return [f.name for f in fields(Filters) if not f.name.startswith("_")]


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The filter options shared by `python -m geo export` and `python -m geo summary`.

    Each may be repeated or given several values (`--year 2024 2025`); values are OR-ed."""
    many: dict[str, Any] = {"nargs": "+", "action": "extend", "default": []}
    add = parser.add_argument
    add("--year", type=int, metavar="Y", help="year(s) the statement is about", **many)
    add("--year-range", type=int, nargs=2, metavar=("FROM", "TO"), help="years, inclusive")
    add("--kind", metavar="K", help="project, beautiful_block, park, zone, road", **many)
    add("--category", metavar="C", help="e.g. education, health, greening", **many)
    add("--status", metavar="S", help="planned, started, completed, ongoing, mentioned", **many)
    add("--period", metavar="P", help="review, plan, multi-year", **many)
    add("--subdistrict", metavar="NAME", help="街道/镇 the item lies in", **many)
    add("--zone", metavar="NAME", help="functional zone the item lies in", **many)
    outcomes = ", ".join(OUTCOMES)
    add("--outcome", metavar="O", help=f"what became of a plan: {outcomes}", **many)
    parser.add_argument("--text", default="", help="search name, location and quote")
    parser.add_argument("--located-only", action="store_true", help="drop unlocated items")


def filters_from_args(args: argparse.Namespace) -> Filters:
    """`Filters` from the options of `add_filter_arguments`."""
    return Filters(
        year=tuple(args.year),
        year_range=tuple(args.year_range) if args.year_range else None,
        kind=tuple(args.kind),
        category=tuple(args.category),
        status=tuple(args.status),
        period=tuple(args.period),
        subdistrict=tuple(args.subdistrict),
        zone=tuple(args.zone),
        outcome=tuple(getattr(args, "outcome", ())),
        text=args.text,
        located_only=args.located_only,
    )
