"""Bring your own report: uploaded bytes → joined items, in memory (what the page's uploader runs).

The same stages as `geo.pipeline.build` — read (`extract.documents`: .txt, .docx, .pdf), extract,
geocode (`geo.pipeline.place.locate_items`), join
(`geo.pipeline.build.join_items` against the atlas's 街道 and
zones, so filters and "lies in" mean what they mean for the atlas) — on one file that never
touches the disk, with nothing written to the shared dataset. Each stage is timed
(`UploadTimings`, read by bench/upload_bench.py) and reported to an optional progress callback.

A report of another district is said to be one (`DistrictCheck`) rather than shown as an empty
map: its issuer comes from the extractor's district check (`extract.meta.issuing_district`; the
extractor then yields no items for it), and a report none of whose places lie in the district
is flagged too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd

from atlas.settings import settings
from extract.meta import issuing_district
from geo.geocode.protocols import GazetteerSource
from geo.io.sanity import MAX_NAME, clean_text, strip_bidi
from geo.pipeline.build import (
    BuildTimings,
    PlacingLayers,
    _layer,
    _optional_layer,
    default_geocoder,
    items_frame,
    load_gazetteer_file,
    place_and_join,
    report_rows,
    timed,
)
from geo.pipeline.fourbounds import BoundaryEvidence
from geo.pipeline.place import in_a_subdistrict

#: progress(stage, fraction done) — stage is "read", "extract", "geocode", "join" or "done".
Progress = Callable[[str, float], None]


@dataclass
class UploadTimings(BuildTimings):
    """Seconds per stage of one upload: `read` the document, then the build's stages."""

    read: float = 0.0

    @property
    def total(self) -> float:
        return self.read + self.extract + self.geocode + self.join + self.write

    def as_dict(self) -> dict[str, float]:
        stages = asdict(self)
        order = ("read", "extract", "geocode", "join")
        return {**{k: stages[k] for k in order}, "total": self.total}


@dataclass(frozen=True)
class UploadContext:
    """What an upload is placed against, loaded once per gazetteer/atlas version: the
    gazetteer's roads and outline (placement), the atlas's 街道 and zones (joins) and the
    geocoder (its index is built once and reused by every upload)."""

    roads: gpd.GeoDataFrame
    district: gpd.GeoDataFrame
    subdistricts: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    geocoder: Any
    evidence: BoundaryEvidence | None = None

    @classmethod
    def load(
        cls,
        gazetteer: GazetteerSource | str | os.PathLike[str] | None = None,
        atlas: Mapping[str, gpd.GeoDataFrame] | None = None,
        geocoder: Any = None,
    ) -> UploadContext:
        """`gazetteer`: a path (default `settings.gazetteer_path`), a `Gazetteer` or a mapping
        of its layers; `atlas`: the atlas layers (their `subdistricts` and `zones`, which include
        the zones drawn from 四至) — the gazetteer's own when absent."""
        if gazetteer is None:
            gazetteer = settings.gazetteer_path
        if isinstance(gazetteer, (str, os.PathLike)):
            gazetteer = load_gazetteer_file(gazetteer)
        joins = atlas if atlas is not None else {}
        return cls(
            roads=_layer(gazetteer, "roads"),
            district=_layer(gazetteer, "district"),
            subdistricts=joins.get("subdistricts", _layer(gazetteer, "subdistricts")),
            zones=joins.get("zones", _layer(gazetteer, "zones")),
            geocoder=geocoder if geocoder is not None else default_geocoder(gazetteer),
            evidence=BoundaryEvidence(
                _optional_layer(gazetteer, "crossings"), _layer(gazetteer, "subdistricts")
            ),
        )


@dataclass(frozen=True)
class DistrictCheck:
    """Whether the report is one of the atlas's district; `message` says so plainly if not."""

    expected: str
    issued_by: str | None
    located: int
    items: int

    @property
    def other_district(self) -> bool:
        return self.issued_by is not None and self.issued_by != self.expected

    @property
    def ok(self) -> bool:
        return not self.other_district and not (self.items and not self.located)

    @property
    def message(self) -> str:
        if self.other_district:
            return (
                f"This report was issued by {self.issued_by}, not {self.expected}: its places "
                f"are not in the atlas's district, so none is drawn."
            )
        if self.items and not self.located:
            return (
                f"None of its {self.items} items could be placed in {self.expected}: is it a "
                "report of another district?"
            )
        return ""


@dataclass(frozen=True)
class UploadResult:
    """One uploaded report: its items (the atlas schema, in memory) and what was read."""

    name: str
    title: str
    text: str
    format: str
    items: gpd.GeoDataFrame
    district: DistrictCheck
    timings: UploadTimings = field(compare=False)

    @property
    def label(self) -> str:
        """The map layer's name."""
        return f"your report: {self.title}"

    @property
    def drawable(self) -> gpd.GeoDataFrame:
        """The items to draw: none for a report of another district."""
        return self.items.iloc[0:0] if self.district.other_district else self.items


def upload_report(
    data: bytes,
    name: str,
    context: UploadContext,
    *,
    progress: Progress | None = None,
) -> UploadResult:
    """Read, extract, geocode and join one uploaded report (pure: nothing is written).

    Raises `extract.ReportError` (one line naming the file) for a file that cannot be read."""
    from extract import report_from_bytes

    note = progress or (lambda stage, done: None)
    timings = UploadTimings()
    note("read", 0.0)
    with timed(timings, "read"):
        report = report_from_bytes(data, Path(name).name, {})
    note("extract", 0.2)
    with timed(timings, "extract"):
        rows = report_rows(report)
        frame = items_frame(rows)
    layers = PlacingLayers(
        context.roads, context.district, context.subdistricts, context.zones, context.evidence
    )
    items, _ = place_and_join(frame, context.geocoder, layers, timings, progress=note)
    items, _ = clean_text(items, "items")  # shown as the atlas is: no bidi, bounded
    note("done", 1.0)
    placed = in_a_subdistrict(items)
    issuer = issuing_district(report.text, report.meta.issuing_body)
    check = DistrictCheck(settings.district, issuer, int(placed.sum()), len(items))
    title = strip_bidi(report.meta.title or Path(name).stem)[:MAX_NAME]
    return UploadResult(Path(name).name, title, report.text, report.encoding, items, check, timings)


__all__ = [
    "DistrictCheck",
    "UploadContext",
    "UploadResult",
    "UploadTimings",
    "upload_report",
]
