"""Build the atlas: extract every report, place each item, join it to 街道 and zones, write it.

`python -m geo build` runs four stages, timed separately (`BuildTimings`, read by bench/):

1. extract — `extract.read_report` + `extract.extract_report` on every `*.txt`, `*.docx` and
   `*.pdf` of the raw dir (the text read from a .docx/.pdf is written to `out/text/`);
2. geocode — each item gets the shape natural to its kind (`geo.pipeline.place.locate_items`);
3. join — `subdistrict` and `zone` from spatial joins on representative points (`geo.join`),
   so "in zone X" means *lies in* X whatever the text says;
4. write — `data/atlas.gpkg` (layers items, subdistricts, zones, district) and
   `data/atlas.geojson`, byte-identical for identical inputs.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from atlas.errors import DataError
from atlas.settings import settings
from extract import FIELDS, ReportMeta, load_metadata, report_paths
from extract.documents import DOCUMENT_FORMATS
from extract.segment import paragraph_opening
from geo.gazetteer.build import Gazetteer
from geo.geocode.protocols import GazetteerSource, Geocoder
from geo.io.export import ExportError, write_geojson, write_gpkg_layers
from geo.pipeline.fourbounds import BoundaryEvidence
from geo.pipeline.place import (
    AREAS,
    BOUNDARY_METHOD,
    Located,
    Placement,
    in_a_subdistrict,
    locate_items,
    place_items,
)
from geo.schema import ATLAS_LAYERS, SORT_COLUMNS, conform_items
from geo.threads.links import link_threads, thread_table

log = logging.getLogger(__name__)

ATLAS_GPKG = "atlas.gpkg"
ATLAS_GEOJSON = "atlas.geojson"
#: Folder of `out_dir` holding the text read from each .docx/.pdf report (`<file>.txt`).
TEXT_DIR = "text"

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


@dataclass(frozen=True)
class Extracted:
    """What stage 1 hands on: one row per item (`items`: the `Item` fields plus `doc_title`
    and the private `_paragraph` placement reads), the text read from each .docx/.pdf report
    (`texts`, file name → text: what its quotes and offsets refer to) and the reports that gave
    no item, with why (`empty`, kept only with `allow_empty`)."""

    items: pd.DataFrame
    texts: dict[str, str] = field(default_factory=dict)
    empty: tuple[str, ...] = ()
    #: `reports.csv`, read once for the whole build
    metadata: dict[str, ReportMeta] = field(default_factory=dict)


def report_rows(report: Any) -> list[dict[str, Any]]:
    """The items of one `extract.Report` as rows (the `Item` fields plus `doc_title`; the
    `address` column holds `Item.address`, the `extract.address.ParsedAddress` of the
    location, for placement; the atlas has no such column)."""
    from extract import extract_report

    title = getattr(report.meta, "title", None) or report.path.stem
    rows = []
    for item in extract_report(report):
        row = item.to_dict()
        row["address"] = item.address  # the typed parse, which placement hands the geocoder
        row["doc_title"] = title
        # its paragraph's opening sentence: the item's second context (`geo.geocode.context`)
        row["_paragraph"] = paragraph_opening(report.text, item.start, item.end)
        rows.append(row)
    return rows


def items_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[*ITEM_FIELDS, "doc_title", "_paragraph"])


def extract_items(
    raw_dir: str | os.PathLike[str],
    metadata: dict[str, ReportMeta] | None = None,
    allow_empty: bool = False,
) -> Extracted:
    """The items of every report of `raw_dir` (`extract.report_paths`), with the texts read.

    A report that cannot be read stops the build (`BuildError`): an atlas silently missing a
    report is worse than no new atlas. So does a report that gives no item at all (another
    district's, a garbled or empty one), unless `allow_empty`: then its name and why are kept in
    `Extracted.empty` for the CLI to print. `metadata` is `raw_dir/reports.csv` as
    `extract.load_metadata` reads it (read here when not given), read once for every report."""
    if not Path(raw_dir).is_dir():
        raise BuildError(f"no reports (*.txt, *.docx, *.pdf) in {raw_dir}: not a directory")
    paths = report_paths(raw_dir)
    if not paths:
        raise BuildError(f"no reports (*.txt, *.docx, *.pdf) in {raw_dir}")
    from extract import ReportError, read_report

    known = load_metadata(Path(raw_dir)) if metadata is None else metadata
    rows: list[dict[str, Any]] = []
    texts: dict[str, str] = {}
    empty: list[str] = []
    for path in paths:
        try:
            report = read_report(path, known)
        except ReportError as exc:
            raise BuildError(str(exc)) from exc
        if report.encoding in DOCUMENT_FORMATS:
            texts[path.name] = report.text
        found = report_rows(report)
        if not found:
            empty.append(f"{path.name} ({_why_empty(report)})")
        rows.extend(found)
    if empty and not allow_empty:
        raise BuildError(
            f"{len(empty)} report(s) gave no items: {'; '.join(empty)}; "
            "fix or remove them, or build without them with --allow-empty"
        )
    return Extracted(items_frame(rows), texts, tuple(empty), known)


def _why_empty(report: Any) -> str:
    """Why a report may have given nothing, as far as the extractor can tell."""
    from extract import other_district

    issuer = other_district(report)
    if issuer:
        return f"issued by {issuer}"
    if report.encoding not in ("utf-8", "utf-8-sig", *DOCUMENT_FORMATS):
        return f"read as {report.encoding}"
    return "no item found in its text"


# --------------------------------------------------------------------------- stage 2: geocode


def default_geocoder(gazetteer: GazetteerSource) -> Geocoder:
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
    return gpd.GeoDataFrame(rows, geometry=areas.geometry.to_numpy(), crs=settings.crs).reset_index(
        drop=True
    )


def atlas_zones(zones: gpd.GeoDataFrame, items: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The gazetteer zones followed by the zones described by 四至 in the reports."""
    extra = described_zones(items, zones)
    if extra.empty:
        return zones.reset_index(drop=True)
    combined = pd.concat([zones.to_crs(settings.crs), extra], ignore_index=True)
    return gpd.GeoDataFrame(combined, geometry=combined.geometry.name, crs=settings.crs)


def join_items(
    items: gpd.GeoDataFrame,
    subdistricts: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    placements: Sequence[Placement] | None = None,
) -> gpd.GeoDataFrame:
    """`items` with `subdistrict` and `zone` (`;`-joined) from spatial joins on located rows.

    A line or area lies in every 街道 it substantially overlaps (`geo.join.
    subdistricts_overlapping`). Items placed only at the district (precision 4) get neither;
    items whose point stands for "somewhere in" an answer (an estimate, a 街道, a zone: their
    `Placement.own_shape` is False; `placements` aligned with the rows, none = every item is
    its own shape) take the geocoder's 街道 and zones, set only when the whole answer lies in
    them."""
    from geo.join import subdistricts_overlapping, zone_of

    out = items.copy()
    located = in_a_subdistrict(out)
    subdistrict: list[str | None] = [None] * len(out)
    zone: list[str | None] = [None] * len(out)
    placed = list(placements) if placements is not None else [Placement()] * len(out)
    if located.any():
        geoms = out.geometry[located]
        positions = located.to_numpy().nonzero()[0]
        for pos, sub, zon in zip(
            positions,
            _as_names(subdistricts_overlapping(geoms, subdistricts)),
            _as_names(zone_of(geoms, zones)),
            strict=True,
        ):
            # an estimate, a 街道 or a zone answer: the geocoder's 街道 (set only when the
            # whole answer lies in one), never the one its point happens to fall in
            if not placed[pos].own_shape:
                hint, zone_hint = placed[pos].subdistrict, placed[pos].zone
                sub = hint if isinstance(hint, str) else None
                zon = zone_hint if isinstance(zone_hint, str) else None
            subdistrict[pos], zone[pos] = sub, zon
    out["subdistrict"] = pd.Series(subdistrict, index=out.index, dtype=object)
    out["zone"] = pd.Series(zone, index=out.index, dtype=object)
    return out


@dataclass(frozen=True)
class PlacingLayers:
    """What items are placed and joined against: the roads and outline (placement), the 街道
    and zones (joins)."""

    roads: gpd.GeoDataFrame
    district: gpd.GeoDataFrame
    subdistricts: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    #: bus-stop crossings and 街道 that check 四至 (`geo.pipeline.fourbounds`)
    evidence: BoundaryEvidence | None = None


def place_and_join(
    frame: pd.DataFrame,
    geocoder: Geocoder,
    layers: PlacingLayers,
    timings: BuildTimings,
    *,
    draw_zones: bool = False,
    progress: Callable[[str, float], None] | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Stages 2 and 3 for extracted items, shared by the build and by uploads: place them
    (timed `geocode`), then join them to the 街道 and zones and finish them (timed `join`).
    With `draw_zones` (the build) the zones drawn from the items' 四至 join `layers.zones`
    first; an upload joins against the atlas's zones, which have them. Returns the finished
    items and the zones they were joined against."""
    note = progress or (lambda stage, done: None)
    note("geocode", 0.4)
    with timed(timings, "geocode"):
        located = place_items(frame, layers.roads, geocoder, layers.district, layers.evidence)
    note("join", 0.8)
    with timed(timings, "join"):
        zones = atlas_zones(layers.zones, located.items) if draw_zones else layers.zones
        joined = join_items(located.items, layers.subdistricts, zones, located.placements)
        items = finish_items(joined)
    return items, zones


def _as_names(values: Any) -> list[str | None]:
    """Join results (aligned with their input) as a list, empty strings and NaN as None."""
    return [v if isinstance(v, str) and v else None for v in list(values)]


# --------------------------------------------------------------------------- orchestration


def _layer(gazetteer: GazetteerSource, name: str) -> gpd.GeoDataFrame:
    layer = gazetteer[name] if isinstance(gazetteer, Mapping) else getattr(gazetteer, name)
    return layer.to_crs(settings.crs) if layer.crs is not None else layer.set_crs(settings.crs)


def _optional_layer(gazetteer: Any, name: str) -> gpd.GeoDataFrame | None:
    """A layer an older gazetteer may lack (None then)."""
    layer = (
        gazetteer.get(name) if isinstance(gazetteer, Mapping) else getattr(gazetteer, name, None)
    )
    if layer is None or not len(layer):
        return None
    return layer.to_crs(settings.crs) if layer.crs is not None else layer.set_crs(settings.crs)


def unique_ids(ids: pd.Series) -> pd.Series:
    """Ids as given; a repeated id (an extractor bug) gets `-2`, `-3` … in row order, logged."""
    counts = ids.groupby(ids).cumcount()
    if (counts > 0).any():
        log.warning("duplicate item ids: %s", sorted(set(ids[counts > 0])))
    return ids.where(counts == 0, ids + "-" + (counts + 1).astype(str))


def finish_items(joined: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows ordered by doc, start, id; ids made unique; exactly the schema's columns."""
    joined = joined.sort_values(list(SORT_COLUMNS), kind="stable").reset_index(drop=True)
    joined["id"] = unique_ids(joined["id"].astype(str))
    return conform_items(joined)


def build_atlas(
    raw_dir: str | os.PathLike[str],
    gazetteer: GazetteerSource | str | os.PathLike[str],
    geocoder: Geocoder | None = None,
    timings: BuildTimings | None = None,
    allow_empty: bool = False,
    *,
    extracted: Extracted | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """The atlas layers (items, subdistricts, zones, district, threads) from the reports of
    `raw_dir`.

    `gazetteer` is a `geo.gazetteer.build.Gazetteer` (or a mapping of its layers, or a path to
    `gazetteer.gpkg`); `geocoder` defaults to `AtlasGeocoder` over it. Pure apart from reading
    the reports (and the gazetteer, when a path is given). Stage times are added to
    `timings` when given; a report giving no items stops the build unless `allow_empty`
    (`extract_items`). `extracted`: stage 1 already run (`run_build`, which keeps its texts),
    so the reports are not read again."""
    timings = timings if timings is not None else BuildTimings()
    if isinstance(gazetteer, (str, os.PathLike)) and not Path(gazetteer).is_file():
        raise BuildError(f"gazetteer {gazetteer} not found (build it: `python -m geo gazetteer`)")
    if extracted is None:
        with timed(timings, "extract"):
            metadata = load_metadata(Path(raw_dir))  # reports.csv, read once for the whole build
            extracted = extract_items(raw_dir, metadata, allow_empty)
    items = extracted.items
    with timed(timings, "geocode"):
        if isinstance(gazetteer, (str, os.PathLike)):
            gazetteer = load_gazetteer_file(gazetteer)
        geocoder = geocoder if geocoder is not None else default_geocoder(gazetteer)
    subdistricts = _layer(gazetteer, "subdistricts").reset_index(drop=True)
    layers = PlacingLayers(
        _layer(gazetteer, "roads"),
        _layer(gazetteer, "district"),
        subdistricts,
        _layer(gazetteer, "zones"),
        BoundaryEvidence(_optional_layer(gazetteer, "crossings"), subdistricts),
    )
    joined, zones = place_and_join(items, geocoder, layers, timings, draw_zones=True)
    with timed(timings, "join"):
        published = publication_dates(raw_dir, extracted.metadata)
        joined = link_threads(joined, published)  # issue 12: threads and outcomes
    return {
        "items": joined,
        "subdistricts": subdistricts,
        "zones": zones,
        "district": _layer(gazetteer, "district").reset_index(drop=True),
        **reference_layers(gazetteer),
        "threads": thread_table(joined, published),
    }


def reference_layers(gazetteer: GazetteerSource) -> dict[str, gpd.GeoDataFrame]:
    """The reference layers the page draws from the atlas (it never reads the gazetteer):
    `roads`, the road lines cut to the district, and `water`, the rivers and creeks."""
    from geo.gazetteer.roads import in_district_lines

    district = _layer(gazetteer, "district")
    outline = shapely.union_all(district.geometry.to_numpy()) if len(district) else None
    roads = _layer(gazetteer, "roads")
    columns = ["name", "aliases", "kind", "source", "licence"]
    roads = roads[[c for c in columns if c in roads] + [roads.geometry.name]]
    if outline is not None and len(roads):
        roads = in_district_lines(roads, outline)
    try:
        water = _layer(gazetteer, "water")
    except (KeyError, AttributeError):
        water = gpd.GeoDataFrame({"name": []}, geometry=[], crs=settings.crs)
    if outline is not None and len(water):
        water = water[water.intersects(outline)]
    return {"roads": roads.reset_index(drop=True), "water": water.reset_index(drop=True)}


def publication_dates(
    raw_dir: str | os.PathLike[str], metadata: dict[str, ReportMeta] | None = None
) -> dict[str, str]:
    """Each report's publication date (reports.csv `delivered`, else from its file name): the
    order in which `geo.threads.links` reads what became of a plan."""
    from extract.meta import metadata_for

    known = load_metadata(Path(raw_dir)) if metadata is None else metadata
    return {p.name: metadata_for(p.name, "", known).delivered for p in report_paths(raw_dir)}


def load_gazetteer_file(path: str | os.PathLike[str]) -> Gazetteer:
    """`geo.gazetteer.load_gazetteer(path)`, with a one-line error when the file is missing."""
    from geo.gazetteer.build import load_gazetteer

    if not Path(path).is_file():
        raise BuildError(f"gazetteer {path} not found (build it: `python -m geo gazetteer`)")
    try:
        return load_gazetteer(Path(path))
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        reason = " ".join(str(exc).split())
        raise BuildError(f"cannot read gazetteer {path}: {reason}") from exc


def write_atlas(
    layers: Mapping[str, gpd.GeoDataFrame],
    gpkg_path: str | os.PathLike[str],
    geojson_path: str | os.PathLike[str] | None = None,
) -> None:
    """Write the layers to one GeoPackage and the items to GeoJSON, each atomically."""
    write_gpkg_layers({name: layers[name] for name in ATLAS_LAYERS if name in layers}, gpkg_path)
    if geojson_path is not None:
        write_geojson(layers["items"], geojson_path)


@dataclass
class BuildResult:
    """What `run_build` made: the layers, the stage times, the files written and the reports
    that gave no item (with why; only with `allow_empty`), for the CLI to name."""

    layers: dict[str, gpd.GeoDataFrame]
    timings: BuildTimings
    paths: list[Path] = field(default_factory=list)
    empty: tuple[str, ...] = ()


def run_build(
    raw_dir: str | os.PathLike[str] | None = None,
    gazetteer: GazetteerSource | str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    geocoder: Geocoder | None = None,
    allow_empty: bool = False,
) -> BuildResult:
    """`build_atlas` then `write_atlas` into `out_dir`, every stage timed (what the CLI runs).

    Defaults come from `atlas.settings` when called (`raw_dir`, `gazetteer_path`, `data_dir`)."""
    raw_dir = settings.raw_dir if raw_dir is None else raw_dir
    gazetteer = settings.gazetteer_path if gazetteer is None else gazetteer
    out_dir = settings.data_dir if out_dir is None else out_dir
    timings = BuildTimings()
    with timed(timings, "extract"):
        extracted = extract_items(raw_dir, load_metadata(Path(raw_dir)), allow_empty)
    layers = build_atlas(raw_dir, gazetteer, geocoder, timings, allow_empty, extracted=extracted)
    paths = [Path(out_dir) / ATLAS_GPKG, Path(out_dir) / ATLAS_GEOJSON]
    with timed(timings, "write"):
        write_atlas(layers, *paths)
        paths += write_texts(extracted.texts, Path(out_dir) / TEXT_DIR)
    return BuildResult(layers, timings, paths, extracted.empty)


def write_texts(texts: Mapping[str, str], directory: Path) -> list[Path]:
    """The text read from each .docx/.pdf report as `directory/<file>.txt` (UTF-8), so that a
    user can read what was extracted and check `text[start:end] == quote`."""
    from geo.io.export import atomic_path

    written = []
    for name, text in sorted(texts.items()):
        path = directory / f"{name}.txt"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            with atomic_path(path) as tmp:
                tmp.write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
        written.append(path)
    return written


__all__ = [
    "BuildError",
    "BuildResult",
    "BuildTimings",
    "Extracted",
    "Located",
    "PlacingLayers",
    "atlas_zones",
    "build_atlas",
    "default_geocoder",
    "extract_items",
    "finish_items",
    "items_frame",
    "join_items",
    "load_gazetteer_file",
    "locate_items",
    "place_and_join",
    "place_items",
    "report_paths",
    "report_rows",
    "run_build",
    "write_atlas",
    "write_texts",
]
