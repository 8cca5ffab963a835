"""geopandas-style assertions for atlas items (cf. `geopandas.testing`): one comparison that
knows the schema, so tests compare what a reader would see rather than incidental dtypes."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from geopandas.testing import assert_geodataframe_equal

from geo.schema import conform_items


def assert_items_equal(
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    check_like: bool = False,
    check_index: bool = False,
) -> None:
    """Raise `AssertionError` unless the two items layers are equal once both are conformed to
    the schema (`geo.schema.conform_items`: the exact columns, dtypes and CRS every reader
    gets). Row labels are ignored unless `check_index`; with `check_like` row order is ignored
    too (rows are matched by `id`)."""
    a, b = conform_items(left), conform_items(right)
    if check_like:
        a, b = a.sort_values("id", kind="stable"), b.sort_values("id", kind="stable")
    if not check_index:
        a, b = a.reset_index(drop=True), b.reset_index(drop=True)
    assert_geodataframe_equal(gpd.GeoDataFrame(a), gpd.GeoDataFrame(b))
