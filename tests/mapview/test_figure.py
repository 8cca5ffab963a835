"""The briefing figure: PNG and PDF of the selection, stable bytes, Chinese text, loud without
a CJK font."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from geo import filters as flt
from geo import read_atlas
from mapview import figure

ROOT = Path(__file__).resolve().parents[2]
FILTERS = flt.Filters(kind=("project", "park"), year_range=(2022, 2025), status=("planned",))


@pytest.fixture(scope="module")
def layers():
    return read_atlas(ROOT / "data" / "atlas.gpkg")


def _figure(layers, fmt: str, date: str = "2026-12-07", lang: str = "zh") -> bytes:
    selection = flt.apply_filters(layers["items"], FILTERS)
    return figure.figure_bytes(selection, layers, fmt, filters=FILTERS, lang=lang, date=date)


def _pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[0]
        return page.get_textpage().get_text_range()
    finally:
        pdf.close()


def test_identical_inputs_give_identical_bytes(layers):
    for fmt in ("png", "pdf"):
        first, second = _figure(layers, fmt), _figure(layers, fmt)
        assert first == second, fmt
        assert _figure(layers, fmt, date="2026-12-08") != first, fmt  # the date is drawn


def test_the_pdf_has_the_chinese_title_filters_and_attribution(layers):
    data = _figure(layers, "pdf")
    assert data.startswith(b"%PDF") and b"CreationDate" not in data
    text = _pdf_text(data)
    for expected in (
        "静安区报告中的规划与建设",
        "2022–2025年",
        "项目、公园绿地",
        "计划",
        "OpenStreetMap",
        "2026-12-07",
        "北",
        "米",
        "街道边界",
        "大宁路街道",
    ):
        assert expected in text, expected
    assert "planned" not in text and "project" not in text  # words, not codes


def test_the_english_figure_is_english(layers):
    text = _pdf_text(_figure(layers, "pdf", lang="en"))
    assert "What the Jing'an reports plan and build" in text and "project" in text


def test_the_png_decodes_at_a4_size(layers):
    image = Image.open(io.BytesIO(_figure(layers, "png")))
    image.load()
    assert image.format == "PNG"
    assert image.size == (int(figure.SIZE[0] * figure.DPI), int(figure.SIZE[1] * figure.DPI))
    assert "Software" not in image.info


def test_an_empty_selection_still_draws_the_district(layers):
    empty = layers["items"].iloc[:0]
    text = _pdf_text(figure.figure_bytes(empty, layers, "pdf", lang="zh", date="2026-12-07"))
    assert "0 个项目在图上" in text and "全部项目" in text


def test_without_a_cjk_font_it_fails_loudly(layers, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(figure, "CJK_FAMILIES", ("No Such CJK Font",))
    with pytest.raises(figure.FigureError, match="fonts-noto-cjk"):
        figure.cjk_family(files=())
    with pytest.raises(figure.FigureError, match="unknown figure format"):
        figure.figure_bytes(layers["items"], layers, "svg", date="2026-12-07")


def test_filters_in_words():
    assert figure.filters_line(flt.Filters(), "en") == "All items (no filter)"
    line = figure.filters_line(
        flt.Filters(category=("urban_renewal",), outcome=("replanned",), text="学校"), "zh"
    )
    assert line == "城市更新 · 再计划 · 搜索“学校”"
