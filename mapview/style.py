"""Colours, labels and marker styles shared by the map legend and the charts.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies);
status is shown by the marker's fill and outline, so it never competes with the kind colour.
"""

from __future__ import annotations

from geo import KINDS

#: kind → (colour, label)
KIND_STYLE: dict[str, tuple[str, str]] = {
    "project": ("#0072B2", "Projects 项目"),
    "beautiful_block": ("#CC79A7", "美丽街区 Beautiful blocks"),
    "park": ("#009E73", "Parks & green space 公园绿地"),
    "zone": ("#E69F00", "Functional zones 功能区"),
    "road": ("#D55E00", "Roads 道路"),
}

#: Outcome colours (Okabe–Ito): delivered green, in progress blue, replanned orange, none grey.
OUTCOME_COLORS = {
    "delivered": "#009E73",
    "in_progress": "#0072B2",
    "replanned": "#E69F00",
    "no_later_mention": "#999999",
}
#: Colour of a thread with no plan (nothing to say about an outcome).
NO_PLAN_COLOR = "#555555"

#: status → marker style: fill opacity, outline dash pattern (None = solid), radius, label
STATUS_STYLE: dict[str, dict[str, object]] = {
    "completed": {"fill": 0.9, "dash": None, "radius": 7, "weight": 2, "label": "completed 已完成"},
    "ongoing": {"fill": 0.55, "dash": None, "radius": 7, "weight": 2, "label": "ongoing 持续推进"},
    "started": {"fill": 0.55, "dash": "4 3", "radius": 7, "weight": 2, "label": "started 开工"},
    "planned": {"fill": 0.1, "dash": "4 3", "radius": 6, "weight": 2, "label": "planned 计划"},
    "mentioned": {
        "fill": 0.1,
        "dash": "1 3",
        "radius": 5,
        "weight": 1.5,
        "label": "mentioned 提及",
    },
}

#: How far (in pixels) Leaflet may simplify the drawn item and reference shapes (its default
#: is 1): two pixels cannot be told apart at any zoom, and the canvas strokes a fifth fewer
#: vertices (the paint of 100× the atlas). Items and outlines share it, so an item on a zone
#: or 街道 is still drawn exactly on its outline.
SMOOTH_FACTOR = 2

#: Outline width (px) of the item areas (polygons), whatever their status (points and lines keep
#: their status' weight): Chrome strokes a 1-px line as a hairline, and at 2 px the outlines of
#: 100× the atlas' areas took half of the first paint (0.25 s of ~0.6 s); the translucent fill
#: carries the kind's colour, the dash the status.
AREA_WEIGHT = 1

#: Order of kinds on the map, bottom to top: large areas first so points stay clickable.
DRAW_ORDER: tuple[str, ...] = ("zone", "park", "beautiful_block", "road", "project")

PERIOD_LABEL: dict[str, str] = {
    "review": "review 回顾",
    "plan": "plan 计划",
    "multi-year": "multi-year",
}


def kind_label(kind: object) -> str:
    return KIND_STYLE.get(str(kind), ("", str(kind)))[1]


def status_label(status: object) -> str:
    return str(STATUS_STYLE.get(str(status), {}).get("label", status))


def kind_colors() -> tuple[list[str], list[str]]:
    """(domain, range) for an Altair colour scale that matches the map."""
    return list(KINDS), [KIND_STYLE[k][0] for k in KINDS]


#: Reference layers: key → (legend and layer-control label, Leaflet path style). The offline
#: basemap draws roads and water under the items; outlines are drawn above the item fills.
REFERENCE_STYLE: dict[str, tuple[str, dict[str, object]]] = {
    "district": ("District boundary 静安区", {"color": "#333", "weight": 2.5, "fill": False,
                                            "opacity": 0.9}),
    "subdistricts": ("街道 boundaries", {"color": "#666", "weight": 1.2, "dashArray": "4 3",
                                        "fill": False, "opacity": 0.9}),
    "zones": ("Functional zone outlines 功能区", {"color": "#b36b00", "weight": 1.5,
                                                 "dashArray": "7 4", "fill": False}),
    "roads": ("Roads 道路 (reference)", {"color": "#c4bcaa", "weight": 1.6, "opacity": 0.9}),
    "water": ("River / water 河道", {"color": "#6fa8dc", "weight": 3, "opacity": 0.85,
                                    "fillColor": "#a9cdee", "fillOpacity": 0.6, "fill": True}),
}  # fmt: skip
