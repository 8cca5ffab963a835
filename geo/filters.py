"""One filter for the CLI export and the app, so both select exactly the same items."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

from atlas.errors import UsageError
from geo.schema import MULTI_SEP, OUTCOMES, is_located


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
    present = items[column].dropna().unique()  # a few distinct cells, even at 100x the data
    if column in MULTI_VALUED:
        values: set[Any] = {v for cell in present for v in split_multi(cell)}
    else:
        values = set(present.tolist())
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
        keep &= is_located(items.geometry)
    return keep


def apply_filters(items: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows of `items` that `filters` selects, in their original order."""
    return items[mask(items, filters)]


def filter_fields() -> list[str]:
    return [f.name for f in fields(Filters) if not f.name.startswith("_")]


@dataclass(frozen=True)
class Option:
    """One filter option of the CLIs: the `Filters` field it sets and how argparse reads it.

    `OPTIONS` is the one table that `add_filter_arguments` (the parser), `filters_from_args`
    (parsed options → `Filters`) and `filter_arguments` (`Filters` → the option list, e.g. the
    page's "equivalent command") are built from, so the three cannot drift apart."""

    field: str
    form: str  # "many" (nargs="+", repeatable), "pair" (two values), "text", "flag"
    help: str
    metavar: str | tuple[str, str] | None = None
    type: type = str

    @property
    def flag(self) -> str:
        return "--" + self.field.replace("_", "-")

    def argparse_kwargs(self) -> dict[str, Any]:
        if self.form == "many":
            return {"nargs": "+", "action": "extend", "default": [], "type": self.type,
                    "metavar": self.metavar, "help": self.help}  # fmt: skip
        if self.form == "pair":
            return {"nargs": 2, "type": self.type, "metavar": self.metavar, "help": self.help}
        if self.form == "flag":
            return {"action": "store_true", "help": self.help}
        return {"default": "", "help": self.help}

    def value(self, parsed: Any) -> Any:
        """The `Filters` value of what argparse parsed."""
        if self.form == "many":
            return tuple(parsed or ())
        if self.form == "pair":
            return tuple(parsed) if parsed else None
        if self.form == "flag":
            return bool(parsed)
        return parsed or ""

    def arguments(self, value: Any) -> list[str]:
        """The command-line words that make argparse parse `value` (none for the default)."""
        if self.form == "flag":
            return [self.flag] if value else []
        if self.form == "text":
            # `--text=VALUE`: a value starting with "-" is not taken for an option
            return [f"{self.flag}={value}"] if value else []
        words = [str(v) for v in (value or ())]
        if not words:
            return []
        if self.form == "many" and any(w.startswith("-") for w in words):
            return [f"{self.flag}={w}" for w in words]  # a value like "-x" is not an option
        return [self.flag, *words]


#: The filter options shared by `python -m geo export` and `python -m geo summary`, in order.
OPTIONS: tuple[Option, ...] = (
    Option("year", "many", "year(s) the statement is about", "Y", int),
    Option("year_range", "pair", "years, inclusive", ("FROM", "TO"), int),
    Option("kind", "many", "project, beautiful_block, park, zone, road", "K"),
    Option("category", "many", "e.g. education, health, greening", "C"),
    Option("status", "many", "planned, started, completed, ongoing, mentioned", "S"),
    Option("period", "many", "review, plan, multi-year", "P"),
    Option("subdistrict", "many", "街道/镇 the item lies in", "NAME"),
    Option("zone", "many", "functional zone the item lies in", "NAME"),
    Option("outcome", "many", f"what became of a plan: {', '.join(OUTCOMES)}", "O"),
    Option("text", "text", "search name, location and quote"),
    Option("located_only", "flag", "drop unlocated items"),
)


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The filter options shared by `python -m geo export` and `python -m geo summary`.

    Each may be repeated or given several values (`--year 2024 2025`); values are OR-ed."""
    for option in OPTIONS:
        parser.add_argument(option.flag, **option.argparse_kwargs())


def filters_from_args(args: argparse.Namespace) -> Filters:
    """`Filters` from the options of `add_filter_arguments`."""
    return Filters(**{o.field: o.value(getattr(args, o.field)) for o in OPTIONS})


def filter_arguments(filters: Filters) -> list[str]:
    """The options that select `filters` (the inverse of `filters_from_args`): parsing them
    with `add_filter_arguments` gives `filters` back."""
    return [word for o in OPTIONS for word in o.arguments(getattr(filters, o.field))]
