"""Precision and recall on the hand-labelled sample of the five reports."""

from __future__ import annotations

from .scoring import load_sample, score

FLOOR = 0.85


def test_every_anchor_sentence_exists(all_items) -> None:
    from extract.normalise import normalise

    from .conftest import RAW

    for row in load_sample():
        text = normalise((RAW / row["doc"]).read_text(encoding="utf-8")).text
        assert normalise(row["sentence"]).text in text, row["sentence"]


def test_precision_and_recall_on_labelled_sample(all_items) -> None:
    result = score(load_sample(), all_items)
    print(
        f"\nsample: P={result.precision:.3f} R={result.recall:.3f} "
        f"tp={result.tp} fp={result.fp} fn={result.fn}\n"
        f"misses={result.misses}\nextras={result.extras}"
    )
    assert result.recall >= FLOOR, result.misses
    assert result.precision >= FLOOR, result.extras


def test_year_period_kind_status_of_matches(all_items) -> None:
    result = score(load_sample(), all_items)
    assert result.timing_ok == result.tp
    assert result.kind_ok / result.tp >= 0.85
    assert result.status_ok / result.tp >= 0.75
