"""One test per recogniser and per filter of ``extract.rules``, on sentences of the genre."""

from __future__ import annotations

import pytest

from extract.rules import find_spans
from extract.spans import is_generic

from .conftest import by_name, run


def names(sentence: str) -> list[str]:
    return [s.name for s in find_spans(sentence)]


def kinds(sentence: str) -> dict[str, str]:
    return {s.name: s.kind for s in find_spans(sentence)}


def test_address_numbers_and_lanes() -> None:
    assert names("完成共和新路3550号、天通庵路51号等6幅地块土地储备") == [
        "共和新路3550号",
        "天通庵路51号",
    ]
    assert names("实施陕西北路119弄等剩余6幅地块征收") == ["陕西北路119弄"]
    assert names("启动灵石路892号、汶水路801号冠松汽车地块等3幅土地盘活利用") == [
        "灵石路892号",
        "汶水路801号冠松汽车地块",
    ]


def test_enumeration_is_split_into_members() -> None:
    spans = find_spans("共和新路3550号、自仪厂等项目实现开工")
    assert [s.name for s in spans] == ["共和新路3550号", "自仪厂"]
    items = run("二、2025年主要任务\n共和新路3550号、自仪厂等项目实现开工。\n")
    assert [(i.name, i.status) for i in items] == [
        ("共和新路3550号", "planned"),  # a milestone in a plan is a target
        ("自仪厂", "planned"),
    ]


def test_members_without_suffix_typed_by_head() -> None:
    assert kinds("建成博华广场、凯德星贸、静安国际中心等商务商业楼宇") == {
        "博华广场": "project",
        "凯德星贸": "project",
        "静安国际中心": "project",
    }
    assert kinds("完成雍和创智、大宁德必等低效园区改造") == {"雍和创智": "zone", "大宁德必": "zone"}
    assert kinds("推进句容路、江场三路等项目") == {"句容路": "road", "江场三路": "road"}
    assert kinds("推进鹏程宝都等养老项目") == {"鹏程宝都": "project"}


def test_head_glued_to_last_member() -> None:
    assert names("民晏路、老沪太路零星旧改项目。") == ["民晏路", "老沪太路"]
    assert kinds("开展夏长浦、东茭泾河道局部岸段生态护岸改造") == {
        "夏长浦": "road",
        "东茭泾": "road",
    }


@pytest.mark.parametrize(
    ("sentence", "name", "kind"),
    [
        ("完成彭浦四季公园改造", "彭浦四季公园", "park"),
        ("建成苏州河长风段滨水岸线", "苏州河长风段滨水岸线", "park"),
        ("推进汶水路400号幼儿园新建", "汶水路400号幼儿园", "project"),
        ("建成中医医院平型关路院区", "中医医院平型关路院区", "project"),
        ("实施万里街道敬老院新建工程", "万里街道敬老院", "project"),
        ("基本建成志丹系统提标调蓄池", "志丹系统提标调蓄池", "project"),
        ("加快蕃瓜弄项目建设进度", "蕃瓜弄", "project"),
        ("积极推动愚园路街区、巨富长片区焕新升级", "巨富长片区", "beautiful_block"),
        ("创建巨富长风貌区等3个市级“美丽街区”", "巨富长风貌区", "beautiful_block"),
        ("南京西路功能区要打造全球顶级商务商业集聚区", "南京西路功能区", "zone"),
        ("聚焦南京西路—苏河湾中央活力区（CAZ）", "南京西路—苏河湾中央活力区（CAZ）", "zone"),
        ("北横通道（静安段）按期完工", "北横通道（静安段）", "road"),
        ("昌平路桥建成通车", "昌平路桥", "road"),
        ("完成中共二大会址纪念馆修缮", "中共二大会址纪念馆", "project"),
        ("完成张园东区首开区建设", "张园东区首开区", "project"),
        ("彭三小区（五期）实现居民回搬", "彭三小区（五期）", "project"),
    ],
)
def test_suffix_names(sentence: str, name: str, kind: str) -> None:
    assert kinds(sentence).get(name) == kind, find_spans(sentence)


def test_road_segment() -> None:
    spans = find_spans("实施云飞东路（共和新路—寿阳路）等道路建设工程")
    assert [(s.name, s.kind) for s in spans] == [("云飞东路（共和新路—寿阳路）", "road")]
    assert names("成功创建光复路（长寿路桥一普济路）绿化特色道路") == ["光复路（长寿路桥一普济路）"]


def test_quoted_area_names() -> None:
    assert names("高标准建设国家区块链应用示范区“数通链谷”") == ["数通链谷"]
    assert names("做强“大宁创芯谷”“大宁数字源”产业集聚圈") == ["大宁创芯谷", "大宁数字源"]
    assert names("推进“国际消费中心城市”示范区建设") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "新增3座口袋公园",
        "新增1座城市公园、3座口袋公园",
        "新建2个社区市民健身中心、3个市民健身驿站",
        "深入实施全球服务商计划",
        "深化“一网通办”平台建设",
        "推进“美丽家园”建设，打造“美丽楼组”“幸福小区”“和谐街区”",
        "全区跨国公司地区总部达100家",
        "在南西、苏河湾、大宁、市北四大功能区举行签约活动",
        "创新打造“静安张园高端品”保税数字化应用场景",
        "举办上海·静安现代戏剧谷等品牌文化活动",
        "为30个老旧小区实施消防基础设施改造",
        "游泳、羽毛球、乒乓球等项目向市民优惠开放13万人次",
        "打造上海国际科创中心的特色承载区",
        "六年累计实现138个项目开工，139个项目竣工",
        "围绕“助力苏河湾打造世界级滨水商务区”等主题开展活动",
    ],
)
def test_programmes_counts_and_generic_words_are_not_items(sentence: str) -> None:
    assert find_spans(sentence) == []


def test_generic_modifiers() -> None:
    assert is_generic("城市") and is_generic("社区综合") and is_generic("3")
    assert not is_generic("彭浦四季")


def test_list_neighbours_and_district_prefix() -> None:
    assert names("深入推进张园、东斯文里保护性开发") == ["张园", "东斯文里"]
    assert names("优化大宁、市北片区功能定位") == ["大宁片区", "市北片区"]
    assert names("整合南京西路和苏河湾地区") == ["南京西路", "苏河湾地区"]
    assert names("聚焦静安、市北国际科创区") == ["市北国际科创区"]
    assert names("推进普陀区长风公园改造") == ["长风公园"]


def test_table_rows_are_items() -> None:
    text = (
        "一、2023年计划执行情况\n类别\t完成情况\n"
        "旧里改造\t●完成南京西路愚园路、万航渡路284弄等9幅地块收尾。\n"
        "\t●全市体量最大的小梁薄板不成套职工住宅小区蕃瓜\n旧住房\t弄100%签约生效，实现开工。\n"
    )
    items = by_name(run(text, "2024-01-17_plan-execution-report.txt"))
    assert set(items) == {"南京西路愚园路", "万航渡路284弄", "蕃瓜弄"}
    assert items["蕃瓜弄"].status == "started"
    assert items["万航渡路284弄"].status == "completed"
    assert all(i.period == "review" and i.year == 2023 for i in items.values())
    for item in items.values():
        assert text[item.start : item.end] == item.quote


def test_road_before_a_quoted_area_name() -> None:
    items = run("二、2025年主要任务\n加快南京西路“千亿商圈”建设。\n")
    assert [(i.name, i.kind, i.location) for i in items] == [
        ("南京西路“千亿商圈”", "zone", "南京西路")
    ]


def test_road_directly_followed_by_road_works_is_a_road_item() -> None:
    spans = find_spans("推进西藏北路拓宽改建工程、江场西路大修和沪太路景观灯光提升")
    assert [(s.name, s.kind) for s in spans] == [
        ("西藏北路", "road"),
        ("江场西路", "road"),
        ("沪太路", "road"),
    ]
    assert spans[-1].category == "lighting"
    assert names("长寿路、武定路架空线入地和合杆整治全面完成") == ["长寿路", "武定路"]
    assert names("沿南京西路开展夜间消费活动") == []  # a road named without works


def test_river_segment_is_a_drainage_road_item() -> None:
    (span,) = find_spans("完成走马塘（彭越浦—俞泾浦）生态护岸改造")
    assert (span.name, span.kind, span.category) == ("走马塘（彭越浦—俞泾浦）", "road", "drainage")


def test_quoted_brand_spaces_after_a_carrier_are_projects() -> None:
    spans = find_spans("在市北高新园区启用核心载体“数智港”“云栖坊”")
    assert [(s.name, s.kind) for s in spans][1:] == [("数智港", "project"), ("云栖坊", "project")]
    assert [s.name for s in find_spans("“静安·新闸”创新空间投入使用")] == ["静安·新闸"]
    assert names("举办重点载体“月月推”等活动") == []  # an event, not a space


def test_quoted_brand_names_a_designation_but_not_a_policy_title() -> None:
    assert names("加快“数链静界”区块链产业集聚区建设") == ["“数链静界”区块链产业集聚区"]
    assert names("深化“全球新品首发地”示范区建设") == []
    assert names("建设“静安英才”人才基地") == []


def test_designation_placed_by_its_sentence() -> None:
    cases = {
        "依托大宁功能区建成数字创意产业集聚区": "大宁功能区",
        "围绕南京西路功能区，打造国际消费体验区": "南京西路功能区",
        "市北功能区聚焦细分领域，稳步推进可信数据经济试验区创建工作": "市北功能区",
    }
    for sentence, place in cases.items():
        (designation,) = [s for s in find_spans(sentence) if s.rule == "designation"]
        assert designation.location == place, sentence
    assert names("积极推进国际消费中心城市示范区建设") == []  # a district-wide title
    items = run("二、2027年主要任务\n依托大宁功能区打造数字创意产业集聚区。\n")
    assert by_name(items)["数字创意产业集聚区"].location == "大宁功能区"


def test_counted_plural_yields_each_member_when_the_count_matches() -> None:
    spans = find_spans("推进南京西路、苏河湾、大宁、市北四大功能区联动发展")
    assert [(s.name, s.kind) for s in spans] == [
        ("南京西路功能区", "zone"),
        ("苏河湾功能区", "zone"),
        ("大宁功能区", "zone"),
        ("市北功能区", "zone"),
    ]
    assert names("推进苏河湾、大宁三大功能区联动发展") == []  # the count does not match


def test_members_joined_by_and() -> None:
    assert names("深入推进张园和东斯文里保护性开发") == ["张园", "东斯文里"]
    assert names("完成闻喜路绿地及广延路绿地改造") == ["闻喜路绿地", "广延路绿地"]


def test_members_marked_as_elsewhere_are_left_out() -> None:
    assert names("实施市北高新（南通）科技城二期和长三角静安产业合作园区建设") == []
    assert names("推进静安区闸北实验小学（明德）校区建设") == ["闸北实验小学（明德）校区"]
    assert names("加快张园（东区）建设") == ["张园（东区）"]


def test_a_statistic_about_a_place_is_not_an_item() -> None:
    assert names("恒隆广场连续三年成为“双百亿楼”") == []
    assert names("苏河湾功能区新增总部企业12家") == []
    assert names("兴业太古汇连续两年销售额突破百亿元") == []
    assert names("苏河湾功能区建成公共绿地2万平方米") == ["苏河湾功能区"]  # works, with a figure


def test_table_rows_are_placed_by_their_location_column() -> None:
    text = (
        "一、2024年执行情况\n序号\t项目名称\t建设地点\t进展情况\n"
        "1\t静安区第二中心小学新建工程\t江场西路\t已竣工\n"
        "2\t彭浦镇敬老院改扩建工程\t永和路\t完成装修\n"
    )
    items = run(text)
    assert [(i.name, i.location, i.status) for i in items] == [
        ("第二中心小学", "江场西路", "completed"),
        ("彭浦镇敬老院", "永和路", "completed"),
    ]
    assert all(text[i.start : i.end] == i.quote for i in items)


def test_zone_location_is_the_shortest_text_that_places_it() -> None:
    items = by_name(run("二、2027年主要任务\n推进走马塘区域、苏河湾地区和大宁功能区建设。\n"))
    assert items["走马塘区域"].location == "走马塘"
    assert items["苏河湾地区"].location == "苏河湾"
    assert items["大宁功能区"].location == "大宁功能区"  # the zone's own name
