"""The quoted recogniser: brand names of areas and spaces in quotes (示范区“数通链谷”,
核心载体“元空间”, “视听静界”…集聚区).
"""

from __future__ import annotations

import re

from . import lexicon as lx
from .spans import SUFFIX_RE, Span, extend_right, suffix_of
from .vocab import CJK

_QUOTED = re.compile(r"“([^“”，。；、]{2,10})”")

_CARRIERS = tuple(sorted(lx.CARRIERS, key=len, reverse=True))

_SPACE_AFTER = re.compile(rf"[{CJK}]{{0,4}}空间")


def _after_carrier(s: str, quote_at: int) -> bool:
    """The quote follows a carrier noun, maybe through other quotes, that a verb opens or
    builds (启用核心载体“元空间”“π空间”; not 举办重点载体“月月推”)."""
    while s[quote_at - 1 : quote_at] == "”":
        opened = s.rfind("“", max(0, quote_at - 14), quote_at - 1)
        if opened < 0:
            return False
        quote_at = opened
    carrier = next((c for c in _CARRIERS if s[:quote_at].endswith(c)), "")
    before = s[max(0, quote_at - len(carrier) - 6) : quote_at - len(carrier)]
    return bool(carrier) and any(v in before for v in lx.OPENING_VERBS)


def _designation(s: str, m: re.Match[str], suffix: str, tail: int) -> Span | None:
    """ "“视听静界”超高清视听产业集聚区": a quoted brand names the designation after it."""
    if suffix not in lx.DESIGNATIONS or non_place_designation(s[m.end() : tail]):
        return None
    if suffix in lx.POLICY_TITLES:
        return None  # “全球新品首发地”示范区: a title a policy gives, not a place
    kind, category = lx.SUFFIXES[suffix]
    return Span(m.start(), tail, s[m.start() : tail], kind, category, "designation")


def quoted_spans(s: str) -> list[Span]:
    """Quoted brand names of areas: ``示范区“数通链谷”``, ``“美创静界”美妆健康创新生态社区``;
    brand spaces after a carrier noun (``核心载体“元空间”``, ``“静安·新闸”创新空间``) and
    designations a quoted brand names (``“视听静界”超高清视听产业集聚区``)."""
    spans: list[Span] = []
    for m in _QUOTED.finditer(s):
        inner = m.group(1)
        if re.match(r"^[一二三四五六七八九十两百千万\d]", inner):
            continue
        if _after_carrier(s, m.start()) or _SPACE_AFTER.match(s, m.end()):
            if not re.search(r"[计划行动工程品牌]$", inner):
                spans.append(Span(m.start(1), m.end(1), inner, "project", "innovation", "brand"))
            continue
        if suffix_of(inner):
            continue
        raw_after = s[m.end() : m.end() + 24]
        after = re.sub(r"^(?:“[^”]{1,10}”|两大|三大)*", "", raw_after)
        after_m = re.match(rf"[{CJK}]{{0,12}}?({SUFFIX_RE.pattern})", after)
        if after_m and "的" in after_m.group(0):
            after_m = None
        before = s[max(0, m.start() - 8) : m.start()]
        typed = None
        suffix_after = after_m.group(1) if after_m else ""
        if after_m and after == raw_after:
            tail = m.end() + after_m.end()
            designation = _designation(s, m, suffix_after, extend_right(s, tail))
            if designation:
                spans.append(designation)
                continue
        if suffix_after and lx.SUFFIXES[suffix_after][0] == "zone":
            if suffix_after not in lx.PLACE_REQUIRED:
                typed = lx.SUFFIXES[suffix_after]
        elif any(before.endswith(x) for x in ("示范区", "集聚区", "产业园", "园区")):
            typed = ("zone", "innovation")
        if re.fullmatch(rf"[{CJK}]{{1,6}}路[-—][{CJK}]{{1,6}}", inner):
            typed = ("beautiful_block", "commercial")
        if typed and not re.search(r"[计划行动工程品牌]$", inner):
            spans.append(Span(m.start(1), m.end(1), inner, typed[0], typed[1], "quoted"))
    return spans


def non_place_designation(modifier: str) -> bool:
    """人才 / 实践 / 创业 …基地: a programme for people, not a place."""
    return any(w in modifier for w in lx.NON_PLACE_DESIGNATIONS)
