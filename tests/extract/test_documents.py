"""Reading .docx and PDF reports: real files made here (python-docx, fpdf2 + a CJK TrueType
font), bad files refused with one line, and the 2025 key-work arrangements read from .docx and
.pdf giving the items of the .txt."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from atlas.settings import settings
from extract import ReportError, extract_report, read_report, report_from_bytes
from extract.documents import clean_pages, map_compat, sniff
from extract.testing import write_docx, write_image_pdf, write_pdf

from .conftest import RAW

ROOT = Path(__file__).resolve().parents[2]
KEY_WORK = RAW / "2025-02-17_key-work-arrangements.txt"
PASSAGE = (
    "上海市静安区人民政府\n"
    "关于印发《2027年区政府重点工作安排》的通知\n"
    "一、2027年主要任务\n"
    "1．推进教育均衡发展。建成市西中学新校舍，推进共和新路综合改造工程。\n"
)
TABLE = [["项目", "地点", "进度"], ["大宁公园改造", "共和新路", "开工"]]


def ws(text: str) -> str:
    return re.sub(r"\s+", "", text)


def signature(items) -> list[tuple]:
    return [(i.name, i.kind, i.year, i.period, i.status, ws(i.quote)) for i in items]


# --------------------------------------------------------------------------- .docx


def test_docx_paragraphs_and_tables_in_document_order(tmp_path) -> None:
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = Document()
    document.add_paragraph("一、2027年主要任务")
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(table.rows, TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    merged = document.add_table(rows=1, cols=3)
    merged.rows[0].cells[0].merge(merged.rows[0].cells[1]).text = "合并\t单元格"
    merged.rows[0].cells[2].text = "第二\n行"
    outer = document.add_table(rows=1, cols=2)
    outer.rows[0].cells[0].text = "外层"
    inner = outer.rows[0].cells[1].add_table(rows=1, cols=2)
    inner.rows[0].cells[0].text, inner.rows[0].cells[1].text = "嵌套", "表格"
    document.add_paragraph("推进共和新路综合改造工程。")
    control = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>内容控件里的段落。</w:t></w:r>"
        "</w:p></w:sdtContent></w:sdt>"
    )
    document.element.body.insert(len(document.element.body) - 1, control)  # before sectPr
    path = tmp_path / "table.docx"
    document.save(str(path))

    report = read_report(path, metadata={})
    assert report.encoding == "docx"
    assert report.text.splitlines() == [
        "一、2027年主要任务",
        "项目\t地点\t进度",
        "大宁公园改造\t共和新路\t开工",
        "合并 单元格\t第二 行",
        "外层\t嵌套 表格",
        "推进共和新路综合改造工程。",
        "内容控件里的段落。",
    ]
    items = extract_report(report)
    assert {"大宁公园", "共和新路"} & {i.name for i in items}
    assert all(report.text[i.start : i.end] == i.quote for i in items)


def test_docx_with_a_table_gives_the_items_of_the_text(tmp_path) -> None:
    text = PASSAGE + "\t".join(TABLE[0]) + "\n" + "\t".join(TABLE[1]) + "\n"
    txt = tmp_path / "2027-01-10_key-work.txt"
    txt.write_text(text, encoding="utf-8")
    docx = write_docx(text, tmp_path / "2027-01-10_key-work.docx")
    with zipfile.ZipFile(docx) as archive:  # the rows really are a Word table
        assert "<w:tbl>" in archive.read("word/document.xml").decode()
    want = signature(extract_report(read_report(txt, metadata={})))
    assert want and signature(extract_report(read_report(docx, metadata={}))) == want


# --------------------------------------------------------------------------- PDF


def test_pdf_text_layer_with_radicals_headers_and_page_numbers(tmp_path, pdf_fonts) -> None:
    # distinct lines (a line recurring at the top of most pages would be a running header)
    body = PASSAGE + "".join(
        f"{n}．建成{chr(0x5B00 + n)}{chr(0x5C00 + n)}大楼。\n" for n in range(2, 90)
    )
    path = write_pdf(body, tmp_path / "2027-01-10_key-work.pdf", radicals=True)
    import pypdfium2

    raw = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(path))
    assert "⼈" in raw and "— 3 —" in raw  # what the PDF library returns …
    report = read_report(path, metadata={})
    assert report.encoding == "pdf"
    assert "⼈" not in report.text and "人民政府" in report.text  # … and what we read
    assert all(line.strip(" —0123456789") for line in report.text.splitlines())  # no page numbers
    assert report.text.count("静安区人民政府") == 1  # the running header is gone, the body kept
    assert report.meta.title == "关于印发《2027年区政府重点工作安排》的通知"
    items = extract_report(report)
    assert "市西中学" in {i.name for i in items}
    assert len(items) >= 80  # the body of every page was read
    assert all(report.text[i.start : i.end] == i.quote for i in items)


def test_clean_pages_maps_compatibility_code_points_only() -> None:
    assert map_compat("⼀⼈⼤\uf900ＡＢ１２，。") == "一人大\u8c48AB12，。"
    bodies = [[f"建成{chr(0x5B00 + 8 * n + k)}楼" for k in range(6)] for n in range(4)]
    pages = [
        f"静安区人民政府公报 第{n}期\n" + "\n".join(b) + f"\n—\n{n}\n—"
        for n, b in enumerate(bodies)
    ]
    assert clean_pages(pages) == "".join("\n".join(b) + "\n" for b in bodies)
    assert clean_pages(["标题\n正文"]) == "标题\n正文\n"  # one page: nothing is furniture


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_key_work_arrangements_as_document_give_the_items_of_the_text(
    tmp_path, suffix, pdf_fonts
) -> None:
    """Done-when of issue 13: same names, kinds, years (and periods, statuses); quotes equal up
    to whitespace; offsets into the text as read."""
    text = KEY_WORK.read_text(encoding="utf-8")
    path = tmp_path / (KEY_WORK.stem + suffix)
    if suffix == ".docx":
        write_docx(text, path)
    else:
        write_pdf(text, path, radicals=True)
    want = signature(extract_report(read_report(KEY_WORK, metadata={})))
    report = read_report(path, metadata={})
    items = extract_report(report)
    assert len(want) >= 20
    assert signature(items) == want
    assert all(report.text[i.start : i.end] == i.quote for i in items)


# --------------------------------------------------------------------------- bad files


def test_encrypted_pdf_needs_a_password(tmp_path, pdf_fonts) -> None:
    path = write_pdf(PASSAGE, tmp_path / "locked.pdf", user_password="secret")
    with pytest.raises(ReportError) as err:
        read_report(path)
    assert str(err.value) == f"{path}: encrypted PDF: a password is needed to read it"


def test_pdf_encrypted_with_an_empty_user_password_is_read(tmp_path, pdf_fonts) -> None:
    # Many published PDFs are "encrypted" only against editing: every viewer opens them.
    path = write_pdf(PASSAGE, tmp_path / "permissions.pdf", user_password="")
    assert "共和新路" in read_report(path, metadata={}).text


def test_image_only_pdf_has_no_text_to_read(tmp_path) -> None:
    path = write_image_pdf(tmp_path / "scan.pdf")
    with pytest.raises(ReportError) as err:
        read_report(path)
    assert str(err.value) == f"{path}: scanned pages: no text to read; OCR is not supported"


def _one_line_error(path: Path) -> str:
    with pytest.raises(ReportError) as err:
        read_report(path)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message[len(str(path)) + 2 :]


def test_truncated_files(tmp_path, pdf_fonts) -> None:
    pdf = write_pdf(PASSAGE, tmp_path / "full.pdf").read_bytes()
    docx = write_docx(PASSAGE, tmp_path / "full.docx").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(pdf[: len(pdf) * 2 // 3])
    (tmp_path / "cut.docx").write_bytes(docx[: len(docx) // 2])
    assert _one_line_error(tmp_path / "cut.pdf").startswith("truncated or corrupt PDF")
    assert _one_line_error(tmp_path / "cut.docx").startswith("corrupt or truncated .docx")


def test_formats_are_sniffed_not_taken_from_the_name(tmp_path, pdf_fonts) -> None:
    pdf = write_pdf(PASSAGE, tmp_path / "real.pdf").read_bytes()
    (tmp_path / "renamed.txt").write_bytes(pdf)  # a PDF named .txt is read as a PDF
    assert read_report(tmp_path / "renamed.txt", metadata={}).encoding == "pdf"
    (tmp_path / "random.pdf").write_bytes(bytes(range(256)) * 40)
    assert _one_line_error(tmp_path / "random.pdf") == (
        "not a .txt, .docx or .pdf report (unrecognised binary content)"
    )
    (tmp_path / "photo.docx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert _one_line_error(tmp_path / "photo.docx") == (
        "a PNG image: scanned pages: no text to read; OCR is not supported"
    )
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert _one_line_error(tmp_path / "old.doc").startswith(
        "Word 97-2003 .doc / WPS files are not supported"
    )
    (tmp_path / "old.wps").write_bytes((tmp_path / "old.doc").read_bytes())
    assert "WPS files are not supported" in _one_line_error(tmp_path / "old.wps")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    (tmp_path / "sheet.docx").write_bytes(buffer.getvalue())
    assert _one_line_error(tmp_path / "sheet.docx").startswith("a ZIP archive but not a Word")
    assert sniff(b"{\\rtf1 ...") == "rtf"
    # text stays text: UTF-16 (NUL bytes and all), and a text that merely mentions %PDF-
    (tmp_path / "utf16.txt").write_bytes(PASSAGE.encode("utf-16"))
    assert read_report(tmp_path / "utf16.txt", metadata={}).text == PASSAGE
    (tmp_path / "mentions.txt").write_text("文件头是 %PDF-1.7\n" + PASSAGE, encoding="utf-8")
    assert read_report(tmp_path / "mentions.txt", metadata={}).encoding == "utf-8"


def test_size_limit(tmp_path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(PASSAGE * 100, encoding="utf-8")
    with settings.override(max_report_bytes=1000):
        assert _one_line_error(path).startswith("file too large (")
        with pytest.raises(ReportError, match=r"upload\.txt: file too large"):
            report_from_bytes(path.read_bytes(), "upload.txt")


# --------------------------------------------------------------------------- CLI


def cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "extract", *args], cwd=ROOT, capture_output=True, timeout=120
    )


def test_cli_reads_pdf_and_keeps_its_text(tmp_path, pdf_fonts) -> None:
    path = write_pdf(PASSAGE, tmp_path / "2027-01-10_key-work.pdf")
    out = cli(str(path), "--text-dir", str(tmp_path / "text"))
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.decode("utf-8").splitlines()]
    text = (tmp_path / "text" / "2027-01-10_key-work.pdf.txt").read_text(encoding="utf-8")
    assert rows and all(text[r["start"] : r["end"]] == r["quote"] for r in rows)
    assert out.stderr == b""


def test_cli_bad_document_is_one_line_and_exit_1(tmp_path) -> None:
    scan = write_image_pdf(tmp_path / "scan.pdf")
    out = cli(str(scan))
    assert out.returncode == 1 and out.stdout == b""
    assert out.stderr.decode("utf-8").splitlines() == [
        f"error: {scan}: scanned pages: no text to read; OCR is not supported"
    ]
