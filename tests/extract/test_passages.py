"""Passages of our own in the genre: another year, the neighbouring districts 普陀 and 黄浦."""

from __future__ import annotations

import pytest

from atlas.settings import settings
from extract.meta import issuing_district

from .conftest import by_name, run

PUTUO_2027 = """政府工作报告
——2027年1月12日在普陀区第七届人民代表大会第二次会议上
一、2026年工作回顾
一年来，我们主要做了以下工作。
重大工程加快推进。桃浦智创城中央绿地二期、真如城市副中心核心区等项目实现竣工，曹杨新村第二小学扩建工程实现开工。完成长风公园改造，建成苏州河长风段滨水岸线。宜川路街道社区卫生服务
中心新建工程投入使用。
二、2027年主要任务
加快推进武宁路（中山北路—金沙江路）道路改造工程，推进铜川路、大渡河路等道路大中修。启动曹杨新村160弄旧住房成套改造，实施万里街道敬老院新建工程。创建真如境风貌区、长寿路商业街区等3个市级“美丽街区”。深入实施全球服务商计划，推进“一网通办”建设。新增3座口袋公园。
"""

HUANGPU_2025 = """关于黄浦区2024年国民经济和社会发展计划执行情况与2025年计划草案的报告
一、2024年国民经济和社会发展计划执行情况
类别\t完成情况
旧区改造\t●完成建国东路68街坊、小东门616街坊等3幅地块收尾。
城市更新\t●外滩第二立面、豫园商城等项目有序推进。
二、2025年国民经济和社会发展主要任务
推进老西门中华路地块、董家渡13街坊等项目开工，完成南京东路步行街改造提升。建成复兴中路公共空间。
"""

PUTUO_EXPECTED = {
    "桃浦智创城中央绿地二期": ("park", "completed", "review", 2026),
    "真如城市副中心核心区": ("project", "completed", "review", 2026),
    "曹杨新村第二小学": ("project", "started", "review", 2026),
    "长风公园": ("park", "completed", "review", 2026),
    "苏州河长风段滨水岸线": ("park", "completed", "review", 2026),
    "宜川路街道社区卫生服务中心": ("project", "completed", "review", 2026),
    "武宁路（中山北路—金沙江路）": ("road", "ongoing", "plan", 2027),
    "铜川路": ("road", "ongoing", "plan", 2027),
    "大渡河路": ("road", "ongoing", "plan", 2027),
    "曹杨新村160弄": ("project", "planned", "plan", 2027),
    "万里街道敬老院": ("project", "planned", "plan", 2027),
    "真如境风貌区": ("beautiful_block", "planned", "plan", 2027),
    "长寿路商业街区": ("beautiful_block", "planned", "plan", 2027),
}

HUANGPU_EXPECTED = {
    "建国东路68街坊": ("project", "completed", "review", 2024),
    "小东门616街坊": ("project", "completed", "review", 2024),
    "外滩第二立面": ("project", "ongoing", "review", 2024),
    "豫园商城": ("project", "ongoing", "review", 2024),
    "老西门中华路地块": ("project", "planned", "plan", 2025),
    "董家渡13街坊": ("project", "planned", "plan", 2025),
    "南京东路步行街": ("beautiful_block", "planned", "plan", 2025),
    "复兴中路公共空间": ("park", "planned", "plan", 2025),
}


def _table(items) -> dict:
    return {n: (i.kind, i.status, i.period, i.year) for n, i in by_name(items).items()}


def test_putuo_government_work_report() -> None:
    name = "2027-01-12_putuo-government-work-report.txt"
    assert run(PUTUO_2027, name) == []  # another district's report: no Jing'an items
    items = run(PUTUO_2027, name, any_district=True)
    assert all(i.out_of_district for i in items)
    assert _table(items) == PUTUO_EXPECTED
    health = by_name(items)["宜川路街道社区卫生服务中心"]
    assert health.category == "health"
    assert PUTUO_2027[health.start : health.end] == health.quote  # across the line break


def test_huangpu_plan_execution_report_with_table() -> None:
    name = "2025-01-20_huangpu-plan-execution-report.txt"
    assert run(HUANGPU_2025, name) == []
    items = run(HUANGPU_2025, name, any_district=True)
    assert _table(items) == HUANGPU_EXPECTED
    for item in items:
        assert HUANGPU_2025[item.start : item.end] == item.quote


def test_same_input_same_ids() -> None:
    first = [i.id for i in run(PUTUO_2027, any_district=True)]
    assert first == [i.id for i in run(PUTUO_2027, any_district=True)]
    assert len(set(first)) == len(first)


@pytest.mark.parametrize(
    ("header", "issuer"),
    [
        ("——2027年1月9日在上海市虹口区第十七届人民代表大会第三次会议上", "虹口区"),
        ("上海市黄浦区人民政府文件", "黄浦区"),
        ("普陀区区长 某某", "普陀区"),
        ("关于杨浦区2026年国民经济和社会发展计划执行情况的报告", "杨浦区"),
        ("——2026年1月14日在静安区第二届\n\n人民代表大会第七次会议上", "静安区"),
        ("静安区发展和改革委员会", "静安区"),
    ],
)
def test_issuing_district_is_read_from_the_header(header: str, issuer: str) -> None:
    assert issuing_district(header + "\n一、2026年工作回顾\n完成长风公园改造。\n") == issuer


def test_target_district_comes_from_settings() -> None:
    text = "——2027年1月9日在虹口区第十七届人民代表大会上\n二、2027年主要任务\n推进霍山公园改造。\n"
    assert run(text) == []
    with settings.override(district="虹口区"):
        assert [i.name for i in run(text)] == ["霍山公园"]


def test_cli_notes_another_districts_report(tmp_path, capsys) -> None:
    from extract.__main__ import main

    path = tmp_path / "2027-01-09_report.txt"
    path.write_text("——2027年1月9日在虹口区第十七届人民代表大会上\n推进霍山公园改造。\n")
    assert main([str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "issued by 虹口区: no 静安区 items; --any-district to extract anyway" in captured.err
    assert main([str(path), "--any-district"]) == 0
    assert '"out_of_district": true' in capsys.readouterr().out
