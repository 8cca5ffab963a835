"""Readers for the open geodata files of ../shared/geodata, one function per file.

Each reader returns a GeoDataFrame in EPSG:4326 with the gazetteer's common columns
(`name, aliases, kind, source, licence`) plus the extras of its layer. `source` names the file
and the feature (`file#way/123`), so every row can be traced back to its origin. Readers only
normalise; choosing between sources (supersession, datum checks, dedup) is
`geo.gazetteer.places`' job.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from atlas.errors import DataError
from atlas.settings import settings
from extract.vocab import CJK

#: one feature of a layer being built: column → value (the geometry under `geometry`)
Row = dict[str, Any]

COMMON_COLUMNS: tuple[str, ...] = ("name", "aliases", "kind", "source", "licence")
ALIAS_SEP = "|"

SUBDISTRICTS_FILE = "jingan_subdistricts_osm_14.geojson"
SUBDISTRICT_CODES_FILE = "jingan_subdistricts_gazetteer.csv"
OUTLINE_FILE = "jingan_district_outline_osm_union.geojson"
ROADS_FILE = "jingan_roads_osm_partial.geojson"
STATIONS_FILE = "jingan_metro_stations_osm.geojson"
LANDMARKS_FILE = "jingan_landmarks_osm_heritage_tourism.geojson"
WIKIDATA_FILE = "jingan_pois_wikidata.geojson"
SOURCED_FILE = "landmarks_sourced.csv"
MAJOR_ROADS_FILE = "jingan_major_roads_osm_reclip.geojson"
WATER_FILE = "jingan_suzhou_creek_water_osm.geojson"
ADDRESSES_FILE = "jingan_temple_area_osm_addresses.geojson"
STATIONS_EXTRA_FILE = "jingan_metro_stations_extra.geojson"
#: The box each line source was clipped to (lon/lat) or, for the re-clipped major roads, the
#: district buffer: a road end on this edge is where the source cuts it, not where it ends.
#: As the geodata's SOURCES.md declares it ("833 lines clipped to lon 121.42–121.49, lat
#: 31.21–31.31"), not a box of our own.
ROADS_BOX = (121.42, 31.21, 121.49, 31.31)
MAJOR_ROADS_BUFFER_M = 1000.0

ODBL = "ODbL-1.0"
CC0 = "CC0-1.0"


class SourceError(DataError):
    """A source file is missing or does not look like the file SOURCES.md describes."""


def _path(source_dir: Path | str, name: str) -> Path:
    path = Path(source_dir) / name
    if not path.is_file():
        raise SourceError(f"{path}: source file not found")
    return path


def _read(source_dir: Path | str, name: str) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(_path(source_dir, name))
    if gdf.crs is None:
        gdf = gdf.set_crs(settings.crs)
    return gdf.to_crs(settings.crs)


def clean(value: object) -> str:
    """A tag value as a stripped string; '' for missing (None, NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def join_aliases(name: str, *candidates: object) -> str:
    """`|`-joined unique non-empty aliases, in first-seen order, without `name` itself."""
    seen: list[str] = []
    for candidate in candidates:
        for part in clean(candidate).replace(";", ALIAS_SEP).split(ALIAS_SEP):
            part = part.strip()
            if part and part != name and part not in seen:
                seen.append(part)
    return ALIAS_SEP.join(seen)


def join_sources(sources: Iterable[object]) -> str:
    """Several `file#id` references as one string: `file#id1;id2 + other#id3` (sorted)."""
    by_file: dict[str, set[str]] = {}
    for source in sources:
        for part in str(source).split(" + "):
            file, _, ids = part.partition("#")
            by_file.setdefault(file, set()).update(i for i in ids.split(";") if i)
    return " + ".join(
        f"{file}#{';'.join(sorted(ids))}" if ids else file for file, ids in sorted(by_file.items())
    )


def frame(rows: list[Row], columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    """A GeoDataFrame with exactly `columns` + geometry from row dicts (may be empty)."""
    data = pd.DataFrame(rows, columns=[*columns, "geometry"])
    return gpd.GeoDataFrame(data, geometry="geometry", crs=settings.crs)


# --- district and sub-districts -------------------------------------------------------------


def read_district(source_dir: Path | str) -> gpd.GeoDataFrame:
    """The district outline: the union of the 14 OSM 街道/镇 (preferred over cnmaps)."""
    gdf = _read(source_dir, OUTLINE_FILE)
    if len(gdf) != 1:
        raise SourceError(f"{OUTLINE_FILE}: expected 1 feature, got {len(gdf)}")
    row = gdf.iloc[0]
    name = clean(row.get("name")) or settings.district
    return frame(
        [
            {
                "name": name,
                "aliases": join_aliases(name, "静安", "Jing'an District"),
                "kind": "district",
                "source": f"{OUTLINE_FILE}#adcode/{clean(row.get('adcode'))}",
                "licence": clean(row.get("license")) or ODBL,
                "geometry": row.geometry,
            }
        ],
        COMMON_COLUMNS,
    )


SUBDISTRICT_COLUMNS = (*COMMON_COLUMNS, "short_name", "nbs_code", "osm_relation_id")


def read_subdistricts(source_dir: Path | str) -> gpd.GeoDataFrame:
    """The 14 街道/镇 polygons, cross-checked against the names-and-codes CSV.

    The CSV and the polygons come from different repositories; a disagreement on a code or a
    relation id means one file changed, and the build stops rather than mislabel a 街道."""
    gdf = _read(source_dir, SUBDISTRICTS_FILE)
    codes = pd.read_csv(_path(source_dir, SUBDISTRICT_CODES_FILE), dtype=str).set_index("name")
    rows = []
    for _, row in gdf.iterrows():
        name = clean(row["name"])
        code = clean(row["nbs_code_2023"])
        rel = int(row["osm_relation_id"])
        if name in codes.index:
            ref_code, ref_rel = codes.at[name, "nbs_code_2023"], codes.at[name, "osm_relation_id"]
            if clean(ref_code) != code or int(str(ref_rel)) != rel:
                raise SourceError(f"{SUBDISTRICTS_FILE}: {name} disagrees with the codes CSV")
        short = clean(row.get("short_name")) or name
        kind = "town" if clean(row.get("type")) == "town" or name.endswith("镇") else "subdistrict"
        rows.append(
            {
                "name": name,
                "aliases": join_aliases(name, short),
                "kind": kind,
                "source": f"{SUBDISTRICTS_FILE}#relation/{rel}",
                "licence": clean(row.get("license")) or ODBL,
                "short_name": short,
                "nbs_code": code,
                "osm_relation_id": rel,
                "geometry": row.geometry,
            }
        )
    return frame(rows, SUBDISTRICT_COLUMNS).sort_values("nbs_code", ignore_index=True)


# --- roads ----------------------------------------------------------------------------------

ROAD_COLUMNS = COMMON_COLUMNS
#: Ramp fragments (江宁路出口) name an exit, not the road: a query for 江宁路 must not land there.
RAMP = re.compile(r"(出口|入口|匝道)$")
#: Labels that are not road names.
NOT_A_ROAD = frozenset({"其他城市高架"})


def road_kind(name: str, scope: str, kind: str) -> str:
    """'elevated' for the elevated/expressway network, else 'road'."""
    if "高架" in name or scope == "major" or kind == "expressway":
        return "elevated"
    return "road"


def read_roads(source_dir: Path | str, file: str = ROADS_FILE) -> gpd.GeoDataFrame:
    """Named road pieces of `file` (the partial roads, or the re-clipped major roads): one
    row per source feature; `geo.gazetteer.roads` merges them by name."""
    gdf = _read(source_dir, file)
    rows = []
    for i, row in enumerate(gdf.to_dict("records")):
        name = clean(row.get("name"))
        if not name or name in NOT_A_ROAD or RAMP.search(name):
            continue
        way = clean(row.get("osm_way_id")).removesuffix(".0")
        fid = f"way/{way}" if way else clean(row.get("lz_id")) or f"elevatedRoads/{i}"
        rows.append(
            {
                "name": name,
                "aliases": join_aliases(name, row.get("name_en")),
                "kind": road_kind(name, clean(row.get("scope")), clean(row.get("kind"))),
                "source": f"{file}#{fid}",
                "licence": ODBL,
                "geometry": row["geometry"],
            }
        )
    return frame(rows, ROAD_COLUMNS)


def read_all_roads(source_dir: Path | str) -> gpd.GeoDataFrame:
    """The partial roads and the re-clipped major roads (the north tip), as pieces."""
    parts = [read_roads(source_dir, ROADS_FILE), read_roads(source_dir, MAJOR_ROADS_FILE)]
    return frame(pd.concat(parts, ignore_index=True).to_dict("records"), ROAD_COLUMNS)


def read_water(source_dir: Path | str) -> gpd.GeoDataFrame:
    """Water areas (苏州河). The OSM way has no name tag; the file's `name_assigned` is the
    name given by position (SOURCES.md), kept with its note."""
    gdf = _read(source_dir, WATER_FILE)
    rows = []
    for row in gdf.to_dict("records"):
        name = clean(row.get("name")) or clean(row.get("name_assigned"))
        if not name:
            continue
        osm_id = clean(row.get("osm_id"))
        ref = f"way/{osm_id[1:]}" if osm_id.startswith("w") else osm_id
        rows.append(
            {
                "name": name,
                "aliases": "",
                "kind": "river",
                "source": f"{WATER_FILE}#{ref}",
                "licence": ODBL,
                "geometry": row["geometry"],
            }
        )
    return frame(rows, COMMON_COLUMNS)


# --- places ---------------------------------------------------------------------------------

PLACE_COLUMNS = (
    *COMMON_COLUMNS,
    "street",
    "housenumber",
    "in_district",
    "datum_note",
    "wikidata",
)


def place_row(  # noqa: PLR0913 (the columns of a `places` row)
    name: str,
    aliases: str,
    kind: str,
    source: str,
    licence: str,
    geometry: BaseGeometry | None,
    *,
    street: str = "",
    housenumber: str = "",
    datum_note: str = "",
    wikidata: str = "",
) -> Row:
    return {
        "name": name,
        "aliases": aliases,
        "kind": kind,
        "source": source,
        "licence": licence,
        "street": street,
        "housenumber": housenumber,
        "in_district": None,
        "datum_note": datum_note,
        "wikidata": wikidata,
        "geometry": geometry,
    }


def read_stations(source_dir: Path | str) -> gpd.GeoDataFrame:
    """Metro stations, named `X站` (OSM names them `X`, which would collide with 静安寺 the
    temple, 南京西路 the road …); `X地铁站` and `X` + `站` variants are aliases."""
    gdf = _read(source_dir, STATIONS_FILE)
    rows = []
    for _, row in gdf.iterrows():
        base = clean(row["name"])
        if not base:
            continue
        name = base if base.endswith("站") else f"{base}站"
        aliases = join_aliases(name, f"{base}地铁站", f"地铁{name}")
        osm_id = clean(row.get("osm_id")).removesuffix(".0")
        rows.append(
            place_row(
                name,
                aliases,
                "station",
                f"{STATIONS_FILE}#node/{osm_id}",
                ODBL,
                row.geometry,
                datum_note="WGS84 (OSM)",
            )
        )
    return frame(rows, PLACE_COLUMNS)


def read_stations_extra(source_dir: Path | str) -> gpd.GeoDataFrame:
    """The extra station points (FelixVVu/jinke): ranked after the OSM stations, so they only
    add the stations OSM lacks (宝山路, 汉中路, 昌平路, 延长路, 上海马戏城)."""
    gdf = _read(source_dir, STATIONS_EXTRA_FILE)
    rows = []
    for i, row in enumerate(gdf.to_dict("records")):
        base = clean(row.get("station"))
        if not base:
            continue
        name = base if base.endswith("站") else f"{base}站"
        rows.append(
            place_row(
                name,
                join_aliases(name, f"{base}地铁站", f"地铁{name}"),
                "station",
                f"{STATIONS_EXTRA_FILE}#row/{i + 1}",
                "facts (no licence stated; FelixVVu/jinke)",
                row["geometry"],
                datum_note="WGS84 (median 4 m from the OSM stations)",
            )
        )
    return frame(rows, PLACE_COLUMNS)


def _tags_of(record: Mapping[str, Any]) -> dict[str, Any]:
    raw = record.get("tags_json")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = None
    tags = raw if isinstance(raw, dict) else {}
    return {k: v for k, v in {**record, **tags}.items() if k != "geometry"}


def read_addresses(source_dir: Path | str) -> gpd.GeoDataFrame:
    """The addressed OSM features around 静安寺 (and 静安公园): named places, and nameless ones
    that carry a street and a house number (named by their address, 愚园路136号)."""
    gdf = _read(source_dir, ADDRESSES_FILE)
    gdf = gdf[gdf.geom_type.isin(["Point", "Polygon", "MultiPolygon"])]
    rows = []
    for record in gdf.to_dict("records"):
        tags = _tags_of(record)
        if clean(tags.get("natural")) == "water":
            continue
        street = clean(tags.get("addr:street"))
        number = clean(tags.get("addr:housenumber"))
        name = osm_place_name(tags)
        digits = re.match(r"\d+", number)
        if not name and re.search(f"[{CJK}]", street) and digits:
            name = f"{street}{digits.group()}号"
        if not name:
            continue
        osm_id = clean(record.get("osm_id"))
        ref = {"n": "node/", "w": "way/", "r": "relation/"}.get(osm_id[:1], "") + osm_id[1:]
        rows.append(
            place_row(
                name,
                osm_aliases(name, tags),
                osm_place_kind(tags),
                f"{ADDRESSES_FILE}#{ref}",
                ODBL,
                record["geometry"],
                street=street,
                housenumber=number,
                datum_note="WGS84 (OSM)",
                wikidata=clean(tags.get("wikidata")),
            )
        )
    return frame(rows, PLACE_COLUMNS)


def osm_place_kind(tags: Mapping[str, Any]) -> str:
    """A gazetteer kind from OSM tags (first rule that matches)."""

    def tag(key: str) -> str:
        return clean(tags.get(key))

    name = tag("name")
    if tag("leisure") in {"park", "garden"}:
        return "park"
    if tag("tourism") in {"museum", "gallery"}:
        return "museum"
    if tag("amenity") == "place_of_worship" or tag("religion"):
        return "religious"
    if tag("amenity") in {"theatre", "cinema", "arts_centre", "exhibition_centre"}:
        return "venue"
    if tag("amenity") in {"hospital", "clinic"}:
        return "hospital"
    if tag("amenity") in {"school", "college", "university", "kindergarten"}:
        return "school"
    if tag("shop") or tag("amenity") == "marketplace":
        return "commercial"
    if tag("public_transport") == "station" or tag("railway") in {"station", "halt"}:
        return "station"
    if tag("heritage") and re.search(r"(里|坊|邨|村|弄)$", name):
        return "lane"
    if tag("tourism") == "artwork":
        return "artwork"
    if tag("heritage") or tag("historic"):
        return "heritage"
    return "landmark"


def osm_aliases(name: str, tags: Mapping[str, Any]) -> str:
    """Aliases from the OSM name variants people actually write."""
    keys: tuple[str, ...] = ("name:zh", "name:zh-Hans", "alt_name", "alt_name:zh", "old_name")
    keys += ("short_name", "official_name", "name:en", "alt_name:en", "short_name:en")
    return join_aliases(name, *(tags.get(k) for k in keys))


def osm_place_name(tags: Mapping[str, Any]) -> str:
    """The Chinese name when the plain `name` is missing or not Chinese."""
    name = clean(tags.get("name"))
    zh = clean(tags.get("name:zh")) or clean(tags.get("name:zh-Hans"))
    if zh and not re.search(f"[{CJK}]", name):
        return zh
    return name


def read_landmarks(source_dir: Path | str) -> gpd.GeoDataFrame:
    """Named OSM heritage/tourism features, polygons kept as polygons, lines dropped."""
    gdf = _read(source_dir, LANDMARKS_FILE)
    gdf = gdf[gdf.geom_type.isin(["Point", "Polygon", "MultiPolygon"])]
    rows = []
    for record in gdf.to_dict("records"):
        name = osm_place_name(record)
        if not name:
            continue
        rows.append(
            place_row(
                name,
                osm_aliases(name, record),
                osm_place_kind(record),
                f"{LANDMARKS_FILE}#{clean(record['@id'])}",
                ODBL,
                record["geometry"],
                street=clean(record.get("addr:street")),
                housenumber=clean(record.get("addr:housenumber")),
                datum_note="WGS84 (OSM)",
                wikidata=clean(record.get("wikidata")),
            )
        )
    return frame(rows, PLACE_COLUMNS)


#: Wikidata items that are not places to geocode to a point: administrative units (the
#: polygons cover them), events, battles, whole metro lines.
_WIKIDATA_SKIP = re.compile(
    r"subdistrict|下辖|市辖区|市轄區|区划|火灾|战斗|战役|城市轨道交通线路|开通的一条|^火灾$"
)
_WIKIDATA_KINDS: tuple[tuple[str, str], ...] = (
    (r"(路|通道|桥)$", "road_feature"),
    (r"公园|花园|\bpark\b|\bgarden\b", "park"),
    (r"医院|醫院|hospital|healthcare|卫生", "hospital"),
    (r"中学|小学|学校|学院|大学|school|college|university", "school"),
    (r"博物馆|美术馆|museum|gallery|图书馆|library|艺术中心|arts centre", "museum"),
    (r"车站|\bstation\b|铁路车站", "station"),
    (r"寺|教堂|礼拜堂|会堂|清真|church|temple|mosque|synagogue", "religious"),
    (r"戏院|剧院|剧场|马戏|circus|theatre|theater|sports venue|体育|stadium|gymnasium", "venue"),
    (
        r"购物中心|商场|广场|shopping|building complex|skyscraper|摩天大楼|大厦|centre|center",
        "commercial",
    ),
    (r"领事馆|consulate|diplomatic", "landmark"),
    (r"道路|路$|通道$|桥", "road_feature"),
    (r"故居|旧居|旧址|遗址|墓|会址|住宅|公馆|别墅|历史建筑|heritage", "heritage"),
)


def wikidata_kind(label: str, description: str) -> str:
    """A gazetteer kind from a Wikidata label and description (first pattern that matches)."""
    text = f"{label} {description}"
    for pattern, kind in _WIKIDATA_KINDS:
        if re.search(pattern, text, flags=re.IGNORECASE):
            return kind
    return "landmark"


def read_wikidata(source_dir: Path | str, subdistrict_names: set[str]) -> gpd.GeoDataFrame:
    """Wikidata points; items flagged GCJ-02 are converted, items flagged far off are dropped."""
    from geo.crs import gcj02_to_wgs84  # local: keeps this module importable without numpy ops

    gdf = _read(source_dir, WIKIDATA_FILE)
    rows = []
    for record in gdf.to_dict("records"):
        label = clean(record.get("label"))
        qid = clean(record.get("qid"))
        description = clean(record.get("description"))
        flag = clean(record.get("coord_flag"))
        if not label or label == qid or label in subdistrict_names:
            continue
        if _WIKIDATA_SKIP.search(description) or flag.startswith("far_from_osm"):
            continue
        kind = wikidata_kind(label, description)
        if kind == "road_feature":  # a road as one point would be a wrong confident location
            if "桥" not in label:
                continue
            kind = "bridge"
        geom = record["geometry"]
        note = "WGS84 (Wikidata)"
        if flag.startswith("likely_gcj02"):
            lon, lat = gcj02_to_wgs84(geom.x, geom.y)
            geom = gpd.points_from_xy([lon], [lat])[0]
            note = f"GCJ-02 in Wikidata ({flag}); converted with gcj02_to_wgs84"
        rows.append(
            place_row(
                label,
                "",
                kind,
                f"{WIKIDATA_FILE}#{qid}",
                CC0,
                geom,
                datum_note=note,
                wikidata=qid,
            )
        )
    return frame(rows, PLACE_COLUMNS)


_SOURCED_KINDS = {"transport": "station", "heritage": "heritage", "park": "park"}


def read_sourced(source_dir: Path | str) -> pd.DataFrame:
    """landmarks_sourced.csv as plain rows (datum decided later, against OSM)."""
    table = pd.read_csv(_path(source_dir, SOURCED_FILE), dtype={"lon": float, "lat": float})
    required = {"name", "aliases", "kind", "lon", "lat", "datum", "source"}
    if not required <= set(table.columns):
        raise SourceError(
            f"{SOURCED_FILE}: missing columns {sorted(required - set(table.columns))}"
        )
    table = table.fillna({"aliases": "", "datum": "", "source": ""})
    table["kind"] = [_SOURCED_KINDS.get(k, k) for k in table["kind"]]
    table["row"] = np.arange(len(table)) + 2  # line number in the file, header = 1
    return table
