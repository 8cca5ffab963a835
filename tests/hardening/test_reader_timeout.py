"""Issue 23 item 9: a reader gives up after a bounded time, with one line, when a publisher
is stopped inside its transaction (before: `summary` and the page waited forever)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from atlas.cli import run
from geo import __main__ as geo_cli
from geo.io import store
from geo.io.read import read_atlas
from geo.testing import write_layers
from geo.testing.localpg import LocalPostgres
from tests.worlds.page import items_frame, reference_frames

from .limits import ROOT

WAIT = 1.0


@pytest.fixture
def held(pg: LocalPostgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A published atlas whose next publish is stopped before its commit; yields the URL."""
    url = pg.url() + "&schema=held"
    ref = reference_frames()
    layers = {"items": items_frame(), **{k: ref[k] for k in ("subdistricts", "zones", "district")}}
    layers = read_atlas(write_layers(layers, tmp_path / "atlas.gpkg"))
    store.publish(layers, url)
    hold, started = threading.Event(), threading.Event()

    def stop_inside() -> None:
        started.set()
        hold.wait(60)

    thread = threading.Thread(target=lambda: store.publish(layers, url, on_written=stop_inside))
    thread.start()
    assert started.wait(30)
    monkeypatch.setattr(store.reader, "READ_LOCK_TIMEOUT", WAIT)
    try:
        yield url
    finally:
        hold.set()
        thread.join(60)


def test_a_reader_gives_up_with_one_line(held: str) -> None:
    began = time.monotonic()
    with pytest.raises(store.StoreError, match="being published") as caught:
        read_atlas(held)
    assert time.monotonic() - began < WAIT + 10
    assert "\n" not in str(caught.value)


def test_summary_gives_up_with_one_line(held: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(geo_cli.main, ["summary", "--atlas", held]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: ") and "being published" in line


def test_the_page_gives_up_with_one_message(held: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_PATH", held)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    (error,) = at.error
    assert "being published" in error.value
