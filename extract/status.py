"""Status decided by period: the rule table of ``extract/data/status.toml``, applied.

A plan states intentions, a review states facts: the same verb means a target in one and an
achievement in the other, so the table maps (period, verb class) → status. This module only
finds the verb that governs an item (see the table's header for the steps) and looks it up.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

#: The statuses, in the schema's order.
STATUSES = ("planned", "started", "completed", "ongoing", "mentioned")
PERIODS = ("plan", "review", "multi-year")
#: The table's pseudo-classes besides the verb classes.
SITUATIONS = ("none", "subject", "glossary")

_CLAUSE_SPLIT = re.compile(r"[，；：,]")
#: What may stand between a name and its object noun ("…等3个项目建设", "…工程改造").
_TO_OBJECT = re.compile(
    r"^(?:（[^（）]*）)?(?:[、等\d一二三四五六七八九十个幅座处批项]|项目|工程)*$"
)
_DESCRIPTIVE_NEXT = ("工程", "项目", "、", "等", "研究", "设计")
#: After the name, a verb glued to a works noun is part of a compound noun ("景观灯光提升改造").
_COMPOUND_NEXT = ("改造", "建设", "工作")


@dataclass(frozen=True)
class StatusRules:
    """The parsed table: word → class, class strength, status per period."""

    word_class: dict[str, str]
    order: tuple[str, ...]
    objects: frozenset[str]
    subject_markers: tuple[str, ...]
    locatives: tuple[str, ...]
    not_locatives: tuple[str, ...]
    preparatory: tuple[str, ...]
    plan_targets: frozenset[str]
    task_nouns: tuple[str, ...]
    serial: frozenset[str]
    table: dict[str, dict[str, str]]
    pattern: re.Pattern[str]

    def status(self, period: str, situation: str) -> str:
        return self.table.get(period, self.table["plan"])[situation]


@cache
def rules() -> StatusRules:
    """The rule table, read once from the package data."""
    raw = tomllib.loads(
        resources.files(__package__).joinpath("data/status.toml").read_text("utf-8")
    )
    word_class = {w: cls for cls, words in raw["words"].items() for w in words}
    order = tuple(raw["order"])
    table = {p: dict(v) for p, v in raw["status"].items()}
    for period in PERIODS:
        missing = set(order + SITUATIONS) - set(table[period])
        assert not missing, f"status.toml: {period} lacks {sorted(missing)}"
        assert set(table[period].values()) <= set(STATUSES), table[period]
    pattern = re.compile("|".join(sorted(map(re.escape, word_class), key=len, reverse=True)))
    return StatusRules(
        word_class,
        order,
        frozenset(raw["objects"]),
        tuple(raw["subject_markers"]),
        tuple(raw["locatives"]),
        tuple(raw["not_locatives"]),
        tuple(raw["preparatory"]),
        frozenset(raw["plan_targets"]),
        tuple(raw["task_nouns"]),
        frozenset(raw["serial"]),
        table,
        pattern,
    )


def clause_bounds(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The comma-delimited clause of ``sentence`` holding ``[start, end)``."""
    left = max((m.end() for m in _CLAUSE_SPLIT.finditer(sentence, 0, start)), default=0)
    right = _CLAUSE_SPLIT.search(sentence, end)
    return left, right.start() if right else len(sentence)


def governing_class(sentence: str, start: int, end: int, period: str = "review") -> str:
    """The class of the verb that governs ``sentence[start:end]``, or a situation name."""
    r = rules()
    c0, c1 = clause_bounds(sentence, start, end)
    clause = sentence[c0:c1]
    rel_start, rel_end = start - c0, end - c0
    after, before = _verbs_around(clause, rel_start, rel_end)
    if not clause[:rel_start].strip("“”（）") and clause.startswith(r.subject_markers, rel_end):
        return "subject"
    prefix = clause[:rel_start]
    if prefix.endswith(r.locatives) and not prefix.endswith(r.not_locatives):
        return "reference"  # 在X举行…: X is where it happens
    if (
        before
        and before[-1][1] in _PREPOSITIONS
        and not _verb_between(clause, before[-1], rel_start)
    ):
        return before[-1][1]  # 依托X建成Y: X is the object of 依托, the later verb is Y's
    if period == "plan":
        # a plan names its targets after the item ("…投入使用"); otherwise the verb before
        # the item says what the plan does with it ("推动X提升" is 推动's)
        targets = [a for a in after if a[1] in r.plan_targets]
        if targets:
            return min(targets)[1]
        if before:
            return max(before)[1]
    if after:
        return min(after)[1]
    if before:
        return max(before)[1]
    return "none"


def _verbs_around(
    clause: str, rel_start: int, rel_end: int
) -> tuple[list[tuple[int, str]], list[tuple[int, str, int]]]:
    """The verbs of `clause` after the item (rank in the class order, class) and before it
    (start, class, end), descriptive and object uses left out."""
    r = rules()
    after: list[tuple[int, str]] = []
    before: list[tuple[int, str, int]] = []
    complement = -1  # end of a serial verb: the verb starting there is its complement
    for m in r.pattern.finditer(clause):
        word = m.group()
        serial_complement, complement = m.start() == complement, -1
        if serial_complement:
            complement = m.end() if word in r.serial else -1
            continue  # 启动创建, 不断完善: the first of two verbs in series governs
        if word in r.serial:
            complement = m.end()
        cls = _predicate_class(clause, m)
        if cls is None:
            continue
        if m.start() >= rel_end:
            if word in r.objects and clause.startswith(_COMPOUND_NEXT, m.end()):
                continue
            gap = clause[rel_end : m.start()]
            if word in r.objects and _TO_OBJECT.match(_strip_objects(gap, r.objects | _heads())):
                continue  # 静安公园改造, …等项目建设: the item's object, not its predicate
            if cls == "creation" and word == "建设":
                continue  # after a name 建设 is a noun
            after.append((r.order.index(cls), cls))
        elif m.end() <= rel_start:
            before.append((m.start(), cls, m.end()))
    return after, before


def _predicate_class(clause: str, m: re.Match[str]) -> str | None:
    """The class of the verb `m` as a predicate, or None when it is not one here: part of a
    description (新建工程), an auxiliary (实现开工), or of a task noun (收尾验收工作, 规划设计);
    a completion of preparation (完成征收) is a start."""
    r = rules()
    cls = r.word_class[m.group()]
    if clause.startswith(_DESCRIPTIVE_NEXT, m.end()) and cls in ("creation", "continuation"):
        return None  # 新建工程, 提升工程, 新建、改造: describes the project
    if cls == "achievement" and r.pattern.search(clause, m.end(), m.end() + 6):
        return None  # 实现(西区)开工: 实现 is an auxiliary, the next word is the predicate
    if cls == "milestone" and clause.startswith(r.preparatory, m.end()):
        return "start"  # 完成征收: the preparation is done, the works begin
    if clause.startswith(r.task_nouns, m.end()):
        return None  # 收尾验收工作, 规划设计: a task noun, not a predicate
    return cls


def _strip_objects(gap: str, objects: frozenset[str]) -> str:
    """``gap`` without the object nouns and list heads in it ("改造" of "…改造提升", "市级
    “美丽街区”" of "…等3个市级“美丽街区”创建")."""
    for word in sorted(objects, key=len, reverse=True):
        gap = gap.replace(word, "")
    return re.sub(r"[“”]|市级|区级", "", gap)


@cache
def _heads() -> frozenset[str]:
    """The enumeration heads of the lexicon (项目, 美丽街区 …): nouns between a name and its
    object noun."""
    from .lexicon import HEADS

    return frozenset(HEADS)


#: Verb classes that work like prepositions: their object is the place, not the works.
_PREPOSITIONS = ("reference", "framing")


def _verb_between(clause: str, verb: tuple[int, str, int], end: int) -> bool:
    return rules().pattern.search(clause, verb[2], end) is not None


def status_of(sentence: str, start: int, end: int, period: str, glossary: bool = False) -> str:
    """planned | started | completed | ongoing | mentioned for ``sentence[start:end]``."""
    if glossary:
        return rules().status(period, "glossary")
    return rules().status(period, governing_class(sentence, start, end, period))
