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
  var files = {};  // url → promise of {data: the parsed file, timing: where its time went (ms)}
  window.atlasFetch = window.atlasFetch || function (url) {
    if (!files[url]) {
      var timing = {requested: performance.now()};
      files[url] = fetch(url).then(function (response) {
        if (!response.ok) { throw new Error("cannot load " + url + ": " + response.status); }
        return response.text();
      }).then(function (text) {  // parsed as soon as it is in, while other scripts may load
        var t = performance.now(), data = JSON.parse(text);
        timing.fetch = t - timing.requested;
        timing.parse = performance.now() - t;
        timing.bytes = text.length;
        return {data: data, timing: timing};
      });
    }
    return files[url];
  };
  var script = document.currentScript;
  var url = script && new URL(script.src, document.baseURI).searchParams.get("data");
  if (url) { window.atlasFetch(url); }
})();
