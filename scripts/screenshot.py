"""Take docs/screenshot.png: the app on the shipped atlas in headless Debian Chromium (offline).

    .venv/bin/python scripts/screenshot.py [--item ID] [-o docs/screenshot.png]

Opens the page, waits for the map, opens the popup of one located item (by default the first
precisely placed project drawn outside a cluster) to show a source sentence, and saves a
full-page screenshot at 1400 px wide.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from atlas.settings import settings  # noqa: E402
from geo.export import read_items  # noqa: E402
from mapview.devserver import MAP_FRAME, chromium, streamlit_app, wait_for_map  # noqa: E402


def candidates(atlas: Path) -> list[str]:
    """Located items, precise projects first: the screenshot opens the first one drawn alone."""
    items = read_items(atlas)
    located = items[~(items.geometry.isna() | items.geometry.is_empty)]
    rank = (
        (located["kind"] != "project").astype(int) * 4
        + (located.geometry.geom_type != "Point").astype(int) * 2
        + (located["precision"] != 1).astype(int)
    )
    return located.assign(rank=rank).sort_values("rank", kind="stable")["id"].astype(str).tolist()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--atlas", type=Path, default=Path(settings.atlas_path))
    parser.add_argument("--item", help="id of the item to click (default: a located project)")
    args = parser.parse_args(argv)
    # A SIGTERM (e.g. from `timeout`) must still stop the app server it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ids = [args.item] if args.item else candidates(args.atlas)
    with streamlit_app({"ATLAS_PATH": str(args.atlas)}) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(url, wait_until="domcontentloaded")
        counts = wait_for_map(page)
        print(f"map drawn: {counts}", file=sys.stderr)
        map_div = page.frame_locator(MAP_FRAME).locator("#map_div")
        item = map_div.evaluate(
            "(el, ids) => ids.find((id) => window.ATLAS.alone(id)) || ids[0] || null", ids
        )
        if item:  # a click on a crowded spot would hit a cluster icon: open the popup in JS
            map_div.evaluate("(el, id) => { window.ATLAS.find(id).openPopup(); }", item)
            time.sleep(1)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.output), full_page=True)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
