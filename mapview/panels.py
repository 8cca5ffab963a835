"""Streamlit widgets of the explorer: the filter sidebar, item details, the unlocated list.

Widgets only turn user input into a `geo.filters.Filters` (the one filter the CLI export also
uses) and show rows; they never filter themselves. Text from the reports is shown through
`md_escape`, so markup in a name (`<script>`, `*stars*`) renders as the characters it is.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from geo import PRECISION
from geo import filters as flt
from mapview import style
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
}
#: Session state behind the widgets that Reset clears too (selection, table generation).
SELECTED = "selected_id"
TABLE_GENERATION = "_table_generation"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md_escape(value: object) -> str:
    """Text that Streamlit's Markdown shows literally (every special character backslashed)."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _options(items: pd.DataFrame, column: str, vocab: Mapping[str, Sequence]) -> list:
    """Choices of a filter: the vocabulary (schema order for kind/status/period, so every
    known value is offered), then values found only in the data."""
    known = list(vocab.get(column, ()))
    present = flt.valid_values(items, column)
    if column in ("kind", "status", "period"):
        return known + [v for v in present if v not in known]
    return sorted({*known, *present}, key=str)


#: The multi-choice filters of the sidebar, in order.
CHOICE_COLUMNS = ("period", "kind", "category", "status", "subdistrict", "zone")


def filter_choices(items: pd.DataFrame, vocab: Mapping[str, Sequence]) -> dict[str, list]:
    """Every filter's choices (and the years present), computed once per atlas version by the
    app: at 100x the data, scanning the columns on every rerun would delay each change."""
    choices = {column: _options(items, column, vocab) for column in CHOICE_COLUMNS}
    choices["year"] = flt.valid_values(items, "year")
    return choices


def filter_defaults(choices: Mapping[str, list]) -> dict[str, Any]:
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
    st.session_state.pop(SELECTED, None)
    st.session_state.pop("_focus", None)
    st.session_state[TABLE_GENERATION] = st.session_state.get(TABLE_GENERATION, 0) + 1


def sidebar(choices: Mapping[str, list], offline: str | None = None) -> tuple[flt.Filters, str]:
    """Draw the filter sidebar over `filter_choices`; return the selection and the basemap key.

    `offline`: the offline basemap's label (what the atlas' reference layers can draw)."""
    bar = st.sidebar
    bar.header("Filters")
    defaults = filter_defaults(choices)
    for key, value in defaults.items():  # widgets read their value from the state only
        if key not in st.session_state:
            st.session_state[key] = value
    years = choices["year"]
    year_range = None
    if len(years) >= 2:
        lo, hi = st.session_state[KEYS["year"]]
        if not min(years) <= lo <= hi <= max(years):  # another atlas: a stale range
            st.session_state[KEYS["year"]] = defaults[KEYS["year"]]
        lo, hi = bar.slider("Year", min(years), max(years), key=KEYS["year"])
        if (lo, hi) != (min(years), max(years)):
            year_range = (int(lo), int(hi))
    elif years:
        bar.caption(f"Year: {years[0]}")

    def pick(column: str, label: str, fmt=str) -> tuple:
        options = choices[column]
        key = KEYS[column]
        kept = [v for v in st.session_state[key] if v in options]
        if kept != list(st.session_state[key]):  # values of another atlas
            st.session_state[key] = kept
        return tuple(bar.multiselect(label, options, key=key, format_func=fmt))

    filters = flt.Filters(
        year_range=year_range,
        period=pick("period", "Period", lambda p: style.PERIOD_LABEL.get(p, p)),
        kind=pick("kind", "Kind", style.kind_label),
        category=pick("category", "Category"),
        status=pick("status", "Status", style.status_label),
        subdistrict=pick("subdistrict", "街道 (sub-district)"),
        zone=pick("zone", "Functional zone (lies in)"),
        text=bar.text_input("Search name, location and quote", key=KEYS["text"]).strip(),
    )
    bar.button("Reset filters", on_click=reset_filters, args=(defaults,), key="reset")
    bar.header("Basemap")
    basemap = bar.radio(
        "Basemap",
        list(BASEMAPS),
        index=list(BASEMAPS).index(DEFAULT_BASEMAP),
        format_func=lambda k: offline if offline and BASEMAPS[k].offline else BASEMAPS[k].label,
        key=KEYS["basemap"],
        label_visibility="collapsed",
    )
    if BASEMAPS[basemap].gcj02:
        bar.caption(
            "AMap tiles use GCJ-02: the features are shifted to GCJ-02 for this basemap only; "
            "the table and downloads stay WGS84."
        )
    elif not BASEMAPS[basemap].offline:
        bar.caption("Tiles need internet access; the outlines draw without it.")
    return filters, basemap


def cli_command(filters: flt.Filters, output: str = "selection.geojson") -> str:
    """The `python -m geo export` command that writes the same selection as the download,
    from the option table the CLI parses (`geo.filters.filter_arguments`)."""
    return shlex.join(["python", "-m", "geo", "export", "-o", output,
                       *flt.filter_arguments(filters)])  # fmt: skip


def count_line(matching: int, not_drawn: int, total: int) -> str:
    return (
        f"**{matching}** of {total} items match · **{not_drawn}** of them not on the map "
        "(listed below with the reason)"
    )


def item_details(row: Mapping) -> None:
    """Everything the atlas knows about one item, with its source sentence."""
    st.markdown(f"#### {md_escape(row.get('name'))}")
    year = row.get("year")
    meta = [
        style.kind_label(row.get("kind")),
        md_escape(row.get("category")),
        "" if pd.isna(year) else str(int(year)),
        style.status_label(row.get("status")),
        md_escape(style.PERIOD_LABEL.get(str(row.get("period")), row.get("period"))),
    ]
    st.markdown(" · ".join(m for m in meta if m))
    st.markdown("> " + md_escape(row.get("quote")))
    precision = row.get("precision")
    where = (
        "unlocated"
        if pd.isna(precision)
        else f"precision {int(precision)} — {PRECISION.get(int(precision), '')}"
    )
    lines = [
        f"Source: {md_escape(row.get('doc_title') or row.get('doc'))}",
        f"Location text: {md_escape(row.get('location'))}",
        f"Placed: {md_escape(where)} ({md_escape(row.get('method'))})",
        f"街道: {md_escape(row.get('subdistrict')) or '–'} · zone: "
        f"{md_escape(row.get('zone')) or '–'}",
        f"id: {md_escape(row.get('id'))}",
    ]
    st.markdown("  \n".join(lines))


def not_drawn_list(rows: pd.DataFrame) -> None:
    """Items the map cannot draw (unlocated, unknown kind …), each with its reason and quote,
    so none silently disappears."""
    if rows.empty:
        st.caption("Every matching item is on the map.")
        return
    st.caption(
        f"{len(rows)} matching items are not on the map; they are kept in the data and the "
        "downloads (unlocated ones with an empty geometry)."
    )
    for row in rows.to_dict("records"):
        year = row.get("year")
        when = "" if pd.isna(year) else f", {int(year)}"
        st.markdown(
            f"**{md_escape(row.get('name'))}** — {md_escape(row.get('doc_title'))}{when}"
            f" · location: {md_escape(row.get('location')) or '–'}  \n"
            f"*{md_escape(row.get('reason'))}*  \n"
            f"> {md_escape(row.get('quote'))}"
        )
