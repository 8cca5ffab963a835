"""Ruled tables in a PDF page: the strokes Word, WPS, LibreOffice and fpdf2 draw as a table's
borders (PDFium path objects), snapped into a grid of rows and columns.

A table drawn with inner rules only (no frame) takes its outer bounds from the ends of its
rules; a missing rule merges two cells. The work is bounded per page: a page with more
strokes than any table has (a chart, a map) has no ruled tables.
"""

from __future__ import annotations

import bisect
import ctypes
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .pdfglyphs import TOLERANCE, Glyph, row_text, split_rows, visual_lines

#: Shorter strokes are tick marks, not rules.
MIN_RULE = 3.0
#: A page with more strokes than this is a drawing, not a page of tables.
MAX_SEGMENTS = 20_000
#: Merged rules (horizontal × vertical) compared when finding tables: bounds the work per page.
MAX_PAIRS = 250_000


@dataclass(frozen=True)
class Rule:
    """A horizontal (``at`` is y, ``lo..hi`` are x) or vertical (``at`` is x) rule."""

    at: float
    lo: float
    hi: float

    def covers(self, value: float) -> bool:
        return self.lo - TOLERANCE <= value <= self.hi + TOLERANCE


@dataclass(frozen=True)
class Grid:
    """A ruled table: column bounds ``xs`` left → right, row bounds ``ys`` top → bottom (PDF
    y grows upwards), and the rules that separate (or, missing, merge) its cells."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    horizontal: tuple[Rule, ...]
    vertical: tuple[Rule, ...]

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x <= self.xs[-1] and self.ys[-1] <= y <= self.ys[0]

    def cell_at(self, x: float, y: float) -> tuple[int, int]:
        column = min(max(bisect.bisect_right(self.xs, x) - 1, 0), len(self.xs) - 2)
        row = len(self.ys) - 1 - bisect.bisect_left(self.ys[::-1], y)  # ys run downwards
        return min(max(row, 0), len(self.ys) - 2), column

    def _ruled(self, rules: Iterable[Rule], at: float, across: float) -> bool:
        return any(abs(r.at - at) <= TOLERANCE and r.covers(across) for r in rules)

    def cells(self) -> list[list[tuple[int, int]]]:
        """``cells()[r][c]``: the (row, column) where the cell covering grid square (r, c)
        starts — itself, or the square to its left / above when no rule divides them."""
        out: list[list[tuple[int, int]]] = []
        for r in range(len(self.ys) - 1):
            mid_y = (self.ys[r] + self.ys[r + 1]) / 2
            row: list[tuple[int, int]] = []
            for c in range(len(self.xs) - 1):
                mid_x = (self.xs[c] + self.xs[c + 1]) / 2
                if c and not self._ruled(self.vertical, self.xs[c], mid_y):
                    row.append(row[-1])
                elif r and not self._ruled(self.horizontal, self.ys[r], mid_x):
                    row.append(out[-1][c])
                else:
                    row.append((r, c))
            out.append(row)
        return out


def _segments(page: Any) -> Iterator[tuple[float, float, float, float]]:
    """Straight segments ``(x0, y0, x1, y1)`` of the page's visible top-level paths, in page
    coordinates (a rectangle gives its four sides)."""
    import pypdfium2.raw as raw

    fill, stroke = ctypes.c_int(), ctypes.c_int()
    x, y = ctypes.c_float(), ctypes.c_float()
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,), max_depth=0):
        handle = obj.raw
        if not raw.FPDFPath_GetDrawMode(handle, fill, stroke):
            continue
        if fill.value == raw.FPDF_FILLMODE_NONE and not stroke.value:
            continue  # invisible (a clip or a layout box)
        matrix = obj.get_matrix()
        start = last = None
        for i in range(raw.FPDFPath_CountSegments(handle)):
            segment = raw.FPDFPath_GetPathSegment(handle, i)
            if not raw.FPDFPathSegment_GetPoint(segment, x, y):
                continue
            point = matrix.on_point(x.value, y.value)
            kind = raw.FPDFPathSegment_GetType(segment)
            if kind == raw.FPDF_SEGMENT_MOVETO:
                start = last = point
                continue
            if kind == raw.FPDF_SEGMENT_LINETO and last is not None:
                yield (*last, *point)
            last = point
            if raw.FPDFPathSegment_GetClose(segment) and start is not None:
                yield (*point, *start)
                last = start


def _merge(lines: list[tuple[float, float, float]]) -> list[Rule]:
    """``(at, lo, hi)`` strokes → rules: positions within `TOLERANCE` snapped together,
    touching or overlapping pieces of one line joined."""
    out: list[Rule] = []
    lines.sort()
    i = 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and lines[j + 1][0] - lines[j][0] <= TOLERANCE:
            j += 1
        group = lines[i : j + 1]
        at = sum(g[0] for g in group) / len(group)
        pieces = sorted((lo, hi) for _, lo, hi in group)
        lo, hi = pieces[0]
        for a, b in pieces[1:]:
            if a <= hi + TOLERANCE:
                hi = max(hi, b)
            else:
                out.append(Rule(at, lo, hi))
                lo, hi = a, b
        out.append(Rule(at, lo, hi))
        i = j + 1
    return out


def rules(page: Any) -> tuple[list[Rule], list[Rule]] | None:
    """Horizontal and vertical rules of a page; None when there are too many strokes."""
    horizontal: list[tuple[float, float, float]] = []
    vertical: list[tuple[float, float, float]] = []
    for n, (x0, y0, x1, y1) in enumerate(_segments(page)):
        if n >= MAX_SEGMENTS:
            return None
        if abs(y1 - y0) <= 0.5 and abs(x1 - x0) >= MIN_RULE:
            horizontal.append((y0, min(x0, x1), max(x0, x1)))
        elif abs(x1 - x0) <= 0.5 and abs(y1 - y0) >= MIN_RULE:
            vertical.append((x0, min(y0, y1), max(y0, y1)))
    return _merge(horizontal), _merge(vertical)


def _snap(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= TOLERANCE:
            continue
        out.append(v)
    return out


def find_grids(horizontal: Sequence[Rule], vertical: Sequence[Rule]) -> list[Grid]:
    """Tables: sets of crossing rules with at least two columns. A table drawn with inner
    rules only (no frame) takes its outer bounds from the ends of its rules."""
    if not horizontal or not vertical or len(horizontal) * len(vertical) > MAX_PAIRS:
        return []
    parent = list(range(len(horizontal) + len(vertical)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(horizontal):
        for j, v in enumerate(vertical):
            if h.covers(v.at) and v.covers(h.at):
                parent[find(i)] = find(len(horizontal) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(horizontal):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vertical):
        groups.setdefault(find(len(horizontal) + j), ([], []))[1].append(v)
    grids = []
    for hs, vs in groups.values():
        if not hs or not vs:
            continue
        xs = _snap([v.at for v in vs] + [min(h.lo for h in hs), max(h.hi for h in hs)])
        ys = _snap([h.at for h in hs] + [min(v.lo for v in vs), max(v.hi for v in vs)])
        if len(xs) >= 3 and len(ys) >= 2:
            grids.append(Grid(tuple(xs), tuple(reversed(ys)), tuple(hs), tuple(vs)))
    return grids


def grid_lines(grid: Grid, chars: Sequence[Glyph]) -> list[str]:
    """One tab-separated line per row of a ruled table (empty rows dropped), a merged cell
    once: its text in the row where it starts, an empty cell in the rows it spans below. A
    table ruled only around (and under its header) has its rows found as an unruled one's."""
    layout = grid.cells()
    origin: dict[int, list[Glyph]] = {}
    where: dict[int, tuple[int, int]] = {}
    for g in chars:
        r, c = grid.cell_at(g.x, g.y)
        where[g.at] = layout[r][c]
        origin.setdefault(layout[r][c][0], []).append(g)
    lines = []
    for r, row in enumerate(layout):
        positions = [cell for c, cell in enumerate(row) if not c or cell != row[c - 1]]

        def column(g: Glyph, positions: list[tuple[int, int]] = positions) -> int:
            return positions.index(where[g.at])

        visual = visual_lines(origin.get(r, []))
        rows = split_rows(visual, column) if len(grid.ys) <= 3 else [visual]
        lines += [row_text(group, column, len(positions)) for group in rows]
    return [line for line in lines if line.strip()]
