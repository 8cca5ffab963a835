"""The thread timeline: in report order, led by the report's year and title, with the year a
statement is about shown apart (issue 21: a 2022 five-year target labelled "2026 · plan" sat
between 2021 and 2023)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from geo import read_atlas, timeline
from mapview.timeline import thread_summary, timeline_html

ROOT = Path(__file__).resolve().parents[2]
WHEN = re.compile(r"<span class='when'>(\d*)</span>")


def _mention(i: int, doc: str, year: int, period: str, status: str) -> dict:
    return {"id": f"m{i}", "thread": "T1", "doc": doc, "doc_title": "政府工作报告", "year": year,
            "period": period, "status": status, "quote": f"第{i}句", "start": i,
            "outcome": None}  # fmt: skip


def test_entries_lead_with_the_report_and_say_what_year_they_are_about():
    mentions = pd.DataFrame(
        [
            _mention(1, "2022-01-11_gwr.txt", 2021, "multi-year", "completed"),
            _mention(2, "2022-01-11_gwr.txt", 2026, "plan", "planned"),  # a five-year target
            _mention(3, "2024-01-17_plan.txt", 2023, "review", "ongoing"),
        ]
    )
    text = timeline_html(mentions, "m2", lang="zh")
    assert WHEN.findall(text) == ["2022", "2022", "2024"]
    entries = text.split("<li")[1:]
    assert "2022年政府工作报告" in entries[1] and "所述年份 2026 · 计划" in entries[1]
    assert "2024年政府工作报告" in entries[2] and "所述年份 2023 · 回顾" in entries[2]
    english = timeline_html(mentions, "m2", lang="en")
    assert "about 2026 · plan" in english and "planned" in english


def test_every_thread_of_the_shipped_atlas_reads_in_report_order():
    layers = read_atlas(ROOT / "data" / "atlas.gpkg")
    items = layers["items"]
    long = layers["threads"][layers["threads"]["reports"] > 1]
    assert len(long) > 10
    for thread in long["thread"]:
        years = [int(y) for y in WHEN.findall(timeline_html(timeline(items, thread)))]
        assert years == sorted(years), thread


def test_the_summary_speaks_the_readers_language():
    thread = {"label": "静安寺", "mentions": 3, "reports": 2, "first_year": 2021,
              "last_year": 2026, "latest_status": "ongoing", "outcome": "replanned"}  # fmt: skip
    assert "2 份报告中提及 3 次" in thread_summary(thread, "zh")
    assert "首次计划：再计划" in thread_summary(thread, "zh")
    assert "3 mentions in 2 reports" in thread_summary(thread, "en")
