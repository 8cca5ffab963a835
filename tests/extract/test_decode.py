"""Bytes → text: encodings, and the bad inputs that must raise one clear ReportError."""

from __future__ import annotations

import codecs

import pytest

from extract import ReportError, read_report
from extract.decode import decode_bytes

TEXT = "二、2025年主要任务\n推进汶水路400号幼儿园新建工程。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
    ],
)
def test_decodes_each_encoding(data: bytes, encoding: str) -> None:
    text, found = decode_bytes(data, "x.txt")
    assert text == TEXT
    assert found == encoding


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"report \xff\xff\xff text\n", "undecodable"),
        (b"\xff\xfe\x00", "utf-16"),
    ],
)
def test_bad_bytes_raise_one_line(data: bytes, message: str) -> None:
    with pytest.raises(ReportError) as err:
        decode_bytes(data, "bad.txt")
    text = str(err.value)
    assert text.startswith("bad.txt: ") and message in text
    assert "\n" not in text


def test_read_report_missing_file(tmp_path) -> None:
    with pytest.raises(ReportError, match=r"missing\.txt"):
        read_report(tmp_path / "missing.txt")


def test_read_report_keeps_text_as_read(tmp_path) -> None:
    path = tmp_path / "2027_report.txt"
    raw = "一、2026年工作回顾\r\n建成 静安 公园。\r\n"
    path.write_bytes(raw.encode("gb18030"))
    report = read_report(path)
    assert report.text == raw  # no newline translation, no stripping
    assert report.encoding == "gb18030"
