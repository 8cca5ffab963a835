"""Thread ids (a hash of the earliest mention) and the outcome of each plan from the later
mentions of its thread."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.threads.mentions import Mention

#: period of a retrospective statement (what happened), as opposed to a plan
RETROSPECTIVE: frozenset[str] = frozenset({"review", "multi-year"})
#: statuses of a later review that count as delivered / in progress
DONE: frozenset[str] = frozenset({"completed"})
MOVING: frozenset[str] = frozenset({"started", "ongoing", "mentioned"})


def _order(m: Mention, year: int) -> tuple[Any, ...]:
    return (m.pub, year, m.start, m.id)


def thread_ids(
    members: list[Mention], roots: list[int], years: list[int]
) -> tuple[list[str], dict[int, int]]:
    """A stable id per row: a hash of the content (doc, name, quote) of the thread's earliest
    mention in publication order, so row order and other threads do not change it."""
    first: dict[int, int] = {}
    for m in members:
        root = roots[m.pos]
        if root not in first or _order(m, years[m.pos]) < _order(
            members[first[root]], years[first[root]]
        ):
            first[root] = m.pos
    ids: dict[int, str] = {}
    taken: Counter[str] = Counter()
    for root, pos in sorted(first.items(), key=lambda kv: _order(members[kv[1]], years[kv[1]])):
        m = members[pos]
        digest = hashlib.sha1(f"{m.doc}\x1f{m.name}\x1f{m.quote}".encode()).hexdigest()[:10]
        taken[digest] += 1
        ids[root] = f"T{digest}" + (f"-{taken[digest]}" if taken[digest] > 1 else "")
    return [ids[roots[m.pos]] for m in members], first


def is_plan(period: object, status: object) -> bool:
    """A plan item: a statement of the plan part, or anything said to be planned."""
    return str(period) == "plan" or str(status) == "planned"


def plan_mask(items: pd.DataFrame) -> pd.Series:
    """Which rows of `items` are plan items (see `is_plan`)."""
    return (items["period"] == "plan") | (items["status"] == "planned")


def outcome_of(plan_pub: tuple[Any, ...], later: Iterable[tuple[tuple[Any, ...], str, str]]) -> str:
    """The outcome of a plan published at `plan_pub`, from its thread's (pub, period, status)."""
    return Latest.of(later).outcome(plan_pub)


@dataclass
class Latest:
    """The latest publication of a thread's mentions of each sort: any, retrospective and
    completed, retrospective and started/ongoing/mentioned. A plan's outcome compares its own
    publication with these three, so outcomes cost one pass over the items."""

    any: tuple[Any, ...] = ()
    done: tuple[Any, ...] = ()
    moving: tuple[Any, ...] = ()

    def add(self, pub: tuple[Any, ...], period: str, status: str) -> None:
        self.any = max(self.any, pub)
        if period in RETROSPECTIVE and status in DONE:
            self.done = max(self.done, pub)
        elif period in RETROSPECTIVE and status in MOVING:
            self.moving = max(self.moving, pub)

    @classmethod
    def of(cls, mentions: Iterable[tuple[tuple[Any, ...], str, str]]) -> Latest:
        latest = cls()
        for pub, period, status in mentions:
            latest.add(pub, period, status)
        return latest

    def outcome(self, pub: tuple[Any, ...]) -> str:
        if self.done > pub:
            return "delivered"
        if self.moving > pub:
            return "in_progress"
        return "replanned" if self.any > pub else "no_later_mention"
