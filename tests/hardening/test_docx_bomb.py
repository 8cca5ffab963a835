"""Issue 23 item 1: a .docx decompression bomb is refused in under 1 s of CPU and 100 MB of
memory, in the CLI and in the page's upload path; parts the reader does not need (a 1 GB
"image") are never inflated; limits hold when the ZIP's headers lie."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from extract import ReportError
from extract.documents import read_document
from extract.docx_package import MAX_ENTRIES, Limits, document_package

from .limits import (
    MB,
    document_xml,
    docx_parts,
    lying,
    measure,
    measure_cli,
    repeated,
    stored,
    write_zip,
)

#: paragraphs that make a document.xml of about 64 MB (the audit's 231 kB file)
BOMB_PARAGRAPHS = 64 * 13_600
CPU_S = 1.0
MEMORY_MB = 100.0


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    xml = document_xml(BOMB_PARAGRAPHS)
    image = repeated("word/media/image1.png", b"\x89PNG\r\n\x1a\n", b"\0" * MB, 1024, b"")
    return {
        "xml": write_zip(folder / "xml-bomb.docx", docx_parts(xml)),
        "media": write_zip(folder / "media-bomb.docx", docx_parts(document_xml(3), image)),
        "lying": write_zip(folder / "lying.docx", docx_parts(lying(xml, 2 * MB))),
    }


def test_bombs_are_small_files_that_inflate_far(bombs: dict[str, Path]) -> None:
    assert bombs["xml"].stat().st_size < 300_000  # ~64 MB of XML inside
    assert bombs["media"].stat().st_size < 1_200_000  # 1 GB of "image" inside


@pytest.mark.parametrize("kind", ["xml", "lying"])
def test_cli_refuses_a_bomb_quickly_and_lightly(bombs: dict[str, Path], kind: str) -> None:
    cost = measure_cli(sys.executable, "-m", "extract", str(bombs[kind]), timeout=60)
    assert cost["rc"] == 1, cost
    (line,) = cost["stderr"].strip().splitlines()
    assert line.startswith(f"error: {bombs[kind]}: ")
    assert "bomb" in line or "corrupt" in line
    assert cost["stdout"] == ""
    assert cost["cpu"] < CPU_S + 0.6, cost  # + the interpreter's start-up and imports
    assert cost["peak_mb"] < MEMORY_MB, cost


def test_cli_never_inflates_a_part_it_does_not_read(bombs: dict[str, Path]) -> None:
    cost = measure_cli(sys.executable, "-m", "extract", str(bombs["media"]), timeout=60)
    assert cost["rc"] == 0, cost
    assert "汶水路400号幼儿园" in cost["stdout"]  # the text is read, the "image" never
    assert cost["cpu"] < CPU_S + 0.6, cost
    assert cost["peak_mb"] < MEMORY_MB, cost


@pytest.mark.parametrize("kind", ["xml", "media", "lying"])
def test_page_upload_path_is_bounded(bombs: dict[str, Path], kind: str) -> None:
    setup = f"""
        from pathlib import Path
        from extract import ReportError
        from geo.pipeline.upload import upload_report
        from tests.worlds.page import reference_frames
        from geo.pipeline.upload import UploadContext
        context = UploadContext.load(reference_frames())
        data = Path({str(bombs[kind])!r}).read_bytes()
    """
    work = """
        try:
            result["items"] = len(upload_report(data, "upload.docx", context).items)
        except ReportError as exc:
            result["refused"] = str(exc)
    """
    cost = measure(setup, work, timeout=120)
    assert cost["error"] is None, cost
    if kind == "media":
        assert cost["items"] >= 1, cost
    else:
        assert cost["refused"].startswith("upload.docx: "), cost
    assert cost["cpu"] < CPU_S, cost
    assert cost["grown_mb"] < MEMORY_MB, cost


def _docx(tmp_path: Path, *parts, name: str = "x.docx") -> bytes:
    return write_zip(tmp_path / name, list(parts)).read_bytes()


def test_limits_are_read_from_the_central_directory_before_inflating(tmp_path: Path) -> None:
    data = _docx(tmp_path, *docx_parts(document_xml(40_000)))  # ~3 MB of XML
    small = Limits(part=1 * MB, total=10 * MB, ratio=1000)
    with pytest.raises(
        ReportError,
        match=r"x\.docx: refused as a decompression bomb: part "
        r"word/document\.xml inflates to 2\.\d MB",
    ):
        document_package(data, "x.docx", small)
    with pytest.raises(ReportError, match="in all"):
        document_package(data, "x.docx", Limits(part=10 * MB, total=2 * MB, ratio=1000))
    with pytest.raises(ReportError, match=r"inflates [0-9,]+ times"):
        document_package(data, "x.docx", Limits(part=10 * MB, total=10 * MB, ratio=10))
    assert document_package(data, "x.docx", Limits(part=10 * MB, total=10 * MB, ratio=1000))


def test_limits_are_enforced_while_streaming_when_headers_lie(tmp_path: Path) -> None:
    """Headers declaring 2 MB for 30 MB: refused after at most the declared bytes."""
    part = lying(document_xml(400_000), 2 * MB)
    data = _docx(tmp_path, *docx_parts(part))
    with pytest.raises(ReportError, match=r"x\.docx: (corrupt|refused)"):
        read_document(data, "x.docx")


def test_a_zip_of_very_many_entries_is_refused_before_it_is_listed(tmp_path: Path) -> None:
    parts = [stored(f"word/p{i}.xml", b"") for i in range(MAX_ENTRIES + 1)]
    data = _docx(tmp_path, *docx_parts(document_xml(3)), *parts)
    with pytest.raises(ReportError, match=r"x\.docx: a ZIP of 10,00\d entries"):
        read_document(data, "x.docx")


def test_an_ordinary_docx_still_reads_whole(tmp_path: Path) -> None:
    from extract.testing import write_docx

    path = write_docx(
        "一、2025年主要任务\n推进汶水路400号幼儿园新建工程。\n项目\t地点\n", tmp_path / "a.docx"
    )
    text, kind = read_document(path.read_bytes(), "a.docx")
    assert kind == "docx"
    assert text == "一、2025年主要任务\n推进汶水路400号幼儿园新建工程。\n项目\t地点\n"
