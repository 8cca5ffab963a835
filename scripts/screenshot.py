"""Take docs/screenshot.png: the app on the shipped atlas in headless Debian Chromium (offline).

    .venv/bin/python scripts/screenshot.py [--item ID] [--lang zh|en] [-o docs/screenshot.png]

Opens the page (in Chinese unless `--lang en`, with a browser locale to match), waits for the
map, opens the popup of one located item (by default the first precisely placed project drawn
outside a cluster) to show a source sentence, and saves a full-page screenshot at 1400 px wide.
Refuses to run without a CJK font (`fc-list :lang=zh`; `bash scripts/ensure-chromium.sh`
installs Debian's fonts-noto-cjk): Chinese would be boxes.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from atlas.settings import settings  # noqa: E402
from geo import read_items  # noqa: E402
from mapview.payload import row_order  # noqa: E402
from tests.devserver import (  # noqa: E402
    chromium,
    map_at_rest,
    map_container,
    streamlit_app,
    wait_for_map,
)


def cjk_fonts() -> list[str]:
    """Font families that cover Chinese, as fontconfig reports them."""
    if shutil.which("fc-list") is None:
        return []
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    return sorted({line.strip() for line in out.stdout.splitlines() if line.strip()})


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
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="the page's language")
    args = parser.parse_args(argv)
    if not cjk_fonts():
        print(
            "error: no CJK font (fc-list :lang=zh is empty): Chinese would render as boxes; "
            "run `bash scripts/ensure-chromium.sh` (Debian fonts-noto-cjk) first",
            file=sys.stderr,
        )
        return 1
    # A SIGTERM (e.g. from `timeout`) must still stop the app server it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ids = [args.item] if args.item else candidates(args.atlas)
    with streamlit_app({"ATLAS_PATH": str(args.atlas)}) as url, chromium() as browser:
        locale = "zh-CN" if args.lang == "zh" else "en-US"
        # tall enough for the title, the filter rows above the map and the whole map
        page = browser.new_page(viewport={"width": 1400, "height": 1150}, locale=locale)
        page.set_default_timeout(60_000)
        page.goto(f"{url}/?lang={args.lang}", wait_until="domcontentloaded")
        counts = wait_for_map(page)
        print(f"map drawn: {counts}", file=sys.stderr)
        container = map_container(page)
        items = read_items(args.atlas)  # the data file's rows are in `row_order`
        order = items["id"].to_numpy()[row_order(items)].tolist()
        rows = [order.index(i) for i in ids if i in order]
        row = container.evaluate(
            "(el, rows) => rows.find((r) => L.atlas.alone('items', r)) ?? null", rows
        )
        if row is not None:  # a point drawn on its own: click it, as a reader would
            map_at_rest(page)
            point = container.evaluate("(el, row) => L.atlas.pixel('items', row)", row)
            position = {"x": point["x"], "y": point["y"]}
            container.hover(position=position)  # the canvas finds the feature under the pointer
            container.click(position=position)
            # the quote arrives with the rerun the click causes
            container.locator(".leaflet-popup-content blockquote").wait_for(timeout=60_000)
            time.sleep(1)
        page.locator("h1").first.evaluate("(h) => h.scrollIntoView({block: 'start'})")
        args.output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.output), full_page=True)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
