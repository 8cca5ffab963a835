"""A tiny synthetic atlas and gazetteer for the app tests (literal coordinates, not real data).

Two 街道 side by side, two functional zones, a few items of every kind, one unlocated item and
one whose name is markup, so escaping, counts and filters can be checked exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import LineString, Point, box
from shapely.geometry.base import BaseGeometry

from geo.testing import fakes as testing

SCRIPT_NAME = "<script>alert(1)</script>静安测试项目"
SCRIPT_QUOTE = "推进<script>alert(1)</script>静安测试项目建设"
UNLOCATED_NAME = "无处可寻的*项目*"
UNLOCATED_QUOTE = "启动无处可寻的*项目*前期研究，<b>地点待定</b>"

WEST = box(121.43, 31.22, 121.45, 31.25)
EAST = box(121.45, 31.22, 121.47, 31.25)
ZONE_A = box(121.435, 31.225, 121.455, 31.245)  # straddles both 街道
ZONE_B = box(121.46, 31.23, 121.468, 31.24)


# one row of the fake atlas's table, every column by position
def _item(  # noqa: PLR0913
    i: int,
    name: str,
    kind: str,
    category: str,
    year: int,
    period: str,
    status: str,
    location: str,
    quote: str,
    geom: BaseGeometry | None,
    sub: str | None,
    zone: str | None,
) -> dict[str, Any]:
    located = geom is not None
    return {
        "id": f"t{i:02d}",
        "name": name,
        "kind": kind,
        "category": category,
        "year": year,
        "period": period,
        "status": status,
        "location": location,
        "quote": quote,
        "doc": "2024-gwr" if year <= 2023 else "2025-plan",
        "doc_title": "2024年静安区政府工作报告" if year <= 2023 else "2025年重点工作安排",
        "start": 10 * i,
        "end": 10 * i + len(quote),
        "precision": (1 if kind == "project" else 2) if located else None,
        "method": "gazetteer" if located else "unlocated",
        "subdistrict": sub,
        "zone": zone,
        "geometry": geom,
    }


# fmt: off
ROWS = [
    # name, kind, category, year, period, status, location, quote, geometry, 街道, zone
    ("测试学校", "project", "school", 2022, "review", "completed", "西一路", "建成测试学校",
     Point(121.44, 31.23), "西街道", "A区"),
    (SCRIPT_NAME, "project", "renewal", 2024, "plan", "planned", "东一路", SCRIPT_QUOTE,
     Point(121.462, 31.235), "东街道", "B区"),
    ("测试医院", "project", "hospital", 2023, "review", "started", "西二路", "开工建设测试医院",
     Point(121.441, 31.231), "西街道", "A区"),
    ("养老院", "project", "elder_care", 2025, "plan", "planned", "东二路", "新建养老院一所",
     Point(121.466, 31.248), "东街道", None),
    ("西一路美丽街区", "beautiful_block", "beautiful_block", 2022, "review", "completed",
     "西一路", "完成西一路美丽街区建设",
     LineString([(121.432, 31.228), (121.448, 31.228)]), "西街道", "A区"),
    ("东一路美丽街区", "beautiful_block", "beautiful_block", 2024, "plan", "planned",
     "东一路", "实施东一路美丽街区",
     LineString([(121.452, 31.238), (121.468, 31.238)]), "东街道", "A区;B区"),
    ("测试公园", "park", "park", 2023, "review", "completed", "西三路", "建成测试公园",
     box(121.436, 31.24, 121.44, 31.244), "西街道", "A区"),
    ("滨河绿地", "park", "green", 2025, "plan", "ongoing", "河边", "推进滨河绿地",
     box(121.455, 31.246, 121.46, 31.249), "东街道", None),
    ("A区", "zone", "zone", 2024, "plan", "ongoing", "A区", "打造A区", ZONE_A, "西街道", "A区"),
    ("西四路", "road", "road", 2023, "review", "completed", "西四路", "打通西四路",
     LineString([(121.445, 31.222), (121.445, 31.249)]), "西街道", "A区"),
    (UNLOCATED_NAME, "project", "other", 2025, "plan", "mentioned", "未知路", UNLOCATED_QUOTE,
     None, None, None),
]
# fmt: on


def items_frame() -> gpd.GeoDataFrame:
    """The items layer, conformed to the schema like the build's output."""
    return testing.items_frame([_item(i, *row) for i, row in enumerate(ROWS, start=1)])


def reference_frames() -> dict[str, gpd.GeoDataFrame]:
    frame = testing.frame

    common = {"aliases": "", "source": "synthetic", "licence": "CC0"}
    return {
        "subdistricts": frame(
            [
                {
                    "name": "西街道",
                    "short_name": "西",
                    "kind": "subdistrict",
                    **common,
                    "geometry": WEST,
                },
                {
                    "name": "东街道",
                    "short_name": "东",
                    "kind": "subdistrict",
                    **common,
                    "geometry": EAST,
                },
            ]
        ),
        "zones": frame(
            [
                {"name": "A区", "kind": "zone", **common, "geometry": ZONE_A},
                {"name": "B区", "kind": "zone", **common, "geometry": ZONE_B},
            ]
        ),
        "district": frame(
            [{"name": "静安区", "kind": "district", **common, "geometry": WEST.union(EAST)}]
        ),
        "roads": frame(
            [
                {
                    "name": "西四路",
                    "kind": "road",
                    **common,
                    "geometry": LineString([(121.445, 31.22), (121.445, 31.25)]),
                },
                {
                    "name": "高架路",
                    "kind": "elevated",
                    **common,
                    "geometry": LineString([(121.43, 31.235), (121.47, 31.235)]),
                },
                {
                    "name": "苏州河",
                    "kind": "river",
                    **common,
                    "geometry": LineString([(121.43, 31.247), (121.47, 31.249)]),
                },
            ]
        ),
        "places": frame(
            [{"name": "测试学校", "kind": "place", **common, "geometry": Point(121.44, 31.23)}]
        ),
    }


def write_atlas(path: Path) -> Path:
    ref = reference_frames()
    layers = {
        "items": items_frame(),
        "subdistricts": ref["subdistricts"],
        "zones": ref["zones"],
        "district": ref["district"],
    }
    return testing.write_layers(layers, path)


def write_gazetteer(path: Path) -> Path:
    ref = reference_frames()
    order = ("district", "subdistricts", "zones", "roads", "places")
    return testing.write_layers({k: ref[k] for k in order}, path)


#: Markup that would run if any path sent it to HTML or JS unescaped.
HOSTILE = '<img src=x onerror="window.parent.__pwned=1;alert(1)">\'"&</script><b>x'


def hostile_layers() -> dict[str, gpd.GeoDataFrame]:
    """A crafted atlas: the hostile string in every text column of every layer (the id and
    document too), on items of every kind, plus one item of an unknown kind."""
    rows = []
    for n, row in enumerate(ROWS[:-1], start=1):
        item = _item(n, *row)
        for column in (
            "name",
            "category",
            "status",
            "location",
            "quote",
            "doc",
            "doc_title",
            "method",
            "subdistrict",
            "zone",
            "boundary",
            "missing_sides",
            "period",
        ):
            item[column] = f"{HOSTILE}{column}{n}"
        item["id"] = f"{HOSTILE}{n}"
        rows.append(item)
    where = Point(121.44, 31.24)
    unknown = _item(
        99, "神秘", "kind", "x", 2024, "plan", "planned", "x", "引文", where, None, None
    )
    unknown["kind"] = HOSTILE + "kind"
    rows.append(unknown)
    items = testing.items_frame(rows)
    ref = reference_frames()
    out = {"items": items}
    for key in ("subdistricts", "zones", "district", "roads"):
        frame = ref[key].copy()
        for column in frame.columns.drop("geometry"):
            frame[column] = [f"{HOSTILE}{key}{i}" for i in range(len(frame))]
        out[key] = frame
    out["water"] = out["roads"].iloc[:1].assign(name=HOSTILE + "water")
    return out


def write_layers(layers: dict[str, gpd.GeoDataFrame], path: Path) -> Path:
    return testing.write_layers(layers, path)
