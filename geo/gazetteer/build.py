"""The offline gazetteer: build it from open geodata, write it, load it.

`python -m geo gazetteer --source ../shared/geodata [--osm FILE] [-o data/gazetteer.gpkg]`
reads the files described in ../shared/geodata/SOURCES.md (never copied into the repo), checks
datums, merges and ranks sources, draws the functional zones, and writes the derived
GeoPackage that the app and the geocoder read from a fresh clone. The build is deterministic:
rows are sorted and GDAL's timestamp is pinned, so a rebuild from the same inputs gives the
same bytes.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from atlas.errors import DataError
from atlas.settings import settings
from geo.gazetteer import places as places_mod
from geo.gazetteer import sources
from geo.gazetteer.aliases import apply_aliases, read_aliases
from geo.gazetteer.committees import COMMITTEE_COLUMNS, COMMITTEES_FILE, read_committees
from geo.gazetteer.crossings import crossing_layers
from geo.gazetteer.roads import district_buffer, merge_roads
from geo.gazetteer.sources import COMMON_COLUMNS
from geo.io.export import write_gpkg_layers

LAYERS: tuple[str, ...] = (
    "district",
    "subdistricts",
    "zones",
    "roads",
    "places",
    "water",
    "crossings",
    "stops",
    "committees",
)
#: Layers an older gazetteer may lack (read as empty).
OPTIONAL_LAYERS: frozenset[str] = frozenset({"water", "crossings", "stops", "committees"})


class GazetteerError(DataError):
    """The gazetteer file is missing or lacks a layer or column of the contract."""


@dataclass(frozen=True)
class Gazetteer:
    """The layers of data/gazetteer.gpkg, all EPSG:4326. `roads` are whole lines (as far as
    the sources go; `in_district_roads()` is the part to draw), `water` the rivers and creeks
    (areas, and lines from an OSM extract)."""

    district: gpd.GeoDataFrame
    subdistricts: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    water: gpd.GeoDataFrame = field(default_factory=lambda: sources.frame([], COMMON_COLUMNS))
    #: crossings named by bus stops, those stops, the residents' committees (null geometry)
    crossings: gpd.GeoDataFrame = field(default_factory=lambda: sources.frame([], COMMON_COLUMNS))
    stops: gpd.GeoDataFrame = field(default_factory=lambda: sources.frame([], COMMON_COLUMNS))
    committees: gpd.GeoDataFrame = field(default_factory=lambda: sources.frame([], COMMON_COLUMNS))

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        return {name: getattr(self, name) for name in LAYERS}


# --- build ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GazetteerBuild:
    """What a gazetteer build gives: its `layers` (written to data/gazetteer.gpkg) and the
    zones it could not draw, name → why (listed in gazetteer_missing.md)."""

    layers: dict[str, gpd.GeoDataFrame]
    missing_zones: dict[str, str] = field(default_factory=dict)


def build_gazetteer(
    source_dir: Path | str,
    osm: Path | str | Sequence[Path | str] | None = None,
    *,
    aliases_path: Path | str | None = None,
    sentences: Sequence[tuple[str, str]] | None,
) -> GazetteerBuild:
    """All layers from the files in `source_dir` (+ optional OSM extracts), in memory.

    Bus stops of the OSM extracts named after a crossing give the `crossings` and `stops`
    layers and estimated lines for the roads no source draws (`geo.gazetteer.crossings`);
    the residents' committees list, when `source_dir` has it, the `committees` layer.

    `aliases_path` defaults to `settings.aliases_path`. `sentences` are the reports'
    (document stem, sentence) pairs as the extract stage reads them (`extract.read_reports`,
    `extract.corpus_sentences`: read once, any format the extractor reads), which justify the
    zones; with `None` zones are drawn without justification text (tests of the other layers).
    The gazetteer never reads the reports itself."""
    from geo.gazetteer import zones as zones_mod

    table = read_aliases(aliases_path)
    district = sources.read_district(source_dir)
    subdistricts = sources.read_subdistricts(source_dir)
    outline = district.geometry.iloc[0]
    near = district_buffer(district)

    osm_layers = _read_osm(osm)
    if "admin" in osm_layers:
        subdistricts = replace_subdistricts(subdistricts, osm_layers["admin"])
    osm_lines = osm_layers.get("roads")
    road_pieces = pd.concat([sources.read_all_roads(source_dir), osm_lines], ignore_index=True)
    road_pieces = apply_aliases(_gdf(road_pieces), table)
    roads = merge_roads(road_pieces, near=near)
    roads["start_cut"] = start_cut(roads, osm_layers.get("coverage"))
    stops = osm_layers.get("stops")
    by_stops = crossing_layers(
        stops if stops is not None else sources.frame([], ("name", "source")), roads, outline
    )
    roads = by_stops.roads
    water = water_layer(sources.read_water(source_dir), osm_lines)

    landmarks = sources.read_landmarks(source_dir)
    addresses = sources.read_addresses(source_dir)
    stations = sources.read_stations(source_dir)
    extra_stations = sources.read_stations_extra(source_dir)
    wikidata = sources.read_wikidata(source_dir, set(subdistricts["name"]))
    osm_places = osm_layers.get("places")
    if "admin" in osm_layers:
        osm_places = _gdf(pd.concat([osm_places, neighbourhoods(osm_layers["admin"])]))
    ranked = [
        f
        for f in (osm_places, landmarks, addresses, stations, extra_stations, wikidata)
        if f is not None
    ]
    ranked = [apply_aliases(f, table) for f in ranked]
    reference = _gdf(pd.concat(ranked, ignore_index=True))
    sourced = apply_aliases(
        places_mod.resolve_sourced(sources.read_sourced(source_dir), reference), table
    )
    places = places_mod.merge_places([*ranked, sourced])
    places = places_mod.flag_and_clip(places, outline, near)

    subdistricts = apply_aliases(subdistricts, table)
    district = apply_aliases(district, table)
    zones = zones_mod.build_zones(subdistricts, roads, places, sentences=sentences)
    layers = {
        "district": district,
        "subdistricts": subdistricts,
        "zones": apply_aliases(zones.layer, table),
        "roads": roads,
        "places": places,
        "water": apply_aliases(water, table),
        "crossings": by_stops.crossings,
        "stops": by_stops.stops,
        "committees": _committees(source_dir),
    }
    return GazetteerBuild(layers, zones.missing)


def _committees(source_dir: Path | str) -> gpd.GeoDataFrame:
    """The residents' committees, when the geodata folder has their list."""
    if not (Path(source_dir) / COMMITTEES_FILE).is_file():
        return sources.frame([], COMMITTEE_COLUMNS)
    return read_committees(source_dir)


#: Road sources whose lines are simplified extracts: their ends are clip or simplification
#: artefacts, never a numbering start.
SIMPLIFIED_ROADS = (sources.ROADS_FILE, sources.MAJOR_ROADS_FILE)


def start_cut(roads: gpd.GeoDataFrame, osm_coverage: gpd.GeoDataFrame | None) -> np.ndarray:
    """Whether each road's numbering start (its east end, or south end: see
    `geo.geocode.numbering`) is untrustworthy: the road is known only from the simplified
    GeoJSON extracts, or its start lies on the edge of the OSM extract's coverage, where the
    data stop rather than the road. Such a road is not numbered from its start."""
    from geo.geocode.numbering import START_EDGE_M, numbering_start

    simplified = np.array(
        [all(p.startswith(SIMPLIFIED_ROADS) for p in str(s).split(" + ")) for s in roads["source"]],
        dtype=bool,
    )
    if osm_coverage is None or not len(osm_coverage) or not len(roads):
        return simplified
    edge = osm_coverage.to_crs(settings.metric_crs).union_all().boundary
    starts = [numbering_start(g) for g in roads.to_crs(settings.metric_crs).geometry]
    near_edge = shapely.distance(edge, np.array(starts, dtype=object)) <= START_EDGE_M
    return simplified | near_edge


def water_layer(areas: gpd.GeoDataFrame, lines: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Water areas plus the river lines of an OSM extract, one row per source feature."""
    parts = [areas]
    if lines is not None and len(lines):
        parts.append(lines[lines["kind"] == "river"][[*COMMON_COLUMNS, "geometry"]])
    out = _gdf(pd.concat(parts, ignore_index=True))
    return out.sort_values(["name", "source"], ignore_index=True)


def replace_subdistricts(
    subdistricts: gpd.GeoDataFrame, admin: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """The 14 街道 with geometry and source taken from an OSM extract's admin_level 8
    boundaries of the same name (a newer OSM snapshot than the bundled polygons)."""
    level8 = admin[admin["admin_level"] == 8].drop_duplicates("name").set_index("name")
    out = subdistricts.copy()
    for i, name in out["name"].items():
        if name in level8.index:
            out.loc[i, "geometry"] = level8.loc[name, "geometry"]
            out.loc[i, "source"] = level8.loc[name, "source"]
    return out


def neighbourhoods(admin: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """admin_level 9 areas (居委/社区) as places of kind `neighbourhood`."""
    rows = admin[admin["admin_level"] == 9]
    return sources.frame(
        [
            sources.place_row(r.name, r.aliases, "neighbourhood", r.source, r.licence, r.geometry)
            for r in rows.itertuples()
        ],
        sources.PLACE_COLUMNS,
    )


def _gdf(df: pd.DataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(df, geometry="geometry", crs=settings.crs)


def _read_osm(osm: Path | str | Sequence[Path | str] | None) -> dict[str, gpd.GeoDataFrame]:
    if osm is None:
        return {}
    from geo.gazetteer.osm import read_osms

    paths = [osm] if isinstance(osm, (str, Path)) else list(osm)
    return read_osms(paths) if paths else {}


# --- write / load ---------------------------------------------------------------------------


def write_gazetteer(layers: dict[str, gpd.GeoDataFrame], path: Path | str) -> Path:
    """Write the layers to a GeoPackage atomically and reproducibly (`geo.io.export`)."""
    path = Path(path)
    missing = [name for name in LAYERS if name not in layers]
    if missing:
        raise GazetteerError(f"cannot write {path}: layers missing: {', '.join(missing)}")
    for name in LAYERS:
        _check_layer(name, layers[name])
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_gpkg_layers({name: layers[name].to_crs(settings.crs) for name in LAYERS}, path)


def _check_layer(name: str, gdf: gpd.GeoDataFrame) -> None:
    absent = [c for c in COMMON_COLUMNS if c not in gdf.columns]
    if absent:
        raise GazetteerError(f"layer {name}: columns missing: {', '.join(absent)}")
    if gdf.crs is None:
        raise GazetteerError(f"layer {name}: no CRS")


def read_layers(path: Path | str) -> dict[str, gpd.GeoDataFrame]:
    """Every gazetteer layer of `path`, with text columns as '' rather than null."""
    path = Path(path)
    if not path.is_file():
        raise GazetteerError(f"{path}: gazetteer not found (build it: python -m geo gazetteer)")
    try:
        with warnings.catch_warnings():  # GDAL's complaints about a corrupt file: the error says it
            warnings.simplefilter("ignore", RuntimeWarning)
            return _read_layers(path)
    except (DataSourceError, DataLayerError) as exc:
        raise GazetteerError(f"{path}: not a readable gazetteer GeoPackage ({exc})") from exc
    except (OSError, ValueError, KeyError) as exc:
        if isinstance(exc, GazetteerError):
            raise
        raise GazetteerError(f"{path}: not a readable gazetteer GeoPackage ({exc})") from exc


def _read_layers(path: Path) -> dict[str, gpd.GeoDataFrame]:
    present = {str(row[0]) for row in pyogrio.list_layers(path)}
    missing = [name for name in LAYERS if name not in present and name not in OPTIONAL_LAYERS]
    if missing:
        raise GazetteerError(f"{path}: layers missing: {', '.join(missing)}")
    out = {}
    for name in LAYERS:
        if name not in present:
            out[name] = sources.frame([], COMMON_COLUMNS)
            continue
        gdf = gpd.read_file(path, layer=name)
        for column in gdf.columns:
            if column != gdf.geometry.name and gdf[column].dtype == object:
                gdf[column] = gdf[column].fillna("")
        _check_layer(name, gdf)
        out[name] = gdf
    return out


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int, size: int) -> Gazetteer:
    return Gazetteer(**read_layers(path))


def load_gazetteer(path: Path | str | None = None) -> Gazetteer:
    """The gazetteer at `path` (default: `settings.gazetteer_path`, read when called), cached
    until the file changes.

    The cached GeoDataFrames are shared: copy before mutating."""
    path = Path(settings.gazetteer_path if path is None else path).resolve()
    if not path.is_file():
        raise GazetteerError(f"{path}: gazetteer not found (build it: python -m geo gazetteer)")
    stat = path.stat()
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)
