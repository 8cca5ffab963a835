"""Thread names: the normalised key of an item's name and its structure (core, head, parts),
read with the shared vocabulary (`extract.vocab`: heads, stages, prefixes). What two mentions
are called decides nothing alone; these are what the pair rules compare."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from atlas.settings import settings
from extract.normalise import fold_char
from extract.vocab import (
    GENERIC_PREFIXES,
    NAME_HEADS,
    PROJECT_SUFFIXES,
    ROAD_SUFFIXES,
    STAGE_WORDS,
)

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
#: Trailing words meaning "the area of X": the area heads of the shared vocabulary (功能区 ≈
#: 地区 ≈ 片区 ≈ 商圈 ≈ 街区 …; 愚园路街区 / 愚园路片区, 巨富长片区 / 巨富长风貌区).
AREA_WORDS: tuple[str, ...] = tuple(
    sorted((w for w, (sort, _, _) in NAME_HEADS.items() if sort == "area"), key=len, reverse=True)
)
#: Heads that make a name a thing of its own on a place (景观灯光, 市民园艺中心, 更新单元 …).
THING_HEADS: tuple[str, ...] = tuple(
    sorted((w for w, (sort, _, _) in NAME_HEADS.items() if sort != "area"), key=len, reverse=True)
)
#: A part at the end of a name, looked for in its last few characters only (linear).
_PART_END = re.compile(rf"(?:{MARKERS.pattern})$")
_PART_WINDOW = 12
#: Every head, longest first (a name's head is the longest it ends with).
HEADS_LONGEST: tuple[str, ...] = tuple(sorted(NAME_HEADS, key=len, reverse=True))
#: A short quoted epithet of an area ("千亿商圈" of 南京西路“千亿商圈”): the area itself.
_AREA_ALT = "|".join(AREA_WORDS)
EPITHET = re.compile(rf"^(.+)[“\"]([^“”\"]{{0,2}}(?:{_AREA_ALT}))[”\"]$")
#: Trailing generic words of a site ("自仪厂地块" is the 自仪厂 site).
SITE_WORDS: tuple[str, ...] = ("地块",)
#: Words that qualify without changing the thing (…配套完全中学 = …完全中学, …示范创建街区 =
#: …示范街区).
FILLER_WORDS: tuple[str, ...] = ("配套", "创建")
#: Head words with one meaning (养护院 and 养老院 are both care homes; a 商务单元 is the
#: 商务更新单元).
FACILITY_SYNONYMS: dict[str, str] = {
    "养护院": "养老院",
    "敬老院": "养老院",
    "商务单元": "商务更新单元",
}
#: Words trailing a project name that do not change what it is (phases excluded).
PROJECT_WORDS: tuple[str, ...] = tuple(
    sorted((w for w in PROJECT_SUFFIXES if not PHASE.fullmatch(w)), key=len, reverse=True)
)
_DROP = re.compile(r"[“”\"'‘’《》「」（）()\[\]【】·•\s]")
_DASH = re.compile(r"[—–\-－~～]+")


#: City, district, 区: at most this many prefixes stand before a name (and a long run of 区
#: stays linear).
_PREFIX_PASSES = 3


def _city_names() -> tuple[str, str]:
    """上海市, 上海 (from `settings.city`): a word that only says which city."""
    city = settings.city
    return city, city.removesuffix("市")


def _district_prefixes() -> tuple[str, ...]:
    """上海市静安区, 上海静安区, 静安区, 上海市, 上海, 静安, 区 (from `settings.city` and
    `settings.district`): a prefix that only says "of the city / district"."""
    district = settings.district
    short = district[:-1] if district.endswith(("区", "县")) else district
    city, city_short = _city_names()
    names = (f"{city}{district}", f"{city_short}{district}", district, city, city_short, short)
    return tuple(dict.fromkeys((*names, "区")))


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


def _strippable(text: str, prefix: str) -> bool:
    """`prefix` only says where `text` is: what follows is a name of its own (3 characters,
    4 after the district's short name: 静安寺商圈 is not 静安 + 寺商圈) and not 区域 / 区块."""
    least = 4 if prefix == settings.district.removesuffix("区") else 3
    rest = text[len(prefix) : len(prefix) + least]
    return text.startswith(prefix) and len(rest) >= least and not rest.startswith(("域", "块"))


def name_key(name: object) -> str:
    """The normalised name: folded, no quotes/brackets/spaces, one dash, no district prefix,
    no trailing project words, facility synonyms unified. `same_name` compares these.

    A linking key, more than the one normal form (`extract.normalise.squeeze`) on purpose: two
    reports name one project with and without its district prefix or its project word."""
    return _name_key(str(name or ""), settings.city, settings.district)


@functools.lru_cache(maxsize=65536)
def _name_key(name: str, city: str, district: str) -> str:
    """`name_key`, cached per name *and* the city and district the prefixes come from (read
    from `settings` when called: a `settings.override` is not hidden by the cache)."""
    text = fold_char(name)
    epithet = EPITHET.match(text)
    if epithet:  # 南京西路“千亿商圈” is 南京西路's 商圈
        text = epithet.group(1) + next(w for w in AREA_WORDS if epithet.group(2).endswith(w))
    for city in _city_names():  # “视听静界”上海超高清… = “视听静界”超高清…
        text = text.replace(f"”{city}", "”")
    text = _DROP.sub("", text)
    text = _DASH.sub("—", text)
    for _ in range(_PREFIX_PASSES):  # 上海静安雕塑公园 → 静安雕塑公园 → 雕塑公园
        prefix = next((p for p in _district_prefixes() if _strippable(text, p)), None)
        if prefix is None:
            break
        text = text[len(prefix) :]
    for word in GENERIC_PREFIXES:
        if text.startswith(word) and len(text) - len(word) >= 3:
            text = text[len(word) :]  # 城市航站楼 = 航站楼
            break
    for word in FILLER_WORDS:
        text = text.replace(word, "")
    for stage in STAGE_WORDS:  # 张园东区首开区 is the 东区's works
        if text.endswith(stage) and MARKERS.search(text[: -len(stage)]):
            text = text[: -len(stage)]
    for word, canonical in FACILITY_SYNONYMS.items():
        text = text.replace(word, canonical)
    return _strip_suffixes(text, PROJECT_WORDS)


def name_core(key: str) -> str:
    """`key` without trailing area and site words: the place itself (愚园路街区 → 愚园路)."""
    return _strip_suffixes(key, (*AREA_WORDS, *SITE_WORDS, *PROJECT_WORDS))


def name_head(key: str) -> str:
    """The head `key` ends with, before any part (苏河湾商务更新单元 → 商务更新单元, 中兴公园市民
    园艺中心 → 市民园艺中心, 张园东区 → ""): what kind of thing the name is."""
    body = key
    for _ in range(3):  # a part, a phase, a stage: at most a few, each a few characters
        window = body[-_PART_WINDOW:]
        tail = _PART_END.search(window)
        if tail is None or len(window) - tail.start() >= len(body):
            break
        body = body[: len(body) - len(window) + tail.start()]
    return next((h for h in HEADS_LONGEST if body.endswith(h) and len(body) > len(h)), "")


def markers(key: str) -> frozenset[str]:
    """Sections, phases, numbers and branches named in `key` (东段, 四期, 3550号 …)."""
    return frozenset(MARKERS.findall(key))


def is_road_name(key: str) -> bool:
    return key.endswith(ROAD_SUFFIXES)
