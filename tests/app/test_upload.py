"""The map builder's `user_layers` and the page helpers of `mapview.upload` (no browser)."""

from __future__ import annotations

import json

import pytest

import mapview
from geo.filters import Filters
from geo.pipeline.upload import UploadContext, upload_report
from geo.testing.page import items_frame, reference_frames
from mapview import upload

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
    """The map component's arguments (the data file is not published: `url` given)."""
    return mapview.build_map(
        items_frame(), reference_frames(), filters=filters, user_layers=user_layers, url="x"
    )


def test_user_layer_is_its_own_escaped_layer_on_top(result):
    args = build([(result.label, result.items)])
    text = json.dumps(args.as_dict(), ensure_ascii=False)
    assert "<img src=x" not in text
    (layer,) = args.user
    assert layer["label"] == "your report: 关于印发《&lt;img src=x onerror=alert(1)&gt;报告》的通知"
    assert len(layer["items"]) == 2  # two of its three items located; drawn above the atlas


def test_without_user_layers_the_map_is_unchanged():
    assert build([]).user == []
    assert build([]).as_dict() == mapview.build_map(items_frame(), url="x").as_dict()


def test_filters_apply_to_the_user_layer(result):
    layers = upload.user_layers([result], Filters(kind=("project",)))
    assert layers[0].selection["name"].tolist() == ["测试学校"]
    args = build([(layers[0].label, layers[0].selection)], Filters(kind=("project",)))
    assert [r[3] for r in args.user[0]["items"]] == ["测试学校"]
    assert upload.user_layers([result], Filters(year=(1999,)))[0].selection.empty


def test_details_find_items_of_the_user_report(result):
    atlas = items_frame()
    item_id = result.items["id"].iloc[0]
    assert upload.lookup(atlas, upload.user_layers([result], Filters()), item_id)[
        "id"
    ].tolist() == [item_id]
    assert upload.lookup(atlas, [], "t01")["id"].tolist() == ["t01"]
    assert upload.lookup(atlas, [], "nope").empty
