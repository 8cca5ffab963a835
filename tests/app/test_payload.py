"""The map's data: what reaches the browser is escaped, rounded, complete, compact and local."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest

import mapview
from geo.crs import wgs84_to_gcj02
from geo.filters import Filters, mask
from geo.schema import KINDS, STATUSES
from geo.testing.page import HOSTILE, SCRIPT_NAME, hostile_layers, items_frame, reference_frames
from mapview import assets, component, payload, style
from mapview.panels import md_escape


@pytest.fixture(scope="module")
def items():
    return items_frame()


@pytest.fixture(scope="module")
def ref():
    return reference_frames()


@pytest.fixture(scope="module")
def data(items, ref):
    return json.loads(payload.map_data(items, ref))


def test_every_item_is_a_row_in_atlas_order_and_every_located_one_drawable(items, data):
    assert [r[2] for r in data["items"]] == items["id"].tolist()
    drawable = [r[0] >= 0 for r in data["items"]]
    assert drawable == (~items.geometry.isna()).tolist()
    for row, kind in zip(data["items"], items["kind"], strict=True):
        assert row[1] == kind


def test_shared_shapes_are_sent_once(items, ref, data):
    # the zone item A区 and the zone outline A区 are one geometry entry
    zone_item = next(r for r in data["items"] if r[1] == "zone")
    outline = next(r for r in data["reference"]["zones"] if r[1] == "A区")
    assert zone_item[0] == outline[0]
    texts = [json.dumps(g, sort_keys=True) for g in data["geoms"]]
    assert len(texts) == len(set(texts))


def test_coordinates_are_rounded_to_six_decimals(data):
    def coords(value):
        if isinstance(value, float):
            yield value
        elif isinstance(value, list):
            for v in value:
                yield from coords(v)

    for geom in data["geoms"]:
        for c in coords(geom["coordinates"]):
            assert round(c, 6) == c


def test_bounds_fit_the_items_and_labels_use_full_names(data):
    assert data["bounds"] == [[31.222, 121.432], [31.249, 121.468]]
    assert sorted(label[2] for label in data["labels"]["subdistricts"]) == ["东街道", "西街道"]


def test_roads_are_labelled_and_a_river_in_the_roads_layer_counts_as_water(data, ref):
    assert {r[1] for r in data["reference"]["roads"]} == {"西四路", "高架路"}
    assert [r[1] for r in data["reference"]["water"]] == ["苏州河"]
    assert {r[2] for r in data["labels"]["roads"]} == {"西四路", "高架路"}
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
    user = payload.user_payload([(HOSTILE, layers["items"])])
    sent = [*walk_strings(data), *walk_strings(user)]
    hostile = [s for s in sent if "onerror" in s]
    assert len(hostile) > 40  # names, statuses, ids, docs, layer names … all present
    assert all("<" not in s and '"' not in s and "'" not in s for s in hostile)
    # the raw status never reaches the page: its label is escaped, and so is the key
    row = data["items"][0]
    assert row[6].startswith("&lt;img") and row[7].startswith("&lt;img")
    assert user[0]["label"].startswith("your report: &lt;img")


def test_unknown_kind_and_unlocated_items_are_not_drawn_and_say_why():
    layers = hostile_layers()
    off = payload.not_drawn(layers["items"])
    assert off["name"].tolist() == ["神秘"]
    assert off["reason"].iloc[0].startswith("unknown kind")
    reasons = payload.draw_reasons(items_frame())
    assert reasons[items_frame()["id"] == "t11"].iloc[0].startswith("unlocated")


def test_selection_bitmap_round_trips(items):
    keep = mask(items, Filters(kind=("park", "road"))).to_numpy()
    raw = np.frombuffer(base64.b64decode(payload.selection_bits(keep)), dtype=np.uint8)
    assert (
        np.unpackbits(raw, bitorder="little")[: len(items)].astype(bool).tolist() == keep.tolist()
    )
    big = payload.selection_bits(np.ones(36_700, dtype=bool))
    assert len(big) < 6_200  # what a rerun sends for the 100x atlas


def test_amap_basemap_shifts_features_to_gcj02(items, ref, data):
    shifted = json.loads(payload.map_data(items, ref, gcj02=True))
    g = data["items"][0][0]
    lon, lat = data["geoms"][g]["coordinates"]
    lon2, lat2 = shifted["geoms"][shifted["items"][0][0]]["coordinates"]
    glon, glat = wgs84_to_gcj02(121.44, 31.23)
    assert (round(lon2, 5), round(lat2, 5)) == (round(float(glon), 5), round(float(glat), 5))
    assert (lon, lat) == (121.44, 31.23)


def test_build_map_publishes_the_data_once_and_sends_a_small_selection(
    items, ref, tmp_path, monkeypatch
):
    monkeypatch.setattr(component, "STATIC_DIR", tmp_path)
    monkeypatch.setattr(assets, "STATIC_DIR", tmp_path)
    monkeypatch.setattr(mapview, "install_static", lambda: tmp_path)
    monkeypatch.setattr(mapview, "publish", lambda text: component.publish(text, tmp_path))
    a = mapview.build_map(items, ref, filters=Filters(kind=("park",)))
    b = mapview.build_map(items, ref, filters=Filters(kind=("road",)))
    assert a.data_url == b.data_url and a.data_url.startswith("/app/static/data/map-")
    assert len(list((tmp_path / "data").glob("map-*.json"))) == 1
    assert a.selection != b.selection and a.selection_id != b.selection_id
    args = a.as_dict()
    assert args["basemap"] is None  # offline: no tiles
    assert all(u.startswith("/app/static/") for u in args["assets"]["js"] + args["assets"]["css"])


def test_user_layers_are_drawn_filtered_like_the_atlas(items, ref, monkeypatch, tmp_path):
    monkeypatch.setattr(mapview, "install_static", lambda: tmp_path)
    monkeypatch.setattr(mapview, "publish", lambda text: component.publish(text, tmp_path))
    upload = items.iloc[:4]
    args = mapview.build_map(items, ref, filters=Filters(status=("planned",)),
                             user_layers=[("2027年报告", upload)])  # fmt: skip
    (layer,) = args.user
    assert layer["label"] == "your report: 2027年报告"
    assert [r[2] for r in layer["items"]] == upload[upload["status"] == "planned"]["id"].tolist()


def test_frontend_is_static_files_and_loads_nothing_from_a_cdn():
    names = {p.name for p in component.FRONTEND.iterdir()}
    assert {"index.html", "atlas.js", "atlas.css"} <= names
    text = "".join(
        (component.FRONTEND / n).read_text() for n in ("index.html", "atlas.js", "atlas.css")
    )
    assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text
    assert text.count("innerHTML") == 1  # the one innerHTML: the legend, from escaped labels


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


def test_user_layer_colours_pass_only_as_hex():
    import geopandas as gpd
    from shapely.geometry import Point

    from mapview.payload import user_payload

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
    (layer,) = user_payload([("threads", items)], prefix="")
    assert layer["colors"] == [
        "#009E73",
        None,
    ]  # the undrawable third row is dropped with its colour
    assert [r[2] for r in layer["items"]] == ["a", "b"]


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
