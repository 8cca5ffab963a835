"""Zones drawn from anchors (places, roads, 街道, rivers) with report justifications."""

from __future__ import annotations

import pytest

from atlas.settings import settings
from extract import corpus_sentences, read_reports
from geo.gazetteer.build import build_gazetteer, load_gazetteer
from geo.gazetteer.zones import ZoneError, ZoneSpec, build_zones
from tests.geo.gazetteer.test_osm import write_osm
from tests.worlds.geodata import write_geodata, write_reports

SPECS = (
    ZoneSpec(
        name="甲功能区",
        kind="functional_area",
        anchors=("place:甲寺", "place:无此地"),
        quotes=("甲功能区要打造示范区",),
        note="whole 街道.",
    ),
    ZoneSpec(
        name="乙翼",
        kind="functional_area",
        anchors=("road:甲路",),
        minus=("甲功能区",),
        quotes=("环高架两翼发展良好",),
        note="wing.",
    ),
    ZoneSpec(
        name="甲乙活力区",
        kind="strategy_area",
        aliases=("活力区",),
        anchors=("zone:甲功能区", "zone:乙翼"),
        quotes=("聚焦甲乙活力区",),
        note="union.",
    ),
    ZoneSpec(
        name="空区",
        kind="functional_area",
        anchors=("place:无此地",),
        quotes=("乙馆落成",),
        note="none.",
    ),
    ZoneSpec(
        name="绣带",
        kind="ecological_corridor",
        anchors=("river:甲河", "river:乙河"),
        quotes=("打造绣带（甲河）",),
        note="buffer.",
    ),
)


@pytest.fixture(scope="module")
def layers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("z")
    root = write_geodata(tmp / "g")
    return build_gazetteer(
        root, write_osm(tmp / "t.osm"), aliases_path=root / "aliases.csv", sentences=None
    ).layers


def report_sentences(raw_dir):
    """The reports' sentences as the gazetteer CLI hands them on (read once, by extract)."""
    return corpus_sentences(read_reports(raw_dir))


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    return write_reports(tmp_path_factory.mktemp("raw"))


def drawn(layers, raw, specs=SPECS):
    sentences = report_sentences(raw)
    subdistricts, roads, places = layers["subdistricts"], layers["roads"], layers["places"]
    return build_zones(subdistricts, roads, places, sentences=sentences, specs=specs)


def zones_of(layers, raw, specs=SPECS):
    return drawn(layers, raw, specs).layer


def test_place_anchor_gives_its_jiedao_with_evidence(layers, raw):
    zones = zones_of(layers, raw).set_index("name")
    jia = zones.loc["甲功能区"]
    subs = layers["subdistricts"].set_index("name")
    assert jia.geometry.equals(subs.loc["甲街道", "geometry"])
    assert "place 甲寺 lies in 甲街道" in jia["derivation"]
    assert "无此地" in jia["derivation"]  # the absent anchor is reported
    assert jia["justification"] == "《2025_report》甲功能区要打造示范区。"
    assert jia["licence"] and jia["source"].startswith("derived:")


def test_road_anchor_minus_other_zone_and_union(layers, raw):
    zones = zones_of(layers, raw).set_index("name")
    subs = layers["subdistricts"].set_index("name")
    wing = zones.loc["乙翼"]
    assert wing.geometry.equals(subs.loc["乙镇", "geometry"])  # 甲路 crosses both, minus 甲
    assert "minus the 街道 of 甲功能区" in wing["derivation"]
    both = zones.loc["甲乙活力区"]
    assert both.geometry.area == pytest.approx(subs.geometry.union_all().area)
    assert both["aliases"] == "活力区" and both["kind"] == "strategy_area"


def test_zone_without_anchors_is_left_out_and_reported(layers, raw):
    zones = zones_of(layers, raw)
    assert "空区" not in set(zones["name"])
    assert "无此地" in drawn(layers, raw).missing["空区"]


def test_river_corridor_from_osm_waterways(layers, raw):
    zones = zones_of(layers, raw).set_index("name")
    band = zones.loc["绣带"]
    assert band["kind"] == "ecological_corridor"
    assert "甲河" in band["derivation"] and "乙河" in band["derivation"]  # 乙河 reported absent
    # ~400 m wide band across the 2-square district, clipped to it
    district = layers["district"].geometry.iloc[0]
    assert district.buffer(1e-9).contains(band.geometry)
    assert 0.2 < band.geometry.area / district.area < 0.7


def test_corridor_missing_without_rivers(tmp_path, raw):
    root = write_geodata(tmp_path / "g")
    plain = build_gazetteer(root, aliases_path=root / "aliases.csv", sentences=None).layers
    zones = zones_of(plain, raw)
    assert "绣带" not in set(zones["name"])
    assert "甲河" in drawn(plain, raw).missing["绣带"]


def test_unknown_phrase_is_an_error(layers, raw):
    bad = (ZoneSpec("x", "functional_area", ("place:甲寺",), ("报告里没有这句话",), "n"),)
    with pytest.raises(ZoneError, match="报告里没有这句话"):
        zones_of(layers, raw, bad)


def test_report_sentences_split_on_chinese_punctuation(raw):
    sentences = [s for _, s in report_sentences(raw)]
    assert "环高架两翼发展良好；" in sentences


# --- the committed zones --------------------------------------------------------------------


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer(settings.gazetteer_path)


def test_committed_zones_cover_the_four_areas_and_strategy(gaz):
    zones = gaz.zones.set_index("name")
    for name in ("南京西路功能区", "苏河湾功能区", "大宁功能区", "市北功能区"):
        assert zones.loc[name, "kind"] == "functional_area"
    for name in ("南京西路—苏河湾中央活力区", "大宁融合创新区", "市北国际科创区"):
        assert zones.loc[name, "kind"] == "strategy_area"
    for _, zone in zones.iterrows():
        assert "Union of 街道" in zone["derivation"] or "River" in zone["derivation"]
        assert zone["justification"].startswith("《")
    assert "whole 街道" in zones.loc["市北功能区", "derivation"]


def test_committed_zone_shapes_follow_their_anchors(gaz):
    zones = gaz.zones.set_index("name")
    subs = gaz.subdistricts.set_index("name")
    daning = zones.loc["大宁功能区", "geometry"]
    assert daning.equals(subs.loc["大宁路街道", "geometry"]) or daning.contains(
        subs.loc["大宁路街道", "geometry"].representative_point()
    )
    temple = gaz.places.set_index("name").loc["静安寺", "geometry"]
    assert zones.loc["南京西路功能区", "geometry"].contains(temple.representative_point())
    caz = zones.loc["南京西路—苏河湾中央活力区", "geometry"]
    assert caz.buffer(1e-9).contains(zones.loc["苏河湾功能区", "geometry"])
    # 市北 is the 街道 中环 crosses minus 大宁路街道; the OSM polygon of 大宁灵石公园 lies in
    # 彭浦镇, so at whole-街道 resolution 大宁 reaches into 彭浦镇 too: they share it
    shibei = zones.loc["市北功能区", "geometry"]
    assert shibei.intersection(subs.loc["大宁路街道", "geometry"]).area < 1e-9
    assert shibei.buffer(1e-9).contains(subs.loc["彭浦镇", "geometry"])


def test_committed_missing_list_names_undrawn_zones_and_places():
    text = (settings.gazetteer_path.with_name("gazetteer_missing.md")).read_text(encoding="utf-8")
    assert "Σ生态绣带" in text and "南北复合发展轴" in text
    assert "- 彭越浦路 (" in text  # a street the reports name and the sources lack
    assert "- 灵石路 (" not in text  # known now: a line through its bus stops
    assert "- 静安寺 (" not in text


def test_report_sentences_read_a_gb18030_report_like_the_extractor(tmp_path):
    text = "一、回顾\n推进苏州河两岸贯通；建设大宁\n公园。\n"
    (tmp_path / "utf8").mkdir()
    (tmp_path / "gbk").mkdir()
    (tmp_path / "utf8" / "2026_report.txt").write_text(text, encoding="utf-8")
    (tmp_path / "gbk" / "2026_report.txt").write_bytes(text.encode("gb18030"))
    utf8 = report_sentences(tmp_path / "utf8")
    assert report_sentences(tmp_path / "gbk") == utf8
    assert ("2026_report", "建设大宁公园。") in utf8  # a wrapped line is joined, as extracted


def test_find_missing_reads_gb18030_reports(tmp_path):
    import geopandas as gpd

    from geo.gazetteer.missing import find_missing

    text = "推进甲乙丙公园建设，改造丁戊路。\n"
    (tmp_path / "2026_report.txt").write_bytes(text.encode("gb18030"))
    empty = {"places": gpd.GeoDataFrame({"name": [], "aliases": []})}
    missing = find_missing(empty, report_sentences(tmp_path))
    assert "丁戊路" in missing["roads"]


def test_the_gazetteer_build_returns_the_zones_it_could_not_draw(tmp_path, raw):
    root = write_geodata(tmp_path / "g")
    built = build_gazetteer(root, aliases_path=root / "aliases.csv", sentences=None)
    assert "南北复合发展轴" in built.missing_zones  # UNDRAWN: no roads named in the reports
    assert set(built.missing_zones).isdisjoint(built.layers["zones"]["name"])
    assert not built.layers["zones"].attrs  # nothing travels beside the layer
