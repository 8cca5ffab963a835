"""Issue 23 item 8: visitors of the page see one message, never a traceback: Streamlit's
`showErrorDetails` is "none" (the details go to the server's log), uploads are bounded by the
report limit, and an atlas the page cannot use is one line."""

from __future__ import annotations

import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

from atlas.settings import settings

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".streamlit" / "config.toml"

CRASH = """
import streamlit as st
st.write("a page")
raise RuntimeError("/srv/private/atlas.gpkg: postgresql://atlas:hunter2@db/atlas")
"""


def test_an_unexpected_error_shows_no_traceback_and_no_text(tmp_path: Path) -> None:
    """AppTest reads the project's .streamlit/config.toml, as `make run` does."""
    script = tmp_path / "crash.py"
    script.write_text(CRASH, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=30).run()
    (shown,) = at.exception
    assert not shown.stack_trace
    assert "hunter2" not in shown.message and "/srv/private" not in shown.message
    assert "RuntimeError" not in shown.message


def test_config_keeps_error_details_and_uploads_bounded() -> None:
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["maxUploadSize"] * 2**20 <= settings.max_report_bytes
