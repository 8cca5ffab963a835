"""Atomic writes: a temporary file beside the target, renamed into place, so a failure (full
disk, read-only directory, bad path) leaves no partial file; targets that are not regular
files, or are read-only, are refused before anything is written."""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeAlias

import pyogrio

from atlas.errors import OutputError

#: a path argument: text or `os.PathLike`
PathArg: TypeAlias = str | os.PathLike[str]


class ExportError(OutputError):
    """A file could not be written or read; the message is one line naming the path."""


#: what a path that is not a regular file is, for the one-line refusal
_NODE_KINDS: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
)


def _node_kind(mode: int) -> str:
    return next((name for test, name in _NODE_KINDS if test(mode)), "not a regular file")


def writable_target(path: PathArg) -> tuple[Path, os.stat_result | None]:
    """The file a write to `path` replaces and its current status (None for a new path).

    Only a regular file, a new path in an existing writable directory, or a symlink to a regular
    file (resolved: the link is kept and its target written) are accepted; a device, FIFO,
    socket, directory, dangling or odd symlink and a read-only file are refused with one line.
    Root's writes ignore modes, so "read-only" is read from the mode bits, not `os.access`."""
    given = Path(path)
    target = given
    if given.is_symlink():
        target = Path(os.path.realpath(given))
        try:
            mode = target.stat().st_mode
        except OSError:
            raise ExportError(f"cannot write {given}: it is a symlink to nothing") from None
        if not stat.S_ISREG(mode):
            raise ExportError(f"cannot write {given}: it is a symlink to {_node_kind(mode)}")
    try:
        status: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        status = None
    except OSError as exc:
        raise ExportError(f"cannot write {given}: {_reason(exc)}") from exc
    if status is None:
        directory = target.parent
        if not directory.is_dir():
            raise ExportError(f"cannot write {given}: directory {directory} does not exist")
        if not os.access(directory, os.W_OK):
            raise ExportError(f"cannot write {given}: directory {directory} is not writable")
    elif not stat.S_ISREG(status.st_mode):
        kind = _node_kind(status.st_mode)
        refusal = "it is a directory" if kind == "a directory" else f"it is {kind}, not a file"
        raise ExportError(f"cannot write {given}: {refusal}")
    elif not status.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise ExportError(f"cannot write {given}: it is read-only")
    return target, status


def _umask() -> int:
    """The process umask, read without changing it where Linux tells it (threads of the page
    may be creating files); elsewhere set and restored at once."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: temporary folders of the page's GeoPackage downloads: `atlas-export-<pid>.<random>`
EXPORT_DIR_PREFIX = "atlas-export-"
#: a temporary file of a writer that is still running is never this old
STALE_AFTER_S = 24 * 3600.0
_TEMP_TAIL = re.compile(r"(?:(\d+)\.)?[A-Za-z0-9_]{8}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process (or a bogus number)
        return pid < 2**22
    return True


def remove_stale(directory: Path, prefix: str) -> list[Path]:
    """Remove what a killed writer left in `directory`: entries named `prefix<pid>.<random>…`
    whose process is gone, or any `prefix…` temporary older than `STALE_AFTER_S` (names
    without a pid, from before). A writer still running keeps its file. Returns what went."""
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(directory) if e.name.startswith(prefix)]
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        tail = _TEMP_TAIL.match(entry.name, len(prefix))
        if tail is None:
            continue
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_S
            if not old and (tail.group(1) is None or _alive(int(tail.group(1)))):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue  # another cleaner got there first, or not ours to remove
        removed.append(Path(entry.path))
    return removed


@contextmanager
def atomic_path(path: PathArg) -> Iterator[Path]:
    """Yield a temporary path beside the target; rename it into place only if the block
    succeeds. The target is checked (`writable_target`) before and again just before the
    rename; a replaced file keeps its permission bits, a new one gets the umask's."""
    given = Path(path)
    target, status = writable_target(given)
    mode = stat.S_IMODE(status.st_mode) if status is not None else 0o666 & ~_umask()
    remove_stale(target.parent, f".{target.name}.")
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=target.suffix, dir=target.parent
        )
    except OSError as exc:
        raise ExportError(f"cannot write {given}: {_reason(exc)}") from exc
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # writers (GDAL in particular) create the file themselves
    try:
        yield tmp
        writable_target(given)  # nothing swapped in meanwhile (a FIFO, a link)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except ExportError:
        raise
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise ExportError(f"cannot write {given}: {_reason(exc)}") from exc
    finally:
        for leftover in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())


def write_bytes(data: bytes, path: PathArg) -> Path:
    """Write `data` to `path` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)
