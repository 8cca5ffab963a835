"""Chinese street-address parsing: roads, 号/弄/支弄, ranges, crossings, full-width digits."""

from __future__ import annotations

import pytest

from geo.geocode.parsing import (
    parse_address,
    parse_addresses,
    parse_crossing,
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
