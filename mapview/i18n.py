"""中文 / English for the page: every label and every code's word, from one data file.

The vocabulary is data (`mapview/data/labels.toml`), not strings scattered over the code, so a
translator edits one file and a test checks that nothing lacks a language. The page shows
words, never raw codes (`urban_renewal` → 城市更新 / urban renewal); the CLI and the exports keep
the stable codes. Pure functions, no Streamlit: `lang_of_locale` turns the browser's locale
(`st.context.locale`) into a language, the app calls it.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

LABELS_PATH = Path(__file__).with_name("data") / "labels.toml"
#: The page's languages, in the order the switch offers them.
LANGS: tuple[str, ...] = ("zh", "en")
#: The language when the browser says nothing (Streamlit's AppTest has no locale); a browser
#: always sends one, and a zh-* locale gets 中文.
FALLBACK_LANG = "en"

_YEAR_IN_TITLE = re.compile(r"(?:19|20)\d{2}\s*年")
_LEADING_YEAR = re.compile(r"^((?:19|20)\d{2})(?:[-_.]|$)")


@functools.cache
def vocabulary(path: Path = LABELS_PATH) -> dict[str, Any]:
    """The parsed labels file: `labels` (key → {lang: text}) and `words` (field → code →
    {lang: text}). Read once per process."""
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def lang_of_locale(locale: object) -> str:
    """ "zh-CN", "zh_TW", "zh" → "zh"; any other locale → "en"; none → `FALLBACK_LANG`."""
    if not isinstance(locale, str) or not locale.strip():
        return FALLBACK_LANG
    return "zh" if locale.strip().lower().replace("_", "-").split("-")[0] == "zh" else "en"


def check_lang(lang: object) -> str:
    """`lang` if it is one of `LANGS`, else `FALLBACK_LANG` (a hand-edited URL)."""
    return lang if isinstance(lang, str) and lang in LANGS else FALLBACK_LANG


def t(key: str, lang: str, **fmt: Any) -> str:
    """The label `key` in `lang`, with `fmt` filled in. An unknown key is a KeyError: a typo
    must fail the tests, not show a key to a reader."""
    text = vocabulary()["labels"][key][check_lang(lang)]
    return str(text.format(**fmt) if fmt else text)


def note_text(note: Any, lang: str) -> str:
    """A `geo.io.sanity.Note` in `lang` (label `note.<code>`): the page says what the reader
    changed in the reader's language; the CLI keeps `str(note)`, in English."""
    rows = note.rows(more=t("note.more", lang))
    params = {k: getattr(note, k) for k in ("atlas", "layer", "count", "column", "limit")}
    return t(f"note.{note.code}", lang, rows=rows, **params)


def error_text(error: BaseException, lang: str) -> str:
    """An error's one line in `lang`: label `error.<code>` filled with its `params` when the
    error says what it is as data (`atlas.errors.AtlasError`), else its own (English) text."""
    code = getattr(error, "code", "")
    if code and f"error.{code}" in vocabulary()["labels"]:
        return t(f"error.{code}", lang, **getattr(error, "params", {}))
    return str(error)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def word(field: str, code: object, lang: str) -> str:
    """The word for `code` of `field` (kind, status, period, outcome, category, precision,
    method, reference, basemap, lang) in `lang`. A code the vocabulary lacks (an atlas with a
    new category) is shown as it is, never dropped; a missing value is "".

    Methods are words by family too: `fuzzy:93` → fuzzy's word, `context:x` → context's."""
    if _missing(code):
        return ""
    text = str(int(code)) if isinstance(code, float) and code.is_integer() else str(code)
    table: Mapping[str, Mapping[str, str]] = vocabulary()["words"].get(field, {})
    entry = table.get(text)
    if entry is None and field == "method" and ":" in text:
        entry = table.get(text.split(":", 1)[0])
    return entry[check_lang(lang)] if entry else text


def words(field: str, lang: str) -> dict[str, str]:
    """Every code of `field` → its word in `lang` (for legends and the map's labels)."""
    return {code: entry[check_lang(lang)] for code, entry in vocabulary()["words"][field].items()}


def doc_year(doc: object) -> int | None:
    """The year a report file is dated by: the year its name starts with ("2022-01-11_…")."""
    match = _LEADING_YEAR.match(str(doc or ""))
    return int(match.group(1)) if match else None


def report_title(title: object, doc: object = None) -> str:
    """A report's title carrying its year: "政府工作报告（…）" of the 2022 report →
    "2022年政府工作报告（…）". A title that already names a year is kept as it is."""
    text = "" if _missing(title) else str(title).strip()
    if not text:
        return "" if _missing(doc) else str(doc)
    year = doc_year(doc)
    if year is None or _YEAR_IN_TITLE.search(text):
        return text
    return f"{year}年{text}"


def _prefixed(prefix: str, lang: str) -> dict[str, str]:
    """Every label under `prefix.` (raw templates, placeholders kept), keyed by the rest."""
    labels = vocabulary()["labels"]
    return {key[len(prefix) + 1 :]: t(key, lang) for key in labels if key.startswith(prefix + ".")}


def map_labels(lang: str) -> dict[str, Any]:
    """Every word the map shows, in `lang`, in the shape the map builder takes
    (`build_map(labels=...)`): words per code, cluster bubbles, layer, legend and popup
    phrases. Templates keep their placeholders (`{n}`, `{label}`) for the map to fill."""
    return {
        "kinds": words("kind", lang),
        "statuses": words("status", lang),
        "categories": words("category", lang),
        "outcomes": words("outcome", lang),
        "precision": words("precision", lang),
        "periods": words("period", lang),
        "cluster": _prefixed("map.cluster", lang),
        "layers": words("reference", lang) | _prefixed("map.layer", lang),
        "legend": _prefixed("map.legend", lang),
        "popup": _prefixed("map.popup", lang),
    }
