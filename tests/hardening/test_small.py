"""Issue 23 item 10, the smaller ones: each a line a user can act on instead of a silent or
garbled result."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import ReportError
from extract.documents import read_document

from .limits import MACRO_MAIN, document_xml, docx_parts, write_zip


def test_a_macro_enabled_document_is_named_by_its_file(tmp_path: Path) -> None:
    """Before: `corrupt or truncated .docx (file '<_io.BytesIO object at 0x…>' is not a Word
    file, content type is '…macroEnabled…')`."""
    data = write_zip(tmp_path / "plan.docm", docx_parts(document_xml(3), main=MACRO_MAIN))
    with pytest.raises(ReportError) as err:
        read_document(data.read_bytes(), "plan.docm")
    message = str(err.value)
    assert message.startswith("plan.docm: a macro-enabled Word document")
    assert "BytesIO" not in message and "0x" not in message
