"""Gazetteer build on tiny synthetic sources, and the committed data/gazetteer.gpkg."""

from __future__ import annotations

import hashlib

import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from atlas.settings import settings
from geo.cli.gazetteer import configure, main
from geo.crs import gcj02_to_wgs84, wgs84_to_gcj02
from geo.gazetteer.build import (
    LAYERS,
    GazetteerError,
    build_gazetteer,
    load_gazetteer,
    write_gazetteer,
)
from geo.gazetteer.sources import SourceError
from tests.worlds.geodata import write_geodata

COMMON = ("name", "aliases", "kind", "source", "licence")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = write_geodata(tmp_path_factory.mktemp("geodata"))
    return build_gazetteer(root, aliases_path=root / "aliases.csv", sentences=None).layers


def by_name(gdf, name):
    rows = gdf[gdf["name"] == name]
    assert len(rows) == 1, f"{name}: {len(rows)} rows"
    return rows.iloc[0]


def test_subdistricts_have_codes_short_names_and_kinds(built):
    subs = built["subdistricts"]
    assert list(subs["name"]) == ["甲街道", "乙镇"]  # sorted by NBS code
    jia = by_name(subs, "甲街道")
    assert jia["aliases"] == "甲" and jia["kind"] == "subdistrict"
    assert jia["source"].endswith("#relation/1001") and jia["nbs_code"] == "310106001000"
    assert by_name(subs, "乙镇")["kind"] == "town"


def test_code_mismatch_stops_the_build(tmp_path):
    root = write_geodata(tmp_path / "g")
    csv = root / "jingan_subdistricts_gazetteer.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("1001", "9999"), encoding="utf-8")
    with pytest.raises(SourceError, match="甲街道"):
        build_gazetteer(root, aliases_path=root / "aliases.csv", sentences=None)


def test_missing_source_file_is_a_clear_error(tmp_path):
    root = write_geodata(tmp_path / "g")
    (root / "jingan_roads_osm_partial.geojson").unlink()
    with pytest.raises(SourceError, match=r"jingan_roads_osm_partial\.geojson"):
        build_gazetteer(root, aliases_path=root / "aliases.csv", sentences=None)


def test_roads_merged_by_name_ramps_and_labels_dropped_far_clipped(built):
    roads = built["roads"]
    assert set(roads["name"]) == {"甲路", "环高架路", "乙路"}  # 乙路: the re-clipped major roads
    jia = by_name(roads, "甲路")
    assert jia.geometry.geom_type == "LineString"  # the two ways line-merged
    assert jia["source"] == "jingan_roads_osm_partial.geojson#way/11;way/12"
    ring = by_name(roads, "环高架路")  # 环高架 merged into it through the alias table
    assert ring["kind"] == "elevated" and ring["aliases"] == "环高架"
    assert ring["source"].count("#") == 1 and "elevatedRoads/4" in ring["source"]
    # known only from the simplified GeoJSON extracts: their ends are no numbering start
    assert roads["start_cut"].all()


def test_v2_sources_water_addresses_and_extra_stations(built):
    water = built["water"]
    assert list(water["name"]) == ["丙河"] and water.geometry.iloc[0].geom_type == "Polygon"
    assert water["source"].iloc[0] == "jingan_suzhou_creek_water_osm.geojson#way/99"
    places = built["places"].set_index("name")
    shop = places.loc["甲店"]
    assert (shop["street"], shop["housenumber"]) == ("甲路", "10")
    # a nameless addressed feature is named by its address (the exact-number anchor)
    assert places.loc["甲路30号", "housenumber"] == "30号"
    assert places.loc["甲公园", "kind"] == "park"
    assert places.loc["乙站点站", "kind"] == "station"
    assert "no licence" in places.loc["乙站点站", "licence"]


def test_places_supersession_datum_and_flags(built):
    places = built["places"]
    names = set(places["name"])
    assert "远馆" not in names and "甲街道" not in names and "大火" not in names
    assert "甲路" not in names  # a road as a Wikidata point is not a place
    temple = by_name(places, "甲寺")
    # OSM polygon wins over Wikidata and the CSV; their names become aliases / see_also
    assert temple.geometry.geom_type == "Polygon"
    assert temple["source"] == "jingan_landmarks_osm_heritage_tourism.geojson#way/31"
    assert "jingan_pois_wikidata.geojson#Q1" in temple["see_also"]
    assert "landmarks_sourced.csv#row/2" in temple["see_also"]
    assert "甲古寺" in temple["aliases"].split("|")
    assert temple["kind"] == "religious" and temple["licence"] == "ODbL-1.0"
    assert (temple["street"], temple["housenumber"]) == ("甲路", "10")
    assert bool(temple["in_district"])


def test_shared_generic_alias_does_not_merge_places(built):
    places = built["places"]
    assert by_name(places, "甲宅")["source"].endswith("#node/35")
    assert by_name(places, "乙宅")["source"].endswith("#node/36")


def test_metro_station_does_not_take_the_temple_name(built):
    station = by_name(built["places"], "甲寺站")
    assert station["kind"] == "station"
    assert "甲寺地铁站" in station["aliases"].split("|")


def test_wikidata_gcj02_flag_is_converted(built):
    hall = by_name(built["places"], "乙会堂")
    assert hall.geometry.x == pytest.approx(121.4575, abs=1e-6)
    assert hall.geometry.y == pytest.approx(31.2275, abs=1e-6)
    assert "GCJ-02" in hall["datum_note"]


def test_csv_datum_checked_against_osm_not_its_label(built):
    places = built["places"]
    # 乙馆's CSV row says WGS84 but is GCJ-02: it matches OSM only after conversion, and OSM wins
    museum = by_name(places, "乙馆")
    assert museum["source"].startswith("jingan_landmarks_osm_heritage_tourism.geojson#node/32")
    # 丁园 has no namesake: its GCJ-02 label is honoured and the stored point is WGS84
    park = by_name(places, "丁园")
    assert park.geometry.x == pytest.approx(121.4585, abs=1e-6)
    assert "unverified" in park["datum_note"] and "converted" in park["datum_note"]
    raw = wgs84_to_gcj02(121.4585, 31.2215)
    assert park.geometry.distance(shapely.Point(raw)) > 0.003
    # 戊楼 is WGS84 and unverified: stored as given
    tower = by_name(places, "戊楼")
    assert (tower.geometry.x, tower.geometry.y) == (121.4485, 31.2285)
    assert tower["licence"].startswith("facts")


def test_every_layer_has_the_common_columns(built):
    for name in LAYERS:
        gdf = built[name]
        assert set(COMMON) <= set(gdf.columns), name
        assert gdf.crs.to_epsg() == 4326


def test_write_is_reproducible_and_loads_back(built, tmp_path):
    a, b = tmp_path / "a.gpkg", tmp_path / "b.gpkg"
    write_gazetteer(built, a)
    write_gazetteer(built, b)
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    gaz = load_gazetteer(a)
    assert len(gaz.places) == len(built["places"])
    assert gaz.places["in_district"].dtype == bool
    assert (gaz.places["aliases"] != None).all()  # noqa: E711 — nulls become ""


def test_write_refuses_incomplete_layers(built, tmp_path):
    partial = {k: v for k, v in built.items() if k != "zones"}
    with pytest.raises(GazetteerError, match="zones"):
        write_gazetteer(partial, tmp_path / "x.gpkg")


def test_load_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(GazetteerError, match="python -m geo gazetteer"):
        load_gazetteer(tmp_path / "none.gpkg")


def test_cli_builds_file_and_missing_list(tmp_path, monkeypatch):
    import argparse

    root = write_geodata(tmp_path / "g")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "r.txt").write_text("完成甲路、己丑路改造；建设庚寅公园。", encoding="utf-8")
    parser = argparse.ArgumentParser()
    configure(parser)
    argv = ["--source", str(root), "-o", str(tmp_path / "g.gpkg"), "--raw", str(raw)]
    args = parser.parse_args([*argv, "--aliases", str(root / "aliases.csv")])
    # the real zone specs need the real reports: build zones from none of them
    monkeypatch.setattr("geo.gazetteer.zones.ZONE_SPECS", ())
    assert main(args) == 0
    missing = (tmp_path / "g_missing.md").read_text(encoding="utf-8")
    assert "己丑路" in missing and "庚寅公园" in missing and "- 甲路" not in missing
    assert load_gazetteer(tmp_path / "g.gpkg").subdistricts.shape[0] == 2


# --- the committed gazetteer ----------------------------------------------------------------


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer(settings.gazetteer_path)


def test_committed_has_14_subdistricts_including_pengpu(gaz):
    subs = gaz.subdistricts
    assert len(subs) == 14 and subs["name"].is_unique
    assert "彭浦镇" in set(subs["name"])
    assert by_name(subs, "彭浦镇")["kind"] == "town"
    assert "静安寺" in by_name(subs, "静安寺街道")["aliases"].split("|")
    assert len(gaz.district) == 1
    # the 14 tile the district
    assert abs(subs.union_all().area - gaz.district.geometry.iloc[0].area) < 1e-6


def test_committed_layers_are_wgs84_with_contract_columns(gaz):
    for name, gdf in gaz.layers().items():
        assert gdf.crs.to_epsg() == 4326, name
        for column in COMMON:
            assert column in gdf.columns, (name, column)
            if column != "aliases":
                assert (gdf[column].astype(str).str.len() > 0).all(), (name, column)


def test_committed_features_are_in_or_near_the_district(gaz):
    near = gaz.district.to_crs(32651).buffer(320).to_crs(4326).iloc[0]
    for name in ("roads", "places", "zones", "subdistricts"):
        assert gaz.layers()[name].intersects(near).all(), name
    assert gaz.places["in_district"].sum() > 120


def test_committed_temple_is_inside_its_subdistrict(gaz):
    temple = by_name(gaz.places, "静安寺")
    sub = by_name(gaz.subdistricts, "静安寺街道")
    assert sub.geometry.contains(temple.geometry.representative_point())
    assert temple["kind"] != "subdistrict"


def test_committed_gcj02_sources_were_converted(gaz):
    # 拉结会堂: Wikidata and CSV are GCJ-02; the stored feature must be the OSM one (WGS84)
    hall = by_name(gaz.places, "拉结会堂")
    assert hall["source"].startswith("jingan_landmarks_osm_heritage_tourism.geojson#way/")
    # 延长路站: the CSV row is GCJ-02; an OSM source (the POI extract's station, else the
    # extra-stations file; both WGS84) gives the point, and the CSV row, converted, lies
    # within ~30 m of it (raw it is ~470 m off)
    station = by_name(gaz.places, "延长路站")
    assert station["source"].startswith(
        ("jingan_metro_stations_extra.geojson#", "shanghai_pois_osm_2026-05.osm.pbf#")
    )
    assert "landmarks_sourced.csv" in station["see_also"]
    raw = shapely.Point(121.455329, 31.271675)
    assert station.geometry.distance(raw) > 0.003
    lon, lat = gcj02_to_wgs84(121.455329, 31.271675)
    assert station.geometry.distance(shapely.Point(lon, lat)) < 0.0003


def test_committed_aliases_resolve(gaz):
    def names(gdf):
        out = {}
        for name, aliases in zip(gdf["name"], gdf["aliases"], strict=True):
            for n in [name, *filter(None, aliases.split("|"))]:
                out.setdefault(n, name)
        return out

    places = names(gaz.places)
    assert places["大宁公园"] == "大宁灵石公园"
    assert places["中共二大会址"] == "中国共产党第二次全国代表大会会址"
    assert places["上海馬戲城"] == "上海马戏城"
    assert names(gaz.roads)["南西"] == "南京西路"
    assert names(gaz.roads)["南北高架"] == "南北高架路"
    assert (gaz.roads["name"] == "南北高架").sum() == 0


@pytest.mark.parametrize(
    ("alias", "name", "source_id"),
    [
        ("会审公廨", "上海医疗器械九厂", "way/495675268"),
        ("Foto摄影展览馆", "Fotografiska", "way/1209450920"),
        ("上海OCT当代艺术中心", "OCAT", "node/4291890118"),
        ("中国医药工业研究总院", "上海医药工业研究院", "Q30281980"),
        ("福新面粉厂", "福新面粉一厂旧址", "way/495666213"),
    ],
)
def test_committed_report_names_audited_against_the_sources(gaz, alias, name, source_id):
    # each report name is an alias of the one source feature it denotes (data/aliases.csv)
    rows = gaz.places[gaz.places["aliases"].str.split("|").apply(lambda a: alias in a)]
    inside = rows[rows["in_district"].astype(bool)]
    assert list(inside["name"]) == [name]
    assert source_id in inside["source"].iloc[0]


def test_committed_roads_one_row_per_name_no_ramps(gaz):
    roads = gaz.roads
    assert roads["name"].is_unique
    assert not roads["name"].str.contains("出口|入口|其他城市高架").any()
    assert set(roads.geom_type) <= {"LineString", "MultiLineString"}


def test_committed_file_is_reproducible(tmp_path, gaz):
    out = write_gazetteer(gaz.layers(), tmp_path / "again.gpkg")
    assert_geodataframe_equal(load_gazetteer(out).places, gaz.places)


def test_scan_names_finds_roads_and_places_not_generic_words():
    from geo.gazetteer.missing import scan_names

    roads, places = scan_names("北至灵石路，南至广中西路；建设3座口袋公园、中兴公园，创新思路。")
    assert roads == {"灵石路", "广中西路"}
    assert places == {"中兴公园"}


@pytest.mark.parametrize("name", ["jingan_temple_area_osm_addresses.geojson", "aliases.csv"])
def test_cli_corrupt_source_is_one_line(tmp_path, capsys, name):
    from atlas.cli import run
    from geo.__main__ import main as geo_main

    root = write_geodata(tmp_path / "g")
    (root / name).write_bytes(b"\x00\x01 not json {{{" * 20)
    argv = ["gazetteer", "--source", str(root), "-o", str(tmp_path / "g.gpkg")]
    code = run(geo_main, [*argv, "--aliases", str(root / "aliases.csv"), "--raw", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and not (tmp_path / "g.gpkg").exists()


def test_load_corrupt_gazetteer_is_a_gazetteer_error(tmp_path):
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(GazetteerError, match=r"bad\.gpkg"):
        load_gazetteer(bad)
