"""Figure 3b — the spatial join (`geo.join`) on synthetic atlases, against a per-item Python
loop of point-in-polygon tests (what one writes without a spatial index)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from bench.measure import best_of, profile, timed
from bench.report import Figure
from bench.synthetic import Reference, located


def project_join(items: gpd.GeoDataFrame, ref: Reference) -> tuple[object, object]:
    """What the build runs: `geo.join.subdistrict_of` and `zone_of` on the located items."""
    from geo import subdistrict_of, zone_of

    geoms = items.geometry[located(items)]
    return subdistrict_of(geoms, ref.subdistricts), zone_of(geoms, ref.zones)


def naive_join(items: gpd.GeoDataFrame, ref: Reference) -> tuple[list, list]:
    """The baseline: for each item, its representative point tested against every polygon."""
    subs = list(zip(ref.subdistricts["name"], ref.subdistricts.geometry, strict=True))
    zones = list(zip(ref.zones["name"], ref.zones.geometry, strict=True))
    sub_out: list[str | None] = []
    zone_out: list[str | None] = []
    for geom in items.geometry:
        if geom is None or geom.is_empty:
            continue
        point = geom.representative_point()
        sub_out.append(next((n for n, poly in subs if poly.contains(point)), None))
        inside = [n for n, poly in zones if poly.contains(point)]
        zone_out.append(";".join(inside) or None)
    return sub_out, zone_out


def agreement(ours: object, theirs: list) -> float:
    """Share of items on which the project join and the naive loop name the same 街道
    (a figure is only worth its baseline if both compute the same thing)."""
    names = list(ours.tolist() if hasattr(ours, "tolist") else ours)
    same = [(a or None) == (b or None) for a, b in zip(names, theirs, strict=True)]
    return float(np.mean(same)) if same else 1.0


def figure(label: str, items: gpd.GeoDataFrame, ref: Reference, repeat: int) -> Figure:
    n_located = int(located(items).sum())
    _, (subs, _) = timed(lambda: project_join(items, ref))  # warm-up, and the names to compare
    _, (naive_subs, _) = timed(lambda: naive_join(items, ref))
    ours = best_of(lambda: project_join(items, ref), repeat)
    theirs = best_of(lambda: naive_join(items, ref), repeat)
    prof = profile(f"join_{label}", lambda: project_join(items, ref))
    coords = int(shapely.get_num_coordinates(items.geometry.values).sum())
    return Figure(
        f"scale.join.{label}",
        ours,
        "s",
        theirs,
        details=[
            f"{n_located} located items ({coords} vertices) x {len(ref.subdistricts)} 街道 + "
            f"{len(ref.zones)} zones; geo.join.subdistrict_of + zone_of (best of {repeat}) vs "
            "a per-item loop of representative_point + Polygon.contains; "
            f"same 街道 on {agreement(subs, naive_subs):.1%} of items",
            prof.summary(),
        ],
    )
