"""`extract.normalise.squeeze`: the one normal form of a name, an address or a query."""

from __future__ import annotations

from extract.address import parse_number, street_anchor
from extract.normalise import squeeze


def test_squeeze_folds_width_and_drops_spaces_only() -> None:
    assert squeeze("中华新路 817 弄") == squeeze("中华新路８１７弄") == "中华新路817弄"
    assert squeeze("“静安·新闸”\u3000创新空间") == "“静安·新闸”创新空间"  # punctuation kept
    assert squeeze(None) == "" and squeeze(float("nan")) == ""


def test_the_address_parser_reads_fields_in_that_form() -> None:
    assert street_anchor("南京西路 １３９４弄", "２") == ("南京西路", 1394)
    assert parse_number(" ２１８号") == 218
