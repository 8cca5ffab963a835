"""The one vocabulary `extract/` and `geo/` share: endings of roads, rivers and zones, the
trailing project words that do not move a place, and the CJK character class.

The words live in ``extract/data/vocab.tsv`` (read once); the names below stay importable.
Generic words only: no place names (places live in the gazetteer). `extract.boundary`,
`extract.items`, `extract.meta`, `geo.geocode` (parsing too) and `geo.gazetteer` import
these instead of keeping copies.
"""

from __future__ import annotations

from .wordtables import load, words

#: CJK unified ideographs (with extension A), for regex character classes
CJK = "\u3400-\u4dbf\u4e00-\u9fff"

#: endings that make a name a road, longest first where they overlap (大道 before 道)
ROAD_SUFFIXES: tuple[str, ...] = words("vocab", "road_suffix")
#: road-like endings for recognising a road or an address in running text (incl. lanes)
ROAD_ENDINGS: tuple[str, ...] = words("vocab", "road_ending")
#: endings that make a name a river or creek
RIVER_ENDINGS: tuple[str, ...] = words("vocab", "river_ending")
#: endings of the lines a 四至 names as its sides (roads, lanes, bridges, rivers, railways)
BOUNDARY_LINE_ENDINGS: tuple[str, ...] = words("vocab", "boundary_line")
#: endings that make a name an administrative subdistrict
SUBDISTRICT_ENDINGS: tuple[str, ...] = words("vocab", "subdistrict_ending")
#: suffixes that make a bare name mean a functional zone ("南京西路功能区" → zone 南京西路)
ZONE_SUFFIXES: tuple[str, ...] = words("vocab", "zone_suffix")
#: trailing words of a project name that do not change where it is
PROJECT_SUFFIXES: tuple[str, ...] = words("vocab", "project_suffix")

#: sorts of name heads (the ``head_<sort>`` roles): what kind of thing a name is
HEAD_SORTS: tuple[str, ...] = ("area", "facility", "unit", "works", "designation")
#: name heads (商圈, 市民园艺中心, 更新单元, 景观灯光 …) → (sort, item kind, category)
NAME_HEADS: dict[str, tuple[str, str, str]] = {
    r.word: (r.role.removeprefix("head_"), r.kind, r.category)
    for r in load("vocab")
    if r.role.removeprefix("head_") in HEAD_SORTS and r.role.startswith("head_")
}
#: stages of a part (首开区): the same part's works, not another part
STAGE_WORDS: tuple[str, ...] = words("vocab", "stage")
#: leading words that do not name the thing (城市航站楼 = 航站楼)
GENERIC_PREFIXES: tuple[str, ...] = words("vocab", "generic_prefix")

__all__ = [
    "BOUNDARY_LINE_ENDINGS",
    "CJK",
    "GENERIC_PREFIXES",
    "HEAD_SORTS",
    "NAME_HEADS",
    "PROJECT_SUFFIXES",
    "RIVER_ENDINGS",
    "ROAD_ENDINGS",
    "ROAD_SUFFIXES",
    "STAGE_WORDS",
    "SUBDISTRICT_ENDINGS",
    "ZONE_SUFFIXES",
]
