"""The map's data and Folium map: what reaches the browser is escaped, rounded, complete, compact
and local; the published files stay bounded; a read-only checkout still serves the map."""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import urllib.parse
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from geo.crs import wgs84_to_gcj02
from geo.filters import Filters, mask
from geo.schema import KINDS, STATUSES
from mapview import assets, atlasmap, payload, style
from mapview import labels as lbl
from mapview.panels import md_escape
from tests.app.conftest import st_folium_args
from tests.worlds.page import HOSTILE, SCRIPT_NAME, hostile_layers, items_frame, reference_frames


@pytest.fixture(scope="module")
def items():
    return items_frame()


@pytest.fixture(scope="module")
def ref():
    return reference_frames()


@pytest.fixture(scope="module")
def data(items, ref):
    return json.loads(payload.map_data(items, ref))


@pytest.fixture(scope="module")
def rows(data):
    """The data file's item rows with their words in place of the codes (as the plugin reads
    them)."""
    return payload.decode_rows(data["items"], data["words"])


def test_every_item_is_a_row_sorted_by_kind_and_year_and_every_located_one_drawable(items, rows):
    order = payload.row_order(items)
    ordered = items.iloc[order]
    assert [r[1] for r in rows] == ordered["kind"].tolist()
    assert ordered[["kind", "year"]].apply(tuple, axis=1).is_monotonic_increasing
    assert sorted(order.tolist()) == list(range(len(items)))
    located = ordered[~ordered.geometry.isna()]
    assert [r[2] for r in rows if r[0] >= 0] == [payload.escape(n) for n in located["name"]]
    drawable = [r[0] >= 0 for r in rows]
    assert drawable == (~ordered.geometry.isna()).tolist()


def test_rows_carry_codes_of_words_sent_once(items, data):
    words = data["words"]
    assert sorted(words["kind"]) == sorted(items["kind"].unique())
    for field, slot in (("kind", 1), ("category", 3), ("status", 5)):
        assert len(set(words[field])) == len(words[field])  # each word once
        codes = [r[slot] for r in data["items"] if len(r) > slot]
        assert codes and all(c is None or 0 <= c < len(words[field]) for c in codes)
    # the precision travels with a click's details, not in the file
    assert {len(r) for r in data["items"]} <= {2, 6}


def test_column_escaping_and_years_are_those_of_each_cell():
    values = pd.Series(['<a href="x">', None, 7, float("nan"), "静安 & 寺", '<a href="x">'])
    assert payload.escape_column(values) == [payload.escape(v) for v in values]
    nul = pd.Series(["a\0<b>", "<c>"])  # a NUL inside: escaped one by one, the same
    assert payload.escape_column(nul) == ["a\0&lt;b&gt;", "&lt;c&gt;"]
    years = pd.Series([2020, None, "2031", 2024.0, "later"], dtype=object)
    assert payload.ints_or_none(years) == [2020, None, 2031, 2024, None]
    assert all(type(y) is int for y in payload.ints_or_none(years) if y is not None)


def test_a_kind_or_year_selection_is_sent_as_a_few_runs():
    rng = np.random.default_rng(7)
    n = 36_700
    frame = pd.DataFrame({"kind": rng.choice(list(KINDS), n), "year": rng.integers(2000, 2031, n)})
    order = payload.row_order(frame)
    for keep in (frame["kind"] == "project", frame["year"].between(2018, 2025)):
        code = payload.selection_code(keep.to_numpy()[order])
        assert code.startswith("r:") and len(code) < 200  # a bitmap would be 6.1 kB
        assert decode(code, n) == keep.to_numpy()[order].tolist()
    scattered = rng.random(n) < 0.5  # no runs: the bitmap is shorter
    assert payload.selection_code(scattered).startswith("b:")
    assert decode(payload.selection_code(scattered), n) == scattered.tolist()


def test_shared_shapes_are_sent_once(items, ref, data, rows):
    # the zone item A区 is drawn exactly on the zone outline A区
    zone_item = next(r for r in rows if r[1] == "zone")
    outline = next(
        f for f in data["reference"]["zones"]["features"] if f["properties"]["name"] == "A区"
    )
    assert payload.decode_geometry(data["geoms"][zone_item[0]]) == outline["geometry"]
    texts = [json.dumps(g) for g in data["geoms"]]
    assert len(texts) == len(set(texts))


def test_item_geometries_are_integer_steps_that_decode_to_the_simplified_geojson():
    shapes = [
        shapely.Point(121.44, 31.23),
        shapely.LineString([(121.1, 31.1), (121.2, 31.3), (121.25, 31.35)]),
        shapely.Polygon(
            [(121, 31), (121.01, 31), (121.01, 31.01), (121, 31)],
            [[(121.002, 31.001), (121.004, 31.001), (121.004, 31.003), (121.002, 31.001)]],
        ),
        shapely.MultiPoint([(121.5, 31.5), (121.6, 31.6)]),
        shapely.MultiLineString([[(121, 31), (121.1, 31.1)], [(121.3, 31.3), (121.4, 31.2)]]),
        shapely.MultiPolygon(
            [shapely.box(121, 31, 121.1, 31.1), shapely.box(121.2, 31.2, 121.3, 31.3)]
        ),
    ]
    encoded = [json.loads(t) for t in payload.encode_geometries(shapes)]
    expected = [json.loads(t) for t in payload.geometry_texts(shapes)]
    assert [payload.decode_geometry(e) for e in encoded] == expected
    assert [e[0] for e in encoded] == list(payload.TYPE_CODES.values())
    assert all(isinstance(v, int) for e in encoded for v in e)
    # the first vertex as it is, then steps: a line's second vertex is 0.1°, 0.2° on
    assert encoded[1][1:5] == [121_100_000, 31_100_000, 100_000, 200_000]


def test_coordinates_are_rounded_to_six_decimals(data):
    def coords(value):
        if isinstance(value, float):
            yield value
        elif isinstance(value, list):
            for v in value:
                yield from coords(v)

    for geom in data["geoms"]:
        for c in coords(payload.decode_geometry(geom)["coordinates"]):
            assert round(c, 6) == c


def test_bounds_fit_the_items_and_labels_use_full_names(data):
    assert data["bounds"] == [[31.222, 121.432], [31.249, 121.468]]
    names = data["reference"]["subdistrict_names"]["features"]
    assert sorted(f["properties"]["label"] for f in names) == ["东街道", "西街道"]


def test_roads_are_labelled_and_a_river_in_the_roads_layer_counts_as_water(data, ref):
    def names(key: str, prop: str = "name") -> list[str]:
        return [f["properties"][prop] for f in data["reference"][key]["features"]]

    assert set(names("roads")) == {"西四路", "高架路"}
    assert names("water") == ["苏州河"]
    labelled = names("road_names_main", "label") + names("road_names_minor", "label")
    assert set(labelled) == {"西四路", "高架路"}
    assert payload.has_roads_and_water(ref) == (True, True)
    assert payload.has_roads_and_water({}) == (False, False)


def walk_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from walk_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk_strings(v)


def test_hostile_strings_in_every_column_are_escaped_everywhere():
    layers = hostile_layers()
    data = json.loads(payload.map_data(layers["items"], layers))
    user = payload.inline_rows(layers["items"])
    details = atlasmap.details_html(
        layers["items"].iloc[0].to_dict(), lbl.escaped(lbl.default_labels())
    )
    words = lbl.escaped({"x": HOSTILE, HOSTILE: [HOSTILE]})
    sent = [*walk_strings(data), *walk_strings(user), *walk_strings(words)]
    hostile = [s for s in sent if "onerror" in s]
    assert len(hostile) > 30  # names, statuses, categories, layer names … all present
    assert all("<" not in s and '"' not in s and "'" not in s for s in hostile)
    assert "onerror" in details and "<img" not in details and 'onerror="' not in details
    drawn = [r for r in payload.decode_rows(data["items"], data["words"]) if r[0] >= 0]
    assert drawn and all(r[5].startswith("&lt;img") for r in drawn)  # statuses escaped too


def test_unknown_kind_and_unlocated_items_are_not_drawn_and_say_why():
    layers = hostile_layers()
    off = payload.not_drawn(layers["items"])
    assert off["name"].tolist() == ["神秘"]
    assert off["reason"].iloc[0].startswith("unknown kind")
    reasons = payload.draw_reasons(items_frame())
    assert reasons[items_frame()["id"] == "t11"].iloc[0].startswith("unlocated")


def decode(code: str, n: int) -> list[bool]:
    """What the item layer's script does with a selection code (atlas_items.js `decode`)."""
    raw = base64.b64decode(code[2:])
    if code.startswith("b:"):
        bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), bitorder="little")
        return bits[:n].astype(bool).tolist()
    runs, value, shift = [], 0, 0
    for byte in raw:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            runs.append(value)
            value, shift = 0, 0
    return [bool(i % 2) for i, r in enumerate(runs) for _ in range(r)]


def test_selection_bitmap_round_trips(items):
    keep = mask(items, Filters(kind=("park", "road"))).to_numpy()
    assert decode("b:" + payload.selection_bits(keep), len(items)) == keep.tolist()
    big = payload.selection_bits(np.ones(36_700, dtype=bool))
    assert len(big) < 6_200  # what a rerun sends for the 100x atlas at most


def test_amap_basemap_shifts_features_to_gcj02(items, ref, data):
    shifted = json.loads(payload.map_data(items, ref, gcj02=True))
    first = int(np.flatnonzero(payload.row_order(items) == 0)[0])  # t01's row
    g = data["items"][first][0]
    lon, lat = payload.decode_geometry(data["geoms"][g])["coordinates"]
    lon2, lat2 = payload.decode_geometry(shifted["geoms"][shifted["items"][first][0]])[
        "coordinates"
    ]
    glon, glat = wgs84_to_gcj02(121.44, 31.23)
    assert (round(lon2, 5), round(lat2, 5)) == (round(float(glon), 5), round(float(glat), 5))
    assert (lon, lat) == (121.44, 31.23)


def test_build_map_publishes_the_data_once_and_sends_a_small_selection(
    items, ref, tmp_path, monkeypatch
):
    local = assets.Assets()
    url = atlasmap.publish_data(items, ref, assets=local, static_dir=tmp_path)
    present = payload.present_layers(ref)
    a = atlasmap.build_map(items, ref, filters=Filters(kind=("park",)), data_url=url,
                           present=present)  # fmt: skip
    b = atlasmap.build_map(items, ref, filters=Filters(kind=("road",)), data_url=url,
                           present=present)  # fmt: skip
    assert url.startswith("/app/static/data/map-") and url.endswith(".json.gz")
    assert len(list((tmp_path / "data").glob("map-*.json"))) == 1
    args_a, args_b = (st_folium_args(x, monkeypatch) for x in (a, b))
    # the mounted part is the same (st_folium's key is a hash of the script): no remount
    assert args_a["script"] == args_b["script"] and args_a["key"] == args_b["key"]
    assert "L.atlas.select" in args_a["feature_group"]
    # the plugin's lines come without the templates' indentation (sent with every rerun)
    ours = [x for x in args_a["script"].splitlines() if "L.atlas" in x]
    assert len(ours) >= 10 and all(x == x.lstrip() for x in ours)
    assert args_a["feature_group"] != args_b["feature_group"]
    links = args_a["js_links"] + args_a["css_links"]
    assert links and all(u.startswith("/app/static/") for u in links)
    # the data file is requested by the first script, before Leaflet loads (atlas_fetch.js)
    first = urllib.parse.urlsplit(args_a["js_links"][0])
    assert first.path.endswith("/atlas_fetch.js")
    assert urllib.parse.parse_qs(first.query) == {"data": [url]}
    assert "leaflet.js" in args_a["js_links"][1]


def test_a_developers_folium_layer_appears_on_the_map(items, ref, monkeypatch):
    """Ordinary folium code adds a layer: it is drawn and listed in the layer control."""
    import folium

    m = atlasmap.build_map(items, ref, data_url="/app/static/data/map-x.json",
                           present=payload.present_layers(ref))  # fmt: skip
    extra = {"type": "Feature", "properties": {"name": "新地块"},
             "geometry": {"type": "Point", "coordinates": [121.451, 31.238]}}  # fmt: skip
    folium.GeoJson(extra, name="My planning layer", tooltip="新地块").add_to(m.map)
    args = st_folium_args(m, monkeypatch)
    assert "121.451" in args["script"] and "L.geoJson(" in args["script"]
    assert "My planning layer" in args["layer_control"]


def test_user_layers_are_drawn_filtered_like_the_atlas(items, ref):
    upload = items.iloc[:4]
    m = atlasmap.build_map(items, ref, filters=Filters(status=("planned",)), data_url="x",
                           present=(), user_layers=[("2027年报告", upload)])  # fmt: skip
    (group,) = [g for g in m.dynamic if g.layer_name.startswith("◆")]
    planned = upload[upload["status"] == "planned"]
    assert group.layer_name == f"◆ 2027年报告 ({len(planned)})"
    assert m.targets["user0"] == planned["id"].tolist()


def test_the_plugin_is_small_static_and_loads_nothing_from_a_cdn():
    names = {p.name for p in assets.PLUGIN_DIR.iterdir()}
    assert {"atlas_fetch.js", "atlas_items.js", "atlas.css"} <= names
    text = "".join((assets.PLUGIN_DIR / n).read_text() for n in assets.PLUGIN_FILES)
    assert "http://" not in text and "https://" not in text
    # the item layer: smaller than the 539-line private map app it replaces, comments included;
    # beside it, the data-file loader (atlas_fetch.js: the fetch that starts before Leaflet has
    # loaded, the gzipped file and the rows' word codes), a script of its own because it runs
    # first, before Leaflet and the item layer exist
    lines = {n: len((assets.PLUGIN_DIR / n).read_text().splitlines()) for n in assets.PLUGIN_FILES}
    assert lines["atlas_items.js"] < 539 and lines["atlas_fetch.js"] < 60


def test_published_files_stay_bounded(tmp_path: Path):
    for n in range(assets.KEEP + 5):
        assets.publish(json.dumps({"atlas": n}), tmp_path)
    (tmp_path / "data" / ".map-crashed.json").write_text("half")
    os.utime(tmp_path / "data" / ".map-crashed.json", (0, 0))
    latest = assets.publish(json.dumps({"atlas": "latest"}), tmp_path)
    files = sorted(p.name for p in (tmp_path / "data").iterdir())
    # each file with its gzipped copy
    assert len(files) == 2 * assets.KEEP and latest.split("/")[-1] in files
    assert {f.removesuffix(".gz") for f in files} == {f for f in files if f.endswith(".json")}
    assert not any(name.startswith(".map-") for name in files)


def test_the_data_file_is_also_published_gzipped_and_its_url_names_that_copy(tmp_path: Path):
    text = json.dumps({"name": "静安寺"}, ensure_ascii=False) * 100
    url = assets.Assets().data_url(text, tmp_path)
    assert url.startswith("/app/static/data/map-") and url.endswith(".json.gz")
    packed = tmp_path / url.removeprefix("/app/static/")
    assert gzip.decompress(packed.read_bytes()).decode("utf-8") == text
    assert packed.with_suffix("").read_text(encoding="utf-8") == text  # the plain .json
    assert len(packed.read_bytes()) < len(text.encode("utf-8")) / 4
    # published once: the same bytes again (no timestamp inside), whatever the second call
    before = packed.read_bytes()
    assert assets.Assets().data_url(text, tmp_path) == url and packed.read_bytes() == before


def test_an_unwritable_static_folder_serves_the_map_from_memory(tmp_path: Path, monkeypatch):
    blocked = tmp_path / "checkout"
    blocked.write_text("a file where the folder would be: nothing can be created below it")
    served = assets.served_assets(static_dir=blocked / "static")
    assert served.media  # no OSError: the fallback
    urls: list[tuple[bytes, str]] = []

    def media(data: bytes, name: str) -> str:
        urls.append((data, name))
        return f"/media/{name}"

    monkeypatch.setattr(assets, "media_url", media)
    assert served.data_url('{"a": 1}').startswith("/media/map-")
    assert served.plugin_js[0][1] == f"/media/{assets.PLUGIN.folder}-atlas_items.js"
    assert urls[0][0] == b'{"a": 1}'


def test_every_resource_is_served_locally_from_the_xstatic_packages(tmp_path: Path):
    root = assets.install_static(tmp_path / "static")
    for path in assets.asset_files(root):
        assert path.is_file() and path.stat().st_size > 0
    assert (root / ".gitignore").read_text().strip().endswith("*")


def test_static_url_follows_the_base_url_path():
    assert assets.static_base_url("") == "/app/static"
    assert assets.static_base_url("/atlas/") == "/atlas/app/static"


def test_styles_cover_every_kind_and_status():
    assert set(style.KIND_STYLE) == set(KINDS) == set(style.DRAW_ORDER)
    assert set(style.STATUS_STYLE) == set(STATUSES)
    assert set(style.REFERENCE_STYLE) == {"district", "subdistricts", "zones", "roads", "water"}


def test_markdown_escaping():
    assert md_escape(SCRIPT_NAME).startswith(r"\<script\>")
    assert md_escape(None) == ""


def test_inline_colours_pass_only_as_hex():
    import geopandas as gpd
    from shapely.geometry import Point

    items = gpd.GeoDataFrame(
        {
            "id": ["a", "b", "c"],
            "name": ["甲", "乙", "丙"],
            "kind": ["project"] * 3,
            "color": ["#009E73", "red;background:url(x)", None],
        },
        geometry=[Point(121.45, 31.23), Point(121.46, 31.24), None],
        crs="EPSG:4326",
    )
    rows = payload.inline_rows(items)["rows"]
    # the undrawable third row is dropped; a colour that is not #rrggbb is not sent
    assert [r[6:] for r in rows] == [["#009E73"], []]
    assert [r[2] for r in rows] == ["甲", "乙"]


def test_thread_markers_are_coloured_by_outcome():
    import geopandas as gpd
    from shapely.geometry import Point

    from mapview.charts import OUTCOME_COLORS
    from mapview.threadmap import NO_PLAN_COLOR, thread_items

    features = gpd.GeoDataFrame(
        {
            "pick": ["i1", "i2"],
            "label": ["彭一小区", "某公园"],
            "kind": ["project", "park"],
            "outcome": ["delivered", None],
            "last_year": [2025, 2024],
            "latest_status": ["completed", "mentioned"],
            "mentions": [7, 1],
            "reports": [4, 1],
        },
        geometry=[Point(121.45, 31.23), Point(121.46, 31.24)],
        crs="EPSG:4326",
    )
    assert thread_items(features)["color"].tolist() == [OUTCOME_COLORS["delivered"], NO_PLAN_COLOR]


def selection_options(args: dict) -> dict:
    """What a rerun tells the item layer (the `L.atlas.select` call in st_folium's
    `feature_group`)."""
    match = re.search(r"L\.atlas\.select\((\{.*?\})\);", args["feature_group"], re.S)
    assert match
    return json.loads(match.group(1))


def test_view_seams_fit_focus_and_reveal(items, ref, monkeypatch):
    """What the explorer sets: fit the selection (once per selection), a focus circle with its
    escaped label, the selected item's details and a reveal request."""
    kw = {"data_url": "/app/static/data/map-x.json", "present": payload.present_layers(ref)}
    parks = Filters(kind=("park",))
    kept = atlasmap.build_map(items, ref, filters=parks, **kw)
    assert "fit" not in selection_options(st_folium_args(kept, monkeypatch))  # view kept
    fitted = atlasmap.build_map(items, ref, filters=parks, fit_bounds=True, **kw)
    fit = selection_options(st_folium_args(fitted, monkeypatch))
    chosen = items[items["kind"] == "park"].dropna(subset=["geometry"])
    west, south, east, north = chosen.total_bounds
    assert fit["fit"]["bounds"] == [[south, west], [north, east]]
    here = atlasmap.Focus(121.45, 31.235, 500, "共和新路3550号<script>")
    m = atlasmap.build_map(items, ref, focus=here, selected="t02", reveal=3, **kw)
    args = st_folium_args(m, monkeypatch)
    assert "L.circle(" in args["feature_group"] and '"radius": 500' in args["feature_group"]
    assert "共和新路3550号&lt;script&gt;" in args["feature_group"]
    assert "<script>" not in args["feature_group"]
    options = selection_options(args)
    lat0, lon0 = options["fit"]["bounds"][0]
    assert lat0 < 31.235 < options["fit"]["bounds"][1][0] and lon0 < 121.45
    row = m.targets["items"].index("t02")
    assert options["reveal"] == {"token": 3, "key": "items", "row": row}
    assert options["details"]["row"] == row and "blockquote" in options["details"]["html"]


def test_the_map_speaks_the_words_it_is_given(items, ref, monkeypatch):
    """No word of the map is fixed in its script: another language's labels replace them."""
    words = {
        "legend": {"title": "图例", "items": "项目 · 气泡 = 同类多项"},
        "cluster": {"project": "{n} 个项目"},
        "kinds": {"project": "项目"},
    }
    m = atlasmap.build_map(items, ref, labels=words, data_url="x", present=())
    args = st_folium_args(m, monkeypatch)
    for text in ("图例", "{n} 个项目", "项目 · 气泡 = 同类多项"):
        assert text in args["script"]
    assert "Legend" not in args["script"]
    assert "Projects" not in args["layer_control"]
    assert json.dumps("项目")[1:-1] in args["layer_control"]  # the layer's name, JSON-escaped
    script = (assets.PLUGIN_DIR / "atlas_items.js").read_text()
    for english in ("Legend", "projects", "items on this shape", "precision", "Status"):
        assert f'"{english}' not in script and f"'{english}" not in script
