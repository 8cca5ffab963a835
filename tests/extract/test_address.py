"""Chinese street-address parsing (the one parser, `extract.address`): roads, 号/弄/支弄,
ranges, crossings, full-width digits; an item's location parsed once (`Item.address`)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from extract.address import (
    ParsedAddress,
    parse_address,
    parse_addresses,
    parse_crossing,
    parse_location,
    parse_number,
    street_anchor,
    trim_road,
)


@pytest.mark.parametrize(
    ("text", "road", "number", "unit"),
    [
        ("汶水路400号", "汶水路", 400, "号"),
        ("康定路367弄", "康定路", 367, "弄"),
        ("共和新路4470弄", "共和新路", 4470, "弄"),
        ("推进汶水路400号", "汶水路", 400, "号"),
        ("加速启动共和新路710弄", "共和新路", 710, "弄"),
        ("上海市静安区愚园路500号", "愚园路", 500, "号"),
        ("静安寺街道康定路367弄", "康定路", 367, "弄"),
        ("镇宁路405弄", "镇宁路", 405, "弄"),  # 镇 at the start is part of the name
        ("共和新路３５５０号", "共和新路", 3550, "号"),  # full-width digits
        ("老成都北路7弄30号", "老成都北路", 7, "弄"),
    ],
)
def test_road_number_and_unit(text: str, road: str, number: int, unit: str) -> None:
    address = parse_address(text)
    assert address is not None
    assert (address.road, address.number, address.unit) == (road, number, unit)


def test_lane_sub_lane_and_house() -> None:
    address = parse_address("共和新路4470弄3支弄12号")
    assert address is not None
    assert (address.number, address.sub_lane, address.house) == (4470, 3, 12)
    assert address.street_number == 4470  # the lane's position on the street


def test_range_uses_its_middle_along_the_street() -> None:
    address = parse_address("长寿路1号-5号")
    assert address is not None
    assert (address.number, address.number_end, address.street_number) == (1, 5, 3)
    assert parse_address("长寿路101~105号").number_end == 105


def test_a_list_is_not_a_range() -> None:
    found = parse_addresses("汶水路8号、801号")
    assert [(a.road, a.number, a.number_end) for a in found] == [("汶水路", 8, None)]


def test_several_addresses_and_their_spans() -> None:
    text = "灵石路892号和共和新路3550号"
    found = parse_addresses(text)
    assert [(a.road, a.number) for a in found] == [("灵石路", 892), ("共和新路", 3550)]
    assert text[found[1].start : found[1].end] == "共和新路3550号"


@pytest.mark.parametrize("text", ["上海地铁1号线", "3号楼", "静安区", "南京西路", "第1号文件", ""])
def test_no_address(text: str) -> None:
    assert parse_address(text) is None


def test_known_roads_pick_the_longest_suffix_and_never_guess() -> None:
    known = ["成都北路", "老成都北路", "共和新路"]
    assert trim_road("推进老成都北路", known) == "老成都北路"
    assert trim_road("推进成都北路", known) == "成都北路"
    # an unknown road keeps its own name, it is not swapped for a similar known one
    assert parse_address("康定路367弄", known).road == "康定路"


@pytest.mark.parametrize(
    ("text", "a", "b"),
    [
        ("共和新路广中路路口", "共和新路", "广中路"),
        ("共和新路与广中路交叉口", "共和新路", "广中路"),
        ("推进延长中路共和新路口", "延长中路", "共和新路"),
    ],
)
def test_crossings(text: str, a: str, b: str) -> None:
    crossing = parse_crossing(text)
    assert crossing is not None
    assert (crossing.road_a, crossing.road_b) == (a, b)


def test_no_crossing_in_a_plain_address() -> None:
    assert parse_crossing("共和新路3550号") is None


def test_street_anchor_reads_osm_lane_streets() -> None:
    assert street_anchor("南京西路", "1686") == ("南京西路", 1686)
    assert street_anchor("南京西路1394弄", "2") == ("南京西路", 1394)
    assert street_anchor("1094弄", "2") is None  # no road
    assert street_anchor("南京西路", None) is None
    assert street_anchor(float("nan"), "3") is None


def test_parse_number() -> None:
    assert parse_number("218号") == 218
    assert parse_number("１－３") == 1
    assert parse_number(None) is None
    assert parse_number("甲") is None


def test_a_list_of_numbers_gives_the_first() -> None:
    address = parse_address("万荣一路160、180号")
    assert (address.road, address.number, address.number_end) == ("万荣一路", 160, None)


def test_a_known_name_inside_a_longer_road_name_is_no_match() -> None:
    assert parse_address("老沪太路100号", ["沪太路"]).road == "老沪太路"
    assert parse_address("推进沪太路100号", ["沪太路"]).road == "沪太路"


def test_spans_index_the_original_text() -> None:
    text = "推进 汶水路 ４００号 改造，\n并实施陕西北路119弄"
    found = parse_addresses(text)
    assert [(a.road, a.number) for a in found] == [("汶水路", 400), ("陕西北路", 119)]
    assert text[found[0].start : found[0].end] == "汶水路 ４００号"
    assert text[found[1].start : found[1].end] == "陕西北路119弄"
    crossing_text = "在 共和新路与广中路交叉口"
    crossing = parse_crossing(crossing_text)
    assert crossing_text[crossing.start : crossing.end] == "共和新路与广中路交叉口"


KNOWN = frozenset({"沪太路", "成都北路", "老成都北路", "共和新路", "广中路", "新路"})


@pytest.mark.parametrize(
    "text",
    [
        "推进沪太路100号",
        "老沪太路100号",
        "推进 老成都北路 ７弄３０号，并实施成都北路1号",
        "在 推进共和新路与广中路交叉口",
        "共和新路新路口",  # one road without the known names, two with them
        "上海市静安区共和新路3550号",
        "无路",
    ],
)
def test_naming_a_parse_with_known_roads_is_parsing_again_with_them(text: str) -> None:
    """What the geocoder does with an item's parse (`with_roads`) gives what a second parse
    with the gazetteer's road names would, offsets included."""
    again = parse_location(text, KNOWN)
    assert parse_location(text).with_roads(KNOWN) == again
    assert parse_location(text).with_roads(KNOWN).roads == again.roads
    assert [a.start for a in parse_location(text).with_roads(KNOWN).addresses] == [
        a.start for a in again.addresses
    ]
    assert parse_location(text, KNOWN).address == parse_address(text, KNOWN)
    assert parse_location(text, KNOWN).crossing == parse_crossing(text, KNOWN)


def test_a_junction_of_one_road_is_no_crossing_until_known_names_part_it() -> None:
    # constructed names: the verb 推进 is trimmed off unless a known road ends with 进新路
    plain = parse_location("推进新路新路口")
    assert plain.junction is not None and plain.crossing is None and not plain
    parted = plain.with_roads({"进新路", "新路"}).crossing
    assert parted is not None and (parted.road_a, parted.road_b) == ("进新路", "新路")
    assert parted == parse_crossing("推进新路新路口", {"进新路", "新路"})


def test_a_parse_as_plain_values() -> None:
    parsed = parse_location("推进汶水路400号，共和新路广中路路口")
    assert parsed.roads == ("汶水路", "共和新路", "广中路")
    plain = json.loads(json.dumps(parsed.to_dict()))
    assert plain["addresses"][0]["road"] == "汶水路" and "lead" not in plain["addresses"][0]
    assert (plain["crossing"]["road_a"], plain["crossing"]["road_b"]) == ("共和新路", "广中路")
    assert ParsedAddress().to_dict() == {"addresses": [], "crossing": None}


def test_an_item_carries_its_location_parsed() -> None:
    from extract.items import make_item
    from extract.segment import Timing

    item = make_item("r.txt", "彭三小区", "project", "", Timing("plan", 2025), "planned",
                     "彭三小区改造。", 0, 7, location="共和新路3550号")  # fmt: skip
    assert item.address.address is not None and item.address.address.number == 3550
    moved = dataclasses.replace(item, location="康定路367弄")  # never a stale parse
    assert moved.address.address is not None and moved.address.address.road == "康定路"
    assert not dataclasses.replace(item, location="静安寺").address
    row = item.to_dict()
    assert row["address"]["addresses"][0]["road"] == "共和新路"
    assert dataclasses.replace(item, location="静安寺").to_dict()["address"] is None
    json.dumps(row)  # the extractor's JSON lines hold it
