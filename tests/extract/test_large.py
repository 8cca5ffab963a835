"""A 10 MB report: extracted in one pass with bounded memory (time is measured in bench/)."""

from __future__ import annotations

from extract import read_report
from extract.pipeline import extract_report

from .conftest import RAW

SIZE = 10_000_000


def test_ten_megabyte_file(tmp_path) -> None:
    source = RAW / "2026-01-14_government-work-report.txt"
    unit = source.read_bytes()
    per_copy = len(extract_report(read_report(source)))
    copies = SIZE // len(unit) + 1
    path = tmp_path / "2026-01-14_big-report.txt"
    path.write_bytes(unit * copies)
    report = read_report(path)
    items = extract_report(report)
    assert len(items) == per_copy * copies
    for item in (items[0], items[len(items) // 2], items[-1]):
        assert report.text[item.start : item.end] == item.quote
    assert items[-1].start > len(report.text) - len(unit.decode("utf-8"))
