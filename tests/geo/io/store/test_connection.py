"""Connecting (`geo.io.store.connection`): the `schema=` parameter, passwords from the URL,
PGPASSWORD, ~/.pgpass or a service, one masked line on failure, and a read-only role that
reads (the page too) and cannot write."""

from __future__ import annotations

import os

import pytest
from geopandas.testing import assert_geodataframe_equal

from atlas.cli import run
from atlas.errors import ServiceError
from geo import __main__ as geo_cli
from geo.io import store
from geo.io.read import read_atlas
from geo.testing.localpg import LocalPostgres

from .conftest import gpkg_layers


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


def test_split_url_takes_out_the_schema():
    assert store.split_url("postgresql://u@h/db?schema=team&sslmode=require") == (
        "postgresql://u@h/db?sslmode=require",
        "team",
    )
    assert store.split_url("postgresql://u@h/db") == ("postgresql://u@h/db", "jingan_atlas")
    assert store.split_url("postgresql://?schema=t") == ("postgresql://", "t")  # PGSERVICE


def test_page_reads_postgis_through_a_read_only_role(pg, roles, tmp_path, monkeypatch):
    """The same counts, table and charts as from the GeoPackage, as a role that cannot write."""
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP
    from tests.worlds.page import write_atlas, write_gazetteer

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
