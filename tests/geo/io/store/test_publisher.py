"""Publishing to a real PostgreSQL 15 + PostGIS 3 (`geo.io.store.publisher`): round trips equal
the GeoPackage frames layer by layer, ids are stable, and publishes are atomic and serialised."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from geopandas.testing import assert_geodataframe_equal

from atlas.cli import run
from atlas.errors import DataError
from geo import __main__ as geo_cli
from geo import filters as flt
from geo.io import store
from geo.io.read import read_atlas
from geo.schema import ATLAS_LAYERS, conform_items
from tests.worlds import atlas as atlas_fakes

from .conftest import EVIL, extra_layers, gpkg_layers, query, schema_of


def test_every_layer_round_trips_equal_to_the_geopackage(gpkg, url):
    layers = gpkg_layers(gpkg)
    result = store.publish(layers, url)
    assert result.build == 1
    back = read_atlas(url)
    known = [n for n in ATLAS_LAYERS if n in layers]  # schema order, then the others
    assert list(back) == known + [n for n in layers if n not in ATLAS_LAYERS]
    assert set(back) == {"items", "subdistricts", "zones", "district", *extra_layers()}
    for name, frame in layers.items():
        assert_geodataframe_equal(back[name], frame, check_like=False)
    assert back["items"].loc[0, "name"] == EVIL
    assert back["threads"]["name"].iloc[0] == EVIL


def test_ids_are_stable_and_tables_kept_across_publishes(gpkg, url):
    layers = gpkg_layers(gpkg)
    store.publish(layers, url)
    schema = schema_of(url)
    ids = query(url, f'SELECT id FROM "{schema}".zones ORDER BY _order')
    oids = query(url, "SELECT to_regclass(%s)::oid", f'"{schema}".items')
    second = store.publish(layers, url)
    assert second.build == 2
    assert query(url, f'SELECT id FROM "{schema}".zones ORDER BY _order') == ids
    assert query(url, "SELECT to_regclass(%s)::oid", f'"{schema}".items') == oids  # grants kept
    assert read_atlas(url)["items"]["id"].tolist() == layers["items"]["id"].tolist()


def test_hostile_strings_round_trip_and_drop_nothing(url):
    items = conform_items(atlas_fakes.items())
    items["name"] = [EVIL + str(i) for i in range(len(items))]
    items["quote"] = "'); DROP TABLE builds; --"
    layers = {"items": items, "zones": atlas_fakes.zones()}
    store.publish(layers, url)
    back = store.read_atlas(url, flt.Filters(text="drop table"))
    assert back["items"]["name"].tolist() == items["name"].tolist()
    assert len(query(url, f'SELECT * FROM "{schema_of(url)}".builds')) == 1


def test_a_layer_dropped_from_the_atlas_is_dropped_from_the_store(gpkg, url):
    layers = gpkg_layers(gpkg)
    store.publish(layers, url)
    store.publish({k: v for k, v in layers.items() if k != "water"}, url)
    assert "water" not in read_atlas(url)
    assert query(url, "SELECT to_regclass(%s)", f'"{schema_of(url)}".water') == [(None,)]


# --------------------------------------------------------------------------- transactions


def _publish_in_thread(layers, url, hold: threading.Event | None, started: threading.Event):
    outcome: dict[str, object] = {}

    def wait() -> None:
        started.set()
        if hold is not None:
            assert hold.wait(30)

    def target() -> None:
        try:
            outcome["result"] = store.publish(layers, url, on_written=wait)
        except Exception as exc:  # reported to the test
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def two_atlases(gpkg: Path) -> tuple[dict, dict]:
    old = gpkg_layers(gpkg)
    new = {name: frame.copy() for name, frame in old.items()}
    new["items"] = conform_items(new["items"].iloc[:5].assign(name="新"))
    new["zones"] = new["zones"].iloc[:1]
    return old, new


def test_reader_during_a_publish_sees_the_old_or_the_new_atlas_never_half(gpkg, url):
    old, new = two_atlases(gpkg)
    store.publish(old, url)
    hold, started = threading.Event(), threading.Event()
    thread, outcome = _publish_in_thread(new, url, hold, started)
    assert started.wait(30)  # everything written, not committed
    seen: dict[str, object] = {}
    plain: list = []  # a plain SQL client (QGIS) reading one table
    readers = [
        threading.Thread(target=lambda: seen.update(read_atlas(url))),
        threading.Thread(
            target=lambda: plain.extend(query(url, f'SELECT id FROM "{schema_of(url)}".items'))
        ),
    ]
    for reader in readers:
        reader.start()
    time.sleep(1.0)
    assert all(r.is_alive() for r in readers), "readers wait for the publish, never read half"
    hold.set()
    thread.join(30)
    for reader in readers:
        reader.join(30)
    assert "error" not in outcome
    assert len(plain) == len(new["items"])
    for name in new:
        assert_geodataframe_equal(seen[name], new[name].reset_index(drop=True))
    assert store.atlas_stamp(url) == "build:2"


def test_two_concurrent_publishes_are_serialised(gpkg, url):
    old, new = two_atlases(gpkg)
    store.publish(old, url)  # the schema exists: both publishers race on the lock
    hold, first_in = threading.Event(), threading.Event()
    first, first_out = _publish_in_thread(new, url, hold, first_in)
    assert first_in.wait(30)
    second_in = threading.Event()
    second, second_out = _publish_in_thread(old, url, None, second_in)
    deadline = time.monotonic() + 10
    waiting = []
    while time.monotonic() < deadline and not waiting:
        waiting = query(url, "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        time.sleep(0.05)
    assert waiting, "the second publish must wait on the advisory lock"
    assert not second_in.is_set()
    hold.set()
    first.join(30)
    second.join(30)
    assert "error" not in first_out and "error" not in second_out
    assert [first_out["result"].build, second_out["result"].build] == [2, 3]
    for name in old:
        assert_geodataframe_equal(read_atlas(url)[name], old[name].reset_index(drop=True))


def test_a_failed_publish_leaves_the_previous_atlas(gpkg, url):
    old, new = two_atlases(gpkg)
    store.publish(old, url)

    def explode() -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        store.publish(new, url, on_written=explode)
    duplicated = {**new, "items": new["items"].assign(id="same")}
    with pytest.raises(DataError, match="unique"):
        store.publish(duplicated, url)
    back = read_atlas(url)
    for name in old:
        assert_geodataframe_equal(back[name], old[name].reset_index(drop=True))
    assert store.atlas_stamp(url) == "build:1"


def test_publish_cli_reports_the_build(gpkg, url, capsys):
    assert run(geo_cli.main, ["publish", "--dsn", url, "--atlas", str(gpkg)]) == 0
    err = capsys.readouterr().err
    assert "published build 1" in err and "12 items" in err
