"""`python -m geo track`: print a thread's timeline: one project across reports."""

from __future__ import annotations

import argparse
import sys

from geo.cli import print_notes
from geo.io.read import read_atlas
from geo.threads.track import format_timeline, listing, select_threads


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--atlas", default=None, help="atlas GeoPackage (default: settings)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--thread", metavar="ID", help="a thread id (T…)")
    which.add_argument("--name", metavar="TEXT", help="threads with a mention named like TEXT")


def main(args: argparse.Namespace) -> int:
    layers = read_atlas(args.atlas)
    print_notes(layers)
    items, threads = layers["items"], layers["threads"]
    if not args.thread and not args.name:
        sys.stdout.write("".join(line + "\n" for line in listing(threads)))
        return 0
    chosen = select_threads(threads, items, args.thread, args.name)
    blocks = [format_timeline(items, row) for _, row in chosen.iterrows()]
    sys.stdout.write("\n\n".join(blocks) + "\n")
    return 0
