"""What an atlas read from a file or a database may hold before anything uses it.

An atlas is data from outside: a GeoPackage someone sent, a PostGIS schema someone published.
`read_atlas` passes every layer through `sanitise` once, so that the page, the exports, the
summary and the tracker never meet:

- coordinates that are not numbers a map can draw (±inf, NaN, 1e308, outside ±180°/±90°):
  the geometry is dropped (the row stays, unlocated: nothing else is lost) and a note names
  the rows;
- coordinates that are plainly not in the declared CRS (degrees labelled EPSG:3857, drawn
  near 0°, 0°): the atlas's district (or, without one, most of its items) is checked against
  the district's box in the gazetteer, and an atlas that lies elsewhere is refused;
- text made to mislead or to stall: bidirectional controls (U+202A–202E, U+2066–2069, which
  flip the text around them in a popup) are removed, and names longer than `MAX_NAME`
  characters (other text longer than `MAX_TEXT`) are cut, so no later stage works on a
  100,000-character "name".

Notes come with the layers (`AtlasLayers.notes`, not a frame's `attrs`) as `Note`s: a stable
`code` (`NOTE_CODES`) with its parameters, so the page can say them in the reader's language;
`str(note)` (`notes_of`) is the one English line the CLI prints.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from atlas.errors import DataError
from atlas.settings import settings
from geo.schema import is_located

#: the longest name, location or label kept (real ones are under 30 characters)
MAX_NAME = 200
#: the longest value of any other text column (quotes, sources, derivations …)
MAX_TEXT = 10_000
NAME_COLUMNS = frozenset({"name", "location", "label", "doc_title", "title", "aliases"})
#: embedding, override and isolate controls: they reorder the text shown around them
BIDI_CHARS = "".join(map(chr, (*range(0x202A, 0x202F), *range(0x2066, 0x206A))))
BIDI_CONTROLS = re.compile(f"[{BIDI_CHARS}]")
#: a district further than this (degrees, ~20 km) outside the gazetteer's is elsewhere
MARGIN_DEG = 0.2
_SHOWN = 5
#: every kind of note `sanitise` emits (the page has a word for each, in each language)
NOTE_CODES = ("cut", "bidi", "unlocated")


@dataclass(frozen=True)
class Note:
    """One thing `sanitise` changed: `code` (one of `NOTE_CODES`) in `layer` of the atlas
    `atlas`, `count` rows (of `column`; `limit` for "cut"), the first few `named` and how many
    `more` were not."""

    code: str
    atlas: str
    layer: str
    count: int
    named: tuple[str, ...]
    more: int = 0
    column: str = ""
    limit: int = 0

    def rows(self, more: str = "{more} more") -> str:
        """The named rows, "and N more" (`more` is the template of the rest)."""
        rest = f" and {more.format(more=self.more)}" if self.more > 0 else ""
        return ", ".join(self.named) + rest

    def __str__(self) -> str:
        """The note in English, one line (the CLI's text)."""
        if self.code == "cut":
            what = f"{self.count} {self.column} value(s) longer than {self.limit:,} characters cut"
        elif self.code == "bidi":
            what = (
                f"bidirectional control characters removed from {self.count} {self.column} value(s)"
            )
        else:
            what = (
                f"{self.count} row(s) with coordinates that are not finite WGS84 degrees left"
                " unlocated"
            )
        return f"atlas {self.atlas}: {self.layer}: {what}: {self.rows()}"


def strip_bidi(text: str) -> str:
    """`text` without bidirectional embedding/override/isolate controls."""
    return BIDI_CONTROLS.sub("", text)


class AtlasLayers(dict[str, gpd.GeoDataFrame]):
    """An atlas's layers by name, with the `Note`s its reader left (`notes`): a dict, so every
    reader of layers takes it as it is, with the notes beside the layers rather than in a
    frame's `attrs` (which a copy or a derived frame may or may not carry)."""

    def __init__(
        self, layers: Mapping[str, gpd.GeoDataFrame] | None = None, notes: Sequence[Note] = ()
    ) -> None:
        super().__init__(layers or {})
        self.notes: tuple[Note, ...] = tuple(notes)


def notes_of(layers: Mapping[str, gpd.GeoDataFrame]) -> list[str]:
    """The notes `sanitise` left on an atlas's items, in English (empty for a clean atlas)."""
    return [str(note) for note in atlas_notes(layers)]


def atlas_notes(layers: Mapping[str, gpd.GeoDataFrame]) -> list[Note]:
    """The `Note`s `sanitise` left on an atlas (for the page to translate); none for layers
    that did not come through it."""
    return list(layers.notes) if isinstance(layers, AtlasLayers) else []


def keep_notes(
    checked: Mapping[str, gpd.GeoDataFrame], layers: Mapping[str, gpd.GeoDataFrame]
) -> AtlasLayers:
    """`layers` (derived from the `sanitise`d `checked`) with its notes carried over."""
    return AtlasLayers(layers, atlas_notes(checked))


def _named(gdf: pd.DataFrame, rows: np.ndarray) -> tuple[tuple[str, ...], int]:
    """The first few of `rows` as `id (name)`, and how many more, for a note."""
    picked = gdf[rows].head(_SHOWN)
    labels = []
    for _, row in picked.iterrows():
        key = row.get("id") if "id" in gdf.columns else None
        name = row.get("name") if "name" in gdf.columns else None
        name = strip_bidi(str(name))[:40] if isinstance(name, str) else None
        labels.append(" ".join(str(v) for v in (key, f"({name})" if name else None) if v))
    return tuple(labels), max(int(rows.sum()) - len(labels), 0)


def clean_text(
    gdf: gpd.GeoDataFrame, layer: str, where: str = ""
) -> tuple[gpd.GeoDataFrame, list[Note]]:
    """Text columns without bidi controls and within `MAX_NAME` / `MAX_TEXT`; notes."""
    notes: list[Note] = []
    out = gdf
    for column in gdf.columns:
        dtype = gdf[column].dtype  # text: object, or pandas 3's `str` (every layer but items)
        if column == gdf.geometry.name or not (
            pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype)
        ):
            continue
        values = gdf[column]
        array = values.to_numpy()
        if pd.api.types.infer_dtype(array, skipna=True) in ("string", "empty"):
            present = ~pd.isna(array)  # text or missing: found in C, not a Python loop
        else:
            present = np.fromiter((isinstance(v, str) for v in array), bool, len(array))
        if not present.any():
            continue
        limit = MAX_NAME if column in NAME_COLUMNS else MAX_TEXT
        # the usual case, a clean column, checked on one joined string, one `in` per control
        # (the first visitor waits for this read: per-value regex calls cost ~1 s at 100x the
        # data, one regex scan of the joined text still 5x these substring searches)
        texts = array[present]
        joined = "\n".join(texts)
        if not any(char in joined for char in BIDI_CHARS) and max(map(len, texts)) <= limit:
            continue
        strings = values[present]
        stripped = strings.str.replace(BIDI_CONTROLS, "", regex=True)
        long = stripped.str.len() > limit
        cut = stripped.where(~long, stripped.str.slice(0, limit - 1) + "…")
        changed_bidi = (stripped != strings).to_numpy()
        if not (changed_bidi.any() or long.any()):
            continue
        if out is gdf:
            out = gdf.copy()
        out.loc[values.index[present], column] = cut.to_numpy()
        rows = np.zeros(len(gdf), dtype=bool)
        if long.any():
            rows[np.flatnonzero(present)[long.to_numpy()]] = True
            notes.append(
                Note("cut", where, layer, int(long.sum()), *_named(gdf, rows), column, limit)
            )
        if changed_bidi.any():
            rows[:] = False
            rows[np.flatnonzero(present)[changed_bidi]] = True
            count = int(changed_bidi.sum())
            notes.append(Note("bidi", where, layer, count, *_named(gdf, rows), column))
    return out, notes


def bad_coordinates(geoms: gpd.GeoSeries) -> np.ndarray:
    """Rows whose geometry has a coordinate that is not finite or not WGS84 degrees."""
    array = np.asarray(geoms.array, dtype=object)
    bad = np.zeros(len(array), dtype=bool)
    present = ~shapely.is_missing(array)
    if not present.any():
        return bad
    coords, index = shapely.get_coordinates(array[present], return_index=True)
    wrong = ~np.isfinite(coords).all(axis=1)
    with np.errstate(invalid="ignore"):
        wrong |= (np.abs(coords[:, 0]) > 180) | (np.abs(coords[:, 1]) > 90)
    hit = np.zeros(int(present.sum()), dtype=bool)
    hit[np.unique(index[wrong])] = True
    bad[np.flatnonzero(present)] = hit
    return bad


def district_box(gazetteer: Path | None = None) -> tuple[float, float, float, float] | None:
    """The district's WGS84 box from the gazetteer's `district` layer (None without one)."""
    path = Path(gazetteer or settings.gazetteer_path)
    try:
        if not path.is_file():
            return None
        info = pyogrio.read_info(path, layer="district")
        box = tuple(float(v) for v in info["total_bounds"])
    except (
        OSError,
        ValueError,
        KeyError,
        pyogrio.errors.DataSourceError,
        pyogrio.errors.DataLayerError,
    ):
        return None
    return box if len(box) == 4 and np.isfinite(box).all() else None


def _far(geoms: gpd.GeoSeries, box: tuple[float, float, float, float]) -> np.ndarray:
    """Rows whose geometry lies entirely outside `box` grown by `MARGIN_DEG`."""
    x0, y0, x1, y1 = box
    bounds = geoms.bounds.to_numpy()
    present = ~np.isnan(bounds).any(axis=1)
    outside = (
        (bounds[:, 2] < x0 - MARGIN_DEG)
        | (bounds[:, 0] > x1 + MARGIN_DEG)
        | (bounds[:, 3] < y0 - MARGIN_DEG)
        | (bounds[:, 1] > y1 + MARGIN_DEG)
    )
    flags: np.ndarray = present & outside
    return flags


def sanitise(
    layers: Mapping[str, gpd.GeoDataFrame],
    where: str,
    box: tuple[float, float, float, float] | None = None,
    declared: str | None = None,
) -> AtlasLayers:
    """`layers` as the rest of the project may use them (see the module doc), with the notes
    of what was changed (`AtlasLayers.notes`); `where` names the atlas in notes and errors;
    `box` is the district's WGS84 box (`district_box`), `declared` the CRS the file declared."""
    out: dict[str, gpd.GeoDataFrame] = {}
    notes: list[Note] = []
    for name, gdf in layers.items():
        # every layer in the stored CRS (WGS84), as items
        if gdf.crs is not None and not gdf.crs.equals(settings.crs):
            with np.errstate(all="ignore"):
                gdf = gdf.to_crs(settings.crs)
        gdf, text_notes = clean_text(gdf, name, where)
        notes += text_notes
        bad = bad_coordinates(gdf.geometry)
        if bad.any():
            notes.append(Note("unlocated", where, name, int(bad.sum()), *_named(gdf, bad)))
            gdf = gdf.copy()
            gdf.loc[bad, gdf.geometry.name] = None
        out[name] = gdf
    if box is not None:
        _check_place(out, where, box, declared)
    return AtlasLayers(out, notes)


def _check_place(
    layers: dict[str, gpd.GeoDataFrame],
    where: str,
    box: tuple[float, float, float, float],
    declared: str | None,
) -> None:
    """Refuse an atlas whose district (or, without one, most of its items) is not where its
    CRS puts the district: coordinates in another CRS than the one declared."""
    district = layers.get("district")
    if district is not None and district.geometry.notna().any():
        misplaced = bool(_far(district.geometry[district.geometry.notna()], box).all())
    else:
        items = layers["items"].geometry
        located = is_located(items)
        misplaced = bool(located.any()) and _far(items[located], box).mean() > 0.5
    if misplaced:
        raise DataError(
            f"cannot read atlas {where}: its coordinates are not in {settings.district} when "
            f"read as {declared or settings.crs} (are they in another CRS, e.g. degrees "
            "labelled as metres?)",
            code="atlas_elsewhere",
            atlas=where,
            district=settings.district,
            crs=str(declared or settings.crs),
        )
