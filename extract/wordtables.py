"""Word tables as data: ``extract/data/*.tsv`` (word, role, kind, category, note), read once.

The vocabulary of the genre lives in data files so that it can be read, reviewed and extended
without touching code; the modules that use it (``extract.lexicon``, ``extract.vocab``) turn
the rows into the tuples and dicts the rules need.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

COLUMNS = ("word", "role", "kind", "category", "note")


@dataclass(frozen=True)
class Row:
    """One word of a table: what it is for (``role``), the kind/category it gives, and why."""

    word: str
    role: str
    kind: str
    category: str
    note: str


@cache
def load(name: str) -> tuple[Row, ...]:
    """The rows of ``extract/data/<name>.tsv`` in file order (``#`` lines are comments)."""
    text = resources.files(__package__).joinpath(f"data/{name}.tsv").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    if tuple(header) != COLUMNS:
        raise ValueError(f"{name}.tsv: columns {header}, expected {list(COLUMNS)}")
    rows = []
    for cells in reader:
        cells += [""] * (len(COLUMNS) - len(cells))
        rows.append(Row(*cells[: len(COLUMNS)]))
    return tuple(rows)


def words(name: str, role: str) -> tuple[str, ...]:
    """The words of ``role`` in table ``name``, in file order."""
    return tuple(r.word for r in load(name) if r.role == role)


def typed(name: str, role: str) -> dict[str, tuple[str, str]]:
    """``word → (kind, category)`` for the rows of ``role``."""
    return {r.word: (r.kind, r.category) for r in load(name) if r.role == role}
