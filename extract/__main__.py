"""``python -m extract FILE...``: one JSON object per item on stdout (UTF-8).

Files may be .txt, .docx or .pdf (with a text layer), told apart by content. Offsets refer to
the text as read; ``--text-dir DIR`` writes that text of each .docx/.pdf to ``DIR/<file>.txt``.
Every file is extracted before anything is printed, so an error leaves stdout empty.
Errors are one line on stderr naming the file (exit 1); notes (a non-UTF-8 encoding, a
file with no items) also go to stderr and do not change the exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from atlas.cli import run
from atlas.errors import OutputError
from atlas.settings import settings

from .decode import ReportError
from .documents import DOCUMENT_FORMATS
from .pipeline import extract_report, other_district, read_report


def extract_files(argv: list[str] | None = None) -> int:
    """Extract every file of `argv`; a file's `ReportError` is its own line, any other
    `AtlasError` propagates to `atlas.cli.run`."""
    parser = argparse.ArgumentParser(prog="python -m extract", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", metavar="FILE", help="reports: .txt, .docx, .pdf")
    parser.add_argument(
        "--text-dir", metavar="DIR", help="write the text read from each .docx/.pdf here"
    )
    parser.add_argument(
        "--any-district",
        action="store_true",
        help="extract reports of other districts too (their items flagged out_of_district)",
    )
    args = parser.parse_args(argv)
    texts: dict[str, str] = {}
    lines: list[str] = []
    failed = False
    for name in args.files:
        try:
            report = read_report(name)
            items = extract_report(report, any_district=args.any_district)
        except ReportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed = True
            continue
        if report.encoding in DOCUMENT_FORMATS:
            texts[report.path.name] = report.text
        elif report.encoding not in ("utf-8", "utf-8-sig"):
            print(f"note: {name}: decoded as {report.encoding}", file=sys.stderr)
        elsewhere = other_district(report)
        if elsewhere and not args.any_district:
            print(
                f"note: {name}: issued by {elsewhere}: no {settings.district} items; "
                "--any-district to extract anyway",
                file=sys.stderr,
            )
        elif not items:
            print(f"note: {name}: no items found (is it a district report?)", file=sys.stderr)
        lines.extend(json.dumps(item.to_dict(), ensure_ascii=False) for item in items)
    if failed:
        return 1
    if args.text_dir:
        _write_texts(texts, Path(args.text_dir))
    out = sys.stdout.buffer
    for line in lines:
        out.write(line.encode("utf-8") + b"\n")
    out.flush()
    return 0


def _write_texts(texts: dict[str, str], directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (directory / f"{name}.txt").write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise OutputError(f"cannot write to {directory}: {exc.strerror or exc}") from None


def main(argv: list[str] | None = None) -> int:
    """`extract_files` through `atlas.cli.run` (one line and an exit code per error)."""
    return run(extract_files, argv)


if __name__ == "__main__":
    sys.exit(main())
