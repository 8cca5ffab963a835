"""`python -m geo gazetteer`: build data/gazetteer.gpkg from open geodata."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pyogrio.errors import DataLayerError, DataSourceError

from atlas.errors import AtlasError
from atlas.settings import settings
from extract import corpus_sentences, read_reports
from geo.gazetteer import sources
from geo.gazetteer.build import (
    LAYERS,
    build_gazetteer,
    write_gazetteer,
)
from geo.gazetteer.missing import missing_report


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source", required=True, type=Path, help="directory of the open geodata (SOURCES.md)"
    )
    parser.add_argument(
        "--osm",
        type=Path,
        nargs="+",
        help="OpenStreetMap extracts (.osm or .osm.pbf), read as one (a feature in two kept once)",
    )
    parser.add_argument("-o", "--output", type=Path, default=settings.gazetteer_path)
    parser.add_argument("--aliases", type=Path, default=settings.aliases_path)
    parser.add_argument("--raw", type=Path, default=settings.raw_dir, help="the reports (zones)")
    parser.add_argument(
        "--missing",
        type=Path,
        default=None,
        help="where to write the list of report names the sources lack "
        "(default: gazetteer_missing.md beside the output)",
    )


def main(args: argparse.Namespace) -> int:
    # the reports are read once, by the extract stage, and handed on as sentences
    sentences = corpus_sentences(read_reports(args.raw))
    try:
        built = build_gazetteer(
            args.source, args.osm, aliases_path=args.aliases, sentences=sentences
        )
    except AtlasError:
        raise
    except (DataSourceError, DataLayerError) as exc:
        raise sources.SourceError(f"gazetteer: unreadable source file: {exc}") from exc
    except (OSError, ValueError) as exc:
        raise sources.SourceError(f"gazetteer: {exc}") from exc
    out = write_gazetteer(built.layers, args.output)
    missing_path = args.missing or out.with_name(out.stem + "_missing.md")
    report = missing_report(built.layers, sentences, built.missing_zones)
    missing_path.write_text(report, encoding="utf-8")
    for name in LAYERS:
        print(f"{name}: {len(built.layers[name])}", file=sys.stderr)
    print(f"wrote {out} and {missing_path}", file=sys.stderr)
    return 0
