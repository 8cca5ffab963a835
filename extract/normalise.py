"""A normalised copy of a report for matching, with a map back to the original offsets; and
`squeeze`, the one normal form of a short text (a name, an address, a query).

PDF conversion leaves spaces inside words (``2023 年``), line breaks mid-sentence
(``共和新\\n路``), mixed full-/half-width punctuation, markdown marks and lone page numbers.
Rules match on the cleaned copy; ``Normalised.span`` turns a cleaned span back into the
original one, so quotes are always slices of the text as read.

The keys built on top are different on purpose and say so: `geo.geocode.types.normalise_name`
(a gazetteer lookup key: also without punctuation, parenthesised notes and the admin prefix)
and `geo.threads.names.name_key` (a linking key: also without project words, synonyms
unified); `extract.address` parses on `squeeze`'s form, character by character so that its
offsets point into the text as read.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass

#: Half-width punctuation folded to the full-width form the reports mostly use.
PUNCT_FOLDS = {
    ",": "，",
    ":": "：",
    ";": "；",
    "(": "（",
    ")": "）",
    "!": "！",
    "?": "？",
    "〔": "（",
    "〕": "）",
    "„": "“",
    "‟": "”",
    "「": "“",
    "」": "”",
    "﹝": "（",
    "﹞": "）",
    "—": "—",
}
_SPACES = " \u3000\xa0\u2002\u2003\u2009\u200b\ufeff"
_TERMINAL = "。！？；："
_CLOSERS = "”）"
_HEADING = re.compile(
    r"^[#\s*]*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[部分章节]"
    r"|\d{1,2}\s*[．.、](?!\d))"
)
_DEBRIS = re.compile(
    r"^[\s\-—–－_·•]*(?:第\s*)?\d{1,3}(?:\s*页)?[\s\-—–－_·•]*$|^[\s\-—–－_=*·•]+$"
)
_HEADING_MAX = 40
_CAPTION = re.compile(r"^表\s*\d+")
_LABEL_MAX = 6
_WRAP_MIN = 15


def squeeze(text: object) -> str:
    """NFKC without whitespace ("中华新路 817 弄" = "中华新路817弄", "３５５０" = "3550"): how a
    name, an address or a query is compared — exact up to width and stray spaces, no fuzzy
    guessing; "" for anything not a string."""
    return "".join(unicodedata.normalize("NFKC", text).split()) if isinstance(text, str) else ""


def fold_char(c: str) -> str:
    """Full-width ASCII to half-width, then punctuation to the report's full-width forms."""
    return c.translate(_FOLD)


def _is_ascii_word(c: str) -> bool:
    return c.isascii() and c.isalnum()


@dataclass
class Normalised:
    """``text`` is the cleaned copy; ``offsets[i]`` is the original index of ``text[i]``."""

    text: str
    offsets: array[int]
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the cleaned slice ``text[start:end]`` (end > start)."""
        return self.offsets[start], self.offsets[end - 1] + 1


def _line_kind(line: str) -> str:
    stripped = line.strip(_SPACES + "\t")
    if not stripped:
        return "blank"
    if _DEBRIS.match(stripped):
        return "debris"
    if "\t" in line.strip(_SPACES):
        return "table"
    if _CAPTION.match(stripped):
        return "heading"
    if _HEADING.match(stripped) or stripped.startswith("#") or _is_bold_line(stripped):
        short = len(re.sub(r"\s+", "", stripped)) <= _HEADING_MAX
        has_stop = re.search(r"[。；;！？]", stripped[:-1]) is not None
        return "heading" if short and not has_stop else "heading_start"
    return "text"


def _is_bold_line(stripped: str) -> bool:
    return stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4


class _Builder:
    """The cleaned text being built: chunks, their original offsets, and its last characters."""

    def __init__(self, size: int) -> None:
        self.parts: list[str] = []
        self.offsets = array("i" if size < 2**31 - 1 else "q")
        self.last = ""  # up to the last two characters emitted

    def emit(self, chunk: str, at: int) -> None:
        """Append ``chunk`` whose characters come from ``at, at+1, …`` of the original."""
        self.parts.append(chunk)
        self.offsets.extend(range(at, at + len(chunk)))
        self.last = (self.last + chunk)[-2:]

    def emit_char(self, c: str, at: int) -> None:
        self.parts.append(c)
        self.offsets.append(at)
        self.last = (self.last + c)[-2:]

    def ends_sentence(self) -> bool:
        last = self.last[-1:]
        if last in _TERMINAL or last == "\n":
            return True
        return last in _CLOSERS and self.last[:1] in _TERMINAL


def normalise(text: str) -> Normalised:
    """Clean ``text`` line by line: join wrapped lines, drop debris, fold punctuation."""
    out = _Builder(len(text))
    prev_kind = "start"
    wrapped = False
    pos = 0
    for line in text.splitlines(keepends=True):
        start = pos
        pos += len(line)
        kind = _line_kind(line)
        if kind in ("blank", "debris"):
            continue
        skip_label = False
        if out.parts:
            ended = out.ends_sentence()
            if kind == "table" and not ended and prev_kind in ("text", "table") and wrapped:
                # A PDF table cell wrapped onto the next row, whose first cell is the
                # (wrapped) row label: "…小区蕃瓜" / "旧住房\t弄100%签约生效".
                skip_label = _first_cell_is_label(line)
            brk = not skip_label and (
                ended
                or prev_kind in ("heading", "table")
                or kind in ("heading", "heading_start", "table")
            )
            if brk:
                out.emit_char("\n", start - 1 if start > 0 else 0)
        _emit_line(line, start, kind, out, skip_label)
        prev_kind = kind
        # Only a long last cell can have wrapped onto the next row (not a header row).
        wrapped = len(line.strip(_SPACES + "\t\r\n").rsplit("\t", 1)[-1]) >= _WRAP_MIN
    return Normalised("".join(out.parts), out.offsets, text)


def _first_cell_is_label(line: str) -> bool:
    first, _, rest = line.strip(_SPACES).partition("\t")
    return bool(rest) and 0 < len(first) <= _LABEL_MAX and not re.search(r"[，。；、●■\d]", first)


_FOLD = str.maketrans(
    {**{chr(o): chr(o - 0xFEE0) for o in range(0xFF01, 0xFF5F)}, "．": "."}
    | {k: v for k, v in PUNCT_FOLDS.items()}
    | {chr(o): PUNCT_FOLDS.get(chr(o - 0xFEE0), chr(o - 0xFEE0)) for o in range(0xFF01, 0xFF5F)}
    | {"．": "."}
)
_SKIP = re.compile(f"[{_SPACES}]+|\t+|\\*\\*")
_QUOTE = re.compile('"')


def _alternate_quotes(body: str) -> str:
    """ASCII quotes alternate within a line: open on the odd ones, close on the even ones."""
    count = iter(range(body.count('"')))
    return _QUOTE.sub(lambda _: "“" if next(count) % 2 == 0 else "”", body)


def _emit_line(line: str, base: int, kind: str, out: _Builder, skip_label: bool = False) -> None:
    body = line.rstrip("\r\n")
    i = body.index("\t") + 1 if skip_label else 0
    if out.last[-1:] in ("", "\n"):
        while i < len(body) and body[i] == "#":
            i += 1
    folded = body.translate(_FOLD)
    if '"' in folded:
        folded = _alternate_quotes(folded)
    for m in _SKIP.finditer(body, i):
        if m.start() > i:
            out.emit(folded[i : m.start()], base + i)
        token = m.group()
        if token[0] == "\t":
            if kind == "table" and out.last[-1:] not in ("", "\t", "\n"):
                out.emit_char("\t", base + m.start())
        elif token != "**":
            nxt = body[m.end() : m.end() + 1]
            if _is_ascii_word(out.last[-1:]) and _is_ascii_word(nxt):
                out.emit_char(" ", base + m.start())
        i = m.end()
    if i < len(body):
        out.emit(folded[i:], base + i)
