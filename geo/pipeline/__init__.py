"""Stage 3, placing items: extract, place (the shape per kind, 四至), join to 街道 and zones,
write the atlas (`build`), and the same for a user's own report in memory (`upload`)."""

from __future__ import annotations

from geo.pipeline.boundary import (
    BoundaryGeometry,
    boundary_geometry,
)
from geo.pipeline.build import (
    BuildError,
    BuildResult,
    BuildTimings,
    Extracted,
    Located,
    PlacingLayers,
    build_atlas,
    default_geocoder,
    extract_items,
    join_items,
    load_gazetteer_file,
    locate_items,
    place_and_join,
    place_items,
    run_build,
    write_atlas,
)
from geo.pipeline.upload import (
    DistrictCheck,
    UploadContext,
    UploadResult,
    UploadTimings,
    upload_report,
)

__all__ = [
    "BoundaryGeometry",
    "BuildError",
    "BuildResult",
    "BuildTimings",
    "DistrictCheck",
    "Extracted",
    "Located",
    "PlacingLayers",
    "UploadContext",
    "UploadResult",
    "UploadTimings",
    "boundary_geometry",
    "build_atlas",
    "default_geocoder",
    "extract_items",
    "join_items",
    "load_gazetteer_file",
    "locate_items",
    "place_and_join",
    "place_items",
    "run_build",
    "upload_report",
    "write_atlas",
]
