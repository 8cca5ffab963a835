"""A Word file's ZIP package, opened within limits: the defence against decompression bombs.

The report size limit counts compressed bytes; a 231 kB .docx can inflate to 64 MB of XML and a
1 MB one to 1 GB of "image". So before python-docx sees a file:

- the central directory is checked: the number of entries, and for each part the reader needs
  its inflated size (`max_docx_part_bytes`), the total (`max_docx_inflated_bytes`) and the
  ratio of inflated to compressed bytes (`max_docx_ratio`);
- those parts — ``[Content_Types].xml``, ``_rels/.rels`` and the main document part — are
  inflated in chunks with the same limits enforced on the bytes that really come out (headers
  can lie; `zipfile` itself stops at the declared size and then fails the CRC);
- nothing else is inflated: python-docx gets a new, minimal package of the main part alone, so
  images, headers, embedded objects and any part a bomb may hide in are never read.

A macro-enabled document (.docm/.dotm) is refused with a line naming the file (the text of a
file we would not open in Word is not read either).
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
from dataclasses import dataclass
from typing import Any

from atlas.files import megabytes
from atlas.settings import settings

from .decode import ReportError

CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELS = "_rels/.rels"
_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
#: main-part content types whose text is read (a document or a template)
_READABLE = (
    _WORD_MAIN,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
)
#: the package parts (besides the main one) are small: a few kB in any real file
_META_LIMIT = 1 << 20
_CHUNK = 1 << 16
#: a .docx has tens of parts; the central directory is refused past this many entries
MAX_ENTRIES = 10_000
_EOCD = b"PK\x05\x06"


@dataclass(frozen=True)
class Limits:
    """Inflate limits (bytes, bytes, ratio), from the settings by default."""

    part: int
    total: int
    ratio: float

    @classmethod
    def current(cls) -> Limits:
        return cls(
            settings.max_docx_part_bytes,
            settings.max_docx_inflated_bytes,
            float(settings.max_docx_ratio),
        )


def entry_count(data: bytes) -> int | None:
    """Entries the end-of-central-directory record announces (None: no record found), read
    before `zipfile` builds one object per entry."""
    at = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        return None
    (total,) = struct.unpack_from("<H", data, at + 10)
    return int(total)


def open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """`zipfile.ZipFile` over `data` once its entry count is sane (`MAX_ENTRIES`)."""
    count = entry_count(data)
    if count is not None and count > MAX_ENTRIES:
        raise ReportError(f"{name}: a ZIP of {count:,} entries is not a Word document")
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ReportError(f"{name}: corrupt or truncated .docx ({exc})") from None


class _Inflater:
    """Inflates the few parts the reader needs, counting what really comes out."""

    def __init__(self, archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
        self.archive = archive
        self.name = name
        self.limits = limits
        self.total = 0

    def _refuse(self, part: str, why: str) -> ReportError:
        return ReportError(
            f"{self.name}: refused as a decompression bomb: part {part} {why} "
            f"(limits: {megabytes(self.limits.part)} a part, "
            f"{megabytes(self.limits.total)} in all, {self.limits.ratio:g}:1)"
        )

    def check(self, info: zipfile.ZipInfo, limit: int) -> None:
        """The central directory's word on one part, before any byte is inflated."""
        if info.file_size > limit:
            raise self._refuse(info.filename, f"inflates to {megabytes(info.file_size)}")
        if self.total + info.file_size > self.limits.total:
            raise self._refuse(info.filename, "takes the total past its limit")
        if info.file_size > _META_LIMIT and info.file_size > self.limits.ratio * max(
            info.compress_size, 1
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            raise self._refuse(info.filename, f"inflates {ratio:,.0f} times")

    def read(self, part: str, limit: int) -> bytes:
        """The inflated bytes of `part`, streamed in chunks and stopped at the first chunk past
        a limit, whatever the headers said."""
        try:
            info = self.archive.getinfo(part)
        except KeyError:
            raise ReportError(f"{self.name}: corrupt .docx (no part {part})") from None
        self.check(info, limit)
        chunks: list[bytes] = []
        size = 0
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    self.total += len(chunk)
                    if size > limit:
                        raise self._refuse(part, f"inflates past {megabytes(limit)}")
                    if self.total > self.limits.total:
                        raise self._refuse(part, "takes the total past its limit")
                    if size > _META_LIMIT and size > self.limits.ratio * max(info.compress_size, 1):
                        raise self._refuse(part, "inflates more than its ratio allows")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, EOFError, NotImplementedError, OSError, ValueError) as exc:
            raise ReportError(f"{self.name}: corrupt or truncated .docx ({exc})") from None
        return b"".join(chunks)


def _xml(data: bytes, part: str, name: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ReportError(f"{name}: corrupt .docx ({part}: {exc})") from None


def _main_part(rels: bytes, name: str) -> str:
    """The main document part's name, from the package relationships."""
    for rel in _xml(rels, PACKAGE_RELS, name).iter(f"{_REL_NS}Relationship"):
        if rel.get("Type") in _OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
            target = posixpath.normpath("/" + (rel.get("Target") or "").lstrip("/"))
            return target.lstrip("/")
    raise ReportError(f"{name}: corrupt .docx (no main document part)")


def _content_type(types: bytes, part: str, name: str) -> str:
    root = _xml(types, CONTENT_TYPES, name)
    for override in root.iter(f"{_CT_NS}Override"):
        if (override.get("PartName") or "").lstrip("/") == part:
            return override.get("ContentType") or ""
    extension = part.rpartition(".")[2].lower()
    for default in root.iter(f"{_CT_NS}Default"):
        if (default.get("Extension") or "").lower() == extension:
            return default.get("ContentType") or ""
    return ""


def _minimal_package(document: bytes) -> bytes:
    """A package holding only the main document part (what python-docx reads the body from)."""
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Types xmlns="{_CT_NS[1:-1]}">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{_WORD_MAIN}"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{_REL_NS[1:-1]}">'
        f'<Relationship Id="rId1" Type="{_OFFICE_DOCUMENT[0]}" Target="word/document.xml"/>'
        "</Relationships>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(CONTENT_TYPES, types)
        archive.writestr(PACKAGE_RELS, rels)
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def document_package(data: bytes, name: str, limits: Limits | None = None) -> bytes:
    """A minimal package of the main document part of the .docx `data`, inflated within
    `limits` (`ReportError` naming `name` otherwise): what `docx.Document` is given."""
    limits = limits or Limits.current()
    with open_zip(data, name) as archive:
        inflater = _Inflater(archive, name, limits)
        meta = min(_META_LIMIT, limits.part)
        types = inflater.read(CONTENT_TYPES, meta)
        main = _main_part(inflater.read(PACKAGE_RELS, meta), name)
        kind = _content_type(types, main, name)
        if "macroEnabled" in kind:
            raise ReportError(
                f"{name}: a macro-enabled Word document (.docm/.dotm) is not read; "
                "save it as .docx (Word: File → Save As → Word Document) and try again"
            )
        if kind not in _READABLE:
            raise ReportError(f"{name}: not a Word document (main part of type {kind or '?'})")
        document = inflater.read(main, limits.part)
    return _minimal_package(document)
