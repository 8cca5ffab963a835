"""Linear time by construction: the rules only ever see windows of bounded size.

Timing is measured in bench/ (issue 15); here the structure that makes it linear is
checked: whatever the shape of the input, no sentence handed to the rules is longer than
``MAX_SENTENCE``, and the windows cover the text without losing or repeating anything.
"""

from __future__ import annotations

import pytest

from extract import pipeline
from extract.normalise import normalise
from extract.segment import MAX_SENTENCE, Timing, sentences

from .conftest import run

ROW = "1\t彭浦新村街道438街坊旧住房成套改造\t共和新路3550号\t完成\n"
SHAPES = {
    "no punctuation": "推进共和新路3550号地块建设完成彭浦四季公园改造" * 2000,
    "one giant line": "推进共和新路3550号地块建设。完成彭浦四季公园改造，" * 2000,
    "huge table row": "序号\t项目\n1\t" + "彭浦新村街道438街坊旧住房成套改造" * 3000 + "\n",
    "many table rows": "序号\t项目\t地点\t状态\n" + ROW * 2000,
    "ten thousand members": "推进"
    + "、".join(f"共和新路{i}号" for i in range(10_000))
    + "等项目。",
}


@pytest.mark.parametrize("text", SHAPES.values(), ids=SHAPES.keys())
def test_windows_are_bounded_and_cover_the_text(text: str) -> None:
    norm = normalise(text)
    sents = list(sentences(norm, Timing("plan", 2026), 2026))
    assert max(len(s.text) for s in sents) <= MAX_SENTENCE

    def bare(t: str) -> str:
        return "".join(c for c in t if c not in " \t\n")

    assert bare("".join(s.text for s in sents)) == bare(norm.text)
    assert all(norm.text[s.nstart : s.nend] == s.text for s in sents)


def test_rules_never_see_more_than_a_window(monkeypatch) -> None:
    seen: list[int] = []
    real = pipeline.find_spans

    def spy(s, *args):
        seen.append(len(s))
        return real(s, *args)

    monkeypatch.setattr(pipeline, "find_spans", spy)
    items = run(SHAPES["ten thousand members"])
    assert max(seen) <= MAX_SENTENCE
    assert len(items) >= 9_000  # the members are still found, window by window
