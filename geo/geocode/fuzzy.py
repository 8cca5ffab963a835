"""Step 2: a strict fuzzy name (rapidfuzz ratio ≥ 85 on names of ≥ 5 characters, same last
character, a unique best candidate, no differing numeral or direction character: 第一 ≠ 第十).
Roads are never fuzzy-matched, and queries with digits never are."""

from __future__ import annotations

import re
from collections import Counter

from rapidfuzz import fuzz, process

from geo.geocode.base import Query, Resolver
from geo.geocode.index import FUZZY_MIN_LEN
from geo.geocode.types import Resolution

FUZZY_CUTOFF = 85.0
#: Characters that tell two similar names apart (第一 vs 第十 人民医院, 东 vs 西): a fuzzy match
#: may not differ in any of them.
DISTINCTIVE = set("0123456789一二三四五六七八九十百千零〇第东西南北中上下前后新老大小甲乙丙丁")


def resolve_fuzzy(r: Resolver, q: Query) -> Resolution | None:
    key = q.key
    if len(key) < FUZZY_MIN_LEN or re.search(r"\d", key) or not r.index.fuzzy_keys:
        return None
    found = process.extract(
        key, r.index.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=2
    )
    if not found:
        return None
    best, score, _ = found[0]
    if len(found) > 1 and found[1][1] == score:
        return None  # a tie is no match
    if best[-1] != key[-1] or abs(len(best) - len(key)) > 2:
        return None
    a, b = Counter(best), Counter(key)
    if ((a - b) + (b - a)).keys() & DISTINCTIVE:
        return None
    chosen = r.choose(r.index.keys[best], None)
    if chosen is None:
        return None
    return r.feature_result(q.text, chosen[0], f"fuzzy:{score:.0f}")
