"""Year and period per section, per document kind, for the five reports and unseen ones."""

from __future__ import annotations

import pytest

from extract.segment import Timing, classify_heading, five_year_plan_years, paragraph_timing

from .conftest import by_name, run


def test_five_year_plans() -> None:
    assert five_year_plan_years(13) == (2016, 2020)
    assert five_year_plan_years(14) == (2021, 2025)
    assert five_year_plan_years(15) == (2026, 2030)


@pytest.mark.parametrize(
    ("heading", "year", "expected"),
    [
        ("一、2025年工作回顾", 2026, Timing("review", 2025)),
        ("一、过去六年工作回顾", 2022, Timing("multi-year", 2021)),
        ("一、过去一年工作回顾", 2027, Timing("review", 2026)),
        ("二、今年主要任务", 2027, Timing("plan", 2027)),
        ("二、今后五年的发展目标和主要任务", 2022, Timing("plan", 2026)),
        ("三、2022年主要任务", 2022, Timing("plan", 2022)),
        ("一、2023年国民经济和社会发展计划执行情况", 2024, Timing("review", 2023)),
        ("三、2024年国民经济和社会发展主要任务和措施", 2024, Timing("plan", 2024)),
        (
            "二、关于《上海市静安区国民经济和社会发展第十五个五年规划纲要（草案）》的说明",
            2026,
            Timing("plan", 2030),
        ),
        ("2022年静安区为民办实事项目", 2022, Timing("plan", 2022)),
        ("一、多措并举扩大有效需求，推动经济稳定增长", 2025, None),
    ],
)
def test_headings(heading: str, year: int, expected: Timing | None) -> None:
    assert classify_heading(heading, year) == expected


def test_fourteenth_plan_paragraph_inside_outline_is_multi_year() -> None:
    outline = Timing("plan", 2030)
    para = "“十四五”时期是静安奋力迈向卓越的现代化国际城区的五年。"
    assert paragraph_timing(para, outline, 2026) == Timing("multi-year", 2025)
    assert paragraph_timing("关于“十五五”时期的重要地位。", outline, 2026) == outline


@pytest.mark.parametrize(
    ("doc", "name", "period", "year"),
    [
        ("2026-01-14_government-work-report.txt", "彭浦西初雨调蓄池", "review", 2025),
        ("2026-01-14_government-work-report.txt", "城市航站楼", "multi-year", 2025),
        ("2026-01-14_government-work-report.txt", "苏河湾地区", "plan", 2030),
        ("2026-01-14_government-work-report.txt", "静安国际科创公园", "plan", 2026),
        ("2022-01-11_government-work-report.txt", "彭浦四季公园", "multi-year", 2021),
        ("2022-01-11_government-work-report.txt", "安康苑", "plan", 2026),
        ("2022-01-11_government-work-report.txt", "华兴新城", "plan", 2022),
        ("2022-01-11_government-work-report.txt", "上海市静安区疾病预防控制中心", "plan", 2022),
        ("2024-01-17_plan-execution-report.txt", "三泉公园", "review", 2023),
        ("2024-01-17_plan-execution-report.txt", "万航渡路284弄", "review", 2023),
        ("2024-01-17_plan-execution-report.txt", "止园新村", "plan", 2024),
        ("2025_government-work-report_main-tasks.txt", "自仪厂", "plan", 2025),
        ("2025-02-17_key-work-arrangements.txt", "永兴路第二小学", "plan", 2025),
    ],
)
def test_each_document_timing(all_items, doc: str, name: str, period: str, year: int) -> None:
    matches = [i for i in all_items[doc] if i.name == name]
    assert matches, name
    assert {(i.period, i.year) for i in matches} == {(period, year)}


def test_unseen_report_infers_from_headings_and_file_name() -> None:
    text = (
        "政府工作报告\n一、2026年工作回顾\n完成长风公园改造。\n"
        "过去五年，建成苏州河长风段滨水岸线。\n"
        "二、今后五年主要任务\n推进真如境风貌区建设。\n"
        "三、2027年主要任务\n今年启动曹杨新村160弄旧住房成套改造。\n"
    )
    items = by_name(run(text, "2027-01-12_putuo-government-work-report.txt"))
    assert (items["长风公园"].period, items["长风公园"].year) == ("review", 2026)
    assert (items["苏州河长风段滨水岸线"].period, items["苏州河长风段滨水岸线"].year) == (
        "multi-year",
        2026,
    )
    assert (items["真如境风貌区"].period, items["真如境风貌区"].year) == ("plan", 2031)
    assert (items["曹杨新村160弄"].period, items["曹杨新村160弄"].year) == ("plan", 2027)


def test_key_work_arrangements_without_year_headings_are_plan_of_their_year() -> None:
    text = "一、多措并举扩大有效需求\n1．加快重大投资项目建设。推进汶水路400号幼儿园新建工程。\n"
    items = run(text, "2026-02-20_key-work-arrangements.txt")
    assert [(i.name, i.period, i.year) for i in items] == [("汶水路400号幼儿园", "plan", 2026)]
