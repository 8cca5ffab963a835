"""Tiny synthetic copies of the ../shared/geodata files, written into a test's tmp_path.

Two square 街道 side by side (甲街道 west, 乙镇 east) near Jing'an, so that GCJ-02 offsets
(≈ 450 m east, 200 m south) are realistic. Coordinates are synthetic, not real places.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from geo.crs import wgs84_to_gcj02
from geo.testing import fakes as testing

# Each square is 0.01° (~950 m) wide.
WEST = (121.44, 31.22, 121.45, 31.23)
EAST = (121.45, 31.22, 121.46, 31.23)


square = testing.geojson_square
_fc = testing.geojson_collection
_feature = testing.geojson_feature
_point = testing.geojson_point


def write_geodata(root: Path) -> Path:
    """Write the eight source files SOURCES.md describes, in miniature; returns `root`."""
    root.mkdir(parents=True, exist_ok=True)

    def dump(name: str, data: dict[str, Any]) -> None:
        (root / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    subs = [
        ("甲街道", "甲", "street", "310106001000", 1001, WEST),
        ("乙镇", "乙镇", "town", "310106100000", 1002, EAST),
    ]
    dump(
        "jingan_subdistricts_osm_14.geojson",
        _fc(
            [
                _feature(
                    {
                        "name": n,
                        "short_name": s,
                        "type": t,
                        "nbs_code_2023": c,
                        "osm_relation_id": r,
                        "license": "ODbL-1.0",
                    },
                    square(b),
                )
                for n, s, t, c, r, b in subs
            ]
        ),
    )
    (root / "jingan_subdistricts_gazetteer.csv").write_text(
        "name,short_name,type,nbs_code_2023,osm_relation_id\n"
        + "".join(f"{n},{s},{t},{c},{r}\n" for n, s, t, c, r, _ in subs),
        encoding="utf-8",
    )
    dump(
        "jingan_district_outline_osm_union.geojson",
        _fc(
            [
                _feature(
                    {"name": "静安区", "adcode": "310106", "license": "ODbL-1.0"},
                    square((121.44, 31.22, 121.46, 31.23)),
                )
            ]
        ),
    )
    line = {"type": "LineString", "coordinates": [[121.441, 31.225], [121.449, 31.225]]}
    line2 = {"type": "LineString", "coordinates": [[121.449, 31.225], [121.459, 31.225]]}
    ring = {"type": "LineString", "coordinates": [[121.455, 31.221], [121.455, 31.229]]}
    far = {"type": "LineString", "coordinates": [[121.60, 31.10], [121.61, 31.10]]}
    dump(
        "jingan_roads_osm_partial.geojson",
        _fc(
            [
                _feature({"name": "甲路", "osm_way_id": 11, "highway": "primary"}, line),
                _feature({"name": "甲路", "osm_way_id": 12, "highway": "primary"}, line2),
                _feature({"name": "甲路出口", "osm_way_id": 13}, line),
                _feature({"name": "其他城市高架", "scope": "major"}, line),
                _feature({"name": "环高架", "scope": "major", "kind": "urban"}, ring),
                _feature({"name": "环高架路", "osm_way_id": 14, "highway": "trunk"}, ring),
                _feature({"name": "远路", "osm_way_id": 15}, far),
            ]
        ),
    )
    dump(
        "jingan_metro_stations_osm.geojson",
        _fc([_feature({"name": "甲寺", "osm_id": 21}, _point(121.4465, 31.2262))]),
    )
    temple = square((121.4440, 31.2250, 121.4446, 31.2256))["coordinates"][0]
    dump(
        "jingan_landmarks_osm_heritage_tourism.geojson",
        _fc(
            [
                _feature(
                    {
                        "@id": "way/31",
                        "name": "甲寺",
                        "amenity": "place_of_worship",
                        "addr:street": "甲路",
                        "addr:housenumber": "10",
                        "wikidata": "Q1",
                    },
                    {"type": "Polygon", "coordinates": temple},
                ),
                _feature(
                    {"@id": "node/32", "name": "乙馆", "tourism": "museum"}, _point(121.455, 31.226)
                ),
                _feature(
                    {"@id": "node/33", "name": "远馆", "tourism": "museum"}, _point(121.6, 31.1)
                ),
                _feature({"@id": "node/34", "tourism": "artwork"}, _point(121.452, 31.226)),
                # two unrelated buildings sharing a generic old name: must not merge
                _feature(
                    {"@id": "node/35", "name": "甲宅", "heritage": "4", "old_name": "花园住宅"},
                    _point(121.447, 31.228),
                ),
                _feature(
                    {"@id": "node/36", "name": "乙宅", "heritage": "4", "old_name": "花园住宅"},
                    _point(121.448, 31.228),
                ),
            ]
        ),
    )
    gcj_lon, gcj_lat = wgs84_to_gcj02(121.4575, 31.2275)
    dump(
        "jingan_pois_wikidata.geojson",
        _fc(
            [
                _feature(
                    {"qid": "Q1", "label": "甲寺", "description": "temple"},
                    _point(121.4444, 31.2253),
                ),
                _feature(
                    {"qid": "Q2", "label": "乙公园", "description": "park"}, _point(121.452, 31.222)
                ),
                _feature(
                    {
                        "qid": "Q3",
                        "label": "乙会堂",
                        "description": "building",
                        "coord_flag": "likely_gcj02 (test)",
                    },
                    _point(gcj_lon, gcj_lat),
                ),
                _feature(
                    {"qid": "Q4", "label": "甲街道", "description": "subdistrict"},
                    _point(121.445, 31.225),
                ),
                _feature(
                    {"qid": "Q5", "label": "大火", "description": "火灾"}, _point(121.445, 31.225)
                ),
                _feature(
                    {"qid": "Q6", "label": "甲路", "description": "道路"}, _point(121.445, 31.225)
                ),
            ]
        ),
    )
    # 丙园 (WGS84 label but really GCJ-02, has an OSM namesake? no: unverified),
    # 甲寺 (superseded by OSM), 乙馆 given in GCJ-02 though labelled WGS84 (checked vs OSM).
    g_lon, g_lat = wgs84_to_gcj02(121.455, 31.226)
    d_lon, d_lat = wgs84_to_gcj02(121.4585, 31.2215)
    (root / "landmarks_sourced.csv").write_text(
        "name,aliases,kind,lon,lat,datum,source\n"
        "甲寺,甲古寺|Temple A,heritage,121.4443,31.2253,WGS84,https://example.org/a\n"
        f"乙馆,,landmark,{g_lon},{g_lat},WGS84 (inferred),https://example.org/b\n"
        f"丁园,,park,{d_lon},{d_lat},probably GCJ-02,https://example.org/d\n"
        "戊楼,,commercial,121.4485,31.2285,WGS84,https://example.org/e\n",
        encoding="utf-8",
    )
    (root / "aliases.csv").write_text(
        "name,alias,note\n环高架路,环高架,same road\n甲寺,甲古寺,historic\n", encoding="utf-8"
    )
    write_v2_sources(root)
    return root


def write_v2_sources(root: Path) -> None:
    """The four files added for gazetteer v2 (issue 11), in miniature."""

    def dump(name: str, data: dict[str, Any]) -> None:
        (root / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    north = {"type": "LineString", "coordinates": [[121.452, 31.2205], [121.452, 31.2295]]}
    dump(
        "jingan_major_roads_osm_reclip.geojson",
        _fc([_feature({"name": "乙路", "lz_id": "elevated-seed-1", "scope": "local"}, north)]),
    )
    creek = square((121.440, 31.2282, 121.460, 31.2290))["coordinates"][0]
    dump(
        "jingan_suzhou_creek_water_osm.geojson",
        _fc(
            [
                _feature(
                    {"osm_id": "w99", "natural": "water", "name_assigned": "丙河"},
                    {"type": "Polygon", "coordinates": creek},
                )
            ]
        ),
    )
    shop_tags = {"name": "甲店", "shop": "yes", "addr:street": "甲路", "addr:housenumber": "10"}
    dump(
        "jingan_temple_area_osm_addresses.geojson",
        _fc(
            [
                _feature(
                    {"osm_id": "n31", **shop_tags, "tags_json": shop_tags},
                    _point(121.4445, 31.2252),
                ),
                _feature(
                    {"osm_id": "n32", "addr:street": "甲路", "addr:housenumber": "30号"},
                    _point(121.4435, 31.2252),
                ),
                _feature({"osm_id": "w33", "name": "甲公园", "leisure": "park"}, square(WEST)),
            ]
        ),
    )
    dump(
        "jingan_metro_stations_extra.geojson",
        _fc([_feature({"station": "乙站点", "in_district": True}, _point(121.457, 31.224))]),
    )


def write_reports(root: Path) -> Path:
    """Two tiny reports holding the zone justification phrases the test specs use."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "2025_report.txt").write_text(
        "一、总体。甲功能区要打造示范区。环高架两翼发展良好；乙馆落成。\n", encoding="utf-8"
    )
    (root / "2026_report.txt").write_text("聚焦甲乙活力区，打造绣带（甲河）。\n", encoding="utf-8")
    return root
