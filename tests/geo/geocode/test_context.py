"""Context placement: the setting an item's sentence or paragraph names (`context:<what>`)."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.geocode import AtlasGeocoder
from geo.pipeline.place import locate_items, place_items
from geo.schema import UNLOCATED
from tests.worlds.gazetteer import synthetic_layers


@pytest.fixture(scope="module")
def geocoder() -> AtlasGeocoder:
    return AtlasGeocoder(synthetic_layers())


def test_a_subdistrict_named_as_setting(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve_in_context("某中心", ["静安寺街道建成某中心，服务居民。"])
    assert (res.method, res.precision, res.subdistrict) == ("context:subdistrict", 3, "静安寺街道")


def test_a_zone_named_as_setting(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve_in_context("某大厦", ["在大宁功能区，某大厦竣工。"])
    assert (res.method, res.precision, res.matched) == ("context:zone", 5, "大宁")


def test_a_road_in_the_sentence_is_its_line(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve_in_context("某工程", ["沿汶水路推进某工程。"])
    assert (res.method, res.precision, res.geometry.geom_type) == ("context:road", 5, "LineString")
    assert res.subdistrict is None  # the line crosses two 街道
    # … but not from the paragraph's opening sentence: roads there are other items' business
    res = geocoder.resolve_in_context("某工程", ["推进某工程。", "汶水路沿线环境整治。"])
    assert res.method == UNLOCATED


def test_an_address_in_the_sentence(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve_in_context("某中心", ["在共和新路2000号建设某中心。"])
    assert res.method == "context:address:interpolated"
    assert res.precision in (2, 5)  # never 1: the item is not the numbered feature itself


def test_the_sentence_before_the_paragraph(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve_in_context("某馆", ["静安寺街道新建某馆。", "大宁功能区加快发展。"])
    assert res.method == "context:subdistrict"
    res = geocoder.resolve_in_context("某馆", ["新建某馆。", "大宁功能区加快发展。"])
    assert res.method == "context:zone"


@pytest.mark.parametrize(
    "text",
    [
        "大宁功能区、南京西路功能区新建某馆。",  # a list of zones: no one setting
        "静安寺街道和彭浦镇新建某馆。",
        "新建某馆。",  # nothing named
    ],
)
def test_no_single_setting_is_no_answer(geocoder: AtlasGeocoder, text: str) -> None:
    assert geocoder.resolve_in_context("某馆", [text]).method == UNLOCATED


def _items(rows: list[dict]) -> pd.DataFrame:
    base = {"doc": "d", "kind": "project", "boundary": None, "location": None}
    return pd.DataFrame([{**base, **row} for row in rows])


def test_locate_items_uses_context_only_when_the_item_itself_is_not_found(geocoder) -> None:
    roads = synthetic_layers()["roads"]
    items = _items(
        [
            {"name": "某馆", "quote": "静安寺街道新建某馆。", "_paragraph": ""},
            {"name": "静安寺", "quote": "大宁功能区新建静安寺。", "_paragraph": ""},
        ]
    )
    located = place_items(items, roads, geocoder)
    out, placements = located.items, located.placements
    assert list(out["method"]) == ["context:subdistrict", "exact"]
    assert placements[0].subdistrict == "静安寺街道"  # the geocoder's, for the join
    assert placements[1].subdistrict is None
    assert [p.own_shape for p in placements] == [False, True]
    assert "_paragraph" not in out and not any(c.startswith("_") for c in out.columns)


def test_an_item_of_the_same_sentence_is_not_its_neighbours_setting(geocoder) -> None:
    roads = synthetic_layers()["roads"]
    quote = "某小区、共和新路 2000 号项目完成回搬。"
    items = _items(
        [
            {"name": "某小区", "quote": quote, "_paragraph": ""},
            {"name": "共和新路2000号项目", "location": "共和新路2000号", "quote": quote},
        ]
    )
    out = locate_items(items, roads, geocoder)
    assert out["method"].iloc[0] == UNLOCATED  # the address is the other item's
    assert out["method"].iloc[1] == "address:interpolated"
