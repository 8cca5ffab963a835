"""Read an OpenStreetMap extract (.osm, .osm.pbf) into gazetteer-shaped layers with osmium.

The bundled geodata has only ~40 roads in the district; a user with a Shanghai extract
(Geofabrik `asia/china/shanghai`) passes it with `--osm` and gets every named street, river,
park and POI. Layers returned (EPSG:4326, the gazetteer's common columns):

- `admin`: admin_level 8/9 boundaries (`admin_level` column) — level 8 with a known 街道 name
  replaces that 街道's polygon, level 9 become places of kind `neighbourhood`;
- `roads`: named highways (name, else name:zh) and waterways (kind `river`), one row per way;
- `places`: other named features (parks, schools, hospitals, stations …) as points or
  polygons, with addr:street / addr:housenumber. A shop, bank or other branch of a chain
  (全家, 中国银行 …) is no place by its name — its name is a brand, repeated across the city —
  but one that carries a street and number is an address point named by it (富民路59号), an
  anchor for house numbering;
- `stops`: named bus stops (points, kind `bus_stop`): not places — a stop is named after the
  crossing it stands at ("临汾路阳曲路") or a place nearby (`geo.gazetteer.crossings`);
- `coverage`: the box the extract covers (see `_coverage`).

`read_osms` reads several extracts into one set of layers (a feature found in two files is
kept once, from the first file).

OSM is WGS84: no datum conversion. Everything is ODbL-1.0.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import osmium
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from atlas.errors import DataError
from geo.gazetteer.sources import (
    COMMON_COLUMNS,
    ODBL,
    PLACE_COLUMNS,
    RAMP,
    Row,
    frame,
    join_aliases,
    osm_aliases,
    osm_place_kind,
    osm_place_name,
    place_row,
    road_kind,
)

#: Highway values that are roads people write addresses on (not footways, tracks …).
ROAD_HIGHWAYS = frozenset(
    {
        "motorway",
        "trunk",
        "primary",
        "secondary",
        "tertiary",
        "unclassified",
        "residential",
        "living_street",
        "pedestrian",
        "service",
        "road",
    }
)
ELEVATED_HIGHWAYS = frozenset({"motorway", "trunk"})
RIVER_WATERWAYS = frozenset({"river", "canal", "stream", "drain"})
#: Tags that make a named feature a place worth geocoding to.
PLACE_KEYS = (
    "leisure",
    "amenity",
    "tourism",
    "historic",
    "heritage",
    "shop",
    "office",
    "building",
    "landuse",
    "place",
    "railway",
    "public_transport",
    "man_made",
)
ADMIN_COLUMNS = (*COMMON_COLUMNS, "admin_level", "osm_relation_id")
STOP_COLUMNS = COMMON_COLUMNS
#: Amenities whose names are brands or services repeated across the city, not places.
CHAIN_AMENITIES = frozenset(
    {
        "atm",
        "bank",
        "bureau_de_change",
        "cafe",
        "charging_station",
        "fast_food",
        "fuel",
        "parking",
        "pharmacy",
        "post_box",
        "post_office",
        "restaurant",
        "telephone",
        "toilets",
        "vending_machine",
    }
)
#: Leisure features named generically (球场, 健身房): no place by their name either.
CHAIN_LEISURE = frozenset({"pitch", "fitness_centre", "fitness_station", "playground"})
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


class OsmError(DataError):
    """The OSM file is missing or unreadable."""


def _tags(obj: Any) -> dict[str, str]:
    return {tag.k: tag.v for tag in obj.tags}


def _name(tags: dict[str, str]) -> str:
    return osm_place_name(tags) or tags.get("name:zh", "").strip()


def read_osm(path: Path | str) -> dict[str, gpd.GeoDataFrame]:
    """`admin`, `roads` and `places` layers from an OSM file (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise OsmError(f"{path}: OSM file not found")
    wkb = osmium.geom.WKBFactory()
    admin: list[dict[str, Any]] = []
    roads: list[dict[str, Any]] = []
    places: list[dict[str, Any]] = []
    stops: list[dict[str, Any]] = []
    source = path.name
    try:
        processor = osmium.FileProcessor(str(path)).with_locations().with_areas()
        obj: Any  # osmium yields a union of entity types; is_node()/is_way() tell them apart
        for obj in processor:
            tags = _tags(obj)
            name = _name(tags) or _address_name(tags)
            if not name:
                continue
            if obj.is_node():
                geom = shapely.Point(obj.location.lon, obj.location.lat)
                ref = f"{source}#node/{obj.id}"
                if is_bus_stop(tags):
                    stops.append(
                        {
                            "name": name,
                            "aliases": "",
                            "kind": "bus_stop",
                            "source": ref,
                            "licence": ODBL,
                            "geometry": geom,
                        }
                    )
                elif any(k in tags for k in PLACE_KEYS):
                    _add_place(places, name, tags, ref, geom)
            elif obj.is_way():
                line = _way_line(obj, tags, name, wkb, source)
                if line is not None:
                    roads.append(line)
            elif obj.is_area():
                _area(obj, tags, name, wkb, source, admin, places)
    except RuntimeError as exc:  # osmium reports parse errors as RuntimeError
        raise OsmError(f"{path}: {exc}") from exc
    return {
        "coverage": _coverage(path, [r["geometry"] for r in roads + places]),
        "admin": frame(admin, ADMIN_COLUMNS),
        "roads": frame(roads, COMMON_COLUMNS),
        "places": frame(places, PLACE_COLUMNS),
        "stops": frame(stops, STOP_COLUMNS),
    }


def read_osms(paths: Sequence[Path | str]) -> dict[str, gpd.GeoDataFrame]:
    """The layers of several OSM files as one: rows concatenated in file order, a feature
    found in two files kept once (from the first); the coverage is that of the files that
    hold roads (where a road's end may be the extract's edge), else of all of them."""
    read = [read_osm(p) for p in paths]
    if len(read) == 1:
        return read[0]
    out: dict[str, gpd.GeoDataFrame] = {}
    for layer in ("admin", "roads", "places", "stops"):
        parts = [r[layer] for r in read if len(r[layer])]
        if not parts:
            out[layer] = read[0][layer]
            continue
        merged = pd.concat(parts, ignore_index=True)
        element = merged["source"].astype(str).str.partition("#")[2]
        merged = merged[~element.duplicated()]
        out[layer] = gpd.GeoDataFrame(merged, geometry="geometry", crs=read[0][layer].crs)
    with_roads = [r["coverage"] for r in read if len(r["roads"])] or [r["coverage"] for r in read]
    coverage = pd.concat(with_roads, ignore_index=True)
    out["coverage"] = gpd.GeoDataFrame(coverage, geometry="geometry", crs=with_roads[0].crs)
    return out


def is_bus_stop(tags: dict[str, str]) -> bool:
    """A bus stop or platform (not a rail, metro or tram one)."""
    if any(k in tags for k in ("railway", "train", "subway", "tram", "light_rail")):
        return False
    return tags.get("highway") == "bus_stop" or (
        tags.get("public_transport") in {"platform", "stop_position"} and tags.get("bus") != "no"
    )


def is_chain(tags: dict[str, str]) -> bool:
    """A shop, bank, restaurant … whose name is a brand or a service, not a place."""
    return bool(
        tags.get("shop")
        or tags.get("amenity") in CHAIN_AMENITIES
        or tags.get("leisure") in CHAIN_LEISURE
    )


def _address_name(tags: dict[str, str]) -> str:
    """ "富民路59号" for a feature with a Chinese street and a house number, else ''."""
    street = tags.get("addr:street", "").strip()
    digits = re.match(r"\d+", tags.get("addr:housenumber", "").strip())
    return f"{street}{digits.group()}号" if digits and _CJK_CHAR.search(street) else ""


def _add_place(
    places: list[Row], name: str, tags: dict[str, str], ref: str, geom: BaseGeometry
) -> None:
    """A place by its name, or — a chain's branch — by its address (or not at all)."""
    if is_chain(tags):
        name = _address_name(tags)
        if not name:
            return
        tags = {k: v for k, v in tags.items() if k.startswith("addr:")}
        row = _osmplace_row(name, tags, ref, geom)
        row["kind"] = "address"
        places.append(row)
        return
    row = _osmplace_row(name, tags, ref, geom)
    if row["kind"] == "station" and not name.endswith("站"):
        # "南京西路" is the road; its metro station is 南京西路站 (as in `sources.read_stations`)
        row["name"] = f"{name}站"
        aliases = [a for a in str(row["aliases"]).split("|") if a != name]
        row["aliases"] = join_aliases(row["name"], f"{name}地铁站", f"地铁{name}站", *aliases)
    places.append(row)


def _coverage(path: Path, geoms: list[BaseGeometry]) -> gpd.GeoDataFrame:
    """The extract's declared box (`<bounds>` / the PBF header) as one polygon, else the
    envelope of what it holds (an Overpass export declares none). Road ends on its edge are
    where the extract cuts them."""
    try:
        box = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING).header().box()
    except RuntimeError as exc:
        raise OsmError(f"{path}: {exc}") from exc
    if box.valid():
        bl, tr = box.bottom_left, box.top_right
        geom: BaseGeometry = shapely.box(bl.lon, bl.lat, tr.lon, tr.lat)
    elif geoms:
        geom = shapely.envelope(shapely.union_all(geoms))
    else:
        return frame([], COMMON_COLUMNS)
    row = {"name": path.name, "aliases": "", "kind": "coverage", "source": path.name}
    return frame([{**row, "licence": ODBL, "geometry": geom}], COMMON_COLUMNS)


def _way_line(way: Any, tags: dict[str, str], name: str, wkb: Any, source: str) -> Row | None:
    highway = tags.get("highway", "")
    waterway = tags.get("waterway", "")
    if highway in ROAD_HIGHWAYS and not RAMP.search(name):
        kind = "elevated" if highway in ELEVATED_HIGHWAYS or tags.get("bridge") == "viaduct" else ""
        kind = kind or road_kind(name, "", "")
    elif waterway in RIVER_WATERWAYS:
        kind = "river"
    else:
        return None
    try:
        geom = shapely.from_wkb(wkb.create_linestring(way))
    except (RuntimeError, osmium.InvalidLocationError):
        return None
    return {
        "name": name,
        "aliases": join_aliases(name, tags.get("name:zh"), tags.get("alt_name"), tags.get("ref")),
        "kind": kind,
        "source": f"{source}#way/{way.id}",
        "licence": ODBL,
        "geometry": geom,
    }


def _area(
    area: Any,
    tags: dict[str, str],
    name: str,
    wkb: Any,
    source: str,
    admin: list[Row],
    places: list[Row],
) -> None:
    try:
        geom = shapely.from_wkb(wkb.create_multipolygon(area))
    except (RuntimeError, osmium.InvalidLocationError):
        return
    kind_id = f"way/{area.orig_id()}" if area.from_way() else f"relation/{area.orig_id()}"
    ref = f"{source}#{kind_id}"
    level = tags.get("admin_level", "")
    if tags.get("boundary") == "administrative" and level in {"8", "9"}:
        admin.append(
            {
                "name": name,
                "aliases": osm_aliases(name, tags),
                "kind": "subdistrict" if level == "8" else "neighbourhood",
                "source": ref,
                "licence": ODBL,
                "admin_level": int(level),
                "osm_relation_id": 0 if area.from_way() else int(area.orig_id()),
                "geometry": geom,
            }
        )
        return
    if any(k in tags for k in PLACE_KEYS) and tags.get("highway") is None:
        _add_place(places, name, tags, ref, geom)


def _osmplace_row(name: str, tags: Mapping[str, Any], ref: str, geom: BaseGeometry) -> Row:
    return place_row(
        name,
        osm_aliases(name, tags),
        osm_place_kind(tags),
        ref,
        ODBL,
        geom,
        street=tags.get("addr:street", "").strip(),
        housenumber=tags.get("addr:housenumber", "").strip(),
        datum_note="WGS84 (OSM)",
        wikidata=tags.get("wikidata", "").strip(),
    )
