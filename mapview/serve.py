"""`python -m mapview.serve [streamlit options]`: the page's server, opened warm.

Streamlit runs the page script only when a visitor connects, so on a fresh server the first
visitor waits for the imports, the atlas read and the map's data file (about 2 s at 100× the
data) that every later visitor finds cached. This launcher does that work in the server process
before the port opens — the page's imports (read from app.py itself, so the list cannot go
stale) and `mapview.loaders.warm` (the same `st.cache_resource` caches the page reads) — then
hands over to `streamlit run app.py` with the options given. Like a WSGI server's preload, it
moves the cost to start-up; `make run` and the browser tests start the page this way.
"""

from __future__ import annotations

import ast
import sys
import time
from pathlib import Path

from atlas.errors import AtlasError

#: The page script, at the repository root beside this package.
APP = Path(__file__).resolve().parent.parent / "app.py"


def page_imports(script: Path = APP) -> list[tuple[str, list[str]]]:
    """(module, names) of every top-level import of the page script (`import m` has no names).
    Imports inside functions are left out: they are the page's deliberately lazy ones."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    found: list[tuple[str, list[str]]] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


#: What Streamlit itself imports on a page's first run: the emoji table that
#: `st.set_page_config(page_icon=…)` checks the icon against.
STREAMLIT_LAZY = ("streamlit.emojis",)


def preload(script: Path = APP) -> None:
    """Import what the page script imports (submodules named in `from m import a` included),
    and what Streamlit imports on a first run."""
    for module, names in page_imports(script):
        __import__(module, fromlist=names)
    for module in STREAMLIT_LAZY:
        __import__(module)


def warm() -> str:
    """Preload the page's modules and fill its caches for the configured atlas; one line on
    what was done, for the server's log."""
    start = time.perf_counter()
    preload()
    from atlas.settings import settings
    from mapview import loaders
    from mapview.assets import served_assets

    path = str(settings.with_env_paths().atlas_path)
    # Streamlit's options are not read yet (reading them now would make it warn of a change
    # when `run` reads the flags): the default base URL. Under a `server.baseUrlPath` the
    # page names the data file's URL itself; the file is published already.
    assets = served_assets()
    try:
        stamp = loaders.warm(path, assets)
    except AtlasError as exc:  # the page says what is wrong with the atlas; the server starts
        return f"atlas not preloaded: {exc}"
    took = time.perf_counter() - start
    if stamp is None:
        return f"no atlas at {path}: the page will say so (modules preloaded in {took:.1f} s)"
    return f"atlas preloaded in {took:.1f} s: {path}"


def main(argv: list[str] | None = None) -> None:
    """Warm up, then run `streamlit run app.py ARGV…` in this process."""
    from streamlit.web import cli

    print(warm(), file=sys.stderr, flush=True)
    cli.main.main(args=["run", str(APP), *(sys.argv[1:] if argv is None else argv)],
                  prog_name="streamlit")  # fmt: skip


if __name__ == "__main__":
    main()
