"""The PostGIS store against a real PostgreSQL 15 + PostGIS 3 started in a temporary folder.

Round trips equal the GeoPackage frames layer by layer, every filter selects the same ids from
both stores, exports are byte-identical, and publishes are atomic and serialised."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import geopandas as gpd
import psycopg
import pytest
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import LineString, Point

from atlas.cli import run
from atlas.errors import DataError, ServiceError
from geo import __main__ as geo_cli
from geo import filters as flt
from geo.io import read, store
from geo.io.export import write_gpkg_layers
from geo.io.read import read_atlas
from geo.schema import ATLAS_LAYERS, conform_items
from geo.testing import assert_items_equal
from geo.testing import atlas as atlas_fakes
from geo.testing.localpg import LocalPostgres

EVIL = "O'Brien\"s; '); DROP TABLE items; -- 路"


_counter = iter(range(10**6))


@pytest.fixture
def url(pg: LocalPostgres) -> str:
    """A fresh schema per test (name with a capital and a space: identifiers are quoted)."""
    return pg.url() + f"&schema=Atlas {next(_counter)}"


def fake_items() -> gpd.GeoDataFrame:
    items = atlas_fakes.items()
    items.loc[0, "name"] = EVIL
    items.loc[1, "quote"] = "Park AND park; 'quoted' \"double\" \\ back"
    items.loc[2, "name"] = "İstanbul KELVIN \u212a 路"
    return items


def extra_layers() -> dict[str, gpd.GeoDataFrame]:
    """The layers other branches add (roads, water, threads) in their likely shapes."""
    roads = atlas_fakes.roads()
    water = gpd.GeoDataFrame({"name": [], "kind": []}, geometry=[], crs="EPSG:4326")
    threads = gpd.GeoDataFrame(
        {"id": ["t1", "t2"], "name": [EVIL, "乙"], "items": [2, 3], "share": [0.5, None]},
        geometry=[Point(121.41, 31.21), LineString([(121.40, 31.20), (121.41, 31.21)])],
        crs="EPSG:4326",
    )
    return {"roads": roads, "water": water, "threads": threads}


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "atlas.gpkg"
    layers = {
        "items": fake_items(),
        "subdistricts": atlas_fakes.subdistricts(),
        "zones": atlas_fakes.zones(),
        "district": atlas_fakes.district(),
        **extra_layers(),
    }
    return write_gpkg_layers(layers, path)


def gpkg_layers(path: Path) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of the file as the GeoPackage reader gives it (items via read_atlas)."""
    layers = read_atlas(path)
    for name in extra_layers():
        layers.setdefault(name, gpd.read_file(path, layer=name))
    return layers


def query(url: str, statement: str, *params: object) -> list[tuple]:
    conninfo, _ = store.split_url(url)
    with psycopg.connect(conninfo) as conn:
        return conn.execute(statement, params or None).fetchall()  # type: ignore[arg-type]


def schema_of(url: str) -> str:
    return store.split_url(url)[1]


# --------------------------------------------------------------------------- round trip


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


def test_tables_have_types_keys_indexes_and_registered_geometry(gpkg, url):
    store.publish(gpkg_layers(gpkg), url, commit="abc123")
    schema = schema_of(url)
    types = dict(
        query(
            url,
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = 'items'",
            schema,
        )
    )
    assert {types[c] for c in ("year", "start", "end", "precision")} == {"integer"}
    assert types["name"] == "text" and types["id"] == "text"
    registered = query(
        url,
        "SELECT f_table_name, f_geometry_column, srid, type FROM geometry_columns "
        "WHERE f_table_schema = %s ORDER BY 1",
        schema,
    )
    assert {r[0] for r in registered} == {
        "items", "subdistricts", "zones", "district", "roads", "water", "threads"
    }  # fmt: skip
    assert {r[2] for r in registered} == {4326}
    assert ("district", "geometry", 4326, "POLYGON") in registered
    gist = query(
        url, "SELECT tablename FROM pg_indexes WHERE schemaname = %s AND indexdef ~ 'gist'", schema
    )
    assert len(gist) == len(registered)
    keys = query(
        url,
        "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name) "
        "WHERE tc.table_schema = %s AND tc.constraint_type = 'PRIMARY KEY'",
        schema,
    )
    assert {(t, c) for t, c in keys if t != "layers"} == {(r[0], "id") for r in registered} | {
        ("builds", "id")
    }
    (commit, counts), = query(
        url, f'SELECT source_commit, counts FROM "{schema}".builds'
    )  # fmt: skip
    assert commit == "abc123"
    assert counts["kinds"]["project"] == 5 and counts["kinds"]["road"] == 1
    assert counts["layers"]["items"] == 12


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


# --------------------------------------------------------------------------- filters


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


@pytest.fixture(scope="module")
def published(pg: LocalPostgres, gpkg: Path) -> str:
    target = pg.url() + "&schema=filters"
    store.publish(gpkg_layers(gpkg), target)
    return target


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


# --------------------------------------------------------------------------- credentials


@pytest.fixture(scope="module")
def roles(pg: LocalPostgres, published: str) -> dict[str, str]:
    """A publisher and a read-only role with the grants the README documents."""
    pg.execute("CREATE ROLE atlas_writer LOGIN PASSWORD 'w-s3cret!'")
    pg.execute("GRANT CREATE ON DATABASE atlas TO atlas_writer")
    pg.execute("CREATE ROLE atlas_reader LOGIN PASSWORD 'r-s3cret!'")
    pg.execute("GRANT USAGE ON SCHEMA filters TO atlas_reader")
    pg.execute("GRANT SELECT ON ALL TABLES IN SCHEMA filters TO atlas_reader")
    return {"writer": "w-s3cret!", "reader": "r-s3cret!"}


def test_read_only_role_reads_and_cannot_write(pg, roles, gpkg, published):
    reader = pg.url("atlas_reader", roles["reader"], tcp=True) + "?schema=filters"
    expected = store.read_atlas(published)
    for name, frame in store.read_atlas(reader).items():
        assert_geodataframe_equal(frame, expected[name])
    assert store.atlas_stamp(reader) == store.atlas_stamp(published)
    with pytest.raises(ServiceError) as caught:
        store.publish(gpkg_layers(gpkg), reader)
    assert "permission denied" in str(caught.value) and roles["reader"] not in str(caught.value)


def test_password_from_url_env_and_pgpass(pg, roles, gpkg, tmp_path, monkeypatch):
    layers = gpkg_layers(gpkg)
    base = pg.url("atlas_writer", tcp=True)
    assert store.publish(layers, pg.url("atlas_writer", roles["writer"], tcp=True)).build == 1
    monkeypatch.setenv("PGPASSWORD", roles["writer"])
    assert store.publish(layers, base).build == 2
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg.port}:atlas:atlas_writer:{roles['writer']}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert store.publish(layers, base).build == 3
    services = tmp_path / "pg_service.conf"
    services.write_text(
        f"[team]\nhost=127.0.0.1\nport={pg.port}\ndbname=atlas\nuser=atlas_writer\n"
        f"password={roles['writer']}\n"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    monkeypatch.setenv("PGSERVICE", "team")
    assert store.publish(layers, "postgresql://").build == 4
    assert len(read_atlas("postgresql:///?schema=jingan_atlas")["items"]) == len(layers["items"])


def test_wrong_password_is_one_masked_line(pg, roles, gpkg, capsys, monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", os.devnull)
    dsn = pg.url("atlas_writer", "not-the-pw", tcp=True)
    code = run(geo_cli.main, ["publish", "--dsn", dsn, "--atlas", str(gpkg)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("error: cannot connect to postgresql://")
    assert "password authentication failed" in err and "not-the-pw" not in err
    assert f"postgresql://atlas_writer@127.0.0.1:{pg.port}/atlas:" in err  # user@host:port/db


def test_unreachable_server_is_one_line(capsys):
    from geo.testing.localpg import free_port

    dsn = f"postgresql://someone:pw@127.0.0.1:{free_port()}/atlas"
    code = run(geo_cli.main, ["export", "-o", "-", "--format", "csv", "--atlas", dsn])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "cannot connect" in err and ":pw@" not in err


def test_missing_atlas_in_schema_is_a_data_error(pg):
    empty = pg.url() + "&schema=nothing_here"
    with pytest.raises(DataError, match="no atlas published"):
        read_atlas(empty)
    assert store.atlas_stamp(empty) is None


def test_publish_cli_reports_the_build(gpkg, url, capsys):
    assert run(geo_cli.main, ["publish", "--dsn", url, "--atlas", str(gpkg)]) == 0
    err = capsys.readouterr().err
    assert "published build 1" in err and "12 items" in err


# --------------------------------------------------------------------------- pure parts


def test_mask_hides_passwords():
    assert store.mask("postgresql://u:p%40ss@h:5/db") == "postgresql://u@h:5/db"
    assert (
        store.mask("postgresql://u@h/db?password=x&sslmode=require") == "postgresql://u@h:5432/db"
    )
    assert store.mask("failed for x", secrets=["x"]) == "failed for ***"
    assert store.shown("/data/atlas.gpkg") == "/data/atlas.gpkg"


def test_split_url_takes_out_the_schema():
    assert store.split_url("postgresql://u@h/db?schema=team&sslmode=require") == (
        "postgresql://u@h/db?sslmode=require",
        "team",
    )
    assert store.split_url("postgresql://u@h/db") == ("postgresql://u@h/db", "jingan_atlas")
    assert store.split_url("postgresql://?schema=t") == ("postgresql://", "t")  # PGSERVICE
    assert store.is_url("postgres://h/db") and not store.is_url("data/atlas.gpkg")


def test_text_pushdown_only_when_exact():
    assert store._text_pushable("公园")
    assert store._text_pushable("2025")
    assert not store._text_pushable("park")  # `K` (Kelvin) lowers to k: pandas decides
    assert not store._text_pushable("")


# --------------------------------------------------------------------------- the page


def test_page_reads_postgis_through_a_read_only_role(pg, roles, tmp_path, monkeypatch):
    """The same counts, table and charts as from the GeoPackage, as a role that cannot write."""
    from streamlit.testing.v1 import AppTest

    from geo.testing.page import write_atlas, write_gazetteer
    from tests.app.conftest import APP

    atlas = write_atlas(tmp_path / "atlas.gpkg")
    monkeypatch.setenv("GAZETTEER_PATH", str(write_gazetteer(tmp_path / "gazetteer.gpkg")))
    store.publish(read_atlas(atlas), pg.url() + "&schema=page")
    pg.execute("GRANT USAGE ON SCHEMA page TO atlas_reader")
    pg.execute("GRANT SELECT ON ALL TABLES IN SCHEMA page TO atlas_reader")
    reader = pg.url("atlas_reader", roles["reader"], tcp=True) + "?schema=page"

    def page(location: str) -> tuple:
        monkeypatch.setenv("ATLAS_PATH", location)
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
        at.multiselect(key="f_kind").set_value(["project", "park"]).run()
        assert not at.exception, at.exception
        count = next(m.value for m in at.markdown if "items match" in m.value)
        return count, at.dataframe[0].value["id"].tolist(), len(at.get("vega_lite_chart"))

    from_gpkg = page(str(atlas))
    assert from_gpkg[1]  # the filter selects something
    assert page(reader) == from_gpkg
    assert roles["reader"] not in str(page(reader))
