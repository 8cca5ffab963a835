"""`extract.segment`: the opening sentence of an item's paragraph, in the text as read."""

from __future__ import annotations

from extract.segment import paragraph_opening


def test_the_opening_sentence_of_the_paragraph_is_the_setting() -> None:
    text = "一、主要任务\n苏河湾功能区加快建设。推进甲项目、乙项目。\n"
    start = text.index("乙项目")
    assert paragraph_opening(text, start, start + 3) == "苏河湾功能区加快建设。"
    own = text.index("苏河湾")
    assert paragraph_opening(text, own, own + 3) == ""  # in the opening sentence itself


def test_half_width_ends_end_a_sentence_as_read() -> None:
    """`normalise` folds ; ! ? into the full-width ends the sentences split on; the text as
    read keeps them, and they end its sentences too."""
    for mark in ";!?；！？。":
        text = f"大宁功能区{mark}新建丙馆"
        start = text.index("丙馆")
        assert paragraph_opening(text, start, start + 2) == f"大宁功能区{mark}"
    text = "大宁功能区，新建丙馆"  # a comma ends no sentence
    assert paragraph_opening(text, text.index("丙馆"), len(text)) == ""
