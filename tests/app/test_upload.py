"""The map builder's `user_layers` and the page helpers of `mapview.upload` (no browser)."""

from __future__ import annotations

import pytest

from geo.filters import Filters
from geo.pipeline.upload import UploadContext, upload_report
from mapview import upload
from mapview.atlasmap import build_map
from tests.app.conftest import st_folium_args
from tests.worlds.page import items_frame, reference_frames

HOSTILE = "<img src=x onerror=alert(1)>报告"
REPORT = (
    "上海市静安区人民政府\n"
    f"关于印发《{HOSTILE}》的通知\n"
    "一、2025年主要任务\n"
    "1．推进教育均衡发展。建成测试学校新校舍。\n"
    "2．完善城市功能。实施西四路美丽街区建设，新建东门公园。\n"
)


@pytest.fixture(scope="module")
def result():
    return upload_report(REPORT.encode(), "mine.txt", UploadContext.load(reference_frames()))


def build(user_layers, filters=None):
    """The map with `user_layers` (the data file is not published: `data_url` given)."""
    return build_map(items_frame(), reference_frames(), filters=filters,
                     user_layers=user_layers, data_url="x", present=())  # fmt: skip


def test_user_layer_is_its_own_escaped_layer_on_top(result, monkeypatch):
    m = build([(result.label, result.items)])
    args = st_folium_args(m, monkeypatch)
    assert "<img src=x" not in args["feature_group"] + args["layer_control"]
    (group,) = [g for g in m.dynamic if g.layer_name.startswith("◆")]
    assert group.layer_name == (
        "◆ your report: 关于印发《&lt;img src=x onerror=alert(1)&gt;报告》的通知 (2)"
    )  # two of its three items located; drawn above the atlas
    assert len(m.targets["user0"]) == 2


def test_without_user_layers_the_map_has_only_the_selection():
    assert [g.layer_name for g in build([]).dynamic] == ["selection"]


def test_filters_apply_to_the_user_layer(result):
    layers = upload.user_layers([result], Filters(kind=("project",)))
    assert layers[0].selection["name"].tolist() == ["测试学校"]
    m = build([(result.label, result.drawable)], Filters(kind=("project",)))
    ids = m.targets["user0"]
    assert result.items.set_index("id").loc[ids, "name"].tolist() == ["测试学校"]
    assert upload.user_layers([result], Filters(year=(1999,)))[0].selection.empty


def test_details_find_items_of_the_user_report(result):
    atlas = items_frame()
    item_id = result.items["id"].iloc[0]
    assert upload.lookup(atlas, upload.user_layers([result], Filters()), item_id)[
        "id"
    ].tolist() == [item_id]
    assert upload.lookup(atlas, [], "t01")["id"].tolist() == ["t01"]
    assert upload.lookup(atlas, [], "nope").empty
