"""PDF tables as tables: a page's text with each table written as rows of tab-separated cells.

A PDF has no tables, only glyphs at positions and strokes between them. PDFium's text stream
gives a table's cells one after the other (``序号 项目名称 … 1`` / ``延长中路601号…``), so the
row number runs into the name and a cell wrapped onto two lines reads as two items. This
module puts each glyph into its cell — of a ruled table (`extract.pdfrules`), or of a table
whose columns show only in the alignment of its text (`extract.pdfcolumns`) — and writes each
row as one tab-separated line where the table starts: the shape the .docx reader gives
(`extract.documents`), so that `extract.tables` reads both the same.

Text outside tables, and pages without tables, come out exactly as PDFium extracts them. The
work is linear in the page's characters and strokes.
"""

from __future__ import annotations

from typing import Any

from .pdfcolumns import aligned_regions, gapped_rows, gapped_text, region_lines
from .pdfglyphs import Glyph, glyphs, visual_lines
from .pdfrules import find_grids, grid_lines, rules

#: ``owner`` of a break or a blank PDFium inserted: the table's if both neighbours are in it.
_GENERATED = -1


def page_text(page: Any, textpage: Any) -> str:
    """The page's text as PDFium gives it, with every table replaced, where it starts, by its
    rows (one tab-separated line each): ruled tables first, then tables whose columns show
    only in the alignment of their text."""
    chars = glyphs(textpage)
    found = rules(page)
    horizontal, vertical = found if found else ([], [])
    grids = [
        grid  # a cross of two strokes or a frame around a word is not a table
        for grid in find_grids(horizontal, vertical)
        if len({grid.cell_at(g.x, g.y) for g in chars if grid.contains(g.x, g.y)}) > 1
    ]
    owner: list[int | None] = [_GENERATED] * textpage.count_chars()
    tables: list[list[str]] = []
    inside: list[list[Glyph]] = [[] for _ in grids]
    rest: list[Glyph] = chars if not grids else []
    for g in chars:
        if not grids:
            owner[g.at] = None
            continue
        where = next((k for k, grid in enumerate(grids) if grid.contains(g.x, g.y)), None)
        owner[g.at] = where
        if where is None:
            rest.append(g)
        else:
            inside[where].append(g)
    tables = [grid_lines(grid, cells) for grid, cells in zip(grids, inside, strict=True)]
    if found is not None:
        lines = visual_lines(rest)
        regions = aligned_regions(lines)
        for region in regions:
            for line in region.lines:
                for g in line.glyphs:
                    owner[g.at] = len(tables)
            tables.append(region_lines(region, horizontal))
        taken = {id(line) for region in regions for line in region.lines}
        for line in gapped_rows([line for line in lines if id(line) not in taken]):
            for g in line.glyphs:
                owner[g.at] = len(tables)
            tables.append([gapped_text(line)])
    if not tables:
        return str(textpage.get_text_range())
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
    after_table = False
    i = 0
    while i < count:
        g = resolved[i]
        j = i
        while j < count and resolved[j] == g:
            j += 1
        if g is None:
            run = textpage.get_text_range(i, j - i)
            if after_table:
                run = run.lstrip("\r\n")  # the break after the table's last row is written
            out.append(run)
            after_table = False
        elif g not in written:
            written.add(g)
            if tables[g]:
                lead_in = "" if not out or out[-1].endswith("\n") else "\n"
                out.append(lead_in + "\n".join(tables[g]) + "\n")
                after_table = True
        i = j
    return "".join(out)
