"""The list recognisers: members of ``A、B等<head>`` enumerations and glued heads, counted
zones ("…四大功能区"), and unsuffixed neighbours of a found name ("张园、东斯文里…").
"""

from __future__ import annotations

import re

from . import lexicon as lx
from .spans import (
    AND,
    CLAUSE_DELIMS,
    MEMBER_SPLIT,
    STOP_BY_LEN,
    STOP_LENS,
    Span,
    cn_count,
    is_generic,
    member_start,
    names_place,
    suffix_of,
    trim_member,
    trim_tail,
    typed_kind,
    valid_member,
)
from .vocab import CJK

_HEAD_ALT = "|".join(sorted(map(re.escape, lx.HEADS), key=len, reverse=True))

_ENUM_HEAD = re.compile(
    rf"(?:等|(?=\d+个|[一二三四五六七八九十两]个))(?:[\d.]+|[一二三四五六七八九十两几]+)?(?:个|幅|座|处|家|所|条|片|项|批|公里)?"
    rf"(?:市、区级|市级|区级|重点|一批|成片|零星)?(?:二级以下|挂牌督办)?“?({_HEAD_ALT})"
)

_GLUED_HEADS = (
    "零星旧改项目",
    "成套改造项目",
    "城市更新项目",
    "楼宇更新项目",
    "旧改项目",
    "养老项目",
    "商办项目",
    "河道",
)

_GLUED = re.compile("|".join(_GLUED_HEADS))

_GLUED_MEMBER = re.compile(rf"[{CJK}A-Za-z0-9]{{2,12}}$")

_LOOSE_HEADS = ("区域", "重点区域")


def enumeration_spans(s: str) -> list[Span]:
    """Members of ``A、B等<head>`` and of ``A、B<glued head>`` lists."""
    spans: list[Span] = []
    heads = [(m.start(), m.group(1), False) for m in _ENUM_HEAD.finditer(s)]
    counted = {m.start() for m in _ENUM_HEAD.finditer(s) if not m.group().startswith("等")}
    heads += [(m.start(), m.group(), True) for m in _GLUED.finditer(s) if _glued_member(s, m)]
    for head_at, head, glued in heads:
        default = lx.HEADS.get(head, ("road", "drainage") if head == "河道" else ("project", ""))
        bare = head == "项目" and not _works_nearby(s, head_at)
        end = head_at
        while end > 0:
            start = member_start(s, end)
            off, name = trim_member(s[start:end])
            name = trim_tail(name)
            if glued and ("等" in name or (head == "河道" and not name.endswith(lx.RIVER_ENDINGS))):
                break
            ok = valid_member(name)
            own = suffix_of(name)
            placed = names_place(name, frozenset())
            loose = head in _LOOSE_HEADS and len(name) > 5 and not placed
            # "…4个市级美丽街区" without 等: only names that tell themselves apart
            loose = loose or (head_at in counted and not own and not placed)
            if ok and not own and (bare or loose):
                ok = False
            if ok:
                kind, cat = typed_kind(name, default)
                spans.append(Span(start + off, start + off + len(name), name, kind, cat, "enum"))
            if start == 0 or s[start - 1] != MEMBER_SPLIT:
                break
            end = start - 1
    return spans


_ZONE_HEADS = tuple(w for w, (kind, _) in lx.SUFFIXES.items() if kind == "zone")

_COUNTED_HEAD = re.compile(
    rf"([一二三四五六七八九十两]|\d+)(?:大|个)(?:市级|区级|重点)?“?"
    rf"({'|'.join(sorted(map(re.escape, _ZONE_HEADS), key=len, reverse=True))})"
)

_NUMBER = re.compile(r"\d+")


def counted_spans(s: str) -> list[Span]:
    """ "南西、苏河湾、大宁、市北四大功能区": each member is one of the counted zones, named
    with the head ("大宁功能区"), when the count matches the members listed."""
    spans: list[Span] = []
    for m in _COUNTED_HEAD.finditer(s):
        want = int(m.group(1)) if _NUMBER.fullmatch(m.group(1)) else cn_count(m.group(1))
        head = m.group(2)
        members: list[tuple[int, str]] = []
        end = m.start()
        while end > 0 and len(members) <= want:
            start = member_start(s, end)
            off, name = trim_member(s[start:end])
            if not name or len(name) > 8 or not valid_member(name):
                break
            members.append((start + off, name))
            if start == 0 or s[start - 1] not in MEMBER_SPLIT + AND:
                break
            end = start - 1
        if len(members) != want or want < 2 or s[: members[-1][0]].endswith("在"):
            continue  # "在四大功能区举行…": the venue of an event, not works
        kind, category = lx.SUFFIXES[head]
        for at, name in members:
            full = name if name.endswith(head) else name + head
            spans.append(Span(at, at + len(name), full, kind, category, "counted"))
    return spans


def _glued_member(s: str, head: re.Match[str]) -> bool:
    """A name of 2–12 characters sits right before a glued head ("老沪太路零星旧改项目")."""
    return _GLUED_MEMBER.search(s, max(0, head.start() - 12), head.start()) is not None


def _works_nearby(s: str, at: int) -> bool:
    """Construction words in the clause of a list ending at ``at`` ("…等项目实现开工")."""
    left = max((s.rfind(d, 0, at) for d in "，；：。"), default=-1) + 1
    rights = [i for i in (s.find(d, at) for d in "，；。") if i >= 0]
    clause = s[left : min(rights) if rights else len(s)]
    return any(w in clause for w in lx.WORKS_WORDS)


_LIST_MAX = 10


def _cut_at_stop(chunk: str) -> str:
    """The name at the start of ``chunk``, up to the first verb ("东斯文里保护性开发")."""
    for i in range(1, len(chunk)):
        if any(chunk[i : i + n] in STOP_BY_LEN[n] for n in STOP_LENS if n > 1):
            return chunk[:i]
    return chunk


def _cut_at_head_word(chunk: str) -> str:
    """The name before a project word inside it ("谈家桥项目按计划…" → "谈家桥")."""
    cuts = [i for i in (chunk.find(w, 1) for w in ("项目", "工程")) if i > 0]
    return chunk[: min(cuts)] if cuts else chunk


_SHARED_SUFFIXES = ("片区", "地区", "功能区")


def _shared_suffix(name: str, anchor: Span) -> str:
    """ "大宁、市北片区" lists two 片区: the first member shares the anchor's suffix."""
    for suffix in _SHARED_SUFFIXES:
        core = anchor.name[: -len(suffix)] if anchor.name.endswith(suffix) else ""
        if core and len(name) == len(core) <= 3 and not suffix_of(name) and not is_generic(name):
            return name + suffix
    return ""


def _list_member_ok(name: str, anchor: Span, known: frozenset[str]) -> bool:
    if not valid_member(name) or len(name) > _LIST_MAX:
        return False
    if _shared_suffix(name, anchor):
        return True
    if suffix_of(name) or anchor.kind != "zone":
        return bool(suffix_of(name)) or anchor.rule == "suffix"
    return names_place(name, known)


_PART = re.compile(r"^(?:[东西南北中]区|[一二三四五六七八九十\d]+期)$")


def _complete_part(found: list[Span], anchor: Span) -> None:
    """ "铁路公园南区、北区": the bare part names the same place's other part."""
    last = found[-1]
    tail = _PART.search(anchor.name[-2:]) or _PART.search(anchor.name[-3:])
    if _PART.match(last.name) and tail:
        base = anchor.name[: len(anchor.name) - len(tail.group())]
        found[-1] = Span(
            last.start, last.end, base + last.name, anchor.kind, anchor.category, "list"
        )


def list_neighbours(s: str, chosen: list[Span], known: frozenset[str]) -> list[Span]:
    """Unsuffixed members listed with a found name: "张园、东斯文里…", "大宁、市北片区"."""
    taken = [(c.start, c.end) for c in chosen]
    found: list[Span] = []

    def accept(a: int, name: str, anchor: Span) -> bool:
        b = a + len(name)
        free = all(b <= x or a >= y for x, y in taken)
        if not name or not free or not _list_member_ok(name, anchor, known):
            return False
        found.append(Span(a, b, name, *typed_kind(name, (anchor.kind, anchor.category)), "list"))
        taken.append((a, b))
        return True

    for anchor in chosen:
        if anchor.rule not in ("suffix", "address"):
            continue
        # leftwards: "A、B<anchor>" or "A和<anchor>" / "A及<anchor>" / "A与<anchor>"
        end = anchor.start
        while end > 1 and (s[end - 1] == "、" or s[end - 1] in AND):
            start = member_start(s, end - 1)
            off, name = trim_member(s[start : end - 1])
            shared = _shared_suffix(name, anchor)
            if shared and accept(start + off, name, anchor):
                found[-1] = Span(start + off, end - 1, shared, anchor.kind, anchor.category, "list")
            elif not accept(start + off, name, anchor):
                break
            end = start
        # rightwards: "<anchor>、B…" up to the next verb
        pos = anchor.end
        while pos < len(s) and (s[pos] == "、" or s[pos] in AND):
            stop = pos + 1
            while stop < len(s) and s[stop] not in CLAUSE_DELIMS + MEMBER_SPLIT + "等":
                stop += 1
            name = trim_tail(_cut_at_head_word(_cut_at_stop(s[pos + 1 : stop])))
            if not accept(pos + 1, name, anchor):
                break
            _complete_part(found, anchor)
            pos += 1 + len(name)
    return found
