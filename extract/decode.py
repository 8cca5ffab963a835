"""Bytes → text: find the encoding of a report and refuse what is not text.

Reports arrive as UTF-8 (with or without BOM), UTF-16 or UTF-32 with BOM, GB18030/GBK from
older Windows tooling, or Big5 (traditional characters, Taiwan/Hong Kong tooling). GB18030
decodes almost any bytes, so a legacy decode is kept only when it reads as Chinese (`plausible`:
most of its characters are common hanzi); otherwise Big5 is tried, and text that is plausible
in neither is refused rather than extracted as gibberish. The decoded string is *the text as
read*: every offset the extractor reports points into it, so no newline translation or
stripping happens here.
"""

from __future__ import annotations

import codecs
import functools
from pathlib import Path

from atlas.errors import InputError


class ReportError(InputError):
    """A file that cannot be read as a report; the message is one line naming the file."""


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
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


#: Legacy encodings tried in order when the bytes are not UTF-8 (GB18030 covers GBK/GB2312).
_LEGACY = ("gb18030", "big5")
#: Share of a legacy decode's non-ASCII characters that must be common hanzi or CJK
#: punctuation: a real report scores > 0.99, Big5 read as GB18030 (or GB read as Big5) ~0.5.
PLAUSIBLE_SHARE = 0.8
#: Fewer non-ASCII characters than this cannot be judged (and are accepted as decoded).
_JUDGE_MIN = 20


@functools.cache
def _common_hanzi() -> frozenset[str]:
    """The ~6,700 most common hanzi: GB2312 level 1 (simplified) and Big5's frequent block
    (traditional), taken from the codecs themselves, so no table ships with the project."""
    chars: set[str] = set()
    for hi in range(0xB0, 0xD8):
        chars.update(bytes([hi, lo]).decode("gb2312", "ignore") for lo in range(0xA1, 0xFF))
    for hi in range(0xA4, 0xC7):
        for lo in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            if (hi, lo) <= (0xC6, 0x7E):
                chars.add(bytes([hi, lo]).decode("big5", "ignore"))
    chars.discard("")
    return frozenset(chars)


def _is_common(ch: str) -> bool:
    return ch in _common_hanzi() or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def plausible(text: str) -> bool:
    """Whether `text` reads as Chinese: most non-ASCII, non-space characters are common hanzi
    or CJK punctuation (text with too few of them to judge passes)."""
    wide = [ch for ch in text if ord(ch) > 0x7F and not ch.isspace()]
    if len(wide) < _JUDGE_MIN:
        return True
    return sum(map(_is_common, wide)) >= PLAUSIBLE_SHARE * len(wide)


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Return ``(text, encoding)``; raise :class:`ReportError` for empty/binary/undecodable
    bytes, and for a legacy decode that does not read as Chinese (`plausible`)."""
    if not data.strip():
        raise ReportError(f"{name}: empty file", code="empty", name=name)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise ReportError(f"{name}: not valid {encoding} ({exc.reason})") from None
    if looks_binary(data):
        raise ReportError(f"{name}: binary file, not a text report", code="binary", name=name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if _truncated_tail(data, exc):
            # A file cut inside its last character: keep everything, mark the stub.
            return data.decode("utf-8", errors="replace"), "utf-8"
    decoded = False
    for encoding in _LEGACY:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        decoded = True
        if plausible(text):
            return text, encoding
    if decoded:
        raise ReportError(
            f"{name}: the text does not read as Chinese in UTF-8, GB18030 or Big5 "
            "(another encoding?); save it as UTF-8 and try again",
            code="not_chinese",
            name=name,
        )
    raise ReportError(
        f"{name}: undecodable text (neither UTF-8, GB18030 nor Big5)", code="undecodable", name=name
    )


def read_text(path: str | Path) -> tuple[str, str]:
    """Read the regular file ``path`` (at most ``settings.max_report_bytes``) and decode it;
    every failure is a :class:`ReportError`."""
    from atlas.files import read_bounded
    from atlas.settings import settings

    return decode_bytes(read_bounded(path, settings.max_report_bytes, ReportError), str(path))
