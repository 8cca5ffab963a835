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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pyogrio
import streamlit_folium  # noqa: F401  (imports folium.plugins, as in the app)

from atlas.settings import settings
from bench.measure import best_of, profile, timed
from bench.report import Figure
from bench.synthetic import located

GAZETTEER = settings.gazetteer_path

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
    folium.GeoJson(items[located(items)]).add_to(m)
    return m


@dataclass(frozen=True)
class AppMap:
    """The app's map pipeline (app.py): the reference payload is cached once per atlas; a
    filter change recomputes the items payload, assembles the map and calls st_folium."""

    reference: Any  # mapview.layers.ReferencePayload

    @classmethod
    def over(cls, atlas: Path) -> AppMap:
        from geo.export import read_atlas
        from mapview.layers import Reference as MapReference
        from mapview.layers import reference_payload

        layers = read_atlas(atlas)
        roads = pyogrio.read_dataframe(GAZETTEER, layer="roads", columns=["name", "kind"])
        ref = MapReference(layers["district"], layers["subdistricts"], layers["zones"], roads)
        return cls(reference_payload(ref, gcj02=False))

    def build(self, items: gpd.GeoDataFrame) -> folium.Map:
        from mapview.assets import Assets, static_base_url
        from mapview.basemaps import DEFAULT_BASEMAP
        from mapview.layers import assemble_map, items_payload

        payload = items_payload(items, gcj02=False)
        return assemble_map(payload, self.reference, DEFAULT_BASEMAP, Assets(static_base_url(None)))


def to_browser(m: folium.Map) -> dict[str, Any]:
    """What app.py does with a built map: hand it to st_folium with the same arguments."""
    return st_folium_args(
        m,
        key="atlas-map",
        height=600,
        use_container_width=True,
        returned_objects=["last_object_clicked_tooltip"],
    )


def item_bytes(items: gpd.GeoDataFrame) -> dict[str, int]:
    """Where the app's item bytes go: geometry text, property text, and the quotes in it."""
    from mapview.layers import ITEM_TOLERANCE, geometry_texts, item_properties, js_literal

    drawn = items[located(items)]
    props = item_properties(drawn)
    texts = geometry_texts(drawn.geometry, ITEM_TOLERANCE)
    return {
        "geometry": sum(len(t.encode()) for t in texts),
        "distinct": sum(len(t.encode()) for t in set(texts)),
        "properties": sum(len(js_literal(p).encode()) for p in props),
        "quotes": sum(len(js_literal(p["q"]).encode()) for p in props),
    }


# --- figures ------------------------------------------------------------------------------


def payload_figures(atlas: Path) -> list[Figure]:
    """payload.map: the whole real atlas, the app's map vs a naive GeoJson map."""
    from geo.export import read_atlas

    real = read_atlas(atlas)["items"]
    app = AppMap.over(atlas)
    ours = to_browser(app.build(real))
    empty = to_browser(app.build(real.iloc[:0]))
    naive = to_browser(naive_map(real))
    ours_b, naive_b, empty_b = map(payload_bytes, (ours, naive, empty))
    gz = len(gzip.compress(json.dumps(ours, ensure_ascii=False, default=str).encode()))
    gz_naive = len(gzip.compress(json.dumps(naive, ensure_ascii=False, default=str).encode()))
    n_located = int(located(real).sum())
    parts = item_bytes(real)
    return [
        Figure(
            "payload.map",
            ours_b / KB,
            "kB",
            naive_b / KB,
            details=[
                f"{len(real)} items ({n_located} located); JSON of the st_folium component "
                "arguments (script, header, html, asset links) as app.py calls it, vs "
                "folium.Map + folium.GeoJson(items) of every column at full precision through "
                "the same st_folium; JS/CSS files excluded on both sides",
                f"of which {empty_b / KB:.1f} kB is the app's map with no items (reference "
                f"layers: roads, outlines, labels; legend; controls); gzip: {gz / KB:.1f} kB vs "
                f"{gz_naive / KB:.1f} kB",
                f"item shapes at the app's simplification: {parts['distinct'] / KB:.1f} kB "
                f"distinct, {parts['geometry'] / KB:.1f} kB if each item carried its own; item "
                f"properties {parts['properties'] / KB:.1f} kB, of which quotes "
                f"{parts['quotes'] / KB:.1f} kB",
            ],
        )
    ]


def filter_figures(label: str, items: gpd.GeoDataFrame, app: AppMap, quick: bool) -> list:
    """scale.filter_to_map.<label>: apply_filters + items payload + assemble + st_folium."""
    from geo.filters import Filters, apply_filters

    filters = Filters(**TYPICAL)

    def ours() -> dict:
        return to_browser(app.build(apply_filters(items, filters)))

    def naive() -> dict:
        return to_browser(naive_map(apply_filters(items, filters)))

    repeat = 1 if quick else 3
    _, warm = timed(ours)  # the first call pays template compilation
    seconds = best_of(ours, repeat)
    baseline = best_of(naive, repeat)
    prof = profile(f"filter_to_map_{label}", ours)
    selected = apply_filters(items, filters)
    drawn = int(located(selected).sum())
    return [
        Figure(
            f"scale.filter_to_map.{label}",
            seconds,
            "s",
            baseline,
            details=[
                f"{len(items)} items; year 2018–2025 + kind project/park keeps {len(selected)} "
                f"({drawn} drawn); apply_filters + items_payload + assemble_map + st_folium "
                f"arguments, reference payload cached as in app.py (best of {repeat}) vs the "
                f"same filter + naive folium.GeoJson through st_folium; payload "
                f"{payload_bytes(warm) / KB:.0f} kB",
                prof.summary(),
            ],
        )
    ]
