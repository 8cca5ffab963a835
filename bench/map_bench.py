"""Figures 2 and 3a — what the map costs: the bytes the app sends to the browser, and the time
from a filter change to new map HTML.

Both sides of each ratio go through the same `st_folium` call the app makes, with the
component function swapped for a recorder: what is measured is exactly the JSON that
streamlit-folium hands to the browser (script, header, html, asset links), not an estimate.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Callable
from typing import Any

import folium
import geopandas as gpd

from bench.measure import best_of, profile, timed
from bench.report import Figure, missing
from bench.synthetic import Reference, load_real_items, load_reference

KB = 1000
#: A typical filter change: a year range and two kinds (see filter_figures).
TYPICAL = {"year_range": (2018, 2025), "kind": ("project", "park")}


def st_folium_args(m: folium.Map, **kwargs: Any) -> dict[str, Any]:
    """The arguments `streamlit_folium.st_folium` sends to its browser component for `m`."""
    import streamlit_folium as sf

    captured: dict[str, Any] = {}

    def record(**kw: Any) -> Any:
        captured.update(kw)
        return kw.get("default")

    original = sf._component_func
    sf._component_func = record
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # "missing ScriptRunContext"
    try:
        sf.st_folium(m, **kwargs)
    finally:
        sf._component_func = original
    captured.pop("on_change", None)
    return captured


def payload_bytes(args: dict[str, Any]) -> int:
    """Size of the component arguments as JSON (how Streamlit ships them), UTF-8."""
    return len(json.dumps(args, ensure_ascii=False, default=str).encode("utf-8"))


# --- the two maps -------------------------------------------------------------------------


def naive_map(items: gpd.GeoDataFrame) -> folium.Map:
    """The baseline: `folium.GeoJson(gdf)` of every column at full precision on a plain map."""
    m = folium.Map(location=[31.25, 121.45], zoom_start=13)
    located = items[~(items.geometry.isna() | items.geometry.is_empty)]
    folium.GeoJson(located).add_to(m)
    return m


def app_map_builder() -> tuple[Callable[..., folium.Map] | None, str]:
    """The app's map builder from mapview/, or (None, why not)."""
    try:
        import mapview
    except ImportError as exc:
        return None, f"mapview not importable ({exc})"
    for name in ("build_map", "make_map", "atlas_map"):
        fn = getattr(mapview, name, None)
        if callable(fn):
            return fn, f"mapview.{name}"
    return None, "mapview has no build_map yet"


def app_map(items: gpd.GeoDataFrame, ref: Reference) -> folium.Map:
    builder, why = app_map_builder()
    if builder is None:
        raise LookupError(why)
    return builder(items, subdistricts=ref.subdistricts, zones=ref.zones, district=ref.district)


def to_browser(m: folium.Map) -> dict[str, Any]:
    """What the app does with a built map: hand it to st_folium (as app.py calls it)."""
    return st_folium_args(m, key="atlas-map", returned_objects=["last_object_clicked"])


# --- figures ------------------------------------------------------------------------------


def payload_figures() -> list[Figure]:
    real = load_real_items()
    if real is None:
        return [missing("payload.map", "kB", "data/atlas.gpkg not built yet")]
    builder, why = app_map_builder()
    if builder is None:
        return [missing("payload.map", "kB", why)]
    ref = load_reference()
    ours = to_browser(app_map(real, ref))
    empty = to_browser(app_map(real.iloc[:0], ref))
    naive = to_browser(naive_map(real))
    ours_b, naive_b, empty_b = map(payload_bytes, (ours, naive, empty))
    gz = len(gzip.compress(json.dumps(ours, ensure_ascii=False, default=str).encode()))
    return [
        Figure(
            "payload.map",
            ours_b / KB,
            "kB",
            naive_b / KB,
            details=[
                f"{len(real)} items; JSON of the st_folium component arguments (script, header, "
                "html, asset links) for the app's map vs a folium.Map + folium.GeoJson(items) "
                "of every column at full precision; JS/CSS files excluded on both sides",
                f"of which {empty_b / KB:.1f} kB is the app's map with no items (reference "
                f"layers, legend, controls); gzip of the app payload: {gz / KB:.1f} kB",
            ],
        )
    ]


def filter_figures(label: str, items: gpd.GeoDataFrame, ref: Reference, quick: bool) -> list:
    """scale.filter_to_map.<label>: apply_filters + map build + st_folium arguments."""
    from geo.filters import Filters, apply_filters

    name = f"scale.filter_to_map.{label}"
    builder, why = app_map_builder()
    if builder is None:
        return [missing(name, "s", why)]
    filters = Filters(**TYPICAL)

    def ours() -> dict:
        return to_browser(app_map(apply_filters(items, filters), ref))

    def naive() -> dict:
        return to_browser(naive_map(apply_filters(items, filters)))

    repeat = 1 if quick else 3
    _, warm = timed(ours)  # the first call pays imports and template compilation
    seconds = best_of(ours, repeat)
    baseline = best_of(naive, repeat)
    prof = profile(f"filter_to_map_{label}", ours)
    selected = len(apply_filters(items, filters))
    return [
        Figure(
            name,
            seconds,
            "s",
            baseline,
            details=[
                f"{len(items)} items, filter year 2018–2025 + kind project/park keeps {selected}; "
                f"apply_filters + mapview map + st_folium arguments (median of {repeat}) vs "
                "the same filter + naive folium.GeoJson of the selection through st_folium; "
                f"payload {payload_bytes(warm) / KB:.0f} kB",
                prof.summary(),
            ],
        )
    ]
