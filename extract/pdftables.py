"""PDF tables as tables: rows and cells from a page's ruling lines and character positions.

A PDF has no tables, only glyphs at positions and lines drawn between them. PDFium's text
stream gives a table's cells one after the other (``序号 项目名称 … 1`` / ``延长中路601号…``),
so the row number runs into the name and a cell wrapped onto two lines reads as two items.
Word, WPS, LibreOffice and fpdf2 all draw a table's borders as straight strokes; this module
finds them (PDFium path objects), snaps them into a grid, puts every character whose centre
falls in a cell into that cell, and writes each row as one tab-separated line — the shape the
.docx reader gives (`extract.documents`), so that `extract.tables` reads both the same.

Text outside tables, and pages without ruled tables, come out exactly as PDFium extracts them.
Work is linear in the page's characters and drawing segments; a page with more strokes than
any table has (a chart, a map) is read as text.
"""

from __future__ import annotations

import bisect
import ctypes
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

#: Strokes closer than this (PDF points) are one line; a table's rules are ≥ 1 pt apart.
TOLERANCE = 2.0
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
        down = [-v for v in self.ys]  # ascending for bisect
        row = min(max(bisect.bisect_right(down, -y) - 1, 0), len(self.ys) - 2)
        return row, column

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


# --------------------------------------------------------------------------- rules


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


def _rules(page: Any) -> tuple[list[Rule], list[Rule]] | None:
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


# --------------------------------------------------------------------------- text

_GENERATED = -1


@dataclass
class _Cell:
    chars: list[tuple[str, float, float, float]]  # (char, bottom, top, left)

    def text(self) -> str:
        """The cell's characters in stream order; a wrapped line joins with a space (dropped
        between Chinese characters by the normaliser, as for a .docx cell's lines)."""
        out: list[str] = []
        previous: tuple[str, float, float, float] | None = None
        for char in self.chars:
            _, bottom, top, left = char
            if previous is not None:
                _, p_bottom, p_top, p_left = previous
                middle = (bottom + top) / 2
                if middle < p_bottom or middle > p_top or left < p_left - TOLERANCE:
                    out.append(" ")
            out.append(char[0])
            previous = char
        return " ".join("".join(out).replace("\t", " ").split())


def table_lines(grid: Grid, cells: dict[tuple[int, int], _Cell]) -> list[str]:
    """One tab-separated line per row (empty rows dropped), a merged cell once: its text in
    the row where it starts, an empty cell in the rows it spans below."""
    layout = grid.cells()
    lines = []
    for r, row in enumerate(layout):
        out = []
        for c, origin in enumerate(row):
            if c and origin == row[c - 1]:
                continue
            cell = cells.get(origin)
            out.append(cell.text() if cell is not None and origin[0] == r else "")
        if any(out):
            lines.append("\t".join(out))
    return lines


def page_text(page: Any, textpage: Any) -> str:
    """The page's text as PDFium gives it, with every ruled table replaced, where it starts,
    by its rows (one tab-separated line each)."""
    rules = _rules(page)
    grids = find_grids(*rules) if rules else []
    if not grids:
        return textpage.get_text_range()
    import pypdfium2.raw as raw

    count = textpage.count_chars()
    owner: list[int | None] = [None] * count  # the grid each character belongs to
    cells: list[dict[tuple[int, int], _Cell]] = [{} for _ in grids]
    left, right = ctypes.c_double(), ctypes.c_double()
    bottom, top = ctypes.c_double(), ctypes.c_double()
    last: tuple[int, tuple[int, int]] | None = None  # grid and cell of the last glyph
    for i in range(count):
        if raw.FPDFText_IsGenerated(textpage.raw, i):
            owner[i] = _GENERATED
            continue
        char = chr(raw.FPDFText_GetUnicode(textpage.raw, i) or 0xFFFD)
        box = raw.FPDFText_GetCharBox(textpage.raw, i, left, right, bottom, top)
        if char.isspace() or not box or right.value <= left.value:
            if last is not None:  # a space inside a cell stays in it
                owner[i] = last[0]
                cells[last[0]][last[1]].chars.append((" ", bottom.value, top.value, left.value))
            continue
        x, y = (left.value + right.value) / 2, (bottom.value + top.value) / 2
        last = None
        for g, grid in enumerate(grids):
            if grid.contains(x, y):
                key = grid.cell_at(x, y)
                cells[g].setdefault(key, _Cell([])).chars.append(
                    (char, bottom.value, top.value, left.value)
                )
                owner[i] = g
                last = (g, key)
                break
    return _splice(textpage, owner, [table_lines(g, c) for g, c in zip(grids, cells, strict=True)])


def _splice(textpage: Any, owner: list[int | None], tables: list[list[str]]) -> str:
    """PDFium's text of the runs of characters outside tables, and each table's lines where
    its first character was. ``owner[i]``: the table of character ``i``, None outside tables,
    `_GENERATED` for a break PDFium inserted (the table's when both neighbours are in it)."""
    count = len(owner)
    after: list[int | None] = [None] * count
    following: int | None = None
    for i in range(count - 1, -1, -1):
        after[i] = following
        if owner[i] != _GENERATED:
            following = owner[i]
    resolved: list[int | None] = []
    before: int | None = None
    for i in range(count):
        g = owner[i]
        if g == _GENERATED:
            g = before if before is not None and after[i] == before else None
        else:
            before = g
        resolved.append(g)
    out: list[str] = []
    written: set[int] = set()
    i = 0
    while i < count:
        g = resolved[i]
        j = i
        while j < count and resolved[j] == g:
            j += 1
        if g is None:
            out.append(textpage.get_text_range(i, j - i))
        elif g not in written:
            written.add(g)
            if tables[g]:
                out.append("\n" + "\n".join(tables[g]) + "\n")
        i = j
    return "".join(out)
