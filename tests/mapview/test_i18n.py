"""The page's vocabulary (mapview/data/labels.toml): complete in both languages, a word for
every code of the atlas' vocabularies, report titles with their year."""

from __future__ import annotations

import re
import string
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from extract import lexicon
from geo import KINDS, OUTCOMES, PERIODS, PRECISION, STATUSES
from mapview import i18n
from mapview.basemaps import BASEMAPS
from mapview.style import REFERENCE_STYLE

ROOT = Path(__file__).resolve().parents[2]
CODE_LIKE = re.compile(r"^[a-z]+(?:[_-][a-z]+)+$")  # urban_renewal, multi-year …


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_label_has_both_languages_and_the_same_placeholders():
    labels = i18n.vocabulary()["labels"]
    assert len(labels) > 100
    for key, entry in labels.items():
        assert set(entry) == set(i18n.LANGS), key
        assert all(entry[lang].strip() for lang in i18n.LANGS), key
        assert _fields(entry["zh"]) == _fields(entry["en"]), key


def test_every_word_has_both_languages():
    for field, table in i18n.vocabulary()["words"].items():
        for code, entry in table.items():
            assert set(entry) == set(i18n.LANGS), (field, code)
            assert all(entry[lang].strip() for lang in i18n.LANGS), (field, code)


def _categories() -> set[str]:
    """Every category the extractor can give: those of the lexicon's category words, suffixes
    and heads (extract/data/lexicon.tsv) and its fall-back "other"."""
    rows = (ROOT / "extract" / "data" / "lexicon.tsv").read_text(encoding="utf-8").splitlines()
    found = {
        cells[3]
        for r in rows
        if not r.startswith("#")
        and len(cells := r.split("\t")) > 3
        and cells[1] in ("category_word", "suffix", "head")
        and cells[3]
    }
    return found | {c for _, c in lexicon.CATEGORY_WORDS} | {"other"}


@pytest.mark.parametrize(
    ("field", "codes"),
    [
        ("kind", KINDS),
        ("status", STATUSES),
        ("period", PERIODS),
        ("outcome", OUTCOMES),
        ("precision", tuple(PRECISION)),
        ("category", tuple(sorted(_categories()))),
        ("reference", tuple(REFERENCE_STYLE)),
        ("basemap", tuple(BASEMAPS)),
        ("lang", i18n.LANGS),
    ],
)
def test_every_code_has_a_word_in_both_languages(field: str, codes: tuple):
    table = i18n.vocabulary()["words"][field]
    for code in codes:
        assert str(code) in table, (field, code)
        for lang in i18n.LANGS:
            shown = i18n.word(field, code, lang)
            assert shown != str(code) or not CODE_LIKE.match(shown), (field, code, lang)
            assert shown, (field, code, lang)
        assert i18n.word(field, code, "zh") != i18n.word(field, code, "en") or field in (
            "basemap",
            "lang",
        )


def test_the_shipped_atlas_shows_no_raw_code():
    items = gpd.read_file(ROOT / "data" / "atlas.gpkg", layer="items")
    for field in ("kind", "status", "period", "outcome", "category", "precision", "method"):
        for code in items[field].dropna().unique():
            assert i18n.word(field, code, "zh") != str(code), (field, code)
            assert not CODE_LIKE.match(i18n.word(field, code, "en")), (field, code)


def test_words_are_the_codes_words_not_the_codes():
    assert i18n.word("category", "urban_renewal", "zh") == "城市更新"
    assert i18n.word("category", "urban_renewal", "en") == "urban renewal"
    assert i18n.word("precision", 3.0, "zh") == i18n.word("precision", 3, "zh")
    assert i18n.word("method", "fuzzy:93", "en") == i18n.word("method", "fuzzy", "en")
    assert i18n.word("category", "brand_new", "zh") == "brand_new"  # shown, never dropped
    assert i18n.word("status", None, "zh") == ""


def test_labels_format_and_unknown_keys_fail():
    assert i18n.t("count.line", "zh", matching=3, not_drawn=1, total=10).count("**") == 4
    assert "3" in i18n.t("count.line", "en", matching=3, not_drawn=1, total=10)
    with pytest.raises(KeyError):
        i18n.t("no.such.key", "zh")


@pytest.mark.parametrize(
    ("locale", "lang"),
    [("zh-CN", "zh"), ("zh_TW", "zh"), ("ZH", "zh"), ("en-US", "en"), ("fr-FR", "en"),
     (None, i18n.FALLBACK_LANG), ("", i18n.FALLBACK_LANG)],
)  # fmt: skip
def test_language_from_the_browser_locale(locale, lang):
    assert i18n.lang_of_locale(locale) == lang


def test_report_titles_carry_their_year():
    title = "政府工作报告（静安区第二届人大第一次会议）"
    assert i18n.report_title(title, "2022-01-11_government-work-report.txt") == (
        "2022年政府工作报告（静安区第二届人大第一次会议）"
    )
    kept = "2025年区政府重点工作安排（静府发〔2025〕3号）"
    assert i18n.report_title(kept, "2025-02-17_key-work-arrangements.txt") == kept
    assert i18n.report_title(title, "undated.txt") == title
    assert i18n.report_title(None, "x.txt") == "x.txt"
    items = gpd.read_file(ROOT / "data" / "atlas.gpkg", layer="items")
    for title, doc in set(zip(items["doc_title"], items["doc"], strict=True)):
        assert re.search(r"\d{4}年", i18n.report_title(title, doc)), title


def test_the_map_gets_every_word_it_shows_in_both_languages():
    from mapview.labels import default_labels

    defaults = default_labels()
    for lang in i18n.LANGS:
        words = i18n.map_labels(lang)
        for key, value in defaults.items():
            if isinstance(value, dict):
                assert set(value) <= set(words[key]), (lang, key)
        assert words["cluster"]["project"].format(n=4) in ("4 projects", "4 个项目")


def _noted_layers() -> dict[str, gpd.GeoDataFrame]:
    """Items with one row of each thing `sanitise` notes: a cut name, a bidi control and a
    coordinate that is not WGS84 degrees (plus seven more of them, to say "N more")."""
    from shapely.geometry import Point

    n = 8
    items = gpd.GeoDataFrame(
        {
            "id": pd.Series([f"i{k}" for k in range(n)], dtype=object),
            "name": pd.Series(
                ["x" * 300, "\u202eevil"] + [f"n{k}" for k in range(2, n)], dtype=object
            ),
        },
        geometry=[Point(121.45, 31.25), Point(121.45, 31.25)] + [Point(500, 0)] * (n - 2),
        crs="EPSG:4326",
    )
    return {"items": items}


def test_every_note_geo_emits_has_a_word_in_both_languages():
    """The atlas's sanity notes reach the page in the reader's language; the CLI keeps its
    English line (`str(note)`), which the English label repeats word for word."""
    from geo.io.sanity import NOTE_CODES, atlas_notes, notes_of, sanitise

    labels = i18n.vocabulary()["labels"]
    for code in (*NOTE_CODES, "more"):
        assert set(labels[f"note.{code}"]) == set(i18n.LANGS)
    layers = sanitise(_noted_layers(), "a.gpkg")
    notes = atlas_notes(layers)
    assert sorted(note.code for note in notes) == sorted(NOTE_CODES)  # every kind, emitted
    assert [i18n.note_text(note, "en") for note in notes] == notes_of(layers)
    for note in notes:
        zh = i18n.note_text(note, "zh")
        assert "a.gpkg" in zh and note.layer in zh and str(note.count) in zh
        words = zh.replace("a.gpkg", "").replace("items", "").replace(note.rows(), "")
        assert not re.search(r"[a-z]{5,}", words.split("：")[-1] + words[:-1]), zh
    unlocated = next(note for note in notes if note.code == "unlocated")
    assert unlocated.more == 1 and "另外 1 项" in i18n.note_text(unlocated, "zh")


def test_a_report_of_another_district_says_so_in_both_languages():
    from geo.pipeline.upload import DistrictCheck
    from mapview.upload import district_message

    other = DistrictCheck(expected="静安区", issued_by="普陀区", located=0, items=2)
    assert district_message(other, "en") == i18n.t(
        "upload.other_district", "en", issued_by="普陀区", expected="静安区"
    )
    assert "普陀区" in district_message(other, "zh") and "This" not in district_message(other, "zh")
    nowhere = DistrictCheck(expected="静安区", issued_by=None, located=0, items=3)
    assert "3" in district_message(nowhere, "zh") and "None" not in district_message(nowhere, "zh")
    assert other.message.startswith("This report was issued by 普陀区, not 静安区")


def _error_codes() -> set[str]:
    """Every `code` an error of extract/, geo/ or atlas/ is raised with (`code=` of an
    `…Error(...)`, or the third argument of `extract.documents._fail`)."""
    import ast

    root = Path(__file__).resolve().parents[2]
    codes = set()
    for package in ("atlas", "extract", "geo"):
        for path in (root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "_fail" and len(node.args) >= 3:
                    codes.add(ast.literal_eval(node.args[2]))
                codes |= {
                    k.value.value
                    for k in node.keywords
                    if k.arg == "code"
                    and name.endswith("Error")
                    and isinstance(k.value, ast.Constant)  # `_fail` passes its own on
                }
    return codes


def test_every_error_code_has_a_line_in_both_languages():
    codes = _error_codes()
    assert {"image", "scanned", "empty", "atlas_elsewhere"} <= codes  # the scan found them
    labels = i18n.vocabulary()["labels"]
    for code in codes:
        assert set(labels[f"error.{code}"]) == set(i18n.LANGS), code


def test_an_error_is_said_in_the_readers_language_and_the_cli_keeps_its_line():
    from extract.decode import ReportError
    from extract.documents import read_document

    with pytest.raises(ReportError) as caught:
        read_document(b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "scan.pdf")
    english = "scan.pdf: a PNG image: scanned pages: no text to read; OCR is not supported"
    assert str(caught.value) == english == i18n.error_text(caught.value, "en")
    assert (
        i18n.error_text(caught.value, "zh")
        == "scan.pdf：PNG 图片：扫描页面：没有可读取的文字；不支持 OCR"
    )
    assert i18n.error_text(ValueError("plain"), "zh") == "plain"  # no code: its own line


def test_every_upload_stage_has_a_word_in_both_languages():
    """The progress bar of a dropped report speaks the reader's language at every stage
    `geo.pipeline.upload` reports."""
    from mapview.upload import STAGES

    pipeline = Path(__file__).resolve().parents[2] / "geo" / "pipeline"
    calls = re.compile(r'\bnote\(\s*"([a-z]+)"')
    reported = {m for p in pipeline.glob("*.py") for m in calls.findall(p.read_text("utf-8"))}
    assert reported == set(STAGES)
    labels = i18n.vocabulary()["labels"]
    for stage in STAGES:
        assert set(labels[f"upload.stage.{stage}"]) == set(i18n.LANGS)
