"""Hostile inputs made in the test, and a child process that measures what they cost.

Bombs and streams are generated here (never committed): a ZIP is written by hand so that a
part can inflate to a gigabyte while the file stays a few kB (deflate blocks after a full
flush repeat byte for byte) and so that its headers can lie. Costs are measured in a child
Python process: CPU seconds (robust on a shared machine, unlike wall time) and the growth of
its peak resident memory, with a wall-clock timeout as the outer bound.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MB = 1 << 20

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="png" ContentType="image/png"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
DOC_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId5" Target="media/image1.png" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/image"/></Relationships>'
)
PARAGRAPH = "<w:p><w:r><w:t>推进汶水路400号幼儿园新建工程。</w:t></w:r></w:p>"
HEAD = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>'
TAIL = "</w:body></w:document>"


@dataclass(frozen=True)
class Part:
    """One ZIP entry: its raw (deflated or stored) bytes and what its headers declare."""

    name: str
    raw: bytes
    crc: int
    size: int
    deflated: bool = True


def stored(name: str, data: bytes | str) -> Part:
    data = data.encode() if isinstance(data, str) else data
    return Part(name, data, zlib.crc32(data), len(data), deflated=False)


def repeated(name: str, head: bytes, unit: bytes, times: int, tail: bytes) -> Part:
    """`head + unit * times + tail`, deflated without ever holding it: each piece is its own
    full-flush block, so the middle block is written `times` times."""
    pieces = []
    crc = 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    pieces.append(compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH))
    crc = zlib.crc32(head, crc)
    block = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    pieces.append(block * times)
    for _ in range(times):
        crc = zlib.crc32(unit, crc)
    pieces.append(compressor.compress(tail) + compressor.flush())
    crc = zlib.crc32(tail, crc)
    return Part(name, b"".join(pieces), crc, len(head) + len(unit) * times + len(tail))


def lying(part: Part, declared: int) -> Part:
    """`part` whose headers declare `declared` inflated bytes (the data is unchanged)."""
    return Part(part.name, part.raw, part.crc, declared, part.deflated)


def write_zip(path: Path, parts: list[Part]) -> Path:
    """A ZIP written by hand: local headers, data, central directory, end record."""
    body = bytearray()
    central = bytearray()
    for part in parts:
        name = part.name.encode()
        method = 8 if part.deflated else 0
        fields = (20, 0, method, 0, 0x21, part.crc, len(part.raw), part.size, len(name))
        offset = len(body)
        body += struct.pack("<4s5HIIIHH", b"PK\x03\x04", *fields, 0) + name + part.raw
        central += struct.pack("<4s6HIIIHHHHHII", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset)
        central += name
    end = struct.pack(
        "<4s4HIIH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), len(body), 0
    )
    path.write_bytes(bytes(body + central + end))
    return path


def docx_parts(document: Part, *extra: Part, main: str = WORD_MAIN) -> list[Part]:
    """The parts of a Word file around `document` (its word/document.xml)."""
    return [
        stored("[Content_Types].xml", CONTENT_TYPES.format(main=main)),
        stored("_rels/.rels", PACKAGE_RELS),
        document,
        stored("word/_rels/document.xml.rels", DOC_RELS),
        *extra,
    ]


def document_xml(paragraphs: int) -> Part:
    """A real document.xml of `paragraphs` paragraphs (deflated as repeated blocks)."""
    per_block = min(paragraphs, max(1, MB // len(PARAGRAPH.encode())))
    unit = (PARAGRAPH * per_block).encode()
    times = paragraphs // per_block
    return repeated("word/document.xml", HEAD.encode(), unit, times, TAIL.encode())


_HARNESS = """
import json, resource, sys, time
{setup}
before = resource.getrusage(resource.RUSAGE_SELF)
result = {{"error": None}}
try:
{work}
except BaseException as exc:
    result["error"] = type(exc).__name__ + ": " + str(exc)
after = resource.getrusage(resource.RUSAGE_SELF)
result["cpu"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
result["grown_mb"] = (after.ru_maxrss - before.ru_maxrss) / 1024
print(json.dumps(result, ensure_ascii=False))
"""


def measure(setup: str, work: str, timeout: float = 60.0) -> dict:
    """Run `setup` then `work` (Python source) in a child interpreter; the cost of `work`."""
    source = _HARNESS.format(
        setup=textwrap.dedent(setup), work=textwrap.indent(textwrap.dedent(work), "    ")
    )
    done = subprocess.run(
        [sys.executable, "-c", source], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


_CLI = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout={timeout})
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"rc": done.returncode, "stdout": done.stdout[-4000:],
    "stderr": done.stderr[-4000:], "cpu": use.ru_utime + use.ru_stime,
    "peak_mb": use.ru_maxrss / 1024}}, ensure_ascii=False))
"""


def measure_cli(*args: str, timeout: float = 60.0, stdin: object = None) -> dict:
    """Run a command (in a child of a child, so the rusage is its alone): exit status,
    output, CPU seconds and peak resident memory in MB."""
    done = subprocess.run(
        [sys.executable, "-c", _CLI.format(timeout=timeout), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout + 10,
        stdin=stdin,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)
