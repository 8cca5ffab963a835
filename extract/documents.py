"""Report files → text: plain text, Word (.docx) and PDF with a text layer, told apart by content.

Reports reach users as PDF or Word files. This module turns each into the one string the
extractor reads (*the text as read*: every offset, quote and id refers to it, so callers keep it
and ``text[start:end] == quote`` holds). The format is decided by the file's first bytes, not by
its name, so a PDF renamed ``.txt`` is read as a PDF and random bytes named ``.pdf`` are refused.

- ``.docx`` (python-docx): body paragraphs and tables in document order, one line per
  paragraph, each table row one tab-separated line (the shape ``extract/normalise.py`` reads as
  a table row).
- ``.pdf`` (pypdfium2: Chrome's PDFium): pages in order, each table as one tab-separated line
  per row like a .docx table (``extract/pdftables.py``), with what PDF libraries really return
  cleaned up: compatibility and Kangxi-radical code points mapped to the ordinary characters
  (NFKC, only for those blocks), full-width letters and digits to ASCII, repeated page
  headers/footers and page numbers dropped. Line breaks inside sentences are kept in the text
  and mended by the normaliser exactly as for the PDF debris of a converted ``.txt`` (its offset
  map points back here). Full-width punctuation stays: the normaliser folds both widths to one.
- Anything else is refused with one line naming the file and the reason: an encrypted PDF, a
  PDF without a text layer, a corrupt or truncated file, a .doc/.wps/.rtf, an image, another
  binary, a file over ``settings.max_report_bytes``.
"""

from __future__ import annotations

import codecs
import io
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from atlas.files import megabytes, read_bounded
from atlas.settings import settings

from .decode import ReportError, decode_bytes, looks_binary
from .docx_package import document_package, open_zip
from .pdftables import page_text

#: Formats `read_document` returns besides a text encoding.
DOCX = "docx"
PDF = "pdf"
DOCUMENT_FORMATS = (DOCX, PDF)
#: File name endings users may drop (the page's uploader and the build's glob).
REPORT_SUFFIXES = (".txt", ".docx", ".pdf")

_TEXT_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_NO_TEXT = "scanned pages: no text to read; OCR is not supported"
_SAVE_AS = "save it as .docx or PDF (with text) and try again"


def _fail(name: str, reason: str, code: str, **params: object) -> ReportError:
    """The one-line error; `code` (label `error.<code>` of the page) + `params` say it as data."""
    return ReportError(f"{name}: {reason}", code=code, name=name, **params)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


# --------------------------------------------------------------------------- sniffing


def sniff(data: bytes) -> str:
    """What the bytes are: ``"pdf"``, ``"docx"``, ``"zip"``, ``"ole2"``, ``"rtf"``,
    ``"image:<TYPE>"`` or ``"text"`` (anything else; decoding decides)."""
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF-") or (b"%PDF-" in head and looks_binary(data)):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return DOCX if b"word/" in data[:65536] or _zip_has(data, "word/document.xml") else "zip"
    if data.startswith(_OLE2):
        return "ole2"
    if data.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image:WebP"
    for magic, kind in _IMAGES:
        if data.startswith(magic):
            return f"image:{kind}"
    return "text"


def _zip_has(data: bytes, member: str) -> bool:
    try:
        with open_zip(data, "<zip>") as archive:
            return member in archive.namelist()
    except ReportError:
        return False


def read_document(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """``(text, format)`` of a report's bytes: ``format`` is ``"docx"``, ``"pdf"`` or the text
    encoding. Raises `ReportError` (one line naming ``name``) for anything it cannot read."""
    limit = settings.max_report_bytes
    if len(data) > limit:
        raise _fail(
            name,
            f"file too large ({megabytes(len(data))}; the limit is {megabytes(limit)})",
            "too_large",
            size=megabytes(len(data)),
            limit=megabytes(limit),
        )
    kind = sniff(data)
    if kind == PDF:
        return pdf_text(data, name), PDF
    if kind == DOCX:
        return docx_text(data, name), DOCX
    if kind == "zip":
        raise _fail(name, f"a ZIP archive but not a Word .docx document; {_SAVE_AS}", "zip")
    if kind == "ole2":
        raise _fail(name, f"Word 97-2003 .doc / WPS files are not supported; {_SAVE_AS}", "doc")
    if kind == "rtf":
        raise _fail(name, f"RTF files are not supported; {_SAVE_AS}", "rtf")
    if kind.startswith("image:"):
        raise _fail(name, f"a {kind[6:]} image: {_NO_TEXT}", "image", image=kind[6:])
    if data.strip() and not data.startswith(_TEXT_BOMS) and looks_binary(data):
        raise _fail(
            name, "not a .txt, .docx or .pdf report (unrecognised binary content)", "binary"
        )
    return decode_bytes(data, name)


def read_file(path: str | Path) -> tuple[str, str]:
    """`read_document` of a file: only a regular file (not a FIFO, device or directory), and
    never more than ``settings.max_report_bytes`` of it (`atlas.files.read_bounded`)."""
    data = read_bounded(path, settings.max_report_bytes, ReportError)
    return read_document(data, str(path))


# --------------------------------------------------------------------------- .docx


def docx_text(data: bytes, name: str = "<bytes>") -> str:
    """Paragraphs and table rows of the document body, in document order, one per line
    (content controls are opened; headers, footers and text boxes are not read)."""
    from docx import Document

    package = document_package(data, name)  # within the inflate limits, main part only
    try:
        document = Document(io.BytesIO(package))
        lines = list(_block_lines(document.element.body, document))
    except Exception as exc:  # zipfile, lxml, python-docx: all mean the same to a user
        raise _fail(
            name, f"corrupt or truncated .docx ({_one_line(exc)})", "docx", detail=_one_line(exc)
        ) from None
    text = "\n".join(lines)
    if not text.strip():
        raise _fail(name, "the Word document has no text", "docx_empty")
    return text + "\n"


def _block_lines(element: Any, parent: Any) -> Iterator[str]:
    """Lines of the paragraphs and tables under a body (or a content control), in order."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent).text.replace("\t", " ")
        elif child.tag == qn("w:tbl"):
            yield from _table_lines(Table(child, parent))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _block_lines(content, parent)


def _table_lines(table: Any) -> Iterator[str]:
    """One tab-separated line per row; a merged cell counts once; the lines of a cell (and of
    a table nested in it) are joined by spaces."""
    for row in table.rows:
        cells = []
        previous = None
        for cell in row.cells:
            if previous is not None and cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(" ".join(" ".join(_block_lines(cell._tc, cell)).split()))
        if any(cells):
            yield "\t".join(cells)


# --------------------------------------------------------------------------- .pdf


def _compat_table() -> dict[int, str]:
    """Code points PDF text layers return in place of ordinary characters, and their NFKC form:
    CJK radicals and Kangxi radicals (⼀ for 一), compatibility ideographs, full-width letters
    and digits, Latin ligatures. Punctuation is left to the normaliser."""
    ranges = [
        (0x2E80, 0x2EFF),
        (0x2F00, 0x2FDF),
        (0xF900, 0xFAFF),
        (0x2F800, 0x2FA1F),
        (0xFB00, 0xFB06),
        (0xFF10, 0xFF19),
        (0xFF21, 0xFF3A),
        (0xFF41, 0xFF5A),
    ]
    table = {}
    for lo, hi in ranges:
        for code in range(lo, hi + 1):
            mapped = unicodedata.normalize("NFKC", chr(code))
            if mapped != chr(code):
                table[code] = mapped
    return table


_COMPAT = _compat_table()
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_·•]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*共?\s*\d{1,4}\s*页?)?[\s\-—–－_·•]*$"
)
_PAGE_BIT = re.compile(rf"{_PAGE_NUMBER.pattern}|^[\s\-—–－_·•]+$")
_DIGITS = re.compile(r"\d+")
_EDGE = 2  # lines at the top and at the bottom of a page that may be furniture
_UNDECODABLE = re.compile("[\ufffd\ue000-\uf8ff]")


def map_compat(text: str) -> str:
    """``text`` with compatibility / radical code points as the ordinary characters."""
    return text.translate(_COMPAT)


#: PDFium is not thread-safe, and Streamlit serves each session from its own thread.
_PDFIUM = threading.Lock()


def pdf_pages(data: bytes, name: str = "<bytes>") -> list[str]:
    """The text layer of each page, as PDFium (pypdfium2) extracts it; refuses what cannot be
    read whole. PDFium opens a PDF encrypted only against editing (empty user password) as
    every viewer does."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    if b"%%EOF" not in data[-2048:]:
        raise _fail(name, "truncated or corrupt PDF (no end-of-file marker)", "pdf_truncated")
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD:
                raise _fail(
                    name, "encrypted PDF: a password is needed to read it", "pdf_password"
                ) from None
            if getattr(exc, "err_code", None) == raw.FPDF_ERR_SECURITY:
                raise _fail(
                    name, "encrypted PDF with an unsupported security handler", "pdf_security"
                ) from None
            raise _fail(
                name, f"corrupt PDF ({_one_line(exc)})", "pdf", detail=_one_line(exc)
            ) from None
        try:
            pages, scanned = [], []
            for number, page in enumerate(document, 1):
                text = page_text(page, page.get_textpage())
                if not text.strip() and _has_images(page, raw.FPDF_PAGEOBJ_IMAGE):
                    scanned.append(number)
                pages.append(text)
        except pdfium.PdfiumError as exc:
            raise _fail(
                name, f"corrupt PDF ({_one_line(exc)})", "pdf", detail=_one_line(exc)
            ) from None
        finally:
            document.close()
    if not any(p.strip() for p in pages):
        raise _fail(name, _NO_TEXT, "scanned")
    if scanned:
        listed = ", ".join(map(str, scanned[:10])) + (" …" if len(scanned) > 10 else "")
        raise _fail(name, f"page(s) {listed} are {_NO_TEXT}", "scanned_pages", pages=listed)
    return pages


def _has_images(page: Any, image_type: int) -> bool:
    return next(iter(page.get_objects(filter=(image_type,), max_depth=3)), None) is not None


def pdf_text(data: bytes, name: str = "<bytes>") -> str:
    """The report text of a PDF: its pages, cleaned (`clean_pages`), one string."""
    text = clean_pages(pdf_pages(data, name))
    visible = re.sub(r"\s+", "", text)
    if len(_UNDECODABLE.findall(visible)) > max(10, len(visible) // 5):
        raise _fail(
            name,
            "the PDF's text layer cannot be decoded (fonts without a Unicode map); " + _NO_TEXT,
            "pdf_fonts",
        )
    return text


def clean_pages(pages: list[str]) -> str:
    """Pages → one text: compatibility code points mapped, page furniture dropped, pages in
    order, each ending with a line break (a sentence running across pages is joined by the
    normaliser like any wrapped line)."""
    split = [
        map_compat(page).replace("\r\n", "\n").replace("\r", "\n").split("\n") for page in pages
    ]
    split = [_peel_page_numbers(lines) for lines in split]
    furniture = _repeated_edges(split)
    out: list[str] = []
    for lines in split:
        edges = set(_edge_indices(lines))
        for index, line in enumerate(lines):
            if index in edges and _key(line) in furniture:
                continue
            out.append(line.rstrip())
    return "\n".join(out).strip("\n") + "\n"


def _peel_page_numbers(lines: list[str]) -> list[str]:
    """Drop page numbers ("— 3 —", "第 3 页", "3/12", or their pieces on lines of their own,
    as PDF text layers split them) from the top and the bottom of a page."""
    start, end = 0, len(lines)
    while start < end and (not lines[start].strip() or _PAGE_BIT.match(lines[start])):
        start += 1
    while end > start and (not lines[end - 1].strip() or _PAGE_BIT.match(lines[end - 1])):
        end -= 1
    return lines[start:end]


def _key(line: str) -> str:
    return _DIGITS.sub("#", "".join(line.split()))


def _edge_indices(lines: list[str]) -> list[int]:
    """The first and last `_EDGE` non-blank lines (one each on a page of a few lines)."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    edge = _EDGE if len(filled) > 2 * _EDGE else 1
    return filled[:edge] + filled[-edge:]


def _repeated_edges(pages: list[list[str]]) -> set[str]:
    """Lines at a page's top or bottom that recur on at least half the pages (≥ 3): running
    headers and footers ("静安区人民政府公报  第 # 期")."""
    if len(pages) < 3:
        return set()
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({_key(lines[i]) for i in _edge_indices(lines)})
    need = max(3, (len(pages) + 1) // 2)
    return {key for key, count in seen.items() if count >= need and key}
