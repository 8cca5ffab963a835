"""Reading an atlas: the one `read_atlas` for a GeoPackage and a PostGIS URL, and the filter
vocabulary a selection is checked against."""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from atlas.dsn import is_conninfo, is_url, shown
from atlas.errors import DataError
from atlas.files import regular_file
from atlas.settings import settings
from geo import filters as flt
from geo.io.atomic import ExportError, PathArg, _reason
from geo.io.sanity import district_box, keep_notes, sanitise
from geo.schema import (
    ATLAS_LAYERS,
    ITEM_COLUMNS,
    KINDS,
    OPTIONAL_ATLAS_LAYERS,
    OUTCOMES,
    PERIODS,
    STATUSES,
    conform_items,
)
from geo.threads.links import with_threads

#: Item columns of later schema versions: an older atlas gets them null (threads relinked).
LATER_COLUMNS: tuple[str, ...] = ("uncertainty_m", "thread", "outcome")
#: Field types (as pyogrio's classic read names them) and OGR subtypes that the Arrow read
#: gives back as the classic read does once `_as_classic` has undone its two differences. A
#: layer with any other field (a date, a time, a float32, JSON, a UUID) is read the classic way.
ARROW_DTYPES = frozenset({"object", "int32", "int64", "float64", "bool"})
ARROW_SUBTYPES = frozenset({"OFSTNone", "OFSTBoolean"})
#: The Arrow read (pyarrow installed, GDAL >= 3.6): 3-4x faster on a large items layer.
ARROW = importlib.util.find_spec("pyarrow") is not None and pyogrio.__gdal_version__ >= (3, 6, 0)


def read_atlas(path: PathArg | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The layers of an atlas GeoPackage or PostGIS URL (`geo.io.store`; default
    `settings.atlas_path`); `items` conformed to the schema and in row order, every layer
    checked by `geo.io.sanity` (its notes: `notes_of`). A missing, corrupt, incomplete or
    misplaced atlas is a `DataError` (`ExportError` for a file)."""
    path = settings.atlas_path if path is None else path
    if is_url(path):
        from geo.io import store  # psycopg: imported only for a PostGIS atlas

        checked = sanitise(store.read_atlas(str(path)), shown(path), district_box())
        return keep_notes(checked, with_threads(checked))
    if is_conninfo(str(path)):
        raise DataError(
            f"cannot read atlas {shown(path)}: a key=value connection string; "
            "write it as a URL, postgresql://user@host:port/db"
        )
    if not Path(path).exists():
        raise ExportError(f"cannot read atlas {path}: no such file")
    regular_file(path, ExportError)  # not a FIFO, a device or a directory
    try:
        with warnings.catch_warnings():  # NaN/inf coordinates: found and noted by `sanitise`
            warnings.simplefilter("ignore", RuntimeWarning)
            layers, declared = _read_layers(path)
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        why = f"not a readable GeoPackage ({_reason(exc)})"
        raise ExportError(f"cannot read atlas {path}: {why}") from exc
    columns = layers["items"].columns
    missing = [c for c in ITEM_COLUMNS if c not in columns and c not in LATER_COLUMNS]
    if missing:
        lacks = ", ".join(missing)
        raise ExportError(f"cannot read atlas {path}: the items layer lacks column(s) {lacks}")
    built_before_threads = "thread" not in columns
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            layers["items"] = conform_items(layers["items"])
    except (ValueError, TypeError) as exc:  # e.g. a `year` column of text
        raise ExportError(f"cannot read atlas {path}: malformed items: {_reason(exc)}") from exc
    checked = sanitise(layers, str(path), district_box(), declared)
    return keep_notes(checked, with_threads(checked, relink=built_before_threads))


def _read_layers(path: PathArg) -> tuple[dict[str, gpd.GeoDataFrame], str | None]:
    """Every atlas layer of the GeoPackage `path`, and the CRS its items declare."""
    present = {str(name) for name in pyogrio.list_layers(path)[:, 0]}
    if "items" not in present:
        listed = ", ".join(sorted(present)) or "none"
        raise ExportError(f"cannot read atlas {path}: it has no 'items' layer (layers: {listed})")
    required = ("subdistricts", "zones", "district")  # threads are derived, roads optional
    absent = [name for name in required if name not in present]
    if absent:
        raise ExportError(f"cannot read atlas {path}: layers missing: {', '.join(absent)}")
    layers = {
        name: read_layer(path, name)
        if name in present
        else gpd.GeoDataFrame({"name": []}, geometry=[], crs=settings.crs)
        for name in ATLAS_LAYERS
        if name in present or name in OPTIONAL_ATLAS_LAYERS
    }
    crs = layers["items"].crs
    return layers, (crs.to_string() if crs is not None else None)


def read_layer(path: PathArg, name: str, *, arrow: bool | None = None) -> gpd.GeoDataFrame:
    """The layer `name` of the GeoPackage `path`, the very frame `gpd.read_file` gives (dtypes,
    index, column order, CRS): through Arrow when it can (the first visitor waits for this
    read), else, and for whatever the Arrow read cannot take, the classic way, so a broken
    file fails with the classic read's error. `arrow`: force one way (default: `ARROW`)."""
    if ARROW if arrow is None else arrow:
        try:
            info = pyogrio.read_info(path, layer=name)
            dtypes, subtypes = set(info["dtypes"]), set(info.get("ogr_subtypes", ["unknown"]))
            if dtypes <= ARROW_DTYPES and subtypes <= ARROW_SUBTYPES:
                frame = gpd.read_file(path, layer=name, use_arrow=True)
                return _as_classic(frame, info["fields"], info["dtypes"])
        except Exception:  # e.g. text that is not UTF-8: the fast path never decides an
            pass  # outcome, the classic read below does (and raises its own error)
    return gpd.read_file(path, layer=name)


def _as_classic(
    frame: gpd.GeoDataFrame, fields: Iterable[str], dtypes: Iterable[str]
) -> gpd.GeoDataFrame:
    """`frame`, read through Arrow, as the classic read gives it: a text field without a value
    is an object column of None (Arrow: an empty `str` column), a boolean field with nulls is
    float64 1.0/0.0/NaN (Arrow: object True/False/None)."""
    for field, dtype in zip(fields, dtypes, strict=True):
        column = frame[field]
        if dtype == "object" and not column.notna().any():
            frame[field] = pd.Series(np.full(len(frame), None, dtype=object), index=frame.index)
        elif dtype == "bool" and column.dtype == object:
            frame[field] = column.astype("float64")
    return frame


def atlas_stamp(location: PathArg) -> str | None:
    """A value that changes whenever the atlas changes (the page's cache key, checked on every
    run): the file's modification time, or the last build number in PostGIS; None when there
    is no atlas."""
    if is_url(location):
        from geo.io import store

        return store.atlas_stamp(str(location))
    path = Path(location)
    return f"mtime:{path.stat().st_mtime}" if path.exists() else None


def read_items(path: PathArg | None = None) -> gpd.GeoDataFrame:
    return read_atlas(path)["items"]


def filter_vocabulary(layers: Mapping[str, gpd.GeoDataFrame]) -> dict[str, list[Any]]:
    """Values a filter may name even when no item has them (every kind, every zone …)."""
    names = {
        key: layers[key]["name"].dropna().tolist() if key in layers else []
        for key in ("subdistricts", "zones")
    }
    return {
        "kind": list(KINDS),
        "status": list(STATUSES),
        "period": list(PERIODS),
        "outcome": list(OUTCOMES),
        "subdistrict": names["subdistricts"],
        "zone": names["zones"],
    }


def area_names(layer: gpd.GeoDataFrame) -> dict[str, str]:
    """Every name, short name and alias of an area layer → its name; ambiguous aliases out."""
    found: dict[str, set[str]] = {}
    for _, row in layer.iterrows():
        names = [row.get("name"), row.get("short_name"), *str(row.get("aliases") or "").split("|")]
        for alias in names:
            if isinstance(alias, str) and alias.strip():
                found.setdefault(alias.strip(), set()).add(row["name"])
    return {alias: next(iter(n)) for alias, n in found.items() if len(n) == 1}


def canonical_areas(filters: flt.Filters, layers: Mapping[str, gpd.GeoDataFrame]) -> flt.Filters:
    """`filters` with 街道 and zone aliases replaced by names (`--subdistrict 彭浦新村`,
    `--zone 大宁地区`); unknown values are left for `validate` to report."""
    changes: dict[str, Any] = {}
    for field, layer in (("subdistrict", "subdistricts"), ("zone", "zones")):
        if getattr(filters, field) and layer in layers:
            lookup = area_names(layers[layer])
            changes[field] = tuple(lookup.get(v, v) for v in getattr(filters, field))
    return replace(filters, **changes)


def select(url: str, filters: flt.Filters) -> tuple[dict[str, gpd.GeoDataFrame], flt.Filters]:
    """What `geo.cli.export.cli_selection` gives for a GeoPackage: the layers (items already
    filtered, in SQL) and the validated filters, aliases resolved; one snapshot."""
    from geo.io import store

    with store.connect(url, read_only=True) as (conn, schema):
        reader = store.Reader(conn, schema, url)
        if "items" not in reader.meta:
            raise DataError(f"schema {schema} of {shown(url)} has no items layer")
        areas = {n: reader.layer(n) for n in store.ordered_layers(reader.meta) if n != "items"}
        filters = canonical_areas(filters, areas)
        vocab: dict[str, Iterable[Any]] = dict(filter_vocabulary(areas))
        for name in flt.CHOICE_FIELDS:
            if getattr(filters, name) or (name == "year" and filters.year_range):
                vocab[name] = [*vocab.get(name, ()), *reader.distinct(name)]
        flt.validate(pd.DataFrame(), filters, vocab)
        layers = {"items": reader.layer("items", filters), **areas}
    return sanitise(layers, shown(url), district_box()), filters
