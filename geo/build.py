"""Build the atlas: extract every report, place each item, join it to 街道 and zones, write it.

`python -m geo build` runs four stages, timed separately (`BuildTimings`, read by bench/):

1. extract — `extract.read_report` + `extract.extract_report` on every `*.txt` of the raw dir;
2. geocode — each item gets the shape natural to its kind (`geo.place.locate_items`);
3. join — `subdistrict` and `zone` from spatial joins on representative points (`geo.join`),
   so "in zone X" means *lies in* X whatever the text says;
4. write — `data/atlas.gpkg` (layers items, subdistricts, zones, district) and
   `data/atlas.geojson`, byte-identical for identical inputs.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from atlas.errors import DataError
from atlas.settings import settings
from extract import FIELDS
from geo.export import write_geojson, write_gpkg_layers
from geo.place import AREAS, BOUNDARY_METHOD, DISTRICT_PRECISION, locate_items
from geo.protocols import Geocoder
from geo.schema import CRS, SORT_COLUMNS, conform_items

log = logging.getLogger(__name__)

ATLAS_GPKG = "atlas.gpkg"
ATLAS_GEOJSON = "atlas.geojson"

#: Fields of `extract.Item`, in its order (the contract in docs/ARCHITECTURE.md).
ITEM_FIELDS: tuple[str, ...] = tuple(FIELDS)


class BuildError(DataError):
    """The build cannot proceed (a report or the gazetteer cannot be read); one line."""


# --------------------------------------------------------------------------- timings


@dataclass
class BuildTimings:
    """Wall-clock seconds per build stage (the benchmark reports each)."""

    extract: float = 0.0
    geocode: float = 0.0
    join: float = 0.0
    write: float = 0.0

    @property
    def total(self) -> float:
        return self.extract + self.geocode + self.join + self.write

    def as_dict(self) -> dict[str, float]:
        """Seconds per stage, in stage order, then `total`."""
        return {**asdict(self), "total": self.total}

    def __str__(self) -> str:
        return ", ".join(f"{k} {v:.3f} s" for k, v in self.as_dict().items())


@contextmanager
def timed(timings: BuildTimings, stage: str) -> Iterator[None]:
    """Add the block's wall-clock time to `timings.<stage>`."""
    start = time.perf_counter()
    try:
        yield
    finally:
        setattr(timings, stage, getattr(timings, stage) + time.perf_counter() - start)


# --------------------------------------------------------------------------- stage 1: extract


def report_paths(raw_dir: str | os.PathLike) -> list[Path]:
    """The reports of `raw_dir` (`*.txt`), in name order so the build is reproducible."""
    return sorted(Path(raw_dir).glob("*.txt"))


def extract_items(raw_dir: str | os.PathLike) -> pd.DataFrame:
    """One row per extracted item (the `Item` fields plus `doc_title`), every report of `raw_dir`.

    A report that cannot be read stops the build (`BuildError`): an atlas silently missing a
    report is worse than no new atlas."""
    paths = report_paths(raw_dir)
    if not paths:
        raise BuildError(f"no reports (*.txt) in {raw_dir}")
    from extract import ReportError, extract_report, read_report

    rows: list[dict[str, Any]] = []
    for path in paths:
        try:
            report = read_report(path)
        except ReportError as exc:
            raise BuildError(str(exc)) from exc
        title = getattr(report.meta, "title", None) or path.stem
        for item in extract_report(report):
            row = item.to_dict()
            row["doc_title"] = title
            rows.append(row)
    return pd.DataFrame(rows, columns=[*ITEM_FIELDS, "doc_title"])


# --------------------------------------------------------------------------- stage 2: geocode


def default_geocoder(gazetteer: Any) -> Geocoder:
    """The offline `geo.geocode.AtlasGeocoder` over `gazetteer`."""
    from geo.geocode import AtlasGeocoder

    return AtlasGeocoder(gazetteer)


# --------------------------------------------------------------------------- stage 3: join


def described_zones(items: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Zone and 美丽街区 polygons drawn from a complete 四至 (precision 1), as rows of the zones
    layer (issue 7: they take part in the zone filter and joins like any other zone). Estimates
    (precision 5, a side missing) stay items but define no zone: "lies in" needs a real edge.
    One row per name not already a gazetteer zone name or alias, the first in row order."""
    known = set(zones["name"].dropna())
    for aliases in zones.get("aliases", pd.Series(dtype=object)).dropna():
        known.update(a for a in str(aliases).split("|") if a)
    areas = items[
        (items["method"] == BOUNDARY_METHOD)
        & (items["precision"] == 1)
        & items["kind"].isin(["zone", "beautiful_block"])
        & items.geometry.geom_type.isin(list(AREAS))
        & ~items["name"].isin(known)
    ]
    areas = areas.drop_duplicates("name")
    rows = pd.DataFrame(
        {
            "name": areas["name"],
            "aliases": "",
            "kind": areas["kind"],
            "source": areas["doc"] + " (四至)",
            "licence": "government report (public document)",
            "derivation": "polygon enclosed by the gazetteer roads of its 四至 "
            + areas["boundary"].fillna(""),
            "justification": areas["quote"],
        }
    )
    return gpd.GeoDataFrame(rows, geometry=areas.geometry.to_numpy(), crs=CRS).reset_index(
        drop=True
    )


def atlas_zones(zones: gpd.GeoDataFrame, items: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The gazetteer zones followed by the zones described by 四至 in the reports."""
    extra = described_zones(items, zones)
    if extra.empty:
        return zones.reset_index(drop=True)
    combined = pd.concat([zones.to_crs(CRS), extra], ignore_index=True)
    return gpd.GeoDataFrame(combined, geometry=combined.geometry.name, crs=CRS)


def join_items(
    items: gpd.GeoDataFrame, subdistricts: gpd.GeoDataFrame, zones: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """`items` with `subdistrict` and `zone` (`;`-joined) from spatial joins on located rows.

    Items placed only at the district (precision 4) get neither: their point is the district's,
    so the 街道 it happens to fall in says nothing about the item."""
    from geo.join import subdistrict_of, zone_of

    out = items.copy()
    located = ~(out.geometry.isna() | out.geometry.is_empty)
    located &= (out["precision"] != DISTRICT_PRECISION).fillna(True).astype(bool)
    subdistrict: list[str | None] = [None] * len(out)
    zone: list[str | None] = [None] * len(out)
    if located.any():
        geoms = out.geometry[located]
        positions = located.to_numpy().nonzero()[0]
        for pos, sub, zon in zip(
            positions,
            _as_names(subdistrict_of(geoms, subdistricts)),
            _as_names(zone_of(geoms, zones)),
            strict=True,
        ):
            subdistrict[pos], zone[pos] = sub, zon
    out["subdistrict"] = pd.Series(subdistrict, index=out.index, dtype=object)
    out["zone"] = pd.Series(zone, index=out.index, dtype=object)
    return out


def _as_names(values: Any) -> list[str | None]:
    """Join results (aligned with their input) as a list, empty strings and NaN as None."""
    return [v if isinstance(v, str) and v else None for v in list(values)]


# --------------------------------------------------------------------------- orchestration


def _layer(gazetteer: Any, name: str) -> gpd.GeoDataFrame:
    layer = gazetteer[name] if isinstance(gazetteer, Mapping) else getattr(gazetteer, name)
    return layer.to_crs(CRS) if layer.crs is not None else layer.set_crs(CRS)


def unique_ids(ids: pd.Series) -> pd.Series:
    """Ids as given; a repeated id (an extractor bug) gets `-2`, `-3` … in row order, logged."""
    counts = ids.groupby(ids).cumcount()
    if (counts > 0).any():
        log.warning("duplicate item ids: %s", sorted(set(ids[counts > 0])))
    return ids.where(counts == 0, ids + "-" + (counts + 1).astype(str))


def build_atlas(
    raw_dir: str | os.PathLike,
    gazetteer: Any,
    geocoder: Geocoder | None = None,
    timings: BuildTimings | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """The atlas layers (items, subdistricts, zones, district) from the reports of `raw_dir`.

    `gazetteer` is a `geo.gazetteer.Gazetteer` (or a mapping of its layers, or a path to
    `gazetteer.gpkg`); `geocoder` defaults to `AtlasGeocoder` over it. Pure apart from reading
    the reports (and the gazetteer, when a path is given). Stage times are added to
    `timings` when given."""
    timings = timings if timings is not None else BuildTimings()
    if isinstance(gazetteer, (str, os.PathLike)) and not Path(gazetteer).is_file():
        raise BuildError(f"gazetteer {gazetteer} not found (build it: `python -m geo gazetteer`)")
    with timed(timings, "extract"):
        items = extract_items(raw_dir)
    with timed(timings, "geocode"):
        if isinstance(gazetteer, (str, os.PathLike)):
            gazetteer = load_gazetteer_file(gazetteer)
        geocoder = geocoder if geocoder is not None else default_geocoder(gazetteer)
        located = locate_items(
            items, _layer(gazetteer, "roads"), geocoder, _layer(gazetteer, "district")
        )
    with timed(timings, "join"):
        zones = atlas_zones(_layer(gazetteer, "zones"), located)
        subdistricts = _layer(gazetteer, "subdistricts").reset_index(drop=True)
        joined = join_items(located, subdistricts, zones)
        joined = joined.sort_values(list(SORT_COLUMNS), kind="stable").reset_index(drop=True)
        joined["id"] = unique_ids(joined["id"].astype(str))
    return {
        "items": conform_items(joined),
        "subdistricts": subdistricts,
        "zones": zones,
        "district": _layer(gazetteer, "district").reset_index(drop=True),
    }


def load_gazetteer_file(path: str | os.PathLike) -> Any:
    """`geo.gazetteer.load_gazetteer(path)`, with a one-line error when the file is missing."""
    from geo.gazetteer import load_gazetteer

    if not Path(path).is_file():
        raise BuildError(f"gazetteer {path} not found (build it: `python -m geo gazetteer`)")
    try:
        return load_gazetteer(Path(path))
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        reason = " ".join(str(exc).split())
        raise BuildError(f"cannot read gazetteer {path}: {reason}") from exc


def write_atlas(
    layers: Mapping[str, gpd.GeoDataFrame],
    gpkg_path: str | os.PathLike,
    geojson_path: str | os.PathLike | None = None,
) -> None:
    """Write the layers to one GeoPackage and the items to GeoJSON, each atomically."""
    write_gpkg_layers(
        {name: layers[name] for name in ("items", "subdistricts", "zones", "district")}, gpkg_path
    )
    if geojson_path is not None:
        write_geojson(layers["items"], geojson_path)


@dataclass
class BuildResult:
    layers: dict[str, gpd.GeoDataFrame]
    timings: BuildTimings
    paths: list[Path] = field(default_factory=list)


def run_build(
    raw_dir: str | os.PathLike | None = None,
    gazetteer: Any = None,
    out_dir: str | os.PathLike | None = None,
    geocoder: Geocoder | None = None,
) -> BuildResult:
    """`build_atlas` then `write_atlas` into `out_dir`, every stage timed (what the CLI runs).

    Defaults come from `atlas.settings` when called (`raw_dir`, `gazetteer_path`, `data_dir`)."""
    raw_dir = settings.raw_dir if raw_dir is None else raw_dir
    gazetteer = settings.gazetteer_path if gazetteer is None else gazetteer
    out_dir = settings.data_dir if out_dir is None else out_dir
    timings = BuildTimings()
    layers = build_atlas(raw_dir, gazetteer, geocoder, timings)
    paths = [Path(out_dir) / ATLAS_GPKG, Path(out_dir) / ATLAS_GEOJSON]
    with timed(timings, "write"):
        write_atlas(layers, *paths)
    return BuildResult(layers, timings, paths)


def describe(items: gpd.GeoDataFrame) -> str:
    """A one-paragraph account of the build: counts by kind, located and by precision."""
    located = ~(items.geometry.isna() | items.geometry.is_empty)
    kinds = ", ".join(f"{k} {n}" for k, n in items["kind"].value_counts().sort_index().items())
    precision = ", ".join(
        f"{int(p)}: {n}" for p, n in items["precision"].value_counts().sort_index().items()
    )
    return (
        f"{len(items)} items ({kinds}); located {int(located.sum())}, "
        f"unlocated {int((~located).sum())}; by precision {precision}"
    )


# --------------------------------------------------------------------------- CLI


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw", default=None, help="directory of the reports (data/raw)")
    parser.add_argument("--gazetteer", default=None, help="gazetteer.gpkg (data/)")
    parser.add_argument("--out", default=None, help="directory for atlas.gpkg/.geojson (data/)")


def main(args: argparse.Namespace) -> int:
    """Build and write the atlas; errors are raised (`atlas.cli.run` prints them)."""
    result = run_build(args.raw, args.gazetteer, args.out)
    print(describe(result.layers["items"]), file=sys.stderr)
    print(f"timings: {result.timings}", file=sys.stderr)
    print("wrote " + ", ".join(str(p) for p in result.paths), file=sys.stderr)
    return 0


__all__ = [
    "BuildError",
    "BuildResult",
    "BuildTimings",
    "atlas_zones",
    "build_atlas",
    "default_geocoder",
    "extract_items",
    "join_items",
    "load_gazetteer_file",
    "locate_items",
    "run_build",
    "write_atlas",
]
