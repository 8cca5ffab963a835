"""One settings object: paths, cache folder, district, CRS and the fixed GeoPackage date.

Environment overrides are read here and nowhere else: `ATLAS_PATH`, `GAZETTEER_PATH`,
`JINGAN_ATLAS_CACHE` (and `XDG_CACHE_HOME`). `settings` is the live object; tests point it at
`tmp_path` with `settings.override(...)` or by monkeypatching its attributes (cf. `osmnx.settings`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cache_dir(env: Mapping[str, str]) -> Path:
    if env.get("JINGAN_ATLAS_CACHE"):
        return Path(env["JINGAN_ATLAS_CACHE"])
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jingan-atlas"


@dataclass
class Settings:
    """What a user may tune; every default path is inside the checkout."""

    root: Path = ROOT
    data_dir: Path = ROOT / "data"
    raw_dir: Path = ROOT / "data" / "raw"
    #: the built dataset: a GeoPackage path or a `postgresql://` URL
    atlas_path: str = str(ROOT / "data" / "atlas.gpkg")
    gazetteer_path: Path = ROOT / "data" / "gazetteer.gpkg"
    aliases_path: Path = ROOT / "data" / "aliases.csv"
    #: the open geodata the gazetteer is built from (not in the repository; `make gazetteer`)
    geodata_dir: Path = ROOT.parent / "shared" / "geodata"
    cache_dir: Path = field(default_factory=lambda: _cache_dir(os.environ))
    #: the district the atlas is about: reports of other districts are refused by default
    district: str = "静安区"
    #: the city the district belongs to: a name prefix that only says where (上海儿童艺术剧场)
    city: str = "上海市"
    #: stored data are WGS84; geometry work happens in this metric CRS (UTM 51N), projected once
    crs: str = "EPSG:4326"
    metric_crs: str = "EPSG:32651"
    #: the largest report file read (.txt/.docx/.pdf, CLI, build and page upload), in bytes
    max_report_bytes: int = 25 * 2**20
    #: a .docx is a ZIP: what its parts may inflate to (`extract.docx_package`), per part
    #: read, in all, and as a ratio of inflated to compressed bytes (a part over 1 MB)
    max_docx_part_bytes: int = 32 * 2**20
    max_docx_inflated_bytes: int = 40 * 2**20
    max_docx_ratio: int = 100
    #: GDAL's GeoPackage timestamp, fixed so that identical inputs give identical files
    gpkg_date: str = "2026-01-01T00:00:00Z"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Defaults with the environment's overrides applied."""
        env = os.environ if env is None else env
        return cls(cache_dir=_cache_dir(env)).with_env_paths(env)

    def with_env_paths(self, env: Mapping[str, str] | None = None) -> Settings:
        """A copy of these settings with the environment's `ATLAS_PATH` / `GAZETTEER_PATH`, when
        set, taking the place of theirs: what a long-running process (the page, re-run on every
        interaction) reads on each run, so both a changed environment and `settings.override`
        reach code imported long before."""
        env = os.environ if env is None else env
        out = replace(self)
        if env.get("ATLAS_PATH"):
            out.atlas_path = env["ATLAS_PATH"]
        if env.get("GAZETTEER_PATH"):
            out.gazetteer_path = Path(env["GAZETTEER_PATH"])
        return out

    @contextmanager
    def override(self, **changes: object) -> Iterator[Settings]:
        """Temporarily change some settings in place (tests, benchmarks)."""
        saved = replace(self)
        for key, value in changes.items():
            if key not in {f.name for f in fields(self)}:
                raise AttributeError(f"no setting {key!r}")
            setattr(self, key, value)
        try:
            yield self
        finally:
            for f in fields(self):
                setattr(self, f.name, getattr(saved, f.name))


#: the live settings of this process
settings = Settings.from_env()
