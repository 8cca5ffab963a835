"""Every command of `python -m geo` and `jingan-atlas`, and only here: one module per
sub-command (`configure(parser)`, `main(args) -> int`), imported only when used. Library
modules below carry no CLI.

`COMMANDS` is the one command table: `python -m geo` offers its entries, and the console
script `jingan-atlas` (`console`, registered in pyproject.toml) offers them and `extract`
(`python -m extract`, the stage below). A new command is one line here and its module."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Mapping, Sequence

import geopandas as gpd

from atlas.cli import run
from geo.io.sanity import notes_of

#: what `python -m geo --help` says first
DESCRIPTION = "`python -m geo COMMAND`: one sub-command per module, imported only when used."

COMMANDS: dict[str, tuple[str, str]] = {
    "gazetteer": ("geo.cli.gazetteer", "build data/gazetteer.gpkg from open geodata"),
    "geocode": ("geo.cli.geocode", "geocode one query a line from stdin to JSON lines"),
    "build": ("geo.cli.build", "extract, geocode and join every report into data/atlas.gpkg"),
    "export": ("geo.cli.export", "write a filtered selection as GeoJSON, GeoPackage or CSV"),
    "summary": ("geo.cli.summary", "print year x kind and zone x kind counts"),
    "track": ("geo.cli.track", "print a thread's timeline: one project across reports"),
    "publish": ("geo.cli.publish", "publish the atlas to PostgreSQL/PostGIS tables"),
}


def print_notes(layers: Mapping[str, gpd.GeoDataFrame]) -> None:
    """What `geo.io.sanity` changed in the atlas read (rows unlocated, names cut), one
    `note:` line each on stderr: the output is written, and the user knows what it lacks."""
    for note in notes_of(layers):
        print(f"note: {note}", file=sys.stderr)


def dispatch(argv: list[str] | None = None) -> int:
    """Parse `argv` and run the sub-command's `main(args)`; its `AtlasError`s propagate."""
    parser = argparse.ArgumentParser(prog="python -m geo", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    argv = sys.argv[1:] if argv is None else argv
    wanted = argv[0] if argv and argv[0] in COMMANDS else None
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        if name == wanted:
            importlib.import_module(module_name).configure(p)
    args = parser.parse_args(argv)
    return int(importlib.import_module(COMMANDS[args.command][0]).main(args) or 0)


def main(argv: list[str] | None = None) -> int:
    """`dispatch` through `atlas.cli.run`: an `AtlasError` is one line on stderr and an exit
    code, whichever sub-command raised it."""
    return run(dispatch, argv)


#: `jingan-atlas COMMAND`: `extract`, then every command of the table
CONSOLE_COMMANDS: tuple[str, ...] = ("extract", *COMMANDS)


def console(argv: Sequence[str] | None = None) -> int:
    """`jingan-atlas COMMAND [ARGS]`: `extract` runs `python -m extract`'s main, every other
    command `python -m geo`'s (both through `atlas.cli.run`)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in CONSOLE_COMMANDS:
        print(f"usage: jingan-atlas {{{'|'.join(CONSOLE_COMMANDS)}}} [ARGS…]", file=sys.stderr)
        return 2
    if args[0] == "extract":
        from extract.__main__ import main as extract_main

        return int(extract_main(args[1:]))
    return main(args)
