"""How a connection appears in messages (`atlas.dsn`): never with its password."""

from __future__ import annotations

from atlas import dsn


def test_mask_hides_passwords():
    assert dsn.mask("postgresql://u:p%40ss@h:5/db") == "postgresql://u@h:5/db"
    assert dsn.mask("postgresql://u@h/db?password=x&sslmode=require") == "postgresql://u@h:5432/db"
    assert dsn.mask("failed for x", secrets=["x"]) == "failed for ***"
    assert dsn.shown("/data/atlas.gpkg") == "/data/atlas.gpkg"


def test_is_url_tells_a_database_from_a_file():
    assert dsn.is_url("postgres://h/db") and not dsn.is_url("data/atlas.gpkg")
