"""Report metadata: read ``data/raw/reports.csv``, and infer what it lacks.

A report dropped into ``data/raw/`` without a row still works: the delivered date comes from
the file name (``2026-01-14_…``) or the text (``——2026年1月14日在…``), the title from the
first lines, the kind from keywords.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .vocab import CJK

METADATA_FILE = "reports.csv"
FIELDS = ("id", "file", "title", "issuing_body", "delivered", "kind", "years_covered")

#: Document kinds, in the order their keywords are tried.
KIND_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("plan_execution_report", ("plan-execution", "计划执行情况", "执行情况与")),
    ("key_work_arrangements", ("key-work", "重点工作安排")),
    ("government_work_report", ("government-work", "政府工作报告")),
)


@dataclass(frozen=True)
class ReportMeta:
    """One row of ``reports.csv``; ``years_covered`` is e.g. ``"2016-2021;2022-2026;2022"``."""

    id: str
    file: str
    title: str
    issuing_body: str
    delivered: str
    kind: str
    years_covered: str

    @property
    def year(self) -> int | None:
        """The year the report was delivered (the 'current' year of its plan part)."""
        m = re.match(r"(\d{4})", self.delivered)
        return int(m.group(1)) if m else None

    def to_dict(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in FIELDS}


def load_metadata(raw_dir: str | Path) -> dict[str, ReportMeta]:
    """Rows of ``raw_dir/reports.csv`` keyed by file name (empty dict when absent)."""
    path = Path(raw_dir) / METADATA_FILE
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out: dict[str, ReportMeta] = {}
    for row in rows:
        values = {f: (row.get(f) or "").strip() for f in FIELDS}
        if values["file"]:
            out[values["file"]] = ReportMeta(**values)
    return out


_DATE_IN_NAME = re.compile(r"(\d{4})(?:[-_.](\d{1,2}))?(?:[-_.](\d{1,2}))?")
_DATE_IN_TEXT = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR_IN_TEXT = re.compile(r"(20\d{2})\s*年")


def _date_from_name(name: str) -> str:
    m = _DATE_IN_NAME.search(name)
    if not m:
        return ""
    parts = [m.group(1)] + [p.zfill(2) for p in m.groups()[1:] if p]
    return "-".join(parts)


def _date_from_text(head: str) -> str:
    m = _DATE_IN_TEXT.search(head)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return ""


#: Words a report's title line holds; a red-header line ("…文件") or a document number
#: ("静府发〔2025〕3号") before it is not the title.
_TITLE_WORDS = re.compile(r"报告|安排|计划|通知|意见|方案|规划|纲要|任务|要点")
_LETTERHEAD = re.compile(rf"文件$|^[{CJK}]{{1,6}}发\W*\d{{4}}\W*\d+\s*号$")
_TITLE_LINES = 8


def _title_from_text(head: str) -> str:
    """The first line that reads as a title (a PDF's title wrapped over lines inside 《》 is
    joined), else the first line."""
    lines = [ln.strip(" \t#*\u3000") for ln in head.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("——")]
    for i, line in enumerate(lines[:_TITLE_LINES]):
        if _LETTERHEAD.search(line):
            continue
        title, j = line, i
        while title.count("《") > title.count("》") and j + 1 < len(lines):
            j += 1
            title += lines[j]
        if _TITLE_WORDS.search(title):
            return title[:120]
    return lines[0][:120] if lines else ""


def _kind(name: str, head: str) -> str:
    for kind, words in KIND_KEYWORDS:
        if any(w in name or w in head for w in words):
            return kind
    return "report"


#: A district named as the issuer in a report's header: "在<city>市X区第…届人民代表大会",
#: "X区人民政府", "X区区长", "X区发展和改革委员会", "关于X区2024年…".
_ISSUER = re.compile(
    rf"(?:[{CJK}]{{2,3}}市|在|关于|^)([{CJK}]{{1,3}}?区)"
    r"(?=第[一二三四五六七八九十\d]+届|人民政府|人民代表大会|发展和改革委员会|区长|\d{4}年|国民经济)",
    re.MULTILINE,
)
#: How much of the head is read for the issuer (the title block, before the body).
_ISSUER_HEAD = 600


def issuing_district(text: str, issuing_body: str = "") -> str | None:
    """The district that issued the report, read from its header (or ``issuing_body``)."""
    for source in (issuing_body, text[: _ISSUER_HEAD * 2]):
        head = re.sub(r"\s+", "", source)[:_ISSUER_HEAD]
        m = _ISSUER.search(head)
        if m:
            return m.group(1)
    return None


def _issuing_body(head: str) -> str:
    """The issuing body as the header spells it ("上海市X区人民政府", "X区发展和改革委员会")."""
    flat = re.sub(r"\s+", "", head)
    district = issuing_district(head)
    if not district:
        return ""
    m = re.search(rf"(?:[{CJK}]{{2,3}}市)?{district}(?:人民政府|发展和改革委员会)", flat)
    return m.group(0) if m else ""


def infer_metadata(file_name: str, text: str) -> ReportMeta:
    """Metadata guessed from the file name and the head of the text."""
    head = text[:3000]
    delivered = _date_from_name(file_name) or _date_from_text(head)
    if not delivered:
        years = [int(y) for y in _YEAR_IN_TEXT.findall(head)]
        delivered = str(max(years)) if years else ""
    stem = Path(file_name).stem
    return ReportMeta(
        id=stem,
        file=file_name,
        title=_title_from_text(head),
        issuing_body=_issuing_body(head),
        delivered=delivered,
        kind=_kind(file_name, head),
        years_covered="",
    )


def metadata_for(file_name: str, text: str, known: dict[str, ReportMeta]) -> ReportMeta:
    """The row for ``file_name`` with blanks filled in by inference, or a fully inferred one."""
    inferred = infer_metadata(file_name, text)
    row = known.get(file_name)
    if row is None:
        return inferred
    filled = {f: getattr(row, f) or getattr(inferred, f) for f in FIELDS}
    return replace(row, **filled)
