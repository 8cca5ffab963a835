"""The page's thread parts (issue 12): an item's thread as a timeline, the outcome filter,
the "show threads instead of mentions" switch.

`timeline_html` is pure (rows in, escaped HTML out) so tests can read it; the `render_*` and
widget functions are thin Streamlit wrappers that `app.py` calls in one line each.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from geo import OUTCOMES, timeline
from mapview import style

#: Widget keys (tests drive the widgets through them).
KEYS = {"outcome": "f_outcome", "threads": "map_threads"}
OUTCOME_LABEL: dict[str, str] = {
    "delivered": "delivered 已兑现",
    "in_progress": "in progress 推进中",
    "replanned": "replanned 再计划",
    "no_later_mention": "no later mention 未再提及",
}

_CSS = (
    "<style>.atlas-timeline{list-style:none;padding-left:0;margin:0}"
    ".atlas-timeline li{border-left:3px solid #ccc;padding:2px 0 6px 8px;margin:0}"
    ".atlas-timeline li.current{border-left-color:#0072B2;background:#eef5fb}"
    ".atlas-timeline .when{font-weight:600}.atlas-timeline q{color:#444}</style>"
)


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(" ".join(str(value).split()), quote=True)


def outcome_label(outcome: object) -> str:
    return OUTCOME_LABEL.get(str(outcome), str(outcome))


def timeline_html(mentions: pd.DataFrame, current_id: object = None) -> str:
    """An ordered list, one entry per mention (year, report, period, status → outcome, quote),
    the `current_id` one marked `class="current"`. Every string is HTML-escaped."""
    entries = []
    for row in mentions.to_dict("records"):
        year = row.get("year")
        when = "" if pd.isna(year) else str(int(year))
        status = style.status_label(row.get("status"))
        if _text(row.get("outcome")):
            status += f" → {outcome_label(row.get('outcome'))}"
        period = style.PERIOD_LABEL.get(str(row.get("period")), row.get("period"))
        current = ' class="current"' if str(row.get("id")) == str(current_id) else ""
        entries.append(
            f"<li{current}><span class='when'>{_text(when)}</span> · "
            f"{_text(row.get('doc_title') or row.get('doc'))} · {_text(period)} · "
            f"<b>{_text(status)}</b><br><q>{_text(row.get('quote'))}</q></li>"
        )
    return f"{_CSS}<ol class='atlas-timeline'>{''.join(entries)}</ol>"


def thread_summary(thread: Mapping) -> str:
    """One escaped line: label, mentions in reports, years, latest status, outcome."""
    outcome = thread.get("outcome")
    parts = [
        f"<b>{_text(thread.get('label'))}</b>",
        f"{_text(thread.get('mentions'))} mentions in {_text(thread.get('reports'))} reports",
        f"{_text(thread.get('first_year'))}–{_text(thread.get('last_year'))}",
        f"latest: {_text(style.status_label(thread.get('latest_status')))}",
    ]
    if _text(outcome):
        parts.append(f"first plan: {_text(outcome_label(outcome))}")
    return " · ".join(parts)


#: Why a near miss was kept apart (`geo.threads.rules.apart_reason`), as the panel says it.
APART = {
    "road_vs_other": "a road and what lies on it",
    "different_kind": "another kind of thing",
    "different_subdistrict": "placed in another 街道",
    "different_part": "another part, phase or number",
    "different_address": "another address",
    "different_head": "another kind of thing on the same place",
    "facility_or_part": "a facility or part of it",
}


def _near(candidate: Mapping) -> str:
    """One near miss: its label, score and, for a refusal, why it was kept apart."""
    rule = str(candidate.get("rule") or "")
    why = APART.get(rule.removeprefix("apart:"), "") if rule.startswith("apart:") else ""
    score = f"{float(candidate.get('score', 0)):.2f}"
    return (
        f"{_text(candidate.get('label'))} ({score}{'; kept apart: ' + _text(why) if why else ''})"
    )


def candidates_html(thread: Mapping) -> str:
    """The near links not made ("possibly the same as …", with scores and the reason a refusal
    gives), escaped; "" if none."""
    try:
        near = json.loads(str(thread.get("candidates") or "[]"))
    except ValueError:
        return ""
    if not near:
        return ""
    shown = ", ".join(_near(c) for c in near[:5])
    return f"<small>Not linked, possibly related: {shown}</small>"


def render_thread(items: pd.DataFrame, threads: pd.DataFrame, row: Mapping) -> None:
    """The item panel's thread: a summary line and the timeline with this item highlighted."""
    thread_id = row.get("thread")
    if not _text(thread_id):
        return
    st.markdown("##### Thread — the story across reports")
    match = threads[threads["thread"] == thread_id] if "thread" in threads.columns else threads
    if len(match):
        st.html(thread_summary(match.iloc[0].to_dict()))
    st.html(timeline_html(timeline(items, str(thread_id)), row.get("id")))
    if len(match):
        near = candidates_html(match.iloc[0].to_dict())
        if near:
            st.html(near)


def outcome_filter(items: pd.DataFrame) -> tuple[str, ...]:
    """Sidebar multiselect of outcomes (every outcome offered, in schema order)."""
    return tuple(
        st.sidebar.multiselect(
            "Outcome of plans", list(OUTCOMES), key=KEYS["outcome"], format_func=outcome_label
        )
    )


def threads_toggle() -> bool:
    """Sidebar switch: one marker per thread (styled by outcome) instead of one per mention."""
    return bool(
        st.sidebar.toggle(
            "Show threads instead of mentions",
            key=KEYS["threads"],
            help="A place mentioned in five reports is one marker, coloured by what became of "
            "its first plan.",
        )
    )
