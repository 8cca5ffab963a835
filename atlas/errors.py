"""One exception root for the whole project (cf. `geopy.exc`).

Every error the project raises on purpose derives from `AtlasError`, and also from the builtin
that matches its meaning, so callers may catch either: `except ReportError`, `except
AtlasError` or `except ValueError` all work. `atlas.cli.run` maps an `AtlasError` to one line
on stderr and an exit code; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class AtlasError(Exception):
    """Root of every error the project raises on purpose.

    `code` and `params` (optional) say the same as the English message as data, so a page can
    say it in its reader's language; the CLI prints `str(error)`, in English."""

    #: exit status a CLI returns for this error (`atlas.cli.run`)
    exit_code: int = 1

    def __init__(self, *args: object, code: str = "", **params: object) -> None:
        super().__init__(*args)
        self.code = code
        self.params = params


class InputError(AtlasError, ValueError):
    """Bad input a user can fix: a file, a value or an option."""


class UsageError(InputError):
    """A command-line value is invalid (exit 2, as argparse does)."""

    exit_code = 2


class DataError(AtlasError, ValueError):
    """A dataset (atlas, gazetteer, source file) is missing, corrupt or malformed."""


class OutputError(AtlasError, OSError):
    """An output could not be written, or a target path is refused."""


class ServiceError(AtlasError, RuntimeError):
    """An external service (online geocoder, database server) failed or refused."""
