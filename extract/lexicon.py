"""Generic word lists of the genre: name suffixes, head nouns, stop words, category words.

The words live in ``extract/data/lexicon.tsv`` (word, role, kind, category, note), read once;
this module only shapes them for the rules. Nothing here names a particular place: these are
the *kinds* of words a district report uses, so the same lists serve any district and year.
Names of real places belong in the gazetteer (passed to the extractor as ``known_places``).
"""

from __future__ import annotations

from .vocab import RIVER_ENDINGS, ROAD_ENDINGS
from .wordtables import load, typed, words

_T = "lexicon"

#: Name suffixes → (kind, category). Longest suffix wins; category "" means "from context".
SUFFIXES: dict[str, tuple[str, str]] = typed(_T, "suffix")
#: Suffixes that only make an item together with a specific (non-generic) modifier.
WEAK_SUFFIXES: frozenset[str] = frozenset(words(_T, "weak_suffix"))
#: Generic modifiers: a name made only of these and a suffix is a category, not a place.
GENERIC_MODIFIERS: tuple[str, ...] = words(_T, "generic_modifier")
#: Characters that, right after a weak suffix, show the word goes on ("地区总部", "梅园论剑").
NEXT_BLOCKS: dict[str, str] = {r.word: r.category for r in load(_T) if r.role == "next_block"}
#: Endings of list members that are organisations or facilities in general, not places.
NON_PLACE_ENDINGS: tuple[str, ...] = words(_T, "non_place_ending")
#: Words showing a "name" is an event, brand or programme rather than a place.
NON_PLACE_WORDS: tuple[str, ...] = words(_T, "non_place_word")
#: Head nouns after "…等" (or a count) that make every listed member a mappable item.
HEADS: dict[str, tuple[str, str]] = typed(_T, "head")
#: Words that end a name when scanning leftwards from its suffix (verbs, adverbs, framing).
STOP_WORDS: frozenset[str] = frozenset(words(_T, "stop_word"))
#: Category keywords looked for in the name, then in the clause (first match wins).
CATEGORY_WORDS: tuple[tuple[str, str], ...] = tuple(
    (r.word, r.category) for r in load(_T) if r.role == "category_word"
)
#: Words right after a named road that make the road itself the object of works.
ROAD_WORKS: tuple[str, ...] = words(_T, "road_works")
#: Designation suffixes that are items only when their modifier or sentence places them.
PLACE_REQUIRED: frozenset[str] = frozenset(words(_T, "place_required"))
#: Characters in a modifier that show it names a place (a road, a river, a bay).
PLACE_CHARS: str = "".join(words(_T, "place_char"))
#: Common words whose single-character stop (和, 如, 为 …) is part of a name.
NAME_BIGRAMS: frozenset[str] = frozenset(words(_T, "name_bigram"))
#: Words of finished works: with them a figure about a place is a statement of works.
MILESTONE_WORDS: tuple[str, ...] = words(_T, "milestone_word")
#: Designations (集聚区, 示范区, 基地 …): items when a quoted brand names them or their
#: sentence places them; district-wide titles with no place are not.
DESIGNATIONS: frozenset[str] = frozenset(words(_T, "designation"))
#: Modifiers that make a designation a programme for people (人才基地, 实践基地).
NON_PLACE_DESIGNATIONS: tuple[str, ...] = words(_T, "non_place_designation")
#: Designations that a policy confers (示范区, 先行区, 试验区): a quoted brand before them is
#: the policy's name, not a place.
POLICY_TITLES: frozenset[str] = frozenset(words(_T, "policy_title"))
#: Verbs that open or build a carrier (启用, 建成 …): its quoted names are places.
OPENING_VERBS: tuple[str, ...] = words(_T, "opening_verb")
#: Words marking a park of the district that lies outside it (合作园区, 飞地).
ELSEWHERE_MARKERS: tuple[str, ...] = words(_T, "elsewhere_marker")
#: Award verbs: a name right after one is the title it confers, not a place.
AWARD_VERBS: tuple[str, ...] = words(_T, "award_verb")
#: Carrier nouns before quoted brand spaces (启用核心载体“元空间”).
CARRIERS: tuple[str, ...] = words(_T, "carrier")
#: After an ``…等项目`` list, members without a telling suffix need construction words.
WORKS_WORDS: tuple[str, ...] = words(_T, "works_word")

__all__ = [
    "AWARD_VERBS",
    "CARRIERS",
    "CATEGORY_WORDS",
    "DESIGNATIONS",
    "ELSEWHERE_MARKERS",
    "GENERIC_MODIFIERS",
    "HEADS",
    "MILESTONE_WORDS",
    "NAME_BIGRAMS",
    "NEXT_BLOCKS",
    "NON_PLACE_DESIGNATIONS",
    "NON_PLACE_ENDINGS",
    "NON_PLACE_WORDS",
    "OPENING_VERBS",
    "PLACE_CHARS",
    "PLACE_REQUIRED",
    "POLICY_TITLES",
    "RIVER_ENDINGS",
    "ROAD_ENDINGS",
    "ROAD_WORKS",
    "STOP_WORDS",
    "SUFFIXES",
    "WEAK_SUFFIXES",
    "WORKS_WORDS",
]
