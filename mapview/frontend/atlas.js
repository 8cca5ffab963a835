/* Jing'an Atlas map: a Streamlit component frame (mapview/component.py) drawing with Leaflet.
 *
 * The items and the reference geography come once, as a static JSON file the app publishes
 * (`args.data`, named by content hash); a rerun only sends the selection, a bitmap over the
 * items in file order (`args.selection`), so a filter change moves a few kB instead of the
 * whole map, and this frame is never remounted. Every string in the data file and in the
 * arguments is HTML-escaped by the Python side (mapview/payload.py); this script only
 * concatenates those strings and never falls back to a raw value.
 */
"use strict";

(function () {
  // ----------------------------------------------------------------- Streamlit protocol (v1)
  function send(type, data) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, data), "*");
  }
  function setValue(value) { send("streamlit:setComponentValue", {value: value, dataType: "json"}); }

  var S = {
    map: null, panes: {}, renderers: {}, control: null, legend: null, tiles: null,
    basemap: null, dataUrl: null, data: null, built: null, selection: null, focus: null,
    userKey: null, user: [], clicks: 0, popupOwner: null, tooltip: null, rendered: null
  };
  var assetsReady = null, pending = null, busy = false;

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = url; s.onload = resolve;
      s.onerror = function () { reject(new Error("cannot load " + url)); };
      document.head.appendChild(s);
    });
  }
  function loadAssets(assets) {
    if (!assetsReady) {
      (assets.css || []).forEach(function (url) {
        var l = document.createElement("link"); l.rel = "stylesheet"; l.href = url;
        document.head.appendChild(l);
      });
      assetsReady = (assets.js || []).reduce(function (p, url) {
        return p.then(function () { return loadScript(url); });
      }, Promise.resolve());
    }
    return assetsReady;
  }

  // ----------------------------------------------------------------- styles and text
  var AREA_FILL = {zone: 0.06};
  var SHAPE_FILL = 0.25;
  function kindOf(k) { return S.data.kinds[k] || {color: "#333", label: ""}; }
  function statusOf(s) { return S.data.statuses[s] || {}; }
  function itemStyle(kind, status, area, several) {
    var k = kindOf(kind), s = several ? {} : statusOf(status);
    var fill = s.fill == null ? 0.5 : s.fill;
    return {color: k.color, fillColor: k.color, weight: s.weight || 2,
            dashArray: s.dash || null, opacity: 0.95,
            fillOpacity: area ? (AREA_FILL[kind] != null ? AREA_FILL[kind] : SHAPE_FILL * fill)
                              : fill};
  }
  // An item row of the data file: [geometry, kind, id, name, category, year, status,
  // status label, location, quote, doc, precision]; every string already HTML-escaped.
  var G = 0, K = 1, ID = 2, NAME = 3, CAT = 4, YEAR = 5, ST = 6, STL = 7, LOC = 8, Q = 9,
      DOC = 10, PREC = 11;
  function meta(r) {
    return [kindOf(r[K]).label, r[CAT], r[YEAR] == null ? "" : r[YEAR], r[STL]]
      .filter(function (x) { return x !== "" && x != null; }).join(" · ");
  }
  function source(r) {
    var docs = S.data.docs, p = r[PREC];
    return (docs[r[DOC]] || r[DOC]) + (r[YEAR] == null ? "" : ", " + r[YEAR]) + "<br>"
      + "precision " + (p == null ? "–" : p + " · " + (S.data.precision[p] || ""))
      + (r[LOC] && r[LOC] !== r[NAME] ? "<br>location: " + r[LOC] : "");
  }
  function itemPopup(r) {
    return '<div class="atlas-popup"><div class="t">' + r[NAME] + "</div>"
      + '<div class="m">' + meta(r) + "</div><blockquote>" + r[Q] + "</blockquote>"
      + '<div class="s">' + source(r) + "</div></div>";
  }
  function groupPopup(rows) {
    if (rows.length === 1) { return itemPopup(rows[0]); }
    var list = rows.map(function (r) {
      return "<li><b>" + r[NAME] + "</b> <span class=\"m\">" + meta(r) + "</span>"
        + "<details><summary>source</summary><blockquote>" + r[Q] + "</blockquote>"
        + '<div class="s">' + source(r) + "</div></details></li>";
    });
    return '<div class="atlas-popup"><div class="t">' + rows.length
      + " items on this shape</div><ol>" + list.join("") + "</ol></div>";
  }
  function tooltipText(rows) {
    var r = rows[0];
    return "<b>" + r[NAME] + "</b><br>" + meta(r)
      + (rows.length > 1 ? "<br>+ " + (rows.length - 1) + " more on this shape" : "");
  }

  // ----------------------------------------------------------------- the map
  function pane(name, z, interactive) {
    var p = S.map.createPane(name);
    p.style.zIndex = z;
    if (!interactive) { p.style.pointerEvents = "none"; }
    S.panes[name] = p;
    S.renderers[name] = L.canvas({pane: name, padding: 0.3});
  }
  function createMap() {
    var map = L.map("map", {preferCanvas: true, zoomSnap: 0.5, minZoom: 9, maxZoom: 19});
    S.map = map;
    L.control.scale().addTo(map);
    pane("atlasBase", 250, false);       // roads and river under everything
    pane("atlasShapes", 400, true);      // item lines and areas
    pane("atlasOutlines", 450, false);   // district, 街道 and zone outlines above the fills
    pane("atlasPoints", 500, true);      // item points (cluster bubbles are markers: 600)
    pane("atlasLabels", 640, false);     // 街道 and road names above cluster bubbles
    S.tooltip = L.tooltip({sticky: true, direction: "top", offset: [0, -6]});
    S.popup = L.popup({maxWidth: 380, autoPanPadding: [20, 20]});  // one popup, reused
    // A popup closes the tooltip and dims the legend, so neither covers what it says.
    map.on("popupopen", function () {
      map.closeTooltip(S.tooltip);
      map.getContainer().classList.add("atlas-popup-open");
    });
    map.on("popupclose", function () {
      S.popupOwner = null;
      map.getContainer().classList.remove("atlas-popup-open");
    });
    map.on("zoomend", roadLabelsForZoom);
    map.on("overlayadd overlayremove", updateCounts);
    window.map = map;
  }
  function hover(owner, rows, latlng) {
    if (S.popupOwner === owner) { return; }  // its popup is open: no tooltip on top of it
    S.tooltip.setContent(tooltipText(rows)).setLatLng(latlng);
    S.map.openTooltip(S.tooltip);
  }
  function unhover() { S.map.closeTooltip(S.tooltip); }
  function openPopup(owner, rows, latlng) {
    unhover();
    S.popupOwner = owner;
    S.popup.setLatLng(latlng).setContent(groupPopup(rows)).openOn(S.map);
  }
  function clicked(owner, rows, latlng) {
    openPopup(owner, rows, latlng);
    setValue({id: rows[0][ID], n: ++S.clicks});
  }

  function setBasemap(b) {
    var key = JSON.stringify(b || {});
    if (key === S.basemap) { return; }
    S.basemap = key;
    if (S.tiles) { S.map.removeLayer(S.tiles); S.tiles = null; }
    var c = S.map.getContainer();
    if (b && b.url) {
      c.classList.remove("atlas-offline");
      S.tiles = L.tileLayer(b.url, {attribution: b.attribution, subdomains: b.subdomains,
                                     maxZoom: b.maxZoom}).addTo(S.map);
      S.map.setMaxZoom(b.maxZoom);
    } else {
      c.classList.add("atlas-offline");
      S.map.setMaxZoom(19);
    }
  }

  // ----------------------------------------------------------------- building from the data
  function geometry(g) { return S.data.geoms[g]; }
  function isPoint(g) { var x = geometry(g); return x && x.type === "Point"; }
  function isArea(g) { return /Polygon/.test(geometry(g).type); }
  function clusterIcon(kind) {
    var color = kindOf(kind).color;
    return function (cluster) {
      var n = cluster.getChildCount(), size = n < 10 ? 28 : n < 100 ? 34 : n < 1000 ? 40 : 46;
      return L.divIcon({html: '<div style="background:' + color + '">' + n + "</div>",
                        className: "atlas-cluster", iconSize: L.point(size, size)});
    };
  }
  function referenceLayer(key, rows, paneName) {
    var st = S.data.reference_styles[key];
    var group = L.featureGroup();
    rows.forEach(function (row) {
      var o = Object.assign({}, st.path, {interactive: false, renderer: S.renderers[paneName]});
      if (key === "roads" && row[2] === "elevated") { o.weight = (o.weight || 1) + 1.5; }
      L.geoJSON(geometry(row[0]), {style: function () { return o; }, interactive: false,
                                   pointToLayer: function (f, ll) { return L.circleMarker(ll, o); }})
        .addTo(group);
    });
    return group;
  }
  function labelLayer(rows, cls) {
    var group = L.layerGroup();
    rows.forEach(function (r) {
      L.marker([r[0], r[1]], {pane: "atlasLabels", interactive: false, keyboard: false,
        icon: L.divIcon({className: cls, html: r[2], iconSize: [140, 16]})}).addTo(group);
    });
    return group;
  }
  function roadLabelsForZoom() {
    var b = S.built;
    if (!b || !b.roadLabels) { return; }
    var z = S.map.getZoom();
    [[b.roadLabels.main, 13.5], [b.roadLabels.minor, 15.5]].forEach(function (pair) {
      var want = z >= pair[1] && S.map.hasLayer(b.roadLabels.parent);
      if (want && !S.map.hasLayer(pair[0])) { pair[0].addTo(S.map); }
      if (!want && S.map.hasLayer(pair[0])) { S.map.removeLayer(pair[0]); }
    });
  }

  function clearBuilt() {
    var b = S.built;
    if (!b) { return; }
    b.all.forEach(function (l) { S.map.removeLayer(l); });
    if (S.control) { S.map.removeControl(S.control); S.control = null; }
    if (S.legend) { S.map.removeControl(S.legend); S.legend = null; }
    S.built = null;
  }

  function build() {
    var d = S.data, map = S.map;
    var b = {kinds: {}, byId: {}, all: [], overlays: {}, ref: {}};
    // reference geography, bottom to top
    var order = [["water", "atlasBase"], ["roads", "atlasBase"], ["zones", "atlasOutlines"],
                 ["subdistricts", "atlasOutlines"], ["district", "atlasOutlines"]];
    order.forEach(function (pair) {
      var rows = d.reference[pair[0]] || [];
      if (!rows.length) { return; }
      var layer = referenceLayer(pair[0], rows, pair[1]);
      b.ref[pair[0]] = layer;
      b.overlays[d.reference_styles[pair[0]].label] = layer;
    });
    if (d.labels.subdistricts.length) {
      var sl = labelLayer(d.labels.subdistricts, "atlas-label");
      b.overlays["街道 names"] = sl; b.ref.labels = sl;
    }
    if (d.labels.roads.length) {
      var main = [], minor = [];
      d.labels.roads.forEach(function (r) { (r[3] ? main : minor).push(r); });
      var parent = L.layerGroup();
      b.roadLabels = {parent: parent, main: labelLayer(main, "atlas-label atlas-road-label"),
                      minor: labelLayer(minor, "atlas-label atlas-road-label")};
      b.overlays["Road names"] = parent;
      b.all.push(b.roadLabels.main, b.roadLabels.minor);
    }
    // item layers: per kind one group with its shapes and its clustered points
    d.draw_order.forEach(function (kind) {
      var group = L.layerGroup(), shapes = L.featureGroup().addTo(group);
      var cluster = L.markerClusterGroup({maxClusterRadius: 40, disableClusteringAtZoom: 16,
        spiderfyOnMaxZoom: false, showCoverageOnHover: false, removeOutsideVisibleBounds: true,
        iconCreateFunction: clusterIcon(kind)});
      cluster.addTo(group);
      cluster.on("click", function (e) { clicked(e.layer, [d.items[e.layer.atlasIndex]], e.latlng); });
      cluster.on("mouseover", function (e) { hover(e.layer, [d.items[e.layer.atlasIndex]], e.latlng); });
      cluster.on("mouseout", unhover);
      b.kinds[kind] = {group: group, shapes: shapes, cluster: cluster, markers: [], shapeLayers: {},
                       shown: {}, pointCount: 0, shapeCount: 0};
      b.overlays['<span style="color:' + kindOf(kind).color + '">●</span> ' + kindOf(kind).label] = group;
    });
    d.items.forEach(function (r, i) {
      var g = r[G], entry = b.kinds[r[K]];
      b.byId[r[ID]] = i;
      if (g < 0 || !entry || !isPoint(g)) { return; }
      var c = geometry(g).coordinates, st = statusOf(r[ST]);
      var m = L.circleMarker([c[1], c[0]], Object.assign(itemStyle(r[K], r[ST], false, false),
        {radius: st.radius || 6, renderer: S.renderers.atlasPoints}));
      m.atlasIndex = i;
      entry.markers[i] = m;
    });
    Object.keys(b.overlays).forEach(function (name) {
      var l = b.overlays[name];
      l.addTo(map); b.all.push(l);
    });
    S.control = L.control.layers(null, b.overlays, {collapsed: true}).addTo(map);
    S.built = b;
    legend();
    roadLabelsForZoom();
  }

  function shapeLayer(entry, kind, g) {
    var layer = entry.shapeLayers[g];
    if (layer) { return layer; }
    layer = L.geoJSON(geometry(g), {renderer: S.renderers.atlasShapes,
      pointToLayer: function (f, ll) { return L.circleMarker(ll, {radius: 6}); }});
    layer.atlasRows = [];
    layer.on("click", function (e) { clicked(layer, layer.atlasRows, e.latlng); });
    layer.on("mouseover", function (e) { hover(layer, layer.atlasRows, e.latlng); });
    layer.on("mouseout", unhover);
    entry.shapeLayers[g] = layer;
    return layer;
  }

  // ----------------------------------------------------------------- the selection
  function decode(bits, n) {
    var raw = atob(bits || ""), out = new Uint8Array(n);
    for (var i = 0; i < n; i++) { out[i] = (raw.charCodeAt(i >> 3) >> (i & 7)) & 1; }
    return out;
  }
  function applySelection(sel) {
    var d = S.data, b = S.built, n = d.items.length;
    var chosen = decode(sel, n);
    Object.keys(b.kinds).forEach(function (kind) {
      var e = b.kinds[kind];
      e.points = []; e.groups = {};
    });
    for (var i = 0; i < n; i++) {
      if (!chosen[i]) { continue; }
      var r = d.items[i], e = b.kinds[r[K]];
      if (!e || r[G] < 0) { continue; }
      if (e.markers[i]) { e.points.push(e.markers[i]); }
      else { (e.groups[r[G]] = e.groups[r[G]] || []).push(r); }
    }
    Object.keys(b.kinds).forEach(function (kind) {
      var e = b.kinds[kind];
      e.cluster.clearLayers();
      e.cluster.addLayers(e.points);
      e.pointCount = e.points.length;
      var keep = {}, count = 0;
      Object.keys(e.groups).forEach(function (g) {
        var rows = e.groups[g], layer = shapeLayer(e, kind, +g);
        layer.atlasRows = rows;
        layer.setStyle(itemStyle(kind, rows[0][ST], isArea(+g), rows.length > 1));
        if (!e.shapes.hasLayer(layer)) { e.shapes.addLayer(layer); }
        keep[g] = true; count += rows.length;
      });
      Object.keys(e.shapeLayers).forEach(function (g) {
        if (!keep[g] && e.shapes.hasLayer(e.shapeLayers[g])) { e.shapes.removeLayer(e.shapeLayers[g]); }
      });
      e.shapeCount = count;
    });
    S.map.closePopup();
  }

  function counts() {
    var out = {};
    if (!S.built) { return out; }
    Object.keys(S.built.kinds).forEach(function (kind) {
      var e = S.built.kinds[kind], n = e.pointCount + e.shapeCount;
      if (!n) { return; }
      var shown = S.map.hasLayer(e.group);
      out[kind] = {features: n,
                   drawn: shown ? e.cluster.getLayers().length + e.shapeCount : 0};
    });
    return out;
  }
  function updateCounts() {
    if (!S.map) { return; }
    var c = S.map.getContainer();
    c.setAttribute("data-atlas-counts", JSON.stringify(counts()));
    if (S.rendered != null) { c.setAttribute("data-atlas-selection", S.rendered); }
    var user = {};  // per user layer (label as text): features, drawn
    (S.userInfo || []).forEach(function (u) {
      var text = new DOMParser().parseFromString(u.label, "text/html").documentElement.textContent;
      user[text] = {features: u.n, drawn: S.map.hasLayer(u.group) ? u.n : 0};
    });
    c.setAttribute("data-user-counts", JSON.stringify(user));
    roadLabelsForZoom();
  }

  // ----------------------------------------------------------------- legend
  function swatch(svg) { return '<div><svg width="22" height="14">' + svg + "</svg>"; }
  function legend() {
    var d = S.data, rows = [];
    rows.push('<div class="h">Items · bubble = several of one kind</div>');
    d.legend_kinds.forEach(function (k) {
      var c = kindOf(k).color;
      rows.push(swatch('<circle cx="7" cy="7" r="5.5" fill="' + c + '" stroke="' + c + '"/>'
        + '<circle cx="17" cy="7" r="4.5" fill="' + c + '" fill-opacity=".88" stroke="#fff"/>')
        + kindOf(k).label + "</div>");
    });
    rows.push('<div class="h">Status</div>');
    Object.keys(d.statuses).forEach(function (s) {
      var st = d.statuses[s];
      rows.push(swatch('<circle cx="7" cy="7" r="5" fill="#555" fill-opacity="' + st.fill
        + '" stroke="#555" stroke-width="1.5"'
        + (st.dash ? ' stroke-dasharray="' + st.dash.replace(" ", ",") + '"' : "") + "/>")
        + st.label + "</div>");
    });
    rows.push('<div class="h">Reference lines</div>');
    ["district", "subdistricts", "zones", "roads", "water"].forEach(function (key) {
      if (!(d.reference[key] || []).length) { return; }  // never promise what is not drawn
      var st = d.reference_styles[key], p = st.path;
      var line = p.fill && key === "water"
        ? '<rect x="1" y="3" width="20" height="8" fill="' + p.fillColor + '" stroke="' + p.color + '"/>'
        : '<line x1="1" y1="7" x2="21" y2="7" stroke="' + p.color + '" stroke-width="'
          + Math.min(p.weight || 1, 4) + '"' + (p.dashArray ? ' stroke-dasharray="'
          + p.dashArray.replace(" ", ",") + '"' : "") + "/>";
      rows.push(swatch(line) + st.label + "</div>");
    });
    S.legend = L.control({position: "bottomright"});
    S.legend.onAdd = function () {
      var div = L.DomUtil.create("details", "atlas-legend");
      div.open = true;
      div.innerHTML = "<summary>Legend</summary>" + rows.join("");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    S.legend.addTo(S.map);
  }

  // ----------------------------------------------------------------- user layers
  function setUser(user) {
    var key = JSON.stringify(user || []);
    if (key === S.userKey) { return; }
    S.userKey = key;
    S.user.forEach(function (l) { S.map.removeLayer(l); if (S.control) { S.control.removeLayer(l); } });
    S.user = []; S.userInfo = [];
    (user || []).forEach(function (layer) {
      var group = L.featureGroup();
      layer.items.forEach(function (r, n) {
        var g = layer.geoms[r[G]];
        if (!g) { return; }
        var rows = [r], st = itemStyle(r[K], r[ST], /Polygon/.test(g.type), false);
        var own = layer.colors && layer.colors[n];  // "#rrggbb" checked by the server, or null
        if (own) { st = Object.assign({}, st, {fillColor: own, fillOpacity: 0.85}); }
        var l = L.geoJSON(g, {style: function () { return Object.assign({}, st, {color: "#111"}); },
          pointToLayer: function (f, ll) {
            return L.circleMarker(ll, Object.assign({}, st, {radius: 7, color: "#111", weight: 2.5}));
          }});
        l.atlasRows = rows; l.atlasUser = true;
        l.on("click", function (e) { openPopup(l, rows, e.latlng); });
        l.on("mouseover", function (e) { hover(l, rows, e.latlng); });
        l.on("mouseout", unhover);
        l.addTo(group);
      });
      var n = group.getLayers().length;
      if (!n) { return; }  // nothing of it to draw: listed by the page, not promised here
      group.addTo(S.map);
      if (S.control) { S.control.addOverlay(group, "◆ " + layer.label + " (" + n + ")"); }
      S.user.push(group);
      S.userInfo.push({label: layer.label, group: group, n: n});
    });
  }

  // ----------------------------------------------------------------- finding features
  function find(id) {
    var b = S.built, i = b && b.byId[id];
    if (i == null) { return null; }
    var r = S.data.items[i], e = b.kinds[r[K]];
    if (!e || r[G] < 0) { return null; }
    if (e.markers[i]) { return e.markers[i]; }
    var layer = e.shapeLayers[r[G]];
    return layer && e.shapes.hasLayer(layer) ? layer : null;
  }
  function rowsOf(layer) {
    return layer.atlasRows || [S.data.items[layer.atlasIndex]];
  }
  function anchor(layer) { return layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter(); }
  function pixel(id) {
    var l = find(id);
    return l ? S.map.latLngToContainerPoint(anchor(l)) : null;
  }
  function clusterOf(l) {
    var r = S.data.items[l.atlasIndex], e = r && S.built.kinds[r[K]];
    return e && l.atlasIndex != null && e.cluster.hasLayer(l) ? e.cluster : null;
  }
  function alone(id) {
    var l = find(id);
    if (!l) { return false; }
    var c = clusterOf(l);
    return c ? c.getVisibleParent(l) === l : true;
  }
  function reveal(id, open) {
    // Zoom to a feature (a point until it is drawn on its own); resolves with its pixel.
    var l = find(id);
    return new Promise(function (resolve) {
      if (!l) { resolve(null); return; }
      var done = function () {
        if (open) { openPopup(l, rowsOf(l), anchor(l)); }
        resolve(pixel(id));
      };
      var moved = false;
      S.map.once("moveend", function () { moved = true; setTimeout(done, 250); });
      if (l.getLatLng) { S.map.setView(l.getLatLng(), Math.max(S.map.getZoom(), 16)); }
      else { S.map.fitBounds(l.getBounds(), {maxZoom: 16, padding: [30, 30]}); }
      setTimeout(function () { if (!moved) { done(); } }, 1200);  // already in view
    });
  }

  window.ATLAS = {counts: counts, find: find, pixel: pixel, alone: alone, reveal: reveal,
                  open: function (id) { var l = find(id); if (l) { openPopup(l, rowsOf(l), anchor(l)); } },
                  hover: function (id) { var l = find(id); if (l) { hover(l, rowsOf(l), anchor(l)); } },
                  state: S};

  // ----------------------------------------------------------------- rendering the arguments
  function fail(error) {
    var div = document.getElementById("map");
    div.setAttribute("data-atlas-error", String(error && error.message || error));
    var note = document.createElement("div");
    note.className = "atlas-error";
    note.textContent = "The map could not be drawn: " + (error && error.message || error);
    document.body.appendChild(note);
  }
  function render(args) {
    return loadAssets(args.assets).then(function () {
      if (!S.map) { createMap(); }
      setBasemap(args.basemap);
      if (args.data !== S.dataUrl) {
        var t0 = performance.now();
        return fetch(args.data).then(function (response) {
          if (!response.ok) { throw new Error("cannot load " + args.data + ": " + response.status); }
          return response.text();
        }).then(function (text) {
          var t1 = performance.now(), data = JSON.parse(text), t2 = performance.now();
          var first = S.data == null;
          clearBuilt();
          S.data = data; S.dataUrl = args.data; S.selection = null;
          build();
          // where the first map's time goes (read by bench/browser_child.py)
          S.timing = {fetch: t1 - t0, parse: t2 - t1, build: performance.now() - t2,
                      bytes: text.length};
          if (first && data.bounds) { S.map.fitBounds(data.bounds, {maxZoom: 16}); }
          if (S.user.length) { S.userKey = null; }
        });
      }
    }).then(function () {
      if (args.selection !== S.selection) {
        var t3 = performance.now();
        applySelection(args.selection);
        S.selection = args.selection;
        if (S.timing) { S.timing.select = performance.now() - t3; }
      }
      setUser(args.user);
      S.rendered = args.selection_id;
      updateCounts();
      var f = args.focus;
      if (f && f.n !== S.focus) {
        S.focus = f.n;
        return reveal(f.id, true);
      }
    });
  }
  function next() {
    if (busy || !pending) { return; }
    var args = pending; pending = null; busy = true;
    render(args).catch(fail).then(function () { busy = false; next(); });
  }
  window.addEventListener("message", function (event) {
    var m = event.data;
    if (!m || m.type !== "streamlit:render") { return; }
    if (m.args.height) { send("streamlit:setFrameHeight", {height: m.args.height}); }
    pending = m.args;  // only the latest arguments matter
    next();
  });
  send("streamlit:componentReady", {apiVersion: 1});
})();
