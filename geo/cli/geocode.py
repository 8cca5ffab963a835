"""`python -m geo geocode`: one query a line on stdin, one JSON line per query on stdout
(`query, lon, lat, precision, method, matched, subdistrict, zone, uncertainty_m,
geometry_type`; lon/lat rounded to 6 decimals, null when unlocated; `reason` when an
unlocated answer has one, e.g. a line too long to be a query). Errors are `AtlasError`s:
`atlas.cli.run` prints them as one line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from geopy.exc import GeopyError

from atlas.errors import UsageError
from geo.geocode.geocoder import AtlasGeocoder


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m geo geocode`."""
    parser.add_argument(
        "--gazetteer", type=Path, default=None, help="GeoPackage (default: data/gazetteer.gpkg)"
    )
    parser.add_argument(
        "--online",
        nargs="?",
        const="nominatim",
        default=None,
        metavar="SERVICE",
        help="also ask an online geopy geocoder (default service: nominatim) when offline fails",
    )
    parser.add_argument("--cache-dir", type=Path, default=None, help="on-disk online cache")
    parser.add_argument("--domain", default=None, help="online service host[:port]")
    parser.add_argument("--scheme", default=None, choices=("http", "https"))
    parser.add_argument(
        "--min-delay", type=float, default=1.0, help="seconds between online calls (>= 1)"
    )


def decode_line(raw: bytes) -> str:
    """One stdin line as text: UTF-8 (with or without BOM), else GB18030, else UTF-8 with
    replacement characters — a badly encoded line still gets its output line."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def geocode_lines(lines: Iterable[bytes], geocoder: AtlasGeocoder) -> Iterable[str]:
    """One JSON line per input line, in order (a blank line gives an unlocated row, so that
    output line N always answers input line N)."""
    for raw in lines:
        query = decode_line(raw).rstrip("\r\n").strip()
        yield json.dumps(geocoder.resolve(query).to_dict(), ensure_ascii=False)


def main(args: argparse.Namespace) -> int:
    """Read one query a line on stdin, write one JSON line per query on stdout."""
    from geo.gazetteer.build import load_gazetteer

    gazetteer = load_gazetteer(args.gazetteer) if args.gazetteer else load_gazetteer()
    online = None
    if args.online:
        from geo.geocode.online import OnlineFallback

        try:
            online = OnlineFallback(
                args.online,
                cache_dir=args.cache_dir,
                domain=args.domain,
                scheme=args.scheme,
                min_delay_seconds=args.min_delay,
            )
        except (ValueError, GeopyError) as error:
            raise UsageError(f"--online {args.online}: {error}") from error
    geocoder = AtlasGeocoder(gazetteer, online=online)
    for row in geocode_lines(sys.stdin.buffer, geocoder):
        sys.stdout.write(row + "\n")
        sys.stdout.flush()
    if online is not None:
        print(
            f"online {online.service}: {online.sent} sent, {len(online.errors)} failed"
            " (failures are not cached: run again to retry them)",
            file=sys.stderr,
        )
    return 0
