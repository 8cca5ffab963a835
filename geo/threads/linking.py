"""Linking: union-find over mentions that refuses a union whose two sides conflict anywhere,
so no chain joins look-alikes; direct links strongest first, then enumeration context; the
near misses kept as candidates with their rule or refusal reason."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.threads.mentions import Mention, mentions
from geo.threads.rules import (
    RULES,
    apart_reason,
    incompatible,
    pair_rule,
    renames,
    similarity,
)

#: minimum similarity (rapidfuzz ratio, 0–100) of names for a context link and for a candidate
CONTEXT_RATIO = 80.0
CANDIDATE_RATIO = 60.0


#: what rules and checks read of a mention (`signature`)
Signature = tuple[Any, ...]
#: where a mention is: (doc, start, end) of its sentence
_Span = tuple[str, int, int]


def signature(m: Mention) -> Signature:
    """What rules and checks read of a mention besides its sentence: mentions with one
    signature are one thing, and pairs of signatures are compared once, not pairs of items."""
    return (m.key, m.core, m.markers, m.kind, m.address, m.feature, m.subdistricts)


def _span(m: Mention) -> _Span:
    return (m.doc, m.start, m.end)


class _Threads:
    """Union-find over mentions whose unions are refused when the two sides conflict: two of
    their signatures are `incompatible`, or they hold different names from one sentence.
    A side keeps its signatures and its sentences, so a check costs the number of distinct
    names, not of mentions."""

    def __init__(self, members: list[Mention], sig_of: list[int], reps: list[Mention]) -> None:
        self.members, self.sig_of, self.reps = members, sig_of, reps
        self.parent = list(range(len(members)))
        self.sigs: dict[int, set[int]] = {i: {sig_of[i]} for i in range(len(members))}
        self.spans: dict[int, dict[_Span, set[str]]] = {m.pos: {_span(m): {m.key}} for m in members}
        self._memo: dict[tuple[int, int], bool] = {}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def _incompatible(self, sa: int, sb: int) -> bool:
        key = (min(sa, sb), max(sa, sb))
        if key not in self._memo:
            self._memo[key] = incompatible(self.reps[sa], self.reps[sb])
        return self._memo[key]

    def conflict(self, ra: int, rb: int) -> bool:
        if any(self._incompatible(a, b) for a in self.sigs[ra] for b in self.sigs[rb]):
            return True
        small, big = sorted((self.spans[ra], self.spans[rb]), key=len)
        return any(len(keys | big[span]) > 1 for span, keys in small.items() if span in big)

    def union(self, i: int, j: int) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return True
        if self.conflict(ri, rj):
            return False
        if len(self.spans[ri]) < len(self.spans[rj]):
            ri, rj = rj, ri
        self.parent[rj] = ri
        self.sigs[ri] |= self.sigs.pop(rj)
        spans = self.spans[ri]
        for span, keys in self.spans.pop(rj).items():
            spans.setdefault(span, set()).update(keys)
        return True


@dataclass(frozen=True)
class Link:
    a: int
    b: int
    rule: str
    score: float


def _blocks(reps: list[Mention]) -> dict[str, list[int]]:
    """Signatures sharing a blocking key (key, core, address, feature, first two characters
    of the core): only these are compared, so linking stays near-linear in the items."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for s, m in enumerate(reps):
        keys = {f"k:{m.key}", f"c:{m.core}", f"p:{m.core[:2]}"}
        if m.address:
            keys.add(f"a:{m.address[:4]}")
        if m.feature is not None:
            keys.add(f"f:{m.feature}")
        for key in keys:
            blocks[key].append(s)
    return blocks


def candidate_pairs(reps: list[Mention]) -> list[tuple[int, int]]:
    """Pairs of signatures worth comparing (sharing a block), sorted, each once."""
    pairs: set[tuple[int, int]] = set()
    for group in _blocks(reps).values():
        for x, i in enumerate(group):
            for j in group[x + 1 :]:
                pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


def _context_link(
    threads: _Threads,
    left: list[int],
    right: list[int],
    sentences: Mapping[_Span, list[int]],
) -> tuple[int, int] | None:
    """A mention of `left` and one of `right`, in two reports, whose sentences list members
    already in one thread (the same enumeration context), or None."""
    members = threads.members
    seen: dict[int, int] = {}
    for a in left:
        for s in sentences[_span(members[a])]:
            if s != a:
                seen.setdefault(threads.find(s), a)
    for b in right:
        for s in sentences[_span(members[b])]:
            match = seen.get(threads.find(s)) if s != b else None
            if match is not None and members[match].doc != members[b].doc:
                return match, b
    return None


def link(
    items: pd.DataFrame, published: Mapping[str, object] | None = None
) -> tuple[list[Mention], list[int], list[Link], list[Link]]:
    """Members, the thread root of each, the links made and the candidate links not made
    (refused links and similar names; one per pair of distinct signatures)."""
    members = mentions(items, published)
    index: dict[Signature, int] = {}
    sig_of = [index.setdefault(signature(m), len(index)) for m in members]
    groups: list[list[int]] = [[] for _ in index]
    for m in members:
        groups[sig_of[m.pos]].append(m.pos)
    reps = [members[g[0]] for g in groups]
    threads = _Threads(members, sig_of, reps)
    made: list[Link] = []
    for group in groups:  # one signature: one thing, unless one sentence lists two of them
        for p in group[1:]:
            if threads.union(group[0], p):
                made.append(Link(group[0], p, "same_name", RULES["same_name"]))
    pairs = candidate_pairs(reps)
    direct = []
    for sa, sb in pairs:
        rule = pair_rule(reps[sa], reps[sb])
        if rule is not None:
            direct.append(Link(groups[sa][0], groups[sb][0], rule, RULES[rule]))
    direct += [Link(a, b, "renamed", RULES["renamed"]) for a, b in renames(members)]
    direct.sort(key=lambda lk: (-lk.score, lk.a, lk.b))
    refused: list[Link] = []
    for lk in direct:
        (made if threads.union(lk.a, lk.b) else refused).append(lk)
    sentences: dict[_Span, list[int]] = defaultdict(list)
    for m in members:
        sentences[_span(m)].append(m.pos)
    scores: dict[tuple[int, int], float] = {}
    for sa, sb in pairs:
        a, b = reps[sa], reps[sb]
        scores[(sa, sb)] = score = similarity(a, b)
        if threads.find(a.pos) == threads.find(b.pos) or score < CONTEXT_RATIO:
            continue
        if a.kind != b.kind or a.markers != b.markers or incompatible(a, b):
            continue
        found = _context_link(threads, groups[sa], groups[sb], sentences)
        if found is not None:
            lk = Link(*found, "enumeration_context", RULES["enumeration_context"])
            (made if threads.union(*found) else refused).append(lk)
    roots = [threads.find(i) for i in range(len(members))]
    return members, roots, made, refused + _near_misses(reps, roots, scores, refused)


def _near_misses(
    reps: list[Mention],
    roots: list[int],
    scores: Mapping[tuple[int, int], float],
    refused: list[Link],
) -> list[Link]:
    """Pairs of similar names (or one inside the other) left in two threads, each with its
    rule: `apart:<reason>` when a check keeps them apart, else `similar_name`."""
    tried = {(lk.a, lk.b) for lk in refused}
    out = []
    for (sa, sb), score in scores.items():
        a, b = reps[sa], reps[sb]
        if roots[a.pos] == roots[b.pos] or (a.pos, b.pos) in tried:
            continue
        if score >= CANDIDATE_RATIO or a.key in b.key or b.key in a.key:
            reason = apart_reason(a, b)  # the evidence of a refusal: why they stay apart
            rule = f"apart:{reason}" if reason else "similar_name"
            out.append(Link(a.pos, b.pos, rule, round(score / 100, 2)))
    return out
