"""Shareable views: the whole view of the page as URL query parameters, and back.

A planner sends a link; the colleague who opens it in a fresh browser sees the same view —
filters, selected item, language, basemap, threads mode, the "near here" search — so the same
count and the same selection. The filter parameters are built from the option table the CLI is
built from (`geo.filters.OPTIONS`: one parameter per `Filters` field, named like it), so the
link, the page and `python -m geo export` cannot disagree on what a filter means.

Pure: `encode` (a `View` → {name: [values]}) and `decode` (parameters + the atlas' choices →
a `View` and the values it had to drop). Streamlit's `st.query_params` is read and written by
the app (`read_params` / `write_params`), nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from geo import filters as flt
from mapview.basemaps import BASEMAPS, DEFAULT_BASEMAP
from mapview.i18n import LANGS

#: Distances the "near here" search offers, in metres; the default first.
RADII: tuple[int, ...] = (500, 250, 1000, 2000)
DEFAULT_RADIUS = RADII[0]
#: Parameter names of the non-filter parts of the view.
ITEM, LANG, BASEMAP, THREADS, NEAR, RADIUS, KEEP = (
    "item", "lang", "basemap", "threads", "near", "r", "keep",
)  # fmt: skip
#: The widest text a link may carry (a search or an address); longer is cut, never parsed.
MAX_TEXT = 200


@dataclass(frozen=True)
class View:
    """Everything a link restores. `lang` None: the browser's language (not in the link)."""

    filters: flt.Filters = field(default_factory=flt.Filters)
    selected: str | None = None
    lang: str | None = None
    basemap: str = DEFAULT_BASEMAP
    threads: bool = False
    near: str = ""
    radius: int = DEFAULT_RADIUS
    keep_view: bool = False


def _option_values(option: flt.Option, value: Any) -> list[str]:
    if option.form == "flag":
        return ["1"] if value else []
    if option.form == "text":
        return [str(value)] if value else []
    return [str(v) for v in (value or ())]


def encode(view: View) -> dict[str, list[str]]:
    """The query parameters of `view`; only what differs from the default view (an unfiltered
    page has a bare URL). Several values of a filter are repeated parameters
    (`?kind=park&kind=road`), as they are repeated options on the command line."""
    params: dict[str, list[str]] = {}
    for option in flt.OPTIONS:
        values = _option_values(option, getattr(view.filters, option.field))
        if values:
            params[option.field] = values
    extra = {
        ITEM: view.selected or "",
        LANG: view.lang or "",
        BASEMAP: "" if view.basemap == DEFAULT_BASEMAP else view.basemap,
        THREADS: "1" if view.threads else "",
        NEAR: view.near,
        RADIUS: "" if view.radius == DEFAULT_RADIUS else str(view.radius),
        KEEP: "1" if view.keep_view else "",
    }
    params.update({key: [value] for key, value in extra.items() if value})
    return params


def _last(params: Mapping[str, Sequence[str]], key: str) -> str:
    values = params.get(key) or []
    return str(values[-1])[:MAX_TEXT] if values else ""


def decode(
    params: Mapping[str, Sequence[str]], choices: Mapping[str, Sequence[Any]]
) -> tuple[View, list[str]]:
    """The `View` a link asks for, and the values it had to drop ("kind=castle", a year range
    outside the atlas' years, a bad number): a link made for another atlas still opens, with
    what this atlas has. `choices`: the page's filter choices (`mapview.panels.filter_choices`:
    each filter's values, and `year`: the years present)."""
    dropped: list[str] = []
    values: dict[str, Any] = {}
    for option in flt.OPTIONS:
        raw = [str(v) for v in params.get(option.field) or []]
        if not raw:
            continue
        if option.form == "flag":
            values[option.field] = raw[-1] in ("1", "true", "yes")
        elif option.form == "text":
            values[option.field] = raw[-1][:MAX_TEXT].strip()
        elif option.form == "pair":
            year_range = _year_range(raw, choices.get("year") or [])
            if year_range is None:
                dropped.append(f"{option.field}={'~'.join(raw)}")
            elif year_range != _full_range(choices.get("year") or []):
                values[option.field] = year_range
        else:
            known = [str(c) for c in choices.get(option.field) or []]
            typed = [option.type(v) if option.type is int and v.isdigit() else v for v in raw]
            kept = tuple(dict.fromkeys(v for v in typed if str(v) in known))
            dropped += [f"{option.field}={v}" for v in raw if v not in known]
            if kept:
                values[option.field] = kept
    lang = _last(params, LANG)
    basemap = _last(params, BASEMAP) or DEFAULT_BASEMAP
    radius_text = _last(params, RADIUS)
    radius = int(radius_text) if radius_text.isdigit() else DEFAULT_RADIUS
    for key, bad in ((LANG, lang and lang not in LANGS), (BASEMAP, basemap not in BASEMAPS),
                     (RADIUS, radius not in RADII)):  # fmt: skip
        if bad:
            dropped.append(f"{key}={_last(params, key)}")
    view = View(
        filters=flt.Filters(**values),
        selected=_last(params, ITEM) or None,
        lang=lang if lang in LANGS else None,
        basemap=basemap if basemap in BASEMAPS else DEFAULT_BASEMAP,
        threads=_last(params, THREADS) in ("1", "true", "yes"),
        near=_last(params, NEAR).strip(),
        radius=radius if radius in RADII else DEFAULT_RADIUS,
        keep_view=_last(params, KEEP) in ("1", "true", "yes"),
    )
    return view, dropped


def _full_range(years: Sequence[Any]) -> tuple[int, int] | None:
    return (int(min(years)), int(max(years))) if len(years) >= 2 else None


def _year_range(raw: Sequence[str], years: Sequence[Any]) -> tuple[int, int] | None:
    """Two years FROM ≤ TO within the atlas' years (clipped to them), else None."""
    full = _full_range(years)
    if len(raw) != 2 or not all(v.lstrip("-").isdigit() for v in raw) or full is None:
        return None
    lo, hi = int(raw[0]), int(raw[1])
    if lo > hi or hi < full[0] or lo > full[1]:
        return None
    return max(lo, full[0]), min(hi, full[1])


def without_filters(view: View) -> View:
    """What Reset leaves of a view: the language and basemap (not filters; the reader's
    choice); no filter, item, threads mode or search."""
    return replace(View(), lang=view.lang, basemap=view.basemap)
