"""`python -m geo export`: write a filtered selection as GeoJSON, GeoPackage or CSV."""

from __future__ import annotations

import argparse
import sys

import geopandas as gpd

from atlas.dsn import is_url
from atlas.errors import UsageError
from geo import filters as flt
from geo.cli import print_notes
from geo.io.export import (
    FORMATS,
    STDOUT,
    export_bytes,
    infer_format,
    writable_target,
    write_bytes,
    write_gpkg,
)
from geo.io.read import canonical_areas, filter_vocabulary, read_atlas, select


def cli_selection(
    args: argparse.Namespace,
) -> tuple[dict[str, gpd.GeoDataFrame], flt.Filters]:
    """The atlas of `args.atlas` and the validated filters of the CLI options (export, summary).

    From PostGIS the filters run in SQL, so only the selected items are read."""
    if is_url(args.atlas):
        layers, filters = select(args.atlas, flt.filters_from_args(args))
        print_notes(layers)
        return layers, filters
    layers = read_atlas(args.atlas)
    print_notes(layers)
    filters = canonical_areas(flt.filters_from_args(args), layers)
    flt.validate(layers["items"], filters, filter_vocabulary(layers))
    return layers, filters


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, help="file to write, - for stdout")
    parser.add_argument("--format", choices=sorted(set(FORMATS.values())), default=None)
    parser.add_argument(
        "--atlas", default=None, help="atlas GeoPackage or postgresql:// URL (default: settings)"
    )
    flt.add_filter_arguments(parser)


def main(args: argparse.Namespace) -> int:
    """Write the selection; errors are raised (`atlas.cli.run` prints them)."""
    output = str(args.output)
    fmt = infer_format(output, args.format)
    if output == STDOUT and fmt == "gpkg":
        raise UsageError("a GeoPackage cannot be written to standard output (-o -): name a file")
    if output != STDOUT:
        writable_target(output)  # refuse a device or a read-only file before reading the atlas
    layers, filters = cli_selection(args)
    items = layers["items"]
    if fmt == "gpkg":
        write_gpkg(flt.apply_filters(items, filters), output)
    elif output == STDOUT:
        sys.stdout.buffer.write(export_bytes(items, filters, fmt))
        sys.stdout.buffer.flush()
    else:
        write_bytes(export_bytes(items, filters, fmt), output)
    count = int(flt.mask(items, filters).sum())
    where = "standard output" if output == STDOUT else output
    print(f"wrote {count} items to {where} ({fmt})", file=sys.stderr)
    return 0
