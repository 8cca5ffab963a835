"""Passages of our own in the genre: another year, the neighbouring districts 普陀 and 黄浦."""

from __future__ import annotations

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
    items = run(PUTUO_2027, "2027-01-12_putuo-government-work-report.txt")
    assert _table(items) == PUTUO_EXPECTED
    health = by_name(items)["宜川路街道社区卫生服务中心"]
    assert health.category == "health"
    assert PUTUO_2027[health.start : health.end] == health.quote  # across the line break


def test_huangpu_plan_execution_report_with_table() -> None:
    items = run(HUANGPU_2025, "2025-01-20_huangpu-plan-execution-report.txt")
    assert _table(items) == HUANGPU_EXPECTED
    for item in items:
        assert HUANGPU_2025[item.start : item.end] == item.quote


def test_same_input_same_ids() -> None:
    first = [i.id for i in run(PUTUO_2027)]
    assert first == [i.id for i in run(PUTUO_2027)]
    assert len(set(first)) == len(first)
