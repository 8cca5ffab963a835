"""Table rows: one item per row, placed by the row's location column.

A table whose header names a location column (建设地点, 地点, 位置, 地址 …) lists one project per
row: the item is found in the other cells and its ``location`` is the location cell, which
is never an item of its own. Tables without such a column (类别 | 完成情况 …) are read as text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from .segment import Sentence
from .spans import Span

#: Header cells of a location column.
LOCATION_HEADERS = re.compile(
    r"^(?:建设|实施|项目)?(?:地点|位置|地址|选址|所在地|所在街道|所在街镇)$"
)


def cells(row: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each tab-separated cell of ``row``."""
    out, start = [], 0
    for i, c in enumerate(row + "\t"):
        if c == "\t":
            out.append((start, i))
            start = i + 1
    return out


class TableReader:
    """Follows the tables of a report sentence by sentence (headers come before rows)."""

    def __init__(self) -> None:
        self.location_column: int | None = None
        self.header_cells = 0

    def read(self, sent: Sentence, spans: Sequence[Span]) -> list[Span]:
        """The spans of ``sent`` as items: unchanged outside a located table."""
        if not sent.table:
            self.location_column = None
            return list(spans)
        bounds = cells(sent.text)
        header = [
            i for i, (a, b) in enumerate(bounds) if LOCATION_HEADERS.match(sent.text[a:b].strip())
        ]
        if header:
            self.location_column, self.header_cells = header[0], len(bounds)
            return []
        col = self.location_column
        if col is None:
            return list(spans)
        # a header whose first cells were merged away (a wrapped caption) aligns from the right
        col += max(0, len(bounds) - self.header_cells)
        if col >= len(bounds):
            return list(spans)
        a, b = bounds[col]
        location = sent.text[a:b].strip()
        kept = [s for s in spans if not (a <= s.start < b)]
        return [s if s.location else dataclasses.replace(s, location=location) for s in kept]
