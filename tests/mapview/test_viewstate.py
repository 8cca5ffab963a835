"""Shareable views: a view → URL parameters → the same view; links for another atlas open with
what this atlas has; the filter parameters mean what the CLI options mean."""

from __future__ import annotations

import argparse

from geo import filters as flt
from mapview import viewstate as vs

CHOICES = {
    "year": [2021, 2022, 2024, 2026],
    "period": ["review", "plan", "multi-year"],
    "kind": ["project", "beautiful_block", "park", "zone", "road"],
    "category": ["education", "urban_renewal"],
    "status": ["planned", "started", "completed", "ongoing", "mentioned"],
    "subdistrict": ["大宁路街道", "彭浦镇"],
    "zone": ["大宁功能区", "苏河湾功能区"],
    "outcome": ["delivered", "in_progress", "replanned", "no_later_mention"],
}

FULL = vs.View(
    filters=flt.Filters(
        year_range=(2022, 2024),
        kind=("project", "park"),
        category=("urban_renewal",),
        status=("planned",),
        period=("plan",),
        subdistrict=("大宁路街道",),
        zone=("苏河湾功能区",),
        outcome=("replanned",),
        text="-学校 & <b>",
    ),
    selected="a1b2c3d4e5f6",
    lang="zh",
    basemap="osm",
    threads=True,
    near="共和新路3550号",
    radius=1000,
    keep_view=True,
)


def test_a_view_round_trips():
    params = vs.encode(FULL)
    assert params["kind"] == ["project", "park"]
    assert params["year_range"] == ["2022", "2024"]
    view, dropped = vs.decode(params, CHOICES)
    assert (view, dropped) == (FULL, [])


def test_the_default_view_is_a_bare_url():
    assert vs.encode(vs.View()) == {}
    assert vs.decode({}, CHOICES) == (vs.View(), [])
    # the full year range is no filter: the link stays bare, the view unfiltered
    assert vs.decode({"year_range": ["2021", "2026"]}, CHOICES) == (vs.View(), [])


def test_a_link_for_another_atlas_keeps_what_this_atlas_has():
    params = {
        "kind": ["park", "castle"],
        "year_range": ["1990", "2023"],  # clipped to the atlas' years
        "subdistrict": ["不存在街道"],
        "lang": ["fr"],
        "basemap": ["google"],
        "r": ["123"],
        "status": [],
    }
    view, dropped = vs.decode(params, CHOICES)
    assert view.filters == flt.Filters(kind=("park",), year_range=(2021, 2023))
    assert (view.lang, view.basemap, view.radius) == (None, "offline", vs.DEFAULT_RADIUS)
    assert sorted(dropped) == sorted(
        ["kind=castle", "subdistrict=不存在街道", "lang=fr", "basemap=google", "r=123"]
    )
    for bad in (["2025", "2022"], ["x", "2022"], ["2027", "2030"], ["2022"]):
        view, dropped = vs.decode({"year_range": bad}, CHOICES)
        assert view.filters.year_range is None and dropped


def test_long_text_in_a_link_is_cut():
    view, _ = vs.decode({"text": ["长" * 5000], "near": ["路" * 5000]}, CHOICES)
    assert len(view.filters.text) == vs.MAX_TEXT and len(view.near) == vs.MAX_TEXT


def test_filter_parameters_are_the_cli_options():
    """`?kind=a&kind=b` means `--kind a b`: the same table builds both."""
    params = vs.encode(FULL)
    words = []
    for option in flt.OPTIONS:
        for value in params.get(option.field, []):
            words.append(f"{option.flag}={value}" if option.form != "pair" else value)
    parser = argparse.ArgumentParser()
    flt.add_filter_arguments(parser)
    pair = params["year_range"]
    words = [w for w in words if w not in pair] + ["--year-range", *pair]
    assert flt.filters_from_args(parser.parse_args(words)) == FULL.filters


def test_reset_keeps_only_the_readers_language_and_basemap():
    assert vs.encode(vs.without_filters(FULL)) == {"lang": ["zh"], "basemap": ["osm"]}
