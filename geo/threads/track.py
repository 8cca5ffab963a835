"""`python -m geo track [--thread ID | --name TEXT]`: the story of a project across reports.

Without options it lists the threads mentioned in two reports or more; with `--thread` or
`--name` it prints each matching thread's timeline, one mention a line in publication order:
year, report, period, status (and a plan's outcome), quote.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from atlas.errors import UsageError
from geo.threads.links import timeline


class TrackError(UsageError):
    """No thread has the id, or none matches the name."""


def _cell(value: object) -> str:
    if value is None or value is pd.NA:
        return ""
    return "" if isinstance(value, float) and math.isnan(value) else str(value)


def _one_line(text: object) -> str:
    return " ".join(_cell(text).split())


def format_timeline(items: pd.DataFrame, thread: pd.Series) -> str:
    """A thread's header line, then one tab-separated line per mention."""
    head = (
        f"{thread['thread']}  {_one_line(thread['label'])}  ({_cell(thread['kind'])}; "
        f"{_cell(thread['mentions'])} mentions in {_cell(thread['reports'])} reports, "
        f"{_cell(thread['first_year'])}–{_cell(thread['last_year'])}; latest "
        f"{_cell(thread['latest_status'])}; outcome {_cell(thread['outcome']) or '–'})"
    )
    lines = [head]
    for row in timeline(items, str(thread["thread"])).to_dict("records"):
        status = _cell(row["status"]) + (f" → {row['outcome']}" if _cell(row["outcome"]) else "")
        report = _one_line(row.get("doc_title") or row.get("doc"))
        fields = [_cell(row["year"]), report, _cell(row["period"]), status]
        lines.append("  " + "\t".join([*fields, _one_line(row["quote"])]))
    return "\n".join(lines)


def select_threads(threads: pd.DataFrame, items: pd.DataFrame, thread: str | None,
                   name: str | None) -> pd.DataFrame:  # fmt: skip
    """The threads `--thread` or `--name` asks for (`TrackError` when none)."""
    if thread:
        chosen = threads[threads["thread"] == thread]
        if chosen.empty:
            raise TrackError(f"no thread {thread!r} (`python -m geo track` lists them)")
        return chosen
    needle = (name or "").strip().lower()
    hits = items[items["name"].fillna("").str.lower().str.contains(needle, regex=False)]
    chosen = threads[
        threads["thread"].isin(set(hits["thread"]))
        | threads["label"].fillna("").str.lower().str.contains(needle, regex=False)
    ]
    if chosen.empty:
        raise TrackError(f"no thread has a mention named like {name!r}")
    return chosen


def listing(threads: pd.DataFrame, min_reports: int = 2) -> Iterable[str]:
    """One line per thread seen in `min_reports` reports or more."""
    for row in threads[threads["reports"] >= min_reports].to_dict("records"):
        yield (
            f"{row['thread']}\t{_one_line(row['label'])}\t{row['mentions']} mentions\t"
            f"{row['reports']} reports\t{_cell(row['first_year'])}–{_cell(row['last_year'])}\t"
            f"{_cell(row['outcome']) or '–'}"
        )
