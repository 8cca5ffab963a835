"""Read an OpenStreetMap extract (.osm, .osm.pbf) into gazetteer-shaped layers with osmium.

The bundled geodata has only ~40 roads in the district; a user with a Shanghai extract
(Geofabrik `asia/china/shanghai`) passes it with `--osm` and gets every named street, river,
park and POI. Layers returned (EPSG:4326, the gazetteer's common columns):

- `admin`: admin_level 8/9 boundaries (`admin_level` column) — level 8 with a known 街道 name
  replaces that 街道's polygon, level 9 become places of kind `neighbourhood`;
- `roads`: named highways (name, else name:zh) and waterways (kind `river`), one row per way;
- `places`: other named features (parks, POIs, stations …) as points or polygons, with
  addr:street / addr:housenumber.

OSM is WGS84: no datum conversion. Everything is ODbL-1.0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import osmium
import shapely
from shapely.geometry.base import BaseGeometry

from atlas.errors import DataError
from geo.gazetteer.sources import (
    COMMON_COLUMNS,
    ODBL,
    PLACE_COLUMNS,
    RAMP,
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


class OsmError(DataError):
    """The OSM file is missing or unreadable."""


def _tags(obj) -> dict[str, str]:
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
    source = path.name
    try:
        processor = osmium.FileProcessor(str(path)).with_locations().with_areas()
        obj: Any  # osmium yields a union of entity types; is_node()/is_way() tell them apart
        for obj in processor:
            tags = _tags(obj)
            name = _name(tags)
            if not name:
                continue
            if obj.is_node():
                if any(k in tags for k in PLACE_KEYS):
                    geom = shapely.Point(obj.location.lon, obj.location.lat)
                    places.append(_osmplace_row(name, tags, f"{source}#node/{obj.id}", geom))
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
    }


def _coverage(path: Path, geoms: list) -> gpd.GeoDataFrame:
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


def _way_line(way, tags, name, wkb, source) -> dict | None:
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


def _area(area, tags, name, wkb, source, admin: list, places: list) -> None:
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
        places.append(_osmplace_row(name, tags, ref, geom))


def _osmplace_row(name: str, tags: dict, ref: str, geom) -> dict:
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
