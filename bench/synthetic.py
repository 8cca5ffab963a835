"""Synthetic atlases of N× the real items, to see how the app and the joins scale.

Geometry is drawn from the real reference layers (the 14 街道 of `data/gazetteer.gpkg`, its
roads and zones), so that the synthetic items have the shapes, vertex counts and spatial
spread of real ones: project points and site polygons inside a 街道, 美丽街区 and roads as
stretches of real roads or short lines inside a 街道, parks as small irregular polygons,
zones as large pieces of a 街道. Text (names, quotes, locations, documents) is resampled from
the real items when a built atlas exists, else from sentences of the raw reports.
Everything is generated vectorised with a seeded numpy RNG: the same arguments give the same
atlas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

from atlas.settings import settings
from geo import ITEM_COLUMNS, KINDS, STATUSES

ROOT = settings.root
GAZETTEER = settings.gazetteer_path
ATLAS = Path(settings.atlas_path)
RAW = settings.raw_dir
SHARED = settings.geodata_dir

YEARS = (2000, 2030)
#: Degrees per metre near 31.25° N (lat, lon); enough for shaping synthetic features.
DEG_M = (1 / 111_000, 1 / 95_000)
#: Share of kinds when there is no real atlas to copy the distribution from.
KIND_MIX = {"project": 0.6, "beautiful_block": 0.12, "park": 0.1, "zone": 0.05, "road": 0.13}
FALLBACK_CATEGORIES = {
    "project": (
        "construction",
        "renewal",
        "school",
        "hospital",
        "elder_care",
        "venue",
        "heritage",
        "housing",
        "drainage",
    ),
    "beautiful_block": ("beautiful_block",),
    "park": ("park", "green_space"),
    "zone": ("functional_zone",),
    "road": ("road",),
}
UNLOCATED_SHARE = 0.05
#: Items assumed while data/atlas.gpkg is not built yet (the real count is used when it is).
FALLBACK_REAL_COUNT = 300


@dataclass(frozen=True)
class Reference:
    """The real layers the synthetic items are drawn over."""

    subdistricts: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    district: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    source: str


def located(gdf: gpd.GeoDataFrame) -> pd.Series:
    """Rows with a geometry (unlocated items have none)."""
    return ~(gdf.geometry.isna() | gdf.geometry.is_empty)


def load_reference(atlas: Path | None = None, gazetteer: Path = GAZETTEER) -> Reference:
    """The layers of a built atlas (its zones include those drawn from 四至) with the gazetteer's
    roads; the gazetteer alone before a build; the shared OSM files on a dev machine without
    either."""
    if gazetteer.exists():
        source = gazetteer if atlas is None or not atlas.exists() else atlas
        layers = {
            name: gpd.read_file(source, layer=name).to_crs(settings.crs)
            for name in ("subdistricts", "zones", "district")
        }
        roads = gpd.read_file(gazetteer, layer="roads").to_crs(settings.crs)
        return Reference(
            **layers, roads=roads, source=f"{_shown(source)} + roads of {_shown(gazetteer)}"
        )
    subs = gpd.read_file(SHARED / "jingan_subdistricts_osm_14.geojson")[["name", "geometry"]]
    district = gpd.read_file(SHARED / "jingan_district_outline_osm_union.geojson")
    roads = gpd.read_file(SHARED / "jingan_roads_osm_partial.geojson")[["name", "geometry"]]
    roads = roads[roads.intersects(district.union_all())]
    zones = gpd.GeoDataFrame({"name": []}, geometry=[], crs=settings.crs)
    return Reference(subs, zones, district, roads, source=f"{SHARED} (no data/gazetteer.gpkg)")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return path.name


def load_real_items(atlas: Path = ATLAS) -> gpd.GeoDataFrame | None:
    """The built items layer, or None while the dataset is not built yet."""
    if not atlas.exists():
        return None
    from geo import read_atlas

    return read_atlas(atlas)["items"]


def report_sentences(raw_dir: Path = RAW) -> list[str]:
    """Sentences of the raw reports (whitespace removed): realistic quotes."""
    sentences: list[str] = []
    for path in sorted(raw_dir.glob("*.txt")):
        text = re.sub(r"\s+", "", path.read_text(encoding="utf-8", errors="replace"))
        sentences += [s + "。" for s in re.split(r"[。；]", text) if 12 <= len(s) <= 240]
    return sentences


# --- geometry -----------------------------------------------------------------------------


def sample_points(polygons: np.ndarray, which: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One uniform random point inside `polygons[which[i]]` for each i (rejection sampling)."""
    out = np.empty(len(which), dtype=object)
    for k in np.unique(which):
        slots = np.flatnonzero(which == k)
        poly = polygons[k]
        x0, y0, x1, y1 = poly.bounds
        got: list[np.ndarray] = []
        need = len(slots)
        while need > 0:
            xy = rng.uniform((x0, y0), (x1, y1), size=(need * 3 + 8, 2))
            xy = xy[shapely.contains_xy(poly, xy[:, 0], xy[:, 1])][:need]
            got.append(xy)
            need -= len(xy)
        out[slots] = shapely.points(np.concatenate(got))
    return out


def _metres(n: int, lo: float, hi: float, rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(lo, hi, n)


def ngons(centres: np.ndarray, radius_m: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Irregular star-shaped polygons of 6–24 vertices (parks, blocks, sites)."""
    out = np.empty(len(centres), dtype=object)
    sides = rng.integers(6, 25, len(centres))
    cx, cy = shapely.get_x(centres), shapely.get_y(centres)
    for k in np.unique(sides):
        idx = np.flatnonzero(sides == k)
        angles = np.sort(rng.uniform(0, 2 * np.pi, (len(idx), k)), axis=1)
        radii = radius_m[idx, None] * rng.uniform(0.6, 1.0, (len(idx), k))
        xs = cx[idx, None] + np.cos(angles) * radii * DEG_M[1]
        ys = cy[idx, None] + np.sin(angles) * radii * DEG_M[0]
        ring = np.stack([xs, ys], axis=-1)
        ring = np.concatenate([ring, ring[:, :1]], axis=1)
        out[idx] = shapely.polygons(ring)
    bad = ~shapely.is_valid(out)  # near-equal angles can make a sliver cross itself
    out[bad] = shapely.buffer(out[bad], 0)
    return out


def walks(starts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Short random-walk lines of 2–6 vertices, 50–200 m a step (lanes, small roads)."""
    out = np.empty(len(starts), dtype=object)
    steps = rng.integers(1, 6, len(starts))
    sx, sy = shapely.get_x(starts), shapely.get_y(starts)
    for k in np.unique(steps):
        idx = np.flatnonzero(steps == k)
        heading = rng.uniform(0, 2 * np.pi, (len(idx), 1)) + rng.normal(0, 0.4, (len(idx), k))
        length = rng.uniform(50, 200, (len(idx), k))
        dx = np.cumsum(np.cos(heading) * length * DEG_M[1], axis=1)
        dy = np.cumsum(np.sin(heading) * length * DEG_M[0], axis=1)
        xs = np.concatenate([sx[idx, None], sx[idx, None] + dx], axis=1)
        ys = np.concatenate([sy[idx, None], sy[idx, None] + dy], axis=1)
        out[idx] = shapely.linestrings(np.stack([xs, ys], axis=-1))
    return out


def road_parts(roads: gpd.GeoDataFrame, district: gpd.GeoDataFrame) -> np.ndarray:
    """Single LineStrings of the real roads inside the district, long enough to cut from."""
    if "kind" in roads.columns:
        roads = roads[roads["kind"] != "river"]
    clipped = shapely.intersection(roads.geometry.values, district.union_all())
    parts = shapely.get_parts(shapely.line_merge(clipped[~shapely.is_empty(clipped)]))
    parts = parts[shapely.get_type_id(parts) == 1]
    return parts[shapely.length(parts) > 300 * DEG_M[0]]


def road_stretches(parts: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Stretches of 150–900 m of real roads (美丽街区 along a street, road works)."""
    pick = parts[rng.integers(0, len(parts), n)]
    lengths = shapely.length(pick)
    want = np.minimum(rng.uniform(150, 900, n) * DEG_M[0], lengths)
    start = rng.uniform(0, 1, n) * (lengths - want)
    return np.array([substring(g, s, s + w) for g, s, w in zip(pick, start, want, strict=True)])


def zone_pieces(polygons: np.ndarray, which: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Large pieces (radius 400–1200 m) of a 街道: functional zones, renewal areas."""
    centres = sample_points(polygons, which, rng)
    discs = shapely.buffer(centres, _metres(len(which), 400, 1200, rng) * DEG_M[0], quad_segs=6)
    return shapely.intersection(discs, polygons[which])


def geometries(
    kinds: np.ndarray, ref: Reference, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A geometry and a precision code (1 exact … 5 zone) for each kind; some left unlocated."""
    n = len(kinds)
    polys = ref.subdistricts.geometry.values
    home = rng.integers(0, len(polys), n)
    centres = sample_points(polys, home, rng)
    shape = rng.uniform(0, 1, n)
    geoms = centres.copy()
    precision = np.where(shape < 0.5, 1.0, 2.0)

    def put(mask: np.ndarray, values: np.ndarray, code: float) -> None:
        geoms[mask] = values
        precision[mask] = code

    site = (kinds == "project") & (shape < 0.2)
    put(site, ngons(centres[site], _metres(site.sum(), 40, 200, rng), rng), 1)
    park = (kinds == "park") & (shape < 0.9)
    put(park, ngons(centres[park], _metres(park.sum(), 60, 400, rng), rng), 1)
    block = (kinds == "beautiful_block") & (shape < 0.4)
    put(block, ngons(centres[block], _metres(block.sum(), 80, 250, rng), rng), 1)
    zone = kinds == "zone"
    put(zone, zone_pieces(polys, home[zone], rng), 5)
    parts = road_parts(ref.roads, ref.district)
    along = ((kinds == "beautiful_block") & (shape >= 0.4)) | ((kinds == "road") & (shape < 0.7))
    put(along, road_stretches(parts, int(along.sum()), rng), 2)
    lane = (kinds == "road") & (shape >= 0.7)
    put(lane, walks(centres[lane], rng), 2)

    lost = rng.uniform(0, 1, n) < UNLOCATED_SHARE
    geoms[lost] = None
    precision[lost] = np.nan
    return geoms, precision


# --- attributes ---------------------------------------------------------------------------


def _text_columns(n: int, template: pd.DataFrame | None, rng: np.random.Generator) -> pd.DataFrame:
    """name, kind, category, location, quote, doc, doc_title: resampled from real items."""
    if template is not None and len(template):
        rows = template.iloc[rng.integers(0, len(template), n)].reset_index(drop=True)
        cols = ["name", "kind", "category", "location", "quote", "doc", "doc_title"]
        out = rows[[c for c in cols if c in rows.columns]].copy()
        out["name"] = out["name"].astype(str) + "（" + pd.Series(range(n)).astype(str) + "）"
        return out
    sentences = report_sentences()
    kinds = rng.choice(list(KIND_MIX), n, p=list(KIND_MIX.values()))
    quotes = np.array(sentences, dtype=object)[rng.integers(0, len(sentences), n)]
    categories = [FALLBACK_CATEGORIES[k][rng.integers(len(FALLBACK_CATEGORIES[k]))] for k in kinds]
    docs = sorted(p.stem for p in RAW.glob("*.txt"))
    doc = np.array(docs, dtype=object)[rng.integers(0, len(docs), n)]
    names = [q[: rng.integers(6, 16)] for q in quotes]
    return pd.DataFrame(
        {
            "name": [f"{a}（{i}）" for i, a in enumerate(names)],
            "kind": kinds,
            "category": categories,
            "location": [q[:8] for q in quotes],
            "quote": quotes,
            "doc": doc,
            "doc_title": doc,
        }
    )


def synthesize(
    n: int,
    ref: Reference,
    template: pd.DataFrame | None = None,
    seed: int = 0,
) -> gpd.GeoDataFrame:
    """`n` synthetic items in the atlas schema (subdistrict and zone still empty)."""
    rng = np.random.default_rng(seed)
    items = _text_columns(n, template, rng)
    kinds = items["kind"].to_numpy(dtype=object)
    assert set(kinds) <= set(KINDS), set(kinds) - set(KINDS)
    geoms, precision = geometries(kinds, ref, rng)
    year = rng.integers(YEARS[0], YEARS[1] + 1, n)
    period = np.where(year <= 2025, "review", "plan").astype(object)
    period[rng.uniform(0, 1, n) < 0.1] = "multi-year"
    start = rng.integers(0, 50_000, n)
    items = items.assign(
        id=[f"syn-{i:06d}" for i in range(n)],
        year=year,
        period=period,
        status=rng.choice(STATUSES, n),
        start=start,
        end=start + items["quote"].str.len().to_numpy(),
        precision=pd.array(precision, dtype="Int64"),
        method=np.where(pd.isna(precision), "unlocated", "synthetic"),
        subdistrict=None,
        zone=None,
        boundary=None,
        missing_sides=None,
    )
    # later schema columns (uncertainty, thread, outcome) the template may lack: null
    items = items.reindex(columns=list(ITEM_COLUMNS[:-1]))
    return gpd.GeoDataFrame(items, geometry=list(geoms), crs=settings.crs)


def label(items: gpd.GeoDataFrame, ref: Reference) -> gpd.GeoDataFrame:
    """Fill `subdistrict` and `zone` with the project's own joins (geo.join)."""
    from geo import subdistrict_of, zone_of

    return items.assign(
        subdistrict=subdistrict_of(items.geometry, ref.subdistricts),
        zone=zone_of(items.geometry, ref.zones),
    )


def write_atlas(items: gpd.GeoDataFrame, ref: Reference, path: Path) -> Path:
    """An `atlas.gpkg` the app can open (layers items, subdistricts, zones, district)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    items.to_file(path, layer="items", driver="GPKG")
    for name in ("subdistricts", "zones", "district"):
        layer = getattr(ref, name)
        if len(layer):
            layer.to_file(path, layer=name, driver="GPKG")
    return path
