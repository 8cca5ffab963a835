"""The charts count what `geo.summary` counts (the CLI's figures), colours matching the map."""

from __future__ import annotations

from mapview import charts, style
from tests.worlds.page import items_frame


def test_year_chart_counts_every_item_once_per_year_and_kind():
    items = items_frame()
    data = charts.year_kind_chart(items).data
    assert data["items"].sum() == len(items)
    got = data.set_index(["year", "kind"])["items"].to_dict()
    want = items.groupby(["year", "kind"]).size()
    assert got == {(str(y), k): n for (y, k), n in want.items()}
    spec = charts.year_kind_chart(items).to_dict()
    assert spec["encoding"]["color"]["scale"]["range"] == style.kind_colors()[1]


def test_zone_chart_counts_multi_zone_items_in_each_zone():
    data = charts.area_kind_chart(items_frame(), "zone").data
    per_zone = data.groupby("zone")["items"].sum().to_dict()
    assert per_zone["B区"] == 2  # t02 and t06 (which lies in A区;B区)
    assert per_zone["(none)"] == 3  # two outside every zone, one unlocated


def test_status_chart_and_empty_selection():
    items = items_frame()
    assert charts.status_year_chart(items).data["items"].sum() == len(items)
    assert charts.status_year_chart(items.iloc[:0]).data.empty
    charts.area_kind_chart(items.iloc[:0]).to_dict()  # an empty selection still draws


def test_chart_legends_show_words_in_the_readers_language():
    spec = charts.year_kind_chart(items_frame(), "zh").to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"][:2] == ["项目", "美丽街区"]
    assert spec["encoding"]["color"]["legend"]["title"] == "类型"
    assert spec["title"] == "各年份项目（按类型）"
    status = charts.status_year_chart(items_frame(), "zh").data
    assert set(status["status_word"]) <= {"计划", "开工", "已完成", "持续推进", "提及"}
    assert "status" in status  # the codes stay: the figures are the CLI's
