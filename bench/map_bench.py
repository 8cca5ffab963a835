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
import streamlit_folium  # noqa: F401  (imports folium.plugins, as in the app)

from bench.measure import best_of, profile, timed
from bench.report import Figure
from bench.synthetic import located
from mapview.atlasmap import opening_center

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
    m = folium.Map(location=opening_center(items), zoom_start=13)
    folium.GeoJson(items[located(items)]).add_to(m)
    return m


@dataclass(frozen=True)
class AppMap:
    """The app's map pipeline (app.py): the data file (every item + reference layers) is
    published once per atlas; a filter change computes the selection bitmap and the
    component's small arguments."""

    layers: dict[str, gpd.GeoDataFrame]

    @classmethod
    def over(cls, atlas: Path) -> AppMap:
        from geo import read_atlas

        return cls(read_atlas(atlas))

    def data(self, items: gpd.GeoDataFrame) -> str:
        """The static data file's text for `items` (fetched once per browser session)."""
        from mapview.payload import map_data

        return map_data(items, self.layers)

    def args(self, items: gpd.GeoDataFrame, filters: Any, user: Any = ()) -> dict[str, Any]:
        """What a rerun sends: st_folium's arguments for `filters` over `items` (the mounted
        map's script, the selection through `feature_group_to_add`, the layer control)."""
        from geo import mask
        from mapview.atlasmap import RETURNED, build_map
        from mapview.payload import present_layers

        keep = mask(items, filters).to_numpy()
        m = build_map(items, selection=keep, data_url="/app/static/data/map-x.json",
                      present=present_layers(self.layers), user_layers=user)  # fmt: skip
        return st_folium_args(m.map, key="atlas-map", height=m.height, use_container_width=True,
                              returned_objects=list(RETURNED), feature_group_to_add=m.dynamic,
                              layer_control=m.control)  # fmt: skip


def to_browser(m: folium.Map) -> dict[str, Any]:
    """The baseline's st_folium call (what the app did before issue 14)."""
    return st_folium_args(
        m,
        key="atlas-map",
        height=600,
        use_container_width=True,
        returned_objects=["last_object_clicked_tooltip"],
    )


# --- figures ------------------------------------------------------------------------------


def payload_figures(atlas: Path) -> list[Figure]:
    """payload.map: the whole real atlas, the app's map vs a naive GeoJson map."""
    from geo import Filters, read_atlas

    real = read_atlas(atlas)["items"]
    app = AppMap.over(atlas)
    data = app.data(real).encode("utf-8")
    args = payload_bytes(app.args(real, Filters()))
    naive = to_browser(naive_map(real))
    naive_b = payload_bytes(naive)
    gz = len(gzip.compress(data))
    gz_naive = len(gzip.compress(json.dumps(naive, ensure_ascii=False, default=str).encode()))
    n_located = int(located(real).sum())
    return [
        Figure(
            "payload.map",
            (len(data) + args) / KB,
            "kB",
            naive_b / KB,
            details=[
                f"{len(real)} items ({n_located} located): the map's static data file (every "
                f"item, reference layers, labels; {len(data) / KB:.1f} kB, fetched once per "
                f"session) + st_folium's arguments of a rerun ({args / KB:.2f} kB: the mounted "
                "map's script, the selection, the layer control, asset links), vs folium.Map + "
                "folium.GeoJson(items) of every "
                "column at full precision through st_folium, sent on every change; JS/CSS "
                "files excluded on both sides",
                f"gzip: {gz / KB:.1f} kB vs {gz_naive / KB:.1f} kB",
            ],
        )
    ]


def filter_figures(label: str, items: gpd.GeoDataFrame, app: AppMap, quick: bool) -> list:
    """scale.filter_to_map.<label>: apply_filters + items payload + assemble + st_folium."""
    from geo import Filters, apply_filters

    filters = Filters(**TYPICAL)

    def ours() -> dict:
        return app.args(items, filters)

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
                f"({drawn} drawn); geo.filters.mask + the selection bitmap + the component "
                f"arguments, data file published once as in app.py (best of {repeat}) vs the "
                f"same filter + naive folium.GeoJson through st_folium; payload "
                f"{payload_bytes(warm) / KB:.0f} kB",
                prof.summary(),
            ],
        )
    ]
