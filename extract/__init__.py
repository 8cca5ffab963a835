"""Jing'an Atlas extractor: district report text → place-bound items.

Public API (see docs/ARCHITECTURE.md)::

    from extract import read_report, extract_report
    items = extract_report(read_report("data/raw/2026-01-14_government-work-report.txt"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from atlas.lazy import exports

if TYPE_CHECKING:  # imported on first use (atlas.lazy): `extract.vocab` alone is cheap
    from .decode import ReportError
    from .documents import REPORT_SUFFIXES
    from .items import FIELDS, Item
    from .meta import ReportMeta, load_metadata
    from .pipeline import (
        Report,
        corpus_sentences,
        extract_file,
        extract_report,
        other_district,
        read_report,
        read_reports,
        report_from_bytes,
        report_paths,
        report_sentences,
    )

__all__ = [
    "FIELDS",
    "REPORT_SUFFIXES",
    "Item",
    "Report",
    "ReportError",
    "ReportMeta",
    "corpus_sentences",
    "extract_file",
    "extract_report",
    "load_metadata",
    "other_district",
    "read_report",
    "read_reports",
    "report_from_bytes",
    "report_paths",
    "report_sentences",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = exports(__name__, __file__)
