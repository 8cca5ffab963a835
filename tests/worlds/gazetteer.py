"""A small synthetic gazetteer (a 0.1° square split into four 街道) for geocoder and join tests.

Names are real Jing'an names so that the clash rules (静安寺 temple vs 静安寺街道, 南京西路 road vs
街道 vs zone) are exercised, but every shape is an invented box or line, not a real position."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
from shapely.geometry import LineString, Point, box

from geo.geocode import LAYERS
from geo.testing import fakes as testing

CRS = "EPSG:4326"
W, S, E, N = 121.40, 31.20, 121.50, 31.30


def _frame(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    return testing.frame(rows, crs=CRS, aliases="", kind="", source="synthetic", licence="CC0-1.0")


def synthetic_layers() -> dict[str, gpd.GeoDataFrame]:
    """The five gazetteer layers, with the columns of the real `data/gazetteer.gpkg`."""
    district = _frame([{"name": "静安区", "kind": "district", "geometry": box(W, S, E, N)}])
    subdistricts = _frame(
        [
            {"name": "静安寺街道", "short_name": "静安寺", "geometry": box(W, S, 121.45, 31.25)},
            {
                "name": "南京西路街道",
                "short_name": "南京西路",
                "geometry": box(121.45, S, E, 31.25),
            },
            {"name": "大宁路街道", "short_name": "大宁路", "geometry": box(W, 31.25, 121.45, N)},
            {"name": "彭浦镇", "short_name": "彭浦", "geometry": box(121.45, 31.25, E, N)},
        ]
    ).assign(kind="subdistrict", nbs_code="", osm_relation_id=0)
    zones = _frame(
        [
            {
                "name": "南京西路",
                "aliases": "南西|南京西路功能区",
                "geometry": box(121.43, S, E, 31.24),
            },
            {"name": "大宁", "aliases": "大宁功能区", "geometry": box(W, 31.26, 121.45, N)},
            {"name": "中央活力区", "geometry": box(121.44, S, E, 31.23)},
        ]
    ).assign(kind="functional_area", derivation="synthetic", justification="")
    roads = _frame(
        [
            {"name": "南京西路", "geometry": LineString([(121.41, 31.22), (121.49, 31.22)])},
            # runs out of the district at both ends: only the inside part may be used
            {"name": "共和新路", "geometry": LineString([(121.46, 31.15), (121.46, 31.35)])},
            {"name": "汶水路", "geometry": LineString([(121.41, 31.28), (121.49, 31.28)])},
            {"name": "外区路", "geometry": LineString([(121.55, 31.20), (121.60, 31.20)])},
        ]
    ).assign(kind="road")
    places = _frame(
        [
            {
                "name": "静安寺",
                "kind": "heritage",
                "street": "南京西路",
                "housenumber": "1686",
                "geometry": Point(121.440, 31.2205),
            },
            {
                "name": "北大楼",
                "street": "共和新路",
                "housenumber": "3000",
                "geometry": Point(121.4605, 31.28),
            },
            {
                "name": "南大楼",
                "street": "共和新路",
                "housenumber": "1000",
                "geometry": Point(121.4595, 31.22),
            },
            {
                "name": "大宁灵石公园",
                "aliases": "大宁公园",
                "kind": "park",
                "geometry": box(121.42, 31.27, 121.43, 31.275),
            },
            {"name": "静安雕塑公园", "kind": "park", "geometry": Point(121.455, 31.235)},
            # a street with no line in the roads layer, known through numbered places
            {
                "name": "甲公馆",
                "street": "陕西北路",
                "housenumber": "100",
                "geometry": Point(121.43, 31.23),
            },
            {
                "name": "乙公寓",
                "street": "陕西北路",
                "housenumber": "300号",
                "geometry": Point(121.43, 31.24),
            },
            {
                "name": "丙故居",
                "street": "常德路",
                "housenumber": "10",
                "geometry": Point(121.42, 31.24),
            },
            {"name": "上海市第十人民医院", "kind": "hospital", "geometry": Point(121.47, 31.26)},
            {"name": "同名大楼", "geometry": Point(121.41, 31.21)},
            {"name": "同名大楼", "geometry": Point(121.49, 31.29)},
        ]
    )
    layers = (district, subdistricts, zones, roads, places)
    return dict(zip(LAYERS[: len(layers)], layers, strict=True))
