"""Tables drawn without vertical rules in a PDF page: columns from the alignment of their text.

A run of lines whose text keeps clear of the same gaps (gutters) is a table; rows come from
horizontal rules across it where it has them (a three-line table's body has none), else from
how its cells wrap. A table typed with spaces between its cells, columns not lined up, gives
its rows line by line. Justified prose and two columns of prose side by side are neither.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .pdfglyphs import GUTTER, TOLERANCE, Glyph, Line, cell_text, row_text, split_rows
from .pdfrules import Rule


def _union(runs: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for lo, hi in sorted(runs):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _gaps(union: Sequence[tuple[float, float]], width: float) -> list[tuple[float, float]]:
    """Gaps of at least ``width`` between the intervals of a `_union`."""
    return [(a[1], b[0]) for a, b in itertools.pairwise(union) if b[0] - a[1] >= width]


@dataclass
class _Region:
    """Lines that share column gaps (gutters): a table drawn without vertical rules.
    ``runs`` is the union of its lines' runs (a few intervals, whatever its length)."""

    lines: list[Line]
    runs: list[tuple[float, float]]
    gutters: list[tuple[float, float]]

    @classmethod
    def start(cls, line: Line) -> _Region:
        runs = _union(line.runs)
        return cls([line], runs, _gaps(runs, GUTTER * line.size))

    def take(self, line: Line) -> bool:
        """Add ``line`` if it is close below and keeps every gutter open."""
        last = self.lines[-1]
        if last.bottom - line.top > 1.2 * line.size:
            return False
        runs = _union(self.runs + line.runs)
        gaps = _gaps(runs, GUTTER * line.size)
        kept = [g for g in gaps if any(g[0] < b and a < g[1] for a, b in self.gutters)]
        if len(kept) < len(self.gutters):
            return False
        self.lines.append(line)
        self.runs, self.gutters = runs, kept
        return True

    def is_table(self) -> bool:
        """Two lines with text in two columns at least; a narrow column and no column wider
        than four fifths of the table. Prose is neither two columns side by side nor a
        justified paragraph whose word spaces line up by chance."""
        multi = [line for line in self.lines if len(line.runs) > 1]
        if not self.gutters or len(multi) < 2:
            return False
        edges = [min(a for a, _ in self.runs), *(x for g in self.gutters for x in g)]
        edges.append(max(b for _, b in self.runs))
        widths = [edges[i + 1] - edges[i] for i in range(0, len(edges), 2)]
        total = edges[-1] - edges[0]
        if min(widths) > 0.4 * total or max(widths) > 0.8 * total:
            return False
        return 2 * sum(_justified(line, edges[-1]) for line in multi) < len(multi)


def _justified(line: Line, margin: float) -> bool:
    """A line of justified prose: its spaces stretched evenly to end exactly at the margin."""
    runs = line.runs
    gaps = [runs[i + 1][0] - runs[i][1] for i in range(len(runs) - 1)]
    return max(gaps) - min(gaps) <= 0.1 * line.size and abs(runs[-1][1] - margin) <= 0.5


def region_lines(region: _Region, horizontal: Sequence[Rule]) -> list[str]:
    """One tab-separated line per row of an unruled (or horizontally ruled) table."""
    left = min(a for a, _ in region.runs)
    right = max(b for _, b in region.runs)
    rules = [
        r.at
        for r in horizontal
        if r.lo <= left + TOLERANCE
        and r.hi >= right - TOLERANCE
        and region.lines[-1].bottom < r.at < region.lines[0].top
    ]
    middles = [(a + b) / 2 for a, b in region.gutters]

    def column(g: Glyph) -> int:
        return bisect.bisect_right(middles, g.x)

    rows = split_rows(region.lines, column, rules)
    lines = [row_text(group, column, len(middles) + 1) for group in rows]
    return [line for line in lines if line.strip()]


def aligned_regions(lines: Sequence[Line]) -> list[_Region]:
    """Runs of lines whose text keeps to columns: tables drawn without vertical rules."""
    out: list[_Region] = []
    region: _Region | None = None
    for line in lines:
        if region is not None and region.take(line):
            continue
        if region is not None and region.is_table():
            out.append(region)
        region = _Region.start(line) if len(line.runs) > 1 else None
    if region is not None and region.is_table():
        out.append(region)
    return out


def gapped_rows(lines: Sequence[Line]) -> list[Line]:
    """Lines of a table whose columns do not line up (cells set apart by spaces): two or more
    lines in a row, each with cells apart by a column gap and one cell of two characters at
    least (a title spaced out letter by letter is not a table). A justified line of prose
    spreads its word spaces evenly to the right margin: not a row either."""
    margin = max((line.glyphs[-1].right for line in lines), default=0.0)

    def gapped(line: Line) -> bool:
        runs = line.runs
        if len(runs) < 2 or all(b - a <= 1.5 * line.size for a, b in runs):
            return False
        return not _justified(line, margin)

    out: list[Line] = []
    streak: list[Line] = []
    for line in [*lines, None]:
        if line is not None and gapped(line):
            if streak and streak[-1].bottom - line.top > 1.2 * line.size:
                out += streak if len(streak) >= 2 else []
                streak = []
            streak.append(line)
            continue
        if len(streak) >= 2:
            out += streak
        streak = []
    return out


def gapped_text(line: Line) -> str:
    cells: list[list[Glyph]] = []
    for g in line.glyphs:
        if cells and g.left - cells[-1][-1].right <= GUTTER * g.size:
            cells[-1].append(g)
        else:
            cells.append([g])
    return "\t".join(cell_text(cell) for cell in cells)
