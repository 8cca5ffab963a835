"""The page's thread parts (issue 12): an item's thread as a timeline, the outcome filter,
the "show threads instead of mentions" switch.

`timeline_html` is pure (rows in, escaped HTML out) so tests can read it; the `render_*` and
widget functions are thin Streamlit wrappers that `app.py` calls in one line each. Every word
comes from the page's vocabulary (`mapview.i18n`) in the reader's language.

A timeline is ordered by the date of the report (what was said when) and each entry leads with
that report — its year and title — while the year a statement is *about* is shown apart
("about 2026 · plan"): a 2022 five-year target belongs between the 2022 and 2024 reports,
not after a 2023 review.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from geo import OUTCOMES, timeline
from mapview import i18n

#: Widget keys (tests drive the widgets through them).
KEYS = {"outcome": "f_outcome", "threads": "map_threads"}
#: The bilingual outcome words ("delivered 已兑现"): the map's defaults when no language is given.
OUTCOME_LABEL: dict[str, str] = {
    o: f"{i18n.word('outcome', o, 'en')} {i18n.word('outcome', o, 'zh')}" for o in OUTCOMES
}

_CSS = (
    "<style>.atlas-timeline{list-style:none;padding-left:0;margin:0}"
    ".atlas-timeline li{border-left:3px solid #ccc;padding:2px 0 6px 8px;margin:0}"
    ".atlas-timeline li.current{border-left-color:#0072B2;background:#eef5fb}"
    ".atlas-timeline .when{font-weight:600}.atlas-timeline .about{color:#555}"
    ".atlas-timeline q{color:#444}</style>"
)


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(" ".join(str(value).split()), quote=True)


def outcome_label(outcome: object, lang: str = "en") -> str:
    return i18n.word("outcome", outcome, lang)


def _year(value: object) -> str:
    return "" if _text(value) == "" else str(int(str(value).split(".")[0]))


def timeline_html(mentions: pd.DataFrame, current_id: object = None, lang: str = "en") -> str:
    """An ordered list, one entry per mention in report order: the report (its year, its
    title), then what the statement is about (year, period), status → outcome and the quote;
    the `current_id` one marked `class="current"`. Every string is HTML-escaped."""
    entries = []
    for row in mentions.to_dict("records"):
        report_year = i18n.doc_year(row.get("doc"))
        title = i18n.report_title(row.get("doc_title"), row.get("doc"))
        status = i18n.word("status", row.get("status"), lang)
        if _text(row.get("outcome")):
            status += f" → {outcome_label(row.get('outcome'), lang)}"
        about = " · ".join(
            p
            for p in (
                i18n.t("thread.about", lang, year=_year(row.get("year")))
                if _year(row.get("year"))
                else "",
                i18n.word("period", row.get("period"), lang),
            )
            if p
        )
        current = ' class="current"' if str(row.get("id")) == str(current_id) else ""
        entries.append(
            f"<li{current}><span class='when'>{_text(report_year or '')}</span> "
            f"{_text(title)}<br><span class='about'>{_text(about)}</span> · "
            f"<b>{_text(status)}</b><br><q>{_text(row.get('quote'))}</q></li>"
        )
    return f"{_CSS}<ol class='atlas-timeline'>{''.join(entries)}</ol>"


def thread_summary(thread: Mapping[Any, Any], lang: str = "en") -> str:
    """One escaped line: label, mentions in reports, years, latest status, outcome."""
    outcome = thread.get("outcome")
    parts = [
        f"<b>{_text(thread.get('label'))}</b>",
        _text(
            i18n.t(
                "thread.summary",
                lang,
                mentions=thread.get("mentions"),
                reports=thread.get("reports"),
            )
        ),
        f"{_text(thread.get('first_year'))}–{_text(thread.get('last_year'))}",
        _text(
            i18n.t(
                "thread.latest", lang, status=i18n.word("status", thread.get("latest_status"), lang)
            )
        ),
    ]
    if _text(outcome):
        parts.append(_text(i18n.t("thread.first_plan", lang, outcome=outcome_label(outcome, lang))))
    return " · ".join(parts)


def _near(candidate: Mapping[Any, Any], lang: str) -> str:
    """One near miss: its label, score and, for a refusal, why it was kept apart (the reason
    of `geo.threads.rules.apart_reason`, in words)."""
    rule = str(candidate.get("rule") or "")
    why = i18n.word("apart", rule.removeprefix("apart:"), lang) if rule.startswith("apart:") else ""
    score = f"{float(candidate.get('score', 0)):.2f}"
    apart = "; " + _text(i18n.t("thread.kept_apart", lang, why=why)) if why else ""
    return f"{_text(candidate.get('label'))} ({score}{apart})"


def candidates_html(thread: Mapping[Any, Any], lang: str = "en") -> str:
    """The near links not made ("possibly the same as …", with scores and the reason a refusal
    gives), escaped; "" if none."""
    try:
        near = json.loads(str(thread.get("candidates") or "[]"))
    except ValueError:
        return ""
    if not near:
        return ""
    shown = ", ".join(_near(c, lang) for c in near[:5])
    return f"<small>{_text(i18n.t('thread.not_linked', lang))} {shown}</small>"


def render_thread(
    items: pd.DataFrame, threads: pd.DataFrame, row: Mapping[Any, Any], lang: str = "en"
) -> None:
    """The item panel's thread: a summary line and the timeline with this item highlighted."""
    thread_id = row.get("thread")
    if not _text(thread_id):
        return
    st.markdown(f"##### {i18n.t('thread.header', lang)}")
    match = threads[threads["thread"] == thread_id] if "thread" in threads.columns else threads
    if len(match):
        st.html(thread_summary(match.iloc[0].to_dict(), lang))
    st.html(timeline_html(timeline(items, str(thread_id)), row.get("id"), lang))
    if len(match):
        near = candidates_html(match.iloc[0].to_dict(), lang)
        if near:
            st.html(near)


def outcome_filter(items: pd.DataFrame, lang: str = "en") -> tuple[str, ...]:
    """Multiselect of outcomes (every outcome offered, in schema order), under the filters."""
    return tuple(
        st.multiselect(
            i18n.t("filters.outcome", lang),
            list(OUTCOMES),
            key=KEYS["outcome"],
            format_func=lambda o: outcome_label(o, lang),
            placeholder=i18n.t("filters.choose", lang),
        )
    )


def threads_toggle(lang: str = "en") -> bool:
    """Sidebar switch: one marker per thread (styled by outcome) instead of one per mention."""
    return bool(
        st.sidebar.toggle(
            i18n.t("filters.threads", lang),
            key=KEYS["threads"],
            help=i18n.t("filters.threads_help", lang),
        )
    )
