"""Offsets point into the text as read, whatever the normalisation did."""

from __future__ import annotations

from extract import FIELDS, read_report
from extract.normalise import fold_char, normalise

from .conftest import REPORT_FILES, run


def test_every_item_quote_is_a_slice_of_the_original(all_items) -> None:
    for path in REPORT_FILES:
        text = read_report(path).text
        items = all_items[path.name]
        assert items, path.name
        for item in items:
            assert text[item.start : item.end] == item.quote, item
            assert item.name.replace(" ", "") and item.quote
            assert list(item.to_dict()) == list(FIELDS)


def test_normalised_map_points_back() -> None:
    text = "推进共和新\n\n路 3550 号项目，\n— 3 —\n完成ＡＢ（一期），"
    norm = normalise(text)
    assert "共和新路3550号项目，" in norm.text
    assert "— 3 —" not in norm.text and "AB（一期）" in norm.text
    for i, c in enumerate(norm.text):
        if c != "\n":
            assert fold_char(norm.original[norm.offsets[i]]) == c


def test_pdf_debris_inside_a_name_still_matches() -> None:
    text = "三、2027年主要任务\n推进长寿路街道社区卫生服务\n\n— 12 —\n\n中心新建工程，加快建设。\n"
    items = run(text)
    assert [i.name for i in items] == ["长寿路街道社区卫生服务中心"]
    item = items[0]
    assert text[item.start : item.end] == item.quote
    assert "— 12 —" in item.quote


def test_crlf_markdown_and_full_width_text() -> None:
    text = (
        "## 三、2027年主要任务\r\n\r\n**推进重大工程。**推进长风公园改造，完成曹杨新村\r\n"
        "第一小学新建工程（一期）；建成ＡＢＣ大厦。\r\n"
    )
    items = run(text)
    assert [i.name for i in items] == ["长风公园", "曹杨新村第一小学", "ABC大厦"]
    for item in items:
        assert text[item.start : item.end] == item.quote
        assert item.period == "plan" and item.year == 2027
