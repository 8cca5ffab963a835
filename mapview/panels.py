"""Streamlit widgets of the explorer: the filter sidebar, item details, the unlocated list.

Widgets only turn user input into a `geo.filters.Filters` (the one filter the CLI export also
uses) and show rows; they never filter themselves. Text from the reports is shown through
`md_escape`, so markup in a name (`<script>`, `*stars*`) renders as the characters it is.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from geo import filters as flt
from geo.schema import PRECISION
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

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
_TIP_ID = re.compile(r"\[\[(.+?)\]\]")


def md_escape(value: object) -> str:
    """Text that Streamlit's Markdown shows literally (every special character backslashed)."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def id_from_tooltip(tooltip: object) -> str | None:
    """The item id hidden in a map tooltip's text (`[[id]]`), as returned by st_folium."""
    if not isinstance(tooltip, str):
        return None
    match = _TIP_ID.search(tooltip)
    return match.group(1) if match else None


def _options(items: pd.DataFrame, column: str, vocab: Mapping[str, Sequence]) -> list:
    """Choices of a filter: the vocabulary (schema order for kind/status/period, so every
    known value is offered), then values found only in the data."""
    known = list(vocab.get(column, ()))
    present = flt.valid_values(items, column)
    if column in ("kind", "status", "period"):
        return known + [v for v in present if v not in known]
    return sorted({*known, *present}, key=str)


def reset_filters() -> None:
    for key in KEYS.values():
        if key != KEYS["basemap"]:
            st.session_state.pop(key, None)


def sidebar(items: pd.DataFrame, vocab: Mapping[str, Sequence]) -> tuple[flt.Filters, str]:
    """Draw the filter sidebar; return the selection and the chosen basemap key."""
    bar = st.sidebar
    bar.header("Filters")
    years = flt.valid_values(items, "year")
    year_range = None
    if len(years) >= 2:
        lo, hi = bar.slider(
            "Year", min(years), max(years), (min(years), max(years)), key=KEYS["year"]
        )
        if (lo, hi) != (min(years), max(years)):
            year_range = (int(lo), int(hi))
    elif years:
        bar.caption(f"Year: {years[0]}")

    def pick(column: str, label: str, fmt=str) -> tuple:
        return tuple(
            bar.multiselect(
                label, _options(items, column, vocab), key=KEYS[column], format_func=fmt
            )
        )

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
    bar.button("Reset filters", on_click=reset_filters)
    bar.header("Basemap")
    basemap = bar.radio(
        "Basemap",
        list(BASEMAPS),
        index=list(BASEMAPS).index(DEFAULT_BASEMAP),
        format_func=lambda k: BASEMAPS[k].label,
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
    """The `python -m geo export` command that writes the same selection as the download."""
    parts = ["python", "-m", "geo", "export", "-o", output]
    years = list(filters.year)
    if filters.year_range is not None:
        lo, hi = filters.year_range
        years = [y for y in range(lo, hi + 1) if not years or y in years]
    if years:
        parts += ["--year", *map(str, years)]
    for name in ("kind", "category", "status", "period", "subdistrict", "zone", "outcome"):
        values = getattr(filters, name)
        if values:
            parts += [f"--{name}", *map(str, values)]
    if filters.text:
        parts += ["--text", filters.text]
    if filters.located_only:
        parts.append("--located-only")
    return shlex.join(parts)


def count_line(matching: int, unlocated: int, total: int) -> str:
    return (
        f"**{matching}** of {total} items match · **{unlocated}** of them unlocated "
        "(not on the map, listed below)"
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
        md_escape(style.PERIOD_LABEL.get(row.get("period"), row.get("period"))),
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


def unlocated_list(unlocated: pd.DataFrame) -> None:
    """Items that could not be placed, each with its quote, so none silently disappears."""
    if unlocated.empty:
        st.caption("Every matching item is on the map.")
        return
    st.caption(
        f"{len(unlocated)} matching items name a place the gazetteer does not know; "
        "they are kept in the data and the downloads with an empty geometry."
    )
    for row in unlocated.to_dict("records"):
        year = row.get("year")
        when = "" if pd.isna(year) else f", {int(year)}"
        st.markdown(
            f"**{md_escape(row.get('name'))}** — {md_escape(row.get('doc_title'))}{when}"
            f" · location: {md_escape(row.get('location')) or '–'}  \n"
            f"> {md_escape(row.get('quote'))}"
        )
