"""The offline AtlasGeocoder on a synthetic gazetteer: names, clashes, addresses, areas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from shapely.geometry import LineString, Point, shape

from geo.geocode import AtlasGeocoder, Resolution, normalise_name
from geo.schema import PRECISION, UNLOCATED
from tests.worlds.gazetteer import synthetic_layers


@pytest.fixture(scope="module")
def geocoder() -> AtlasGeocoder:
    return AtlasGeocoder(synthetic_layers())


def test_is_a_geopy_geocoder(geocoder: AtlasGeocoder) -> None:
    assert isinstance(geocoder, Geocoder)


def test_location_is_latitude_then_longitude(geocoder: AtlasGeocoder) -> None:
    location = geocoder.geocode("静安寺")
    assert isinstance(location, Location)
    # the classic swap: geopy points are (latitude, longitude)
    assert location.latitude == pytest.approx(31.2205)
    assert location.longitude == pytest.approx(121.440)
    assert location.point.latitude < 90 < location.point.longitude
    assert location.raw["lon"] == pytest.approx(121.440)
    assert location.raw["geometry"]["coordinates"][0] == pytest.approx(121.440)


def test_raw_carries_the_contract_fields(geocoder: AtlasGeocoder) -> None:
    raw = geocoder.geocode("大宁公园").raw
    for key in ("precision", "method", "matched", "subdistrict", "zone", "geometry"):
        assert key in raw
    assert raw["geometry"]["type"] == "Polygon"  # the full shape of an area
    assert shape(raw["geometry"]).contains(Point(raw["lon"], raw["lat"]))


def test_exact_name(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve("静安寺")
    assert (res.precision, res.method, res.matched) == (1, "exact", "静安寺")
    assert res.subdistrict == "静安寺街道"
    assert res.zone == "中央活力区;南京西路"  # every containing zone, sorted


def test_alias(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve("大宁公园")
    assert (res.method, res.matched, res.precision) == ("alias", "大宁灵石公园", 1)
    assert res.subdistrict == "大宁路街道"


def test_normalisation_prefix_spaces_full_width_and_project_words(
    geocoder: AtlasGeocoder,
) -> None:
    assert geocoder.resolve("上海市静安区 大宁灵石公园").matched == "大宁灵石公园"
    res = geocoder.resolve("大宁灵石公园改造项目")
    assert (res.matched, res.precision) == ("大宁灵石公园", 1)
    assert normalise_name("（上海）静安雕塑公园") == "静安雕塑公园"


def test_fuzzy_name(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve("静安雕塑园")
    assert res.matched == "静安雕塑公园"
    assert res.method.startswith("fuzzy")


@pytest.mark.parametrize("query", ["上海市第一人民医院", "静安雕像公园广场", "雕塑公园"])
def test_fuzzy_refuses_near_misses(geocoder: AtlasGeocoder, query: str) -> None:
    # 第一 ≠ 第十; a longer, different name; a short generic name
    res = geocoder.resolve(query)
    assert res.matched != "上海市第十人民医院"
    assert not res.method.startswith("fuzzy")


@pytest.mark.parametrize(
    ("query", "layer_name", "precision"),
    [
        ("静安寺", "静安寺", 1),  # the temple
        ("静安寺街道", "静安寺街道", 3),  # the 街道
        ("南京西路", "南京西路", 1),  # the road (a line)
        ("南京西路街道", "南京西路街道", 3),
        ("南京西路商圈", "南京西路", 5),  # the functional zone
        ("南西", "南京西路", 5),
        ("彭浦镇", "彭浦镇", 3),
        ("大宁", "大宁", 5),
    ],
)
def test_same_name_clashes_are_decided_by_suffix(
    geocoder: AtlasGeocoder, query: str, layer_name: str, precision: int
) -> None:
    res = geocoder.resolve(query)
    assert (res.matched, res.precision) == (layer_name, precision)


def test_bare_road_name_is_the_in_district_line(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve("共和新路")
    assert res.geometry.geom_type == "LineString"
    bounds = res.geometry.bounds
    assert bounds[1] >= 31.20 - 1e-9 and bounds[3] <= 31.30 + 1e-9  # clipped to the district
    assert res.lat == pytest.approx(31.25)  # its midpoint


def _honest(res: Resolution) -> None:
    """Precision follows the radius: 2 only within 250 m, else 3 when the answer's 街道 is
    known, else 5 (1 only at a feature)."""
    assert res.uncertainty_m is not None
    wide = 3 if res.subdistrict else 5
    assert res.precision == (2 if res.uncertainty_m <= 250 else wide), res


def test_address_interpolated_between_anchors(geocoder: AtlasGeocoder) -> None:
    # anchors: 共和新路1000号 at y=31.22, 3000号 at y=31.28 → 2000号 half way
    res = geocoder.resolve("共和新路2000号")
    assert res.method == "address:interpolated"
    _honest(res)
    assert (res.lon, res.lat) == pytest.approx((121.46, 31.25), abs=2e-4)  # ± the side offset
    road = synthetic_layers()["roads"].set_index("name").geometry["共和新路"]
    assert road.distance(Point(res.lon, res.lat)) < 2e-4  # on the road (its side of it)
    assert geocoder.resolve("共和新路2500弄").lat == pytest.approx(31.265, abs=2e-4)


def test_address_full_width_digits(geocoder: AtlasGeocoder) -> None:
    assert geocoder.resolve("共和新路２０００号").lat == pytest.approx(31.25, abs=2e-4)


def test_address_beyond_the_road_is_its_line_never_a_midpoint(geocoder: AtlasGeocoder) -> None:
    # at the road's fitted rate 9000号 lies beyond the road's end: not numberable
    res = geocoder.resolve("共和新路9000号")
    assert (res.method, res.precision) == ("address:road", 5)
    assert res.geometry.geom_type == "LineString"
    assert res.geometry.bounds[1] >= 31.20 - 1e-9 and res.geometry.bounds[3] <= 31.30 + 1e-9
    assert res.subdistrict is None  # the line crosses 南京西路街道 and 彭浦镇: no guess


def test_street_known_only_by_numbered_places(geocoder: AtlasGeocoder) -> None:
    # 陕西北路 has no line, but two places carry 陕西北路 100号 and 300号
    res = geocoder.resolve("陕西北路200号")
    assert res.method == "address:interpolated"
    _honest(res)
    assert (res.lon, res.lat) == pytest.approx((121.43, 31.235), abs=2e-4)
    # one anchor and no line: nothing to number along
    assert geocoder.resolve("常德路12号").method == UNLOCATED


def test_street_known_only_by_places_never_leaves_the_district(geocoder: AtlasGeocoder) -> None:
    # 陕西北路 100号 → 300号 runs north: 99000号 would be far out; no line to fall back on
    assert geocoder.resolve("陕西北路99000号").method == UNLOCATED


def test_address_equal_to_a_known_place_is_that_place(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve("南京西路1686号")
    assert (res.method, res.matched, res.precision) == ("address:place", "静安寺", 1)


def test_address_without_anchors_follows_the_prior_from_the_road_start(
    geocoder: AtlasGeocoder,
) -> None:
    # 汶水路 runs east–west: numbers rise from its east end (x=121.49) westwards
    low, high = geocoder.resolve("汶水路40号"), geocoder.resolve("汶水路400号")
    assert low.method == high.method == "address:model:prior"
    assert 121.45 < high.lon < low.lon <= 121.49
    assert low.lat == pytest.approx(31.28, abs=2e-4)
    for res in (low, high):
        # precision follows the measured radius, whichever method made the answer (and the
        # 街道, when nearly all of a wider disc lies in one)
        assert res.uncertainty_m > 0
        wide = 3 if res.subdistrict else 5
        assert res.precision == (2 if res.uncertainty_m <= 250 else wide)
    assert high.uncertainty_m > low.uncertainty_m  # further from the start, further off


def test_road_without_a_numbering_start_is_its_line(geocoder: AtlasGeocoder) -> None:
    layers = synthetic_layers()
    layers["roads"] = layers["roads"].assign(start_cut=True)  # the sources cut every start
    res = AtlasGeocoder(layers).resolve("汶水路400号")
    assert (res.method, res.precision, res.geometry.geom_type) == (
        "address:road",
        5,
        "LineString",
    )
    assert res.subdistrict is None  # half in 大宁路街道, half in 彭浦镇
    # a drawn stretch lying wholly in one 街道 does not name it for a number: the number may
    # lie beyond what the sources draw (a stub) — the road itself, without a number, does
    layers["roads"] = layers["roads"].copy()  # a new frame: a new index
    layers["roads"].loc[layers["roads"]["name"] == "汶水路", "geometry"] = LineString(
        [(121.41, 31.28), (121.44, 31.28)]
    )
    stub = AtlasGeocoder(layers)
    assert stub.resolve("汶水路400号").subdistrict is None
    assert stub.resolve("汶水路沿线").subdistrict == "大宁路街道"


def test_address_on_a_road_the_gazetteer_lacks_is_unlocated(geocoder: AtlasGeocoder) -> None:
    for query in ("康定路367弄", "汶水东路10号", "南京东路100号"):
        res = geocoder.resolve(query)
        assert res.method == UNLOCATED, query
        assert (res.geometry, res.lon, res.lat, res.precision) == (None, None, None, None)
        assert geocoder.geocode(query) is None


def test_unknown_road_named_like_an_area_is_not_that_area(geocoder: AtlasGeocoder) -> None:
    # 大宁路 is no road here; "大宁" (a zone) and "大宁路" (a 街道 short name) must not answer.
    assert geocoder.resolve("大宁路355号").method == UNLOCATED


def test_road_outside_the_district_is_unlocated(geocoder: AtlasGeocoder) -> None:
    assert geocoder.resolve("外区路10号").method == UNLOCATED


def test_unknown_road_falls_back_to_the_named_subdistrict(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve("静安寺街道康定路367弄")
    assert (res.method, res.matched, res.precision) == ("area:subdistrict", "静安寺街道", 3)


def test_known_road_is_placed_inside_the_named_subdistrict(geocoder: AtlasGeocoder) -> None:
    # 汶水路 crosses two 街道; its midpoint (x=121.45) is on their edge; the text names 彭浦镇.
    res = geocoder.resolve("彭浦镇汶水路400号")
    assert res.subdistrict == "彭浦镇"
    assert res.geometry.intersects(synthetic_layers()["subdistricts"].geometry.iloc[3])


def test_crossing(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve("共和新路南京西路路口")
    assert res.method == "address:crossing"
    assert (res.lon, res.lat) == pytest.approx((121.46, 31.22))


def test_zone_and_district_fallbacks(geocoder: AtlasGeocoder) -> None:
    zone = geocoder.resolve("大宁功能区内的新项目")
    assert (zone.method, zone.matched, zone.precision) == ("area:zone", "大宁", 5)
    district = geocoder.resolve("全区范围")
    assert (district.method, district.precision) == ("area:district", 4)
    assert district.subdistrict is None


def test_several_subdistricts_make_one_area(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve("静安寺街道和彭浦镇的老旧小区")
    assert res.precision == 3
    assert res.method == "area:subdistrict:multiple"
    assert res.subdistrict == "彭浦镇;静安寺街道"


def test_place_named_in_a_longer_text(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve("大宁灵石公园北侧绿化")
    assert (res.method, res.matched, res.precision) == ("name-in-text", "大宁灵石公园", 2)


def test_two_far_apart_places_of_one_name_are_not_one_point(geocoder: AtlasGeocoder) -> None:
    res = geocoder.resolve("同名大楼")
    assert res.method == UNLOCATED
    assert res.geometry is None


@pytest.mark.parametrize("query", ["", "   ", "完全不存在的地方", None, "<b>x</b>"])
def test_never_none(geocoder: AtlasGeocoder, query: str | None) -> None:
    res = geocoder.resolve(query)
    assert isinstance(res, Resolution)
    assert res.method == UNLOCATED
    assert res.precision is None


def test_every_precision_is_on_the_scale(geocoder: AtlasGeocoder) -> None:
    queries = ["静安寺", "大宁灵石公园北侧", "静安寺街道", "全区", "大宁功能区", "汶水路400号"]
    assert {geocoder.resolve(q).precision for q in queries} == set(PRECISION)


def test_exactly_one_false_returns_a_list(geocoder: AtlasGeocoder) -> None:
    found = geocoder.geocode("静安寺", exactly_one=False)
    assert isinstance(found, list) and len(found) == 1
    assert geocoder.geocode("康定路367弄", exactly_one=False) is None


def test_resolution_to_dict_is_json_ready(geocoder: AtlasGeocoder) -> None:
    row = geocoder.resolve("静安寺").to_dict()
    assert set(row) == {
        "query",
        "lon",
        "lat",
        "precision",
        "method",
        "matched",
        "subdistrict",
        "zone",
        "uncertainty_m",
        "geometry_type",
    }


def test_layers_may_come_as_an_object_with_attributes() -> None:
    class Gaz:
        pass

    gaz = Gaz()
    for name, frame in synthetic_layers().items():
        setattr(gaz, name, frame)
    assert AtlasGeocoder(gaz).resolve("静安寺").precision == 1


# ---------------------------------------------------------------------------- real gazetteer
REAL = Path(__file__).resolve().parents[3] / "data" / "gazetteer.gpkg"
needs_real = pytest.mark.skipif(not REAL.is_file(), reason="data/gazetteer.gpkg not built")


@pytest.fixture(scope="module")
def real() -> tuple[Any, AtlasGeocoder]:
    from geo.gazetteer.build import load_gazetteer

    gazetteer = load_gazetteer(REAL)
    return gazetteer, AtlasGeocoder(gazetteer)


def _polygon(frame: Any, name: str) -> Any:
    return frame.set_index("name").geometry[name]


@needs_real
def test_real_jingan_temple_is_inside_its_subdistrict(real) -> None:
    gazetteer, geocoder = real
    location = geocoder.geocode("静安寺")
    assert 31.2 < location.latitude < 31.35 and 121.4 < location.longitude < 121.5
    res = geocoder.resolve("静安寺")
    assert (res.precision, res.subdistrict) == (1, "静安寺街道")
    assert _polygon(gazetteer.subdistricts, "静安寺街道").contains(Point(res.lon, res.lat))
    assert geocoder.resolve("静安寺街道").precision == 3


@needs_real
def test_real_park_alias(real) -> None:
    _, geocoder = real
    assert geocoder.resolve("大宁公园").matched == "大宁灵石公园"


@needs_real
@pytest.mark.parametrize("query", ["共和新路3550号", "共和新路4470弄", "共和新路710弄"])
def test_real_address_lands_on_its_road_inside_the_district(real, query: str) -> None:
    gazetteer, geocoder = real
    res = geocoder.resolve(query)
    assert res.method.startswith("address:") and res.precision in (2, 5)
    point = Point(res.lon, res.lat)
    assert _polygon(gazetteer.roads, "共和新路").distance(point) < 5e-4  # its side of the road
    assert gazetteer.district.geometry.iloc[0].intersects(point)
    assert res.subdistrict in {None, *gazetteer.subdistricts["name"]}


@needs_real
def test_real_address_on_a_missing_road_is_unlocated(real) -> None:
    gazetteer, geocoder = real
    known = set(gazetteer.roads["name"]) | set(gazetteer.places["street"].dropna())
    assert not any(str(s).startswith("彭越浦路") for s in known)  # the premise of this test
    assert geocoder.resolve("彭越浦路695号").method == UNLOCATED
    assert geocoder.resolve("彭浦镇彭越浦路695号").matched == "彭浦镇"


@needs_real
def test_real_address_on_a_road_known_by_its_bus_stops_is_an_honest_estimate(real) -> None:
    gazetteer, geocoder = real
    roads = gazetteer.roads.set_index("name")
    assert "no source draws it" in roads.loc["灵石路", "derivation"]  # lines from its stops
    res = geocoder.resolve("灵石路695号")
    assert res.method == "address:model:estimated"
    assert res.uncertainty_m is not None and res.uncertainty_m > 250 and res.precision in (3, 5)
    crossing = geocoder.resolve("临汾路阳曲路口")
    assert crossing.method == "address:crossing" and crossing.precision == 2
    assert crossing.subdistrict in {"临汾路街道", "彭浦新村街道"}


@needs_real
def test_real_clashes(real) -> None:
    _, geocoder = real
    assert geocoder.resolve("南京西路").geometry.geom_type.endswith("LineString")
    assert geocoder.resolve("南京西路街道").precision == 3
    assert geocoder.resolve("南京西路功能区").precision == 5
    assert geocoder.resolve("大宁").matched == "大宁功能区"
    # 江宁路 is the road (the OSM extract has it), never the 街道 of that name
    assert geocoder.resolve("江宁路").geometry.geom_type.endswith("LineString")
    assert geocoder.resolve("彭越浦路").method == UNLOCATED  # a road it lacks, not a 街道
    # a road known only through its bus stops: on the road, never an exact shape
    assert (geocoder.resolve("灵石路").method, geocoder.resolve("灵石路").precision) == ("exact", 2)


@needs_real
def test_real_every_subdistrict_and_zone_name_resolves_to_itself(real) -> None:
    gazetteer, geocoder = real
    for layer, precision in ((gazetteer.subdistricts, 3), (gazetteer.zones, 5)):
        for name in layer["name"]:
            res = geocoder.resolve(name)
            assert (res.matched, res.precision) == (name, precision)


@needs_real
def test_real_place_names_round_trip(real) -> None:
    gazetteer, geocoder = real
    names = gazetteer.places["name"].dropna().unique()
    wrong = [n for n in names if geocoder.resolve(n).matched not in (n, None)]
    assert wrong == []
    placed = sum(geocoder.resolve(n).matched == n for n in names)
    assert placed >= 0.95 * len(names)


def test_two_road_names_side_by_side_are_their_crossing() -> None:
    geocoder = AtlasGeocoder(synthetic_layers())
    res = geocoder.resolve("共和新路南京西路地块")
    assert res.method == "address:crossing"
    assert (res.lon, res.lat) == pytest.approx((121.46, 31.22))
    # 南京西路 and 汶水路 are parallel: no crossing, no guess
    assert geocoder.resolve("南京西路汶水路").method == UNLOCATED


def test_the_district_name_inside_another_name_is_no_location() -> None:
    layers = synthetic_layers()
    layers["district"] = layers["district"].assign(aliases="静安")
    geocoder = AtlasGeocoder(layers)
    assert geocoder.resolve("静安国际中心").method == UNLOCATED
    assert geocoder.resolve("静安区新建学校").method == "area:district"
    assert geocoder.resolve("静安").precision == 4


def test_a_longer_road_name_is_not_the_known_road_inside_it() -> None:
    geocoder = AtlasGeocoder(synthetic_layers())
    # 老南京西路 would be another road; its addresses and mentions are not 南京西路's
    assert geocoder.resolve("老南京西路100号").method == UNLOCATED
    assert geocoder.resolve("老南京西路沿线").method == UNLOCATED
    assert geocoder.resolve("推进南京西路沿线").method == "road-in-text"


def test_an_area_naming_a_road_and_a_zone_is_the_zone() -> None:
    geocoder = AtlasGeocoder(synthetic_layers())
    res = geocoder.resolve("汶水路—大宁创新集聚带")
    assert (res.method, res.matched) == ("area:zone", "大宁")


def test_a_subdistrict_short_name_in_a_text_is_that_subdistrict_unless_a_road_or_place() -> None:
    geocoder = AtlasGeocoder(synthetic_layers())
    res = geocoder.resolve("彭浦社区健康管理中心")
    assert (res.method, res.matched) == ("area:subdistrict", "彭浦镇")
    assert geocoder.resolve("大宁路某大楼").method == UNLOCATED  # 大宁路: a road it lacks
    assert geocoder.resolve("静安寺某大楼").method == "name-in-text"  # the temple


def _with(layer: str, rows: list[dict]) -> dict[str, Any]:
    """The synthetic layers with `rows` appended to `layer`."""
    import geopandas as gpd
    import pandas as pd

    layers = synthetic_layers()
    frame = layers[layer]
    extra = gpd.GeoDataFrame(
        [
            {"aliases": "", "kind": "", "source": "synthetic", "licence": "CC0-1.0", **r}
            for r in rows
        ],
        geometry="geometry",
        crs=frame.crs,
    )
    layers[layer] = gpd.GeoDataFrame(pd.concat([frame, extra], ignore_index=True), crs=frame.crs)
    return layers


def test_spoken_elevated_road_name_is_the_elevated_road() -> None:
    from shapely.geometry import LineString

    layers = _with(
        "roads",
        [
            {
                "name": "延安高架路",
                "kind": "elevated",
                "geometry": LineString([(121.41, 31.21), (121.49, 31.21)]),
            }
        ],
    )
    geocoder = AtlasGeocoder(layers)
    for query in ("延安路高架", "延安路高架沿线"):
        res = geocoder.resolve(query)
        assert res.matched == "延安高架路", query
        assert res.geometry.geom_type.endswith("LineString")
    # the spoken form comes from the elevated road itself, not from any road 延安…
    assert AtlasGeocoder(synthetic_layers()).resolve("延安路高架").method == UNLOCATED


def test_a_name_shared_across_the_district_line_is_the_place_inside() -> None:
    layers = _with(
        "places",
        [
            {"name": "甲面粉厂旧址", "aliases": "甲面粉厂", "geometry": Point(121.47, 31.24)},
            {"name": "M9", "aliases": "甲面粉厂", "geometry": Point(121.55, 31.24)},  # outside
        ],
    )
    res = AtlasGeocoder(layers).resolve("甲面粉厂")
    assert (res.method, res.matched, res.precision) == ("alias", "甲面粉厂旧址", 1)
    # the outside place keeps its own name
    assert AtlasGeocoder(layers).resolve("M9").matched == "M9"


def test_a_name_of_two_far_apart_places_inside_stays_ambiguous_despite_one_outside() -> None:
    layers = _with(
        "places",
        [
            {"name": "甲", "aliases": "花园洋房", "geometry": Point(121.41, 31.21)},
            {"name": "乙", "aliases": "花园洋房", "geometry": Point(121.49, 31.29)},
            {"name": "丙", "aliases": "花园洋房", "geometry": Point(121.55, 31.24)},  # outside
        ],
    )
    assert AtlasGeocoder(layers).resolve("花园洋房").method == UNLOCATED


#: Report names audited against ../shared/geodata (issue 3): each is the named source feature.
AUDITED = [
    ("会审公廨", "上海医疗器械九厂"),  # OSM way/495675268 old_name 会审公堂 (浙江北路191号)
    ("Foto摄影展览馆", "Fotografiska"),  # OSM way/1209450920
    ("上海OCT当代艺术中心", "OCAT"),  # OSM node/4291890118
    ("中国医药工业研究总院", "上海医药工业研究院"),  # Wikidata Q30281980, renamed 2017
    ("福新面粉厂", "福新面粉一厂旧址"),  # OSM way/495666213, not M120 across the line
    ("延安路高架", "延安高架路"),  # OSM elevated road
]


@needs_real
@pytest.mark.parametrize(("query", "feature"), AUDITED)
def test_real_audited_report_names_resolve_to_their_source_feature(real, query, feature) -> None:
    gazetteer, geocoder = real
    res = geocoder.resolve(query)
    assert (res.matched, res.precision) == (feature, 1)
    assert gazetteer.district.geometry.iloc[0].intersects(Point(res.lon, res.lat))


@needs_real
@pytest.mark.parametrize(
    "query",
    [
        "尤伦斯当代艺术中心",
        "张园",
        "上海久光中心",
        "雕塑公园艺术中心",
        "区图书馆（天目路馆）",
        "北京西路凤阳路",
        "东茭泾",
        "铁路公园南区",
    ],
)
def test_real_report_names_the_sources_lack_stay_unlocated(real, query) -> None:
    # near namesakes exist (UCCA ≠ 六岛艺术中心, 市北医院, 静安雕塑公园, 闸北区图书馆分馆, the
    # 大宁路街道, the parallel 北京西路/凤阳路, 东茭泾公园, 上海铁路博物馆): none is the place
    _, geocoder = real
    assert geocoder.resolve(query).method == UNLOCATED


def test_a_line_or_area_names_a_subdistrict_only_when_it_lies_in_one(
    geocoder: AtlasGeocoder,
) -> None:
    # 南京西路 (synthetic) runs through 静安寺街道 and 南京西路街道: its midpoint names neither
    assert geocoder.resolve("南京西路").subdistrict is None
    # 大宁灵石公园 lies wholly in 大宁路街道
    assert geocoder.resolve("大宁灵石公园").subdistrict == "大宁路街道"


@needs_real
@pytest.mark.parametrize("query", ["西康公园", "中兴公园", "闸北中心医院", "三泉公园"])
def test_real_places_the_poi_extract_adds_are_exact(real, query) -> None:
    # in no source before the OSM POI extract (issue 24): now its parks and hospitals
    _, geocoder = real
    res = geocoder.resolve(query)
    assert (res.method, res.precision) == ("exact", 1)
    assert "shanghai_pois_osm_2026-05.osm.pbf" in str(
        real[0].places.set_index("name").loc[res.matched, "source"]
    )


def test_an_items_parse_is_named_with_known_roads_not_parsed_again(
    geocoder: AtlasGeocoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extract.address import parse_location
    from geo.geocode import base

    text = "推进共和新路2000号"
    parsed = parse_location(text)  # as the extractor parsed the item's location
    expected = geocoder.resolve(text).to_dict()
    fresh = AtlasGeocoder(synthetic_layers())

    def parse_again(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the geocoder parsed the item's location again")

    monkeypatch.setattr(base, "parse_location", parse_again)
    assert fresh.resolve(text, parsed).to_dict() == expected
    assert expected["method"] == "address:interpolated"
