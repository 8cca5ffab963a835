"""The project's Folium elements: the item layer plugin and the few macros the map needs.

- `AtlasItems` — a `folium.map.Layer` with `JSCSSMixin`: one layer of items (a kind of the atlas,
  an uploaded report, the threads), drawn by `L.AtlasItems` (`mapview/static/atlas_items.js`,
  served with the page). Atlas layers read the static data file once; small layers come inline.
  It sits in the layer control like any folium layer.
- `AtlasSelection` — what a rerun sends (through st_folium's `feature_group_to_add`): the
  selection bitmap and view requests, a few kB whatever the atlas size.
- `Legend` — the one legend, on the map (a `MacroElement`: folium has no legend class).
- `FillFrom`, `FromZoom` — a reference `folium.GeoJson` filled from the data file; a layer shown
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
from folium.utilities import JsCode

from mapview.assets import Assets


class AtlasItems(JSCSSMixin, Layer):
    """One layer of atlas items: `data` (the published data file's URL, with `kind`) or
    `inline` (`payload.inline_rows`). `key` names the layer in click reports (`⟦key:row⟧`)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.atlasItems({{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        name: str,
        *,
        assets: Assets,
        key: str = "items",
        kind: str | None = None,
        data: str | None = None,
        inline: Mapping[str, Any] | None = None,
        outline: str | None = None,
        show: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "AtlasItems"
        self.options: dict[str, Any] = {
            "key": key,
            "kind": kind,
            "data": data,
            "outline": outline,
            **(dict(inline) if inline else {}),
        }
        # instance lists: folium's class lists are shared and point at CDNs
        self.default_js = [*assets.cluster_js, *assets.plugin_js]
        self.default_css = [*assets.cluster_css, *assets.plugin_css]


class AtlasConfig(folium.MacroElement):
    """`L.atlas.configure(...)`: the words (escaped) and the style table every item layer uses,
    sent once with the map rather than with each layer."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.atlas.configure({{ this.labels|tojson }}, {{ this.styles|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, labels: Mapping[str, Any], styles: Mapping[str, Any]) -> None:
        super().__init__()
        self._name = "AtlasConfig"
        self.labels = dict(labels)
        self.styles = dict(styles)


class AtlasSelection(folium.MacroElement):
    """`L.atlas.select(options)`: the selection bitmap, threads mode and view requests."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.atlas.select({{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, options: Mapping[str, Any]) -> None:
        super().__init__()
        self._name = "AtlasSelection"
        self.options = dict(options)


class Legend(folium.MacroElement):
    """The map's one legend, a collapsible control in the bottom-right corner; `html` is built
    and escaped by Python (`mapview.atlasmap.legend_html`)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.atlas.legend({{ this.html|tojson }}, {{ this.title|tojson }})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, title: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html
        self.title = title


class FillFrom(folium.MacroElement):
    """Fill the parent `folium.GeoJson` with the layer `key` of the data file at `url`."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.atlas.fill({{ this._parent.get_name() }}, {{ this.url|tojson }}, {{ this.key|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, url: str, key: str) -> None:
        super().__init__()
        self._name = "FillFrom"
        self.url = url
        self.key = key


class FromZoom(folium.MacroElement):
    """Show `layer` (a child of this element's parent group) only from `zoom` on."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.atlas.fromZoom({{ this.map.get_name() }}, {{ this._parent.get_name() }},
                         {{ this.layer.get_name() }}, {{ this.zoom|tojson }});
        {% endmacro %}
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
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.getContainer().classList.add("atlas-offline");
        {% endmacro %}
        """
    )


def reference_layer(
    name: str, url: str, key: str, pane: str, *, label: bool = False, show: bool = True
) -> folium.GeoJson:
    """A reference layer (outlines, roads, river, names): a `folium.GeoJson`, filled from the
    data file (so the map's script stays small), styled per feature, never interactive."""
    options: dict[str, Any] = {"interactive": False, "pane": pane}
    if label:
        options["point_to_layer"] = JsCode("L.atlas.label")
    else:
        options["style"] = JsCode("function (feature) { return feature.properties.style; }")
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": []}, name=name, show=show, **options
    )
    layer.add_child(FillFrom(url, key))
    return layer


def localize(m: folium.Map, assets: Assets) -> folium.Map:
    """Point `m`'s links at the app's own copies: Leaflet from xstatic; folium's other defaults
    (jQuery, Bootstrap, Font Awesome, awesome-markers) are not needed by the map and would each
    fail offline (st_folium waits for every script), so they are dropped. A folium plugin a
    developer adds keeps its own links (they need the internet)."""
    m.default_js = list(assets.leaflet_js)
    m.default_css = list(assets.leaflet_css)
    return m
