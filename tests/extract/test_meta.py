"""reports.csv and metadata inference for a report dropped in without a row."""

from __future__ import annotations

from extract import load_metadata, read_report
from extract.meta import infer_metadata

from .conftest import RAW, REPORT_FILES


def test_every_committed_report_has_a_row() -> None:
    rows = load_metadata(RAW)
    assert set(rows) == {p.name for p in REPORT_FILES}
    for row in rows.values():
        assert row.title and row.issuing_body and row.kind and row.years_covered
        assert row.year is not None


def test_read_report_uses_the_row() -> None:
    report = read_report(RAW / "2024-01-17_plan-execution-report.txt")
    assert report.meta.kind == "plan_execution_report"
    assert report.meta.issuing_body == "静安区发展和改革委员会"
    assert report.meta.title.startswith("关于静安区2023年")


def test_inference_without_a_row(tmp_path) -> None:
    text = (
        "政府工作报告\n——2027年1月12日在普陀区第七届人民代表大会第二次会议上\n"
        "上海市普陀区人民政府\n"
    )
    path = tmp_path / "putuo-report.txt"
    path.write_text(text, encoding="utf-8")
    meta = read_report(path).meta
    assert meta.delivered == "2027-01-12"
    assert meta.year == 2027
    assert meta.kind == "government_work_report"
    assert meta.title == "政府工作报告"
    assert infer_metadata("2028-03-01_key-work.txt", "").kind == "key_work_arrangements"
    assert infer_metadata("2028-03-01_key-work.txt", "").delivered == "2028-03-01"
