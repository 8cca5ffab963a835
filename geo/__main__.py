"""`python -m geo COMMAND`: the commands live in `geo.cli`."""

from __future__ import annotations

import sys

from geo.cli import COMMANDS, dispatch, main

__all__ = ["COMMANDS", "dispatch", "main"]

if __name__ == "__main__":
    sys.exit(main())
