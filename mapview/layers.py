"""The Folium map: one layer per kind, reference outlines, a legend, popups with source quotes.

Two steps, so the app can cache the expensive one:

- `items_payload` / `reference_payload` (pure, over GeoDataFrames) turn the filtered items and
  the reference geography into compact GeoJSON text: geometries simplified to ~5 m and rounded
  to 6 decimals, every string HTML-escaped, only the properties the tooltip and popup show.
- `build_map` assembles a `folium.Map` from that text (cheap): styles, tooltips, popups, the
  legend and marker clustering are done once in a small JS helper instead of per feature.

Every string that reaches HTML is escaped here with `html.escape`; the browser-side helper only
concatenates escaped strings, so a name such as ``<script>`` renders as text.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure
from folium.elements import JSCSSMixin
from folium.template import Template

from geo.schema import KINDS, PRECISION
from mapview import style
from mapview.assets import Assets, localize
from mapview.basemaps import DEFAULT_BASEMAP, add_tiles, get_basemap

#: Decimal places of drawn coordinates (~10 cm), as in the GeoJSON export.
DECIMALS = 6
#: Simplification tolerance in degrees (~5 m: under 2 px at zoom 16; downloads keep every
#: vertex). Items and reference layers use the same one, so that an item drawn as a zone or 街道
#: polygon and the outline of that polygon share one entry of the geometry table.
ITEM_TOLERANCE = 5e-5
REFERENCE_TOLERANCE = ITEM_TOLERANCE
#: Zoom from which clustered points are always drawn individually.
CLUSTER_OFF_ZOOM = 16

#: Reference layers: key → (label, shown by default on the offline basemap, on tile basemaps)
REFERENCE_LAYERS: dict[str, tuple[str, bool, bool]] = {
    "river": ("River 苏州河", True, False),
    "roads": ("Roads (reference)", True, False),
    "district": ("District boundary 静安区", True, True),
    "subdistricts": ("街道 boundaries", True, True),
    "zones": ("Functional zone outlines 功能区", True, True),
    "labels": ("街道 names", True, False),
}


# --------------------------------------------------------------------------- text helpers


def escape(value: object) -> str:
    """HTML-escaped text; missing values become ""."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def js_literal(value: object) -> str:
    """Compact JSON safe to embed in a <script> (no `<`, `>`, `&` or line separators)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _int_or_none(value: object) -> int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


# --------------------------------------------------------------------------- geometry → text


def located_mask(gdf: gpd.GeoDataFrame) -> np.ndarray:
    geoms = gdf.geometry
    return ~(geoms.isna() | geoms.is_empty).to_numpy()


def geometry_texts(geoms: Iterable, tolerance: float) -> list[str]:
    """GeoJSON geometry strings: simplified (topology kept), rounded to `DECIMALS` places."""
    array = np.asarray(list(geoms), dtype=object)
    if len(array) == 0:
        return []
    if tolerance > 0:
        array = shapely.simplify(array, tolerance, preserve_topology=True)
    array = shapely.transform(array, lambda coords: np.round(coords, DECIMALS))
    return list(shapely.to_geojson(array))


@dataclass(frozen=True)
class Rows:
    """Features as text: GeoJSON geometries and their properties (JSON objects), pairwise.

    Many items share one shape (every item placed on the same 街道 or zone), so geometries are
    not sent per feature: `assemble_map` puts each distinct geometry once into a table that the
    browser helper indexes (`GeometryTable`)."""

    geometries: tuple[str, ...] = ()
    properties: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.geometries)

    def features(self) -> list[dict]:
        """The rows as GeoJSON Feature dicts (for tests and checks)."""
        return [
            {"type": "Feature", "geometry": json.loads(g), "properties": json.loads(p)}
            for g, p in zip(self.geometries, self.properties, strict=True)
        ]

    def size(self) -> int:
        return sum(len(t.encode()) for t in (*self.geometries, *self.properties))


def rows_of(geometries: list[str], properties: list[Mapping]) -> Rows:
    return Rows(tuple(geometries), tuple(js_literal(dict(p)) for p in properties))


class GeometryTable:
    """Distinct geometry texts, in order of first use; rows refer to them by index."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}

    def encode(self, rows: Rows) -> str:
        """`[[geometry index, properties], ...]` as JS text."""
        pairs = (
            f"[{self._index.setdefault(g, len(self._index))},{p}]"
            for g, p in zip(rows.geometries, rows.properties, strict=True)
        )
        return "[" + ",".join(pairs) + "]"

    def text(self) -> str:
        return "[" + ",".join(self._index) + "]"


def to_gcj02(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Shift to GCJ-02 for AMap tiles (geo.crs), keeping rows and columns."""
    from geo.crs import gdf_to_gcj02  # imported lazily: only the AMap basemap needs it

    return gdf_to_gcj02(gdf)


# --------------------------------------------------------------------------- payloads


@dataclass(frozen=True)
class KindLayer:
    """The drawn items of one kind: points (clustered) and lines/areas."""

    kind: str
    points: Rows
    shapes: Rows
    count: int


@dataclass(frozen=True)
class ItemsPayload:
    layers: tuple[KindLayer, ...]
    docs: dict[str, str]  # doc id → escaped title
    bounds: tuple[float, float, float, float] | None  # minx, miny, maxx, maxy of drawn items

    @property
    def count(self) -> int:
        return sum(layer.count for layer in self.layers)

    def size(self) -> int:
        """Bytes of feature text (for the payload benchmark)."""
        return sum(x.points.size() + x.shapes.size() for x in self.layers)

    def features(self) -> list[dict]:
        return [f for x in self.layers for f in x.points.features() + x.shapes.features()]


def item_properties(items: pd.DataFrame) -> list[dict]:
    """The escaped properties the tooltip and popup show. Short keys keep the payload small;
    the kind is implied by the layer and the location is left out when it repeats the name."""
    columns = ("id", "name", "category", "year", "status", "location", "quote", "doc")
    frame = items.reindex(columns=[*columns, "precision"])
    rows = []
    for values, precision in zip(
        frame[list(columns)].itertuples(index=False, name=None), frame["precision"], strict=True
    ):
        i, n, g, y, s, loc, q, d = values
        rows.append(
            {
                "i": escape(i),
                "n": escape(n),
                "g": escape(g),
                "y": _int_or_none(y),
                "s": str(s),
                **({"l": escape(loc)} if loc != n and escape(loc) else {}),
                "q": escape(q),
                "d": escape(d),
                "c": _int_or_none(precision),
            }
        )
    return rows


def _collection(items: gpd.GeoDataFrame) -> Rows:
    return rows_of(geometry_texts(items.geometry, ITEM_TOLERANCE), item_properties(items))


def items_payload(items: gpd.GeoDataFrame, *, gcj02: bool = False) -> ItemsPayload:
    """The located `items` as per-kind GeoJSON text (unlocated ones are listed by the app)."""
    docs = {}
    if "doc" in items.columns and "doc_title" in items.columns:
        pairs = items[["doc", "doc_title"]].dropna(subset=["doc"]).drop_duplicates("doc")
        docs = {escape(d): escape(t) for d, t in pairs.itertuples(index=False, name=None)}
    located = items[located_mask(items)]
    if gcj02 and len(located):
        located = to_gcj02(located)
    bounds = None
    if len(located):
        minx, miny, maxx, maxy = located.total_bounds
        bounds = (float(minx), float(miny), float(maxx), float(maxy))
    layers = []
    for kind in style.DRAW_ORDER:
        subset = located[located["kind"] == kind]
        if subset.empty:
            continue
        is_point = (subset.geometry.geom_type == "Point").to_numpy()
        layers.append(
            KindLayer(
                kind,
                points=_collection(subset[is_point]),
                shapes=_collection(subset[~is_point]),
                count=len(subset),
            )
        )
    return ItemsPayload(tuple(layers), docs, bounds)


@dataclass(frozen=True)
class Reference:
    """The reference geography drawn under the items (any frame may be empty)."""

    district: gpd.GeoDataFrame
    subdistricts: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame = field(default_factory=lambda: gpd.GeoDataFrame(geometry=[]))


@dataclass(frozen=True)
class ReferencePayload:
    layers: dict[str, Rows]  # key of REFERENCE_LAYERS → features
    labels: str  # JSON list of [lat, lon, escaped 街道 name]
    bounds: tuple[float, float, float, float] | None  # the district


def _named(gdf: gpd.GeoDataFrame, extra: Iterable[str] = ()) -> Rows:
    gdf = gdf[located_mask(gdf)] if len(gdf) else gdf
    names = gdf["name"] if "name" in gdf.columns else pd.Series([""] * len(gdf), index=gdf.index)
    props = [{"n": escape(n)} for n in names]
    for column in extra:
        values = gdf[column] if column in gdf.columns else [""] * len(gdf)
        for p, v in zip(props, values, strict=True):
            p[column] = escape(v)
    return rows_of(geometry_texts(gdf.geometry, REFERENCE_TOLERANCE), props)


def reference_payload(reference: Reference, *, gcj02: bool = False) -> ReferencePayload:
    """Reference outlines, roads, river and 街道 name labels as text."""
    frames = {
        "district": reference.district,
        "subdistricts": reference.subdistricts,
        "zones": reference.zones,
        "roads": reference.roads,
    }
    if gcj02:
        frames = {k: to_gcj02(v) if len(v) else v for k, v in frames.items()}
    roads = frames["roads"]
    kind = roads["kind"] if "kind" in roads.columns else pd.Series("road", index=roads.index)
    layers = {
        "district": _named(frames["district"]),
        "subdistricts": _named(frames["subdistricts"]),
        "zones": _named(frames["zones"]),
        "roads": _named(roads[kind != "river"], extra=("kind",)),
        "river": _named(roads[kind == "river"]),
    }
    subs = frames["subdistricts"]
    subs = subs[located_mask(subs)] if len(subs) else subs
    label_col = "short_name" if "short_name" in subs.columns else "name"
    labels = []
    if len(subs):
        points = subs.geometry.representative_point()
        labels = [
            [round(p.y, DECIMALS), round(p.x, DECIMALS), escape(n)]
            for p, n in zip(points, subs[label_col].fillna(subs["name"]), strict=True)
        ]
    labels_text = js_literal(labels)
    district = frames["district"]
    bounds = None
    if len(district) and located_mask(district).any():
        minx, miny, maxx, maxy = district.total_bounds
        bounds = (float(minx), float(miny), float(maxx), float(maxy))
    return ReferencePayload(layers, labels_text, bounds)


# --------------------------------------------------------------------------- Folium elements


class RenderedText(Element):
    """Text already rendered by a macro, added to the figure as is.

    branca wraps each macro's output in `Element(text)`, which compiles that text as a new
    Jinja template on every render: with the geometry table and the features in it, Jinja
    was about half of the filter → map time. This element is never compiled, and a `{{` or
    `{%` in the data stays text."""

    def __init__(self, text: str):
        super().__init__()
        # Jinja drops one trailing newline when it compiles a template; so do we (same bytes).
        self.text = text.removesuffix("\n")

    def render(self, **kwargs) -> str:
        return self.text


class PrerenderedMacroElement(folium.MacroElement):
    """A MacroElement whose rendered header/html/script go into the figure as plain text.

    Same parts, names and order as `branca.element.MacroElement.render`; only the second
    Jinja pass over the rendered text is skipped (the class template is compiled once)."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), (
            "You cannot render this Element if it is not in a Figure."
        )
        module = self._template.module
        for part in ("header", "html", "script"):
            macro = getattr(module, part, None)
            if macro is not None:
                text = RenderedText(macro(self, kwargs))
                getattr(figure, part).add_child(text, name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


_HELPER_JS = """
{% macro header(this, kwargs) %}
<style>
.leaflet-container { font: 13px/1.4 system-ui, "PingFang SC", "Noto Sans CJK SC", sans-serif; }
.leaflet-container.atlas-offline { background: #f4f2ec; }
.atlas-popup .t { font-weight: 600; font-size: 14px; }
.atlas-popup .m { color: #555; margin: 2px 0 6px; }
.atlas-popup blockquote { margin: 4px 0; padding: 2px 8px; border-left: 3px solid #bbb;
  color: #222; max-height: 180px; overflow: auto; }
.atlas-popup .s { color: #555; font-size: 12px; }
.atlas-legend { background: rgba(255,255,255,.9); padding: 4px 6px; border-radius: 4px;
  font-size: 11px; box-shadow: 0 1px 4px rgba(0,0,0,.3); line-height: 15px; }
.atlas-legend svg { vertical-align: middle; margin-right: 4px; }
.atlas-label { color: #666; font-size: 11px; white-space: nowrap; text-align: center;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
var ATLAS = (function () {
  var G = {{ this.geometries }};
  var KINDS = {{ this.kinds }}, STATUSES = {{ this.statuses }}, DOCS = {{ this.docs }},
      PRECISION = {{ this.precision }}, REF = {{ this.reference_styles }};
  var registered = [], USER_OUTLINE = "#111";
  // Functional zones are large and overlap: a faint fill keeps what lies in them visible.
  var AREA_FILL = {zone: 0.08};
  function isArea(f) { return f.geometry && /Polygon/.test(f.geometry.type); }
  function style(f) {
    var p = f.properties, k = KINDS[p.k] || {color: "#333"}, s = STATUSES[p.s] || {};
    // A user's own report: the kind's fill inside a dark outline, above the atlas.
    return {color: p.u ? USER_OUTLINE : k.color, fillColor: k.color,
            weight: (s.weight || 2) + (p.u ? 1 : 0),
            dashArray: s.dash || null, opacity: 0.95,
            fillOpacity: (s.fill == null ? 0.5 : s.fill)
              * (isArea(f) ? AREA_FILL[p.k] || 0.35 : 1)};
  }
  function point(f, latlng) {
    var o = style(f); o.radius = (STATUSES[f.properties.s] || {}).radius || 6;
    return L.circleMarker(latlng, o);
  }
  function label(p) { return (STATUSES[p.s] || {}).label || p.s; }
  function tooltip(p) {
    return "<b>" + p.n + "</b><br>" + (p.y == null ? "" : p.y + " · ") + label(p)
      + '<span style="display:none">[[' + p.i + "]]</span>";
  }
  function popup(p) {
    var k = KINDS[p.k] || {label: p.k};
    return '<div class="atlas-popup"><div class="t">' + p.n + "</div>"
      + '<div class="m">' + k.label + (p.g ? " · " + p.g : "") + (p.y == null ? "" : " · " + p.y)
      + " · " + label(p) + "</div>"
      + "<blockquote>" + p.q + "</blockquote>"
      + '<div class="s">' + (DOCS[p.d] || p.d) + (p.y == null ? "" : ", " + p.y) + "<br>"
      + "precision " + (p.c == null ? "–" : p.c + " · " + (PRECISION[p.c] || ""))
      + (p.l ? "<br>location: " + p.l : "") + "</div></div>";
  }
  function bind(f, layer) {
    layer.bindTooltip(tooltip(f.properties), {sticky: true});
    layer.bindPopup(popup(f.properties), {maxWidth: 380});
  }
  function collection(rows) {
    return {type: "FeatureCollection", features: rows.map(function (r) {
      return {type: "Feature", geometry: G[r[0]], properties: r[1]};
    })};
  }
  function add(kind, parent, shapeRows, pointRows, cluster, group) {
    shapeRows.concat(pointRows).forEach(function (r) { r[1].k = kind; if (group) { r[1].u = 1; } });
    var shapes = collection(shapeRows), points = collection(pointRows);
    var entry = {kind: kind, group: group || null, layers: []};
    var opts = {style: style, pointToLayer: point, onEachFeature: bind};
    if (shapes.features.length) {
      entry.shapes = L.geoJSON(shapes, opts).addTo(parent);
      entry.layers.push(entry.shapes);
    }
    if (points.features.length) {
      entry.points = L.geoJSON(points, opts);
      entry.cluster = L.markerClusterGroup(cluster);
      entry.cluster.addLayer(entry.points);
      entry.cluster.addTo(parent);
    }
    entry.parent = parent;
    registered.push(entry);
  }
  function reference(key, parent, data) {
    var s = REF[key];
    if (key === "labels") {
      data.forEach(function (d) {
        L.marker([d[0], d[1]], {interactive: false, keyboard: false,
          icon: L.divIcon({className: "atlas-label", html: d[2], iconSize: [90, 14]})})
          .addTo(parent);
      });
      return;
    }
    L.geoJSON(collection(data), {interactive: false, style: function (f) {
      var o = Object.assign({}, s);
      if (key === "roads" && f.properties.kind === "elevated") { o.weight = s.weight + 1.5; }
      return o;
    }}).addTo(parent);
  }
  function counts(map, byGroup) {
    // Per kind for the atlas; per user layer (its label) when byGroup.
    var out = {};
    registered.forEach(function (e) {
      if (!!byGroup !== !!e.group) { return; }
      var key = byGroup ? e.group : e.kind;
      var c = out[key] || {features: 0, drawn: 0};
      var shown = map.hasLayer(e.parent);
      if (e.shapes) {
        c.features += e.shapes.getLayers().length;
        if (shown) { c.drawn += e.shapes.getLayers().filter(function (l) {
          return map.hasLayer(l); }).length; }
      }
      if (e.points) {
        c.features += e.points.getLayers().length;
        if (shown) { c.drawn += e.cluster.getLayers().length; }
      }
      out[key] = c;
    });
    return out;
  }
  function legend(map, offline) {
    var control = L.control({position: "bottomright"});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "atlas-legend"), rows = [];
      {{ this.legend_kinds }}.forEach(function (k) {
        rows.push('<svg width="14" height="14"><circle cx="7" cy="7" r="6" fill="'
          + KINDS[k].color + '" stroke="' + KINDS[k].color + '"/></svg>' + KINDS[k].label);
      });
      Object.keys(STATUSES).forEach(function (s) {
        var st = STATUSES[s];
        rows.push('<svg width="14" height="14"><circle cx="7" cy="7" r="5" fill="#555" '
          + 'fill-opacity="' + st.fill + '" stroke="#555" stroke-width="1.5" '
          + (st.dash ? 'stroke-dasharray="' + st.dash.replace(" ", ",") + '"' : "")
          + "/></svg>" + st.label);
      });
      div.innerHTML = rows.join("<br>");
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    control.addTo(map);
  }
  function finish(map, offline) {
    if (offline) { L.DomUtil.addClass(map.getContainer(), "atlas-offline"); }
    legend(map, offline);
    var update = function () {
      map.getContainer().setAttribute("data-atlas-counts", JSON.stringify(counts(map)));
      map.getContainer().setAttribute("data-user-counts", JSON.stringify(counts(map, true)));
    };
    map.on("overlayadd overlayremove", update);
    update();
  }
  function find(id) {
    var hit = null;
    registered.forEach(function (e) {
      [e.shapes, e.points].forEach(function (g) {
        if (g) { g.eachLayer(function (l) { if (l.feature.properties.i === id) { hit = l; } }); }
      });
    });
    return hit;
  }
  function pixel(map, id) {
    // Where a feature is drawn, in map-container pixels (for tests and deep links).
    var l = find(id);
    if (!l) { return null; }
    var ll = l.getLatLng ? l.getLatLng() : l.getCenter();
    return map.latLngToContainerPoint(ll);
  }
  function alone(id) {
    // Is the feature drawn by itself (not hidden in a cluster) at the current zoom?
    var l = find(id), out = !!l;
    registered.forEach(function (e) {
      if (l && e.points && e.points.hasLayer(l)) { out = e.cluster.getVisibleParent(l) === l; }
    });
    return out;
  }
  function reveal(map, id) {
    // Zoom until a clustered point is drawn on its own; resolves with its pixel.
    var l = find(id), entry = null;
    registered.forEach(function (e) { if (e.points && e.points.hasLayer(l)) { entry = e; } });
    return new Promise(function (resolve) {
      if (!l) { resolve(null); return; }
      if (!entry) { resolve(pixel(map, id)); return; }
      if (entry.cluster.getVisibleParent(l) === l) { resolve(pixel(map, id)); return; }
      // (markercluster's zoomToShowLayer waits for an icon, which CircleMarkers lack)
      map.once("moveend", function () {
        setTimeout(function () { resolve(pixel(map, id)); }, 300);
      });
      map.setView(l.getLatLng(), Math.max(map.getZoom(), {{ this.cluster_off_zoom }}));
    });
  }
  return {add: add, reference: reference, counts: counts, finish: finish, find: find,
          pixel: pixel, alone: alone, reveal: reveal};
})();
window.ATLAS = ATLAS;
{% endmacro %}
"""


class AtlasHelper(PrerenderedMacroElement):
    """Shared JS: styles by kind and status, escaped tooltips/popups, legend, feature counts."""

    _template = Template(_HELPER_JS)

    def __init__(self, docs: Mapping[str, str]):
        super().__init__()
        self._name = "AtlasHelper"
        self.kinds = js_literal(
            {k: {"color": c, "label": escape(lab)} for k, (c, lab) in style.KIND_STYLE.items()}
        )
        self.statuses = js_literal(
            {
                s: {**{k: v for k, v in st.items() if k != "label"}, "label": escape(st["label"])}
                for s, st in style.STATUS_STYLE.items()
            }
        )
        self.docs = js_literal(dict(docs))
        self.geometries = "[]"
        self.precision = js_literal({str(k): escape(v) for k, v in PRECISION.items()})
        self.reference_styles = js_literal(REFERENCE_STYLES)
        self.legend_kinds = js_literal(list(KINDS))
        self.cluster_off_zoom = CLUSTER_OFF_ZOOM


REFERENCE_STYLES: dict[str, dict[str, object]] = {
    "district": {"color": "#333", "weight": 2.5, "fill": False, "opacity": 0.9},
    "subdistricts": {"color": "#777", "weight": 1, "dashArray": "3 3", "fill": False},
    "zones": {"color": "#b36b00", "weight": 1.5, "dashArray": "6 4", "fill": False},
    "roads": {"color": "#b9b4a8", "weight": 1.5, "opacity": 0.9},
    "river": {"color": "#6fa8dc", "weight": 5, "opacity": 0.8},
    "labels": {},
}


class KindLayerElement(JSCSSMixin, PrerenderedMacroElement):
    """The items of one kind inside its FeatureGroup; points go through a MarkerClusterGroup."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
ATLAS.add({{ this.kind }}, {{ this._parent.get_name() }}, {{ this.shapes }}, {{ this.points }},
  {{ this.cluster_options }}, {{ this.group }});
{% endmacro %}
"""
    )

    def __init__(
        self, layer: KindLayer, assets: Assets, table: GeometryTable, group: str | None = None
    ):
        super().__init__()
        self._name = "KindLayer"
        self.kind = js_literal(layer.kind)
        self.group = js_literal(escape(group) if group else None)
        self.shapes = table.encode(layer.shapes)
        self.points = table.encode(layer.points)
        self.cluster_options = js_literal(
            {
                "maxClusterRadius": 40,
                "disableClusteringAtZoom": CLUSTER_OFF_ZOOM,
                "spiderfyOnMaxZoom": False,
                "showCoverageOnHover": False,
            }
        )
        self.default_js = assets.cluster_js
        self.default_css = assets.cluster_css


class ReferenceLayerElement(PrerenderedMacroElement):
    _template = Template(
        """
{% macro script(this, kwargs) %}
ATLAS.reference({{ this.key }}, {{ this._parent.get_name() }}, {{ this.data }});
{% endmacro %}
"""
    )

    def __init__(self, key: str, data: str):
        super().__init__()
        self._name = "ReferenceLayer"
        self.key = js_literal(key)
        self.data = data


class FinishElement(PrerenderedMacroElement):
    _template = Template(
        """
{% macro script(this, kwargs) %}
ATLAS.finish({{ this._parent.get_name() }}, {{ this.offline }});
{% endmacro %}
"""
    )

    def __init__(self, offline: bool):
        super().__init__()
        self._name = "AtlasFinish"
        self.offline = "true" if offline else "false"


# --------------------------------------------------------------------------- the map


def _fit(bounds: tuple[float, float, float, float]) -> list[list[float]]:
    minx, miny, maxx, maxy = bounds
    return [
        [round(miny, DECIMALS), round(minx, DECIMALS)],
        [round(maxy, DECIMALS), round(maxx, DECIMALS)],
    ]


def _union(
    bounds: Sequence[tuple[float, float, float, float]],
) -> tuple[float, float, float, float]:
    return (
        min(b[0] for b in bounds),
        min(b[1] for b in bounds),
        max(b[2] for b in bounds),
        max(b[3] for b in bounds),
    )


def assemble_map(
    items: ItemsPayload,
    reference: ReferencePayload,
    basemap: str = DEFAULT_BASEMAP,
    assets: Assets | None = None,
    user_layers: Sequence[tuple[str, ItemsPayload]] = (),
) -> folium.Map:
    """The Folium map of `items` over `reference`, every resource served locally.

    `user_layers` — (label, payload) of reports a user brought (`mapview.upload`) — are drawn
    on top, each as one layer named by its label, and fitted to when they have features."""
    base = get_basemap(basemap)
    assets = assets or Assets()
    m = folium.Map(tiles=None, prefer_canvas=True, control_scale=True, zoom_start=13)
    # Folium gives max_zoom only to a tile layer; with none, Leaflet (and clustering) need it here.
    m.options.update(max_zoom=base.max_zoom, min_zoom=9, zoom_snap=0.5)
    add_tiles(m, base)
    helper = AtlasHelper(items.docs).add_to(m)
    table = GeometryTable()
    for key, (label, offline_show, tiles_show) in REFERENCE_LAYERS.items():
        if key == "labels":
            data = reference.labels
        else:
            rows = reference.layers.get(key, Rows())
            data = table.encode(rows) if len(rows) else "[]"
        if data == "[]":
            continue
        group = folium.FeatureGroup(name=label, show=offline_show if base.offline else tiles_show)
        ReferenceLayerElement(key, data).add_to(group)
        group.add_to(m)
    for layer in items.layers:
        colour = style.KIND_STYLE[layer.kind][0]
        name = (
            f'<span style="color:{colour}">●</span> '
            f"{escape(style.kind_label(layer.kind))} ({layer.count})"
        )
        group = folium.FeatureGroup(name=name)
        KindLayerElement(layer, assets, table).add_to(group)
        group.add_to(m)
    for label, payload in user_layers:
        group = folium.FeatureGroup(name=f"◆ {escape(label)} ({payload.count})")
        for layer in payload.layers:
            KindLayerElement(layer, assets, table, group=label).add_to(group)
        group.add_to(m)
        helper.docs = js_literal({**json.loads(helper.docs), **payload.docs})
    helper.geometries = table.text()  # read when the map renders, after every layer is encoded
    folium.LayerControl(collapsed=True).add_to(m)
    FinishElement(base.offline).add_to(m)
    user_bounds = [p.bounds for _, p in user_layers if p.bounds is not None]
    bounds = _union(user_bounds) if user_bounds else items.bounds or reference.bounds
    if bounds is not None:
        m.fit_bounds(_fit(bounds), max_zoom=16)
    return localize(m, assets)
