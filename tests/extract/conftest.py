"""Shared fixtures: the committed reports under data/raw and a helper to run passages."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import Item, Report, ReportMeta, extract_report

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
REPORT_FILES = sorted(RAW.glob("*.txt"))


def passage_report(text: str, name: str = "2027-01-10_government-work-report.txt") -> Report:
    """A report built from a passage of our own, with metadata inferred from ``name``."""
    from extract.meta import infer_metadata

    meta: ReportMeta = infer_metadata(name, text)
    return Report(Path(name), text, "utf-8", meta)


def run(
    text: str, name: str = "2027-01-10_government-work-report.txt", *, any_district: bool = False
) -> list[Item]:
    return extract_report(passage_report(text, name), any_district=any_district)


def by_name(items: list[Item]) -> dict[str, Item]:
    return {i.name: i for i in items}


@pytest.fixture(scope="session")
def all_items() -> dict[str, list[Item]]:
    from extract import read_report

    return {p.name: extract_report(read_report(p)) for p in REPORT_FILES}
