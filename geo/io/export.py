"""Write items as RFC 7946 GeoJSON, GeoPackage or CSV; `python -m geo export`.

Every writer is atomic: it writes a temporary file beside the target and renames it into place,
so a failure (full disk, read-only directory, bad path) leaves no partial file behind. A target
that is not a regular file (a device, a FIFO, a directory, a symlink to one of them) or that is
read-only is refused before anything is written: the rename would replace the node itself. A
symlink to a regular file is written through (the link stays). `-o -` writes GeoJSON or CSV to
standard output. Exported geometries are rounded to 6 decimals and then repaired, so every one
is valid; CSV cells that a spreadsheet would run as a formula are neutralised (OWASP).

The app's downloads and the CLI share `export_geojson_bytes` / `export_csv_bytes`, so both give
the same bytes for the same filters.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry, BaseMultipartGeometry

from atlas.errors import OutputError
from atlas.settings import settings
from geo import filters as flt
from geo.schema import (
    CRS,
    DECIMALS,
    ITEM_COLUMNS,
    conform_items,
)

#: Compact JSON (one feature a line keeps the file diff-able; spaces would only add bytes).
SEPARATORS = (",", ":")
FORMATS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".csv": "csv"}
#: `-o -`: standard output (GeoJSON and CSV; a GeoPackage needs a seekable file)
STDOUT = "-"
#: first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


#: a path argument: text or `os.PathLike`
PathArg: TypeAlias = str | os.PathLike[str]
#: a JSON-ready value (`json.dumps` input)
Json: TypeAlias = Any


class ExportError(OutputError):
    """A file could not be written or read; the message is one line naming the path."""


# --------------------------------------------------------------------------- GeoJSON


def rfc7946_geometries(geoms: object) -> npt.NDArray[np.object_]:
    """Geometries rounded to 6 decimals and valid, exterior rings counter-clockwise, holes
    clockwise.

    Vectorised over an array (None and empty stay None). Rounding can collapse a part (a short
    line's two ends meet: "Too few points") or make a ring touch itself, so every geometry that
    is invalid after rounding is repaired (`repair_rounded`). Orientation is fixed last: rounding
    can, in degenerate rings, flip the signed area."""
    array = np.asarray(geoms, dtype=object)
    out = np.full(len(array), None, dtype=object)
    present = ~(shapely.is_missing(array) | shapely.is_empty(array))
    rounded = shapely.transform(array[present], _round)
    invalid = ~shapely.is_valid(rounded)
    if invalid.any():  # rare: only these pay for the repair
        originals = array[present][invalid]
        rounded[invalid] = [
            repair_rounded(g, o) for g, o in zip(rounded[invalid], originals, strict=True)
        ]
    out[present] = shapely.orient_polygons(rounded, exterior_cw=False)
    out[present & ~_present(out)] = None  # collapsed to nothing at 6 decimals
    return out


def _round(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.round(coords, DECIMALS)


def _present(geoms: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))


def repair_rounded(rounded: BaseGeometry, original: BaseGeometry) -> BaseGeometry:
    """A valid geometry for a rounded one that is not: `make_valid`, then only the parts of the
    original's dimension (the collapsed parts are dropped), snapped to the 6-decimal grid.

    A geometry that collapses entirely (a 5 cm line) keeps what `make_valid` left of it, a point:
    an honest, smaller shape rather than a dropped feature."""
    fixed: BaseGeometry = shapely.make_valid(rounded)
    dimension = int(shapely.get_dimensions(original))
    parts = _flat_parts(fixed)
    kept = [p for p in parts if shapely.get_dimensions(p) == dimension]
    if kept:
        fixed = _collect(kept, dimension)
    # `make_valid` may add nodes off the grid (a self-crossing ring is split where it crosses);
    # on a valid input `set_precision` snaps to the grid and keeps the output valid.
    snapped = shapely.set_precision(fixed, 10.0**-DECIMALS)
    if shapely.is_empty(snapped):
        snapped = shapely.set_precision(shapely.point_on_surface(fixed), 10.0**-DECIMALS)
    result: BaseGeometry = shapely.transform(snapped, _round)
    return result


def _flat_parts(geom: BaseGeometry) -> list[BaseGeometry]:
    """Single-part members of `geom`, collections flattened, empty parts dropped."""
    out: list[BaseGeometry] = []
    for part in shapely.get_parts(geom):
        if isinstance(part, BaseMultipartGeometry):  # a multi-part or a collection
            out.extend(_flat_parts(part))
        elif not part.is_empty:
            out.append(part)
    return out


def _collect(parts: list[BaseGeometry], dimension: int) -> BaseGeometry:
    if len(parts) == 1:
        return parts[0]
    if dimension == 0:
        return shapely.MultiPoint([p for p in parts if isinstance(p, shapely.Point)])
    if dimension == 1:
        return shapely.MultiLineString([p for p in parts if isinstance(p, shapely.LineString)])
    return shapely.MultiPolygon([p for p in parts if isinstance(p, shapely.Polygon)])


def _coordinates(geom: BaseGeometry) -> list[Json]:
    """GeoJSON coordinates of a 2-D geometry (numpy → lists: ~5x faster than `mapping`)."""
    if isinstance(geom, shapely.Point):
        point: list[Json] = shapely.get_coordinates(geom)[0].tolist()
        return point
    if isinstance(geom, (shapely.LineString, shapely.MultiPoint)):  # a LinearRing is a line
        line: list[Json] = shapely.get_coordinates(geom).tolist()
        return line
    if isinstance(geom, shapely.Polygon):
        rings = [geom.exterior, *geom.interiors]
        return [shapely.get_coordinates(ring).tolist() for ring in rings]
    if isinstance(geom, BaseMultipartGeometry):
        return [_coordinates(part) for part in geom.geoms]
    raise TypeError(f"not a 2-D geometry: {geom.geom_type}")


def _mapping(geom: BaseGeometry) -> dict[str, Json]:
    if isinstance(geom, shapely.GeometryCollection) and geom.geom_type == "GeometryCollection":
        return {"type": "GeometryCollection", "geometries": [_mapping(g) for g in geom.geoms]}
    return {"type": geom.geom_type, "coordinates": _coordinates(geom)}


def geometry_to_geojson(geom: BaseGeometry | None) -> dict[str, Json] | None:
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


def _json_columns(frame: pd.DataFrame, columns: list[str]) -> list[list[Json]]:
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
    or area) and `geometry` as WKT, all at 6 decimals and valid, as in the GeoJSON; unlocated
    rows have them empty. Text cells a spreadsheet would run as a formula are neutralised."""
    items = _as_items(gdf)
    columns = _property_columns(items)
    table = pd.DataFrame({c: neutralise_formulas(items[c]) for c in columns})
    geoms = rfc7946_geometries(items.geometry.array)
    located = _present(geoms)
    points = np.full(len(items), None, dtype=object)
    points[located] = shapely.point_on_surface(geoms[located])
    table["lon"] = [round(p.x, DECIMALS) if p is not None else None for p in points]
    table["lat"] = [round(p.y, DECIMALS) if p is not None else None for p in points]
    wkt = np.full(len(items), None, dtype=object)
    wkt[located] = shapely.to_wkt(geoms[located], rounding_precision=DECIMALS, trim=True)
    table["geometry"] = wkt
    # RFC 4180 line ends: with CRLF Python's writer quotes a cell holding a bare CR as well as
    # LF (with LF alone it would not, and a carriage return in a quote would break the row).
    return table.to_csv(index=False, lineterminator="\r\n")


def neutralise_formulas(column: pd.Series) -> pd.Series:
    """Text cells starting with `= + - @`, a tab or a carriage return, prefixed with `'`.

    OWASP's rule against CSV injection: a report title such as `=HYPERLINK(…)` must reach a
    spreadsheet as text, not as a formula. Numbers are left alone (a negative number is not a
    formula); only CSV needs this: GeoJSON and GeoPackage keep the text as it is."""
    if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
        return column
    values = column.to_numpy(dtype=object, copy=True)
    risky = [i for i, v in enumerate(values) if isinstance(v, str) and v.startswith(FORMULA_STARTS)]
    if not risky:
        return column
    values[risky] = ["'" + values[i] for i in risky]
    return pd.Series(values, index=column.index, name=column.name)


def export_csv_bytes(items: gpd.GeoDataFrame, filters: flt.Filters) -> bytes:
    """CSV of the selection, UTF-8 with a byte-order mark so spreadsheet programs read 中文."""
    return to_csv(flt.apply_filters(items, filters)).encode("utf-8-sig")


# --------------------------------------------------------------------------- atomic writes


#: what a path that is not a regular file is, for the one-line refusal
_NODE_KINDS: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
)


def _node_kind(mode: int) -> str:
    return next((name for test, name in _NODE_KINDS if test(mode)), "not a regular file")


def writable_target(path: PathArg) -> tuple[Path, os.stat_result | None]:
    """The file a write to `path` replaces and its current status (None for a new path).

    Only a regular file, a new path in an existing writable directory, or a symlink to a regular
    file (resolved: the link is kept and its target written) are accepted; a device, FIFO,
    socket, directory, dangling or odd symlink and a read-only file are refused with one line.
    Root's writes ignore modes, so "read-only" is read from the mode bits, not `os.access`."""
    given = Path(path)
    target = given
    if given.is_symlink():
        target = Path(os.path.realpath(given))
        try:
            mode = target.stat().st_mode
        except OSError:
            raise ExportError(f"cannot write {given}: it is a symlink to nothing") from None
        if not stat.S_ISREG(mode):
            raise ExportError(f"cannot write {given}: it is a symlink to {_node_kind(mode)}")
    try:
        status: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        status = None
    except OSError as exc:
        raise ExportError(f"cannot write {given}: {_reason(exc)}") from exc
    if status is None:
        directory = target.parent
        if not directory.is_dir():
            raise ExportError(f"cannot write {given}: directory {directory} does not exist")
        if not os.access(directory, os.W_OK):
            raise ExportError(f"cannot write {given}: directory {directory} is not writable")
    elif not stat.S_ISREG(status.st_mode):
        kind = _node_kind(status.st_mode)
        refusal = "it is a directory" if kind == "a directory" else f"it is {kind}, not a file"
        raise ExportError(f"cannot write {given}: {refusal}")
    elif not status.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise ExportError(f"cannot write {given}: it is read-only")
    return target, status


def _umask() -> int:
    """The process umask, read without changing it where Linux tells it (threads of the page
    may be creating files); elsewhere set and restored at once."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: temporary folders of the page's GeoPackage downloads: `atlas-export-<pid>.<random>`
EXPORT_DIR_PREFIX = "atlas-export-"
#: a temporary file of a writer that is still running is never this old
STALE_AFTER_S = 24 * 3600.0
_TEMP_TAIL = re.compile(r"(?:(\d+)\.)?[A-Za-z0-9_]{8}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process (or a bogus number)
        return pid < 2**22
    return True


def remove_stale(directory: Path, prefix: str) -> list[Path]:
    """Remove what a killed writer left in `directory`: entries named `prefix<pid>.<random>…`
    whose process is gone, or any `prefix…` temporary older than `STALE_AFTER_S` (names
    without a pid, from before). A writer still running keeps its file. Returns what went."""
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(directory) if e.name.startswith(prefix)]
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        tail = _TEMP_TAIL.match(entry.name, len(prefix))
        if tail is None:
            continue
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_S
            if not old and (tail.group(1) is None or _alive(int(tail.group(1)))):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue  # another cleaner got there first, or not ours to remove
        removed.append(Path(entry.path))
    return removed


@contextmanager
def atomic_path(path: PathArg) -> Iterator[Path]:
    """Yield a temporary path beside the target; rename it into place only if the block
    succeeds. The target is checked (`writable_target`) before and again just before the
    rename; a replaced file keeps its permission bits, a new one gets the umask's."""
    given = Path(path)
    target, status = writable_target(given)
    mode = stat.S_IMODE(status.st_mode) if status is not None else 0o666 & ~_umask()
    remove_stale(target.parent, f".{target.name}.")
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=target.suffix, dir=target.parent
        )
    except OSError as exc:
        raise ExportError(f"cannot write {given}: {_reason(exc)}") from exc
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # writers (GDAL in particular) create the file themselves
    try:
        yield tmp
        writable_target(given)  # nothing swapped in meanwhile (a FIFO, a link)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except ExportError:
        raise
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise ExportError(f"cannot write {given}: {_reason(exc)}") from exc
    finally:
        for leftover in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())


def write_bytes(data: bytes, path: PathArg) -> Path:
    """Write `data` to `path` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_geojson(gdf: gpd.GeoDataFrame, path: PathArg) -> Path:
    return write_bytes(to_geojson(gdf).encode("utf-8"), path)


def write_csv(gdf: gpd.GeoDataFrame, path: PathArg) -> Path:
    return write_bytes(to_csv(gdf).encode("utf-8-sig"), path)


def write_gpkg_layers(layers: Mapping[str, gpd.GeoDataFrame], path: PathArg) -> Path:
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


def write_gpkg(gdf: gpd.GeoDataFrame, path: PathArg, layer: str = "items") -> Path:
    """One layer of exported items: geometries rounded and valid, as in the GeoJSON and CSV."""
    return write_gpkg_layers({layer: export_geometries(gdf)}, path)


def export_geometries(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """`gdf` in WGS84 with its geometries as exported (`rfc7946_geometries`)."""
    out = gdf.to_crs(CRS) if gdf.crs is not None else gdf.set_crs(CRS)
    out = out.copy()
    fixed = rfc7946_geometries(out.geometry.array)
    out[out.geometry.name] = gpd.GeoSeries(fixed, index=out.index, crs=CRS)
    return out


WRITERS: dict[str, Callable[[gpd.GeoDataFrame, PathArg], Path]] = {
    "geojson": write_geojson,
    "gpkg": write_gpkg,
    "csv": write_csv,
}


def export_gpkg_bytes(items: gpd.GeoDataFrame, filters: flt.Filters) -> bytes:
    """The GeoPackage of the selection (layer `items`), as bytes: what the CLI writes and the
    app downloads (fixed GDAL timestamp, so the same selection gives the same bytes)."""
    remove_stale(Path(tempfile.gettempdir()), EXPORT_DIR_PREFIX)
    with tempfile.TemporaryDirectory(prefix=f"{EXPORT_DIR_PREFIX}{os.getpid()}.") as tmp:
        path = write_gpkg(flt.apply_filters(items, filters), Path(tmp) / "selection.gpkg")
        return path.read_bytes()


#: format → (items, filters) → file bytes: the one function per format behind the CLI export
#: and the page's downloads, so both write the same bytes for the same filters.
EXPORTERS: dict[str, Callable[[gpd.GeoDataFrame, flt.Filters], bytes]] = {
    "geojson": export_geojson_bytes,
    "gpkg": export_gpkg_bytes,
    "csv": export_csv_bytes,
}


# --------------------------------------------------------------------------- formats


def infer_format(path: PathArg, given: str | None) -> str:
    """`--format` when given, else the suffix's; standard output (`-`) defaults to GeoJSON."""
    if given:
        return given
    if str(path) == STDOUT:
        return "geojson"
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise ExportError(f"cannot tell the format of {path}: use --format or a suffix ({known})")
    return fmt


def export_bytes(items: gpd.GeoDataFrame, filters: flt.Filters, fmt: str) -> bytes:
    """The file of a text format (GeoJSON, CSV): the very functions behind the app's downloads,
    so the CLI and the page give the same bytes."""
    export = {"geojson": export_geojson_bytes, "csv": export_csv_bytes}[fmt]
    return export(items, filters)


__all__ = [
    "CRS",
    "ExportError",
    "export_bytes",
    "export_csv_bytes",
    "export_geojson_bytes",
    "export_gpkg_bytes",
    "rfc7946_geometries",
    "to_csv",
    "to_geojson",
    "writable_target",
    "write_csv",
    "write_geojson",
    "write_gpkg",
    "write_gpkg_layers",
]
