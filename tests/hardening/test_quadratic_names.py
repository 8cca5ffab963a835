"""Issue 23 item 6: one atlas must not stall the server. The tracker's `MARKERS` regex is
linear on any input (before: quadratic on a long run of digits, numerals or letters — 204 s to
open an atlas with a few 100,000-character names), and names are bounded where an atlas is
read, so no later stage works on a 100,000-character "name"."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.io.read import read_atlas
from geo.io.sanity import MAX_NAME, notes_of
from geo.testing import write_layers
from geo.threads.names import MARKERS
from tests.worlds.page import items_frame, reference_frames

from .limits import ROOT, measure

#: the expression before the fix, to check that the new one finds exactly the same markers
OLD_MARKERS = re.compile(
    r"[一二三四五六七八九十\d]+期|(?:[东西南北中]|[\u4e00-\u9fff]{2})段|[东西南北中]区|首开区"
    r"|[东西南北]岸|\d+(?:号线|号|弄|街坊)|[A-Za-z\d]+地块|分部|分校|分院|校区|院区"
)
#: runs without the terminator a match needs: each start position used to rescan the run
HOSTILE = ("1" * 100_000, "一二" * 50_000, "A1" * 50_000, "静" * 100_000)


def test_markers_are_the_same_on_ordinary_and_random_names() -> None:
    rng = random.Random(23)
    alphabet = "一二十3期号线弄街坊Ab地块段东西区首开岸分部校院静安路"
    names = ["苏河湾一期", "彭越浦东段", "3550号", "A1地块", "市北分校", "十二期", "第3号线"]
    names += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    for name in names:
        assert MARKERS.findall(name) == OLD_MARKERS.findall(name), name


def test_markers_are_linear_on_hostile_runs() -> None:
    """CPU of a child process: linear takes milliseconds; the old regex took minutes."""
    cost = measure(
        f"from geo.threads.names import markers\nhostile = {[h[:1] for h in HOSTILE]!r}",
        "for seed in hostile:\n    markers(seed * 200_000)",
        timeout=60,
    )
    assert cost["error"] is None, cost
    assert cost["cpu"] < 2.0, cost


@pytest.fixture(scope="module")
def hostile_atlas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic atlas with a few 100,000-character names, built before threads (no
    `thread` column, no threads layer: the reader links them, through `MARKERS`)."""
    items = items_frame().drop(columns=["thread", "outcome"])
    for row, name in enumerate(HOSTILE):
        items.loc[row, "name"] = name
        items.loc[row, "location"] = name
    ref = reference_frames()
    layers = {"items": items, **{k: ref[k] for k in ("subdistricts", "zones", "district")}}
    return write_layers(layers, tmp_path_factory.mktemp("hostile") / "atlas.gpkg")


def test_long_names_are_cut_where_the_atlas_is_read(hostile_atlas: Path) -> None:
    layers = read_atlas(hostile_atlas)
    assert layers["items"]["name"].str.len().max() <= MAX_NAME
    assert layers["items"]["name"].iloc[0] == "1" * (MAX_NAME - 1) + "…"
    notes = notes_of(layers)
    assert any("4 name value(s) longer than 200 characters cut: t01" in n for n in notes), notes


def test_reading_a_hostile_atlas_is_bounded(hostile_atlas: Path) -> None:
    cost = measure(
        "from geo.io.read import read_atlas",
        f"read_atlas({str(hostile_atlas)!r})",
        timeout=120,
    )
    assert cost["error"] is None, cost
    assert cost["cpu"] < 10.0, cost


def test_the_page_opens_a_hostile_atlas_in_bounded_time(
    hostile_atlas: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Per-session work on an atlas is bounded: the page is drawn within AppTest's timeout
    (before: 204 s, during which every session's requests timed out)."""
    monkeypatch.setenv("ATLAS_PATH", str(hostile_atlas))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception
    assert any("longer than 200 characters cut" in w.value for w in at.warning)
