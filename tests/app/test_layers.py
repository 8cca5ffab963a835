"""The map builder: what reaches the browser is escaped, rounded, complete and served locally."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

import mapview
from geo.crs import wgs84_to_gcj02
from geo.schema import KINDS, STATUSES
from mapview import assets, layers, style
from mapview.panels import id_from_tooltip, md_escape
from tests.app.synthetic import SCRIPT_NAME, items_frame, reference_frames


@pytest.fixture(scope="module")
def items():
    return items_frame()


@pytest.fixture(scope="module")
def ref():
    return reference_frames()


def build(items, ref, basemap="offline"):
    return mapview.build_map(
        items, ref["subdistricts"], ref["zones"], ref["district"], ref["roads"], basemap=basemap
    )


def component_args(m) -> dict:
    """What streamlit-folium sends to its browser component for `m`."""
    import streamlit_folium as sf

    captured: dict = {}

    def record(**kwargs):
        captured.update(kwargs)
        return kwargs.get("default")

    original, sf._component_func = sf._component_func, record
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    try:
        sf.st_folium(m, key="map", returned_objects=["last_object_clicked_tooltip"])
    finally:
        sf._component_func = original
    return captured


def features(payload: layers.ItemsPayload) -> list[dict]:
    return payload.features()


def test_every_located_item_is_drawn_once_in_its_kind_layer(items):
    payload = layers.items_payload(items)
    located = items[~items.geometry.isna()]
    assert payload.count == len(located) == len(items) - 1
    for layer in payload.layers:
        drawn = layer.points.features() + layer.shapes.features()
        ids = {f["properties"]["i"] for f in drawn}
        assert ids == set(located.loc[located["kind"] == layer.kind, "id"])
        assert layer.count == len(drawn) == (located["kind"] == layer.kind).sum()
    assert sorted(f["properties"]["i"] for f in features(payload)) == sorted(located["id"])
    points = [f for f in features(payload) if f["geometry"]["type"] == "Point"]
    assert len(points) == (located.geometry.geom_type == "Point").sum()


def test_bounds_fit_the_filtered_items(items):
    subset = items[items["kind"] == "park"]
    payload = layers.items_payload(subset)
    minx, miny, maxx, maxy = subset.total_bounds
    assert payload.bounds == pytest.approx((minx, miny, maxx, maxy))
    assert layers.items_payload(items.iloc[:0]).bounds is None


def test_strings_are_escaped_everywhere_they_reach_html(items, ref):
    m = build(items, ref)
    html = m.get_root().render()
    args = component_args(build(items, ref))
    for text in (html, args["script"], args["header"], args["html"]):
        assert "<script>alert" not in text
    payload = layers.items_payload(items)
    names = {f["properties"]["n"] for f in features(payload)}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;静安测试项目" in names
    assert SCRIPT_NAME not in names


def test_coordinates_are_rounded_to_six_decimals(items, ref):
    shapes = layers.items_payload(items).layers[0].shapes
    numbers = re.findall(r"-?\d+\.(\d+)", "".join(shapes.geometries))
    assert numbers and max(len(d) for d in numbers) <= layers.DECIMALS
    wiggly = items.copy()
    wiggly.loc[wiggly.index[0], "geometry"] = wiggly.geometry.iloc[0].__class__(
        (121.4400001234567, 31.2300009876543)
    )
    coords = features(layers.items_payload(wiggly))
    point = next(f for f in coords if f["properties"]["i"] == "t01")["geometry"]["coordinates"]
    assert point == [121.44, 31.230001]


def test_every_resource_is_served_locally_from_the_xstatic_packages(items, ref, tmp_path: Path):
    m = build(items, ref)
    urls = assets.resource_urls(m)
    assert urls and all(u.startswith("/app/static/") for u in urls)
    args = component_args(m)
    for url in args["js_links"] + args["css_links"]:
        assert url.startswith("/app/static/"), url
    assert not re.search(r"https?://(?!www\.openstreetmap|carto)", args["header"] + args["script"])
    root = assets.install_static(tmp_path / "static")
    sources = {f"{p.folder}/{f}": p.base_dir / f for p in assets.PACKAGES for f in p.files}
    for url in urls:
        relative = url.removeprefix("/app/static/")
        assert (root / relative).read_bytes() == sources[relative].read_bytes(), url
    assert (root / ".gitignore").read_text().strip().endswith("*")
    assets.install_static(root)  # idempotent


def test_a_cdn_resource_is_refused(items, ref):
    import folium.plugins

    m = build(items, ref)
    folium.plugins.Fullscreen().add_to(m)
    with pytest.raises(ValueError, match="CDN"):
        assets.localize(m, assets.Assets())


def test_static_url_follows_the_base_url_path():
    assert assets.static_base_url("") == "/app/static"
    assert assets.static_base_url("/atlas/") == "/atlas/app/static"


def test_the_same_selection_gives_the_same_component_key(items, ref):
    """A rerun that keeps the filters must not remount (re-render) the map."""
    first, second = component_args(build(items, ref)), component_args(build(items, ref))
    assert first["key"] == second["key"]
    third = component_args(build(items[items["kind"] == "park"], ref))
    assert third["key"] != first["key"]


def test_amap_basemap_shifts_features_to_gcj02_and_others_do_not(items, ref):
    wgs = next(f for f in features(layers.items_payload(items)) if f["properties"]["i"] == "t01")
    gcj = next(
        f
        for f in features(layers.items_payload(items, gcj02=True))
        if f["properties"]["i"] == "t01"
    )
    lon, lat = wgs84_to_gcj02(121.44, 31.23)
    assert wgs["geometry"]["coordinates"] == [121.44, 31.23]
    assert gcj["geometry"]["coordinates"] == pytest.approx([lon, lat], abs=2e-6)
    shift = gcj["geometry"]["coordinates"][0] - 121.44
    assert 0.002 < shift < 0.01  # a few hundred metres, as GCJ-02 is in Shanghai
    ref_wgs = layers.reference_payload(
        layers.Reference(ref["district"], ref["subdistricts"], ref["zones"], ref["roads"])
    )
    ref_gcj = layers.reference_payload(
        layers.Reference(ref["district"], ref["subdistricts"], ref["zones"], ref["roads"]),
        gcj02=True,
    )
    assert ref_gcj.layers["district"] != ref_wgs.layers["district"]
    html = build(items, ref, "amap").get_root().render()
    assert "autonavi" in html


def test_offline_basemap_has_no_tiles_and_draws_roads_and_river(items, ref):
    html = build(items, ref).get_root().render()
    assert "L.tileLayer" not in html
    reference = layers.reference_payload(
        layers.Reference(ref["district"], ref["subdistricts"], ref["zones"], ref["roads"])
    )
    assert reference.layers["river"].features()[0]["properties"]["n"] == "苏州河"
    assert len(reference.layers["roads"]) == 2
    assert [label[2] for label in json.loads(reference.labels)] == ["西", "东"]


def test_shared_shapes_are_sent_once(items, ref):
    """An item drawn as zone A区 and the zone outline A区 share one geometry table entry."""
    m = build(items, ref)
    m.get_root().render()
    helper = next(c for c in m._children.values() if isinstance(c, layers.AtlasHelper))
    table = json.loads(helper.geometries)
    zone_a = layers.geometry_texts([ref["zones"].geometry.iloc[0]], layers.ITEM_TOLERANCE)[0]
    assert table.count(json.loads(zone_a)) == 1
    payload = layers.items_payload(items)
    drawn = {
        g for layer in payload.layers for g in layer.shapes.geometries + layer.points.geometries
    }
    assert len(table) < len(drawn) + sum(
        len(r)
        for r in layers.reference_payload(
            layers.Reference(ref["district"], ref["subdistricts"], ref["zones"], ref["roads"])
        ).layers.values()
    )


def test_styles_cover_every_kind_and_status():
    assert set(style.KIND_STYLE) == set(KINDS) == set(style.DRAW_ORDER)
    assert set(style.STATUS_STYLE) == set(STATUSES)


def test_markdown_escaping_and_tooltip_ids():
    assert md_escape("<script>*x*</script>") == r"\<script\>\*x\*\</script\>"
    assert id_from_tooltip("name 2024 · planned[[t02]]") == "t02"
    assert id_from_tooltip(None) is None


def test_feature_text_is_never_compiled_as_a_template(items, ref, monkeypatch):
    """Rendered layer text goes into the page as is: no Jinja pass over the data (slow at
    scale), and template syntax in a name stays text instead of being evaluated."""
    import jinja2

    braces = items.copy()
    braces.loc[braces.index[0], "name"] = "{{ 7*7 }}{% if 1 %}x{% endif %}{# c #}"
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def record(self, source, *args, **kwargs):
        compiled.append(str(source))
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", record)
    m = build(braces, ref)
    html = m.get_root().render()
    args = component_args(build(braces, ref))
    helper = next(c for c in m._children.values() if isinstance(c, layers.AtlasHelper))
    assert compiled and not any(helper.geometries in source for source in compiled)
    assert not any("7*7" in source for source in compiled)
    for text in (html, args["script"]):
        assert "{{ 7*7 }}{% if 1 %}x{% endif %}{# c #}" in text
