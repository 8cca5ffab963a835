"""Issue 23 item 3: reports lost without a word. Big5 and UTF-32 (with BOM) are detected; a
legacy decode that does not read as Chinese is refused, not extracted as gibberish."""

from __future__ import annotations

import codecs
import subprocess
import sys
from pathlib import Path

import pytest

from extract import ReportError, read_report
from extract.decode import decode_bytes

ROOT = Path(__file__).resolve().parents[2]
SIMPLIFIED = (
    "二、2025年主要任务\n推进汶水路400号幼儿园新建工程，建成苏河湾绿地，完成彭越浦楔形绿地建设。\n"
)
TRADITIONAL = (
    "靜安區人民政府工作報告\n二、2025年主要任務\n推進汶水路400號幼兒園新建工程，"
    "建成蘇河灣綠地，完成彭越浦楔形綠地建設，改造老舊小區二十個。\n"
)


def test_big5_is_detected_not_read_as_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "2025_report.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    report = read_report(path)
    assert (report.text, report.encoding) == (TRADITIONAL, "big5")


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_with_bom_is_read_as_utf32(codec: str) -> None:
    bom = {"utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}.get(codec, b"")
    text, encoding = decode_bytes(bom + SIMPLIFIED.encode(codec), "r.txt")
    assert (text, encoding) == (SIMPLIFIED, "utf-32")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SIMPLIFIED.encode("gbk"), "gb18030"),
        (SIMPLIFIED.encode("gb18030"), "gb18030"),
        (SIMPLIFIED.encode("utf-16"), "utf-16"),
        (SIMPLIFIED.encode("utf-8"), "utf-8"),
    ],
)
def test_the_usual_encodings_still_decode(data: bytes, encoding: str) -> None:
    assert decode_bytes(data, "r.txt") == (SIMPLIFIED, encoding)


def test_text_that_is_not_chinese_in_any_encoding_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "tokyo.txt"
    path.write_bytes(("東京都の報告書です。区の政府は公園を建設します。" * 5).encode("shift_jis"))
    with pytest.raises(ReportError) as err:
        read_report(path)
    message = str(err.value)
    assert message.startswith(f"{path}: the text does not read as Chinese")
    assert "\n" not in message


def test_plausibility_tells_real_text_from_mojibake() -> None:
    from extract.decode import plausible

    real = (ROOT / "data" / "raw" / "2022-01-11_government-work-report.txt").read_text("utf-8")
    assert plausible(real)
    assert plausible(TRADITIONAL)
    assert not plausible(TRADITIONAL.encode("big5").decode("gb18030"))
    assert not plausible(SIMPLIFIED.encode("gb18030").decode("big5", "replace") * 3)
    assert plausible("Plain ASCII report with a few words 静安.")  # too little to judge


def test_cli_says_which_encoding_it_read(tmp_path: Path) -> None:
    path = tmp_path / "2025_report.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    done = subprocess.run(
        [sys.executable, "-m", "extract", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert f"note: {path}: decoded as big5" in done.stderr


def _build(raw: Path, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    out.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "geo", "build", "--raw", str(raw), "--out", str(out), *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """A good report (the opening of a real one) and a Big5 report that gives no items."""
    folder = tmp_path / "raw"
    folder.mkdir()
    real = (ROOT / "data" / "raw" / "2022-01-11_government-work-report.txt").read_bytes()
    (folder / "2022-01-11_government-work-report.txt").write_bytes(real[:6000])
    (folder / "2025-01-10_traditional.txt").write_bytes(TRADITIONAL.encode("big5"))
    return folder


def test_build_stops_when_a_report_gives_nothing(raw: Path, tmp_path: Path) -> None:
    """Before: the Big5 report was silently left out of the atlas, exit 0."""
    done = _build(raw, tmp_path / "out")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "error: 1 report(s) gave no items: 2025-01-10_traditional.txt (read as big5); "
        "fix or remove them, or build without them with --allow-empty"
    ]
    assert not (tmp_path / "out" / "atlas.gpkg").exists()


def test_build_allow_empty_names_what_it_left_out(raw: Path, tmp_path: Path) -> None:
    done = _build(raw, tmp_path / "out", "--allow-empty")
    assert done.returncode == 0, done.stderr
    assert (
        "note: no items from 2025-01-10_traditional.txt (read as big5): built without it "
        "(--allow-empty)" in done.stderr.splitlines()
    )
    assert (tmp_path / "out" / "atlas.gpkg").is_file()
