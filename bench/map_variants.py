"""The maps the browser figures compare the app's map with, drawn on the same page
(`bench/hooks/sitecustomize.py` swaps `mapview.atlasmap.build_map` in the app server):

- `floor` — an empty `folium.Map` through `st_folium`: what the page costs with a map that
  draws nothing (Leaflet loaded from the same local copies);
- `documented` — streamlit-folium's documented way to update a mounted map: every selected
  feature as a `folium.GeoJson` in `feature_group_to_add` (full geometry, a tooltip, a style
  function in JS), sent again on every filter change.

Both report what they drew on the map container (`data-bench-drawn`) for the bench to wait on.
"""

from __future__ import annotations

import json
from typing import Any

import folium
import numpy as np
from folium.utilities import JsCode

from mapview import atlasmap, payload, style
from mapview.assets import Assets
from mapview.plugin import AtlasItems, localize

#: Counts the features drawn by the documented way's layers (all but the reference ones), once
#: after a burst of layer events: one count per added feature (36,000 of them, each counting
#: all) was quadratic and kept the documented way from ever reporting its first map; and
#: counting the groups of earlier reruns too, it never reported a filter change.
DRAWN = """
(function (map) {
  var pending = false;
  function count() {
    var n = 0;
    pending = false;
    // st_folium keeps the groups of earlier reruns in window.feature_group (off the map)
    (window.feature_group || []).filter(function (g) { return map.hasLayer(g); })
      .forEach(function (g) {
        g.eachLayer(function (l) { n += l.getLayers ? l.getLayers().length : 1; });
      });
    map.getContainer().setAttribute("data-bench-drawn", String(n));
  }
  map.on("layeradd layerremove", function () {
    if (!pending) { pending = true; setTimeout(count, 0); }
  });
  count();
})(%s);
"""


class Counter(folium.MacroElement):
    """Writes the number of drawn features on the map container after each change."""

    _template = folium.template.Template(
        "{% macro script(this, kwargs) %}"
        + DRAWN % "{{ this._parent.get_name() }}"
        + "{% endmacro %}"
    )


def floor_map(items: Any, layers: Any = None, **kwargs: Any) -> atlasmap.AtlasMap:
    m = localize(folium.Map(location=atlasmap.opening_center(items), zoom_start=13, tiles=None),
                 kwargs.get("assets") or Assets())  # fmt: skip
    m.add_child(Counter())
    return atlasmap.AtlasMap(m, [], folium.LayerControl())


def documented_map(items: Any, layers: Any = None, **kwargs: Any) -> atlasmap.AtlasMap:
    """The app's map without its item layers; the selection as one `folium.GeoJson`."""
    base = APP_MAP(items, layers, **kwargs)
    for key, child in list(base.map._children.items()):
        if isinstance(child, AtlasItems):
            del base.map._children[key]
    assets = kwargs.get("assets") or Assets()
    base.map.default_js = [*base.map.default_js, *assets.plugin_js]  # reference layers, legend
    base.map.default_css = [*base.map.default_css, *assets.plugin_css]
    base.map.add_child(Counter())
    keep = np.asarray(kwargs.get("selection"), dtype=bool)
    chosen = items[keep & (payload.draw_reasons(items) == "").to_numpy()]
    colors = {k: c for k, (c, _) in style.KIND_STYLE.items()}
    group = folium.FeatureGroup(name="items")
    folium.GeoJson(
        chosen[["id", "name", "kind", "year", "status", "geometry"]],
        name="items",
        style=JsCode(
            f"function (f) {{ var c = {json.dumps(colors)}[f.properties.kind] || '#333';"
            " return {color: c, fillColor: c, weight: 2, fillOpacity: 0.4}; }"
        ),
        marker=folium.CircleMarker(radius=6, fill=True),
        tooltip=folium.GeoJsonTooltip(["name", "year", "status"]),
    ).add_to(group)
    return atlasmap.AtlasMap(base.map, [*base.dynamic, group], base.control, base.targets)


VARIANTS = {"floor": floor_map, "documented": documented_map}
#: The app's own builder, kept before `install` replaces it.
APP_MAP = atlasmap.build_map


def install(name: str) -> None:
    """Replace the app's map builder (before app.py imports it)."""
    atlasmap.build_map = VARIANTS[name]  # type: ignore[assignment]
