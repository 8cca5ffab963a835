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
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
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


# --------------------------------------------------------------------------- glyphs

_GENERATED = -1
#: A gap wider than this (in font sizes) between two glyphs of a line is a space …
SPACE = 0.15
#: … and wider than this, a column gap (a cell's padding on both sides; a word space is
#: about a quarter of the font size).
GUTTER = 0.45


@dataclass(frozen=True)
class Glyph:
    """A character drawn on the page: its index in PDFium's text stream and its box (the
    font's box: line height and advance, so neighbours in a word touch)."""

    index: int
    char: str
    left: float
    bottom: float
    right: float
    top: float
    size: float

    @property
    def x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def y(self) -> float:
        return (self.bottom + self.top) / 2


def glyphs(textpage: Any) -> list[Glyph]:
    """The page's drawn, non-blank characters in stream order (PDFium's generated spaces and
    line breaks, and blank characters, are left out: gaps say the same)."""
    import pypdfium2.raw as raw

    handle = textpage.raw
    rect = raw.FS_RECTF()
    out = []
    for i in range(textpage.count_chars()):
        if raw.FPDFText_IsGenerated(handle, i):
            continue
        char = chr(raw.FPDFText_GetUnicode(handle, i) or 0xFFFD)
        if char.isspace() or not raw.FPDFText_GetLooseCharBox(handle, i, rect):
            continue
        if rect.right <= rect.left or rect.top <= rect.bottom:
            continue
        size = raw.FPDFText_GetFontSize(handle, i) or (rect.top - rect.bottom)
        out.append(Glyph(i, char, rect.left, rect.bottom, rect.right, rect.top, size))
    return out


def cell_text(chars: Sequence[Glyph]) -> str:
    """The text of glyphs in reading order: a gap makes a space; a line wrapped inside the
    cell joins its next without one, unless both ends are Latin letters or digits (a word
    wrapped at a space), as the cell reads in the .docx."""
    out: list[str] = []
    previous: Glyph | None = None
    for g in chars:
        if previous is not None:
            wrapped = not previous.bottom < g.y < previous.top or g.left < previous.left
            words = previous.char.isascii() and g.char.isascii()
            if (wrapped and words) or (not wrapped and g.left - previous.right > SPACE * g.size):
                out.append(" ")
        out.append(g.char)
        previous = g
    return " ".join("".join(out).replace("\t", " ").split())


# --------------------------------------------------------------------------- ruled tables


def grid_lines(grid: Grid, chars: Sequence[Glyph]) -> list[str]:
    """One tab-separated line per row of a ruled table (empty rows dropped), a merged cell
    once: its text in the row where it starts, an empty cell in the rows it spans below. A
    table ruled only around (and under its header) has its rows found as an unruled one's."""
    layout = grid.cells()
    origin: dict[int, list[Glyph]] = {}
    where: dict[int, tuple[int, int]] = {}
    for g in chars:
        r, c = grid.cell_at(g.x, g.y)
        where[g.index] = layout[r][c]
        origin.setdefault(layout[r][c][0], []).append(g)
    lines = []
    for r, row in enumerate(layout):
        positions = [cell for c, cell in enumerate(row) if not c or cell != row[c - 1]]

        def column(g: Glyph, positions: list[tuple[int, int]] = positions) -> int:
            return positions.index(where[g.index])

        visual = _visual_lines(origin.get(r, []))
        rows = _split_rows(visual, column) if len(grid.ys) <= 3 else [visual]
        lines += [_row_text(group, column, len(positions)) for group in rows]
    return [line for line in lines if line.strip()]


def _split_rows(
    lines: Sequence[_Line], column: Callable[[Glyph], int], rules: Sequence[float] = ()
) -> list[list[_Line]]:
    """Lines grouped into table rows. With horizontal ``rules`` (y) across the table, a row
    is what lies between two. Without, a line continues the row above only if each of its
    cells continues a cell wrapped on the line above: one whose text ran so close to the
    column's widest text that the next word would not have fitted (cells start on a row's
    first line, as Word, WPS and LibreOffice align them)."""
    cells = [_by_column(line, column) for line in lines]
    limit: dict[int, float] = {}
    for line_cells in cells:
        for c, glyphs in line_cells.items():
            limit[c] = max(limit.get(c, glyphs[-1].right), glyphs[-1].right)
    rows: list[list[_Line]] = []
    band: int | None = None
    for i, line in enumerate(lines):
        if rules:
            here = sum(r > line.top - TOLERANCE for r in rules)  # rules above this line
            new_row = here != band
            band = here
        else:
            above = cells[i - 1] if i else {}
            new_row = not all(
                c in above and above[c][-1].right + _lead(glyphs) > limit[c] + 0.5
                for c, glyphs in cells[i].items()
            )
        if new_row or not rows:
            rows.append([])
        rows[-1].append(line)
    return rows


def _by_column(line: _Line, column: Callable[[Glyph], int]) -> dict[int, list[Glyph]]:
    out: dict[int, list[Glyph]] = {}
    for g in line.glyphs:
        out.setdefault(column(g), []).append(g)
    return out


#: Characters that may not start a line (Chinese line breaking moves one more onto it).
_NO_START = set("，。、；：？！）》」』”’%")


def _lead(glyphs: Sequence[Glyph]) -> float:
    """Width of what a line wrap moved down: the first word (Latin letters and digits wrap
    whole), or the first character and a following one that may not start a line."""
    end = 1
    if glyphs[0].char.isascii() and glyphs[0].char.isalnum():
        while end < len(glyphs) and glyphs[end].char.isascii() and glyphs[end].char.isalnum():
            end += 1
    elif len(glyphs) > 1 and glyphs[0].char in _NO_START:
        end = 2
    return glyphs[end - 1].right - glyphs[0].left


def _row_text(lines: Sequence[_Line], column: Callable[[Glyph], int], columns: int) -> str:
    cells: list[list[Glyph]] = [[] for _ in range(columns)]
    for line in lines:
        for g in line.glyphs:
            cells[column(g)].append(g)
    return "\t".join(cell_text(cell) for cell in cells)


# --------------------------------------------------------------------------- aligned tables


@dataclass
class _Line:
    """Glyphs on one baseline, left to right, and the runs they form (split at gutters)."""

    glyphs: list[Glyph]

    @property
    def top(self) -> float:
        return max(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return min(g.bottom for g in self.glyphs)

    @property
    def size(self) -> float:
        return max(g.size for g in self.glyphs)

    def runs(self) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for g in self.glyphs:
            if out and g.left - out[-1][1] <= GUTTER * g.size:
                out[-1] = (out[-1][0], max(out[-1][1], g.right))
            else:
                out.append((g.left, g.right))
        return out


def _visual_lines(chars: Sequence[Glyph]) -> list[_Line]:
    """Glyphs grouped into lines by their vertical middle, top to bottom."""
    lines: list[_Line] = []
    middle = 0.0
    for g in sorted(chars, key=lambda g: -g.y):
        if lines and middle - g.y <= 0.3 * g.size:
            lines[-1].glyphs.append(g)
        else:
            lines.append(_Line([g]))
            middle = g.y
    for line in lines:
        line.glyphs.sort(key=lambda g: g.left)
    return lines


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

    lines: list[_Line]
    runs: list[tuple[float, float]]
    gutters: list[tuple[float, float]]

    @classmethod
    def start(cls, line: _Line) -> _Region:
        runs = _union(line.runs())
        return cls([line], runs, _gaps(runs, GUTTER * line.size))

    def take(self, line: _Line) -> bool:
        """Add ``line`` if it is close below and keeps every gutter open."""
        last = self.lines[-1]
        if last.bottom - line.top > 1.2 * line.size:
            return False
        runs = _union(self.runs + line.runs())
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
        multi = [line for line in self.lines if len(line.runs()) > 1]
        if not self.gutters or len(multi) < 2:
            return False
        edges = [min(a for a, _ in self.runs), *(x for g in self.gutters for x in g)]
        edges.append(max(b for _, b in self.runs))
        widths = [edges[i + 1] - edges[i] for i in range(0, len(edges), 2)]
        total = edges[-1] - edges[0]
        if min(widths) > 0.4 * total or max(widths) > 0.8 * total:
            return False
        return 2 * sum(_justified(line, edges[-1]) for line in multi) < len(multi)


def _justified(line: _Line, margin: float) -> bool:
    """A line of justified prose: its spaces stretched evenly to end exactly at the margin."""
    runs = line.runs()
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

    rows = _split_rows(region.lines, column, rules)
    lines = [_row_text(group, column, len(middles) + 1) for group in rows]
    return [line for line in lines if line.strip()]


def aligned_regions(lines: Sequence[_Line]) -> list[_Region]:
    """Runs of lines whose text keeps to columns: tables drawn without vertical rules."""
    out: list[_Region] = []
    region: _Region | None = None
    for line in lines:
        if region is not None and region.take(line):
            continue
        if region is not None and region.is_table():
            out.append(region)
        region = _Region.start(line) if len(line.runs()) > 1 else None
    if region is not None and region.is_table():
        out.append(region)
    return out


def gapped_rows(lines: Sequence[_Line]) -> list[_Line]:
    """Lines of a table whose columns do not line up (cells set apart by spaces): two or more
    lines in a row, each with cells apart by a column gap and one cell of two characters at
    least (a title spaced out letter by letter is not a table). A justified line of prose
    spreads its word spaces evenly to the right margin: not a row either."""
    margin = max((line.glyphs[-1].right for line in lines), default=0.0)

    def gapped(line: _Line) -> bool:
        runs = line.runs()
        if len(runs) < 2 or all(b - a <= 1.5 * line.size for a, b in runs):
            return False
        return not _justified(line, margin)

    out: list[_Line] = []
    streak: list[_Line] = []
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


def gapped_text(line: _Line) -> str:
    cells: list[list[Glyph]] = []
    for g in line.glyphs:
        if cells and g.left - cells[-1][-1].right <= GUTTER * g.size:
            cells[-1].append(g)
        else:
            cells.append([g])
    return "\t".join(cell_text(cell) for cell in cells)


# --------------------------------------------------------------------------- the page


def page_text(page: Any, textpage: Any) -> str:
    """The page's text as PDFium gives it, with every table replaced, where it starts, by its
    rows (one tab-separated line each): ruled tables first, then tables whose columns show
    only in the alignment of their text."""
    chars = glyphs(textpage)
    rules = _rules(page)
    horizontal, vertical = rules if rules else ([], [])
    grids = [
        grid  # a cross of two strokes or a frame around a word is not a table
        for grid in find_grids(horizontal, vertical)
        if len({grid.cell_at(g.x, g.y) for g in chars if grid.contains(g.x, g.y)}) > 1
    ]
    owner: list[int | None] = [_GENERATED] * textpage.count_chars()
    tables: list[list[str]] = []
    inside: list[list[Glyph]] = [[] for _ in grids]
    rest = []
    for g in chars:
        where = next((k for k, grid in enumerate(grids) if grid.contains(g.x, g.y)), None)
        owner[g.index] = where
        if where is None:
            rest.append(g)
        else:
            inside[where].append(g)
    tables = [grid_lines(grid, cells) for grid, cells in zip(grids, inside, strict=True)]
    if rules is not None:
        lines = _visual_lines(rest)
        regions = aligned_regions(lines)
        for region in regions:
            for line in region.lines:
                for g in line.glyphs:
                    owner[g.index] = len(tables)
            tables.append(region_lines(region, horizontal))
        taken = {id(line) for region in regions for line in region.lines}
        for line in gapped_rows([line for line in lines if id(line) not in taken]):
            for g in line.glyphs:
                owner[g.index] = len(tables)
            tables.append([gapped_text(line)])
    if not tables:
        return textpage.get_text_range()
    return _splice(textpage, owner, tables)


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
            run = textpage.get_text_range(i, j - i)
            if out and out[-1].endswith("\t\n") and run[:1] in ("\r", "\n"):
                run = run.lstrip("\r\n")  # the break after a table's last row is written
            out.append(run)
        elif g not in written:
            written.add(g)
            if tables[g]:
                before = "" if not out or out[-1].endswith(("\r\n", "\n")) else "\n"
                out.append(before + "\n".join(tables[g]) + "\t\n")
        i = j
    return "".join(out).replace("\t\n", "\n")
