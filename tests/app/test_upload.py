"""The map builder's `user_layers` and the page helpers of `mapview.upload` (no browser)."""

from __future__ import annotations

import json
import re

import pytest

import mapview
from geo.filters import Filters
from geo.upload import UploadContext, upload_report
from mapview import upload
from tests.app.synthetic import items_frame, reference_frames

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


def build(user_layers, items=None):
    ref = reference_frames()
    return mapview.build_map(
        items_frame() if items is None else items,
        ref["subdistricts"],
        ref["zones"],
        ref["district"],
        ref["roads"],
        user_layers=user_layers,
    )


def test_user_layer_is_its_own_escaped_layer_on_top(result):
    html = build([(result.label, result.items)]).get_root().render()
    assert "<img src=x" not in html
    label = "your report: 关于印发《&lt;img src=x onerror=alert(1)&gt;报告》的通知"
    strings = {
        json.loads(s) for s in re.findall(r'"(?:[^"\\]|\\.)*your report(?:[^"\\]|\\.)*"', html)
    }
    assert f"◆ {label} (2)" in strings  # the layer control: two of its three items located
    assert label in strings  # the group its features are counted under (data-user-counts)
    # drawn after (so on top of) every atlas layer
    assert html.rindex("your report") > max(
        html.rindex(f'ATLAS.add("{k}"') for k in ("project", "road")
    )


def test_without_user_layers_the_map_is_unchanged():
    assert build([]).get_root().render().count("ATLAS.add(") == len(
        {k for k in items_frame().dropna(subset=["geometry"])["kind"]}
    )


def test_filters_apply_to_the_user_layer(result):
    layers = upload.user_layers([result], Filters(kind=("project",)))
    assert layers[0].selection["name"].tolist() == ["测试学校"]
    payload = upload.payloads(layers)[0][1]
    assert payload.count == 1
    assert upload.user_layers([result], Filters(year=(1999,)))[0].selection.empty


def test_details_find_items_of_the_user_report(result):
    atlas = items_frame()
    item_id = result.items["id"].iloc[0]
    assert upload.lookup(atlas, upload.user_layers([result], Filters()), item_id)[
        "id"
    ].tolist() == [item_id]
    assert upload.lookup(atlas, [], "t01")["id"].tolist() == ["t01"]
    assert upload.lookup(atlas, [], "nope").empty
