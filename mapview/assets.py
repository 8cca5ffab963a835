"""Leaflet and Leaflet.markercluster served from the installed `xstatic-*` packages.

With no internet a CDN link draws nothing, so the app copies the few files the map needs from
the installed xstatic packages into a git-ignored `static/` directory beside `app.py`
(Streamlit serves it at `app/static/` when `server.enableStaticServing` is on); the map frame
loads them from there. Nothing of the third-party JS/CSS lives in the repository: it comes
from the packages at start-up. The map's data files are published into the same folder
(`mapview.component.publish`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster

#: `static/` beside app.py (Streamlit's app static folder).
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
#: The URL path under which Streamlit serves STATIC_DIR.
STATIC_URL = "app/static"


@dataclass(frozen=True)
class Package:
    """One xstatic package: where its files are installed and which of them the map needs."""

    name: str
    base_dir: Path
    version: str
    files: tuple[str, ...]

    @property
    def folder(self) -> str:
        """Versioned folder name, so a browser never keeps a stale copy across upgrades."""
        return f"{self.name}-{self.version}"


LEAFLET = Package(
    "leaflet",
    Path(xs_leaflet.BASE_DIR),
    xs_leaflet.VERSION,
    (
        "leaflet.js",
        "leaflet.css",
        "images/layers.png",
        "images/layers-2x.png",
        "images/marker-icon.png",
        "images/marker-icon-2x.png",
        "images/marker-shadow.png",
    ),
)
MARKERCLUSTER = Package(
    "markercluster",
    Path(xs_cluster.BASE_DIR),
    xs_cluster.VERSION,
    ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"),
)
PACKAGES = (LEAFLET, MARKERCLUSTER)


@dataclass(frozen=True)
class Assets:
    """Local URLs of the map's JS and CSS, relative to the server root (`/app/static/...`)."""

    base_url: str = "/" + STATIC_URL

    def url(self, package: Package, file: str) -> str:
        return f"{self.base_url.rstrip('/')}/{package.folder}/{file}"

    @property
    def leaflet_js(self) -> list[tuple[str, str]]:
        return [("leaflet", self.url(LEAFLET, "leaflet.js"))]

    @property
    def leaflet_css(self) -> list[tuple[str, str]]:
        return [("leaflet_css", self.url(LEAFLET, "leaflet.css"))]

    @property
    def cluster_js(self) -> list[tuple[str, str]]:
        return [("markerclusterjs", self.url(MARKERCLUSTER, "leaflet.markercluster.js"))]

    @property
    def cluster_css(self) -> list[tuple[str, str]]:
        return [
            ("markerclustercss", self.url(MARKERCLUSTER, "MarkerCluster.css")),
            ("markerclusterdefaultcss", self.url(MARKERCLUSTER, "MarkerCluster.Default.css")),
        ]


def static_base_url(base_url_path: str | None) -> str:
    """`/app/static`, under Streamlit's `server.baseUrlPath` when one is set."""
    prefix = (base_url_path or "").strip("/")
    return "/" + "/".join(p for p in (prefix, STATIC_URL) if p)


def install_static(static_dir: str | os.PathLike = STATIC_DIR) -> Path:
    """Copy the needed files of the installed xstatic packages into `static_dir` (idempotent).

    Each package goes to a versioned folder, written to a temporary folder first and renamed into
    place, so concurrent app processes never serve a half-copied file. A `.gitignore` keeps the
    copies out of the repository."""
    root = Path(static_dir)
    root.mkdir(parents=True, exist_ok=True)
    ignore = root / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# populated at start-up from the installed xstatic packages\n*\n")
    for package in PACKAGES:
        target = root / package.folder
        if all((target / f).is_file() for f in package.files):
            continue
        tmp = Path(tempfile.mkdtemp(prefix=f".{package.folder}.", dir=root))
        try:
            for file in package.files:
                dest = tmp / file
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(package.base_dir / file, dest)
            if target.exists():
                shutil.rmtree(target, ignore_errors=True)
            try:
                tmp.rename(target)
            except OSError:
                if not all((target / f).is_file() for f in package.files):
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return root


def asset_files(static_dir: str | os.PathLike = STATIC_DIR) -> Iterable[Path]:
    """The installed copies, for checks."""
    root = Path(static_dir)
    return [root / p.folder / f for p in PACKAGES for f in p.files]
