"""From a decoded report to items: sections → sentences → spans → items (→ boundaries)."""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from atlas.settings import settings

from .documents import REPORT_SUFFIXES, read_document, read_file
from .items import Item, category_of, make_item
from .meta import ReportMeta, issuing_district, load_metadata, metadata_for
from .normalise import Normalised, normalise
from .rules import find_spans, place_pattern
from .segment import Sentence, Timing, sentences
from .status import status_of
from .suffixes import suffix_spans
from .tables import TableReader
from .vocab import NAME_HEADS

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


def report_paths(raw_dir: str | os.PathLike[str]) -> list[Path]:
    """The reports of `raw_dir` (`*.txt`, `*.docx`, `*.pdf`), in name order so every reader
    of the folder (the build, the gazetteer) sees them alike. The content decides how each is
    read (`extract.documents`)."""
    if not Path(raw_dir).is_dir():
        return []  # the build then stops with "no reports"
    return sorted(  # not only regular files: a FIFO named .txt is refused, not skipped
        p for p in Path(raw_dir).iterdir() if not p.is_dir() and p.suffix.lower() in REPORT_SUFFIXES
    )


def read_reports(
    raw_dir: str | os.PathLike[str], metadata: dict[str, ReportMeta] | None = None
) -> list[Report]:
    """Every report of `raw_dir` (`report_paths`), read once with `reports.csv` read once;
    the first unreadable one raises its `ReportError`."""
    known = load_metadata(Path(raw_dir)) if metadata is None else metadata
    return [read_report(path, known) for path in report_paths(raw_dir)]


def report_sentences(report: Report) -> list[str]:
    """The sentences of ``report`` as the extractor reads them (normalised: wrapped lines
    joined, punctuation folded), so every reader of reports splits them the same way."""
    norm = normalise(report.text)
    return [s.text for s in sentences(norm, _default_timing(report.meta), report.meta.year)]


def corpus_sentences(reports: Sequence[Report]) -> list[tuple[str, str]]:
    """(document stem, sentence) for every non-empty sentence of `reports`, in order: what
    the gazetteer build reads of the reports (zone justifications, names it lacks)."""
    return [(r.path.stem, s) for r in reports for s in report_sentences(r) if s]


def other_district(report: Report) -> str | None:
    """The issuing district when it is not the atlas's (``settings.district``), else None."""
    issuer = issuing_district(report.text, report.meta.issuing_body)
    return issuer if issuer and issuer != settings.district else None


def _default_timing(meta: ReportMeta) -> Timing:
    return Timing("plan", meta.year)


def _area_names(
    norm: Normalised, sents: list[Sentence], known_places: Iterable[str]
) -> frozenset[str]:
    """Areas named in the report itself (大宁 of 大宁功能区), plus any known places."""
    names = {p for p in known_places if len(p) >= 2}
    for sent in sents:
        for span in suffix_spans(sent.text):
            for suffix in _AREA_SUFFIXES:
                if span.kind == "zone" and span.name.endswith(suffix):
                    core = span.name[: -len(suffix)]
                    if 2 <= len(core) <= 6 and district_short() not in core:
                        names.add(core)
    return frozenset(names)


def district_short() -> str:
    """The atlas district without its 区 (静安 of 静安区): how reports abbreviate it."""
    return settings.district.removesuffix("区")


def extract_report(
    report: Report, known_places: Iterable[str] = (), *, any_district: bool = False
) -> list[Item]:
    """Every place-bound item of ``report``, in text order.

    A report issued by another district (its header says so) yields no items, unless
    ``any_district``: then its items are kept, flagged ``out_of_district``.
    """
    elsewhere = other_district(report)
    if elsewhere and not any_district:
        return []
    items = _extract(report, known_places)
    if elsewhere:
        items = [replace(it, out_of_district=True) for it in items]
    return items


def _extract(report: Report, known_places: Iterable[str]) -> list[Item]:
    text = report.text
    doc = report.path.name
    year = report.meta.year
    norm = normalise(text)
    sents = list(sentences(norm, _default_timing(report.meta), year))
    known_places = frozenset(known_places)
    known = _area_names(norm, sents, known_places)
    places = place_pattern(known_places)
    items: list[Item] = []
    glossary: list[bool] = []
    tables = TableReader()
    paragraph, setting = -2, ""
    for sent, at in zip(sents, paragraph_starts(norm.text, [s.nstart for s in sents]), strict=True):
        context = setting
        if at != paragraph:  # a paragraph's first sentence states its setting
            paragraph, setting, context = at, paragraph_setting(sent.text, known), ""
        spans = tables.read(sent, find_spans(sent.text, known, places, context))
        if not spans:
            continue
        ostart, oend = norm.span(sent.nstart, sent.nend)
        quote = text[ostart:oend]
        seen: set[str] = set()
        for span in spans:
            if span.name in seen:
                continue
            seen.add(span.name)
            status = status_of(sent.text, span.start, span.end, sent.timing.period, sent.glossary)
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
                    span.location,
                )
            )
            glossary.append(sent.glossary)
    items = _attach_boundaries(_glossary_kinds(items, glossary), text)
    return _enriching_glossary(items, glossary)


#: Area heads (功能区, 商圈, 地区 …): a paragraph opening on one such area is about it.
_AREA_HEADS = tuple(sorted((w for w, v in NAME_HEADS.items() if v[0] == "area"), key=len))


def paragraph_starts(text: str, starts: list[int]) -> list[int]:
    """For each sentence start (ascending), where its paragraph starts: the last newline
    before it (-1: none). One forward pass over the newlines, so linear in the text even
    when it is one giant line."""
    newlines = (m.start() for m in re.finditer("\n", text))
    out, last, upcoming = [], -1, next(newlines, None)
    for start in starts:
        while upcoming is not None and upcoming < start:
            last, upcoming = upcoming, next(newlines, None)
        out.append(last)
    return out


def paragraph_setting(sentence: str, known: frozenset[str]) -> str:
    """The one area a paragraph's opening sentence names ("苏河湾功能区…不断升级。"), which
    the paragraph's later designations are placed in; "" when it names none or several."""
    areas = {
        span.name
        for span in suffix_spans(sentence, known)
        if span.kind == "zone" and span.name.endswith(_AREA_HEADS)
    }
    return areas.pop() if len(areas) == 1 else ""


def _enriching_glossary(items: list[Item], glossary: list[bool]) -> list[Item]:
    """A glossary entry of a place the main text lists enriches that item (its 四至 went to
    it in `_attach_boundaries`) instead of being a second item of the same place."""
    main = {it.name for it, g in zip(items, glossary, strict=True) if not g}
    return [it for it, g in zip(items, glossary, strict=True) if not (g and it.name in main)]


def _glossary_kinds(items: list[Item], glossary: list[bool]) -> list[Item]:
    """A glossary entry is the place the main text names: it takes that item's kind and
    category (the entry's own sentence seldom says what it is)."""
    main = {it.name: it for it, g in zip(items, glossary, strict=True) if not g}
    out = []
    for it, g in zip(items, glossary, strict=True):
        ref = main.get(it.name) if g else None
        out.append(replace(it, kind=ref.kind, category=ref.category) if ref else it)
    return out


def _attach_boundaries(items: list[Item], text: str) -> list[Item]:
    """Issue 7's step (``extract/boundary.py``), run last; skipped only while it is absent."""
    try:
        boundary = importlib.import_module(".boundary", __package__)
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.boundary":
            raise
        return items
    return list(boundary.attach_boundaries(items, text))


def extract_file(
    path: str | Path, known_places: Iterable[str] = (), *, any_district: bool = False
) -> list[Item]:
    """``extract_report(read_report(path))``."""
    return extract_report(read_report(path), known_places, any_district=any_district)


def with_boundary(item: Item, boundary: dict[str, Any]) -> Item:
    """A copy of ``item`` with ``boundary`` set (for the boundary step)."""
    return replace(item, boundary=boundary)
