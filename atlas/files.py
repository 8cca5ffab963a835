"""Bounded reads: what every file and stream the project reads goes through.

A path can name a FIFO (opening it blocks until a writer comes, its size reads 0), a device
(`/dev/zero` never ends) or a directory; a stream can be endless. So a file is read only when it
is a regular file, checked on the open descriptor (no race with a swap after `stat`), and never
past a limit; a stream is read a line at a time with a bound on each line.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import AtlasError, InputError

#: what `stat` calls the file types a report, an atlas or a list may not be
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_CHUNK = 1 << 20


def file_kind(mode: int) -> str:
    """`"a FIFO (named pipe)"`, `"a directory"` … for a `st_mode` that is not a regular file."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def regular_file(path: str | os.PathLike[str], error: type[AtlasError] = InputError) -> Path:
    """`path` when it names a regular file (symlinks followed); else `error`, one line."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(mode):
        raise error(f"{path}: {file_kind(mode)}, not a regular file")
    return path


def read_bounded(
    path: str | os.PathLike[str], limit: int, error: type[AtlasError] = InputError
) -> bytes:
    """The bytes of the regular file `path`, refused (`error`, one line naming the path) when
    it is anything else or holds more than `limit` bytes. The file is opened non-blocking (a
    FIFO swapped in after a check cannot block) and read at most `limit + 1` bytes."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{path}: {file_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            too_big = f"file too large ({megabytes(info.st_size)}; the limit is {megabytes(limit)})"
            raise error(f"{path}: {too_big}")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # grew after fstat
            raise error(f"{path}: file too large (over {megabytes(limit)})")
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def bounded_lines(stream: BinaryIO, max_line: int, what: str = "standard input") -> Iterator[bytes]:
    """The lines of `stream` (each with its line end), reading at most `max_line + 1` bytes
    per line: a longer "line" (an endless stream without line ends, `/dev/zero`) or NUL bytes
    (binary input) are refused with one `InputError` naming the line, before memory grows."""
    number = 0
    while True:
        line = stream.readline(max_line + 1)
        if not line:
            return
        number += 1
        if b"\x00" in line:
            raise InputError(f"{what}: line {number} holds NUL bytes: binary data, not text")
        if len(line) > max_line and not line.endswith(b"\n"):
            raise InputError(
                f"{what}: line {number} is longer than {max_line:,} bytes: not one query a line"
            )
        yield line
