"""Status decided by period: one case per rule of ``extract/data/status.toml`` and period.

The passages are our own, written in the genre; each case names the rule it exercises.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extract.status import PERIODS, SITUATIONS, governing_class, rules, status_of

from .conftest import by_name, run


def status(sentence: str, name: str, period: str) -> str:
    start = sentence.index(name)
    return status_of(sentence, start, start + len(name), period)


CASES = [
    # plan: a milestone is a target
    ("milestone", "plan", "完成大田路小学新建工程", "大田路小学", "planned"),
    ("milestone", "plan", "宝昌路地块等项目实现竣工", "宝昌路地块", "planned"),
    ("milestone", "plan", "推动曲阜路图书馆投入使用", "曲阜路图书馆", "planned"),
    ("start", "plan", "新闸路地块等5个项目实现开工", "新闸路地块", "planned"),
    ("launch", "plan", "启动洛川中路小区成套改造", "洛川中路小区", "planned"),
    ("achievement", "plan", "新增保德路口袋公园", "保德路口袋公园", "planned"),
    ("creation", "plan", "打造大宁数字创意示范区", "大宁数字创意示范区", "planned"),
    ("creation", "plan", "实施闻喜路绿地改造", "闻喜路绿地", "planned"),
    ("promotion", "plan", "推动愚园路街区焕新升级", "愚园路街区", "planned"),
    ("planning", "plan", "谋划彭浦夜巷二期", "彭浦夜巷", "planned"),
    ("continuation", "plan", "加快推进北站新城建设", "北站新城", "ongoing"),
    ("continuation", "plan", "深化静安寺商圈能级提升", "静安寺商圈", "ongoing"),
    ("continuation", "plan", "做强做优静安国际会客厅", "静安国际会客厅", "ongoing"),
    ("promotion", "plan", "推动南京西路东段商业整体提升", "南京西路东段", "planned"),
    ("start", "review", "张园项目全面完成征收并实现西区开工", "张园", "started"),
    ("framing", "plan", "聚焦大宁融合创新区", "大宁融合创新区", "ongoing"),
    ("subject", "plan", "苏河湾功能区要打造世界级滨水中央活动区", "苏河湾功能区", "ongoing"),
    ("reference", "plan", "依托市北高新园区打造示范区", "市北高新园区", "mentioned"),
    ("award", "plan", "争取张园入选示范项目", "张园", "mentioned"),
    (
        "none",
        "plan",
        "大宁路街道社区文化活动中心\t大宁路\t年内",
        "大宁路街道社区文化活动中心",
        "planned",
    ),
    # review: facts
    ("milestone", "review", "彭浦西初雨调蓄池投入使用", "彭浦西初雨调蓄池", "completed"),
    ("milestone", "review", "完成大田路小学新建工程", "大田路小学", "completed"),
    ("achievement", "review", "新开办宜昌路幼儿园", "宜昌路幼儿园", "completed"),
    ("creation", "review", "创建新闸路美丽街区", "新闸路美丽街区", "completed"),
    ("start", "review", "昌平路桥改建工程开工建设", "昌平路桥", "started"),
    ("start", "review", "静安区精神卫生中心迁建项目启动建设", "静安区精神卫生中心", "started"),
    ("framing", "review", "围绕南京西路功能区推出首发经济活动", "南京西路功能区", "ongoing"),
    ("launch", "review", "启动永和路390号转型升级", "永和路390号", "started"),
    ("continuation", "review", "推进慈厚北里保护性开发", "慈厚北里", "ongoing"),
    (
        "continuation",
        "review",
        "社区卫生服务中心新建工程实现结构封顶",
        "社区卫生服务中心",
        "ongoing",
    ),
    ("promotion", "review", "推动阿波罗大厦改造", "阿波罗大厦", "ongoing"),
    ("planning", "review", "规划建设彭越浦滨水绿道", "彭越浦滨水绿道", "planned"),
    ("award", "review", "南京西路商圈获评全国示范步行街", "南京西路商圈", "mentioned"),
    ("reference", "review", "在苏河湾功能区举行签约活动", "苏河湾功能区", "mentioned"),
    ("reference", "review", "依托大宁中心广场建成电竞产业集聚区", "大宁中心广场", "mentioned"),
    ("none", "review", "宝山路街道社区养老院\t宝山路", "宝山路街道社区养老院", "mentioned"),
    # multi-year: like a review, but a statement without a verb is what was done
    ("milestone", "multi-year", "兴业太古汇等项目陆续建成", "兴业太古汇", "completed"),
    ("start", "multi-year", "彭一小区项目开工建设", "彭一小区", "started"),
    ("continuation", "multi-year", "持续推进蕃瓜弄改造", "蕃瓜弄", "ongoing"),
    ("none", "multi-year", "城市航站楼等一批楼宇焕发新的活力", "城市航站楼", "completed"),
    # the noun after the name is its object, not its predicate
    ("creation", "review", "实施静安公园改造", "静安公园", "completed"),
    ("continuation", "plan", "加快北站新城、天目路西地块等项目建设", "北站新城", "ongoing"),
    ("creation", "plan", "实施北横通道二期等景观灯光提升改造", "北横通道二期", "planned"),
    # aspect and scope (issue 22): task nouns, serial verbs, progressive adverbs, intentions
    ("promotion", "review", "临汾路小学项目做好收尾验收工作", "临汾路小学", "ongoing"),
    ("promotion", "review", "开展曹家渡-02更新单元规划设计", "曹家渡-02更新单元", "ongoing"),
    ("promotion", "plan", "有序开展洛川中路小区居民回搬工作", "洛川中路小区", "planned"),
    ("launch", "review", "市北医院启动创建三级医院", "市北医院", "started"),
    (
        "continuation",
        "review",
        "江宁路街道社区文化中心不断完善服务",
        "江宁路街道社区文化中心",
        "ongoing",
    ),
    ("continuation", "review", "宝山路红色街区逐步建成开放", "宝山路红色街区", "ongoing"),
    ("planning", "review", "统筹考虑海防路地块开发利用", "海防路地块", "planned"),
    ("milestone", "review", "广延路绿地完成收尾", "广延路绿地", "completed"),
]


@pytest.mark.parametrize(
    ("rule", "period", "sentence", "name", "expected"),
    CASES,
    ids=[f"{c[1]}-{c[0]}-{c[3]}" for c in CASES],
)
def test_status_rule(rule: str, period: str, sentence: str, name: str, expected: str) -> None:
    start = sentence.index(name)
    assert governing_class(sentence, start, start + len(name), period) == rule
    assert status(sentence, name, period) == expected


def test_every_rule_and_period_has_a_case() -> None:
    covered = {(c[0], c[1]) for c in CASES}
    for period in ("plan", "review"):
        for cls in (*rules().order, "none"):
            assert (cls, period) in covered, (cls, period)


def test_glossary_entry_enriches_the_list_item_instead_of_a_second_item() -> None:
    """Issue 22: a 名词解释 entry of a listed place gives that item its 四至; one of a place
    the main text does not list stays an item of its own that only defines the place."""
    text = (
        "二、2029年主要任务\n创建万荣精品宜居区等1个市级“美丽街区”。\n"
        "名词解释\n1.万荣精品宜居区：北至汶水路，南至广中西路，东至共和新路，西至平型关路。\n"
        "2.场中滨河街区：北至场中路，南至汶水路，东至共和新路，西至彭越浦。\n"
    )
    items = run(text)
    listed = [i for i in items if i.name == "万荣精品宜居区"]
    assert [(i.status, i.kind) for i in listed] == [("planned", "beautiful_block")]
    assert listed[0].boundary and listed[0].boundary["west"] == ["平型关路"]
    (alone,) = [i for i in items if i.name == "场中滨河街区"]
    assert alone.status == "mentioned" and alone.boundary


def test_plan_milestone_is_never_completed_in_a_passage() -> None:
    text = "二、2027年主要任务\n完成蕃瓜弄二期回搬，力争实现华兴新城二期竣工。\n"
    assert {i.status for i in run(text)} == {"planned"}
    assert by_name(run(text))["华兴新城二期"].period == "plan"


README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_status_table_is_the_rule_table() -> None:
    """The README's table (verb class | plan | review | multi-year) is the data the code reads."""
    text = README.read_text(encoding="utf-8")
    block = text[text.index("<!-- status-table -->") : text.index("<!-- /status-table -->")]
    rows = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = (cells[1], tuple(cells[2:]))
    r = rules()
    assert set(rows) == set(r.order) | set(SITUATIONS)
    for cls, (words, statuses) in rows.items():
        assert statuses == tuple(r.status(p, cls) for p in PERIODS), cls
        if cls in r.order:
            listed = set(re.findall(r"[\u4e00-\u9fff]+", words))
            assert listed == {w for w, c in r.word_class.items() if c == cls}, cls
