"""From a decoded report to items: sections → sentences → spans → items (→ boundaries)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from .documents import read_document, read_file
from .items import Item, category_of, make_item, status_of
from .meta import ReportMeta, load_metadata, metadata_for
from .normalise import Normalised, normalise
from .rules import find_spans, suffix_spans
from .segment import Timing, sentences

#: Zone suffixes whose modifier names an area the rest of the report may refer to.
_AREA_SUFFIXES = ("功能区", "商圈", "集聚带")


@dataclass(frozen=True)
class Report:
    """A decoded report: ``text`` is the text as read (all offsets point into it)."""

    path: Path
    text: str
    encoding: str
    meta: ReportMeta


def read_report(path: str | Path, metadata: dict[str, ReportMeta] | None = None) -> Report:
    """Read ``path`` (.txt, .docx or .pdf, told apart by content: `extract.documents`) and
    attach its metadata (``reports.csv`` beside it, else inferred). ``encoding`` is the text
    encoding, or ``"docx"`` / ``"pdf"``; ``text`` is the text as read from the document."""
    path = Path(path)
    text, encoding = read_file(path)
    known = load_metadata(path.parent) if metadata is None else metadata
    return Report(path, text, encoding, metadata_for(path.name, text, known))


def report_from_bytes(
    data: bytes, name: str, metadata: dict[str, ReportMeta] | None = None
) -> Report:
    """`read_report` of bytes that never touched the disk (an upload): metadata from
    ``metadata`` (keyed by file name) or inferred from ``name`` and the text."""
    text, encoding = read_document(data, name)
    return Report(Path(name), text, encoding, metadata_for(name, text, metadata or {}))


def _default_timing(meta: ReportMeta) -> Timing:
    return Timing("plan", meta.year)


def _area_names(norm: Normalised, sents: list, known_places: Iterable[str]) -> frozenset[str]:
    """Areas named in the report itself (大宁 of 大宁功能区), plus any known places."""
    names = {p for p in known_places if len(p) >= 2}
    for sent in sents:
        for span in suffix_spans(sent.text):
            for suffix in _AREA_SUFFIXES:
                if span.kind == "zone" and span.name.endswith(suffix):
                    core = span.name[: -len(suffix)]
                    if 2 <= len(core) <= 6 and "静安" not in core:
                        names.add(core)
    return frozenset(names)


def extract_report(report: Report, known_places: Iterable[str] = ()) -> list[Item]:
    """Every place-bound item of ``report``, in text order."""
    text = report.text
    doc = report.path.name
    year = report.meta.year
    norm = normalise(text)
    sents = list(sentences(norm, _default_timing(report.meta), year))
    known = _area_names(norm, sents, known_places)
    items: list[Item] = []
    for sent in sents:
        spans = find_spans(sent.text, known)
        if not spans:
            continue
        ostart, oend = norm.span(sent.nstart, sent.nend)
        quote = text[ostart:oend]
        seen: set[str] = set()
        for span in spans:
            if span.name in seen:
                continue
            seen.add(span.name)
            status = status_of(sent.text, span.start, span.end, sent.timing.period)
            listed = span.rule in ("enum", "list")
            category = category_of(
                span.name, span.category, sent.text, span.start, span.end, listed
            )
            items.append(
                make_item(
                    doc,
                    span.name,
                    span.kind,
                    category,
                    sent.timing,
                    status,
                    quote,
                    ostart,
                    oend,
                )
            )
    return _attach_boundaries(items, text)


def _attach_boundaries(items: list[Item], text: str) -> list[Item]:
    """Issue 7's step (``extract/boundary.py``), run last; skipped only while it is absent."""
    try:
        boundary = importlib.import_module(".boundary", __package__)
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.boundary":
            raise
        return items
    return list(boundary.attach_boundaries(items, text))


def extract_file(path: str | Path, known_places: Iterable[str] = ()) -> list[Item]:
    """``extract_report(read_report(path))``."""
    return extract_report(read_report(path), known_places)


def with_boundary(item: Item, boundary: dict) -> Item:
    """A copy of ``item`` with ``boundary`` set (for the boundary step)."""
    return replace(item, boundary=boundary)
