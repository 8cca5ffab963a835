"""Functional-zone polygons drawn from the gazetteer's own layers, each with its evidence.

No official boundary of Jing'an's functional areas is in the open sources, so each zone is an
explicit, reproducible approximation: the union of the 街道 that its *anchors* fall in. Anchors
are things the reports themselves tie to the zone — a road it is named after, places listed in
the same paragraph, the ring road whose "two wings" it is — looked up in the gazetteer. The
`derivation` column says which anchors were found, in which 街道, and which were not; the
`justification` column quotes the report sentences (with the document's file name). A zone whose
anchors are all absent is left out and reported missing rather than guessed.

River corridors (the Σ生态绣带 along 苏州河—彭越浦—走马塘) are buffers of `kind == "river"`
lines in the roads layer. The shared geodata has 苏州河 only as a water area and neither
彭越浦 nor 走马塘, so the corridor appears only when an OSM extract with those waterways is
supplied (`--osm`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from atlas.errors import DataError
from atlas.settings import settings
from geo.gazetteer.sources import ALIAS_SEP, COMMON_COLUMNS, frame

ZONE_COLUMNS = (*COMMON_COLUMNS, "derivation", "justification")
#: A road counts as running through a 街道 when at least this much of it lies inside.
MIN_ROAD_M = 100.0
#: Half-width of a river corridor.
RIVER_BUFFER_M = 200.0
LICENCE = "ODbL-1.0"  # zones are derived from the OSM 街道 polygons and roads


class ZoneError(DataError):
    """A zone's justification phrase is not in the reports (the spec and the text diverged)."""


@dataclass(frozen=True)
class ZoneSpec:
    """How one zone is drawn and justified.

    `anchors` are `type:name` strings: `road:` (街道 the road runs through ≥ MIN_ROAD_M),
    `street:` (街道 of places whose addr:street is that road), `place:` (街道 containing the
    place), `subdistrict:` (that 街道 itself), `zone:` (the 街道 of a zone defined earlier),
    `river:` (a buffer of that river line). `minus` lists zones whose 街道 are removed
    (`subdistrict:X`: that 街道 alone).
    `quotes` are phrases that must occur in the reports; their sentences justify the zone."""

    name: str
    kind: str
    anchors: tuple[str, ...]
    quotes: tuple[str, ...]
    note: str
    aliases: tuple[str, ...] = ()
    minus: tuple[str, ...] = ()


WHOLE_JIEDAO = (
    "Approximation by whole 街道: the official boundary of the area is not in the open sources, "
    "so the zone may include parts of these 街道 outside the area."
)

ZONE_SPECS: tuple[ZoneSpec, ...] = (
    ZoneSpec(
        name="南京西路功能区",
        kind="functional_area",
        anchors=(
            "road:南京西路",
            "street:南京西路",
            "place:兴业太古汇",
            "place:梅龙镇广场",
            "place:中信泰富广场",
            "place:张园",
            "place:丰盛里",
        ),
        quotes=(
            "南京西路功能区要打造全球顶级商务商业集聚区",
            "兴业太古汇、静华大厦等一批重点功能性项目陆续建成",
            "实施梅龙镇广场等楼宇更新",
        ),
        note=WHOLE_JIEDAO,
    ),
    ZoneSpec(
        name="苏河湾功能区",
        kind="functional_area",
        anchors=(
            "place:四行仓库",
            "place:上海总商会旧址",
            "place:福新面粉一厂旧址",
            "place:OCAT",
            "place:尤伦斯当代艺术中心",
            "place:博华广场",
            "place:凯德星贸",
            "place:静安国际中心",
        ),
        quotes=(
            "苏河湾功能区要打造世界级滨水中央活动区",
            "保护和利用好四行仓库、上海总商会旧址、福新面粉厂等历史建筑",
        ),
        note=WHOLE_JIEDAO + " 苏河湾 spans both banks of 苏州河 (一河两岸); only the 街道 holding "
        "the anchors listed in the report are included.",
    ),
    ZoneSpec(
        name="大宁功能区",
        kind="functional_area",
        anchors=(
            "subdistrict:大宁路街道",
            "place:大宁灵石公园",
            "place:上海马戏城",
            "place:灵石中国电竞中心",
            "place:大宁商务中心",
            "place:上海久光中心",
            "place:大宁音乐广场",
        ),
        quotes=(
            "大宁功能区要打造新时代文创科创产业示范区",
            "灵石中国电竞中心正式挂牌",
        ),
        note=WHOLE_JIEDAO,
    ),
    ZoneSpec(
        name="市北功能区",
        kind="functional_area",
        anchors=("road:中环路", "place:市北高新技术服务业园区"),
        minus=("subdistrict:大宁路街道",),
        quotes=(
            "市北功能区要打造国际领先的数智产业园区",
            "北翼市北高新园区集聚大数据流通与交易技术国家工程实验室",
        ),
        note=WHOLE_JIEDAO
        + " The reports place 市北 on the northern wing of 中环 (中环两翼: 南翼大宁, "
        "北翼市北高新园区); the park itself is not in the sources, so the zone is the 街道 that "
        "中环路 crosses, minus 大宁路街道, the southern wing's own 街道 (彭浦镇 also holds the "
        "OSM polygon of 大宁灵石公园, so at whole-街道 resolution the two zones share it).",
    ),
    ZoneSpec(
        name="中环两翼创新创意集聚带",
        kind="strategy_area",
        aliases=("中环两翼",),
        anchors=("road:中环路",),
        quotes=(
            "中环两翼创新创意集聚带品牌效应显著",
            "大力实施“一轴三带”发展战略",
        ),
        note=WHOLE_JIEDAO + " One of the 三带 of the 一轴三带 strategy (the other two share the "
        "shapes of 南京西路功能区 and 苏河湾功能区, whose aliases they are).",
    ),
    ZoneSpec(
        name="南京西路—苏河湾中央活力区",
        kind="strategy_area",
        aliases=("中央活力区", "CAZ", "南京西路-苏河湾中央活力区"),
        anchors=("zone:南京西路功能区", "zone:苏河湾功能区"),
        quotes=(
            "聚焦南京西路—苏河湾中央活力区（CAZ）",
            "整合南京西路和苏河湾地区",
        ),
        note="Union of the 南京西路 and 苏河湾 functional-area shapes (两轴一带三片区, 2026); "
        "inherits their whole-街道 approximation.",
    ),
    ZoneSpec(
        name="大宁融合创新区",
        kind="strategy_area",
        aliases=("大宁生产、生活、生态融合创新区",),
        anchors=("zone:大宁功能区",),
        quotes=("聚焦大宁生产、生活、生态融合创新区",),
        note="Same shape as 大宁功能区 (两轴一带三片区, 2026: 优化大宁、市北片区功能定位).",
    ),
    ZoneSpec(
        name="市北国际科创区",
        kind="strategy_area",
        anchors=("zone:市北功能区",),
        quotes=("聚焦市北国际科创区",),
        note="Same shape as 市北功能区 (两轴一带三片区, 2026); inherits its approximation.",
    ),
    ZoneSpec(
        name="Σ生态绣带",
        kind="ecological_corridor",
        aliases=("生态绣带", "Σ生态绣带（苏州河—彭越浦—走马塘）"),
        anchors=("river:苏州河", "river:彭越浦", "river:走马塘"),
        quotes=(
            "高标准打造生态绣带（苏州河—彭越浦—走马塘）",
            "激发“Σ生态绣带”活力",
        ),
        note=f"Buffer of ±{RIVER_BUFFER_M:.0f} m around the river lines, clipped to the district.",
    ),
)

#: Spatial-strategy elements the reports name without saying where they run.
UNDRAWN = {
    "南北复合发展轴": "the 一轴 of 一轴三带: the reports never say which roads it follows",
    "两轴": "the two axes of 两轴一带三片区: not located in the reports",
}


# --- justification --------------------------------------------------------------------------


def justify(quotes: tuple[str, ...], sentences: Sequence[tuple[str, str]]) -> str:
    """The report sentences containing each phrase, as `《doc》sentence`, joined by newlines."""
    found = []
    for phrase in quotes:
        hits = [(doc, s) for doc, s in sentences if phrase in s]
        if not hits:
            raise ZoneError(f"justification phrase not in the reports: {phrase}")
        doc, sentence = hits[0]
        found.append(f"《{doc}》{sentence}")
    return "\n".join(found)


# --- geometry -------------------------------------------------------------------------------


def _by_name(layer: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    aliases = layer["aliases"].fillna("").str.split(ALIAS_SEP)
    hit = (layer["name"] == name) | aliases.apply(lambda parts: name in parts)
    return layer[hit]


def _containing(subdistricts: gpd.GeoDataFrame, geoms: Iterable[BaseGeometry]) -> list[str]:
    """The 街道 holding each geometry's representative point (one STRtree query)."""
    points = shapely.point_on_surface(np.asarray(list(geoms), dtype=object))
    if not len(points):
        return []
    tree = shapely.STRtree(subdistricts.geometry.to_numpy())
    pos, sub = tree.query(points, predicate="within")
    order = np.lexsort((sub, pos))  # by geometry, then 街道 row: the order of the old loop
    names = subdistricts["name"].to_numpy(dtype=object)
    return [str(names[j]) for j in sub[order]]


def _road_jiedao(subdistricts_m: gpd.GeoDataFrame, road_m: BaseGeometry) -> list[str]:
    """The 街道 a road runs through for at least `MIN_ROAD_M` (array intersections)."""
    lengths = shapely.length(shapely.intersection(road_m, subdistricts_m.geometry.to_numpy()))
    names = subdistricts_m["name"].to_numpy(dtype=object)
    return [str(n) for n, length in zip(names, lengths, strict=True) if length >= MIN_ROAD_M]


def resolve_anchor(
    anchor: str,
    subdistricts: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    built: dict[str, list[str]],
) -> tuple[list[str], str]:
    """(街道 names, evidence text) for one anchor; an empty list when the sources lack it."""
    kind, _, name = anchor.partition(":")
    if kind == "subdistrict":
        found = list(_by_name(subdistricts, name)["name"])
        return found, f"the 街道 {name}" if found else ""
    if kind == "zone":
        found = built.get(name, [])
        return found, f"the 街道 of {name}" if found else ""
    if kind == "place":
        found = sorted(set(_containing(subdistricts, _by_name(places, name).geometry)))
        return found, f"place {name} lies in {'、'.join(found)}" if found else ""
    if kind == "street":
        hit = places[places["street"].fillna("") == name]
        found = sorted(set(_containing(subdistricts, hit.geometry)))
        text = f"{len(hit)} places with addr:street={name} lie in {'、'.join(found)}"
        return found, text if found else ""
    if kind == "road":
        road = _by_name(roads, name)
        if road.empty:
            return [], ""
        sub_m = subdistricts.to_crs(settings.metric_crs)
        road_m = road.to_crs(settings.metric_crs).union_all()
        found = _road_jiedao(sub_m, road_m)
        text = f"road {name} runs ≥{MIN_ROAD_M:.0f} m through {'、'.join(found)}"
        return found, text if found else ""
    raise ValueError(f"unknown anchor type: {anchor}")


def river_corridor(
    names: list[str], roads: gpd.GeoDataFrame, district: BaseGeometry
) -> BaseGeometry:
    """A ±RIVER_BUFFER_M buffer of the named river lines, clipped to `district` (may be empty)."""
    rivers = roads[(roads["kind"] == "river") & roads["name"].isin(names)]
    if rivers.empty:
        return shapely.Polygon()
    buffered = rivers.to_crs(settings.metric_crs).buffer(RIVER_BUFFER_M).union_all()
    wgs = gpd.GeoSeries([buffered], crs=settings.metric_crs).to_crs(settings.crs).iloc[0]
    corridor: BaseGeometry = wgs.intersection(district)
    return corridor


@dataclass(frozen=True)
class DrawnZones:
    """The zones layer and the zones that could not be drawn (name → why), which the list of
    what the sources lack names (`geo.gazetteer.missing`)."""

    layer: gpd.GeoDataFrame
    missing: dict[str, str] = field(default_factory=dict)


def build_zones(
    subdistricts: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    sentences: Sequence[tuple[str, str]] | None,
    specs: tuple[ZoneSpec, ...] | None = None,
) -> DrawnZones:
    """The zones (default `ZONE_SPECS`) and those that cannot be drawn, with the reason.

    `sentences` are the reports' (document stem, sentence) pairs as the extractor reads them
    (`extract.corpus_sentences`), which justify each zone; with `None` zones are drawn without
    justification text."""
    specs = ZONE_SPECS if specs is None else specs
    district = subdistricts.union_all()
    built: dict[str, list[str]] = {}
    rows, missing = [], dict(UNDRAWN)
    for spec in specs:
        justification = justify(spec.quotes, sentences) if sentences is not None else ""
        rivers = [a.partition(":")[2] for a in spec.anchors if a.startswith("river:")]
        if rivers:
            geom = river_corridor(rivers, roads, district)
            present = sorted(set(roads.loc[roads["kind"] == "river", "name"]) & set(rivers))
            if geom.is_empty:
                missing[spec.name] = "no river geometry for " + "、".join(rivers)
                continue
            absent = [r for r in rivers if r not in present]
            derivation = (
                f"River lines {'、'.join(present)} (roads layer, kind river)"
                + (f"; not in the sources: {'、'.join(absent)}" if absent else "")
                + ". "
                + spec.note
            )
        else:
            jiedao: set[str] = set()
            evidence, absent = [], []
            for anchor in spec.anchors:
                found, text = resolve_anchor(anchor, subdistricts, roads, places, built)
                if found:
                    jiedao.update(found)
                    evidence.append(text)
                else:
                    absent.append(anchor.partition(":")[2])
            for other in spec.minus:
                kind, _, name = other.rpartition(":")
                if kind == "subdistrict":
                    jiedao.discard(name)
                    evidence.append(f"minus {name}")
                else:
                    jiedao -= set(built.get(name, []))
                    evidence.append(f"minus the 街道 of {name}")
            if not jiedao:
                missing[spec.name] = "no anchor found in the sources: " + "、".join(absent)
                continue
            ordered = [n for n in subdistricts["name"] if n in jiedao]
            built[spec.name] = ordered
            geom = subdistricts[subdistricts["name"].isin(ordered)].union_all()
            derivation = (
                f"Union of 街道 {'、'.join(ordered)}. Evidence: {'; '.join(evidence)}."
                + (
                    f" Anchors with no in-district location in the sources: {'、'.join(absent)}."
                    if absent
                    else ""
                )
                + f" {spec.note}"
            )
        rows.append(
            {
                "name": spec.name,
                "aliases": ALIAS_SEP.join(spec.aliases),
                "kind": spec.kind,
                "source": "derived: geo/zones.py from " + _derived_from(spec),
                "licence": LICENCE,
                "derivation": derivation,
                "justification": justification,
                "geometry": geom,
            }
        )
    return DrawnZones(frame(rows, ZONE_COLUMNS), missing)


def _derived_from(spec: ZoneSpec) -> str:
    if any(a.startswith("river:") for a in spec.anchors):
        return "roads (river lines)"
    return "jingan_subdistricts_osm_14.geojson (街道 polygons), gazetteer roads and places"
