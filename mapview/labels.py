"""Every word the map shows, as one mapping passed in from Python (`build_map(labels=...)`).

The map's script formats no user-visible word itself: kinds, statuses, categories, legend
headings, layer names, cluster bubbles ("{n} projects", also their screen-reader label) and
popup phrases all come from here, HTML-escaped once (`escaped`). `default_labels()` is the
bilingual set the page has used so far; an interface in another language passes its own mapping
of the same shape (keys missing from it fall back to these).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from geo import KINDS, OUTCOMES, PRECISION
from mapview import style
from mapview.timeline import OUTCOME_LABEL

Labels = dict[str, Any]

#: Cluster bubble labels per kind ("{n}" is the number of items in the bubble).
CLUSTER = {
    "project": "{n} projects",
    "beautiful_block": "{n} 美丽街区",
    "park": "{n} parks",
    "zone": "{n} zones",
    "road": "{n} roads",
    "*": "{n} items",
}


def default_labels() -> Labels:
    """The page's words (English with Chinese), unescaped."""
    return {
        "kinds": {k: style.KIND_STYLE[k][1] for k in KINDS},
        "statuses": {s: str(v["label"]) for s, v in style.STATUS_STYLE.items()},
        "categories": {},  # code → word; codes are shown as they are when missing
        "outcomes": {o: OUTCOME_LABEL.get(o, o) for o in OUTCOMES},
        "precision": {str(k): v for k, v in PRECISION.items()},
        "cluster": dict(CLUSTER),
        "layers": {key: label for key, (label, _) in style.REFERENCE_STYLE.items()}
        | {
            "subdistrict_names": "街道 names",
            "road_names": "Road names",
            "threads": "Threads (one per place, by outcome)",
            "user": "◆ {label} ({n})",  # label: "your report: <title>" (geo.UploadResult)
            "focus": "Here",
        },
        "legend": {
            "title": "Legend",
            "items": "Items · bubble = several of one kind",
            "status": "Status",
            "reference": "Reference lines",
            "threads": "Threads: first plan",
            "no_plan": "no plan",
        },
        "popup": {
            "items_on_shape": "{n} items on this shape",
            "more_on_shape": "+ {n} more on this shape",
            "precision": "precision",
            "location": "location",
            "source": "source",
        },
    }


def merged(labels: Mapping[str, Any] | None) -> Labels:
    """`labels` over the defaults, one level deep (a partial mapping is enough)."""
    out = default_labels()
    for key, value in (labels or {}).items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def escaped(value: Any) -> Any:
    """Every string of a labels mapping HTML-escaped (keys too): the script concatenates them."""
    if isinstance(value, str):
        return html.escape(value, quote=True)
    if isinstance(value, Mapping):
        return {escaped(str(k)): escaped(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [escaped(v) for v in value]
    return value
