"""`python -m geo summary`: print year x kind and zone x kind counts."""

from __future__ import annotations

import argparse
import sys

from geo import filters as flt
from geo.cli.export import cli_selection
from geo.summary import TABLES, render


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--atlas", default=None, help="atlas GeoPackage or postgresql:// URL (default: settings)"
    )
    parser.add_argument(
        "--by",
        nargs="+",
        choices=list(TABLES),
        default=["year", "zone"],
        help="tables to print (default: year zone)",
    )
    flt.add_filter_arguments(parser)


def main(args: argparse.Namespace) -> int:
    """Print the tables; errors are raised (`atlas.cli.run` prints them)."""
    layers, filters = cli_selection(args)
    sys.stdout.write(render(flt.apply_filters(layers["items"], filters), args.by))
    return 0
