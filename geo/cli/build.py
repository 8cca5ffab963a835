"""`python -m geo build`: extract, geocode and join every report into data/atlas.gpkg."""

from __future__ import annotations

import argparse
import sys

import geopandas as gpd

from geo.pipeline.build import run_build
from geo.schema import is_located


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw", default=None, help="directory of the reports (data/raw)")
    parser.add_argument("--gazetteer", default=None, help="gazetteer.gpkg (data/)")
    parser.add_argument("--out", default=None, help="directory for atlas.gpkg/.geojson (data/)")
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="build even when a report gives no items (it is named on stderr); default: stop",
    )


def main(args: argparse.Namespace) -> int:
    """Build and write the atlas; errors are raised (`atlas.cli.run` prints them)."""
    result = run_build(args.raw, args.gazetteer, args.out, allow_empty=args.allow_empty)
    for empty in result.empty:
        print(f"note: no items from {empty}: built without it (--allow-empty)", file=sys.stderr)
    print(describe(result.layers["items"]), file=sys.stderr)
    print(f"timings: {result.timings}", file=sys.stderr)
    print("wrote " + ", ".join(str(p) for p in result.paths), file=sys.stderr)
    return 0


def describe(items: gpd.GeoDataFrame) -> str:
    """A one-paragraph account of the build: counts by kind, located and by precision."""
    located = is_located(items)
    kinds = ", ".join(f"{k} {n}" for k, n in items["kind"].value_counts().sort_index().items())
    precision = ", ".join(
        f"{int(p)}: {n}" for p, n in items["precision"].value_counts().sort_index().items()
    )
    return (
        f"{len(items)} items ({kinds}); located {int(located.sum())}, "
        f"unlocated {int((~located).sum())}; by precision {precision}"
    )
