"""One wrapper for every command-line entry: an `AtlasError` is one line and an exit code.

`python -m extract`, `python -m geo …` and the `jingan-atlas` console script all go through
`run`, so no path ends in a raw traceback for an error the project knows about.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence

from .errors import AtlasError

#: `jingan-atlas COMMAND` → the module whose `main(argv)` runs it
COMMANDS: dict[str, str] = {
    "extract": "extract.__main__",
    "gazetteer": "geo.__main__",
    "build": "geo.__main__",
    "export": "geo.__main__",
    "geocode": "geo.__main__",
    "summary": "geo.__main__",
    "track": "geo.__main__",
    "publish": "geo.__main__",
}


def run(main: Callable[[list[str] | None], int | None], argv: list[str] | None = None) -> int:
    """Call `main(argv)`; map `AtlasError` (and a broken pipe, Ctrl-C) to one line on stderr."""
    try:
        return int(main(argv) or 0)
    except AtlasError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `… | head`: the reader left, nothing to report
        return 0


def console(argv: Sequence[str] | None = None) -> int:
    """`jingan-atlas COMMAND [ARGS]`: the console script registered in pyproject.toml."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in COMMANDS:
        names = "|".join(COMMANDS)
        print(f"usage: jingan-atlas {{{names}}} [ARGS…]", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[args[0]])
    rest = args[1:] if args[0] == "extract" else args
    return run(module.main, rest)


if __name__ == "__main__":
    sys.exit(console())
