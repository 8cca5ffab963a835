"""The page's side of shareable views: the link's view into the widgets on a session's first
run, and the current view back into the URL on every run (`mapview.viewstate` does the
encoding; this module only moves it between `st.query_params` and `st.session_state`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from mapview import panels
from mapview.viewstate import View, decode, encode

#: Session flag: the link has been read (only on the first run: later the widgets lead).
LOADED = "_url_loaded"
#: Widget keys of the view's parts that are not filters.
RADIUS_KEY = "near_radius"
#: The map's counter: a new value zooms to the selected item (`atlasmap.build_map(reveal=)`).
REVEAL = "_reveal"


def read_params() -> dict[str, list[str]]:
    """The URL's query parameters, repeated ones as lists."""
    return {key: list(st.query_params.get_all(key)) for key in st.query_params.keys()}  # noqa: SIM118


def restore(choices: Mapping[str, list[Any]]) -> list[str]:
    """On a session's first run, put the link's view into the widgets' state (before they are
    drawn); returns the values the link had that this atlas lacks (shown as one line)."""
    if st.session_state.get(LOADED):
        return []
    st.session_state[LOADED] = True
    view, dropped = decode(read_params(), choices)
    state = st.session_state
    for key, value in panels.filter_defaults(choices).items():
        state[key] = value
    years = choices.get("year") or []
    if view.filters.year_range and len(years) >= 2:
        state[panels.KEYS["year"]] = view.filters.year_range
    for column in panels.CHOICE_COLUMNS:
        state[panels.KEYS[column]] = list(getattr(view.filters, column))
    state["f_outcome"] = list(view.filters.outcome)
    state[panels.KEYS["text"]] = view.filters.text
    if view.lang:
        state[panels.KEYS["lang"]] = view.lang
    state[panels.KEYS["basemap"]] = view.basemap
    state[panels.THREADS_KEY] = view.threads
    state[panels.NEAR_KEY] = view.near
    state[RADIUS_KEY] = view.radius
    state[panels.KEYS["fit"]] = not view.keep_view
    if view.selected:  # the map opens the item's popup and zooms to it (a new `reveal`)
        state[panels.SELECTED] = view.selected
        state[REVEAL] = state.get(REVEAL, 0) + 1
    return dropped


def sync(view: View) -> None:
    """Write `view` to the URL when it differs from what the URL holds (a filter change
    updates the link; Reset leaves only the language and basemap)."""
    params = encode(view)
    if params != read_params():
        st.query_params.from_dict(params)
