"""Lazy re-exports for a package's public face (PEP 562), so importing the package costs
nothing and each name imports its home module on first use: the page does not pay, before its
first map, for the gazetteer build, geopy or psycopg that it never calls.

The names and their homes are written once, as the package's own `if TYPE_CHECKING:` imports
(what mypy checks every caller against); `exports` reads them from the package's source, the
way lazy_loader's `attach_stub` reads a stub (Scientific Python SPEC 1)::

    if TYPE_CHECKING:
        from geo.crs import gdf_to_wgs84

    __all__ = ["gdf_to_wgs84"]  # checked: every name has its TYPE_CHECKING import

    if not TYPE_CHECKING:
        __getattr__, __dir__ = exports(__name__, __file__)

`__getattr__` stays out of mypy's sight, so an attribute the package does not export is still
an error to the checker, not `Any`.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def typing_imports(source: str, package: str) -> dict[str, tuple[str, str]]:
    """Each name the `if TYPE_CHECKING:` blocks of the `__init__.py` `source` of `package`
    import → (module, attribute)."""
    homes: dict[str, tuple[str, str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom):
                    relative = "." * statement.level + (statement.module or "")
                    module = importlib.util.resolve_name(relative, package)
                    for alias in statement.names:
                        homes[alias.asname or alias.name] = (module, alias.name)
    return homes


def exports(
    package: str, source: str | Path
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for the package `package` whose `__init__.py` is `source`;
    a name it exports is imported once, then kept in the package's namespace."""
    homes = typing_imports(Path(source).read_text(encoding="utf-8"), package)
    missing = set(getattr(sys.modules[package], "__all__", ())) - set(homes)
    if missing:
        raise ImportError(f"{package}.__all__ names {sorted(missing)}: no TYPE_CHECKING import")

    def __getattr__(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = homes[name]
        if module == package:  # `from geo import filters`: a submodule
            value: Any = importlib.import_module(f"{package}.{attribute}")
        else:
            value = getattr(importlib.import_module(module), attribute)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *homes})

    return __getattr__, __dir__
