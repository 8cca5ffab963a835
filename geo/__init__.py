"""Jing'an Atlas, items → geometry: the public face of `geo/`.

The package is laid out by stage, each importing only from the stages below it (the
import-linter contract in pyproject.toml, checked by `lint-imports`):

    cli         every command of `python -m geo` / `jingan-atlas`, and only there
    testing     the test factory, a local Nominatim, a throw-away PostgreSQL (tests, bench)
    pipeline    build the atlas: extract, place (四至 included), join, write; uploads
    gazetteer   build and load data/gazetteer.gpkg from open geodata
    io          read_atlas (GeoPackage or PostGIS), atomic file exports, the PostGIS store
    threads     one project followed across reports
    geocode     the offline geopy geocoder: types and protocols, parsing, index, steps, online
    summary · filters · join · near · crs · schema   shared modules at the bottom

The page (`app.py`, `mapview/`) and `bench/` import from here, not from the modules. Each
name imports its stage on first use (`atlas.lazy`): `import geo` costs nothing, and the page
never loads the gazetteer build, the geocoder or psycopg unless it calls them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from atlas.lazy import exports

if TYPE_CHECKING:  # the names and their homes; imported on first use (atlas.lazy)
    from geo import filters, summary
    from geo.crs import (
        gcj02_to_wgs84,
        gdf_to_gcj02,
        gdf_to_wgs84,
        wgs84_to_gcj02,
    )
    from geo.filters import (
        FilterError,
        Filters,
        apply_filters,
        filter_arguments,
        mask,
        validate,
    )
    from geo.gazetteer import (
        Gazetteer,
        GazetteerError,
        build_gazetteer,
        load_gazetteer,
        write_gazetteer,
    )
    from geo.geocode import (
        AtlasGeocoder,
        GazetteerIndex,
        Resolution,
        normalise_name,
    )
    from geo.io import (
        EXPORTERS,
        ExportError,
        StoreError,
        atlas_stamp,
        canonical_areas,
        export_csv_bytes,
        export_geojson_bytes,
        filter_vocabulary,
        publish,
        read_atlas,
        read_items,
        select,
        shown,
        write_geojson,
        write_gpkg_layers,
    )
    from geo.join import (
        subdistrict_of,
        subdistricts_overlapping,
        zone_of,
    )
    from geo.near import DISTANCE, items_near, metric_point, to_metric
    from geo.pipeline import (
        BuildResult,
        Extracted,
        UploadContext,
        UploadResult,
        boundary_geometry,
        build_atlas,
        default_geocoder,
        extract_items,
        load_gazetteer_file,
        locate_items,
        run_build,
        upload_report,
        write_atlas,
    )
    from geo.schema import (
        ATLAS_LAYERS,
        DECIMALS,
        ITEM_COLUMNS,
        KINDS,
        OUTCOMES,
        PERIODS,
        PRECISION,
        STATUSES,
        THREAD_COLUMNS,
        UNLOCATED,
        conform_items,
        is_located,
        located_array,
    )
    from geo.threads import (
        link_threads,
        publication_order,
        thread_table,
        timeline,
        with_threads,
    )

__all__ = [
    "ATLAS_LAYERS",
    "DECIMALS",
    "DISTANCE",
    "EXPORTERS",
    "ITEM_COLUMNS",
    "KINDS",
    "OUTCOMES",
    "PERIODS",
    "PRECISION",
    "STATUSES",
    "THREAD_COLUMNS",
    "UNLOCATED",
    "AtlasGeocoder",
    "BuildResult",
    "ExportError",
    "Extracted",
    "FilterError",
    "Filters",
    "Gazetteer",
    "GazetteerError",
    "GazetteerIndex",
    "Resolution",
    "StoreError",
    "UploadContext",
    "UploadResult",
    "apply_filters",
    "atlas_stamp",
    "boundary_geometry",
    "build_atlas",
    "build_gazetteer",
    "canonical_areas",
    "conform_items",
    "default_geocoder",
    "export_csv_bytes",
    "export_geojson_bytes",
    "extract_items",
    "filter_arguments",
    "filter_vocabulary",
    "filters",
    "gcj02_to_wgs84",
    "gdf_to_gcj02",
    "gdf_to_wgs84",
    "is_located",
    "items_near",
    "link_threads",
    "load_gazetteer",
    "load_gazetteer_file",
    "locate_items",
    "located_array",
    "mask",
    "metric_point",
    "normalise_name",
    "publication_order",
    "publish",
    "read_atlas",
    "read_items",
    "run_build",
    "select",
    "shown",
    "subdistrict_of",
    "subdistricts_overlapping",
    "summary",
    "thread_table",
    "timeline",
    "to_metric",
    "upload_report",
    "validate",
    "wgs84_to_gcj02",
    "with_threads",
    "write_atlas",
    "write_gazetteer",
    "write_geojson",
    "write_gpkg_layers",
    "zone_of",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = exports(__name__, __file__)
