"""The `places` layer: point sources checked for datum, merged, ranked and flagged.

Sources rank OSM landmarks > OSM metro stations > Wikidata > landmarks_sourced.csv
(SOURCES.md "Supersession"). Features of different sources that share a name or alias within
`MATCH_RADIUS_M` (or share a Wikidata QID) are one place: the best-ranked source gives its
geometry, name and `source`; the others add their names as aliases and are listed in
`see_also`. The hand-collected CSV is never trusted on its datum label alone: each row is
compared with its OSM/Wikidata namesake both as given and after `gcj02_to_wgs84`.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from atlas.settings import settings
from geo.crs import gcj02_to_wgs84
from geo.gazetteer.sources import (
    ALIAS_SEP,
    PLACE_COLUMNS,
    SOURCED_FILE,
    frame,
    join_aliases,
    join_sources,
)

MATCH_RADIUS_M = 1500.0
#: Kinds that say little; a merged place takes a more specific kind from any member.
GENERIC_KINDS = frozenset({"landmark", "heritage", "artwork"})
PLACE_OUTPUT_COLUMNS = (*PLACE_COLUMNS, "see_also")


def names_of(name: str, aliases: str) -> set[str]:
    """A feature's name and aliases as a set (names shorter than 2 characters ignored)."""
    parts = {name, *str(aliases or "").split(ALIAS_SEP)}
    return {p.strip() for p in parts if len(p.strip()) >= 2}


def _metric_points(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    return gpd.GeoSeries(geoms, crs=settings.crs).to_crs(settings.metric_crs)


def _is_gcj_label(label: str) -> bool:
    text = label.strip().lower()
    return text.startswith("gcj") or text.startswith("probably gcj")


def resolve_sourced(table: pd.DataFrame, reference: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """landmarks_sourced.csv rows as WGS84 places, each row's datum decided against OSM.

    A row with a namesake in `reference` (OSM/Wikidata, WGS84) is read both as WGS84 and as
    GCJ-02, and whichever lands nearer the namesake wins; a row without one falls back to its
    `datum` label and says it is unverified. Never stores a GCJ-02 coordinate raw."""
    by_name: dict[str, list[int]] = {}
    for i, (n, a) in enumerate(zip(reference["name"], reference["aliases"], strict=True)):
        for key in names_of(n, a):
            by_name.setdefault(key, []).append(i)
    ref_metric = _metric_points(reference.geometry).to_numpy()
    sources = reference["source"].to_numpy(dtype=object)
    raw_xy = table[["lon", "lat"]].to_numpy(dtype=float)
    conv_xy = np.column_stack(gcj02_to_wgs84(raw_xy[:, 0], raw_xy[:, 1])) if len(table) else raw_xy
    raw_m = _metric_points(gpd.GeoSeries(shapely.points(raw_xy), crs=settings.crs)).to_numpy()
    conv_m = _metric_points(gpd.GeoSeries(shapely.points(conv_xy), crs=settings.crs)).to_numpy()
    rows = []
    for k, rec in enumerate(table.to_dict("records")):
        name = str(rec["name"]).strip()
        raw = shapely.Point(raw_xy[k])
        conv = shapely.Point(conv_xy[k])
        cand = sorted({i for key in names_of(name, rec["aliases"]) for i in by_name.get(key, [])})
        best = None
        if cand:  # both readings against every namesake at once (metric CRS)
            d_raw = shapely.distance(raw_m[k], ref_metric[cand])
            d_conv = shapely.distance(conv_m[k], ref_metric[cand])
            nearest = np.minimum(d_raw, d_conv)
            j = int(np.argmin(nearest))
            if nearest[j] <= MATCH_RADIUS_M:
                best = (sources[cand[j]], float(d_raw[j]), float(d_conv[j]))
        if best is not None:
            gcj = best[2] < best[1]
            note = (
                f"checked against {best[0]}: {best[1]:.0f} m as given, {best[2]:.0f} m after "
                f"gcj02_to_wgs84 → {'GCJ-02, converted' if gcj else 'WGS84'}"
            )
        else:
            gcj = _is_gcj_label(str(rec["datum"]))
            note = f"unverified (no OSM/Wikidata namesake); source label: {rec['datum']}" + (
                "; converted with gcj02_to_wgs84" if gcj else ""
            )
        rows.append(
            {
                "name": name,
                "aliases": join_aliases(name, rec["aliases"]),
                "kind": rec["kind"],
                "source": f"{SOURCED_FILE}#row/{rec['row']}",
                "licence": _sourced_licence(str(rec["source"])),
                "street": "",
                "housenumber": "",
                "in_district": None,
                "datum_note": note,
                "wikidata": "",
                "geometry": conv if gcj else raw,
            }
        )
    return frame(rows, PLACE_COLUMNS)


def _sourced_licence(url: str) -> str:
    """The CSV's coordinates are facts; its OSM row is ODbL, its web rows carry no licence."""
    if "OSM" in url or "openstreetmap" in url:
        return "ODbL-1.0"
    return "facts (no licence; source: " + url + ")"


def _groups(places: gpd.GeoDataFrame) -> list[list[int]]:
    """Union-find over rows that are the same place.

    Two rows are linked when they share a Wikidata QID, or when they are within
    `MATCH_RADIUS_M` and either have the same name, or (across sources only) one's name is an
    alias of the other. Alias-to-alias links are never made: OSM gives many unrelated
    buildings the same generic old name (花园住宅), which would chain them into one place."""
    sets = _UnionFind(len(places))
    union = sets.union
    centroids = _metric_points(places.geometry.representative_point())
    xy = np.column_stack([centroids.x, centroids.y])
    ranks = places["_rank"].to_numpy()
    by_name: dict[str, list[int]] = {}
    by_qid: dict[str, list[int]] = {}
    for i, (name, qid) in enumerate(zip(places["name"], places["wikidata"], strict=True)):
        by_name.setdefault(name, []).append(i)
        if qid:
            by_qid.setdefault(qid, []).append(i)
    for members in by_qid.values():
        for other in members[1:]:
            union(members[0], other)

    def near(a: int, b: int) -> bool:
        return bool(np.hypot(*(xy[a] - xy[b])) <= MATCH_RADIUS_M)

    for i, (name, aliases) in enumerate(zip(places["name"], places["aliases"], strict=True)):
        for j in by_name.get(name, []):
            if j > i and near(i, j):
                union(i, j)
        for alias in names_of("", aliases):
            for j in by_name.get(alias, []):
                if ranks[j] != ranks[i] and near(i, j):
                    union(i, j)
    return sets.groups()


class _UnionFind:
    """Disjoint sets over 0..n-1 (path halving); `groups` in order of each set's first member."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)

    def groups(self) -> list[list[int]]:
        groups: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            groups.setdefault(self.find(i), []).append(i)
        return [sorted(g) for g in groups.values()]


def _merged_geometry(geoms: list[BaseGeometry]) -> BaseGeometry:
    polygons = [g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon")]
    if polygons:
        return shapely.union_all(polygons)
    return geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)


def merge_places(ranked: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """One row per real place from frames given best source first (pure)."""
    parts = [f.assign(_rank=r) for r, f in enumerate(ranked) if len(f)]
    if not parts:
        return frame([], PLACE_OUTPUT_COLUMNS)
    places = pd.concat(parts, ignore_index=True)
    places = gpd.GeoDataFrame(places, geometry="geometry", crs=settings.crs)
    rows = []
    for group in _groups(places):
        members = places.iloc[group].sort_values(["_rank", "source"], kind="stable")
        top = members[members["_rank"] == members["_rank"].iloc[0]]
        lead = top.iloc[0]
        others = members.iloc[len(top) :]
        all_names = ALIAS_SEP.join(
            ALIAS_SEP.join([n, a]) for n, a in zip(members["name"], members["aliases"], strict=True)
        )
        kind = lead["kind"]
        if kind in GENERIC_KINDS:
            specific = [k for k in members["kind"] if k not in GENERIC_KINDS]
            kind = specific[0] if specific else kind
        addressed = members[members["street"] != ""]
        address = addressed.iloc[0] if len(addressed) else lead
        rows.append(
            {
                "name": lead["name"],
                "aliases": join_aliases(lead["name"], all_names),
                "kind": kind,
                "source": join_sources(top["source"]),
                "licence": ";".join(sorted(set(top["licence"]))),
                "street": address["street"],
                "housenumber": address["housenumber"],
                "in_district": None,
                "datum_note": lead["datum_note"],
                "wikidata": next((q for q in members["wikidata"] if q), ""),
                "see_also": join_sources(others["source"]) if len(others) else "",
                "geometry": _merged_geometry(list(top.geometry)),
            }
        )
    return frame(rows, PLACE_OUTPUT_COLUMNS)


def flag_and_clip(
    places: gpd.GeoDataFrame, district: BaseGeometry, keep_within: BaseGeometry
) -> gpd.GeoDataFrame:
    """Places intersecting `keep_within`, with `in_district` set against `district`, sorted."""
    out = places[places.intersects(keep_within)].copy()
    out["in_district"] = out.intersects(district).astype(bool)
    return out.sort_values(["name", "source"], ignore_index=True)
