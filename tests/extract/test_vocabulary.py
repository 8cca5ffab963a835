"""The vocabulary is data (extract/data/*.tsv), loaded once, and names no place."""

from __future__ import annotations

from extract import lexicon, vocab, wordtables
from extract.rules import find_spans, place_pattern

#: Brand and site fragments that were once "suffixes" (issue 10): places, not words.
PLACE_BOUND = ("太古汇", "壹中心", "鼓风机厂", "马戏城", "面粉厂", "山宅", "机器厂", "公廨")


def test_tables_are_read_once_with_a_note_per_role() -> None:
    assert wordtables.load("lexicon") is wordtables.load("lexicon")
    rows = wordtables.load("lexicon")
    roles = {r.role for r in rows}
    for role in roles:
        assert next(r for r in rows if r.role == role).note, role
    assert all(r.word and "\t" not in r.word for r in rows)


def test_shared_names_stay_importable_for_geo() -> None:
    assert vocab.ROAD_SUFFIXES[:2] == ("大道", "公路")
    assert "路" in vocab.ROAD_ENDINGS and "浜" in vocab.RIVER_ENDINGS
    assert "街道" in vocab.SUBDISTRICT_ENDINGS and "功能区" in vocab.ZONE_SUFFIXES
    assert "改造" in vocab.PROJECT_SUFFIXES and vocab.CJK.startswith("\u3400")
    assert lexicon.ROAD_ENDINGS is vocab.ROAD_ENDINGS


def test_no_place_names_in_the_vocabulary() -> None:
    assert not hasattr(lexicon, "STANDALONE")
    every_word = {r.word for r in wordtables.load("lexicon")}
    assert not every_word & set(PLACE_BOUND)


def test_places_come_from_known_places_not_from_the_vocabulary() -> None:
    sentence = "加强会审公廨、静华园等历史建筑活化利用"
    assert [s.name for s in find_spans(sentence)] == ["会审公廨", "静华园"]  # by the head
    assert "马戏城" not in [s.name for s in find_spans("推进马戏城建设")]
    places = place_pattern(frozenset({"马戏城", "南京西路"}))
    assert [s.name for s in find_spans("推进马戏城建设", places=places)] == ["马戏城"]
    assert find_spans("沿南京西路步行", places=places) == []  # roads keep their own rules


def test_no_city_or_region_names_among_the_generic_words() -> None:
    words = {r.word for r in wordtables.load("lexicon")} | {
        r.word for r in wordtables.load("vocab")
    }
    for place in ("上海", "长三角", "静安", "普陀", "苏河湾", "南京西路"):
        assert not any(place in w for w in words), place


def test_an_award_confers_a_title_not_a_place() -> None:
    assert (
        find_spans("陕西北路老字号专业街被评为上海特色商业街区")[-1].name == "陕西北路老字号专业街"
    )
    assert find_spans("静安青年体育公园入选上海市城市公园名录")[-1].name == "静安青年体育公园"
