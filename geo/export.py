"""Write items as RFC 7946 GeoJSON, GeoPackage or CSV; `python -m geo export`.

Every writer is atomic: it writes a temporary file beside the target and renames it into place,
so a failure (full disk, read-only directory, bad path) leaves no partial file behind. The app's
GeoJSON download and the CLI share `export_geojson_bytes`, so both give the same bytes for the
same filters.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from atlas.errors import OutputError
from atlas.settings import settings
from geo import filters as flt
from geo import store
from geo.schema import (
    ATLAS_LAYERS,
    CRS,
    ITEM_COLUMNS,
    KINDS,
    OPTIONAL_ATLAS_LAYERS,
    OUTCOMES,
    PERIODS,
    STATUSES,
    conform_items,
)
from geo.threads import with_threads

#: Decimal places kept in exported coordinates (RFC 7946 §11.2: ~10 cm at 6 places).
DECIMALS = 6
#: Compact JSON (one feature a line keeps the file diff-able; spaces would only add bytes).
SEPARATORS = (",", ":")
FORMATS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".csv": "csv"}
#: a GeoPackage path or a `postgresql://` URL (kept a string: Path would mangle `//`)
DEFAULT_ATLAS = settings.atlas_path


class ExportError(OutputError):
    """A file could not be written or read; the message is one line naming the path."""


# --------------------------------------------------------------------------- GeoJSON


def rfc7946_geometries(geoms: object) -> np.ndarray:
    """Geometries rounded to 6 decimals, exterior rings counter-clockwise, holes clockwise.

    Vectorised over an array (None and empty stay None). Orientation is fixed after rounding:
    rounding can, in degenerate rings, flip the signed area."""
    array = np.asarray(geoms, dtype=object)
    out = np.full(len(array), None, dtype=object)
    present = ~(shapely.is_missing(array) | shapely.is_empty(array))
    rounded = shapely.transform(array[present], lambda coords: np.round(coords, DECIMALS))
    out[present] = shapely.orient_polygons(rounded, exterior_cw=False)
    return out


def _coordinates(geom: shapely.Geometry) -> list:
    """GeoJSON coordinates of a 2-D geometry (numpy → lists: ~5x faster than `mapping`)."""
    gtype = geom.geom_type
    if gtype == "Point":
        return shapely.get_coordinates(geom)[0].tolist()
    if gtype in ("LineString", "LinearRing", "MultiPoint"):
        return shapely.get_coordinates(geom).tolist()
    if gtype == "Polygon":
        rings = [geom.exterior, *geom.interiors]
        return [shapely.get_coordinates(ring).tolist() for ring in rings]
    return [_coordinates(part) for part in geom.geoms]


def _mapping(geom: shapely.Geometry) -> dict:
    if geom.geom_type == "GeometryCollection":
        return {"type": "GeometryCollection", "geometries": [_mapping(g) for g in geom.geoms]}
    return {"type": geom.geom_type, "coordinates": _coordinates(geom)}


def geometry_to_geojson(geom: shapely.Geometry | None) -> dict | None:
    """One RFC 7946 geometry mapping (see `rfc7946_geometries`), None for no geometry."""
    fixed = rfc7946_geometries([geom])[0]
    return None if fixed is None else _mapping(fixed)


def json_value(value: object) -> object:
    """A JSON-ready scalar: NaN, NA and NaT become null; numpy scalars become Python ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _property_columns(gdf: gpd.GeoDataFrame) -> list[str]:
    extra = [c for c in gdf.columns if c not in ITEM_COLUMNS and c != gdf.geometry.name]
    return [c for c in ITEM_COLUMNS if c != "geometry"] + extra


_PLAIN = frozenset({str, int, float, bool})


def _json_columns(frame: pd.DataFrame, columns: list[str]) -> list[list]:
    """Each column as a list of JSON-ready values (column-wise: far faster than per cell)."""
    out = []
    for column in columns:
        series = frame[column]
        missing = series.isna().tolist()
        values = series.astype(object).tolist()
        out.append(
            [
                None if na else v if type(v) in _PLAIN else json_value(v)
                for v, na in zip(values, missing, strict=True)
            ]
        )
    return out


def _as_items(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Items keep their schema dtypes whatever reader produced them (`2025`, not `2025.0`)."""
    extra = [c for c in gdf.columns if c not in ITEM_COLUMNS and c != gdf.geometry.name]
    items = conform_items(gdf)
    for column in extra:
        items[column] = gdf[column]
    return items


def to_geojson(gdf: gpd.GeoDataFrame) -> str:
    """The items as an RFC 7946 FeatureCollection (one feature per line, UTF-8 text).

    Every schema property is present (null when unknown), the item id is the feature `id`,
    unlocated items have `"geometry": null`, and there is no `crs` member (WGS84 lon/lat)."""
    items = _as_items(gdf)
    columns = _property_columns(items)
    lines = []
    geoms = rfc7946_geometries(items.geometry.array)
    rows = zip(*_json_columns(items, columns), strict=True) if columns else ()
    for row, geom in zip(rows, geoms, strict=True):
        properties = dict(zip(columns, row, strict=True))
        feature = {
            "type": "Feature",
            "id": properties.get("id"),
            "geometry": None if geom is None else _mapping(geom),
            "properties": properties,
        }
        lines.append(
            json.dumps(feature, ensure_ascii=False, allow_nan=False, separators=SEPARATORS)
        )
    body = ",\n".join(lines)
    return '{"type":"FeatureCollection","features":[\n' + body + ("\n" if lines else "") + "]}\n"


def export_geojson_bytes(items: gpd.GeoDataFrame, filters: flt.Filters) -> bytes:
    """The GeoJSON of the items `filters` selects: what the CLI writes and the app downloads."""
    return to_geojson(flt.apply_filters(items, filters)).encode("utf-8")


# --------------------------------------------------------------------------- CSV


def to_csv(gdf: gpd.GeoDataFrame) -> str:
    """Items as CSV: the schema columns, then `lon`, `lat` (the point, or a point on the line
    or area) and `geometry` as WKT, all at 6 decimals; unlocated rows have them empty."""
    items = _as_items(gdf)
    columns = _property_columns(items)
    table = pd.DataFrame({c: items[c] for c in columns})
    geoms = items.geometry.array
    located = ~(items.geometry.isna() | items.geometry.is_empty).to_numpy()
    points = np.full(len(items), None, dtype=object)
    points[located] = shapely.point_on_surface(geoms[located])
    table["lon"] = [round(p.x, DECIMALS) if p is not None else None for p in points]
    table["lat"] = [round(p.y, DECIMALS) if p is not None else None for p in points]
    wkt = np.full(len(items), None, dtype=object)
    wkt[located] = shapely.to_wkt(geoms[located], rounding_precision=DECIMALS, trim=True)
    table["geometry"] = wkt
    return table.to_csv(index=False, lineterminator="\n")


def export_csv_bytes(items: gpd.GeoDataFrame, filters: flt.Filters) -> bytes:
    """CSV of the selection, UTF-8 with a byte-order mark so spreadsheet programs read 中文."""
    return to_csv(flt.apply_filters(items, filters)).encode("utf-8-sig")


# --------------------------------------------------------------------------- atomic writes


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it to `path` only if the block succeeds."""
    target = Path(path)
    directory = target.parent
    if not directory.is_dir():
        raise ExportError(f"cannot write {target}: directory {directory} does not exist")
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a directory")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=directory)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # writers (GDAL in particular) create the file themselves
    try:
        yield tmp
        os.replace(tmp, target)
    except ExportError:
        raise
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise ExportError(f"cannot write {target}: {_reason(exc)}") from exc
    finally:
        for leftover in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())


def write_bytes(data: bytes, path: str | os.PathLike) -> Path:
    """Write `data` to `path` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_geojson(gdf: gpd.GeoDataFrame, path: str | os.PathLike) -> Path:
    return write_bytes(to_geojson(gdf).encode("utf-8"), path)


def write_csv(gdf: gpd.GeoDataFrame, path: str | os.PathLike) -> Path:
    return write_bytes(to_csv(gdf).encode("utf-8-sig"), path)


def write_gpkg_layers(layers: Mapping[str, gpd.GeoDataFrame], path: str | os.PathLike) -> Path:
    """Write several layers into one GeoPackage, atomically and reproducibly (fixed timestamp)."""
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": settings.gpkg_date})
    try:
        with atomic_path(path) as tmp:
            for name, gdf in layers.items():
                pyogrio.write_dataframe(
                    gdf, tmp, layer=name, driver="GPKG", append=tmp.exists(), promote_to_multi=False
                )
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
    return Path(path)


def write_gpkg(gdf: gpd.GeoDataFrame, path: str | os.PathLike, layer: str = "items") -> Path:
    return write_gpkg_layers({layer: gdf}, path)


WRITERS: dict[str, Callable[[gpd.GeoDataFrame, str | os.PathLike], Path]] = {
    "geojson": write_geojson,
    "gpkg": write_gpkg,
    "csv": write_csv,
}


def export_gpkg_bytes(items: gpd.GeoDataFrame, filters: flt.Filters) -> bytes:
    """The GeoPackage of the selection (layer `items`), as bytes: what the CLI writes and the
    app downloads (fixed GDAL timestamp, so the same selection gives the same bytes)."""
    with tempfile.TemporaryDirectory(prefix="atlas-export-") as tmp:
        path = write_gpkg(flt.apply_filters(items, filters), Path(tmp) / "selection.gpkg")
        return path.read_bytes()


#: format → (items, filters) → file bytes: the one function per format behind the CLI export
#: and the page's downloads, so both write the same bytes for the same filters.
EXPORTERS: dict[str, Callable[[gpd.GeoDataFrame, flt.Filters], bytes]] = {
    "geojson": export_geojson_bytes,
    "gpkg": export_gpkg_bytes,
    "csv": export_csv_bytes,
}


# --------------------------------------------------------------------------- reading


#: Item columns of later schema versions: an older atlas gets them null (threads relinked).
LATER_COLUMNS: tuple[str, ...] = ("uncertainty_m", "thread", "outcome")


def _bad_atlas(path: object, why: str) -> ExportError:
    return ExportError(f"cannot read atlas {path}: {why}")


def read_atlas(path: str | os.PathLike = DEFAULT_ATLAS) -> dict[str, gpd.GeoDataFrame]:
    """The layers of an atlas GeoPackage or PostGIS URL (`geo.store`); `items` conformed to
    the schema and in row order.

    A file that is not a GeoPackage, has no `items` layer, or whose items lack a schema column
    (other than `LATER_COLUMNS`) is refused with one line naming the file and what is wrong
    (`ExportError`), never loaded half-way. `OPTIONAL_ATLAS_LAYERS` missing from the file are
    empty; a missing `threads` layer is derived (`geo.threads.with_threads`)."""
    if store.is_url(path):
        return with_threads(store.read_atlas(str(path)))
    if not Path(path).is_file():
        raise _bad_atlas(path, "no such file")
    try:
        present = {str(name) for name in pyogrio.list_layers(path)[:, 0]}
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise _bad_atlas(path, f"not a readable GeoPackage ({_reason(exc)})") from exc
    if "items" not in present:
        shown = ", ".join(sorted(present)) or "none"
        raise _bad_atlas(path, f"it has no 'items' layer (layers: {shown})")
    try:
        layers = {
            name: gpd.read_file(path, layer=name)
            if name in present
            else gpd.GeoDataFrame({"name": []}, geometry=[], crs=CRS)
            for name in ATLAS_LAYERS
            if name in present or name in OPTIONAL_ATLAS_LAYERS
        }
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise _bad_atlas(path, _reason(exc)) from exc
    columns = layers["items"].columns
    missing = [c for c in ITEM_COLUMNS if c not in columns and c not in LATER_COLUMNS]
    if missing:
        raise _bad_atlas(path, f"the items layer lacks column(s) {', '.join(missing)}")
    built_before_threads = "thread" not in columns
    try:
        layers["items"] = conform_items(layers["items"])
    except (ValueError, TypeError) as exc:
        raise _bad_atlas(path, f"the items layer has malformed values ({_reason(exc)})") from exc
    return with_threads(layers, relink=built_before_threads)


def read_items(path: str | os.PathLike = DEFAULT_ATLAS) -> gpd.GeoDataFrame:
    return read_atlas(path)["items"]


def filter_vocabulary(layers: Mapping[str, gpd.GeoDataFrame]) -> dict[str, list]:
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
    changes = {}
    for field, layer in (("subdistrict", "subdistricts"), ("zone", "zones")):
        if getattr(filters, field) and layer in layers:
            lookup = area_names(layers[layer])
            changes[field] = tuple(lookup.get(v, v) for v in getattr(filters, field))
    return replace(filters, **changes)


def cli_selection(
    args: argparse.Namespace,
) -> tuple[dict[str, gpd.GeoDataFrame], flt.Filters]:
    """The atlas of `args.atlas` and the validated filters of the CLI options (export, summary).

    From PostGIS the filters run in SQL, so only the selected items are read."""
    if store.is_url(args.atlas):
        return store.select(args.atlas, flt.filters_from_args(args))
    layers = read_atlas(args.atlas)
    filters = canonical_areas(flt.filters_from_args(args), layers)
    flt.validate(layers["items"], filters, filter_vocabulary(layers))
    return layers, filters


# --------------------------------------------------------------------------- CLI


def infer_format(path: str | os.PathLike, given: str | None) -> str:
    if given:
        return given
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise ExportError(f"cannot tell the format of {path}: use --format or a suffix ({known})")
    return fmt


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, help="file to write")
    parser.add_argument("--format", choices=sorted(set(FORMATS.values())), default=None)
    parser.add_argument(
        "--atlas", default=str(DEFAULT_ATLAS), help="atlas GeoPackage or postgresql:// URL to read"
    )
    flt.add_filter_arguments(parser)


def main(args: argparse.Namespace) -> int:
    try:
        fmt = infer_format(args.output, args.format)
        layers, filters = cli_selection(args)
        # The very function behind the app's download, so both give the same bytes.
        write_bytes(EXPORTERS[fmt](layers["items"], filters), args.output)
    except (ExportError, flt.FilterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, flt.FilterError) else 1
    count = int(flt.mask(layers["items"], filters).sum())
    print(f"wrote {count} items to {args.output} ({fmt})", file=sys.stderr)
    return 0


__all__ = [
    "CRS",
    "ExportError",
    "export_csv_bytes",
    "export_geojson_bytes",
    "export_gpkg_bytes",
    "read_atlas",
    "read_items",
    "to_csv",
    "to_geojson",
    "write_csv",
    "write_geojson",
    "write_gpkg",
    "write_gpkg_layers",
]
