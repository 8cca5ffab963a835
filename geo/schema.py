"""The atlas schema: column order, vocabularies and the precision scale, defined once.

Every stage (build, export, app) imports these so that a column cannot be spelled two ways.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from atlas.settings import settings

#: Decimal places kept in every coordinate the atlas hands out (exports, the geocoder's
#: lon/lat, the page's data file): RFC 7946 §11.2, ~10 cm at 6 places.
DECIMALS = 6

KINDS: tuple[str, ...] = ("project", "beautiful_block", "park", "zone", "road")
PERIODS: tuple[str, ...] = ("review", "plan", "multi-year")
STATUSES: tuple[str, ...] = ("planned", "started", "completed", "ongoing", "mentioned")
#: What became of a plan item, from later reports (`geo.threads.links`); null for non-plans.
OUTCOMES: tuple[str, ...] = ("delivered", "in_progress", "replanned", "no_later_mention")

#: Columns of the `items` layer, in order (geometry last).
ITEM_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "kind",
    "category",
    "year",
    "period",
    "status",
    "location",
    "quote",
    "doc",
    "doc_title",
    "start",
    "end",
    "precision",
    "uncertainty_m",
    "method",
    "subdistrict",
    "zone",
    "boundary",
    "missing_sides",
    "thread",
    "outcome",
    "geometry",
)

#: Columns of the `threads` layer (one row per thread, `geo.threads.links.thread_table`).
THREAD_COLUMNS: tuple[str, ...] = (
    "thread",
    "label",
    "kind",
    "first_year",
    "last_year",
    "mentions",
    "reports",
    "latest_status",
    "outcome",
    "plans",
    "first_doc",
    "last_doc",
    "candidates",
    "geometry",
)

#: Multi-valued text columns hold their values joined by this separator.
MULTI_SEP = ";"

#: AidData's precision scale, adapted to a district.
PRECISION: dict[int, str] = {
    1: "exact point or shape",
    2: "on the named road, or within ~250 m",
    3: "the 街道 (sub-district)",
    4: "the district",
    5: "a functional zone, or an estimate",
}

#: Nullable integer columns of the `items` layer (GeoPackage stores them as integers; a reader
#: that gets floats back because of nulls casts them here, so `2025` never prints as `2025.0`).
INT_COLUMNS: tuple[str, ...] = ("year", "start", "end", "precision")
#: Float columns of the `items` layer (NaN when unknown): `uncertainty_m`, the radius in metres
#: around the item's representative point that holds it (null when unlocated).
FLOAT_COLUMNS: tuple[str, ...] = ("uncertainty_m",)

#: Stable row order of the `items` layer: by document, then position in it, then id.
SORT_COLUMNS: tuple[str, ...] = ("doc", "start", "id")

#: Layers of `data/atlas.gpkg`, in the order they are written.
ATLAS_LAYERS: tuple[str, ...] = (
    "items",
    "subdistricts",
    "zones",
    "district",
    "roads",
    "water",
    "threads",
)
#: Reference layers an atlas may lack (older files; the page then draws none). A missing
#: `threads` layer is derived on reading (`geo.threads.links.with_threads`).
OPTIONAL_ATLAS_LAYERS: tuple[str, ...] = ("roads", "water")

#: `method` of an item that could not be placed (its geometry and precision are null).
UNLOCATED = "unlocated"


def located_array(geoms: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Whether each geometry is there to draw: present and not empty — the one test of
    "located" (an unlocated item has no geometry; a reader unlocates bad coordinates by
    setting None; a clip or a repair may leave an empty one). `is_located` is the same test
    as a mask on a frame's index."""
    values = np.asarray(geoms, dtype=object)
    return np.asarray(~(shapely.is_missing(values) | shapely.is_empty(values)), dtype=bool)


def is_located(geoms: gpd.GeoSeries | gpd.GeoDataFrame) -> pd.Series:
    """`located_array` of a GeoSeries or of a GeoDataFrame's geometry, as a boolean Series on
    its index (a mask for the frame)."""
    series = geoms.geometry if isinstance(geoms, gpd.GeoDataFrame) else geoms
    return pd.Series(located_array(series.array), index=series.index, dtype=bool)


def conform_items(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """`frame` with exactly `ITEM_COLUMNS`, in order, as a GeoDataFrame in EPSG:4326.

    Missing columns are added as nulls, integer columns become nullable `Int64`, text columns
    hold `None`/NaN for unknown. Used by the build and by every reader, so that what the app
    reads back from the GeoPackage has the same dtypes as what the build wrote."""
    out = pd.DataFrame(index=frame.index)
    for column in ITEM_COLUMNS[:-1]:
        if column not in frame.columns:
            out[column] = pd.Series(pd.NA if column in INT_COLUMNS else None, index=frame.index)
        else:
            out[column] = frame[column]
        if column in INT_COLUMNS:
            out[column] = pd.to_numeric(out[column], errors="raise").astype("Int64")
        elif column in FLOAT_COLUMNS:
            out[column] = pd.to_numeric(out[column], errors="raise").astype("float64")
        else:
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    geometry = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame.get("geometry")
    if geometry is None:
        geometry = gpd.GeoSeries([None] * len(frame), index=frame.index, crs=settings.crs)
    gdf = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geometry, index=frame.index), crs=None)
    if isinstance(geometry, gpd.GeoSeries) and geometry.crs is not None:
        gdf = gdf.set_crs(geometry.crs).to_crs(settings.crs)
    else:
        gdf = gdf.set_crs(settings.crs)
    return gdf
