"""Glyphs, lines and rows of a PDF page: the geometry `extract.pdftables` reads tables from.

PDFium gives each character its index in the page's text stream and its box. Boxes are taken
from the font (line height and advance), so the characters of a word touch and a gap is a
space or a column gap. A line is the glyphs on one baseline; a table row is one line, or
several when a cell wraps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

#: Positions closer than this (PDF points) are one; a table's rules are ≥ 1 pt apart.
TOLERANCE = 2.0
#: A gap wider than this (in font sizes) between two glyphs of a line is a space …
SPACE = 0.15
#: … and wider than this, a column gap (a cell's padding on both sides; a word space is
#: about a quarter of the font size).
GUTTER = 0.45


class Glyph(NamedTuple):
    """A character drawn on the page: its index in PDFium's text stream and its box (the
    font's box: line height and advance, so neighbours in a word touch). A tuple: a page
    makes thousands."""

    at: int
    char: str
    left: float
    bottom: float
    right: float
    top: float
    size: float
    x: float  # the middle of the box
    y: float


def glyphs(textpage: Any) -> list[Glyph]:
    """The page's drawn, non-blank characters in stream order. Blanks — spaces, and the spaces
    and line breaks PDFium generates — are left out: the gaps say the same."""
    import pypdfium2.raw as raw

    handle = textpage.raw
    rect = raw.FS_RECTF()
    unicode, box, font_size = (
        raw.FPDFText_GetUnicode,
        raw.FPDFText_GetLooseCharBox,
        raw.FPDFText_GetFontSize,
    )
    out = []
    for i in range(textpage.count_chars()):
        char = chr(unicode(handle, i) or 0xFFFD)
        if char.isspace() or not box(handle, i, rect):
            continue
        if rect.right <= rect.left or rect.top <= rect.bottom:
            continue
        size = font_size(handle, i) or (rect.top - rect.bottom)
        left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
        out.append(
            Glyph(i, char, left, bottom, right, top, size, (left + right) / 2, (bottom + top) / 2)
        )
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


@dataclass
class Line:
    """Glyphs on one baseline, left to right, and the runs they form (split at gutters);
    measured once the line is whole."""

    glyphs: list[Glyph]

    @cached_property
    def top(self) -> float:
        return max(g.top for g in self.glyphs)

    @cached_property
    def bottom(self) -> float:
        return min(g.bottom for g in self.glyphs)

    @cached_property
    def size(self) -> float:
        return max(g.size for g in self.glyphs)

    @cached_property
    def runs(self) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for g in self.glyphs:
            if out and g.left - out[-1][1] <= GUTTER * g.size:
                out[-1] = (out[-1][0], max(out[-1][1], g.right))
            else:
                out.append((g.left, g.right))
        return out


def visual_lines(chars: Sequence[Glyph]) -> list[Line]:
    """Glyphs grouped into lines by their vertical middle, top to bottom."""
    lines: list[Line] = []
    middle = 0.0
    for g in sorted(chars, key=lambda g: -g.y):
        if lines and middle - g.y <= 0.3 * g.size:
            lines[-1].glyphs.append(g)
        else:
            lines.append(Line([g]))
            middle = g.y
    for line in lines:
        line.glyphs.sort(key=lambda g: g.left)
    return lines


def split_rows(
    lines: Sequence[Line], column: Callable[[Glyph], int], rules: Sequence[float] = ()
) -> list[list[Line]]:
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
    rows: list[list[Line]] = []
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


def _by_column(line: Line, column: Callable[[Glyph], int]) -> dict[int, list[Glyph]]:
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


def row_text(lines: Sequence[Line], column: Callable[[Glyph], int], columns: int) -> str:
    cells: list[list[Glyph]] = [[] for _ in range(columns)]
    for line in lines:
        for g in line.glyphs:
            cells[column(g)].append(g)
    return "\t".join(cell_text(cell) for cell in cells)
