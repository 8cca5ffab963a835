"""Split a normalised report into sections and sentences, keeping original offsets.

A *section* is a top-level heading ("一、2025年工作回顾", "三、2026年主要任务",
"2022年静安区为民办实事项目", "名词解释") with the period and year it speaks about. A
*sentence* ends at 。！？； or a paragraph break; a table row is one sentence whose cells
are separated by tabs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .normalise import PUNCT_FOLDS, Normalised

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

#: Top-level section heading: "一、…", "三、2022年主要任务", or an un-numbered part title.
_TOP_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,2}、|第[一二三四五六七八九十]+部分)")
_PART_TITLE = re.compile(
    r"^(?:(?:20\d{2}年)?\S{0,12}(?:为民办实事项目|名词解释|附件|附录)\S{0,6})$"
)
_SENTENCE_END = "。！？；"
#: The same ends in a text as read (not normalised): with the half-width marks that
#: `extract.normalise` folds into them (; ! ?).
_SENTENCE_END_AS_READ = re.compile(
    "["
    + re.escape(_SENTENCE_END + "".join(h for h, f in PUNCT_FOLDS.items() if f in _SENTENCE_END))
    + "]"
)
_GLOSSARY = re.compile(r"名词解释|名词注释|名词说明|术语解释|附件|附录")

_REVIEW_WORDS = ("回顾", "执行情况", "过去", "完成情况", "工作总结")
_PLAN_WORDS = (
    "主要任务",
    "任务和措施",
    "计划草案",
    "预期目标",
    "发展目标",
    "工作安排",
    "重点工作",
    "规划纲要",
    "今后",
    "未来",
    "实事项目",
    "总体要求",
)


def cn_number(text: str) -> int | None:
    """Value of a small Chinese numeral (一…九十九) or Arabic digits."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return _CN_DIGITS.get(text)
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def five_year_plan_years(n: int) -> tuple[int, int]:
    """Years of the n-th Five-Year Plan (from the 3rd, 1966–1970, they are contiguous)."""
    start = 1966 + 5 * (n - 3)
    return start, start + 4


_FYP = re.compile(r"十([一二三四五六七八九])五|第十([一二三四五六七八九])个五年")


def fyp_in(text: str) -> tuple[int, int] | None:
    """Years of the first Five-Year Plan named in ``text`` ("十五五", "第十五个五年")."""
    m = _FYP.search(text)
    if not m:
        return None
    return five_year_plan_years(10 + _CN_DIGITS[m.group(1) or m.group(2)])


@dataclass(frozen=True)
class Timing:
    """What a stretch of text is about: ``period`` and the ``year`` (last year covered)."""

    period: str
    year: int | None


def classify_heading(heading: str, report_year: int | None) -> Timing | None:
    """Timing of a section from its heading, or ``None`` when the heading does not say."""
    review = any(w in heading for w in _REVIEW_WORDS)
    plan = any(w in heading for w in _PLAN_WORDS)
    years = [int(y) for y in re.findall(r"(20\d{2})\s*年", heading)]
    span = re.search(r"(?:过去|今后|未来)的?([一二三四五六七八九十\d]+)年", heading)
    if span and (cn_number(span.group(1)) or 0) <= 1:
        span = None  # "过去一年" is the last year, not a multi-year span
    fyp = fyp_in(heading)
    if review and not plan:
        if span or fyp:
            end = fyp[1] if fyp else (report_year - 1 if report_year else None)
            return Timing("multi-year", end)
        return Timing("review", years[0] if years else _minus(report_year, 1))
    if plan:
        if fyp:
            return Timing("plan", fyp[1])
        if span:
            n = cn_number(span.group(1)) or 5
            return Timing("plan", report_year + n - 1 if report_year else None)
        return Timing("plan", max(years) if years else report_year)
    return None


def _minus(year: int | None, n: int) -> int | None:
    return year - n if year is not None else None


def paragraph_timing(paragraph: str, section: Timing, report_year: int | None) -> Timing:
    """A paragraph can look back inside a plan section ("“十四五”时期是…的五年", "过去五年")."""
    head = paragraph[:40]
    fyp = fyp_in(head)
    if fyp and report_year and fyp[1] < report_year and re.search(r"时期(?:是|，)|这五年", head):
        return Timing("multi-year", fyp[1])
    if re.match(r"^(?:“?过去|回顾过去)的?[一二三四五六七八九十\d]+年", head) and report_year:
        return Timing("multi-year", report_year - 1)
    if section.period == "plan" and re.match(r"^过去的?一年", head) and report_year:
        return Timing("review", report_year - 1)
    return section


@dataclass(frozen=True)
class Sentence:
    """A sentence of the normalised text: ``text`` = ``norm.text[nstart:nend]``."""

    text: str
    nstart: int
    nend: int
    timing: Timing
    table: bool
    #: in a glossary or annex section ("名词解释", "附件"): entries define places
    glossary: bool = False


def is_top_heading(line: str) -> bool:
    return bool(_TOP_HEADING.match(line) or _PART_TITLE.match(line))


def sentences(norm: Normalised, default: Timing, report_year: int | None) -> Iterator[Sentence]:
    """Every sentence of the normalised text with the timing of its section and paragraph."""
    text = norm.text
    section = default
    glossary = False
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        line = text[pos:end]
        if line.strip():
            if is_top_heading(line) and len(line) <= 80:
                found = classify_heading(line, report_year)
                if found is not None:
                    section = found
                glossary = _GLOSSARY.search(line) is not None
            timing = paragraph_timing(line, section, report_year)
            yield from _split_line(line, pos, timing, glossary)
        pos = end + 1


def _split_line(line: str, base: int, timing: Timing, glossary: bool) -> Iterator[Sentence]:
    table = "\t" in line
    start = 0
    for i, c in enumerate(line):
        if c in _SENTENCE_END:
            yield from _make(line, base, start, i + 1, timing, table, glossary)
            start = i + 1
    yield from _make(line, base, start, len(line), timing, table, glossary)


#: The longest stretch the rules see at once. Report sentences stay well under it (the five
#: reports' longest is 336 characters); text without sentence punctuation is cut into windows
#: of at most this size, so every rule works on bounded input and the extractor stays linear.
MAX_SENTENCE = 600
#: Where a window prefers to end: a clause or list mark, then a space or tab.
_WINDOW_BREAKS = ("，", "、", "：", " ", "\t")


def window_end(line: str, s: int, e: int, limit: int = MAX_SENTENCE) -> int:
    """End of the first window of ``line[s:e]``: ``e`` when short, else after the last break
    mark in its second half (a hard cut at ``limit`` when there is none)."""
    if e - s <= limit:
        return e
    cut = max(line.rfind(b, s + limit // 2, s + limit) for b in _WINDOW_BREAKS)
    return cut + 1 if cut >= 0 else s + limit


def _make(
    line: str, base: int, s: int, e: int, timing: Timing, table: bool, glossary: bool
) -> Iterator[Sentence]:
    while s < e:
        w = window_end(line, s, e)
        yield from _trimmed(line, base, s, w, timing, table, glossary)
        s = w


def _trimmed(
    line: str, base: int, s: int, e: int, timing: Timing, table: bool, glossary: bool
) -> Iterator[Sentence]:
    while s < e and line[s] in " \t":
        s += 1
    while e > s and line[e - 1] in " \t":
        e -= 1
    if e > s:
        yield Sentence(line[s:e], base + s, base + e, timing, table, glossary)


def paragraph_opening(text: str, start: int, end: int) -> str:
    """The opening sentence of the paragraph (line) holding [start, end) of `text` *as read*
    (the offsets of an item): where a report states the setting of what follows ("苏河湾功能区
    ……。" then its projects); nothing when [start, end) is in that opening sentence itself.
    The sentence ends where `sentences` ends one, in the unnormalised text."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", lo)
    hi = len(text) if hi < 0 else hi
    m = _SENTENCE_END_AS_READ.search(text, lo, hi)
    stop = m.end() if m else hi
    return "" if start < stop else text[lo:stop]
