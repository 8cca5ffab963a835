"""Filters as SQL (`geo.io.store.where`): text is pushed down only where SQL selects exactly
what pandas does."""

from __future__ import annotations

from geo.io.store.where import text_pushable


def test_text_pushdown_only_when_exact():
    assert text_pushable("公园")
    assert text_pushable("2025")
    assert not text_pushable("park")  # `K` (Kelvin) lowers to k: pandas decides
    assert not text_pushable("")
