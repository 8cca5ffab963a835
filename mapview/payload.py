"""What the map needs, as plain data: pure functions over GeoDataFrames, no Streamlit.

- `map_data` — every item and the reference geography as one JSON text (the static file the
  app publishes once per atlas version; the browser fetches it once and keeps it): each
  distinct item geometry once (simplified to ~5 m, as integer steps of 10**-DECIMALS degrees:
  `encode_geometries`), items as short rows in `row_order`.
- `selection_code` — a selection over the file's rows (sorted by kind and year, `row_order`) as
  run lengths or a bitmap, whichever is shorter: what a rerun sends instead of the features.
- `not_drawn` — the items the map cannot draw, each with the reason, for the page to list.
- `user_payload` — small extra layers (uploaded reports) sent inline with the arguments.

Every string that leaves here for the browser is HTML-escaped (`escape`) — names, quotes,
statuses, categories, ids, documents, layer names — whatever the pipeline could produce or not,
so the browser script only concatenates escaped text.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import DECIMALS, KINDS, located_array
from mapview import style

#: Simplification tolerance in degrees (~5 m: under 2 px at zoom 16; downloads keep every
#: vertex). Items and reference layers share it, so an item drawn on a zone or 街道 polygon
#: is drawn exactly on that polygon's outline.
TOLERANCE = 5e-5
#: Number of longest roads labelled from zoom 13.5 (the others from zoom 15.5).
MAIN_ROADS = 25
#: Geometry types the map draws.
DRAWN_TYPES = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
)


# --------------------------------------------------------------------------- text helpers


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def escape(value: object) -> str:
    """HTML-escaped text (quotes too); missing values become ""."""
    return "" if _missing(value) else html.escape(str(value), quote=True)


def js_literal(value: object) -> str:
    """Compact JSON safe to embed in a <script> (no `<`, `>`, `&` or line separators)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def escape_column(values: pd.Series) -> list[str]:
    """`escape` of every cell (missing: ""): each distinct value escaped once, all of them in
    one pass over their joined text (names and quotes repeat; 37,000 names at 100×)."""
    codes, uniques = pd.factorize(values.astype(object))
    words = [*_escape_all([str(u) for u in uniques]), ""]  # code -1 (missing) → ""
    return np.asarray(words, dtype=object)[codes].tolist()  # type: ignore[no-any-return]


def _escape_all(texts: list[str]) -> list[str]:
    """`escape` of each text: one `html.escape` of them joined by NUL (which escaping leaves
    alone), unless a text holds a NUL itself."""
    joined = "\0".join(texts)
    if not texts or joined.count("\0") != len(texts) - 1:
        return [escape(t) for t in texts]
    return html.escape(joined, quote=True).split("\0")


def ints_or_none(values: pd.Series) -> list[int | None]:
    """`int_or_none` of every cell, vectorised (years of 37,000 items)."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    out = np.full(len(numbers), None, dtype=object)
    known = ~np.isnan(numbers)
    out[known] = np.trunc(numbers[known]).astype(np.int64).tolist()
    years: list[int | None] = out.tolist()
    return years


def int_or_none(value: object) -> int | None:
    """An integer cell, or None when missing (years and precision codes)."""
    return None if _missing(value) else int(value)  # type: ignore[call-overload]


# --------------------------------------------------------------------------- geometry


def located_mask(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """`geo.located_array` of a frame that may have lost its geometry column (a hostile or
    partial atlas): then nothing is located."""
    if gdf.geometry.name not in gdf.columns or len(gdf) == 0:
        return np.zeros(len(gdf), dtype=bool)
    return located_array(gdf.geometry.array)


def draw_reasons(items: gpd.GeoDataFrame) -> pd.Series:
    """Why each item cannot be drawn ("" when it can): an unknown kind, no geometry, or a
    geometry type the map does not draw (vectorised: linear in the items)."""
    kinds = items["kind"] if "kind" in items.columns else pd.Series(None, index=items.index)
    reasons = np.full(len(items), "", dtype=object)
    types = items.geometry.geom_type.to_numpy() if len(items) else np.array([], dtype=object)
    odd_type = ~pd.Series(types, dtype=object).isin(DRAWN_TYPES).to_numpy()
    reasons[odd_type] = [f"geometry type {t} is not drawn" for t in types[odd_type]]
    reasons[~located_mask(items)] = "unlocated: no place found for its name or location"
    unknown = ~kinds.isin(KINDS).to_numpy()
    known = ", ".join(KINDS)
    reasons[unknown] = [f"unknown kind {k!r}: the map draws {known}" for k in kinds[unknown]]
    return pd.Series(reasons, index=items.index, dtype=object)


def not_drawn(items: gpd.GeoDataFrame) -> pd.DataFrame:
    """The items the map cannot draw, with a `reason` column (nothing silently disappears)."""
    reasons = draw_reasons(items)
    drawn: pd.DataFrame = items[reasons != ""].assign(reason=reasons[reasons != ""])
    return drawn


def simplified(geoms: Iterable[Any], tolerance: float = TOLERANCE) -> np.ndarray:
    """`geoms` simplified for drawing (Douglas–Peucker, vectorised): four times faster than
    keeping topology, and a canvas draws a self-touching ring just as well; a shape that would
    vanish (smaller than `tolerance`) stays as it was."""
    array = np.asarray(list(geoms), dtype=object)
    if len(array) == 0 or tolerance <= 0:
        return array
    simple = shapely.simplify(array, tolerance, preserve_topology=False)
    gone = shapely.is_empty(simple) & ~shapely.is_empty(array)
    simple[gone] = array[gone]
    return simple


def geometry_texts(geoms: Iterable[Any], tolerance: float = TOLERANCE) -> list[str]:
    """GeoJSON geometry strings: `simplified`, rounded to `DECIMALS` places."""
    array = simplified(geoms, tolerance)
    if len(array) == 0:
        return []
    array = shapely.transform(array, lambda coords: np.round(coords, DECIMALS))
    return list(shapely.to_geojson(array))


#: Item geometries travel as integers: coordinates in units of 10**-DECIMALS degrees.
SCALE = 10**DECIMALS
#: The type code that starts an encoded geometry (`encode_geometries`; the plugin reads them).
TYPE_CODES = {"Point": 0, "LineString": 1, "Polygon": 2, "MultiPoint": 3, "MultiLineString": 4,
              "MultiPolygon": 5}  # fmt: skip
_TYPE_NAMES = {code: name for name, code in TYPE_CODES.items()}
#: shapely's type ids (`shapely.GeometryType`) → TYPE_CODES.
_CODE_OF_TYPE_ID = {0: 0, 1: 1, 3: 2, 4: 3, 5: 4, 6: 5}


def _heads(code: int, offsets: tuple[np.ndarray, ...], n: int) -> tuple[list[str], np.ndarray]:
    """The counts that open each of `n` encoded geometries of one type, and where each one's
    vertices start in the ragged coordinates (`n + 1` entries)."""
    if code == 0:  # points: one vertex each
        return ["0"] * n, np.arange(n + 1)
    if code in (1, 3):  # a line, several points: the vertex count follows from the length
        return [str(code)] * n, np.asarray(offsets[0])
    lengths = np.diff(offsets[0]).astype(str)  # vertices per ring (or per line)
    heads = []
    if code in (2, 4):  # rings (lines) per geometry
        parts = np.asarray(offsets[1])
        for a, b in zip(parts[:-1].tolist(), parts[1:].tolist(), strict=True):
            heads.append(",".join((str(code), str(b - a), *lengths[a:b])))
        return heads, np.asarray(offsets[0])[parts]
    rings, polygons = np.asarray(offsets[1]), np.asarray(offsets[2])  # multipolygons
    per_polygon = np.diff(rings).astype(str)
    for a, b in zip(polygons[:-1].tolist(), polygons[1:].tolist(), strict=True):
        heads.append(",".join((str(code), str(b - a), *per_polygon[a:b],
                               *lengths[rings[a] : rings[b]])))  # fmt: skip
    return heads, np.asarray(offsets[0])[rings[polygons]]


def decode_geometry(values: Sequence[int]) -> dict[str, Any]:
    """The GeoJSON geometry of one `encode_geometries` array (checks; any reader of the file)."""
    code, at = int(values[0]), 1
    counts: list[list[int]]
    if code in (0, 1, 3):
        counts = [[(len(values) - 1) // 2]]
    elif code in (2, 4):
        n = values[1]
        counts, at = [list(values[2 : 2 + n])], 2 + n
    else:
        polygons = values[1]
        per = list(values[2 : 2 + polygons])
        at = 2 + polygons
        lengths = list(values[at : at + sum(per)])
        at += sum(per)
        counts = [lengths[sum(per[:k]) : sum(per[: k + 1])] for k in range(polygons)]
    x = y = 0
    parts = []
    for rings in counts:
        part = []
        for length in rings:
            line = []
            for _ in range(length):
                x, y = x + values[at], y + values[at + 1]
                at += 2
                line.append([round(x / SCALE, DECIMALS), round(y / SCALE, DECIMALS)])
            part.append(line)
        parts.append(part)
    coordinates: list[Any] = {0: parts[0][0][0], 1: parts[0][0], 3: parts[0][0], 2: parts[0],
                         4: parts[0], 5: parts}[code]  # fmt: skip
    return {"type": _TYPE_NAMES[code], "coordinates": coordinates}


def encode_geometries(geoms: Iterable[Any], tolerance: float = TOLERANCE) -> list[str]:
    """Each geometry (`simplified`) as the text of a JSON array of integers,
    `[type, counts…, x, y, dx, dy, …]`: coordinates in 10**-DECIMALS degrees, the first vertex
    as it is and every other as the step from the one before (a few digits, not 20 characters
    per vertex as in GeoJSON). Counts: a Polygon `[2, rings, vertices per ring…]`, a
    MultiLineString `[4, lines, vertices per line…]`, a MultiPolygon `[5, polygons, rings per
    polygon…, vertices per ring…]`; Point, LineString and MultiPoint have none. Vectorised per
    geometry type (shapely's ragged arrays); `decode_geometry` is the inverse."""
    array = simplified(geoms, tolerance)
    if len(array) == 0:
        return []
    out = [""] * len(array)
    names = shapely.get_type_id(array)
    for type_id in np.unique(names):
        where = np.flatnonzero(names == type_id)
        _, coords, offsets = shapely.to_ragged_array(array[where], include_z=False)
        heads, spans = _heads(_CODE_OF_TYPE_ID[int(type_id)], offsets, len(where))
        ints = np.rint(coords * SCALE).astype(np.int64)
        steps = np.diff(ints, axis=0, prepend=ints[:1])
        starts = spans[:-1][spans[:-1] < len(ints)]
        steps[starts] = ints[starts]
        numbers = list(map(str, steps.ravel().tolist()))
        for k, i in enumerate(where.tolist()):
            body = ",".join(numbers[2 * spans[k] : 2 * spans[k + 1]])
            out[i] = "[" + heads[k] + "," + body + "]"
    return out


class GeometryTable:
    """Distinct geometry texts in order of first use; rows refer to them by index.

    Many items share one shape (everything placed on the same 街道 or zone): each is sent once,
    and the browser draws each distinct shape of a kind once, listing its items."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}

    def add(self, texts: Iterable[str]) -> list[int]:
        return [self._index.setdefault(t, len(self._index)) for t in texts]

    def text(self) -> str:
        return "[" + ",".join(self._index) + "]"

    def __len__(self) -> int:
        return len(self._index)


def to_gcj02(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Shift to GCJ-02 for AMap tiles (geo.crs), keeping rows and columns."""
    from geo import gdf_to_gcj02  # imported lazily: only the AMap basemap needs it

    return gdf_to_gcj02(gdf) if len(gdf) else gdf


def _bounds(gdf: gpd.GeoDataFrame) -> list[list[float]] | None:
    located = gdf[located_mask(gdf)]
    if located.empty:
        return None
    minx, miny, maxx, maxy = (round(float(v), DECIMALS) for v in located.total_bounds)
    return [[miny, minx], [maxy, maxx]]


# --------------------------------------------------------------------------- item rows


_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


class RowWords:
    """The words of the rows' `FIELDS` (kind, category, status), each sent once: a row carries
    the index of its word (a digit or two, not `"beautiful_block"` 37,000 times); the plugin
    puts the words back when the file arrives. Words are escaped."""

    FIELDS = ("kind", "category", "status")

    def __init__(self) -> None:
        self._index: dict[str, dict[str, int]] = {f: {} for f in self.FIELDS}

    def codes(self, field: str, values: pd.Series) -> list[int | None]:
        """The code of each cell of `values` (None when missing)."""
        codes, uniques = pd.factorize(values.astype(object))
        index = self._index[field]
        known = [index.setdefault(w, len(index)) for w in _escape_all([str(u) for u in uniques])]
        return np.asarray([*known, None], dtype=object)[codes].tolist()  # type: ignore[no-any-return]

    def table(self) -> dict[str, list[str]]:
        """`{field: [word of code 0, word of code 1, …]}`, as the data file carries it."""
        return {f: list(words) for f, words in self._index.items()}


def decode_rows(
    rows: Sequence[Sequence[Any]], words: Mapping[str, Sequence[str]]
) -> list[list[Any]]:
    """Rows with their words in place of the codes (`RowWords`; checks, any reader of the
    file): what the plugin draws from."""
    slots = {1: "kind", 3: "category", 5: "status"}
    return [
        [words[slots[i]][v] if i in slots and v is not None else v for i, v in enumerate(row)]
        for row in rows
    ]


def item_rows(items: gpd.GeoDataFrame, table: GeometryTable, words: RowWords) -> list[list[Any]]:
    """One row per item, in order: `[geometry index, kind, name, category, year, status]`,
    kind, category and status as codes of `words`, the name escaped, and `colour` after them
    when the item has one (a `color` column's `#rrggbb`: threads' outcomes); an item the map
    cannot draw (`draw_reasons`) is `[-1, kind]` (the page lists it; the bitmap keeps its
    place). Only what drawing, tooltips and the short popup need: quotes, sources, precision
    and locations come from Python on a click (`details_html`). Vectorised per column."""
    drawable = (draw_reasons(items) == "").to_numpy()
    index = np.full(len(items), -1, dtype=int)
    if drawable.any():
        index[drawable] = table.add(encode_geometries(items.geometry[drawable]))
    frame = items.reindex(columns=["kind", "name", "category", "year", "status"])
    rows = [
        [g, k, n, c, y, s] if g >= 0 else [g, k]
        for g, k, n, c, y, s in zip(
            index.tolist(), words.codes("kind", frame["kind"]), escape_column(frame["name"]),
            words.codes("category", frame["category"]), ints_or_none(frame["year"]),
            words.codes("status", frame["status"]), strict=True,
        )
    ]  # fmt: skip
    if "color" in items.columns:  # threads' outcome colours: a `#rrggbb`, else nothing
        for i, value in enumerate(items["color"].tolist()):
            if index[i] >= 0 and isinstance(value, str) and _HEX_COLOR.fullmatch(value):
                rows[i].append(value)
    return rows


def _docs(items: pd.DataFrame) -> dict[str, str]:
    if "doc" not in items.columns or "doc_title" not in items.columns:
        return {}
    pairs = items[["doc", "doc_title"]].dropna(subset=["doc"]).drop_duplicates("doc")
    return {escape(d): escape(t) for d, t in pairs.itertuples(index=False, name=None)}


# --------------------------------------------------------------------------- reference


def _frame(layers: Mapping[str, gpd.GeoDataFrame], key: str) -> gpd.GeoDataFrame:
    gdf = layers.get(key)
    if gdf is None or len(gdf) == 0 or gdf.geometry.name not in gdf.columns:
        return gpd.GeoDataFrame({"name": []}, geometry=[], crs="EPSG:4326")
    return gdf[located_mask(gdf)]


def _column(gdf: pd.DataFrame, name: str, default: str = "") -> list[Any]:
    return gdf[name].tolist() if name in gdf.columns else [default] * len(gdf)


def collection(gdf: gpd.GeoDataFrame, style: Mapping[str, object]) -> dict[str, Any]:
    """A reference layer as a GeoJSON FeatureCollection (simplified like the items), each
    feature with its escaped `name` and its Leaflet path `style` (elevated roads heavier)."""
    texts = geometry_texts(gdf.geometry)
    kinds = _column(gdf, "kind")
    features = []
    for text, name, kind in zip(texts, _column(gdf, "name"), kinds, strict=True):
        own = dict(style)
        if kind == "elevated":
            own["weight"] = float(own.get("weight", 1)) + 1.5  # type: ignore[arg-type]
        features.append(
            {"type": "Feature", "geometry": json.loads(text),
             "properties": {"name": escape(name), "style": own}}
        )  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def label_collection(rows: Sequence[Sequence[Any]], css: str) -> dict[str, Any]:
    """Label points (`[lat, lon, escaped text, …]`) as a FeatureCollection for `L.atlas.label`."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r[1], r[0]]},
             "properties": {"label": r[2], "cls": css}}
            for r in rows
        ],
    }  # fmt: skip


def subdistrict_labels(subdistricts: gpd.GeoDataFrame) -> list[list[Any]]:
    """`[lat, lon, full escaped name]` at a point inside each 街道 (…街道 / 彭浦镇)."""
    if subdistricts.empty:
        return []
    points = subdistricts.geometry.representative_point()
    return [
        [round(p.y, DECIMALS), round(p.x, DECIMALS), escape(n)]
        for p, n in zip(points, _column(subdistricts, "name"), strict=True)
    ]


def road_labels(roads: gpd.GeoDataFrame, main: int = MAIN_ROADS) -> list[list[Any]]:
    """`[lat, lon, escaped name, 1 if among the `main` longest roads else 0]`, one label per
    named road at the middle of its longest part."""
    if roads.empty or "name" not in roads.columns:
        return []
    named = roads[roads["name"].notna() & (roads["name"].astype(str).str.strip() != "")]
    if named.empty:
        return []
    from atlas.settings import settings

    metric = named.to_crs(settings.metric_crs)
    parts = metric.explode(index_parts=False)
    parts = parts.assign(length=parts.geometry.length).sort_values("length", ascending=False)
    longest = parts.drop_duplicates("name")
    total = metric.assign(length=metric.geometry.length).groupby("name")["length"].sum()
    rank = total.rank(ascending=False, method="first")
    middles = shapely.line_interpolate_point(
        longest.geometry.array, 0.5, normalized=True
    )  # works for lines; a polygon's boundary is not labelled
    points = gpd.GeoSeries(middles, crs=metric.crs).to_crs("EPSG:4326")
    return [
        [round(p.y, DECIMALS), round(p.x, DECIMALS), escape(n), int(rank[n] <= main)]
        for p, n in zip(points, longest["name"], strict=True)
        if p is not None and not p.is_empty
    ]


def _roads_and_water(layers: Mapping[str, gpd.GeoDataFrame]) -> tuple[gpd.GeoDataFrame, ...]:
    """The atlas' `roads` and `water` layers; river lines kept in `roads` (kind "river", the
    gazetteer's layout) count as water."""
    roads, water = _frame(layers, "roads"), _frame(layers, "water")
    if "kind" in roads.columns:
        river = roads["kind"] == "river"
        if river.any():
            water = pd.concat([water, roads[river]], ignore_index=True)
            roads = roads[~river]
    return roads, gpd.GeoDataFrame(water, geometry=water.geometry.name, crs="EPSG:4326")


def has_roads_and_water(layers: Mapping[str, gpd.GeoDataFrame]) -> tuple[bool, bool]:
    """Whether the atlas has roads and river/water to draw (the offline basemap's promise)."""
    roads, water = _roads_and_water(layers)
    return len(roads) > 0, len(water) > 0


# --------------------------------------------------------------------------- the data file

#: The reference layers of the data file, bottom to top (the keys of `style.REFERENCE_STYLE`).
REFERENCE = ("water", "roads", "zones", "subdistricts", "district")
#: The label layers: key → (label CSS classes).
LABELS = {
    "subdistrict_names": "atlas-label",
    "road_names_main": "atlas-label atlas-road-label",
    "road_names_minor": "atlas-label atlas-road-label",
}


def reference_frames(layers: Mapping[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """The located features of each reference layer of an atlas (each may be empty)."""
    frames = {k: _frame(layers, k) for k in ("district", "subdistricts", "zones")}
    frames["roads"], frames["water"] = _roads_and_water(layers)
    return frames


def present_layers(layers: Mapping[str, gpd.GeoDataFrame]) -> tuple[str, ...]:
    """Which reference and label layers an atlas can draw (the map adds only those, and the
    legend promises only those)."""
    frames = reference_frames(layers)
    keys = [k for k in REFERENCE if len(frames[k])]
    if len(frames["subdistricts"]):
        keys.append("subdistrict_names")
    if len(frames["roads"]) and "name" in frames["roads"].columns:
        keys += ["road_names_main", "road_names_minor"]
    return tuple(keys)


def map_data(
    items: gpd.GeoDataFrame, layers: Mapping[str, gpd.GeoDataFrame], *, gcj02: bool = False
) -> str:
    """Every item (drawn or not, in `row_order`) and the reference and label layers of
    `layers` (`district`, `subdistricts`, `zones`, `roads`, `water`; each may be missing or
    empty), as the JSON text of the map's static data file. With `gcj02` every geometry is
    shifted for GCJ-02 tiles (AMap)."""
    frames = reference_frames(layers)
    if gcj02:
        items = to_gcj02(items)
        frames = {k: to_gcj02(v) for k, v in frames.items()}
    table, words = GeometryTable(), RowWords()
    rows = item_rows(items.iloc[row_order(items)], table, words)
    reference: dict[str, dict[str, Any]] = {
        k: collection(frames[k], style.REFERENCE_STYLE[k][1]) for k in REFERENCE
    }
    roads = road_labels(frames["roads"])
    reference["subdistrict_names"] = label_collection(
        subdistrict_labels(frames["subdistricts"]), LABELS["subdistrict_names"]
    )
    reference["road_names_main"] = label_collection(
        [r for r in roads if r[3]], LABELS["road_names_main"]
    )
    reference["road_names_minor"] = label_collection(
        [r for r in roads if not r[3]], LABELS["road_names_minor"]
    )
    drawable = items[(draw_reasons(items) == "").to_numpy()]
    rest = {
        "scale": SCALE,
        "items": rows,
        "threads": thread_rows(items, layers.get("threads"), table, words, gcj02=gcj02),
        "reference": reference,
        "bounds": _bounds(drawable) or _bounds(frames["district"]),
    }
    rest["words"] = words.table()  # after the thread rows: they add theirs
    return '{"geoms":' + table.text() + "," + js_literal(rest)[1:]


def thread_ids(items: pd.DataFrame) -> list[str]:
    """The threads of the atlas' items, sorted: the data file's thread rows, in this order (so
    a rerun names a selection of threads by position, computed from the items alone)."""
    if "thread" not in items.columns:
        return []
    return sorted(set(items["thread"].dropna().astype(str)))


def thread_rows(
    items: pd.DataFrame,
    threads: gpd.GeoDataFrame | None,
    table: GeometryTable,
    words: RowWords,
    *,
    gcj02: bool = False,
) -> list[list[Any]]:
    """One row per `thread_ids(items)`, as `item_rows` (`[-1, kind]` for a thread the map
    cannot draw): the threads mode's layer (`mapview.threadmap.file_rows`), in the data file
    rather than sent with every rerun."""
    ids = thread_ids(items)
    if threads is None or not ids or "thread" not in threads.columns:
        return [[-1, None] for _ in ids]
    from mapview.threadmap import file_rows  # the threads' words and outcome colours

    frame = file_rows(to_gcj02(threads) if gcj02 else threads)
    frame = frame.assign(thread=frame["thread"].astype(str)).drop_duplicates("thread")
    ordered = gpd.GeoDataFrame(
        frame.set_index("thread").reindex(ids).reset_index(), geometry="geometry", crs=frame.crs
    )
    return item_rows(ordered, table, words)


def bounds_of(items: gpd.GeoDataFrame, gcj02: bool = False) -> list[list[float]] | None:
    """`[[south, west], [north, east]]` of the drawable `items` (for fitting the view)."""
    drawable = items[(draw_reasons(items) == "").to_numpy()] if len(items) else items
    if gcj02 and len(drawable):
        drawable = to_gcj02(drawable)
    return _bounds(drawable)


def row_order(items: pd.DataFrame) -> np.ndarray:
    """The order of the items in the data file: by kind, then year (stable). Filters mostly
    pick kinds and year ranges, so a selection in this order is a few long runs (`selection_code`
    sends it in a few bytes); the atlas order is kept within equal keys."""
    if len(items) == 0:
        return np.zeros(0, dtype=int)
    kinds = (
        items["kind"].astype(str).to_numpy() if "kind" in items.columns else np.zeros(len(items))
    )
    year_key = np.zeros(len(items))
    if "year" in items.columns:
        year_key = pd.to_numeric(items["year"], errors="coerce").fillna(1e9).to_numpy()
    return np.lexsort((np.arange(len(items)), year_key, kinds))


def selection_bits(mask: Sequence[bool] | np.ndarray | pd.Series) -> str:
    """A selection as base64 of a little-endian bitmap (one bit per data-file row)."""
    bits = np.packbits(np.asarray(mask, dtype=bool), bitorder="little")
    return base64.b64encode(bits.tobytes()).decode("ascii")


def _varints(values: Iterable[int]) -> bytes:
    out = bytearray()
    for value in values:
        while value >= 0x80:
            out.append((value & 0x7F) | 0x80)
            value >>= 7
        out.append(value)
    return bytes(out)


def selection_code(mask: Sequence[bool] | np.ndarray | pd.Series) -> str:
    """A selection over the data file's rows, as sent on a rerun: `r:` + base64 of the run
    lengths (unselected first, LEB128 varints) when shorter, else `b:` + the bitmap."""
    selected = np.asarray(mask, dtype=bool)
    edges = np.flatnonzero(np.diff(np.concatenate(([False], selected, [not selected[-1]]
                                                   if len(selected) else [True]))))  # fmt: skip
    runs = np.diff(np.concatenate(([0], edges))).tolist() if len(selected) else []
    rle = "r:" + base64.b64encode(_varints(runs)).decode("ascii")
    bitmap = "b:" + selection_bits(selected)
    return rle if len(rle) < len(bitmap) else bitmap


def inline_rows(items: gpd.GeoDataFrame, *, gcj02: bool = False) -> dict[str, Any]:
    """A small layer (an uploaded report, the threads of a selection) sent inline with a
    rerun: `{"geoms", "scale", "rows", "words"}` as in the data file, only its drawable items."""
    shifted = to_gcj02(items) if gcj02 else items
    table, words = GeometryTable(), RowWords()
    rows = [r for r in item_rows(shifted, table, words) if r[0] >= 0]
    return {"geoms": json.loads(table.text()), "scale": SCALE, "rows": rows,
            "words": words.table()}  # fmt: skip
