"""Streamlit widgets of the explorer: the filters, item details, the list of items not drawn.

Widgets only turn user input into a `geo.filters.Filters` (the one filter the CLI export also
uses) and show rows; they never filter themselves. Text from the reports is shown through
`md_escape`, so markup in a name (`<script>`, `*stars*`) renders as the characters it is.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from geo import filters as flt
from mapview import i18n
from mapview.basemaps import BASEMAPS, DEFAULT_BASEMAP

#: Widget keys of the filters (tests drive the widgets through them).
KEYS = {
    "year": "f_year",
    "period": "f_period",
    "kind": "f_kind",
    "category": "f_category",
    "status": "f_status",
    "subdistrict": "f_subdistrict",
    "zone": "f_zone",
    "text": "f_text",
    "basemap": "basemap",
    "lang": "lang",
    "fit": "map_fit",
}
#: Session state behind the widgets that Reset clears too (selection, table generation).
SELECTED = "selected_id"
TABLE_GENERATION = "_table_generation"
#: Widget keys Reset sets back besides the filters: threads mode, the "near here" search.
THREADS_KEY = "map_threads"
NEAR_KEY = "near_query"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md_escape(value: object) -> str:
    """Text that Streamlit's Markdown shows literally (every special character backslashed)."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _options(items: pd.DataFrame, column: str, vocab: Mapping[str, Sequence[Any]]) -> list[Any]:
    """Choices of a filter: the vocabulary (schema order for kind/status/period, so every
    known value is offered), then values found only in the data."""
    known = list(vocab.get(column, ()))
    present = flt.valid_values(items, column)
    if column in ("kind", "status", "period"):
        return known + [v for v in present if v not in known]
    return sorted({*known, *present}, key=str)


#: The multi-choice filters of the sidebar, in order.
CHOICE_COLUMNS = ("period", "kind", "category", "status", "subdistrict", "zone")


def filter_choices(items: pd.DataFrame, vocab: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
    """Every filter's choices (and the years present), computed once per atlas version by the
    app: at 100x the data, scanning the columns on every rerun would delay each change."""
    choices = {column: _options(items, column, vocab) for column in CHOICE_COLUMNS}
    choices["year"] = flt.valid_values(items, "year")
    return choices


def filter_defaults(choices: Mapping[str, list[Any]]) -> dict[str, Any]:
    """The value of every filter widget when nothing is filtered."""
    years = choices["year"]
    defaults: dict[str, Any] = {
        KEYS[k]: [] for k in ("period", "kind", "category", "status", "subdistrict", "zone")
    }
    defaults[KEYS["text"]] = ""
    if len(years) >= 2:
        defaults[KEYS["year"]] = (min(years), max(years))
    return defaults


def reset_filters(defaults: Mapping[str, Any]) -> None:
    """Reset (a button callback): set every filter widget to its default value — setting, not
    deleting, so the browser's copy of each widget is replaced too and cannot bring an old
    value back — and clear the state behind them (selected item, table selection)."""
    for key, value in defaults.items():
        st.session_state[key] = value
    if "f_outcome" in st.session_state:  # the outcome filter (mapview.timeline)
        st.session_state["f_outcome"] = []
    st.session_state[THREADS_KEY] = False  # threads mode is a view of the selection: off too
    st.session_state[NEAR_KEY] = ""
    st.session_state.pop(SELECTED, None)
    st.session_state.pop("_focus", None)
    st.session_state[TABLE_GENERATION] = st.session_state.get(TABLE_GENERATION, 0) + 1


def language_switch(default: str) -> str:
    """中文 / English at the top of the sidebar; `default` (the link's, else the browser's
    language) until the reader picks one."""
    if st.session_state.get(KEYS["lang"]) not in i18n.LANGS:
        st.session_state[KEYS["lang"]] = default
    return str(
        st.sidebar.segmented_control(
            "Language 语言",
            list(i18n.LANGS),
            key=KEYS["lang"],
            format_func=lambda code: i18n.word("lang", code, code),
            label_visibility="collapsed",
        )
        or default
    )


def filter_panel(
    choices: Mapping[str, list[Any]], lang: str = "en"
) -> tuple[flt.Filters, list[DeltaGenerator]]:
    """Draw the filters over `filter_choices` as two rows above the map; return the selection
    and the last two cells of the second row (for the outcome filter and Reset).

    They sit in the page's main area, inside the fragment that redraws the map and table (a
    filter change reruns only that; Streamlit forbids fragments writing to the sidebar)."""
    defaults = filter_defaults(choices)
    for key, value in defaults.items():  # widgets read their value from the state only
        if key not in st.session_state:
            st.session_state[key] = value
    first = st.columns([2, 1, 1, 1, 1], vertical_alignment="bottom")
    second = st.columns([1, 1, 2, 1, 1], vertical_alignment="bottom")
    years = choices["year"]
    year_range = None
    with first[0]:
        if len(years) >= 2:
            lo, hi = st.session_state[KEYS["year"]]
            if not min(years) <= lo <= hi <= max(years):  # another atlas: a stale range
                st.session_state[KEYS["year"]] = defaults[KEYS["year"]]
            label = i18n.t("filters.year", lang)
            lo, hi = st.slider(label, min(years), max(years), key=KEYS["year"])
            if (lo, hi) != (min(years), max(years)):
                year_range = (int(lo), int(hi))
        elif years:
            st.caption(i18n.t("filters.year_only", lang, year=years[0]))

    def pick(cell: DeltaGenerator, column: str, word: str | None = None) -> tuple[Any, ...]:
        options = choices[column]
        key = KEYS[column]
        kept = [v for v in st.session_state[key] if v in options]
        if kept != list(st.session_state[key]):  # values of another atlas
            st.session_state[key] = kept
        label = i18n.t(f"filters.{column}", lang)
        shown = (lambda v: i18n.word(word, v, lang)) if word else str
        return tuple(
            cell.multiselect(
                label,
                options,
                key=key,
                format_func=shown,
                placeholder=i18n.t("filters.choose", lang),
            )
        )

    filters = flt.Filters(
        year_range=year_range,
        period=pick(first[1], "period", "period"),
        kind=pick(first[2], "kind", "kind"),
        category=pick(first[3], "category", "category"),
        status=pick(first[4], "status", "status"),
        subdistrict=pick(second[0], "subdistrict"),
        zone=pick(second[1], "zone"),
        text=second[2].text_input(i18n.t("filters.text", lang), key=KEYS["text"]).strip(),
    )
    return filters, second[3:]


def reset_button(choices: Mapping[str, list[Any]], lang: str = "en") -> None:
    """Reset, under the filters: its callback sets every filter back; then the whole page
    reruns (not only the fragment), so the sidebar's threads switch and search show it too."""
    if st.button(
        i18n.t("filters.reset", lang),
        on_click=reset_filters,
        args=(filter_defaults(choices),),
        key="reset",
        help=i18n.t("filters.reset_help", lang),
    ):
        st.rerun(scope="app")


def basemap_picker(offline: str | None, lang: str) -> str:
    """The basemap radio (the offline one labelled with what the atlas can draw)."""
    bar = st.sidebar
    bar.header(i18n.t("basemap.header", lang))
    basemap = bar.radio(
        i18n.t("basemap.header", lang),
        list(BASEMAPS),
        index=list(BASEMAPS).index(DEFAULT_BASEMAP),
        format_func=lambda k: (
            offline if offline and BASEMAPS[k].offline else i18n.word("basemap", k, lang)
        ),
        key=KEYS["basemap"],
        label_visibility="collapsed",
    )
    if BASEMAPS[basemap].gcj02:
        bar.caption(i18n.t("basemap.gcj02", lang))
    elif not BASEMAPS[basemap].offline:
        bar.caption(i18n.t("basemap.online", lang))
    return basemap


def cli_command(filters: flt.Filters, output: str = "selection.geojson") -> str:
    """The `python -m geo export` command that writes the same selection as the download,
    from the option table the CLI parses (`geo.filters.filter_arguments`)."""
    return shlex.join(["python", "-m", "geo", "export", "-o", output,
                       *flt.filter_arguments(filters)])  # fmt: skip


#: Columns of codes the tables show as words (the downloads keep the codes).
WORD_COLUMNS = ("kind", "status", "category", "period", "precision", "method", "outcome")


def table_words(table: pd.DataFrame, docs: pd.Series, lang: str) -> pd.DataFrame:
    """The table as the page shows it: words for codes, report titles with their year (`docs`:
    the rows' report files), headers in `lang` (the selection and downloads keep the codes)."""
    shown = pd.DataFrame(table).copy()
    for column in (c for c in WORD_COLUMNS if c in shown.columns):
        words = {c: i18n.word(column, c, lang) for c in shown[column].dropna().unique()}
        shown[column] = shown[column].astype(object).map(words)
    pairs = zip(table["doc_title"], docs, strict=True)
    shown["doc_title"] = [i18n.report_title(t, d) for t, d in pairs]
    return shown.rename(columns={c: i18n.t(f"column.{c}", lang) for c in shown.columns})


def count_line(matching: int, not_drawn: int, total: int, lang: str = "en") -> str:
    return i18n.t("count.line", lang, matching=matching, not_drawn=not_drawn, total=total)


def _or_dash(value: object) -> str:
    return md_escape(value) or "–"


def item_details(row: Mapping[Hashable, Any], lang: str = "en") -> None:
    """Everything the atlas knows about one item, with its source sentence."""
    st.markdown(f"#### {md_escape(row.get('name'))}")
    year = row.get("year")
    meta = [
        i18n.word("kind", row.get("kind"), lang),
        md_escape(i18n.word("category", row.get("category"), lang)),
        "" if pd.isna(year) else str(int(year)),
        i18n.word("status", row.get("status"), lang),
        md_escape(i18n.word("period", row.get("period"), lang)),
    ]
    st.markdown(" · ".join(m for m in meta if m))
    st.markdown("> " + md_escape(row.get("quote")))
    precision = row.get("precision")
    if pd.isna(precision):
        where = i18n.t("details.unlocated", lang)
    else:
        where = i18n.t(
            "details.precision",
            lang,
            code=int(precision),
            word=i18n.word("precision", precision, lang),
        )
        radius = row.get("uncertainty_m")
        if radius is not None and not pd.isna(radius) and float(radius) > 0:
            where += "; " + i18n.t("details.uncertainty", lang, metres=float(radius))
    title = i18n.report_title(row.get("doc_title"), row.get("doc"))
    lines = [
        i18n.t("details.source", lang, doc=md_escape(title)),
        i18n.t("details.location", lang, location=md_escape(row.get("location"))),
        i18n.t(
            "details.placed",
            lang,
            where=md_escape(where),
            method=md_escape(i18n.word("method", row.get("method"), lang)),
        ),
        i18n.t(
            "details.areas",
            lang,
            subdistrict=_or_dash(row.get("subdistrict")),
            zone=_or_dash(row.get("zone")),
        ),
        i18n.t("details.id", lang, id=md_escape(row.get("id"))),
    ]
    if isinstance(row.get("outcome"), str) and row.get("outcome"):
        outcome = i18n.word("outcome", row.get("outcome"), lang)
        lines.insert(3, i18n.t("details.outcome", lang, outcome=md_escape(outcome)))
    st.markdown("  \n".join(lines))


#: The reasons `mapview.payload.draw_reasons` gives (English), → the vocabulary's key and the
#: values it names; a test checks that every reason it can give is translated.
_REASONS = (
    (re.compile(r"^unlocated\b"), "reason.unlocated"),
    (re.compile(r"^geometry type (?P<type>.+) is not drawn$"), "reason.geometry_type"),
    (
        re.compile(r"^unknown kind (?P<kind>.+): the map draws (?P<known>.+)$"),
        "reason.unknown_kind",
    ),
)


def reason_words(row: Mapping[Hashable, Any], lang: str) -> str:
    """Why an item is not on the map, in `lang` (the `reason` of `payload.not_drawn`)."""
    reason = str(row.get("reason") or "")
    for pattern, key in _REASONS:
        match = pattern.match(reason)
        if match:
            return i18n.t(key, lang, **match.groupdict())
    return reason


#: Items of the not-drawn list shown at most (one Markdown block each); the table and the
#: downloads hold every one.
NOT_DRAWN_ROWS = 200


def not_drawn_list(rows: pd.DataFrame, lang: str = "en", limit: int = NOT_DRAWN_ROWS) -> None:
    """Items the map cannot draw (unlocated, unknown kind …), each with its reason and quote,
    so none silently disappears; the first `limit` of them, with a line saying so (at 100x
    the data thousands of blocks would delay the page for a list nobody scrolls)."""
    if rows.empty:
        st.caption(i18n.t("not_drawn.all_drawn", lang))
        return
    st.caption(i18n.t("not_drawn.intro", lang, count=len(rows)))
    if len(rows) > limit:
        st.caption(i18n.t("count.rows_cut", lang, shown=limit, total=len(rows)))
    for row in rows.head(limit).to_dict("records"):
        year = row.get("year")
        when = "" if pd.isna(year) else f", {int(year)}"
        title = i18n.report_title(row.get("doc_title"), row.get("doc"))
        location = i18n.t("not_drawn.location", lang, location=_or_dash(row.get("location")))
        st.markdown(
            f"**{md_escape(row.get('name'))}** — {md_escape(title)}{when}"
            f" · {location}  \n"
            f"*{md_escape(reason_words(row, lang))}*  \n"
            f"> {md_escape(row.get('quote'))}"
        )
