"""Synthetic atlas data for the build/export/filter/summary tests (literal test coordinates).

A 2 km × 2 km "district" near (121.40, 31.20) split into two 街道 (west W, east E), a zone
covering the middle, a second zone overlapping its north half, a grid of named roads, and a
dozen items of every kind, geometry type and status, some unlocated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from geo.testing import fakes as testing

X0, Y0, STEP = 121.40, 31.20, 0.01  # 0.01° ≈ 1 km


#: columns every synthetic layer row carries (the gazetteer's common columns)
COMMON = {"aliases": "", "source": "test", "licence": "CC0"}


def district() -> gpd.GeoDataFrame:
    square = box(X0, Y0, X0 + 2 * STEP, Y0 + 2 * STEP)
    return testing.frame([{"name": "测试区", "geometry": square}], kind="district", **COMMON)


def subdistricts() -> gpd.GeoDataFrame:
    rows = [
        {"name": "西街道", "geometry": box(X0, Y0, X0 + STEP, Y0 + 2 * STEP)},
        {"name": "东街道", "geometry": box(X0 + STEP, Y0, X0 + 2 * STEP, Y0 + 2 * STEP)},
    ]
    return testing.frame(rows, kind="subdistrict", **COMMON)


def zones() -> gpd.GeoDataFrame:
    rows = [
        {
            "name": "中区",
            "aliases": "中部|中心",
            "geometry": box(X0 + 0.5 * STEP, Y0 + 0.5 * STEP, X0 + 1.5 * STEP, Y0 + 1.5 * STEP),
        },
        {
            "name": "北区",
            "geometry": box(X0 + 0.5 * STEP, Y0 + STEP, X0 + 1.5 * STEP, Y0 + 2 * STEP),
        },
    ]
    extra = {"kind": "functional_zone", "derivation": "box", "justification": "—"}
    return testing.frame(rows, **COMMON, **extra)


def roads() -> gpd.GeoDataFrame:
    """甲路/乙路/丙路 run north–south at x = 0.2, 1.0, 1.8 km; 子路/丑路/寅路 east–west."""
    rows = [
        {
            "name": name,
            "geometry": LineString([(X0 + f * STEP, Y0), (X0 + f * STEP, Y0 + 2 * STEP)]),
        }
        for name, f in (("甲路", 0.2), ("乙路", 1.0), ("丙路", 1.8))
    ] + [
        {
            "name": name,
            "geometry": LineString([(X0, Y0 + f * STEP), (X0 + 2 * STEP, Y0 + f * STEP)]),
        }
        for name, f in (("子路", 0.2), ("丑路", 1.0), ("寅路", 1.8))
    ]
    return testing.frame(rows, kind="road", **COMMON)


def gazetteer() -> dict[str, gpd.GeoDataFrame]:
    return {
        "district": district(),
        "subdistricts": subdistricts(),
        "zones": zones(),
        "roads": roads(),
        "places": roads().iloc[:0],
    }


@dataclass(frozen=True)
class FakeResolution:
    query: str
    geometry: Any
    lon: float | None
    lat: float | None
    precision: int | None
    method: str
    matched: str | None = None
    subdistrict: str | None = None
    zone: str | None = None


class FakeGeocoder:
    """Answers from a dict `query -> (geometry, precision, method[, subdistrict, zone])`; counts
    calls."""

    def __init__(self, answers: dict[str, tuple[Any, ...]]):
        self.answers = answers
        self.calls: list[str] = []

    def resolve(self, query: str, address: object = None) -> FakeResolution:
        self.calls.append(query)
        if query not in self.answers:
            return FakeResolution(query, None, None, None, None, "unlocated")
        geom, precision, method, *rest = self.answers[query]
        point = geom if geom.geom_type == "Point" else geom.representative_point()
        sub, zone = (*rest, None, None)[:2]  # the 街道 and zones the geocoder names, if any
        return FakeResolution(query, geom, point.x, point.y, precision, method, query, sub, zone)


def cw_square(x: float, y: float, size: float) -> Polygon:
    """A square with a clockwise exterior and a counter-clockwise hole (wrong for RFC 7946)."""
    outer = [(x, y), (x, y + size), (x + size, y + size), (x + size, y), (x, y)]
    s = size / 4
    hole = [(x + s, y + s), (x + 3 * s, y + s), (x + 3 * s, y + 3 * s), (x + s, y + 3 * s)]
    return Polygon(outer, [hole])


def items() -> gpd.GeoDataFrame:
    """Twelve built items covering every kind, shape, status, period and both zones."""
    # fmt: off
    rows = [
        # id, name, kind, category, year, period, status, subdistrict, zone, geometry
        ("a1", "甲路1号学校", "project", "education", 2021, "review", "completed", "西街道", None,
         Point(X0 + 0.2 * STEP, Y0 + 0.3 * STEP)),
        ("a2", "中区医院", "project", "health", 2025, "plan", "planned", "西街道", "中区",
         Point(X0 + 0.9123456789 * STEP, Y0 + 0.7 * STEP)),
        ("a3", "北区养老院", "project", "elderly_care", 2025, "plan", "started", "东街道",
         "中区;北区", Point(X0 + 1.2 * STEP, Y0 + 1.2 * STEP)),
        ("a4", "东片美丽街区", "beautiful_block", "greening", 2022, "multi-year", "completed",
         "东街道", None, cw_square(X0 + 1.6 * STEP, Y0 + 0.1 * STEP, 0.3 * STEP)),
        ("a5", "乙路街区", "beautiful_block", "greening", 2024, "review", "ongoing", "西街道",
         "中区;北区", LineString([(X0 + STEP - 1e-4, Y0), (X0 + STEP - 1e-4, Y0 + 2 * STEP)])),
        ("a6", "中心公园", "park", "greening", 2024, "review", "completed", "东街道", "中区",
         MultiPolygon([cw_square(X0 + 1.1 * STEP, Y0 + 0.6 * STEP, 0.2 * STEP)])),
        ("a7", "中区", "zone", "innovation", 2026, "plan", "ongoing", "西街道", "中区",
         zones().geometry.iloc[0]),
        ("a8", "子路", "road", "infrastructure", 2023, "review", "completed", "西街道", None,
         roads().geometry.iloc[3]),
        ("a9", "无名项目", "project", "housing", 2025, "plan", "mentioned", None, None, None),
        ("a10", "某地公园", "park", None, 2021, "review", "mentioned", None, None, None),
        ("a11", "北区商圈", "zone", "commercial", 2026, "multi-year", "planned", "东街道", "北区",
         zones().geometry.iloc[1]),
        ("a12", "丙路停车场", "project", "parking", 2023, "review", "started", "东街道", None,
         Point(X0 + 1.8 * STEP, Y0 + 0.5 * STEP)),
    ]
    cols = ["id", "name", "kind", "category", "year", "period", "status", "subdistrict", "zone",
            "geometry"]
    # fmt: on
    frame = pd.DataFrame(rows, columns=cols)
    located = frame["geometry"].notna()
    frame["precision"] = located.map({True: 1, False: None})
    frame["method"] = located.map({True: "exact", False: "unlocated"})
    frame["location"] = frame["name"]
    frame["quote"] = "报告原文：" + frame["name"] + "。"
    frame["doc"] = ["r1.txt"] * 6 + ["r2.txt"] * 6
    frame["doc_title"] = frame["doc"].map({"r1.txt": "报告一", "r2.txt": "报告二"})
    frame["start"] = range(0, 120, 10)
    frame["end"] = frame["start"] + 8
    return testing.items_frame(frame)
