"""The one vocabulary `extract/` and `geo/` share: endings of roads, rivers and zones, the
trailing project words that do not move a place, and the CJK character class.

The words live in ``extract/data/vocab.tsv`` (read once); the names below stay importable.
Generic words only: no place names (places live in the gazetteer). `geo.geocode.parsing`,
`geo.geocode` and `geo.gazetteer.missing` import these instead of keeping copies.
"""

from __future__ import annotations

from .wordtables import words

#: CJK unified ideographs (with extension A), for regex character classes
CJK = "\u3400-\u4dbf\u4e00-\u9fff"

#: endings that make a name a road, longest first where they overlap (大道 before 道)
ROAD_SUFFIXES: tuple[str, ...] = words("vocab", "road_suffix")
#: road-like endings for recognising a road or an address in running text (incl. lanes)
ROAD_ENDINGS: tuple[str, ...] = words("vocab", "road_ending")
#: endings that make a name a river or creek
RIVER_ENDINGS: tuple[str, ...] = words("vocab", "river_ending")
#: endings that make a name an administrative subdistrict
SUBDISTRICT_ENDINGS: tuple[str, ...] = words("vocab", "subdistrict_ending")
#: suffixes that make a bare name mean a functional zone ("南京西路功能区" → zone 南京西路)
ZONE_SUFFIXES: tuple[str, ...] = words("vocab", "zone_suffix")
#: trailing words of a project name that do not change where it is
PROJECT_SUFFIXES: tuple[str, ...] = words("vocab", "project_suffix")

__all__ = [
    "CJK",
    "PROJECT_SUFFIXES",
    "RIVER_ENDINGS",
    "ROAD_ENDINGS",
    "ROAD_SUFFIXES",
    "SUBDISTRICT_ENDINGS",
    "ZONE_SUFFIXES",
]
