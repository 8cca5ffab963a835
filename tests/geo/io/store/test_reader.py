"""Reading a published atlas (`geo.io.store.reader`): every filter selects the same ids from
PostGIS as from the GeoPackage, and exports and summaries are byte-identical."""

from __future__ import annotations

import pytest

from atlas.errors import DataError
from geo import __main__ as geo_cli
from geo import filters as flt
from geo.io import read, store
from geo.io.read import read_atlas
from geo.testing import assert_items_equal

FILTERS = [
    flt.Filters(),
    flt.Filters(year=(2025,)),
    flt.Filters(year=(2021, 2026)),
    flt.Filters(year_range=(2022, 2024)),
    flt.Filters(kind=("project", "park")),
    flt.Filters(category=("greening",)),
    flt.Filters(status=("completed", "planned")),
    flt.Filters(period=("multi-year",)),
    flt.Filters(subdistrict=("东街道",)),
    flt.Filters(zone=("北区",)),
    flt.Filters(zone=("中区", "北区"), kind=("project",)),
    flt.Filters(text="公园"),
    flt.Filters(text="  报告原文  "),
    flt.Filters(text="PARK"),
    flt.Filters(text="istanbul"),
    flt.Filters(text="k 路"),
    flt.Filters(text="'); drop"),
    flt.Filters(text="%"),
    flt.Filters(located_only=True),
    flt.Filters(located_only=True, kind=("park",), year_range=(2021, 2026)),
    flt.Filters(kind=("road",), zone=("北区",)),
]


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_every_filter_selects_the_same_ids_from_both_stores(gpkg, published, filters):
    expected = flt.apply_filters(read_atlas(gpkg)["items"], filters)["id"].tolist()
    pushed = store.read_atlas(published, filters)["items"]
    assert pushed["id"].tolist() == expected
    layers, _ = read.select(published, filters)
    assert layers["items"]["id"].tolist() == expected
    selected = flt.apply_filters(read_atlas(gpkg)["items"], filters)
    assert_items_equal(layers["items"], selected)


def test_unknown_filter_values_are_refused_like_the_geopackage(published):
    with pytest.raises(flt.FilterError, match="valid values"):
        read.select(published, flt.Filters(kind=("castle",)))
    _, filters = read.select(published, flt.Filters(zone=("中心",)))  # an alias
    assert filters.zone == ("中区",)
    # a known zone without items is an empty selection, not an error
    assert read.select(published, flt.Filters(zone=("北区",), year=(2021,)))[0]["items"].empty


CLI_FILTERS = [
    [],
    ["--kind", "project", "park", "--year-range", "2021", "2025"],
    ["--zone", "中心", "--located-only"],
    ["--text", "Park"],
    ["--subdistrict", "西街道", "--status", "completed"],
]


@pytest.mark.parametrize("args", CLI_FILTERS, ids=" ".join)
def test_exports_and_summary_are_byte_identical(gpkg, published, tmp_path, capsys, args):
    outputs = {}
    for label, atlas in (("gpkg", str(gpkg)), ("pg", published)):
        for suffix in ("geojson", "csv"):
            out = tmp_path / f"{label}.{suffix}"
            assert geo_cli.main(["export", "-o", str(out), "--atlas", atlas, *args]) == 0
            outputs[label, suffix] = out.read_bytes()
        capsys.readouterr()
        assert geo_cli.main(["summary", "--atlas", atlas, "--by", "year", "zone", *args]) == 0
        outputs[label, "summary"] = capsys.readouterr().out.encode()
    for kind in ("geojson", "csv", "summary"):
        assert outputs["pg", kind] == outputs["gpkg", kind], kind
    assert outputs["pg", "geojson"].startswith(b'{"type":"FeatureCollection"')


def test_missing_atlas_in_schema_is_a_data_error(pg):
    empty = pg.url() + "&schema=nothing_here"
    with pytest.raises(DataError, match="no atlas published"):
        read_atlas(empty)
    assert store.atlas_stamp(empty) is None
