"""`geo.filters`: each filter selects exactly what the equivalent pandas query selects."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import pytest

from geo import filters as flt
from geo.filters import FilterError, Filters, apply_filters, mask, valid_values, validate
from tests.worlds import atlas as atlas_fakes


@pytest.fixture(scope="module")
def items():
    return atlas_fakes.items()


def ids(frame: pd.DataFrame) -> list[str]:
    return frame["id"].tolist()


def has_value(cell: object, value: str) -> bool:
    return isinstance(cell, str) and value in cell.split(";")


@pytest.mark.parametrize(
    ("filters", "query"),
    [
        (Filters(year=(2025,)), lambda d: d[d["year"] == 2025]),
        (Filters(year=(2021, 2026)), lambda d: d[d["year"].isin([2021, 2026])]),
        (Filters(year_range=(2022, 2024)), lambda d: d[(d["year"] >= 2022) & (d["year"] <= 2024)]),
        (Filters(kind=("park",)), lambda d: d[d["kind"] == "park"]),
        (Filters(kind=("park", "road")), lambda d: d[d["kind"].isin(["park", "road"])]),
        (Filters(category=("greening",)), lambda d: d[d["category"] == "greening"]),
        (Filters(status=("completed",)), lambda d: d[d["status"] == "completed"]),
        (Filters(period=("plan",)), lambda d: d[d["period"] == "plan"]),
        (Filters(subdistrict=("东街道",)), lambda d: d[d["subdistrict"] == "东街道"]),
        (Filters(zone=("北区",)), lambda d: d[d["zone"].map(lambda z: has_value(z, "北区"))]),
        (Filters(zone=("中区",)), lambda d: d[d["zone"].map(lambda z: has_value(z, "中区"))]),
        (
            Filters(zone=("中区", "北区")),
            lambda d: d[d["zone"].map(lambda z: has_value(z, "中区") or has_value(z, "北区"))],
        ),
        (Filters(text="公园"), lambda d: d[d["name"].str.contains("公园")]),
        (Filters(located_only=True), lambda d: d[d.geometry.notna()]),
        (
            Filters(year=(2025,), kind=("project",), status=("planned", "started")),
            lambda d: d[
                (d["year"] == 2025)
                & (d["kind"] == "project")
                & d["status"].isin(["planned", "started"])
            ],
        ),
        (
            Filters(zone=("中区",), kind=("project", "park"), period=("review", "plan")),
            lambda d: d[
                d["zone"].map(lambda z: has_value(z, "中区"))
                & d["kind"].isin(["project", "park"])
                & d["period"].isin(["review", "plan"])
            ],
        ),
        (Filters(), lambda d: d),
    ],
)
def test_filter_matches_pandas_query(items, filters, query):
    got = apply_filters(items, filters)
    expected = query(items)
    assert ids(got) == ids(expected)
    assert len(expected) > 0 or filters == Filters()  # every case selects something


def test_multi_zone_item_matches_each_zone_not_a_prefix(items):
    """a3 lies in 中区 and 北区; a zone name that is a substring of another must not match."""
    assert "a3" in ids(apply_filters(items, Filters(zone=("中区",))))
    assert "a3" in ids(apply_filters(items, Filters(zone=("北区",))))
    assert ids(apply_filters(items, Filters(zone=("区",)))) == []


def test_filters_combine_to_empty(items):
    assert apply_filters(items, Filters(kind=("road",), year=(2026,))).empty


def test_year_range_ignores_missing_years(items):
    with_gap = items.copy()
    with_gap.loc[0, "year"] = pd.NA
    got = apply_filters(with_gap, Filters(year_range=(2000, 2100)))
    assert ids(got) == ids(items)[1:]


def test_mask_is_aligned_boolean(items):
    m = mask(items, Filters(kind=("zone",)))
    assert m.dtype == bool and m.index.equals(items.index) and int(m.sum()) == 2


def test_valid_values_split_multi_and_sort(items):
    assert valid_values(items, "zone") == ["中区", "北区"]
    assert valid_values(items, "year") == [2021, 2022, 2023, 2024, 2025, 2026]
    assert valid_values(items, "nope") == []


def test_validate_lists_valid_values(items):
    with pytest.raises(FilterError) as err:
        validate(items, Filters(kind=("temple",)))
    message = str(err.value)
    assert "temple" in message and "park" in message and "beautiful_block" in message


def test_validate_accepts_vocabulary_without_items(items):
    validate(items, Filters(zone=("空区",)), {"zone": ["空区"]})
    with pytest.raises(FilterError, match="year"):
        validate(items, Filters(year=(1999,)))


@pytest.mark.parametrize(
    ("year_range", "says"),
    [
        ((2030, 2021), r"^year range 2030 2021: FROM is after TO; valid range: 2021–2026$"),
        ((1999, 2030), r"^year range 1999 2030: 1999, 2030 out of range; valid range: 2021–2026$"),
    ],
)
def test_validate_year_range_names_the_valid_range(items, year_range, says):
    with pytest.raises(FilterError, match=says):
        validate(items, Filters(year_range=year_range))
    validate(items, Filters(year_range=(2021, 2026)))  # the whole span is fine
    validate(items, Filters(year_range=(2024, 2024)))


def test_split_multi():
    assert flt.split_multi("a;b;") == ["a", "b"]
    assert flt.split_multi(None) == [] and flt.split_multi(float("nan")) == []


def test_cli_arguments_build_filters():
    parser = argparse.ArgumentParser()
    flt.add_filter_arguments(parser)
    args = parser.parse_args(["--year", "2024", "2025", "--year", "2026", "--zone", "中区"])
    got = flt.filters_from_args(args)
    assert got == Filters(year=(2024, 2025, 2026), zone=("中区",))
    args = parser.parse_args(["--year-range", "2022", "2024", "--located-only", "--text", "公园"])
    got = flt.filters_from_args(args)
    assert got == Filters(year_range=(2022, 2024), located_only=True, text="公园")


# ------------------------------------------------------------------ the committed atlas

ATLAS = Path(__file__).resolve().parents[2] / "data" / "atlas.gpkg"


@pytest.fixture(scope="module")
def atlas_items():
    from geo.io.read import read_items

    return read_items(ATLAS)


def pandas_query(items: pd.DataFrame, field: str, value: object) -> pd.DataFrame:
    if field in flt.MULTI_VALUED:
        return items[items[field].map(lambda cell: has_value(cell, value))]
    return items[items[field] == value]


@pytest.mark.parametrize("field", flt.CHOICE_FIELDS)
def test_every_value_of_every_field_on_the_real_atlas(atlas_items, field):
    values = valid_values(atlas_items, field)
    assert values, field
    for value in values:
        got = apply_filters(atlas_items, Filters(**{field: (value,)}))
        assert ids(got) == ids(pandas_query(atlas_items, field, value)), (field, value)
        assert len(got) > 0


def test_real_atlas_combined_filters(atlas_items):
    years = valid_values(atlas_items, "year")[-2:]
    got = apply_filters(atlas_items, Filters(year=tuple(years), kind=("project", "zone")))
    want = atlas_items[
        atlas_items["year"].isin(years) & atlas_items["kind"].isin(["project", "zone"])
    ]
    assert ids(got) == ids(want) and len(got) > 0
