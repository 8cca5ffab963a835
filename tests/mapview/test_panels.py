"""The side panels' words: every reason the map gives for leaving an item off is translated."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import GeometryCollection, Point

from mapview import panels
from mapview.payload import draw_reasons


def test_every_not_on_the_map_reason_is_in_both_languages():
    frame = gpd.GeoDataFrame(
        {"kind": ["project", "castle", "project"]},
        geometry=[None, Point(121.45, 31.25), GeometryCollection([Point(121.45, 31.25)])],
        crs="EPSG:4326",
    )
    reasons = draw_reasons(frame).tolist()
    assert all(reasons)
    zh = [panels.reason_words({"reason": r}, "zh") for r in reasons]
    assert zh[0].startswith("未定位") and zh[1].startswith("未知类型 'castle'")
    assert zh[2].startswith("几何类型 GeometryCollection")
    en = [panels.reason_words({"reason": r}, "en") for r in reasons]
    assert en == reasons  # the English words are the map's own
