"""Bytes → text: find the encoding of a report and refuse what is not text.

Reports arrive as UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK from older
Windows tooling. The decoded string is *the text as read*: every offset the extractor reports
points into it, so no newline translation or stripping happens here.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from atlas.errors import InputError


class ReportError(InputError):
    """A file that cannot be read as a report; the message is one line naming the file."""


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Control characters other than tab, newline, carriage return, form feed: a sign of binary data.
_CONTROL = frozenset(range(32)) - {9, 10, 12, 13}
_SNIFF = 65536


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 64 KiB: not a text file."""
    head = data[:_SNIFF]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b in _CONTROL)
    return controls > max(2, len(head) // 100)


def _truncated_tail(data: bytes, exc: UnicodeDecodeError) -> bool:
    return exc.reason == "unexpected end of data" and exc.start >= len(data) - 3


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Return ``(text, encoding)``; raise :class:`ReportError` for empty/binary/undecodable."""
    if not data.strip():
        raise ReportError(f"{name}: empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise ReportError(f"{name}: not valid {encoding} ({exc.reason})") from None
    if looks_binary(data):
        raise ReportError(f"{name}: binary file, not a text report")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and _truncated_tail(data, exc):
                # A file cut inside its last character: keep everything, mark the stub.
                return data.decode("utf-8", errors="replace"), "utf-8"
            continue
        return text, encoding
    raise ReportError(f"{name}: undecodable text (neither UTF-8 nor GB18030)")


def read_text(path: str | Path) -> tuple[str, str]:
    """Read ``path`` and decode it; OS errors become :class:`ReportError` too."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return decode_bytes(data, str(path))
