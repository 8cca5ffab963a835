"""The page's thread parts (issue 12): the timeline panel, the outcome filter and chart, and
threads instead of mentions on the map — pure functions, then the page through AppTest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from atlas.settings import settings
from geo import summary
from geo.io.export import write_gpkg_layers
from geo.schema import conform_items
from geo.threads.links import link_threads, thread_table, timeline
from mapview import charts, payload, threadmap
from mapview.atlasmap import build_map
from mapview.timeline import candidates_html, thread_summary, timeline_html
from tests.app.conftest import st_folium_args
from tests.app.test_app import run_app
from tests.app.test_payload import decode
from tests.worlds.page import reference_frames, write_gazetteer

EVIL = "<script>alert(1)</script>"


def _row(i: int, name: str, doc: str, year: int, period: str, status: str, geom=None) -> dict:
    quote = f"推进{name}建设{EVIL}" if i == 2 else f"推进{name}建设"
    return {
        "id": f"m{i}",
        "name": name,
        "kind": "project",
        "category": "housing",
        "year": year,
        "period": period,
        "status": status,
        "location": name,
        "quote": quote,
        "doc": doc,
        "doc_title": f"{doc} 报告{EVIL}" if i == 1 else f"{doc} 报告",
        "start": 10 * i,
        "end": 10 * i + len(quote),
        "precision": 1 if geom is not None else None,
        "method": "exact" if geom is not None else "unlocated",
        "subdistrict": "西街道" if geom is not None else None,
        "zone": "A区" if geom is not None else None,
        "geometry": geom,
    }


def items() -> gpd.GeoDataFrame:
    """One housing project across three reports (planned → started → completed), its care
    home (a look-alike), and a plan never mentioned again."""
    a, b, c = "2022-01-11_a.txt", "2024-01-17_b.txt", "2026-01-14_c.txt"
    rows = [
        _row(1, "测试小区", a, 2022, "plan", "planned", Point(121.44, 31.23)),
        _row(2, "测试小区", b, 2023, "review", "started"),
        _row(3, "测试小区", c, 2025, "review", "completed"),
        _row(4, "测试小区养老院", b, 2024, "plan", "ongoing", Point(121.46, 31.24)),
        _row(5, f"孤立项目{EVIL}", b, 2024, "plan", "planned", Point(121.45, 31.23)),
    ]
    frame = pd.DataFrame(rows)
    linked = link_threads(gpd.GeoDataFrame(frame, geometry="geometry", crs=settings.crs))
    return conform_items(linked)


# --------------------------------------------------------------------------- pure parts


def test_timeline_html_lists_mentions_in_order_escaped_and_highlights_the_current_one():
    linked = items()
    thread = linked.loc[linked["id"] == "m1", "thread"].iloc[0]
    mentions = timeline(linked, thread)
    assert mentions["id"].tolist() == ["m1", "m2", "m3"]
    text = timeline_html(mentions, "m2")
    assert EVIL not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    entries = text.split("<li")[1:]
    assert len(entries) == 3 and ['class="current"' in e for e in entries] == [False, True, False]
    assert "2022" in entries[0] and "delivered" in entries[0]  # the plan's outcome
    assert "2025" in entries[2] and "completed" in entries[2]


def test_thread_summary_and_candidates_are_escaped():
    table = thread_table(items()).set_index("label")
    main = table.loc["测试小区"].to_dict() | {"label": "测试小区"}
    assert "3 mentions in 3 reports" in thread_summary(main)
    assert "delivered" in thread_summary(main)
    assert "测试小区养老院" in candidates_html(main)  # near, not linked
    assert "kept apart: another kind of thing on the same place" in candidates_html(main)
    lone = table.loc[f"孤立项目{EVIL}"].to_dict() | {"label": f"孤立项目{EVIL}"}
    assert EVIL not in thread_summary(lone) and "no later mention" in thread_summary(lone)


def test_plan_outcome_chart_counts_plan_items_by_year_and_zone():
    linked = items()
    by_year = summary.outcome_by_plan_year(linked)
    assert by_year.loc[2022, "delivered"] == 1 and by_year.loc[2024, "no_later_mention"] == 2
    chart = charts.plan_outcome_chart(linked, "year").to_dict()
    assert chart["title"] == "What became of each year's plans"
    data = charts.long_counts(by_year, "year", "outcome")
    assert int(data["items"].sum()) == int(linked["outcome"].notna().sum()) == 3
    zone = charts.plan_outcome_chart(linked, "zone").to_dict()
    assert "functional zone" in zone["title"]
    assert summary.outcome_by_zone(linked).loc["A区"].sum() == 3


def test_thread_features_one_per_thread_with_a_selected_mention():
    linked = items()
    table = thread_table(linked)
    feats = threadmap.thread_features(table, linked)
    assert len(feats) == 3  # every thread has a located member
    assert feats.set_index("label").loc["测试小区", "pick"] == "m3"  # latest mention
    only_late = threadmap.thread_features(table, linked[linked["id"] == "m2"])
    assert only_late["pick"].tolist() == ["m2"] and only_late["selected"].tolist() == [1]


def test_thread_layer_draws_one_feature_per_thread_filled_by_outcome_and_escaped(monkeypatch):
    linked = items()
    feats = threadmap.thread_features(thread_table(linked), linked)
    rows = threadmap.thread_items(feats)
    m = build_map(linked, threads=rows, data_url="x", present=())
    assert [g.layer_name for g in m.dynamic][-1].startswith("Threads")
    args = st_folium_args(m, monkeypatch)
    script = args["feature_group"]
    assert EVIL not in script
    # the threads' rows are in the data file, in `thread_ids` order: a rerun sends only which
    # of them show (and the mention a click on each selects stays in Python)
    assert charts.OUTCOME_COLORS["delivered"] not in script
    data = json.loads(payload.map_data(linked, {"threads": thread_table(linked)}))
    ids = payload.thread_ids(linked)
    assert len(data["threads"]) == len(ids) == len(m.targets["threads"])
    colours = {r[6] for r in data["threads"] if r[0] >= 0}
    assert {
        charts.OUTCOME_COLORS["delivered"],
        charts.OUTCOME_COLORS["no_later_mention"],
    } <= colours
    assert not any(EVIL in s for r in data["threads"] for s in r if isinstance(s, str))
    shown = [t for t in m.targets["threads"] if t]
    assert sorted(shown) == ["m3", "m4", "m5"]  # the latest mention of each
    found = re.search(r"L\.atlasItems\((\{.*?\})\);", script)
    assert found
    layer = json.loads(found.group(1))
    assert layer["section"] == "threads" and "rows" not in layer
    assert decode(layer["bits"], len(ids)) == [bool(t) for t in m.targets["threads"]]
    # the one legend, on the map, names the outcome colours (shown in threads mode)
    script = args["script"]
    assert "L.atlas.legend(" in script and "Threads: first plan" in script


# --------------------------------------------------------------------------- the page


@pytest.fixture
def thread_atlas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> gpd.GeoDataFrame:
    ref = reference_frames()
    linked = items()
    atlas = write_gpkg_layers(
        {
            "items": linked,
            "subdistricts": ref["subdistricts"],
            "zones": ref["zones"],
            "district": ref["district"],
            "threads": thread_table(linked),
        },
        tmp_path / "atlas.gpkg",
    )
    monkeypatch.setenv("ATLAS_PATH", str(atlas))
    monkeypatch.setenv("GAZETTEER_PATH", str(write_gazetteer(tmp_path / "gazetteer.gpkg")))
    return linked


def test_item_panel_shows_its_thread_timeline(thread_atlas):
    at = run_app()
    at.session_state["selected_id"] = "m2"
    at.run()
    assert not at.exception
    shown = [h.proto.body for h in at.get("html")]
    timeline_block = next(b for b in shown if "atlas-timeline" in b)
    assert timeline_block.count("<li") == 3 and timeline_block.count('class="current"') == 1
    assert EVIL not in timeline_block
    assert any("Thread" in m.value for m in at.markdown)


def test_outcome_filter_selects_plans_by_outcome(thread_atlas):
    at = run_app()
    at.multiselect(key="f_outcome").set_value(["delivered"]).run()
    assert not at.exception
    assert at.dataframe[0].value["id"].tolist() == ["m1"]
    at.session_state["lower_tabs"] = "Download"
    at.run()
    assert any("--outcome delivered" in c.value for c in at.code)


def test_threads_instead_of_mentions_renders(thread_atlas):
    at = run_app()
    at.toggle(key="map_threads").set_value(True).run()
    assert not at.exception
    assert at.dataframe[0].value["id"].tolist() == thread_atlas["id"].tolist()
