"""Atlas I/O at the edges: the one `read_atlas` for a GeoPackage or a PostGIS URL (`read`),
file exports with atomic writes (`export`), the PostGIS store (`store`); `is_url` and `shown`
are `atlas.dsn`'s, re-exported."""

from __future__ import annotations

from typing import TYPE_CHECKING

from atlas.lazy import exports

if TYPE_CHECKING:  # imported on first use (atlas.lazy): psycopg only for the store
    from atlas.dsn import is_url, shown
    from geo.io.export import (
        EXPORTERS,
        ExportError,
        export_csv_bytes,
        export_geojson_bytes,
        export_gpkg_bytes,
        to_csv,
        to_geojson,
        write_csv,
        write_geojson,
        write_gpkg,
        write_gpkg_layers,
    )
    from geo.io.read import (
        atlas_stamp,
        canonical_areas,
        filter_vocabulary,
        read_atlas,
        read_items,
        select,
    )
    from geo.io.store import (
        PublishResult,
        StoreError,
        publish,
    )

__all__ = [
    "EXPORTERS",
    "ExportError",
    "PublishResult",
    "StoreError",
    "atlas_stamp",
    "canonical_areas",
    "export_csv_bytes",
    "export_geojson_bytes",
    "export_gpkg_bytes",
    "filter_vocabulary",
    "is_url",
    "publish",
    "read_atlas",
    "read_items",
    "select",
    "shown",
    "to_csv",
    "to_geojson",
    "write_csv",
    "write_geojson",
    "write_gpkg",
    "write_gpkg_layers",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = exports(__name__, __file__)
