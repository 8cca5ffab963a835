"""Status words around an item: the clause predicate first, then the verb before the name."""

from __future__ import annotations

import pytest

from extract.items import status_of


def status(sentence: str, name: str, period: str = "plan") -> str:
    start = sentence.index(name)
    return status_of(sentence, start, start + len(name), period)


@pytest.mark.parametrize(
    ("sentence", "name", "period", "expected"),
    [
        ("华兴新城、上勤地块等18个项目实现开工", "华兴新城", "plan", "started"),
        ("苏河湾中心等15个项目实现竣工", "苏河湾中心", "plan", "completed"),
        ("彭浦西初雨调蓄池投入使用", "彭浦西初雨调蓄池", "review", "completed"),
        ("区体育中心建成开放", "区体育中心", "review", "completed"),
        ("推进信达大厦等商务楼宇更新改造", "信达大厦", "plan", "ongoing"),
        ("加快张园（东区）等城市更新项目建设进度", "张园（东区）", "plan", "ongoing"),
        ("持续推进蕃瓜弄等项目建设", "蕃瓜弄", "plan", "ongoing"),
        ("启动普善小区等7个成套改造项目", "普善小区", "plan", "planned"),
        ("实施静安公园改造", "静安公园", "plan", "planned"),
        ("新建静安国际科创公园", "静安国际科创公园", "plan", "planned"),
        ("启动永和路390号等5幅工业用地的转型升级", "永和路390号", "review", "started"),
        ("推动72街坊新建商办、95街坊C地块商办等项目竣工", "72街坊", "plan", "completed"),
        (
            "老年健康中心新建工程、彭一小区养老院项目实现结构封顶",
            "老年健康中心",
            "review",
            "ongoing",
        ),
        (
            "推进区域医疗中心改扩建工程、天目西路街道社区卫生服务中心新建工程等项目",
            "区域医疗中心",
            "plan",
            "ongoing",
        ),
        ("南京西路商圈集聚国内外知名品牌2000多个", "南京西路商圈", "review", "mentioned"),
        (
            "保护和利用好四行仓库等历史建筑，落成尤伦斯当代艺术中心",
            "四行仓库",
            "review",
            "mentioned",
        ),
    ],
)
def test_status(sentence: str, name: str, period: str, expected: str) -> None:
    assert status(sentence, name, period) == expected
