"""The geocoder on the evidence layers: crossings named by bus stops, roads known by one
crossing, residents' committees, estimated lines, points pulled inside (synthetic world)."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from geo import testing
from geo.geocode import AtlasGeocoder
from geo.geocode.calibrate import PRECISION_2_RADIUS_M
from geo.geocode.heldout import METHOD_CROSSING, METHOD_LONE
from tests.worlds.gazetteer import CRS, synthetic_layers


def _frame(rows: list[dict], **defaults: object) -> gpd.GeoDataFrame:
    base = {"aliases": "", "source": "synthetic", "licence": "CC0-1.0", **defaults}
    return testing.frame(rows, crs=CRS, **base)


def _world() -> dict[str, gpd.GeoDataFrame]:
    layers = synthetic_layers()
    layers["crossings"] = _frame(
        [
            # 南京西路 (y = 31.22) meets 新一路, a road no source draws, at x = 121.47
            {
                "name": "南京西路新一路",
                "road_a": "南京西路",
                "road_b": "新一路",
                "geometry": Point(121.47, 31.2201),
            },
            # 汶水路 (y = 31.28) meets 共和新路 (x = 121.46)
            {
                "name": "汶水路共和新路",
                "road_a": "共和新路",
                "road_b": "汶水路",
                "geometry": Point(121.4601, 31.2801),
            },
            # 边路 meets 界路 0.0002° (≈ 20 m) south of the district's edge
            {
                "name": "边路界路",
                "road_a": "界路",
                "road_b": "边路",
                "geometry": Point(121.47, 31.1998),
            },
        ],
        kind="crossing",
        stops=2,
        spread_m=20.0,
    )
    layers["committees"] = _frame(
        [
            {"name": "洪南山宅居委会", "aliases": "洪南山宅", "subdistrict": "彭浦镇"},
            {"name": "南京西路居委会", "aliases": "南京西路", "subdistrict": "静安寺街道"},
            {"name": "大宁一村居委会", "aliases": "大宁一村", "subdistrict": "大宁路街道"},
            {
                "name": "汶水路四零零弄居委会",
                "aliases": "汶水路400弄",
                "subdistrict": "大宁路街道",
                "road": "汶水路",
                "lane": 400,
            },
        ],
        kind="committee",
        road="",
        lane=None,
        geometry=None,
    )
    return layers


@pytest.fixture(scope="module")
def geocoder() -> AtlasGeocoder:
    return AtlasGeocoder(_world())


def test_a_crossing_named_by_bus_stops_is_their_point(geocoder: AtlasGeocoder) -> None:
    for query in ("南京西路新一路口", "南京西路与新一路交叉口", "新一路南京西路路口"):
        res = geocoder.resolve(query)
        assert res.method == METHOD_CROSSING, query
        assert (res.lon, res.lat) == pytest.approx((121.47, 31.2201))
        assert res.uncertainty_m is not None
        assert res.precision == (2 if res.uncertainty_m <= PRECISION_2_RADIUS_M else 5)


def test_a_road_known_by_one_crossing_is_that_point_with_its_radius(
    geocoder: AtlasGeocoder,
) -> None:
    res = geocoder.resolve("新一路88号")
    assert res.method == METHOD_LONE and res.geometry.geom_type == "Point"
    assert (res.lon, res.lat) == pytest.approx((121.47, 31.2201))
    assert res.uncertainty_m is not None and res.uncertainty_m > 0
    assert geocoder.resolve("无名路88号").method == "unlocated"  # no crossing: no answer


def test_a_point_a_few_metres_outside_is_pulled_inside(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve("边路界路口")
    assert res.method == METHOD_CROSSING
    assert geocoder.index.in_district(Point(res.lon, res.lat))
    assert res.lat == pytest.approx(31.20, abs=1e-4)


def test_a_lane_committee_names_the_subdistrict_of_its_address(geocoder: AtlasGeocoder) -> None:
    lane = geocoder.resolve("汶水路400弄")
    assert lane.method.startswith("address:") and lane.subdistrict == "大宁路街道"
    # an estate committee named in the address is evidence too
    assert geocoder.resolve("汶水路500号大宁一村").subdistrict == "大宁路街道"
    # without the committee, the 街道 nearly all of the estimate's disc lies in
    assert AtlasGeocoder(synthetic_layers()).resolve("汶水路400弄").subdistrict == "彭浦镇"


def test_an_estate_committee_places_a_text_in_its_subdistrict(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve("洪南山宅240街坊")
    assert (res.method, res.precision, res.subdistrict) == ("area:committee", 3, "彭浦镇")
    assert res.geometry.equals(
        synthetic_layers()["subdistricts"].set_index("name").geometry["彭浦镇"]
    )
    # an estate named like a road is the road, not committee evidence
    assert geocoder.resolve("南京西路").method == "exact"
    # an estate only part of a longer word is still named ("大宁一村改造")
    assert geocoder.resolve("大宁一村改造").subdistrict == "大宁路街道"


def test_an_estimated_road_is_on_the_road_never_an_exact_shape() -> None:
    layers = _world()
    roads = layers["roads"].copy()
    roads["derivation"] = ""
    roads["uncertainty_m"] = 0.0
    extra = _frame(
        [
            {
                "name": "估计路",
                "kind": "road",
                "derivation": "estimated: a line through 3 bus-stop crossings",
                "uncertainty_m": 70.0,
                "geometry": LineString([(121.42, 31.26), (121.44, 31.26)]),
            }
        ]
    )
    layers["roads"] = gpd.GeoDataFrame(
        gpd.pd.concat([roads, extra], ignore_index=True), geometry="geometry", crs=CRS
    )
    geocoder = AtlasGeocoder(layers)
    estimated, drawn = geocoder.resolve("估计路"), geocoder.resolve("汶水路")
    assert (estimated.method, estimated.precision) == ("exact", 2)
    assert estimated.uncertainty_m is not None and estimated.uncertainty_m >= 70
    assert drawn.precision == 1
