"""`python -m geo publish`: publish the atlas to PostgreSQL/PostGIS tables."""

from __future__ import annotations

import argparse
import sys

from atlas.dsn import is_url, shown
from atlas.settings import settings
from geo.cli import print_notes
from geo.io.read import read_atlas
from geo.io.store import DEFAULT_SCHEMA, StoreError, publish, source_commit


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dsn",
        required=True,
        help="postgresql://USER@HOST:PORT/DB (password from PGPASSWORD, PGSERVICE or ~/.pgpass)",
    )
    parser.add_argument(
        "--schema", default=None, help=f"schema to write (default {DEFAULT_SCHEMA})"
    )
    parser.add_argument("--atlas", default=settings.atlas_path, help="atlas GeoPackage to publish")


def main(args: argparse.Namespace) -> int:
    if not is_url(args.dsn):
        raise StoreError(
            f"--dsn must be a URL, postgresql://user@host:port/db, not {shown(args.dsn)!r}"
        )
    layers = read_atlas(args.atlas)
    print_notes(layers)
    result = publish(
        layers, args.dsn, args.schema, source=shown(args.atlas), commit=source_commit()
    )
    sizes = ", ".join(f"{n} {k}" for k, n in result.counts["layers"].items())
    print(
        f"published build {result.build} to schema {result.schema} of {shown(args.dsn)}: {sizes}",
        file=sys.stderr,
    )
    return 0
