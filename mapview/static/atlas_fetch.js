/* Jing'an Atlas: the map's data files, fetched once per page; the atlas' file from the moment
 * the map's frame opens.
 *
 * streamlit-folium loads a map's scripts one after the other (Leaflet, markercluster, the item
 * layer) and only then runs the map script, whose layers ask for the data file: a few hundred
 * milliseconds in which the 6 MB file at 100× could already be on its way. So this script comes
 * first (mapview/atlasmap.py puts it before Leaflet, naming the atlas' file in its own URL,
 * `?data=`) and starts that fetch at once; the item and reference layers (atlas_items.js) then
 * take the same promise. It needs no Leaflet.
 */
(function () {
  "use strict";
  if (window.atlasFetch) { return; }  // loaded once already
  var files = {};  // url → promise of {data: the parsed file, timing: where its time went (ms)}

  /** The parsed data file at `url` (its words in place, `words`), fetched once. */
  var atlasFetch = window.atlasFetch = function (url) {
    if (!files[url]) {
      var timing = {requested: performance.now()};
      // a `.json.gz` (mapview/assets.py publishes it beside the `.json`) comes as it is, a
      // quarter of the bytes, and is inflated here; without DecompressionStream, the `.json`
      var gz = /\.json\.gz$/.test(url), inflate = gz && window.DecompressionStream;
      files[url] = fetch(gz && !inflate ? url.slice(0, -3) : url).then(function (response) {
        if (!response.ok) { throw new Error("cannot load " + url + ": " + response.status); }
        return inflate ? new Response(response.body.pipeThrough(new DecompressionStream("gzip")))
          .text() : response.text();
      }).then(function (text) {  // parsed as soon as it is in, while other scripts may load
        var t = performance.now(), data = words(JSON.parse(text));
        timing.fetch = t - timing.requested;
        timing.parse = performance.now() - t;
        timing.bytes = text.length;
        return {data: data, timing: timing};
      });
    }
    return files[url];
  };

  /** Rows (of `items`, `threads` or inline `rows`) carry their kind, category and status as
   *  codes, indices into the file's `words` (payload.RowWords; each word sent once): the
   *  words go back in place, once, before any layer reads the rows. */
  var words = atlasFetch.words = function (data) {
    var w = data.words, slots = w ? [[1, w.kind], [3, w.category], [5, w.status]] : [];
    [data.items, data.threads, data.rows].forEach(function (rows) {
      (rows || []).forEach(function (row) {
        slots.forEach(function (s) { if (row[s[0]] != null) { row[s[0]] = s[1][row[s[0]]]; } });
      });
    });
    data.words = null;  // done
    return data;
  };

  var script = document.currentScript;
  var url = script && new URL(script.src, document.baseURI).searchParams.get("data");
  if (url) { atlasFetch(url); }
})();
