"""`python -m geo geocode`: one query a line on stdin, one JSON line per query on stdout
(`query, lon, lat, precision, method, matched, subdistrict, zone, uncertainty_m,
geometry_type`; lon/lat rounded to 6 decimals, null when unlocated; `reason` when an
unlocated answer has one, e.g. a line too long to be a query). Errors are `AtlasError`s:
`atlas.cli.run` prints them as one line.

Standard input is read a line at a time, each at most `MAX_LINE` bytes: an endless stream
without line ends (`< /dev/zero`) or NUL bytes (binary data) stop the run with one line. Lines
that are not text (replacement or control characters, or legacy bytes that do not read as
Chinese) are still answered, unlocated, but counted: when they are most of the input the run
ends with exit status 1 and says so (binary input), otherwise a note says how many."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from geopy.exc import GeopyError

from atlas.errors import InputError, UsageError
from atlas.files import bounded_lines
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


#: the longest line read from standard input (a query is at most 500 characters)
MAX_LINE = 64 * 1024


def decode_line(raw: bytes) -> tuple[str, bool]:
    """One stdin line as text: UTF-8 (with or without BOM), else GB18030, else UTF-8 with
    replacement characters — a badly encoded line still gets its output line. The flag says
    whether the line reads as text at all (`junk`)."""
    from extract.decode import plausible

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            return raw.decode("utf-8", errors="replace"), False
        if not plausible(text if len(text) > 200 else text * 20):  # short lines judged too
            return text, False
    return text, not junk(text)


def junk(text: str) -> bool:
    """Replacement characters or control characters (other than tab and line ends)."""
    return "\ufffd" in text or any(
        unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\t\r\n" for ch in text
    )


@dataclass
class Tally:
    """Lines read and lines that were not text."""

    lines: int = 0
    junk: int = 0


def geocode_lines(
    lines: Iterable[bytes], geocoder: AtlasGeocoder, tally: Tally | None = None
) -> Iterable[str]:
    """One JSON line per input line, in order (a blank line gives an unlocated row, so that
    output line N always answers input line N); `tally` counts lines that were not text."""
    tally = tally if tally is not None else Tally()
    for raw in lines:
        text, is_text = decode_line(raw)
        tally.lines += 1
        tally.junk += not is_text
        query = text.rstrip("\r\n").strip()
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
    tally = Tally()
    for row in geocode_lines(bounded_lines(sys.stdin.buffer, MAX_LINE), geocoder, tally):
        sys.stdout.write(row + "\n")
        sys.stdout.flush()
    if online is not None:
        print(
            f"online {online.service}: {online.sent} sent, {len(online.errors)} failed"
            " (failures are not cached: run again to retry them)",
            file=sys.stderr,
        )
    return _verdict(tally)


def _verdict(tally: Tally) -> int:
    """Say how many lines were not text; most of them means binary input: exit 1."""
    if not tally.junk:
        return 0
    counted = f"{tally.junk:,} of {tally.lines:,} lines were not text (answered unlocated)"
    if 2 * tally.junk > tally.lines:
        raise InputError(f"standard input: {counted}: binary input, not one query a line?")
    print(f"note: standard input: {counted}", file=sys.stderr)
    return 0
