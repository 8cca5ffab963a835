"""Real report files for tests and benchmarks: .docx (python-docx) and PDF (fpdf2) from text.

The files are made the way reports reach users, so that `extract.documents` is tested on what
Word and PDF libraries really produce: a .docx with paragraphs and tables; a PDF with tables
drawn as tables (ruled or not, cells wrapped in their columns) and a Chinese text layer in an
embedded TrueType font, running page headers and "— N —" page numbers, optionally with
Kangxi radicals in its ToUnicode map (⼀ for 一, as many PDFs of Chinese government sites
return) and optionally encrypted; a PDF that is one image (a scan).
fpdf2 and the fonts are test dependencies (`pyproject` dev extra; Debian
`fonts-droid-fallback` + `fonts-dejavu-core`, installed by `scripts/ensure-test-fonts.sh`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

#: TrueType fonts (fpdf2 embeds TrueType outlines; Noto CJK is OpenType/CFF in Debian).
CJK_FONT = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
LATIN_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_PACKAGES = "fonts-droid-fallback fonts-dejavu-core"


class MissingFont(RuntimeError):
    """The TrueType fonts the PDF fixtures embed are not installed."""


def fonts() -> tuple[Path, Path]:
    missing = [str(p) for p in (CJK_FONT, LATIN_FONT) if not p.is_file()]
    if missing:
        raise MissingFont(
            f"missing {', '.join(missing)}: apt-get install {FONT_PACKAGES} "
            "(scripts/ensure-test-fonts.sh)"
        )
    return CJK_FONT, LATIN_FONT


def blocks(text: str) -> Iterator[str | list[list[str]]]:
    """The lines of ``text`` in order, each run of tab-separated lines as one table (a list of
    rows of cells), as a Word user would lay it out."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if "\t" in lines[i].strip():
            block = []
            while i < len(lines) and "\t" in lines[i].strip():
                block.append(lines[i].strip().split("\t"))
                i += 1
            yield block
            continue
        yield lines[i]
        i += 1


def write_docx(text: str, path: str | Path) -> Path:
    """One paragraph per line of ``text``; a run of tab-separated lines becomes one table
    (one row per line, one cell per field)."""
    from docx import Document

    document = Document()
    for block in blocks(text):
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        width = max(len(row) for row in block)
        table = document.add_table(rows=len(block), cols=width)
        for row, cells in zip(table.rows, block, strict=True):
            for cell, value in zip(row.cells, cells, strict=False):
                cell.text = value
    path = Path(path)
    document.save(str(path))
    return path


def _radical_of() -> dict[str, str]:
    """Ordinary character → the Kangxi radical whose NFKC form it is (一 → ⼀)."""
    out: dict[str, str] = {}
    for code in range(0x2F00, 0x2FD6):
        ordinary = unicodedata.normalize("NFKC", chr(code))
        out.setdefault(ordinary, chr(code))
    return out


def _with_radicals(pdf: bytes) -> bytes:
    """Rewrite the ToUnicode maps so that glyphs of 一, 人, 大 … map to Kangxi radicals.
    Same length per entry, so the cross-reference table stays valid."""
    radicals = _radical_of()

    def swap(match: re.Match[bytes]) -> bytes:
        char = chr(int(match.group(2), 16))
        radical = radicals.get(char)
        if radical is None:
            return match.group(0)
        return match.group(1) + f"<{ord(radical):04X}>".encode()

    def section(match: re.Match[bytes]) -> bytes:
        return re.sub(rb"(<[0-9A-F]{4}> )<([0-9A-F]{4})>", swap, match.group(0))

    return re.sub(rb"beginbfchar.*?endbfchar", section, pdf, flags=re.S)


def write_pdf(
    text: str,
    path: str | Path,
    *,
    header: str | None = "静安区人民政府",
    radicals: bool = False,
    user_password: str | None = None,
    font_size: float = 11,
    borders: str = "ALL",
) -> Path:
    """A PDF whose text layer is ``text``, one source line per line (long lines wrap), with a
    running ``header`` and a "— N —" page number on every page. A run of tab-separated lines
    is a table as Word or LibreOffice exports it: ruled cells (fpdf2 ``borders_layout``:
    ``"ALL"`` framed cells, ``"INTERNAL"`` inner rules drawn as separate strokes …), columns
    as wide as their longest text allows, long cells wrapped inside their column."""
    from fpdf import FPDF

    cjk, latin = fonts()

    class Report(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("cjk", size=9)
                self.cell(0, 6, header, align="C", new_x="LMARGIN", new_y="NEXT")
                self.ln(2)
            self.set_font("cjk", size=font_size)

        def footer(self) -> None:
            self.set_y(-14)
            self.set_font("cjk", size=9)
            self.cell(0, 6, f"— {self.page_no()} —", align="C")

    pdf = Report(format="A4")
    pdf.compress = not radicals  # the ToUnicode maps are rewritten as text
    pdf.add_font("cjk", fname=str(cjk))
    pdf.add_font("latin", fname=str(latin))
    pdf.set_fallback_fonts(["latin"])
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font("cjk", size=font_size)
    line_height = font_size * 0.55
    for block in blocks(text):
        if isinstance(block, str):
            pdf.multi_cell(
                0, line_height, block.replace("\t", "    ") or " ", new_x="LMARGIN", new_y="NEXT"
            )
            continue
        width = max(len(row) for row in block)
        longest = [max(len(row[c]) if c < len(row) else 0 for row in block) for c in range(width)]
        with pdf.table(
            borders_layout=borders,
            first_row_as_headings=False,
            text_align="LEFT",
            v_align="TOP",
            line_height=line_height,
            col_widths=[min(max(n, 3), 24) for n in longest],
        ) as table:
            for cells in block:
                row = table.row()
                for value in cells + [""] * (width - len(cells)):
                    row.cell(value)
    if user_password is not None:
        pdf.set_encryption(owner_password=user_password + "-owner", user_password=user_password)
    data = bytes(pdf.output())
    if radicals:
        data = _with_radicals(data)
    path = Path(path)
    path.write_bytes(data)
    return path


def write_image_pdf(path: str | Path) -> Path:
    """A one-page PDF that holds only an image: what a scanner produces (no text layer)."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    for y in range(60, 760, 24):  # lines of "text" as a scan shows them: pixels
        draw.rectangle((60, y, 540, y + 10), fill="black")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=190)
    path = Path(path)
    path.write_bytes(bytes(pdf.output()))
    return path
