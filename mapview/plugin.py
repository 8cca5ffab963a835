"""The project's Folium elements: the item layer plugin and the few macros the map needs.

- `AtlasItems` — a `folium.map.Layer` with `JSCSSMixin`: one layer of items (a kind of the atlas,
  an uploaded report, the threads), drawn by `L.AtlasItems` (`mapview/static/atlas_items.js`,
  served with the page). Atlas layers read the static data file once; small layers come inline.
  It sits in the layer control like any folium layer.
- `AtlasSelection` — what a rerun sends (through st_folium's `feature_group_to_add`): the
  selection bitmap and view requests, a few kB whatever the atlas size.
- `Legend` — the one legend, on the map (a `MacroElement`: folium has no legend class).
- `ReferenceLayer`, `FromZoom` — a `folium.GeoJson` filled from the data file; a layer shown
  from a zoom level on (road names).
- `localize` — every JS/CSS link of a map pointed at the app's own copies (offline).

Options reach the script through `tojson` (Jinja's HTML-safe JSON); every user-visible string in
them is escaped by the caller (`mapview.labels.escaped`, `mapview.payload`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import folium
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from mapview.assets import Assets
from mapview.payload import js_literal

#: The groups of words the script itself shows (legend, layer names, bubbles, tooltips); the
#: popup's details are written by Python.
SCRIPT_WORDS: dict[str, tuple[str, ...] | None] = {
    "kinds": None, "statuses": None, "categories": None, "outcomes": None, "cluster": None,
    "legend": None, "layers": ("district", "subdistricts", "zones", "roads", "water"),
    "popup": ("items_on_shape", "more_on_shape"),
}  # fmt: skip


class AtlasItems(JSCSSMixin, Layer):
    """One layer of atlas items: of `kind` from the atlas' data file (`AtlasConfig`; `data`:
    another file's URL), the file's `section` (threads) with a selection of its own (`bits`,
    `payload.selection_code`), or `inline` (`payload.inline_rows`). `key` names the layer in
    click reports (`⟦key:row⟧`); `title` (escaped) names a layer that is not a kind in the map's
    counts."""

    _template = Template(
        """
        {% macro script(this, kwargs) -%}
        var {{ this.get_name() }} = L.atlasItems({{ this.options }});
        {%- endmacro %}
        """
    )

    def __init__(  # noqa: PLR0913 (the layer's options, keyword-only)
        self,
        name: str,
        *,
        assets: Assets,
        key: str = "items",
        kind: str | None = None,
        section: str | None = None,
        bits: str | None = None,
        data: str | None = None,
        inline: Mapping[str, Any] | None = None,
        outline: str | None = None,
        title: str | None = None,
        show: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "AtlasItems"
        options = {"key": None if key == "items" else key, "kind": kind, "section": section,
                   "bits": bits, "data": data, "outline": outline, "title": title}  # fmt: skip
        self.options = js_literal(
            {k: v for k, v in options.items() if v is not None} | (dict(inline) if inline else {})
        )
        # instance lists: folium's class lists are shared and point at CDNs
        self.default_js = [*assets.cluster_js, *assets.plugin_js]
        self.default_css = [*assets.cluster_css, *assets.plugin_css]


class AtlasConfig(JSCSSMixin, folium.MacroElement):
    """`L.atlas.configure(...)`: the words (escaped) and the style table every item layer and
    the legend use, sent once with the map rather than with each layer; creates the panes.
    Its script (`atlas_fetch.js`) starts fetching the data file; `build_map` also puts that
    script first among the map's, so the file is on its way before Leaflet has loaded."""

    _template = Template(
        """
        {% macro script(this, kwargs) -%}
        L.atlas.configure({{ this._parent.get_name() }}, {{ this.labels }}, {{ this.styles }},
                          {#- no indentation: the script is sent with every rerun -#}
                          {{ this.data|tojson }});
        {%- endmacro %}
        """
    )

    def __init__(
        self,
        labels: Mapping[str, Any],
        styles: Mapping[str, Any],
        data: str | None = None,
        *,
        assets: Assets,
    ) -> None:
        super().__init__()
        self._name = "AtlasConfig"
        self.data = data  # the atlas' data file: item and reference layers read it by default
        self.default_js = assets.fetch_js(data)
        # compact JSON, safe inside <script> (CJK as UTF-8, not 6-byte escapes): it is sent
        # again with every rerun
        words = {
            group: dict(labels[group]) if keys is None else
            {k: v for k, v in labels[group].items() if k in keys}
            for group, keys in SCRIPT_WORDS.items() if group in labels
        }  # fmt: skip
        self.labels = js_literal(words)
        self.styles = js_literal(dict(styles))


class AtlasSelection(folium.MacroElement):
    """`L.atlas.select(options)`: the selection bitmap, threads mode and view requests."""

    _template = Template(
        """
        {% macro script(this, kwargs) -%}
        L.atlas.select({{ this.options|tojson }});
        {%- endmacro %}
        """
    )

    def __init__(self, options: Mapping[str, Any]) -> None:
        super().__init__()
        self._name = "AtlasSelection"
        self.options = dict(options)


class Legend(folium.MacroElement):
    """The map's one legend, a collapsible control in the bottom-right corner, in words and
    colours from `AtlasConfig`; `present`: the reference layers it explains."""

    _template = Template(
        """
        {% macro script(this, kwargs) -%}
        L.atlas.legend({{ this.present|tojson }}).addTo({{ this._parent.get_name() }});
        {%- endmacro %}
        """
    )

    def __init__(self, present: list[str]) -> None:
        super().__init__()
        self._name = "Legend"
        self.present = present


class FromZoom(folium.MacroElement):
    """Show `layer` (a child of this element's parent group) only from `zoom` on."""

    _template = Template(
        """
        {% macro script(this, kwargs) -%}
        L.atlas.fromZoom({{ this.map.get_name() }}, {{ this._parent.get_name() }},
                         {#- -#} {{ this.layer.get_name() }}, {{ this.zoom|tojson }});
        {%- endmacro %}
        """
    )

    def __init__(self, map_: folium.Map, layer: folium.GeoJson, zoom: float) -> None:
        super().__init__()
        self._name = "FromZoom"
        self.map = map_
        self.layer = layer
        self.zoom = zoom


class OfflineBackground(folium.MacroElement):
    """A paper-coloured map background when no tiles are drawn."""

    _template = Template(
        """
        {% macro script(this, kwargs) -%}
        {{ this._parent.get_name() }}.getContainer().classList.add("atlas-offline");
        {%- endmacro %}
        """
    )


class ReferenceLayer(folium.GeoJson):
    """A reference layer (outlines, roads, river, names): a `folium.GeoJson` whose features
    come from the layer `key` of the atlas' data file (or the one at `url`), so the map's
    script — sent again with every rerun — stays a few lines long. Styled per feature, never
    interactive."""

    _template = Template(
        """
        {% macro script(this, kwargs) -%}
        var {{ this.get_name() }} = L.geoJson(null, {{ this.compact }});
        {#- -#} L.atlas.fill({{ this.get_name() }}, {{ this.key|tojson }}
                     {%- if this.url %}, {{ this.url|tojson }}{% endif %});
        {%- endmacro %}
        """
    )

    def __init__(
        self,
        name: str,
        key: str,
        pane: str,
        *,
        url: str | None = None,
        label: bool = False,
        show: bool = True,
    ) -> None:
        # options as compact JS (the map's script is sent again with every rerun); the
        # function is one of the plugin's, named, never text from the data
        function = "pointToLayer:L.atlas.label" if label else "style:L.atlas.pathStyle"
        super().__init__({"type": "FeatureCollection", "features": []}, name=name, show=show)
        self._name = "ReferenceLayer"
        self.compact = js_literal({"interactive": False, "pane": pane})[:-1] + f",{function}}}"
        self.url = url
        self.key = key


def localize(m: folium.Map, assets: Assets) -> folium.Map:
    """Point `m`'s links at the app's own copies: Leaflet from xstatic; folium's other defaults
    (jQuery, Bootstrap, Font Awesome, awesome-markers) are not needed by the map and would each
    fail offline (st_folium waits for every script), so they are dropped. A folium plugin a
    developer adds keeps its own links (they need the internet)."""
    m.default_js = list(assets.leaflet_js)
    m.default_css = list(assets.leaflet_css)
    return m
