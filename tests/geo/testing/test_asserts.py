"""`geo.testing.assert_items_equal`: equal as readers see them, and loud when they differ."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from geo.testing import assert_items_equal, items_frame

ROWS = [
    {"id": "a", "name": "甲", "kind": "park", "year": 2024, "geometry": Point(121.45, 31.23)},
    {"id": "b", "name": "乙", "kind": "project", "year": 2025, "geometry": None},
]


def test_equal_up_to_dtypes_and_row_labels() -> None:
    left = items_frame(ROWS)
    right = items_frame(ROWS).set_index(left.index + 10)
    right["year"] = right["year"].astype("float64")  # what a reader conforms back to Int64
    assert_items_equal(left, right)


def test_row_order_counts_unless_check_like() -> None:
    left, right = items_frame(ROWS), items_frame(ROWS[::-1])
    with pytest.raises(AssertionError):
        assert_items_equal(left, right)
    assert_items_equal(left, right, check_like=True)


def test_a_different_value_or_geometry_fails() -> None:
    moved = [dict(ROWS[0], geometry=Point(121.46, 31.23)), ROWS[1]]
    renamed = [ROWS[0], dict(ROWS[1], name="丙")]
    for other in (moved, renamed):
        with pytest.raises(AssertionError):
            assert_items_equal(items_frame(ROWS), items_frame(other))
