"""Write items as RFC 7946 GeoJSON, GeoPackage or CSV; `python -m geo export`.

Every writer is atomic: it writes a temporary file beside the target and renames it into place,
so a failure (full disk, read-only directory, bad path) leaves no partial file behind. A target
that is not a regular file (a device, a FIFO, a directory, a symlink to one of them) or that is
read-only is refused before anything is written: the rename would replace the node itself. A
symlink to a regular file is written through (the link stays). `-o -` writes GeoJSON or CSV to
standard output. Exported geometries are rounded to 6 decimals and then repaired, so every one
is valid; CSV cells that a spreadsheet would run as a formula are neutralised (OWASP).

The app's downloads and the CLI share `export_geojson_bytes` / `export_csv_bytes`, so both give
the same bytes for the same filters. The sections live beside it: `geo.io.geojson` (RFC 7946,
rounding and repair), `geo.io.table` (CSV), `geo.io.atomic` (atomic writes, `ExportError`);
their public names are re-exported here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import geopandas as gpd
import pyogrio

from atlas.settings import settings
from geo import filters as flt
from geo.io.atomic import (
    EXPORT_DIR_PREFIX,
    ExportError,
    PathArg,
    atomic_path,
    remove_stale,
    writable_target,
    write_bytes,
)
from geo.io.geojson import json_value, repair_rounded, rfc7946_geometries, to_geojson
from geo.io.table import neutralise_formulas, to_csv

FORMATS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".csv": "csv"}
#: `-o -`: standard output (GeoJSON and CSV; a GeoPackage needs a seekable file)
STDOUT = "-"


# --------------------------------------------------------------------------- downloads


def export_geojson_bytes(items: gpd.GeoDataFrame, filters: flt.Filters) -> bytes:
    """The GeoJSON of the items `filters` selects: what the CLI writes and the app downloads."""
    return to_geojson(flt.apply_filters(items, filters)).encode("utf-8")


def export_csv_bytes(items: gpd.GeoDataFrame, filters: flt.Filters) -> bytes:
    """CSV of the selection, UTF-8 with a byte-order mark so spreadsheet programs read 中文."""
    return to_csv(flt.apply_filters(items, filters)).encode("utf-8-sig")


# --------------------------------------------------------------------------- files


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
    out = gdf.to_crs(settings.crs) if gdf.crs is not None else gdf.set_crs(settings.crs)
    out = out.copy()
    fixed = rfc7946_geometries(out.geometry.array)
    out[out.geometry.name] = gpd.GeoSeries(fixed, index=out.index, crs=settings.crs)
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
    "EXPORTERS",
    "FORMATS",
    "STDOUT",
    "WRITERS",
    "ExportError",
    "PathArg",
    "atomic_path",
    "export_bytes",
    "export_csv_bytes",
    "export_geojson_bytes",
    "export_geometries",
    "export_gpkg_bytes",
    "infer_format",
    "json_value",
    "neutralise_formulas",
    "remove_stale",
    "repair_rounded",
    "rfc7946_geometries",
    "to_csv",
    "to_geojson",
    "writable_target",
    "write_bytes",
    "write_csv",
    "write_geojson",
    "write_gpkg",
    "write_gpkg_layers",
]
