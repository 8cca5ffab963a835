"""read_osm on a small .osm file written by the test, and the --osm build path end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.gazetteer.build import build_gazetteer
from geo.gazetteer.osm import OsmError, read_osm
from tests.worlds.geodata import WEST, write_geodata


def node(i: int, lon: float, lat: float, **tags: str) -> str:
    inner = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
    return f'<node id="{i}" version="1" lat="{lat}" lon="{lon}">{inner}</node>'


def way(i: int, refs: list[int], **tags: str) -> str:
    nds = "".join(f'<nd ref="{r}"/>' for r in refs)
    inner = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
    return f'<way id="{i}" version="1">{nds}{inner}</way>'


def relation(i: int, members: list[tuple[int, str]], **tags: str) -> str:
    mem = "".join(f'<member type="way" ref="{r}" role="{role}"/>' for r, role in members)
    inner = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
    return f'<relation id="{i}" version="1">{mem}{inner}</relation>'


def write_osm(path: Path) -> Path:
    x0, y0, x1, y1 = WEST
    parts = [
        # the 甲街道 square as an admin_level 8 boundary relation (a newer snapshot)
        node(1, x0, y0),
        node(2, x1, y0),
        node(3, x1, y1),
        node(4, x0, y1),
        way(100, [1, 2, 3, 4, 1]),
        relation(
            500,
            [(100, "outer")],
            type="boundary",
            boundary="administrative",
            admin_level="8",
            name="甲街道",
        ),
        # a neighbourhood (admin_level 9) as a closed way
        node(5, 121.441, 31.221),
        node(6, 121.443, 31.221),
        node(7, 121.443, 31.223),
        way(101, [5, 6, 7, 5], boundary="administrative", admin_level="9", name="甲居委"),
        # a named street and a river, a ramp, a footway, an unnamed road
        node(10, 121.441, 31.228),
        node(11, 121.459, 31.228),
        way(110, [10, 11], highway="residential", name="新甲路"),
        way(111, [10, 11], highway="primary", name="Zhongwen Road", **{"name:zh": "中文路"}),
        node(12, 121.440, 31.2235),
        node(13, 121.460, 31.2235),
        way(112, [12, 13], waterway="river", name="甲河"),
        way(113, [10, 11], highway="trunk", name="新甲路出口"),
        way(114, [10, 11], highway="footway", name="小径"),
        way(115, [12, 13], highway="residential"),
        # a park as a multipolygon relation with two outer ways
        node(20, 121.451, 31.221),
        node(21, 121.452, 31.221),
        node(22, 121.452, 31.222),
        node(23, 121.453, 31.221),
        node(24, 121.454, 31.221),
        node(25, 121.454, 31.222),
        way(120, [20, 21, 22, 20]),
        way(121, [23, 24, 25, 23]),
        relation(
            501,
            [(120, "outer"), (121, "outer")],
            type="multipolygon",
            leisure="park",
            name="乙公园",
        ),
        # a POI node with an address
        node(
            30,
            121.447,
            31.226,
            amenity="hospital",
            name="甲医院",
            **{"addr:street": "新甲路", "addr:housenumber": "8"},
        ),
        node(31, 121.448, 31.226, name="无类别"),  # a name but no place-like tag
    ]
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
    path.write_text(xml + "\n".join(parts) + "\n</osm>\n", encoding="utf-8")
    return path


@pytest.fixture
def osm_file(tmp_path) -> Path:
    return write_osm(tmp_path / "tiny.osm")


def test_read_osm_layers(osm_file):
    layers = read_osm(osm_file)
    roads = layers["roads"]
    assert sorted(roads["name"]) == ["中文路", "新甲路", "甲河"]
    assert roads.set_index("name").loc["甲河", "kind"] == "river"
    assert roads.set_index("name").loc["中文路", "source"] == "tiny.osm#way/111"
    assert "Zhongwen Road" not in set(roads["name"])

    admin = layers["admin"].set_index("name")
    assert admin.loc["甲街道", "admin_level"] == 8
    assert admin.loc["甲街道", "osm_relation_id"] == 500
    assert admin.loc["甲街道", "source"] == "tiny.osm#relation/500"
    assert admin.loc["甲居委", "admin_level"] == 9

    places = layers["places"].set_index("name")
    assert set(places.index) == {"乙公园", "甲医院"}
    park = places.loc["乙公园"]
    assert park["kind"] == "park" and park.geometry.geom_type == "MultiPolygon"
    assert len(park.geometry.geoms) == 2
    assert park["source"] == "tiny.osm#relation/501"
    hospital = places.loc["甲医院"]
    assert (hospital["kind"], hospital["street"], hospital["housenumber"]) == (
        "hospital",
        "新甲路",
        "8",
    )
    for gdf in layers.values():
        assert gdf.crs.to_epsg() == 4326
        assert (gdf["licence"] == "ODbL-1.0").all()


def test_read_osm_missing_or_garbage(tmp_path):
    with pytest.raises(OsmError, match="not found"):
        read_osm(tmp_path / "none.osm")
    bad = tmp_path / "bad.osm"
    bad.write_text("<osm><node id='1' lat='x'", encoding="utf-8")
    with pytest.raises(OsmError):
        read_osm(bad)


def test_build_with_osm_merges_roads_places_and_boundaries(tmp_path, osm_file):
    root = write_geodata(tmp_path / "g")
    layers = build_gazetteer(
        root, osm_file, aliases_path=root / "aliases.csv", sentences=None
    ).layers
    roads = layers["roads"].set_index("name")
    assert {"新甲路", "中文路", "甲河", "甲路"} <= set(roads.index)
    assert roads.loc["甲河", "kind"] == "river"
    places = layers["places"].set_index("name")
    assert places.loc["乙公园", "geometry"].geom_type == "MultiPolygon"
    # OSM 乙公园 outranks the Wikidata point of the same name
    assert places.loc["乙公园", "source"] == "tiny.osm#relation/501"
    assert "jingan_pois_wikidata.geojson#Q2" in places.loc["乙公园", "see_also"]
    assert places.loc["甲居委", "kind"] == "neighbourhood"
    subs = layers["subdistricts"].set_index("name")
    assert subs.loc["甲街道", "source"] == "tiny.osm#relation/500"
    assert subs.loc["乙镇", "source"].startswith("jingan_subdistricts_osm_14.geojson")


def write_pbf(source: Path, target: Path) -> Path:
    """The same data as a .osm.pbf, written with pyosmium's writer (a real PBF encoder)."""
    import osmium

    writer = osmium.SimpleWriter(str(target))
    try:
        for obj in osmium.FileProcessor(str(source)):
            if obj.is_node():
                writer.add_node(obj)
            elif obj.is_way():
                writer.add_way(obj)
            elif obj.is_relation():
                writer.add_relation(obj)
    finally:
        writer.close()
    return target


def test_read_osm_pbf_gives_the_same_layers(osm_file, tmp_path):
    pbf = write_pbf(osm_file, tmp_path / "tiny.osm.pbf")
    assert pbf.read_bytes()[4:15] == b"\n\tOSMHeader"  # a PBF blob header, not XML
    xml_layers, pbf_layers = read_osm(osm_file), read_osm(pbf)
    for name in ("roads", "places", "admin"):
        xml_rows = sorted(
            zip(xml_layers[name]["name"], xml_layers[name].geometry.to_wkt(), strict=True)
        )
        pbf_rows = sorted(
            zip(pbf_layers[name]["name"], pbf_layers[name].geometry.to_wkt(), strict=True)
        )
        assert xml_rows == pbf_rows, name
    assert set(pbf_layers["roads"]["source"]) == {
        s.replace("tiny.osm#", "tiny.osm.pbf#") for s in xml_layers["roads"]["source"]
    }


def test_build_with_osm_pbf_keeps_whole_roads_and_marks_cut_starts(tmp_path, osm_file):
    root = write_geodata(tmp_path / "g")
    pbf = write_pbf(osm_file, tmp_path / "tiny.osm.pbf")
    layers = build_gazetteer(root, pbf, aliases_path=root / "aliases.csv", sentences=None).layers
    roads = layers["roads"].set_index("name")
    assert {"新甲路", "中文路", "甲河"} <= set(roads.index)
    # 新甲路 ends where the extract's data end (the envelope of what it holds): a cut start
    assert bool(roads.loc["新甲路", "start_cut"])
    assert "甲河" in set(layers["water"]["name"])  # river lines are water too


def write_poi_osm(path: Path) -> Path:
    """A POI extract like the Shanghai one: bus stops named after crossings (and one after a
    place), a metro station named like its road, shops and a bank, a school."""
    parts = [
        # three stops of 新乙路 at its crossings with 新甲路 and 新丙路, one of 新甲路 at 新乙路
        node(40, 121.4420, 31.2282, highway="bus_stop", name="新乙路新甲路"),
        node(41, 121.4420, 31.2250, highway="bus_stop", name="新乙路新丙路"),
        node(42, 121.4421, 31.2251, public_transport="platform", bus="yes", name="新乙路新丙路"),
        node(43, 121.4424, 31.2279, highway="bus_stop", name="新甲路新乙路"),
        node(44, 121.4450, 31.2260, highway="bus_stop", name="公惠医院"),
        node(45, 121.4460, 31.2260, railway="station", public_transport="station", name="新甲路"),
        node(46, 121.4465, 31.2262, shop="convenience", name="全家"),
        node(
            47,
            121.4466,
            31.2263,
            amenity="bank",
            name="中国银行",
            **{"addr:street": "新甲路", "addr:housenumber": "20号"},
        ),
        node(48, 121.4470, 31.2270, amenity="school", name="新甲小学"),
    ]
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
    path.write_text(xml + "\n".join(parts) + "\n</osm>\n", encoding="utf-8")
    return path


def test_bus_stops_are_stops_chains_are_addresses_stations_are_x_zhan(tmp_path):
    layers = read_osm(write_poi_osm(tmp_path / "poi.osm"))
    assert sorted(layers["stops"]["name"]) == [
        "公惠医院",
        "新乙路新丙路",
        "新乙路新丙路",
        "新乙路新甲路",
        "新甲路新乙路",
    ]
    assert set(layers["stops"]["kind"]) == {"bus_stop"}
    places = layers["places"].set_index("name")
    # no place is named after a stop, a shop's brand or a bank's brand
    assert not {"公惠医院", "全家", "中国银行", "新乙路新甲路"} & set(places.index)
    assert places.loc["新甲路20号", "kind"] == "address"  # the bank's address is an anchor
    assert places.loc["新甲路20号", "street"] == "新甲路"
    assert places.loc["新甲路站", "kind"] == "station"  # never the bare road name
    assert "新甲路" not in places.index and "新甲路地铁站" in places.loc["新甲路站", "aliases"]
    assert places.loc["新甲小学", "kind"] == "school"


def test_several_osm_files_are_read_as_one(tmp_path, osm_file):
    from geo.gazetteer.osm import read_osms

    poi = write_poi_osm(tmp_path / "poi.osm")
    layers = read_osms([osm_file, poi, osm_file])  # the same file twice: its features once
    single = read_osm(osm_file)
    assert len(layers["roads"]) == len(single["roads"])
    assert len(layers["stops"]) == 5 and "新甲小学" in set(layers["places"]["name"])
    # only the file with roads says where roads are cut
    assert layers["coverage"].geometry.union_all().equals(single["coverage"].geometry.union_all())


def test_build_with_stops_adds_crossings_and_an_estimated_line(tmp_path, osm_file):
    root = write_geodata(tmp_path / "g")
    poi = write_poi_osm(tmp_path / "poi.osm")
    layers = build_gazetteer(
        root, [osm_file, poi], aliases_path=root / "aliases.csv", sentences=None
    ).layers
    crossings = layers["crossings"].set_index("name")
    assert set(crossings.index) == {"新乙路新丙路", "新乙路新甲路"}
    assert crossings.loc["新乙路新丙路", "stops"] == 2
    assert crossings.loc["新乙路新甲路", "aliases"] == "新甲路新乙路"
    assert "公惠医院" not in set(layers["stops"]["name"])  # only crossing stops are kept
    roads = layers["roads"].set_index("name")
    # 新乙路: no source draws it; a line through its two crossings, and how it was derived
    assert roads.loc["新乙路", "geometry"].geom_type == "LineString"
    assert "2 bus-stop crossings" in roads.loc["新乙路", "derivation"]
    assert roads.loc["新乙路", "uncertainty_m"] > 0
    assert roads.loc["新甲路", "derivation"] == ""  # drawn by a source: unchanged
