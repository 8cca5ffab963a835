"""The atlas map as Folium objects, drawn on the page by streamlit-folium's `st_folium`.

`build_map` returns an `AtlasMap`: the `folium.Map` (basemap, panes, reference layers and
names, one `AtlasItems` layer per kind, the legend) whose script depends only on the atlas
version, the basemap and the labels — so st_folium keeps it mounted across reruns — and the
small per-rerun part (`dynamic`: the selection bitmap and view requests, uploaded reports,
threads, the focus circle) that st_folium sends through `feature_group_to_add`, with the layer
control. A developer adds any folium element to `AtlasMap.map` before `show_map` and it is drawn.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo import KINDS, is_located
from geo import filters as flt
from mapview import labels as lbl
from mapview import payload, style
from mapview.assets import Assets
from mapview.basemaps import DEFAULT_BASEMAP, get_basemap
from mapview.plugin import (
    AtlasConfig,
    AtlasItems,
    AtlasSelection,
    FromZoom,
    Legend,
    OfflineBackground,
    ReferenceLayer,
    localize,
)

HEIGHT = 640
#: The farthest the map zooms out: the district and its surroundings (about 60 km across).
MIN_ZOOM = 11
#: Panes, bottom to top: roads and river under everything, item shapes, outlines above the
#: fills, item points, labels above the cluster bubbles (markers are at 600).
PANES = {"atlasBase": 250, "atlasShapes": 400, "atlasOutlines": 450, "atlasLabels": 640}
REFERENCE_PANE = {
    "water": "atlasBase",
    "roads": "atlasBase",
    "zones": "atlasOutlines",
    "subdistricts": "atlasOutlines",
    "district": "atlasOutlines",
}
#: Road names from these zoom levels (the 25 longest roads, then all).
ROAD_NAMES_ZOOM = {"road_names_main": 13.5, "road_names_minor": 15.5}
#: Fill opacities of item areas: a zone is a wide setting (very light); no area is filled more
#: than `area_fill_max`, so stacked shapes (threads on 街道 and zones) never hide the basemap.
AREA_FILL = {"zone": 0.06}
SHAPE_FILL = 0.25
AREA_FILL_MAX = 0.3
USER_OUTLINE = "#111111"
_CLICK = re.compile(r"⟦(\w+):(\d+)⟧\s*$")


@dataclass(frozen=True)
class Focus:
    """A place to show ("what is planned near here"): a circle of `radius_m` around it."""

    lon: float
    lat: float
    radius_m: float
    label: str


@dataclass
class AtlasMap:
    """What `show_map` draws: the mounted `map`, the per-rerun `dynamic` groups and layer
    control, and which item id each clickable row of each layer stands for."""

    map: folium.Map
    dynamic: list[folium.FeatureGroup]
    control: folium.LayerControl
    targets: dict[str, list[str]] = field(default_factory=dict)
    height: int = HEIGHT

    def clicked(self, tooltip: object) -> str | None:
        """The item id a click reported (st_folium's `last_object_clicked_tooltip`)."""
        return target_of(tooltip, self.targets)


def target_of(tooltip: object, targets: Mapping[str, Sequence[str]]) -> str | None:
    """The item id behind a clicked feature's tooltip text (it ends with `⟦layer:row⟧`)."""
    match = _CLICK.search(str(tooltip or ""))
    if not match:
        return None
    ids = targets.get(match.group(1), [])
    row = int(match.group(2))
    return ids[row] if row < len(ids) else None


def styles() -> dict[str, Any]:
    """The map's style table (colours and marker styles from `mapview.style`): item layers,
    legend and panes."""
    return {
        "kinds": {k: {"color": style.KIND_STYLE[k][0]} for k in KINDS},
        "outcomes": {**style.OUTCOME_COLORS, "": style.NO_PLAN_COLOR},
        "reference": {k: path for k, (_, path) in style.REFERENCE_STYLE.items()},
        "panes": PANES,
        "statuses": {
            payload.escape(s): {k: v for k, v in st.items() if k != "label"}
            for s, st in style.STATUS_STYLE.items()
        },
        "areaFill": AREA_FILL,
        "shapeFill": SHAPE_FILL,
        "areaFillMax": AREA_FILL_MAX,
        "smooth": style.SMOOTH_FACTOR,
        "areaWeight": style.AREA_WEIGHT,
    }


# --------------------------------------------------------------------------- the mounted map


def opening_center(items: gpd.GeoDataFrame) -> tuple[float, float] | None:
    """(lat, lon) of the middle of the atlas' located items: the map opens over the data itself,
    not over coordinates written in code; None (folium's world view) when nothing is located."""
    located = items.geometry[is_located(items)]
    if located.empty:
        return None
    west, south, east, north = located.total_bounds
    return ((south + north) / 2, (west + east) / 2)


def base_map(
    data_url: str,
    present: Sequence[str],
    *,
    basemap: str = DEFAULT_BASEMAP,
    labels: Mapping[str, Any] | None = None,
    assets: Assets | None = None,
    center: tuple[float, float] | None = None,
) -> folium.Map:
    """The part of the map that stays mounted: depends only on the data file (atlas version and
    datum), the atlas' reference layers (`present`), the basemap and the labels. `center`
    (lat, lon): where the map opens before the item layer fits it (`opening_center`)."""
    base = get_basemap(basemap)
    assets = assets or Assets()
    words = lbl.escaped(lbl.merged(labels))
    m = folium.Map(
        location=center,
        zoom_start=13,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        zoom_snap=0.5,
        # map options (folium's min_zoom/max_zoom only reach a tile layer); from MIN_ZOOM out,
        # the district is a speck, and each level more is one more level that every marker is
        # clustered at
        minZoom=MIN_ZOOM,
        maxZoom=base.max_zoom,
    )
    localize(m, assets)
    # the data file is requested by the first script, while Leaflet and the plugin still load
    m.default_js = [*assets.fetch_js(data_url), *m.default_js]
    if base.offline:
        m.add_child(OfflineBackground())  # type: ignore[no-untyped-call]  # folium is untyped
    else:
        folium.TileLayer(
            base.url, attr=base.attribution, name=html.escape(base.label),
            subdomains=base.subdomains, max_zoom=base.max_zoom, control=False,
        ).add_to(m)  # fmt: skip
    m.add_child(
        AtlasConfig(words, styles(), data_url, assets=assets)
    )  # words, styles and panes, before the layers
    for key in payload.REFERENCE:
        if key in present:
            m.add_child(ReferenceLayer(words["layers"][key], key, REFERENCE_PANE[key]))
    if "subdistrict_names" in present:
        m.add_child(
            ReferenceLayer(
                words["layers"]["subdistrict_names"], "subdistrict_names",
                "atlasLabels", label=True,
            )
        )  # fmt: skip
    if "road_names_main" in present:
        group = folium.FeatureGroup(name=words["layers"]["road_names"])
        for key, zoom in ROAD_NAMES_ZOOM.items():
            layer = ReferenceLayer(key, key, "atlasLabels", label=True)
            layer.control = False
            group.add_child(layer)
            group.add_child(FromZoom(m, layer, zoom))
        m.add_child(group)
    for kind in style.DRAW_ORDER:
        color = style.KIND_STYLE[kind][0]
        name = f'<span style="color:{color}">●</span> {words["kinds"].get(kind, kind)}'
        m.add_child(AtlasItems(name, assets=assets, kind=kind))
    m.add_child(Legend(list(present)))
    return m


# --------------------------------------------------------------------------- per rerun


def _token(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def details_html(row: Mapping[str, Any], words: Mapping[str, Any]) -> str:
    """The popup's details of the selected item (its quote, source, precision, location), sent
    with the rerun that selects it: the data file carries only what drawing needs."""
    esc = payload.escape
    year = payload.int_or_none(row.get("year"))
    precision = payload.int_or_none(row.get("precision"))
    where = (
        "–" if precision is None else f"{precision} · " + words["precision"].get(str(precision), "")
    )
    location = esc(row.get("location"))
    lines = [
        f"<blockquote>{esc(row.get('quote'))}</blockquote>",
        f'<div class="s">{esc(row.get("doc_title") or row.get("doc"))}'
        + ("" if year is None else f", {year}")
        + f"<br>{words['popup']['precision']} {where}"
        + (
            f"<br>{words['popup']['location']}: {location}"
            if location and location != esc(row.get("name"))
            else ""
        )
        + "</div>",
    ]
    return '<div class="atlas-popup">' + "".join(lines) + "</div>"


def build_map(  # noqa: PLR0913 (the seams a page sets, keyword-only, each documented)
    items: gpd.GeoDataFrame,
    layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    filters: flt.Filters | None = None,
    selection: np.ndarray | None = None,
    user_layers: Sequence[tuple[str, gpd.GeoDataFrame]] = (),
    threads: gpd.GeoDataFrame | None = None,
    basemap: str = DEFAULT_BASEMAP,
    labels: Mapping[str, Any] | None = None,
    fit_bounds: bool | Sequence[Sequence[float]] = False,
    focus: Focus | None = None,
    selected: str | None = None,
    reveal: int = 0,
    data_url: str | None = None,
    present: Sequence[str] | None = None,
    assets: Assets | None = None,
    height: int = HEIGHT,
) -> AtlasMap:
    """The map of `items` (the whole atlas, in its order) over the reference `layers`.

    - `filters` (or a boolean `selection` over the rows): what the item layers show;
    - `user_layers`: (label, items) pairs drawn on top, filtered like the atlas (uploads);
    - `threads`: the threads to draw instead of the mentions (`threadmap.thread_items`, with
      `thread` and the mention a click selects as `id`); their rows are in the data file;
    - `basemap`: a key of `mapview.basemaps.BASEMAPS` (AMap shifts the drawn features);
    - `labels`: the map's words (`mapview.labels`; partial mappings fall back to the defaults);
    - `fit_bounds`: True fits the view to the current selection (once per selection), a
      `[[south, west], [north, east]]` fits those, False keeps the current view;
    - `focus`: a `Focus` circle with a marker; the view goes there (once per focus);
    - `selected`: the selected item's id (its popup gets its details); `reveal`: a counter — a
      new value zooms to the selected item and opens its popup (a table row);
    - `data_url`, `present`: the published data file and its reference layers, when the caller
      caches them (`publish_data`); else published here.
    """
    assets = assets or Assets()
    base = get_basemap(basemap)
    words = lbl.escaped(lbl.merged(labels))
    if data_url is None or present is None:
        data_url = publish_data(items, layers or {}, gcj02=base.gcj02, assets=assets)
        present = payload.present_layers(layers or {})
    m = base_map(
        data_url, present, basemap=basemap, labels=labels, assets=assets,
        center=opening_center(items),
    )  # fmt: skip
    filters = filters or flt.Filters()
    if selection is None:
        selection = flt.mask(items, filters).to_numpy()
    selection = np.asarray(selection, dtype=bool)
    order = payload.row_order(items)  # the data file's rows
    bits = payload.selection_code(selection[order])
    targets: dict[str, list[str]] = {"items": items["id"].astype(str).to_numpy()[order].tolist()}
    dynamic: list[folium.FeatureGroup] = []

    def inline_layer(
        key: str, name: str, title: str, frame: gpd.GeoDataFrame, outline: str | None
    ) -> None:
        drawable = frame[(payload.draw_reasons(frame) == "").to_numpy()]
        targets[key] = drawable["id"].astype(str).tolist()
        group = folium.FeatureGroup(name=name)
        group.add_child(
            AtlasItems(
                name, assets=assets, key=key, outline=outline, title=title,
                inline=payload.inline_rows(drawable, gcj02=base.gcj02),
            )
        )  # fmt: skip
        dynamic.append(group)

    for i, (label, frame) in enumerate(user_layers):
        chosen = flt.apply_filters(frame, filters)
        n = int((payload.draw_reasons(chosen) == "").sum())
        if n:
            text = lbl.merged(labels)["layers"]["user"].format(label=label, n=n)
            inline_layer(f"user{i}", html.escape(text), html.escape(label), chosen, USER_OUTLINE)
    if threads is not None:  # the data file holds every thread: only which ones travel
        name = words["layers"]["threads"]
        picks = dict(zip(threads["thread"].astype(str), threads["id"].astype(str), strict=True))
        universe = payload.thread_ids(items)
        targets["threads"] = [picks.get(t, "") for t in universe]
        shown = payload.selection_code(np.array([t in picks for t in universe], dtype=bool))
        group = folium.FeatureGroup(name=name)
        group.add_child(
            AtlasItems(name, assets=assets, key="threads", title=name, section="threads",
                       bits=shown)
        )  # fmt: skip
        dynamic.append(group)

    options: dict[str, Any] = {
        "bits": bits,
        "id": _token(bits)[:8],
        "threads": threads is not None,
    }
    chosen_bounds = None
    if fit_bounds is True:
        chosen_bounds = payload.bounds_of(items[selection], gcj02=base.gcj02)
    elif fit_bounds is not False:
        chosen_bounds = [list(map(float, p)) for p in fit_bounds]
    if focus is not None:
        lat, lon = _shifted(focus.lat, focus.lon, base.gcj02)
        group = folium.FeatureGroup(name=words["layers"]["focus"], control=False)
        tip = html.escape(focus.label)
        folium.Circle((lat, lon), radius=focus.radius_m, color="#222", weight=2,
                      fill=True, fill_opacity=0.08, tooltip=tip).add_to(group)  # fmt: skip
        folium.Marker((lat, lon), tooltip=tip).add_to(group)
        dynamic.append(group)
        d = focus.radius_m / 111_000
        chosen_bounds = [[lat - d, lon - d * 1.18], [lat + d, lon + d * 1.18]]
    if chosen_bounds:
        options["fit"] = {"token": _token(bits, chosen_bounds), "bounds": chosen_bounds}
    where = _locate(selected, targets, threads is not None)
    if where is not None:
        key, row = where
        record = _record(items, user_layers, selected)
        if record is not None:
            options["details"] = {"key": key, "row": row, "html": details_html(record, words)}
        if reveal:
            options["reveal"] = {"token": reveal, "key": key, "row": row}
    carrier = folium.FeatureGroup(name="selection", control=False)
    carrier.add_child(AtlasSelection(options))
    dynamic.insert(0, carrier)
    control = folium.LayerControl(collapsed=True)
    return AtlasMap(m, dynamic, control, targets, height)


def _shifted(lat: float, lon: float, gcj02: bool) -> tuple[float, float]:
    if not gcj02:
        return lat, lon
    from geo import wgs84_to_gcj02

    glon, glat = wgs84_to_gcj02(lon, lat)
    return float(glat), float(glon)


def _locate(
    selected: str | None, targets: Mapping[str, list[str]], threads: bool
) -> tuple[str, int] | None:
    if selected is None:
        return None
    order = ["threads"] if threads else []
    order += [k for k in targets if k not in ("threads", "items")]
    order += [] if threads else ["items"]
    for key in order:
        ids = targets.get(key, [])
        if selected in ids:
            return key, ids.index(selected)
    return None


def _record(
    items: pd.DataFrame, user_layers: Sequence[tuple[str, pd.DataFrame]], selected: object
) -> dict[Any, Any] | None:
    for frame in (items, *(f for _, f in user_layers)):
        found = frame[frame["id"].astype(str) == selected]
        if len(found):
            return found.iloc[0].to_dict()
    return None


def publish_data(
    items: gpd.GeoDataFrame,
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    gcj02: bool = False,
    assets: Assets | None = None,
    static_dir: str | os.PathLike[str] | None = None,
) -> str:
    """Publish the map's data file for `items` over `layers`; its URL on the app's server."""
    text = payload.map_data(items, layers, gcj02=gcj02)
    return (assets or Assets()).data_url(text, static_dir)


# --------------------------------------------------------------------------- on the page


def show_map(atlas_map: AtlasMap, key: str = "atlas-map") -> None:
    """Draw `atlas_map` with st_folium: mounted once (its script is the same on every rerun);
    later reruns send only `dynamic` and the layer control. Clicks come back through
    st_folium's value (`clicked_item` reads them at the start of the next run)."""
    import streamlit as st
    from streamlit_folium import st_folium

    st.session_state[f"_{key}_targets"] = atlas_map.targets
    st_folium(
        atlas_map.map,
        key=key,
        height=atlas_map.height,
        use_container_width=True,
        returned_objects=list(RETURNED),
        feature_group_to_add=atlas_map.dynamic,
        layer_control=atlas_map.control,
    )


#: What st_folium reports back (a click on a feature, with its tooltip): panning and zooming
#: change none of these, so they never rerun the page.
RETURNED = ("last_object_clicked", "last_object_clicked_tooltip")


def clicked_item(key: str = "atlas-map") -> str | None:
    """The id of the item newly clicked on the map (st_folium's value, kept in the session
    under `key` before the rerun it causes), or None. Called before `build_map`, so the same
    run already sends the clicked item's details to its popup."""
    import streamlit as st

    value = st.session_state.get(key)
    if not isinstance(value, Mapping):
        return None
    seen = (str(value.get("last_object_clicked")), str(value.get("last_object_clicked_tooltip")))
    memory = f"_{key}_click"
    if seen == st.session_state.get(memory):
        return None
    st.session_state[memory] = seen
    targets = st.session_state.get(f"_{key}_targets", {})
    return target_of(value.get("last_object_clicked_tooltip"), targets)
