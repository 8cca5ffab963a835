"""`geo.pipeline.upload`: uploaded bytes → joined items in memory; the district check; the
build reading
.docx/.pdf in the raw dir and keeping their text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extract import ReportError
from extract.testing import write_docx, write_pdf
from geo.pipeline import build
from geo.pipeline.upload import UploadContext, upload_report
from geo.schema import ITEM_COLUMNS
from tests.worlds import atlas as fakes
from tests.worlds.page import reference_frames

ROOT = Path(__file__).resolve().parents[3]
KEY_WORK = ROOT / "data" / "raw" / "2025-02-17_key-work-arrangements.txt"
GAZETTEER = ROOT / "data" / "gazetteer.gpkg"
REPORT = (
    "上海市静安区人民政府\n"
    "关于印发《2025年区政府重点工作安排》的通知\n"
    "一、2025年主要任务\n"
    "1．推进教育均衡发展。建成测试学校新校舍。\n"
    "2．完善城市功能。实施西四路美丽街区建设，新建东门公园。\n"
)
PUTUO = (
    "政府工作报告\n——2027年1月12日在普陀区第七届人民代表大会第二次会议上\n上海市普陀区人民政府\n"
    "三、2027年主要任务\n推进长风公园改造，完成曹杨新村第一小学新建工程。\n"
)


@pytest.fixture(scope="module")
def context() -> UploadContext:
    return UploadContext.load(reference_frames())


def test_upload_places_and_joins_in_memory(context, tmp_path, pdf_fonts) -> None:
    stages: list[str] = []
    for path in (
        write_docx(REPORT, tmp_path / "mine.docx"),
        write_pdf(REPORT, tmp_path / "mine.pdf"),
    ):
        result = upload_report(
            path.read_bytes(), path.name, context, progress=lambda s, _: stages.append(s)
        )
        assert result.label == "your report: 关于印发《2025年区政府重点工作安排》的通知"
        assert result.format == path.suffix[1:]
        items = result.items
        assert list(items.columns) == list(ITEM_COLUMNS)
        assert items["doc"].unique().tolist() == [path.name]
        by_name = items.set_index("name")
        assert by_name.loc["测试学校", "subdistrict"] == "西街道"
        assert by_name.loc["测试学校", "precision"] == 1
        assert by_name.loc["西四路美丽街区", "kind"] == "beautiful_block"
        assert by_name.loc["东门公园"].geometry is None  # unlocated, kept
        assert all(
            result.text[s:e] == q
            for s, e, q in zip(items.start, items.end, items.quote, strict=True)
        )
        assert result.district.ok and result.district.message == ""
        assert len(result.drawable) == len(items)
        assert set(result.timings.as_dict()) == {"read", "extract", "geocode", "join", "total"}
    assert stages[:5] == ["read", "extract", "geocode", "join", "done"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.docx", "mine.pdf"]


def test_report_of_another_district_says_so(context) -> None:
    result = upload_report(PUTUO.encode(), "putuo.txt", context)
    assert result.district.issued_by == "普陀区"
    assert result.district.other_district and not result.district.ok
    assert "issued by 普陀区, not 静安区" in result.district.message
    assert result.drawable.empty and result.items.empty  # the extractor keeps none of its items


def test_report_whose_places_are_all_unknown_is_flagged(context) -> None:
    text = "一、2025年主要任务\n推进长风公园改造，完成曹杨新村第一小学新建工程。\n"
    result = upload_report(text.encode(), "unknown.txt", context)
    assert result.district.issued_by is None and len(result.items) >= 2
    assert result.district.message.startswith(f"None of its {len(result.items)} items")


def test_bad_upload_is_one_line(context) -> None:
    with pytest.raises(ReportError, match=r"^scan\.pdf: a PNG image: scanned pages"):
        upload_report(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "scan.pdf", context)


@pytest.mark.skipif(not GAZETTEER.is_file(), reason="no data/gazetteer.gpkg")
def test_key_work_arrangements_upload_as_docx_and_pdf_match_the_txt(tmp_path, pdf_fonts) -> None:
    """Done-when of issue 13, with the real gazetteer: the same items, placed the same way."""
    context = UploadContext.load(GAZETTEER)
    text = KEY_WORK.read_text(encoding="utf-8")
    columns = ["name", "kind", "year", "period", "status", "precision", "method", "subdistrict"]

    def rows(path: Path) -> list[tuple]:
        items = upload_report(path.read_bytes(), path.name, context).items
        quotes = [re.sub(r"\s+", "", q) for q in items["quote"]]
        pairs = zip(items[columns].itertuples(index=False), quotes, strict=True)
        return sorted((tuple(map(str, r)), q) for r, q in pairs)  # ids (order ties) differ

    want = rows(KEY_WORK)
    assert len(want) >= 20 and any(r[0][5] != "<NA>" for r in want)
    assert rows(write_docx(text, tmp_path / KEY_WORK.name.replace(".txt", ".docx"))) == want
    pdf = write_pdf(text, tmp_path / KEY_WORK.name.replace(".txt", ".pdf"), radicals=True)
    assert rows(pdf) == want


def test_build_reads_documents_and_keeps_their_text(tmp_path, pdf_fonts) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    text = "一、2025年主要任务\n新建中区医院。推进北区养老院建设。\n"
    (raw / "a.txt").write_text(text, encoding="utf-8")
    write_docx(text, raw / "b.docx")
    write_pdf(text, raw / "c.pdf")
    (raw / "notes.md").write_text("not a report", encoding="utf-8")
    assert [p.name for p in build.report_paths(raw)] == ["a.txt", "b.docx", "c.pdf"]
    out = tmp_path / "out"
    out.mkdir()
    result = build.run_build(raw, fakes.gazetteer(), out, fakes.FakeGeocoder({}))
    items = result.layers["items"]
    assert sorted(set(items["doc"])) == ["a.txt", "b.docx", "c.pdf"]
    for doc, group in items.groupby("doc"):
        source = raw / doc if doc.endswith(".txt") else out / build.TEXT_DIR / f"{doc}.txt"
        read = source.read_text(encoding="utf-8")
        assert all(
            read[s:e] == q for s, e, q in zip(group.start, group.end, group.quote, strict=True)
        )
        assert group["name"].tolist() == items[items["doc"] == "a.txt"]["name"].tolist()
    assert sorted(p.name for p in (out / build.TEXT_DIR).iterdir()) == ["b.docx.txt", "c.pdf.txt"]


def test_build_stops_on_a_bad_document(tmp_path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("一、2025年主要任务\n新建中区医院。\n", encoding="utf-8")
    (raw / "b.pdf").write_bytes(b"%PDF-1.7\n" + b"\0" * 100)
    with pytest.raises(build.BuildError, match=r"b\.pdf: truncated or corrupt PDF"):
        build.extract_items(raw)
