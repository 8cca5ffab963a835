"""`geo.summary`: the crosstabs the CLI prints and the app charts."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import summary
from geo.filters import split_multi
from geo.schema import KINDS, STATUSES
from tests.worlds import atlas as atlas_fakes


@pytest.fixture(scope="module")
def items():
    return atlas_fakes.items()


def test_year_by_kind_counts_every_item(items):
    table = summary.year_by_kind(items)
    assert list(table.columns) == list(KINDS)
    assert list(table.index) == [2021, 2022, 2023, 2024, 2025, 2026]
    assert int(table.to_numpy().sum()) == len(items)
    for year in table.index:
        for kind in KINDS:
            expected = int(((items["year"] == year) & (items["kind"] == kind)).sum())
            assert table.loc[year, kind] == expected


def test_zone_by_kind_counts_multi_zone_items_in_each(items):
    table = summary.zone_by_kind(items)
    assert list(table.index) == ["中区", "北区", summary.NONE]
    exploded = items.assign(z=items["zone"].map(lambda c: split_multi(c) or [summary.NONE]))
    exploded = exploded.explode("z")
    expected = pd.crosstab(exploded["z"], exploded["kind"])
    for zone in table.index:
        for kind in KINDS:
            want = int(expected.loc[zone, kind]) if kind in expected.columns else 0
            assert table.loc[zone, kind] == want, (zone, kind)
    assert table.loc["中区", "project"] == 2  # a2 and a3 (a3 also in 北区)
    assert table.loc["北区", "project"] == 1


def test_subdistrict_and_status_tables(items):
    sub = summary.subdistrict_by_kind(items)
    assert list(sub.index) == ["东街道", "西街道", summary.NONE]
    assert int(sub.to_numpy().sum()) == len(items)
    status = summary.status_by_year(items)
    assert list(status.columns) == list(STATUSES)
    assert status.loc[2025, "planned"] == 1 and status.loc[2025, "started"] == 1


def test_empty_items_give_empty_tables(items):
    table = summary.year_by_kind(items.iloc[:0])
    assert table.empty and list(table.columns) == list(KINDS)


def test_render_prints_both_tables_with_totals(items):
    text = summary.render(items)
    assert "items per year by kind" in text and "items per zone by kind" in text
    assert "beautiful_block" in text and "北区" in text and "total" in text
    assert f"{len(items)}" in text.split("items per zone")[0].splitlines()[-2]
