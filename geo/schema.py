"""The atlas schema: column order, vocabularies and the precision scale, defined once.

Every stage (build, export, app) imports these so that a column cannot be spelled two ways.
"""

from __future__ import annotations

CRS = "EPSG:4326"

KINDS: tuple[str, ...] = ("project", "beautiful_block", "park", "zone", "road")
PERIODS: tuple[str, ...] = ("review", "plan", "multi-year")
STATUSES: tuple[str, ...] = ("planned", "started", "completed", "ongoing", "mentioned")

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
    "method",
    "subdistrict",
    "zone",
    "boundary",
    "missing_sides",
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
