"""PDF tables as tables (issue 22): a plan's project table written as a real PDF table (fpdf2,
a CJK TrueType font, cells wrapped in their columns, ruled as Word, LibreOffice or a three-line
table draws it) gives the rows, items and names of the .docx of the same content; header words
and row numbers never end up in a name; a PDF without a table reads exactly as before."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pypdfium2
import pytest

from extract import extract_report, pdfrules, read_report
from extract.pdfrules import Rule, find_grids
from extract.pdftables import page_text
from extract.testing import write_docx, write_pdf

from .conftest import RAW

HELDOUT = Path(__file__).parent / "fixtures" / "heldout"
HEADER_WORDS = ("序号", "项目名称", "建设地点", "进度安排", "年度目标", "进展情况")
LONG = "彭浦新村街道社区文化活动中心改扩建及周边环境提升和地下公共停车库新建工程"
PLAN = (
    "关于静安区2026年国民经济和社会发展计划执行情况与2027年国民经济和社会发展计划草案的报告\n"
    "二、2027年国民经济和社会发展主要任务\n"
    "（一）加快重大工程建设\n"
    "全年安排区重大工程项目9项，计划完成投资120亿元。\n"
    "序号\t项目名称\t建设地点\t进度安排\n"
    "1\t余姚路幼儿园新建工程\t余姚路\t2027年开工\n"
    "2\t静安区疾病预防控制中心迁建工程\t灵石路\t2027年竣工\n"
    f"3\t{LONG}\t临汾路\t主体结构封顶，年内完成室内装修和设备安装\n"
    "4\t大统路桥改建工程\t大统路\t开工建设\n"
    "5\t灵石公园南区改造\t灵石路\t2027年建成\n"
    "6\t静安区图书馆闻喜路分馆改造\t闻喜路\t有序推进\n"
    "7\t闸北中心医院门急诊综合楼\t大统路\t2027年竣工\n"
    "8\t芷江西路街道社区养老院新建工程\t芷江西路\t完成装修\n"
    "9\t共和新路人行天桥改建\t共和新路\t2027年建成\n"
    "（二）深化城市更新\n"
    "推进彭浦新村旧住房成套改造，完成宝山路街道综合为老服务中心建设。\n"
)
#: fpdf2 border layouts: framed cells (Word's "Table Grid"), inner rules drawn as separate
#: strokes (LibreOffice), rules between rows only, a three-line table, no rules at all.
LAYOUTS = ("ALL", "INTERNAL", "NO_HORIZONTAL_LINES", "HORIZONTAL_LINES", "SINGLE_TOP_LINE", "NONE")
NAME = "2027-01-20_plan-execution-report"


def items_of(path: Path) -> tuple[str, list]:
    report = read_report(path, metadata={})
    return report.text, extract_report(report)


def share_of_names(pdf_items: list, docx_items: list) -> float:
    """Share of the .docx's item names that the PDF gives too (as a multiset)."""
    docx = Counter(i.name for i in docx_items)
    return sum((docx & Counter(i.name for i in pdf_items)).values()) / max(1, sum(docx.values()))


def rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if "\t" in line]


@pytest.fixture(scope="module")
def docx_plan(tmp_path_factory) -> tuple[str, list]:
    return items_of(write_docx(PLAN, tmp_path_factory.mktemp("docx") / f"{NAME}.docx"))


@pytest.mark.parametrize("borders", LAYOUTS)
@pytest.mark.parametrize("font_size", [11, 16])
def test_plan_table_as_pdf_gives_the_docx_rows_items_and_names(
    tmp_path, pdf_fonts, docx_plan, borders, font_size
) -> None:
    path = write_pdf(PLAN, tmp_path / f"{NAME}.pdf", borders=borders, font_size=font_size)
    raw = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(path))
    assert LONG not in re.sub(r"\s+", "", raw.replace("\r\n", "|"))  # the long cell wraps
    text, items = items_of(path)
    docx_text, docx_items = docx_plan
    assert rows(text) == rows(docx_text)  # the same tab-separated rows as the .docx …
    names = [i.name for i in items]
    assert len(docx_items) >= 8 and share_of_names(items, docx_items) >= 0.95
    assert names == [i.name for i in docx_items]  # … so the same items, names, order
    assert [i.location for i in items] == [i.location for i in docx_items]
    assert not [n for n in names if any(w in n for w in HEADER_WORDS)]
    assert not [n for n in names if re.match(r"\d", n)]  # no "7闸北中心医院"
    assert "闸北中心医院" in names
    assert "彭浦新村街道社区文化活动中心" in names  # the wrapped cell is one name …
    assert not [n for n in names if n.startswith(("周边环境", "地下公共停车库"))]  # … not two
    assert all(text[i.start : i.end] == i.quote for i in items)


def test_pdf_table_between_text_stays_in_place(tmp_path, pdf_fonts) -> None:
    path = write_pdf(PLAN, tmp_path / f"{NAME}.pdf")
    lines = read_report(path, metadata={}).text.splitlines()
    first, last = (
        lines.index("序号\t项目名称\t建设地点\t进度安排"),
        lines.index("（二）深化城市更新"),
    )
    assert lines[first - 1].startswith("全年安排区重大工程项目9项")
    assert lines[first + 3] == f"3\t{LONG}\t临汾路\t主体结构封顶，年内完成室内装修和设备安装"
    assert last == first + 10


def test_pdf_without_a_table_reads_as_pdfium_gives_it(tmp_path, pdf_fonts) -> None:
    """Justified prose whose lines end in numbers pushed to the margin, a title spaced out,
    and numbers in columns of words are not tables: every page's text is PDFium's, unchanged."""
    prose = "".join(
        f"{n}．全年新增就业岗位{1000 + 37 * n}个，帮助长期失业青年就业{n * 13}人，完成"
        f"{n}个菜市场标准化建设、{n + 5} 个菜市场智慧化改造，新增 {315 + n} 个公共停车位"
        f"和 {100 + n} 个错峰共享停车位，建成 2 个示范性智慧公共停车场。\n"
        for n in range(1, 60)
    )
    path = write_pdf("政 府 工 作 报 告\n" + prose, tmp_path / "prose.pdf", font_size=12)
    document = pypdfium2.PdfDocument(path)
    assert len(document) >= 3
    for page in document:
        textpage = page.get_textpage()
        assert page_text(page, textpage) == textpage.get_text_range()


def test_table_rows_set_apart_by_spaces(tmp_path, pdf_fonts) -> None:
    """A table typed with spaces between its cells (no rules, columns not lined up) still
    gives its rows: the gaps are wider than any word space."""
    spaced = PLAN.replace(LONG, "彭浦新村街道社区文化活动中心").replace("\t", "    ")
    text, items = items_of(write_pdf(spaced, tmp_path / f"{NAME}.pdf"))
    assert "1\t余姚路幼儿园新建工程\t余姚路\t2027年开工" in text.splitlines()
    names = [i.name for i in items]
    assert "闸北中心医院" in names and not [n for n in names if re.match(r"\d", n)]
    assert not [n for n in names if any(w in n for w in HEADER_WORDS)]


def test_a_drawing_is_not_read_for_tables(tmp_path, pdf_fonts, monkeypatch) -> None:
    """Past `MAX_SEGMENTS` strokes a page is a chart or a map: read as text, bounded work."""
    path = write_pdf(PLAN, tmp_path / f"{NAME}.pdf")
    monkeypatch.setattr(pdfrules, "MAX_SEGMENTS", 10)
    page = pypdfium2.PdfDocument(path)[0]
    assert page_text(page, page.get_textpage()) == page.get_textpage().get_text_range()


def test_grid_with_merged_cells() -> None:
    """Rules → cells: a missing vertical rule merges two cells of a row, a missing horizontal
    rule continues a cell into the row below; inner rules alone (no frame) make a grid too."""
    h = [Rule(300, 0, 300), Rule(200, 0, 300), Rule(100, 100, 300), Rule(0, 0, 300)]
    v = [Rule(100, 0, 300), Rule(200, 0, 100), Rule(200, 200, 300)]
    (grid,) = find_grids(h, v)
    assert grid.xs == (0, 100, 200, 300) and grid.ys == (300, 200, 100, 0)
    assert grid.cells() == [
        [(0, 0), (0, 1), (0, 2)],
        [(1, 0), (1, 1), (1, 1)],  # no rule between columns 1 and 2 in row 1
        [(1, 0), (2, 1), (2, 2)],  # no rule under column 0 of row 1
    ]
    inner = find_grids([Rule(200, 0, 300)], [Rule(100, 100, 300), Rule(200, 100, 300)])
    assert [(g.xs, g.ys) for g in inner] == [((0, 100, 200, 300), (300, 200, 100))]
    assert find_grids([Rule(50, 0, 300), Rule(40, 0, 300)], []) == []  # underlines
    box = find_grids([Rule(50, 0, 300), Rule(10, 0, 300)], [Rule(0, 10, 50), Rule(300, 10, 50)])
    assert box == []  # a framed paragraph: one column


@pytest.mark.parametrize(
    "source",
    [
        HELDOUT / "2027-01-13_government-work-report.txt",
        RAW / "2024-01-17_plan-execution-report.txt",
    ],
    ids=["2027-gwr-heldout", "2024-plan-execution"],
)
def test_real_reports_with_tables_as_pdf_give_the_docx_names(tmp_path, pdf_fonts, source) -> None:
    """The project's reports with tables (the held-out 2027 report's 为民办实事 table, the
    2024 plan-execution report's nine tables), as .docx and as PDF (Kangxi radicals in the
    text layer, running headers, page numbers): ≥ 95 % of the .docx's names, no header word."""
    text = source.read_text(encoding="utf-8")
    _, docx_items = items_of(write_docx(text, tmp_path / f"{source.stem}.docx"))
    _, pdf_items = items_of(write_pdf(text, tmp_path / f"{source.stem}.pdf", radicals=True))
    assert len(docx_items) >= 50
    assert share_of_names(pdf_items, docx_items) >= 0.95
    assert not [i.name for i in pdf_items if any(w in i.name for w in HEADER_WORDS)]
