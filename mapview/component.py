"""The map on the page: a Streamlit component that stays mounted and keeps its data.

The frame (`mapview/frontend/`: index.html, atlas.js, atlas.css — static files served by
Streamlit's component server, like Leaflet is served from `static/`) fetches the items and the
reference geography once from a static JSON file the app publishes under `static/data/`,
named by its content hash (a new atlas is a new file; an unchanged one is never sent again).
Each rerun passes only small arguments: the selection as a bitmap, the basemap, the feature to
focus and any user layers. The component has a fixed key, so Streamlit keeps the same frame
between reruns (no remount: the map keeps its view and its layers); it returns the last
feature clicked as `{"id", "n"}`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import streamlit.components.v1 as components

from mapview.assets import STATIC_DIR, Assets
from mapview.basemaps import Basemap

FRONTEND = Path(__file__).resolve().parent / "frontend"
#: Folder of `STATIC_DIR` holding the published data files.
DATA_FOLDER = "data"
HEIGHT = 640

_component = components.declare_component("atlas_map", path=str(FRONTEND))


def publish(text: str, static_dir: str | os.PathLike = STATIC_DIR) -> str:
    """Write `text` to `static_dir/data/map-<hash>.json` (atomically, once); return its path
    relative to `static_dir`. The name changes with the content, so browsers may cache it."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
    relative = f"{DATA_FOLDER}/map-{digest}.json"
    target = Path(static_dir) / relative
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".map-", suffix=".json", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, target)
    return relative


@dataclass(frozen=True)
class MapArgs:
    """The component's arguments for one rerun (all JSON; strings already escaped)."""

    data_url: str
    selection: str
    selection_id: str
    basemap: Basemap
    assets: Assets
    focus: dict | None = None
    user: list[dict] = field(default_factory=list)
    height: int = HEIGHT

    def as_dict(self) -> dict:
        b = self.basemap
        return {
            "data": self.data_url,
            "selection": self.selection,
            "selection_id": self.selection_id,
            "basemap": None
            if b.offline
            else {
                "url": b.url,
                "attribution": b.attribution,
                "subdomains": b.subdomains,
                "maxZoom": b.max_zoom,
            },
            "assets": {
                "css": [url for _, url in self.assets.leaflet_css + self.assets.cluster_css],
                "js": [url for _, url in self.assets.leaflet_js + self.assets.cluster_js],
            },
            "focus": self.focus,
            "user": self.user,
            "height": self.height,
        }


def atlas_map(args: MapArgs, key: str = "atlas-map") -> dict | None:
    """Mount (first run) or update (later runs) the map; the last click, if any."""
    return _component(**args.as_dict(), key=key, default=None)
