"""Threads: the mentions of one real-world project, site, park, street area or zone across
reports, and what became of every plan (issue 12).

`link_threads(items)` is a pure function over the items GeoDataFrame (no I/O, no Streamlit,
deterministic): it adds `thread` (a stable id) and `outcome` (for plan items). Linking decides
*same thing*, not *similar words*, from evidence applied strongest first:

1. `same_feature` — both items are placed by their own name on the same gazetteer feature
   (exact/alias match at precision 1; the `matched` column when the build provides one);
2. `same_address` — the same road and house number (共和新路3550号), nothing else added;
3. `same_name` — the same normalised name (full-width folded, quotes and brackets dropped,
   the district prefix 静安/区 and trailing project words 项目/工程/改造 … removed);
4. `contains_same_location` — one name is the other plus only generic area words
   (愚园路街区 / 愚园路片区 / 愚园路: all 愚园路 + "area"), same kind;
5. `enumeration_context` — near-identical names (大宁商务单元 / 大宁商务更新单元) listed with a
   member already linked across the two reports.

Look-alikes are kept apart by cannot-link checks that hold for the whole thread, so that no
chain of links joins them: different sections, phases or numbers (东段/西段, 西区/东区, 四期/五期,
3550号/3200号), one name being the other plus a specific word (彭一小区 vs 彭一小区养老院: a
different facility on the site; 南京西路 vs 南京西路商圈), a road and anything else, and two
members of one enumeration. Near misses are kept as `candidates` (with a score) on the
threads table instead of being linked.

Outcome of a plan item (period `plan` or status `planned`), from the mentions of its thread in
reports published *later*: `delivered` if a later review says completed; else `in_progress`
if a later review says started, ongoing or reports on it; else `replanned` if it is only
planned again; else `no_later_mention`. Items that are not plans get no outcome.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rapidfuzz import fuzz
from shapely.geometry.base import BaseGeometry

from atlas.settings import settings
from extract.normalise import fold_char
from extract.vocab import PROJECT_SUFFIXES, ROAD_SUFFIXES
from geo.geocode.parsing import parse_address
from geo.schema import CRS, OUTCOMES, THREAD_COLUMNS

# --------------------------------------------------------------------------- vocabulary

#: Phase words (一期, 三期 …) tell projects apart: they are never stripped as "project words".
PHASE = re.compile(r"[一二三四五六七八九十\d]+期")
#: Parts that make two otherwise equal names different things: phases, sections, district
#: parts, banks, numbers, parcels and school/hospital branches.
#: Each run-matching branch starts only at the start of its run (the look-behinds): a match
#: cannot start inside a run where one starting at its beginning failed, and without them a
#: long run with no 期/号/地块 after it was rescanned from every position (quadratic).
MARKERS = re.compile(
    r"(?<![一二三四五六七八九十\d])[一二三四五六七八九十\d]+期"
    r"|(?:[东西南北中]|[\u4e00-\u9fff]{2})段|[东西南北中]区|首开区|[东西南北]岸"
    r"|(?<!\d)\d+(?:号线|号|弄|街坊)|(?<![A-Za-z\d])[A-Za-z\d]+地块|分部|分校|分院|校区|院区"
)
#: Trailing words meaning "the area of X" (the issue's 愚园路街区 / 愚园路片区).
AREA_WORDS: tuple[str, ...] = ("功能区", "片区", "地区", "区域", "街区", "一带", "板块")
#: Trailing generic words of a site ("自仪厂地块" is the 自仪厂 site).
SITE_WORDS: tuple[str, ...] = ("地块",)
#: Words that qualify without changing the thing (…配套完全中学 = …完全中学, …示范创建街区 =
#: …示范街区).
FILLER_WORDS: tuple[str, ...] = ("配套", "创建")
#: Facility words with one meaning (养护院 and 养老院 are both care homes).
FACILITY_SYNONYMS: dict[str, str] = {"养护院": "养老院", "敬老院": "养老院"}
#: Words trailing a project name that do not change what it is (phases excluded).
PROJECT_WORDS: tuple[str, ...] = tuple(
    sorted((w for w in PROJECT_SUFFIXES if not PHASE.fullmatch(w)), key=len, reverse=True)
)
_DROP = re.compile(r"[“”\"'‘’《》「」（）()\[\]【】·•\s]")
_DASH = re.compile(r"[—–\-－~～]+")

#: period of a retrospective statement (what happened), as opposed to a plan
RETROSPECTIVE: frozenset[str] = frozenset({"review", "multi-year"})
#: statuses of a later review that count as delivered / in progress
DONE: frozenset[str] = frozenset({"completed"})
MOVING: frozenset[str] = frozenset({"started", "ongoing", "mentioned"})
#: item kinds that are lines of their own (a road is never the zone or block on it)
ROAD_KINDS: frozenset[str] = frozenset({"road"})
#: kinds the extractor may give one street area (巨富长 "区域" / 巨富长片区 "美丽街区")
AREA_KINDS: frozenset[str] = frozenset({"zone", "beautiful_block"})
#: methods that place an item on a gazetteer feature by its own name
NAME_METHODS: frozenset[str] = frozenset({"exact", "alias"})

#: worst precision code whose 街道 tells two namesakes apart (1–3: a place, a road, a 街道)
PLACED_PRECISION = 3

#: minimum similarity (rapidfuzz ratio, 0–100) of names for a context link and for a candidate
CONTEXT_RATIO = 80.0
CANDIDATE_RATIO = 60.0

#: Rule → score (strongest first); the order in which links are tried.
RULES: dict[str, float] = {
    "same_feature": 1.0,
    "same_address": 0.95,
    "same_name": 0.9,
    "contains_same_location": 0.8,
    "enumeration_context": 0.7,
}


def _district_prefixes() -> tuple[str, ...]:
    """静安区, 静安, 区 (from `settings.district`): a prefix that only says "of the district"."""
    district = settings.district
    short = district[:-1] if district.endswith(("区", "县")) else district
    return tuple(dict.fromkeys((f"上海市{district}", district, short, "区")))


def _strip_suffixes(text: str, words: Iterable[str], keep: int = 2) -> str:
    """`text` without any of `words` at its end (repeatedly), keeping at least `keep` chars."""
    words = tuple(words)
    changed = True
    while changed:
        changed = False
        for word in words:
            if text.endswith(word) and len(text) - len(word) >= keep:
                text, changed = text[: -len(word)], True
    return text


@functools.lru_cache(maxsize=65536)
def name_key(name: object) -> str:
    """The normalised name: folded, no quotes/brackets/spaces, one dash, no district prefix,
    no trailing project words, facility synonyms unified. `same_name` compares these."""
    text = _DROP.sub("", fold_char(str(name or "")))
    text = _DASH.sub("—", text)
    for prefix in _district_prefixes():
        rest = text[len(prefix) :]
        if text.startswith(prefix) and len(rest) >= 3 and not rest.startswith(("域", "块")):
            text = rest
            break
    for word in FILLER_WORDS:
        text = text.replace(word, "")
    for word, canonical in FACILITY_SYNONYMS.items():
        text = text.replace(word, canonical)
    return _strip_suffixes(text, PROJECT_WORDS)


def name_core(key: str) -> str:
    """`key` without trailing area and site words: the place itself (愚园路街区 → 愚园路)."""
    return _strip_suffixes(key, (*AREA_WORDS, *SITE_WORDS, *PROJECT_WORDS))


def markers(key: str) -> frozenset[str]:
    """Sections, phases, numbers and branches named in `key` (东段, 四期, 3550号 …)."""
    return frozenset(MARKERS.findall(key))


def is_road_name(key: str) -> bool:
    return key.endswith(ROAD_SUFFIXES)


# --------------------------------------------------------------------------- publication order


def _date_tuple(value: object) -> tuple[int, int, int] | None:
    match = re.match(r"\s*(\d{4})(?:[-/.年](\d{1,2}))?(?:[-/.月](\d{1,2}))?", str(value or ""))
    if not match:
        return None
    return (int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0))


def publication_order(
    docs: Iterable[str], published: Mapping[str, object] | None = None
) -> dict[str, tuple]:
    """A sortable publication key per document: the report's date (`published[doc]`, e.g.
    reports.csv `delivered`), else the date its file name starts with; undated documents sort
    last, by name. A month-only date ("2025-01") sorts before any day of a later month."""
    order = {}
    for doc in docs:
        date = _date_tuple((published or {}).get(doc)) or _date_tuple(
            re.match(r"\d{4}(?:-\d{2}){0,2}", str(doc)) and str(doc)
        )
        order[doc] = (0, *date, str(doc)) if date else (1, 0, 0, 0, str(doc))
    return order


# --------------------------------------------------------------------------- mentions


@dataclass(frozen=True)
class Mention:
    """What linking needs of one item (row position `pos`)."""

    pos: int
    id: str
    name: str
    key: str
    core: str
    markers: frozenset[str]
    kind: str
    doc: str
    pub: tuple
    start: int
    end: int
    quote: str
    address: tuple | None
    feature: object
    subdistricts: frozenset[str]


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _int(value: object, default: int = 0) -> int:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return default
    return int(cast(float, value))


@functools.lru_cache(maxsize=65536)
def _address(name_key_: str, location: str) -> tuple | None:
    """(road, number, unit, rest of the name) when the name *is* an address (+ a facility)."""
    for text in (name_key_, name_key(location)):
        parsed = parse_address(text)
        if parsed is not None and parsed.start == 0:
            rest = text[parsed.end :]
            return (parsed.road, parsed.number, parsed.number_end, parsed.unit, rest)
    return None


def _feature(row: Mapping, key: str, geom: object) -> object:
    """The gazetteer feature an item is placed on *by its own name*, else None."""
    if _text(row.get("method")) not in NAME_METHODS or _int(row.get("precision"), 0) != 1:
        return None
    if name_key(row.get("location")) != key or not isinstance(geom, BaseGeometry) or geom.is_empty:
        return None
    matched = _text(row.get("matched"))
    return ("matched", matched) if matched else ("wkb", shapely.to_wkb(geom, hex=True))


def _placed_in(row: Mapping) -> frozenset[str]:
    """The 街道 of a well-placed item (precision 1–3); estimates (a zone, an open 四至) and
    district-level points say nothing about which 街道 the thing is in."""
    if _int(row.get("precision"), 99) > PLACED_PRECISION:
        return frozenset()
    return frozenset(s for s in _text(row.get("subdistrict")).split(";") if s)


#: Columns of the items that linking reads.
MENTION_COLUMNS: tuple[str, ...] = (
    "id", "name", "kind", "start", "end", "quote", "location", "method", "precision",
    "matched", "subdistrict",
)  # fmt: skip


def mentions(items: pd.DataFrame, published: Mapping[str, object] | None = None) -> list[Mention]:
    """One `Mention` per row of `items`, in row order."""
    docs = items["doc"].astype(str).tolist()
    order = publication_order(dict.fromkeys(docs), published)
    geoms = items.geometry.array if isinstance(items, gpd.GeoDataFrame) else [None] * len(items)
    wanted = [c for c in MENTION_COLUMNS if c in items.columns]
    records = pd.DataFrame(items[wanted]).to_dict("records")
    out = []
    for pos, (row, geom) in enumerate(zip(records, geoms, strict=True)):
        key = name_key(row.get("name"))
        out.append(
            Mention(
                pos=pos,
                id=_text(row.get("id")),
                name=_text(row.get("name")),
                key=key,
                core=name_core(key),
                markers=markers(key),
                kind=_text(row.get("kind")),
                doc=docs[pos],
                pub=order[docs[pos]],
                start=_int(row.get("start")),
                end=_int(row.get("end")),
                quote=_text(row.get("quote")),
                address=_address(key, _text(row.get("location"))),
                feature=_feature(row, key, geom),
                subdistricts=_placed_in(row),
            )
        )
    return out


# --------------------------------------------------------------------------- pair rules


def same_quote(a: Mention, b: Mention) -> bool:
    """Two members of one enumeration (one sentence of one report) are different things."""
    return a.doc == b.doc and a.start < b.end and b.start < a.end and a.key != b.key


def kinds_compatible(a: Mention, b: Mention) -> bool:
    """Same kind; or project / zone / block / park for one name that is not a road's (the
    extractor may call one street area a zone here and a block there)."""
    if a.kind == b.kind:
        return True
    if a.kind in ROAD_KINDS or b.kind in ROAD_KINDS:
        return False
    return not (is_road_name(a.key) or is_road_name(b.key))


def incompatible(a: Mention, b: Mention) -> bool:
    """True when two names can never be one thing (what `cannot_link` checks besides the
    sentence): it depends only on the names, kinds, addresses and 街道, so it is decided once
    per pair of distinct signatures."""
    if not kinds_compatible(a, b):
        return True
    if a.subdistricts and b.subdistricts and not a.subdistricts & b.subdistricts:
        return True  # placed in different 街道
    if a.key == b.key:
        return False
    if a.markers != b.markers and (a.core in b.key or b.core in a.key):
        return True  # 南京西路东段 / 西段, 张园 / 张园西区, 彭三小区四期 / 五期
    if a.address and b.address and a.address[:4] != b.address[:4]:
        return True  # 汶水路8号 / 汶水路801号
    # 彭一小区 / 彭一小区养老院, 南京西路 / 南京西路商圈: one name plus a specific word
    return a.core != b.core and (a.key in b.key or b.key in a.key)


def cannot_link(a: Mention, b: Mention) -> bool:
    """True when `a` and `b` must never share a thread, whatever links a chain holds."""
    return same_quote(a, b) or incompatible(a, b)


def pair_rule(a: Mention, b: Mention) -> str | None:
    """The strongest direct rule linking `a` and `b`, or None (sentences aside: two members
    of one enumeration are kept apart when threads are joined)."""
    if incompatible(a, b):
        return None
    same_markers = a.markers == b.markers
    if a.feature is not None and a.feature == b.feature and a.kind == b.kind and same_markers:
        return "same_feature"
    if a.address and a.address == b.address and a.kind == b.kind:
        return "same_address"
    if a.key == b.key:
        return "same_name"
    same_kind = a.kind == b.kind or {a.kind, b.kind} <= AREA_KINDS
    contained = a.core in (a.key, b.key) or _only_area_words(a, b)
    if a.core == b.core and same_markers and same_kind and len(a.core) >= 2 and contained:
        return "contains_same_location"
    return None


def _only_area_words(a: Mention, b: Mention) -> bool:
    """Both names are the core plus area/site words only (愚园路街区 / 愚园路片区)."""
    return all(name_core(m.key) == m.core for m in (a, b))


def similarity(a: Mention, b: Mention) -> float:
    """0–100: how alike two names are (rapidfuzz ratio of the normalised names)."""
    return float(fuzz.ratio(a.key, b.key))


# --------------------------------------------------------------------------- linking


def signature(m: Mention) -> tuple:
    """What rules and checks read of a mention besides its sentence: mentions with one
    signature are one thing, and pairs of signatures are compared once, not pairs of items."""
    return (m.key, m.core, m.markers, m.kind, m.address, m.feature, m.subdistricts)


def _span(m: Mention) -> tuple[str, int, int]:
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
        self.spans: dict[int, dict[tuple, set[str]]] = {m.pos: {_span(m): {m.key}} for m in members}
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
    threads: _Threads, left: list[int], right: list[int], sentences: Mapping[tuple, list[int]]
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
    index: dict[tuple, int] = {}
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
    direct.sort(key=lambda lk: (-lk.score, lk.a, lk.b))
    refused: list[Link] = []
    for lk in direct:
        (made if threads.union(lk.a, lk.b) else refused).append(lk)
    sentences: dict[tuple, list[int]] = defaultdict(list)
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
    tried = {(lk.a, lk.b) for lk in refused}
    candidates = refused[:]
    for (sa, sb), score in scores.items():
        a, b = reps[sa], reps[sb]
        if roots[a.pos] == roots[b.pos] or (a.pos, b.pos) in tried:
            continue
        if score >= CANDIDATE_RATIO or a.key in b.key or b.key in a.key:
            candidates.append(Link(a.pos, b.pos, "similar_name", round(score / 100, 2)))
    return members, roots, made, candidates


# --------------------------------------------------------------------------- ids and outcomes


def _order(m: Mention, year: int) -> tuple:
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


def outcome_of(plan_pub: tuple, later: Iterable[tuple[tuple, str, str]]) -> str:
    """The outcome of a plan published at `plan_pub`, from its thread's (pub, period, status)."""
    return _Latest.of(later).outcome(plan_pub)


@dataclass
class _Latest:
    """The latest publication of a thread's mentions of each sort: any, retrospective and
    completed, retrospective and started/ongoing/mentioned. A plan's outcome compares its own
    publication with these three, so outcomes cost one pass over the items."""

    any: tuple = ()
    done: tuple = ()
    moving: tuple = ()

    def add(self, pub: tuple, period: str, status: str) -> None:
        self.any = max(self.any, pub)
        if period in RETROSPECTIVE and status in DONE:
            self.done = max(self.done, pub)
        elif period in RETROSPECTIVE and status in MOVING:
            self.moving = max(self.moving, pub)

    @classmethod
    def of(cls, mentions: Iterable[tuple[tuple, str, str]]) -> _Latest:
        latest = cls()
        for pub, period, status in mentions:
            latest.add(pub, period, status)
        return latest

    def outcome(self, pub: tuple) -> str:
        if self.done > pub:
            return "delivered"
        if self.moving > pub:
            return "in_progress"
        return "replanned" if self.any > pub else "no_later_mention"


# --------------------------------------------------------------------------- public API


def link_threads(
    items: gpd.GeoDataFrame, published: Mapping[str, object] | None = None
) -> gpd.GeoDataFrame:
    """`items` with `thread` (stable id; a lone mention has a thread of its own) and `outcome`
    (`geo.schema.OUTCOMES` for plan items, None otherwise). Pure and deterministic.

    `published` maps a document (the `doc` column) to its publication date (reports.csv
    `delivered`); documents missing from it are dated by their file name."""
    out = items.copy()
    if len(out) == 0:
        out["thread"] = pd.Series(dtype=object)
        out["outcome"] = pd.Series(dtype=object)
        return out
    members, roots, _, _ = link(items, published)
    years = [_int(y, 0) for y in items["year"].tolist()]
    ids, _ = thread_ids(members, roots, years)
    latest: dict[str, _Latest] = defaultdict(_Latest)
    periods = items["period"].astype(str).tolist()
    statuses = items["status"].astype(str).tolist()
    for m in members:
        latest[ids[m.pos]].add(m.pub, periods[m.pos], statuses[m.pos])
    outcomes = [
        latest[ids[m.pos]].outcome(m.pub) if is_plan(periods[m.pos], statuses[m.pos]) else None
        for m in members
    ]
    out["thread"] = pd.Series(ids, index=out.index, dtype=object)
    out["outcome"] = pd.Series(outcomes, index=out.index, dtype=object)
    return out


def candidate_links(
    items: pd.DataFrame, published: Mapping[str, object] | None = None
) -> pd.DataFrame:
    """Every link made (`linked` True) and every candidate not made, with rule and score:
    columns `a`, `b` (item ids), `name_a`, `name_b`, `rule`, `score`, `linked`."""
    members, _, made, candidates = link(items, published)
    rows = [
        {
            "a": members[lk.a].id,
            "b": members[lk.b].id,
            "name_a": members[lk.a].name,
            "name_b": members[lk.b].name,
            "rule": lk.rule,
            "score": lk.score,
            "linked": linked,
        }
        for linked, group in ((True, made), (False, candidates))
        for lk in group
    ]
    columns = ["a", "b", "name_a", "name_b", "rule", "score", "linked"]
    return pd.DataFrame(rows, columns=columns)


def timeline(items: pd.DataFrame, thread: str) -> pd.DataFrame:
    """The mentions of `thread` in publication order (then year, position in the report)."""
    rows = items[items["thread"] == thread]
    order = publication_order(dict.fromkeys(rows["doc"].astype(str)))
    keys = [
        (order[str(doc)], _int(year), _int(start))
        for doc, year, start in zip(rows["doc"], rows["year"], rows["start"], strict=True)
    ]
    return rows.iloc[sorted(range(len(rows)), key=keys.__getitem__)]


def _best_placed(group: pd.DataFrame) -> int:
    """Row label of the member with the best (lowest) precision; ties go to the latest row."""
    located = group[~(group.geometry.isna() | group.geometry.is_empty)]
    if located.empty:
        return group.index[0]
    precision = located["precision"].astype("Float64").fillna(99)
    return precision[precision == precision.min()].index[-1]


def thread_table(
    items: gpd.GeoDataFrame, published: Mapping[str, object] | None = None
) -> gpd.GeoDataFrame:
    """The `threads` layer: one row per thread of `items` (which carry `thread`/`outcome` from
    `link_threads`), in order of first mention, with `geo.schema.THREAD_COLUMNS`.

    `candidates` is JSON: the other threads a member nearly linked to, with rule and score."""
    if "thread" not in items.columns or len(items) == 0 or items["thread"].isna().all():
        return gpd.GeoDataFrame(
            {c: [] for c in THREAD_COLUMNS[:-1]}, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS
        )
    order = publication_order(dict.fromkeys(items["doc"].astype(str)), published)
    keys = [
        (order[str(d)], _int(y), _int(s))
        for d, y, s in zip(items["doc"], items["year"], items["start"], strict=True)
    ]
    frame = items.iloc[sorted(range(len(items)), key=keys.__getitem__)]
    near = _near_threads(items, published)
    rows, geoms = [], []
    for thread, group in frame.groupby("thread", sort=False):
        names = Counter(group["name"].astype(str))
        label = max(names, key=lambda n: (names[n], -list(group["name"]).index(n)))
        kinds = Counter(group["kind"].astype(str))
        plans = group[plan_mask(group)]
        years = group["year"].dropna()
        rows.append(
            {
                "thread": thread,
                "label": label,
                "kind": max(kinds, key=lambda k: (kinds[k], k == group["kind"].iloc[0])),
                "first_year": int(years.min()) if len(years) else None,
                "last_year": int(years.max()) if len(years) else None,
                "mentions": len(group),
                "reports": int(group["doc"].nunique()),
                "latest_status": group["status"].iloc[-1],
                "outcome": plans["outcome"].iloc[0] if len(plans) else None,
                "plans": len(plans),
                "first_doc": group["doc"].iloc[0],
                "last_doc": group["doc"].iloc[-1],
                "candidates": json.dumps(near.get(str(thread), []), ensure_ascii=False),
            }
        )
        geoms.append(group.geometry.loc[_best_placed(group)])
    table = pd.DataFrame(rows, columns=list(THREAD_COLUMNS[:-1]))
    for column in ("first_year", "last_year", "mentions", "reports", "plans"):
        table[column] = table[column].astype("Int64")
    return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)


def _near_threads(
    items: pd.DataFrame, published: Mapping[str, object] | None
) -> dict[str, list[dict]]:
    """Per thread, the candidate links to other threads (best score per thread pair)."""
    links = candidate_links(items, published)
    links = links[~links["linked"]]
    thread_of: dict[str, str] = dict(
        zip(items["id"].astype(str), items["thread"].astype(str), strict=True)
    )
    label_of: dict[str, str] = dict(
        zip(items["id"].astype(str), items["name"].astype(str), strict=True)
    )
    best: dict[tuple[str, str], dict] = {}
    for row in links.itertuples(index=False):
        ta, tb = thread_of.get(str(row.a)), thread_of.get(str(row.b))
        if ta is None or tb is None or ta == tb:
            continue
        for mine, other, other_id in ((ta, tb, row.b), (tb, ta, row.a)):
            entry = {"thread": other, "label": label_of[str(other_id)], "rule": row.rule}
            entry["score"] = float(cast(float, row.score))
            if (mine, other) not in best or entry["score"] > best[(mine, other)]["score"]:
                best[(mine, other)] = entry
    out: dict[str, list[dict]] = defaultdict(list)
    for (mine, _), entry in sorted(best.items(), key=lambda kv: (kv[0][0], -kv[1]["score"])):
        out[mine].append(entry)
    return out


def with_threads(
    layers: Mapping[str, gpd.GeoDataFrame], relink: bool = False
) -> dict[str, gpd.GeoDataFrame]:
    """`layers` (as read from an atlas) with a `threads` layer; with `relink` (an atlas built
    before threads existed: its items have no `thread` column) the items are linked first,
    dated by file name, so every reader sees the same columns."""
    out = dict(layers)
    items = out["items"]
    if relink and len(items):
        from geo.schema import conform_items

        out["items"] = items = conform_items(link_threads(items))
    if "threads" not in out or (len(out["threads"]) == 0 and items["thread"].notna().any()):
        out["threads"] = thread_table(items)
    return out


__all__ = [
    "OUTCOMES",
    "candidate_links",
    "link_threads",
    "name_key",
    "outcome_of",
    "publication_order",
    "thread_table",
    "timeline",
    "with_threads",
]
