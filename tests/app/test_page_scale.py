"""The page with more items than it shows at once (issue 20): the table is a bounded page of
the selection with a line saying so, a row of it still selects its item, the not-drawn list is
bounded the same way, and the tabs under the map run only when open."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import read_items
from mapview.panels import md_escape
from tests.app.conftest import APP
from tests.worlds.page import items_frame, reference_frames, write_layers

#: Copies of the fixture's 11 items: more than the table's 500 rows.
COPIES = 50


@pytest.fixture
def big_atlas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env: dict) -> Path:
    base = items_frame()
    items = pd.concat(
        [base.assign(id=base["id"] + f"-{n:02d}") for n in range(COPIES)], ignore_index=True
    )
    ref = reference_frames()
    layers = {"items": items, **{k: ref[k] for k in ("subdistricts", "zones", "district")}}
    path = write_layers(layers, tmp_path / "big.gpkg")
    monkeypatch.setenv("ATLAS_PATH", str(path))
    return path


def test_the_table_is_a_bounded_page_and_its_rows_still_select(big_atlas: Path):
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    total = len(items_frame()) * COPIES
    table = at.dataframe[0].value
    assert len(table) == 500 < total
    line = f"The first 500 of {total:,} rows; downloads hold all."
    assert any(c.value == line for c in at.caption)
    # the page's rows are the selection's first rows, in its order
    assert table["id"].tolist() == read_items(big_atlas)["id"].head(500).tolist()
    chosen = table["id"].iloc[123]
    at.session_state["table-0"] = {"selection": {"rows": [123], "columns": []}}
    at.run()
    assert at.session_state["selected_id"] == chosen
    assert at.session_state["_reveal"] == 1  # and the map is asked to zoom to it
    name = items_frame().set_index("id")["name"][chosen.rsplit("-", 1)[0]]
    assert any(m.value == f"#### {md_escape(name)}" for m in at.markdown)  # details panel


def _not_drawn_page() -> None:
    """(AppTest runs this function's source as a script: its imports are its own.)"""
    import geopandas as gpd
    import pandas as pd

    from mapview import panels
    from tests.worlds.page import items_frame

    items = items_frame()
    rows = gpd.GeoDataFrame(
        pd.concat([items] * 3, ignore_index=True).assign(reason="unlocated"), geometry="geometry"
    )
    panels.not_drawn_list(rows, "en", limit=5)


def test_the_not_drawn_list_is_bounded_with_a_line_saying_so():
    at = AppTest.from_function(_not_drawn_page, default_timeout=60).run()
    assert not at.exception, at.exception
    total = len(items_frame()) * 3
    assert any(c.value == f"The first 5 of {total} rows; downloads hold all." for c in at.caption)
    assert sum(m.value.startswith("**") for m in at.markdown) == 5
