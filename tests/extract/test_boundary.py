"""Boundary descriptions: every phrasing, PDF-style text, offsets, and attaching to items."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from extract.boundary import BoundaryMatch, attach_boundaries, find_boundaries

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
REPORT_2022 = RAW / "2022-01-11_government-work-report.txt"

AREA = {"north": ["甲路"], "south": ["乙路"], "east": ["丙路"], "west": ["丁路"]}


def only(text: str) -> BoundaryMatch:
    matches = find_boundaries(text)
    assert len(matches) == 1, matches
    return matches[0]


@pytest.mark.parametrize(
    ("text", "name", "boundary", "covered"),
    [
        (
            "创建美丽街区。甲片区：北至甲路，南至乙路，东至丙路，西至丁路。",
            "甲片区",
            AREA,
            "甲片区：北至甲路，南至乙路，东至丙路，西至丁路",
        ),
        (  # any order, 到 for 至, 、 between clauses, two roads on a side
            "乙街区：西到丁路、戊路，东到丙路、南到乙路、北到甲路。",
            "乙街区",
            {"north": ["甲路"], "south": ["乙路"], "east": ["丙路"], "west": ["丁路", "戊路"]},
            "乙街区：西到丁路、戊路，东到丙路、南到乙路、北到甲路",
        ),
        (  # a river as a side, and "和" between two roads
            "沿河区：北至甲路，南至苏州河，东至丙路和丁路。",
            "沿河区",
            {"north": ["甲路"], "south": ["苏州河"], "east": ["丙路", "丁路"]},
            "沿河区：北至甲路，南至苏州河，东至丙路和丁路",
        ),
        (
            "加快丙功能区建设，丙功能区东起丙路，西至丁路，南起乙路，北至甲路。",
            "丙功能区",
            AREA,
            "丙功能区东起丙路，西至丁路，南起乙路，北至甲路",
        ),
        (
            "推进丁片区建设，其范围为东至丙路、西至丁路、南至乙路、北至甲路。",
            "丁片区",
            AREA,
            "丁片区建设，其范围为东至丙路、西至丁路、南至乙路、北至甲路",
        ),
        (
            "戊地块范围：丁路以东、丙路以西、乙路以北、甲路以南。",
            "戊地块",
            AREA,
            "戊地块范围：丁路以东、丙路以西、乙路以北、甲路以南",
        ),
        (  # other verbs, an enumeration label
            "一是甲片区：东临丙路，西靠丁路，南邻乙路，北接甲路。",
            "甲片区",
            AREA,
            "甲片区：东临丙路，西靠丁路，南邻乙路，北接甲路",
        ),
        (  # words after the last road are not part of its name
            "推进更新。本地块东至丙路，西至丁路，南至乙路，北至甲路所围合的区域。",
            None,
            AREA,
            "东至丙路，西至丁路，南至乙路，北至甲路所围合的区域",
        ),
        (  # roads all round, no directions
            "张园范围为威海路、石门一路、吴江路和茂名北路围合的区域。",
            "张园",
            {"around": ["威海路", "石门一路", "吴江路", "茂名北路"]},
            "张园范围为威海路、石门一路、吴江路和茂名北路围合的区域",
        ),
        (
            "建设甲片区，该片区由甲路、乙路、丙路所围成。",
            "甲片区",
            {"around": ["甲路", "乙路", "丙路"]},
            "甲片区，该片区由甲路、乙路、丙路所围成",
        ),
        (  # one side with a cue, the area named in quotes after it
            "沿乙路以北为核心，打造“创芯谷”。",
            "创芯谷",
            {"south": ["乙路"]},
            "乙路以北",
        ),
        (
            "实施甲路（丙路—丁路）道路建设工程。",
            "甲路",
            {"along": "甲路", "from": "丙路", "to": "丁路"},
            "甲路（丙路—丁路）",
        ),
        (  # half-width brackets, "一" for the dash as PDF conversion leaves it, a bridge
            "成功创建甲路(丙路桥一丁路)绿化特色道路。",
            "甲路",
            {"along": "甲路", "from": "丙路桥", "to": "丁路"},
            "甲路(丙路桥一丁路)",
        ),
        (
            "完成北苏州路浙江北路—福建北路段景观提升。",
            "北苏州路",
            {"along": "北苏州路", "from": "浙江北路", "to": "福建北路"},
            "北苏州路浙江北路—福建北路段",
        ),
        (
            "实施共和新路自中山北路至汶水路的改造。",
            "共和新路",
            {"along": "共和新路", "from": "中山北路", "to": "汶水路"},
            "共和新路自中山北路至汶水路",
        ),
        (  # a road "东起…西至…" is a stretch of that road
            "提升南京西路东起成都北路，西至常德路。",
            "南京西路",
            {"along": "南京西路", "from": "成都北路", "to": "常德路"},
            "南京西路东起成都北路，西至常德路",
        ),
    ],
)
def test_phrasings(text: str, name: str | None, boundary: dict, covered: str) -> None:
    m = only(text)
    assert (m.name, m.boundary) == (name, boundary)
    assert text[m.start : m.end] == covered


def test_pdf_spaces_line_breaks_and_half_width_punctuation() -> None:
    text = (
        "前言。\n商务区：北至新\n闻路，南至 巨鹿路，"
        "东至陕西北路, 陕西南路;西至常德路 、富民路。\n下文"
    )
    m = only(text)
    assert m.name == "商务区"
    assert m.boundary == {
        "north": ["新闻路"],
        "south": ["巨鹿路"],
        "east": ["陕西北路", "陕西南路"],
        "west": ["常德路", "富民路"],
    }
    assert text[m.start : m.end] == text[text.index("商务区") : text.index("富民路") + 3]


def test_segment_broken_across_lines_keeps_original_offsets() -> None:
    text = "　实施云飞东\n路（共和新路 — 寿阳路）等道路建设工程。"
    m = only(text)
    assert m.boundary == {"along": "云飞东路", "from": "共和新路", "to": "寿阳路"}
    assert text[m.start : m.end] == "云飞东\n路（共和新路 — 寿阳路）"


@pytest.mark.parametrize(
    "text",
    [
        "打造南京西路—苏河湾国际法律服务集聚带。",
        "“吴江路-丰盛里”入选夜间经济人气地标。",
        "开展石门二路-01 更新单元规划设计。",
        "高标准打造生态绣带（苏州河—彭越浦—走马塘）。",
        "南北通道（一期）、北横通道（静安段）按期完工。",
        "截至2021年底，坚持人民至上，精简证明至3项。",
        "东至今年。",
        "以东方明珠为背景。",
        "实施共和新路、中山北路、汶水路改造。",
        "由甲路、乙路围合的区域。",
    ],
)
def test_no_false_descriptions(text: str) -> None:
    assert find_boundaries(text) == []


def test_2022_report_four_beautiful_blocks() -> None:
    text = REPORT_2022.read_text(encoding="utf-8")
    glossary = text.index("4 个市级“美丽街区”")
    blocks = {m.name: m for m in find_boundaries(text) if m.start > glossary}
    assert {k: v.boundary for k, v in blocks.items()} == {
        "南京西路高端商务区": {
            "north": ["新闻路"],
            "south": ["巨鹿路"],
            "east": ["陕西北路", "陕西南路"],
            "west": ["常德路", "富民路"],
        },
        "大宁精品居住区": {
            "north": ["灵石路"],
            "south": ["广中西路"],
            "east": ["彭越浦路"],
            "west": ["运城路"],
        },
        "沿河漫步区": {
            "north": ["海宁路"],
            "south": ["苏州河"],
            "east": ["河南北路"],
            "west": ["西藏北路"],
        },
        "俞泾浦宜居区": {
            "north": ["汶水路"],
            "south": ["灵石路"],
            "east": ["粤秀路"],
            "west": ["共和新路"],
        },
    }
    for name, m in blocks.items():
        assert text[m.start : m.end].startswith(name + "：")


def test_every_description_in_the_five_reports() -> None:
    """Each 四至 / segment description of the corpus (grepped by hand) is found, nothing else."""
    found = {
        (path.name[:4], m.name, tuple(sorted(m.boundary)))
        for path in sorted(RAW.glob("*.txt"))
        for m in find_boundaries(path.read_text(encoding="utf-8"))
    }
    sides = ("east", "north", "south", "west")
    segment = ("along", "from", "to")
    assert found == {
        ("2022", "云飞东路", segment),
        ("2022", "国庆路", segment),
        ("2022", "北苏州路", segment),
        ("2022", "南京西路高端商务区", sides),
        ("2022", "大宁精品居住区", sides),
        ("2022", "沿河漫步区", sides),
        ("2022", "俞泾浦宜居区", sides),
        ("2024", "光复路", segment),
        ("2024", "大宁创芯谷", ("south",)),
    }


@dataclass(frozen=True)
class FakeItem:
    """The fields attach_boundaries relies on, shaped like extract's Item."""

    id: str
    name: str
    start: int
    end: int
    boundary: dict | None = None


def items_for(text: str, *spans: tuple[str, str, int]) -> list[FakeItem]:
    """An item per (id, name, n-th occurrence of name) quoting the sentence around it."""
    out = []
    for item_id, name, nth in spans:
        pos = -1
        for _ in range(nth + 1):
            pos = text.index(name, pos + 1)
        start = max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos)) + 1
        end = text.index("。", pos) + 1
        out.append(FakeItem(item_id, name, start, end))
    return out


GLOSSARY_TEXT = (
    "一、回顾\n创建甲片区、乙片区2个市级“美丽街区”。\n"
    "二、任务\n深化甲片区建设。\n"
    "名词解释\n1. 美丽街区\n"
    "甲片区：北至甲路，南至乙路，东至丙路，西至丁路。"
    "丙片区：北至甲路，南至乙路。\n"
)


def test_glossary_enriches_mentions_elsewhere_and_keeps_its_own_item() -> None:
    items = items_for(
        GLOSSARY_TEXT,
        ("a1", "甲片区", 0),
        ("b1", "乙片区", 0),
        ("a2", "甲片区", 1),
        ("a3", "甲片区", 2),  # the glossary's own item: another section, another item
        ("c1", "丙片区", 0),  # named only in the glossary
    )
    out = attach_boundaries(items, GLOSSARY_TEXT)
    by_id = {it.id: it for it in out}
    assert sorted(by_id) == ["a1", "a2", "a3", "b1", "c1"]
    assert by_id["a1"].boundary == by_id["a2"].boundary == by_id["a3"].boundary == AREA
    assert by_id["b1"].boundary is None
    assert by_id["c1"].boundary == {"north": ["甲路"], "south": ["乙路"]}


def test_description_in_running_text_goes_to_its_own_item() -> None:
    text = "实施甲路（丙路—丁路）、戊路等道路建设工程。推进甲路养护。"
    items = items_for(text, ("x", "戊路", 0), ("a", "甲路", 0), ("b", "甲路", 1))
    out = attach_boundaries(items, text)
    assert [it.id for it in out] == ["x", "a", "b"]
    assert out[1].boundary == {"along": "甲路", "from": "丙路", "to": "丁路"}
    assert out[0].boundary is None and out[2].boundary is None


def test_unnamed_description_goes_to_the_item_it_follows() -> None:
    text = "推进创芯谷建设，沿乙路以北布局。"
    items = [FakeItem("q", "创芯谷", 0, len(text))]
    (out,) = attach_boundaries(items, text)
    assert out.boundary == {"south": ["乙路"]}


def test_attach_keeps_items_without_descriptions_untouched() -> None:
    text = "建设甲公园。"
    items = [FakeItem("p", "甲公园", 0, len(text))]
    assert attach_boundaries(items, text) == items


def test_two_segments_in_one_sentence_go_to_their_own_items() -> None:
    text = "实施云飞东路（共和新路—寿阳路）、国庆路（乌镇路—晋元路）等道路建设工程。"
    items = [
        FakeItem("a", "云飞东路（共和新路—寿阳路）", 0, len(text)),
        FakeItem("b", "国庆路（乌镇路—晋元路）", 0, len(text)),
    ]
    a, b = attach_boundaries(items, text)
    assert a.boundary == {"along": "云飞东路", "from": "共和新路", "to": "寿阳路"}
    assert b.boundary == {"along": "国庆路", "from": "乌镇路", "to": "晋元路"}


def test_area_description_in_running_text_also_enriches_later_mentions() -> None:
    text = "沿乙路以北为核心，打造“创芯谷”。推进创芯谷建设。"
    items = items_for(text, ("a", "创芯谷", 0), ("b", "创芯谷", 1))
    assert [it.boundary for it in attach_boundaries(items, text)] == [{"south": ["乙路"]}] * 2
