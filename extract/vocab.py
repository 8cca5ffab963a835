"""The one vocabulary `extract/` and `geo/` share: endings of roads, rivers and zones, the
trailing project words that do not move a place, and the CJK character class.

Generic words only: no place names (places live in the gazetteer). `geo.address`,
`geo.geocode` and `geo.missing` import these instead of keeping copies.
"""

from __future__ import annotations

#: CJK unified ideographs (with extension A), for regex character classes
CJK = "\u3400-\u4dbf\u4e00-\u9fff"

#: endings that make a name a road, longest first where they overlap (大道 before 道)
ROAD_SUFFIXES: tuple[str, ...] = ("大道", "公路", "支路", "路", "街")
#: road-like endings for recognising a road or an address in running text (incl. lanes)
ROAD_ENDINGS: tuple[str, ...] = ("路", "大道", "街", "弄", "巷")
#: endings that make a name a river or creek
RIVER_ENDINGS: tuple[str, ...] = ("河", "浜", "泾", "塘", "港", "浦")
#: endings that make a name an administrative subdistrict
SUBDISTRICT_ENDINGS: tuple[str, ...] = ("街道", "镇")

#: suffixes that make a bare name mean a functional zone ("南京西路功能区" → zone 南京西路)
ZONE_SUFFIXES: tuple[str, ...] = (
    "功能区",
    "商圈",
    "板块",
    "片区",
    "地区",
    "区域",
    "一带",
    "核心区",
    "集聚区",
)

#: trailing words of a project name that do not change where it is
PROJECT_SUFFIXES: tuple[str, ...] = (
    "综合改造",
    "提升改造",
    "改造提升",
    "更新改造",
    "保护修缮",
    "修缮",
    "改造",
    "项目",
    "工程",
    "建设",
    "提升",
    "更新",
    "一期",
    "二期",
    "三期",
)
