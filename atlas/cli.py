"""One wrapper for every command-line entry: an `AtlasError` is one line and an exit code.

`python -m extract`, `python -m geo …` and the `jingan-atlas` console script (`geo.cli.console`,
over the one command table `geo.cli.COMMANDS`) all go through `run`, so no path ends in a raw
traceback for an error the project knows about.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable

from .errors import AtlasError

#: errors of a write the environment refused (a full disk or `/dev/full`, a quota, an I/O
#: error): not bugs, so one line rather than a traceback
WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})


def run(main: Callable[[list[str] | None], int | None], argv: list[str] | None = None) -> int:
    """Call `main(argv)`; map `AtlasError` (and a broken pipe, Ctrl-C, a standard output that
    cannot be written) to one line on stderr.

    Standard output is flushed here, so a full one (`> /dev/full`) is reported with exit 1
    instead of failing silently at interpreter exit. Anything else is a bug and keeps its
    traceback."""
    try:
        status = int(main(argv) or 0)
        sys.stdout.flush()
        return status
    except AtlasError as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `… | head`: the reader left, nothing to report
        _silence_stdout()
        return 0
    except OSError as exc:
        if exc.errno not in WRITE_ERRORS:
            raise
        where = f"{exc.filename}" if exc.filename else "standard output"
        print(f"error: cannot write {where}: {exc.strerror or exc}", file=sys.stderr)
        _silence_stdout()  # what is still buffered cannot fail again at exit
        return 1


def one_line(exc: BaseException) -> str:
    """The error's message on one line (a library's multi-line reason included)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError):  # the target refused the buffered bytes
        sys.stdout.flush()
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (captured in tests)
        pass
