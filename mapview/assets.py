"""The map's files, served by the app itself: Leaflet and Leaflet.markercluster from the installed
`xstatic-*` packages, the item layer's own script and style (`mapview/static/`), and the
published data files.

With no internet a CDN link draws nothing, so the app copies the few files the map needs into a
git-ignored `static/` directory beside `app.py` (Streamlit serves it at `app/static/` when
`server.enableStaticServing` is on) and points folium's links there (`mapview.plugin`).
Nothing of the third-party JS/CSS lives in the repository: it comes from the packages at
start-up. Data files (`publish`) are named by content hash; only the newest `KEEP` stay, so the
folder stays bounded however many atlases a server sees. When `static/` cannot be written (a
read-only checkout) the same files are served from memory by Streamlit's media endpoint
(`Served.media`) instead of failing.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

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
#: The item layer plugin's own files (project code, `mapview/static/`), versioned by content.
PLUGIN_DIR = Path(__file__).resolve().parent / "static"
PLUGIN_FILES = ("atlas_fetch.js", "atlas_items.js", "atlas.css")
PLUGIN = Package(
    "atlas",
    PLUGIN_DIR,
    hashlib.sha256(b"".join((PLUGIN_DIR / f).read_bytes() for f in PLUGIN_FILES)).hexdigest()[:12],
    PLUGIN_FILES,
)
PACKAGES = (LEAFLET, MARKERCLUSTER, PLUGIN)
#: Folder of `STATIC_DIR` holding the published data files, and how many of them are kept.
DATA_FOLDER = "data"
KEEP = 4
#: Suffix and compression level of the gzipped copy of each data file (`publish`); level 5 is
#: Streamlit's own (it would otherwise compress the file again for every visitor).
GZ = ".gz"
GZIP_LEVEL = 5
#: Half-written files of a crashed writer older than this (seconds) are removed.
STALE_TMP = 3600


_MIME = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".png": "image/png",
}


def media_url(data: bytes, name: str) -> str:
    """`data` served from memory by Streamlit's media endpoint (`/media/…`), for this session.

    The fallback when `static/` cannot be written: the file is registered again on every rerun
    that uses it, so Streamlit keeps it exactly as long as a page shows the map."""
    from streamlit.runtime import Runtime

    manager = Runtime.instance().media_file_mgr
    return str(manager.add(data, _MIME.get(Path(name).suffix, "application/octet-stream"),
                           f"atlas-map:{name}", file_name=name))  # fmt: skip


@dataclass(frozen=True)
class Assets:
    """Where the page loads the map's JS, CSS and data from: `/app/static/...` (relative to the
    server root), or Streamlit's media endpoint when `media` (static/ is not writable)."""

    base_url: str = "/" + STATIC_URL
    media: bool = False

    def url(self, package: Package, file: str) -> str:
        if self.media:
            data = (package.base_dir / file).read_bytes()
            return media_url(data, f"{package.folder}-{file.replace('/', '-')}")
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

    @property
    def plugin_js(self) -> list[tuple[str, str]]:
        return [("atlas_items", self.url(PLUGIN, "atlas_items.js"))]

    def fetch_js(self, data_url: str | None = None) -> list[tuple[str, str]]:
        """`atlas_fetch.js`, the plugin's data-file loader; given `data_url` (in its query) it
        starts fetching that file as soon as it runs."""
        url = self.url(PLUGIN, "atlas_fetch.js")
        return [("atlas_fetch", url if data_url is None else f"{url}?data={quote(data_url)}")]

    @property
    def plugin_css(self) -> list[tuple[str, str]]:
        return [("atlas_css", self.url(PLUGIN, "atlas.css"))]

    def gone(self, url: str, static_dir: str | os.PathLike[str] | None = None) -> bool:
        """Whether the data file behind `url` (from `data_url`) is no longer there: another
        server process sharing `static/` keeps only its `KEEP` newest files, so a URL this one
        cached may point at nothing. Media URLs are registered on every rerun: never gone."""
        if self.media:
            return False
        name = url.rsplit("/", 1)[-1]  # the `.gz`; its `.json` must be there too (`publish`)
        folder = Path(static_dir or STATIC_DIR) / DATA_FOLDER
        return not all((folder / n).is_file() for n in (name, name.removesuffix(GZ)))

    def data_url(self, text: str, static_dir: str | os.PathLike[str] | None = None) -> str:
        """URL of a data file holding `text` (published once; named by content hash)."""
        if self.media:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
            return media_url(text.encode("utf-8"), f"map-{digest}.json")
        return f"{self.base_url.rstrip('/')}/{publish(text, static_dir)}"


def publish(text: str, static_dir: str | os.PathLike[str] | None = None, keep: int = KEEP) -> str:
    """Write `text` to `static_dir/data/map-<hash>.json` and gzipped beside it (`.json.gz`),
    atomically, once; return the path of the `.gz` relative to `static_dir`. The name changes
    with the content, so browsers may cache it.

    The app serves its static files through Starlette's gzip middleware, which compresses a
    response again for every visitor (for the 6 MB file at 100×, a quarter second of the
    server's time while the page's first run competes for it); a `.gz` file is sent as it is
    (application/gzip) and the plugin inflates it in the browser (`atlas_fetch.js`). The plain
    file stays for browsers without `DecompressionStream` and for any other reader.

    Only the `keep` most recently published files stay (this one always among them), and
    half-written files of a crashed writer go after `STALE_TMP` seconds: the folder stays
    bounded however many atlas versions a long-running server publishes."""
    data = text.encode("utf-8")
    relative = f"{DATA_FOLDER}/map-{hashlib.sha256(data).hexdigest()[:20]}.json"
    target = Path(static_dir or STATIC_DIR) / relative
    packed = target.with_name(target.name + GZ)
    if target.is_file() and packed.is_file():
        for path in (target, packed):
            os.utime(path)  # recently used: kept by the next clean-up
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        _write(target, data)
        _write(packed, gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))
    _clean(target.parent, target, keep)
    return relative + GZ


def _write(target: Path, data: bytes) -> None:
    """`data` into `target` through a temporary file: a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=".map-", suffix=target.suffix, dir=target.parent)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, target)


def _clean(folder: Path, current: Path, keep: int) -> None:
    """Remove all but the `keep` newest data files (never `current`; each with its `.gz`) and
    stale temporaries."""

    def age(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except FileNotFoundError:  # removed meanwhile by another process
            return 0.0

    files = sorted(folder.glob("map-*.json"), key=age, reverse=True)
    old = [f for f in files if f != current][max(keep - 1, 0) :]
    old += [f.with_name(f.name + GZ) for f in old]
    stale = [f for f in folder.glob(".map-*") if age(f) < time.time() - STALE_TMP]
    for path in old + stale:
        path.unlink(missing_ok=True)


def static_base_url(base_url_path: str | None) -> str:
    """`/app/static`, under Streamlit's `server.baseUrlPath` when one is set."""
    prefix = (base_url_path or "").strip("/")
    return "/" + "/".join(p for p in (prefix, STATIC_URL) if p)


def served_assets(
    base_url: str = "/" + STATIC_URL, static_dir: str | os.PathLike[str] | None = None
) -> Assets:
    """The assets of this server: from `static_dir` when it can be written (the files are
    copied there once), else from Streamlit's media endpoint (a read-only checkout)."""
    try:
        root = install_static(static_dir)
        probe = root / DATA_FOLDER
        probe.mkdir(exist_ok=True)
        if not os.access(probe, os.W_OK):
            raise PermissionError(f"{probe} is not writable")
    except OSError:
        return Assets(base_url, media=True)
    return Assets(base_url)


def install_static(static_dir: str | os.PathLike[str] | None = None) -> Path:
    """Copy the needed files of the installed packages and the plugin into `static_dir`
    (idempotent).

    Each package goes to a versioned folder, written to a temporary folder first and renamed into
    place, so concurrent app processes never serve a half-copied file. A `.gitignore` keeps the
    copies out of the repository."""
    root = Path(static_dir or STATIC_DIR)
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


def asset_files(static_dir: str | os.PathLike[str] | None = None) -> Iterable[Path]:
    """The installed copies, for checks."""
    root = Path(static_dir or STATIC_DIR)
    return [root / p.folder / f for p in PACKAGES for f in p.files]
