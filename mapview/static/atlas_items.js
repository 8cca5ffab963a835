/* Jing'an Atlas: the item layer of the Folium map (the JS side of mapview/plugin.py).
 *
 * `L.AtlasItems` is a Leaflet layer that folium's `AtlasItems` element creates, one per kind, one
 * for the threads mode and one per user report (whose few rows come inline). Items and threads
 * come once, as a static content-hashed JSON file (`L.atlas.configure`) fetched once per page and
 * shared by every layer; a filter change only sends selections over the file's rows (through
 * st_folium's `feature_group_to_add`), so the features never travel again.
 *
 * Every string in the data file, the rows and the labels is HTML-escaped by Python
 * (mapview/payload.py, mapview/labels.py): this script only concatenates them and formats no word
 * itself ("{n}" in a label is replaced by a number). A click on a feature is reported to Python
 * through st_folium's `last_object_clicked_tooltip`: the tooltip ends with a hidden `⟦key:row⟧`.
 */
(function () {
  "use strict";

  var files = {};  // url → promise of the parsed data file, fetched once (atlas_fetch.js)
  function load(url) {
    return files[url] || (files[url] = window.atlasFetch(url).then(function (file) {
      L.extend(atlas.timing, file.timing);  // where the first map's time goes (bench)
      return file.data;
    }));
  }

  // A row of the data file (and of inline rows): [geometry, kind, name, category, year, status,
  // colour (when it has one)]; geometry is an index into `geoms`, -1 when the item is not drawn.
  // Kind, category and status arrive as codes, put back in words by atlasFetch.words.
  var G = 0, K = 1, NAME = 2, CAT = 3, YEAR = 4, ST = 5, COLOR = 6;

  var atlas = L.atlas = {
    layers: [], bits: null, state: {}, map: null, popup: null, handled: {}, labels: {},
    timing: {}, styles: {},

    /** The words (escaped by Python) and style table shared by every item layer, and the map's
     *  panes (bottom to top: roads and river, item shapes, outlines, labels above bubbles). */
    configure: function (map, labels, styles, data) {
      atlas.labels = labels;
      atlas.styles = styles;
      atlas.data = data;  // the atlas' data file, for layers that name no other
      Object.keys(styles.panes).forEach(function (name) {
        var pane = map.createPane(name);
        pane.style.zIndex = styles.panes[name];
        pane.style.pointerEvents = "none";
      });
    },

    /** A new selection (and view request) from Python; applied now or once data is in. */
    select: function (options) {
      var changed = options.bits !== atlas.state.bits || !!options.threads !== !!atlas.state.threads;
      atlas.state = options;
      if (changed) {  // a rerun that only carries details leaves the drawn features alone
        var t = performance.now();
        atlas.bits = decode(options.bits || "b:");
        atlas.layers.forEach(function (layer) { layer._apply(); });
        atlas.timing.select = performance.now() - t;
      }
      var c = atlas.map && atlas.map.getContainer();
      if (c) { c.classList.toggle("atlas-threads", !!options.threads); }
      return Promise.all(atlas.layers.map(function (l) { return l._ready; })).then(function () {
        atlas.counts();
        atlas.timing.drawn = atlas.timing.drawn || performance.now();  // since the frame opened
        atlas.first();
        atlas.view(options);
      });
    },

    /** The first view, every item, set before anything is drawn: a later fit redraws it all. */
    first: function () {
      if (!atlas.handled.first && atlas.bounds && atlas.map) {
        atlas.handled.first = true;
        atlas.fit(atlas.bounds, false);
      }
    },
    /** Fit to `bounds` unless just fitted to them: a fit re-projects and redraws every shape. */
    fit: function (bounds, animate) {
      var key = JSON.stringify(bounds);
      if (key !== atlas.fitted) {
        atlas.map.fitBounds(bounds, L.extend({maxZoom: 16, padding: [20, 20]}, animate ? {} : {animate: false}));
        atlas.fitted = key;
      }
    },

    /** Fit, reveal and popup requests: each token is acted on once (reruns repeat them). */
    view: function (o) {
      var map = atlas.map;
      if (!map) { return; }
      if (o.fit && o.fit.token !== atlas.handled.fit) {
        atlas.handled.fit = o.fit.token;
        atlas.fit(o.fit.bounds, true);
      }
      if (o.reveal && o.reveal.token !== atlas.handled.reveal) {
        atlas.handled.reveal = o.reveal.token;
        atlas.reveal(o.reveal.key, o.reveal.row, o.details);
      } else if (o.details && atlas.popupFor && atlas.popupFor.key === o.details.key
                 && atlas.popupFor.row === o.details.row) {
        atlas.popup.setContent(atlas.popupFor.html + o.details.html);
      }
    },

    find: function (key, row) {
      var f = null;
      atlas.layers.some(function (l) { return (f = l._find(key, row)); });
      return f;
    },

    // The feature of row `row` of layer `key`: its pixel, tooltip and popup (tests, screenshot).
    pixel: function (key, row) {
      var f = atlas.find(key, row);
      return f ? atlas.map.latLngToContainerPoint(f.layer.atlasAnchor()) : null;
    },
    hover: function (key, row) {
      var f = atlas.find(key, row);
      if (!f) { return; }
      atlas.tip = atlas.tip || L.tooltip({direction: "top"});
      atlas.map.openTooltip(atlas.tip.setContent(f.owner._tip(f.layer))
                            .setLatLng(f.layer.atlasAnchor()));
    },
    open: function (key, row) {
      var f = atlas.find(key, row);
      if (f) { f.owner._open(f.layer, f.layer.atlasAnchor(), atlas.state.details); }
    },
    /** Whether the feature is drawn on its own (not inside a cluster bubble). */
    alone: function (key, row) {
      var f = atlas.find(key, row);
      return !!f && (!f.owner._cluster.hasLayer(f.layer)
                     || f.owner._cluster.getVisibleParent(f.layer) === f.layer);
    },

    /** Zoom to a feature (a point until it is drawn on its own) and open its popup. */
    reveal: function (key, row, details) {
      var f = atlas.find(key, row), map = atlas.map;
      if (!f) { return; }
      var open = function () { f.owner._open(f.layer, f.layer.atlasAnchor(), details); };
      if (f.layer.getLatLng) {
        var cluster = f.owner._cluster;
        if (cluster.hasLayer(f.layer)) { cluster.zoomToShowLayer(f.layer, open); return; }
        map.setView(f.layer.getLatLng(), Math.max(map.getZoom(), 16));
      } else {
        map.fitBounds(f.layer.getBounds(), {maxZoom: 16, padding: [30, 30]});
      }
      open();
    },

    /** Per-kind counts of selected and drawn features, on the map container (tests, bench). */
    counts: function () {
      var out = {}, user = {};
      atlas.layers.forEach(function (l) {
        var n = l._count;
        if (!n) { return; }
        var drawn = atlas.map && atlas.map.hasLayer(l) ? n : 0;
        if (l.options.kind) { out[l.options.kind] = {features: n, drawn: drawn}; }
        else {  // inline layers by their title, as text (it arrives escaped)
          var text = new DOMParser().parseFromString(l.options.title || l.options.key, "text/html");
          user[text.documentElement.textContent] = {features: n, drawn: drawn};
        }
      });
      var c = atlas.map && atlas.map.getContainer();
      if (c) {
        c.setAttribute("data-atlas-counts", JSON.stringify(out));
        c.setAttribute("data-user-counts", JSON.stringify(user));
        c.setAttribute("data-atlas-selection", atlas.state.id || "");
      }
      return out;
    },

    /** The on-map legend (an L.control): kinds, statuses (or, in threads mode, outcomes: CSS
     *  shows one section) and the reference lines this atlas draws (`present`); every word is
     *  from Python's labels, every colour from its style table. */
    legend: function (present) {
      var w = atlas.labels, s = atlas.styles, rows = [];
      var svg = function (inner) {
        return '<div><svg width="22" height="14" aria-hidden="true">' + inner + "</svg>";
      };
      var dash = function (d) { return d ? ' stroke-dasharray="' + d.replace(/ /g, ",") + '"' : ""; };
      rows.push('<div class="h">' + w.legend.items + "</div>");
      Object.keys(s.kinds).forEach(function (k) {
        var c = s.kinds[k].color;
        rows.push(svg('<circle cx="7" cy="7" r="5.5" fill="' + c + '" stroke="' + c + '"/>'
          + '<circle cx="17" cy="7" r="4.5" fill="' + c + '" fill-opacity=".88" stroke="#fff"/>')
          + (w.kinds[k] || k) + "</div>");
      });
      rows.push('<div class="atlas-mentions-only"><div class="h">' + w.legend.status + "</div>");
      Object.keys(s.statuses).forEach(function (k) {
        var st = s.statuses[k];
        rows.push(svg('<circle cx="7" cy="7" r="5" fill="#555" fill-opacity="' + st.fill
          + '" stroke="#555" stroke-width="1.5"' + dash(st.dash) + "/>") + (w.statuses[k] || k)
          + "</div>");
      });
      rows.push('</div><div class="atlas-threads-only"><div class="h">' + w.legend.threads + "</div>");
      Object.keys(s.outcomes).forEach(function (k) {
        rows.push(svg('<circle cx="7" cy="7" r="5.5" fill="' + s.outcomes[k] + '"/>')
          + (k ? w.outcomes[k] || k : w.legend.no_plan) + "</div>");
      });
      rows.push("</div>");
      var lines = present.filter(function (k) { return s.reference[k]; });
      if (lines.length) { rows.push('<div class="h">' + w.legend.reference + "</div>"); }
      lines.forEach(function (k) {
        var p = s.reference[k];
        rows.push(svg(k === "water"
          ? '<rect x="1" y="3" width="20" height="8" fill="' + p.fillColor + '" stroke="' + p.color + '"/>'
          : '<line x1="1" y1="7" x2="21" y2="7" stroke="' + p.color + '" stroke-width="'
            + Math.min(p.weight || 1, 4) + '"' + dash(p.dashArray) + "/>") + w.layers[k] + "</div>");
      });
      var control = L.control({position: "bottomright"});
      control.onAdd = function (map) {
        var div = L.DomUtil.create("details", "atlas-legend");
        // open on a wide map; collapsed to its title on a narrow screen (a phone, 390 px),
        // where it would cover the map: one tap opens it
        div.open = map.getSize().x >= 600;
        div.innerHTML = "<summary>" + w.legend.title + "</summary>" + rows.join("");
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      return control;
    },

    /** Fill a folium.GeoJson with a reference layer of the data file (outlines, roads …). */
    fill: function (layer, key, url) {
      load(url || atlas.data).then(function (data) { layer.addData(data.reference[key]); });
    },

    /** `style` of the reference layers: each feature carries its own (from Python), simplified
     *  as the items are (so an item on an outline is drawn exactly on it). */
    pathStyle: function (f) { return L.extend({smoothFactor: atlas.styles.smooth}, f.properties.style); },

    /** `pointToLayer` of the label layers: a name in the label pane, above cluster bubbles. */
    label: function (feature, latlng) {
      return L.marker(latlng, {pane: "atlasLabels", interactive: false, keyboard: false,
        icon: L.divIcon({className: feature.properties.cls, html: feature.properties.label,
                         iconSize: [140, 16]})});
    },

    /** Show `layer` only from `zoom` on while `parent` is on the map (road names). */
    fromZoom: function (map, parent, layer, zoom) {
      var update = function () {
        var want = map.getZoom() >= zoom && map.hasLayer(parent);
        if (want !== parent.hasLayer(layer)) {
          if (want) { parent.addLayer(layer); } else { parent.removeLayer(layer); }
        }
      };
      map.on("zoomend overlayadd overlayremove", update);
      update();
    }
  };

  // A selection from Python (payload.selection_code): "b:" + a little-endian bitmap, or "r:" +
  // run lengths (unselected first) as LEB128 varints; one 0/1 per data-file row.
  function decode(text) {
    var raw = atob(text.slice(2)), out, i;
    if (text.slice(0, 2) !== "r:") {
      out = new Uint8Array(raw.length * 8);
      for (i = 0; i < out.length; i++) { out[i] = (raw.charCodeAt(i >> 3) >> (i & 7)) & 1; }
      return out;
    }
    var runs = [], value = 0, shift = 0, total = 0;
    for (i = 0; i < raw.length; i++) {
      var c = raw.charCodeAt(i);
      value += (c & 0x7f) * Math.pow(2, shift);
      if (c & 0x80) { shift += 7; } else { runs.push(value); total += value; value = 0; shift = 0; }
    }
    out = new Uint8Array(total);
    for (i = 0, total = 0; i < runs.length; total += runs[i], i++) {
      if (i % 2) { out.fill(1, total, total + runs[i]); }
    }
    return out;
  }
  // An item geometry of the data file (payload.encode_geometries) as a Leaflet layer: [type,
  // counts…, x, y, dx, dy, …] in 1/scale degrees, each vertex a step from the one before.
  function shape(g, scale) {
    var t = g[0], at = 1, x = 0, y = 0;
    var line = function (n) {
      for (var out = new Array(n), k = 0; k < n; k++, at += 2) {
        x += g[at]; y += g[at + 1]; out[k] = new L.LatLng(y / scale, x / scale);
      }
      return out;
    };
    // not clipped to the view: the canvas clips as it draws, and Leaflet's clipping copies every
    // ring again whenever the view changes; simplified like the outlines (style.SMOOTH_FACTOR)
    var o = {noClip: true, smoothFactor: atlas.styles.smooth || 1};
    if (t === 1) { return L.polyline(line((g.length - 1) / 2), o); }
    var dot = function (ll) { return L.circleMarker(ll); };
    if (t === 3) { return L.featureGroup(line((g.length - 1) / 2).map(dot)); }
    var n = g[1], per = t === 5 ? g.slice(2, 2 + n) : [n];  // rings (lines) of each part
    at = t === 5 ? 2 + n : 2;
    var lengths = g.slice(at, at += per.reduce(function (a, b) { return a + b; }, 0));
    var parts = per.map(function (r) { return lengths.splice(0, r).map(line); });
    return t === 4 ? L.polyline(parts[0], o) : L.polygon(t === 2 ? parts[0] : parts, o);
  }
  // Adds the time since `t0` to `atlas.timing[key]` (ms, summed over layers); returns now.
  function spent(key, t0) {
    var now = performance.now();
    return (atlas.timing[key] = (atlas.timing[key] || 0) + now - t0), now;
  }
  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (m, k) {
      return values[k] == null ? m : values[k];
    });
  }

  L.AtlasItems = L.FeatureGroup.extend({
    options: {key: "items", kind: null, section: null, bits: null, data: null, rows: null,
              geoms: null, outline: null, title: null},

    initialize: function (options) {
      L.FeatureGroup.prototype.initialize.call(this, []);
      L.setOptions(this, options);
      var self = this;
      this._count = 0;
      this._shapes = L.featureGroup().addTo(this);
      this._cluster = L.markerClusterGroup({
        maxClusterRadius: 40, disableClusteringAtZoom: 16, spiderfyOnMaxZoom: false,
        showCoverageOnHover: false, removeOutsideVisibleBounds: true,
        iconCreateFunction: function (c) { return self._bubble(c); }
      }).addTo(this);
      this.bindTooltip(function (layer) { return self._tip(layer); },
                       {sticky: true, direction: "top", offset: [0, -6]});
      this.on("click", function (e) {
        if (e.layer && e.layer.atlasRows) { this._open(e.layer, e.latlng, null); }
      }, this);
      this._inline = !!options.rows;  // else the atlas' data file (or the one named)
      // a section of the file (threads) with a selection of its own, sent with each rerun
      this._own = options.bits ? decode(options.bits) : null;
      var file = this._inline ? Promise.resolve(window.atlasFetch.words(options))
        : load(options.data || atlas.data);
      this._ready = file.then(function (data) {  // the first map's time: build, then show
        var t = spent("build", self._build(data, performance.now()));
        atlas.first();
        spent("show", self._apply(t));
        atlas.counts();  // also for a layer that arrives after the rerun's selection
      }).catch(function (error) { self._fail(error); });
      atlas.layers.push(this);
    },

    // Leaflet 1.9 wires a group's tooltip to each child's getElement() (keyboard focus and
    // aria-describedby), which a cluster group lacks; canvas features take no keyboard focus
    // (the table is the keyboard route), so this layer skips both.
    _addFocusListeners: function () {},
    _removeFocusListeners: function () {},
    _setAriaDescribedByOnLayer: function () {},

    onAdd: function (map) {
      atlas.map = map;
      if (!atlas.popup) {
        atlas.popup = L.popup({maxWidth: 380, autoPanPadding: [20, 20]});
        map.on("popupclose", function () { atlas.popupFor = null; });
        map.on("movestart", function () { atlas.fitted = null; });
        map.on("popupopen", function () {  // a popup closes the tooltip: it would cover it
          map.eachLayer(function (l) { if (l.closeTooltip) { l.closeTooltip(); } });
          if (atlas.tip) { map.closeTooltip(atlas.tip); }
        });
      }
      L.FeatureGroup.prototype.onAdd.call(this, map);
      if (this._stale) { this._apply(); }  // the selection changed while it was switched off
    },

    onRemove: function (map) {
      // inline layers (user reports) and threads come anew with each rerun: forget them
      if (this._inline || this._own) {
        atlas.layers = atlas.layers.filter(function (l) { return l !== this; }, this);
      }
      L.FeatureGroup.prototype.onRemove.call(this, map);
    },

    _fail: function (error) {
      var c = atlas.map && atlas.map.getContainer();
      if (c) { c.setAttribute("data-atlas-error", String(error && error.message || error)); }
    },

    _style: function (row, area, several) {
      var s = atlas.styles, k = s.kinds[row[K]] || {color: "#333"};
      var st = several ? {} : (s.statuses[row[ST]] || {});
      var fill = st.fill == null ? 0.5 : st.fill;
      var own = row[COLOR];
      return {
        color: this.options.outline || k.color, fillColor: own || k.color,
        // areas outlined thin (style.AREA_WEIGHT: a hairline paints fast); flat dash ends and
        // corners, as in the legend's SVG (round ones: 40 % of the paint)
        weight: area ? s.areaWeight : st.weight || 2, dashArray: st.dash || null, opacity: 0.95,
        // areas stay translucent (the basemap shows through stacked shapes); points may be solid
        fillOpacity: area ? Math.min(s.areaFill[row[K]] != null ? s.areaFill[row[K]]
                                     : s.shapeFill * (own ? 1 : fill), s.areaFillMax)
                          : (own ? 0.85 : fill),
        radius: st.radius || 6, lineCap: "butt", lineJoin: "bevel"
      };
    },

    /** Build one Leaflet layer per drawable row (and per distinct shape), not yet shown. */
    _build: function (data, t0) {
      var section = this.options.section;  // a part of the file (threads), else its items
      var rows = section ? data[section] : data.items || data.rows;
      var geoms = data.geoms, scale = data.scale, kind = this.options.kind;
      var self = this, points = [], shapes = {};
      this._rows = rows;
      this._features = new Array(rows.length);  // (not grown index by index: kept dense)
      if (data.bounds) { atlas.bounds = data.bounds; }
      rows.forEach(function (row, i) {
        if (row[G] < 0 || (kind && row[K] !== kind)) { return; }
        var g = geoms[row[G]];
        if (g[0] === 0) {  // a point: [0, x, y]
          var m = L.circleMarker([g[2] / scale, g[1] / scale], self._style(row, false, false));
          m.atlasRows = [i];
          m.atlasAnchor = m.getLatLng;
          self._features[i] = m;
          points.push(i);
        } else {  // items on one shape share one drawn feature
          var s = shapes[row[G]];
          if (!s) {
            s = shapes[row[G]] = shape(g, scale);
            s.atlasArea = g[0] === 2 || g[0] === 5;
            s.atlasAnchor = function () { return s.getBounds().getCenter(); };
            s.atlasAll = [];
          }
          s.atlasAll.push(i);
          self._features[i] = s;
        }
      });
      this._points = points;
      this._shown = new Uint8Array(rows.length);  // 1: the row's point is in the cluster group
      this._shapeList = Object.keys(shapes).map(function (k) { return shapes[k]; });
      this._built = true;
      return t0;
    },

    /** Show the selected rows: points into the cluster group, shapes with their items.
     *  Only the difference with what is shown is touched (a filter change on 100× the atlas
     *  moves a few thousand features, not all of them); a layer switched off in the layer
     *  control is brought up to date when it is switched on again. */
    _apply: function (t0) {
      if (!this._built) { return t0; }
      var inline = this._inline, bits = this._own || atlas.bits;
      var hide = !this._own && !!atlas.state.threads;  // threads mode shows no mentions
      var on = function (i) { return inline || (!hide && bits && bits[i] === 1); };
      if (!this._map) {  // not drawn: count only (the layer control's switch applies it)
        this._stale = true;
        this._count = this._points.filter(on).length + this._shapeList.reduce(
          function (n, s) { return n + s.atlasAll.filter(on).length; }, 0);
        return t0;
      }
      this._stale = false;
      var shown = this._shown, features = this._features, points = this._points;
      var wanted = [], add = [], remove = [], count = 0, i, j, want;
      for (j = 0; j < points.length; j++) {
        i = points[j];
        want = on(i) ? 1 : 0;
        if (want) { wanted.push(features[i]); }
        if (want !== shown[i]) { (want ? add : remove).push(features[i]); shown[i] = want; }
      }
      // markercluster files each marker at every zoom level: taking out more markers than stay
      // costs more than starting again with those that stay
      if (remove.length > wanted.length) {
        this._cluster.clearLayers().addLayers(wanted);
      } else {
        if (remove.length) { this._cluster.removeLayers(remove); }
        if (add.length) { this._cluster.addLayers(add); }
      }
      count += wanted.length;
      for (j = 0; j < this._shapeList.length; j++) {
        var s = this._shapeList[j], rows = s.atlasAll.filter(on);
        s.atlasRows = rows;
        count += rows.length;
        // the style depends on the first row and on whether several share the shape
        var key = rows.length ? rows[0] + (rows.length > 1 ? "+" : "") : "";
        if (key === s.atlasKey) { continue; }
        if (!rows.length) { this._shapes.removeLayer(s); } else {
          s.setStyle(this._style(this._rows[rows[0]], s.atlasArea, rows.length > 1));
          if (!s.atlasKey) { this._shapes.addLayer(s); }
        }
        s.atlasKey = key;
      }
      this._count = count;
      if (atlas.popup && atlas.map) { atlas.map.closePopup(atlas.popup); }
      return t0;
    },

    _find: function (key, row) {
      if (key !== this.options.key || !this._built) { return null; }
      var f = this._features[row];
      return f && (this._cluster.hasLayer(f) || this._shapes.hasLayer(f)) ? {owner: this, layer: f} : null;
    },

    // ------------------------------------------------------------- words from Python's labels
    _meta: function (row) {
      var L_ = atlas.labels, kind = (L_.kinds || {})[row[K]] || row[K];
      var cat = (L_.categories || {})[row[CAT]] || row[CAT];
      var status = (L_.statuses || {})[row[ST]] || row[ST];
      return [kind, cat, row[YEAR], status].filter(function (x) { return x !== "" && x != null; })
        .join(" · ");
    },
    _bubble: function (cluster) {
      var n = cluster.getChildCount(), kind = this.options.kind;
      var color = this.options.outline || (atlas.styles.kinds[kind] || {}).color || "#555";
      var text = this._bubbleText(n);
      var size = n < 10 ? 28 : n < 100 ? 34 : n < 1000 ? 40 : 46;
      return L.divIcon({
        html: '<div role="img" aria-label="' + text + '" title="' + text + '" style="background:'
          + color + '">' + n + "</div>",
        className: "atlas-cluster", iconSize: L.point(size, size)
      });
    },
    _bubbleText: function (n) {
      var c = atlas.labels.cluster || {};
      return fill(c[this.options.kind || this.options.key] || c["*"] || "{n}", {n: n});
    },
    _tip: function (layer) {
      var div = document.createElement("div"), rows = layer.atlasRows;
      if (!rows) {  // a cluster bubble
        div.innerHTML = this._bubbleText(layer.getChildCount());
        return div;
      }
      var row = this._rows[rows[0]], more = rows.length - 1;
      div.innerHTML = "<b>" + row[NAME] + "</b><br>" + this._meta(row)
        + (more ? "<br>" + fill(atlas.labels.popup.more_on_shape, {n: more}) : "")
        + '<span hidden>⟦' + this.options.key + ":" + rows[0] + "⟧</span>";
      return div;
    },
    _open: function (layer, latlng, details) {
      var self = this, rows = layer.atlasRows, html;
      if (rows.length === 1) {
        html = '<div class="atlas-popup"><div class="t">' + this._rows[rows[0]][NAME]
          + '</div><div class="m">' + this._meta(this._rows[rows[0]]) + "</div></div>";
      } else {
        html = '<div class="atlas-popup"><div class="t">'
          + fill(atlas.labels.popup.items_on_shape, {n: rows.length}) + "</div><ol>"
          + rows.map(function (i) {
            return "<li><b>" + self._rows[i][NAME] + '</b> <span class="m">'
              + self._meta(self._rows[i]) + "</span></li>";
          }).join("") + "</ol></div>";
      }
      atlas.popupFor = {key: this.options.key, row: rows[0], html: html};
      var more = details && details.key === this.options.key && rows.indexOf(details.row) >= 0
        ? details.html : "";
      atlas.popup.setLatLng(latlng).setContent(html + more).openOn(atlas.map);
    }
  });

  L.atlasItems = function (options) { return new L.AtlasItems(options); };
})();
