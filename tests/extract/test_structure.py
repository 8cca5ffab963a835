"""Names with structure and paragraph context (issue 22), on passages written for the tests:
heads and parts stay in names, slogans are located by themselves, a designation its sentence
does not place takes its paragraph's setting."""

from __future__ import annotations

from extract.pipeline import paragraph_setting

from .conftest import by_name, run

REVIEW = "一、2028年工作回顾\n"
PLAN = "二、2029年主要任务\n"


def names(text: str) -> set[str]:
    return {i.name for i in run(text)}


def test_a_head_after_a_list_is_every_members() -> None:
    items = by_name(run(REVIEW + "建成长寿公园、静安公园等2个市民园艺中心。\n"))
    assert set(items) == {"长寿公园市民园艺中心", "静安公园市民园艺中心"}
    assert {(i.kind, i.category, i.status) for i in items.values()} == {
        ("project", "greening", "completed")
    }


def test_works_glued_to_an_area_stay_in_its_name_but_a_road_stays_a_road() -> None:
    items = by_name(run(PLAN + "提升曹家渡商圈景观灯光品质。\n"))
    assert list(items) == ["曹家渡商圈景观灯光"]
    assert (items["曹家渡商圈景观灯光"].kind, items["曹家渡商圈景观灯光"].category) == (
        "project",
        "lighting",
    )
    assert names(REVIEW + "余姚路景观灯光工程完工。\n") == {"余姚路"}


def test_a_unit_head_on_the_last_member_is_shared() -> None:
    text = PLAN + "推进彭浦、市北商务更新单元规划研究。\n"
    assert names(text) == {"彭浦商务更新单元", "市北商务更新单元"}


def test_a_designation_a_place_is_given_is_named_with_the_place() -> None:
    text = PLAN + "大宁中心广场创建低碳发展实践区。\n"
    assert names(text) == {"大宁中心广场低碳发展实践区"}


def test_a_part_after_project_words_belongs_to_the_name() -> None:
    text = PLAN + "持续推进丰盛里城市更新项目西区建设。\n"
    assert names(text) == {"丰盛里西区"}


def test_a_quoted_slogan_along_which_works_happen_is_located_by_the_slogan() -> None:
    (item,) = run(PLAN + "优化“两河三岸”沿线景观。\n")
    assert (item.name, item.kind, item.location) == ("“两河三岸”沿线", "zone", "两河三岸")


def test_a_designation_takes_its_paragraphs_setting() -> None:
    text = REVIEW + "大宁功能区影视产业持续集聚。深化影视演艺示范区建设，新增企业5家。\n"
    item = by_name(run(text))["影视演艺示范区"]
    assert (item.location, item.status) == ("大宁功能区", "ongoing")


def test_no_setting_when_the_paragraph_opens_on_two_areas_or_none() -> None:
    two = REVIEW + "大宁功能区和市北功能区协同发展。深化影视演艺示范区建设。\n"
    assert "影视演艺示范区" not in names(two)
    other = REVIEW + "大宁功能区影视产业持续集聚。\n深化影视演艺示范区建设。\n"
    assert "影视演艺示范区" not in names(other)  # another paragraph
    assert paragraph_setting("苏河湾功能区滨水空间品质不断升级", frozenset()) == "苏河湾功能区"
    assert paragraph_setting("推进各项工作", frozenset()) == ""


def test_paragraph_starts_in_one_forward_pass() -> None:
    from extract.pipeline import paragraph_starts

    text = "甲。乙。\n丙。\n\n丁。"
    starts = [0, 2, 5, 9]
    assert paragraph_starts(text, starts) == [-1, -1, 4, 8]
    assert paragraph_starts("无换行。" * 5, [0, 4, 8]) == [-1, -1, -1]
