"""A map figure for a briefing: the current selection as PNG or PDF, drawn on the server.

Drawn with geopandas + matplotlib from the same items and reference layers as the page, in the
metric CRS (so the scale bar is metres and north is up): the selected items by kind (colour)
and status (marker and fill), 街道 and functional-zone outlines with the 街道 names, roads and
river when the atlas has them, a legend, a scale bar, a north arrow, a title with the active
filters, the date and the OpenStreetMap attribution. No tiles: it works offline.

Identical inputs give identical bytes: the date shown is an input (never "now"), and the files
carry no creation date, software version or other run-dependent metadata. Chinese needs a CJK
font (Debian's fonts-noto-cjk, installed by scripts/ensure-chromium.sh); without one
`FigureError` says so instead of drawing boxes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from atlas.errors import AtlasError
from atlas.settings import settings
from geo import KINDS, STATUSES, is_located
from geo import filters as flt
from mapview import i18n, style

#: Font families tried in order (Simplified Chinese faces of Noto CJK first).
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Droid Sans Fallback",
)
#: Where Debian puts them, registered with matplotlib when its font cache predates them.
FONT_FILES: tuple[Path, ...] = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)
FORMATS = {"png": "image/png", "pdf": "application/pdf"}
#: A4 landscape, inches; PNG resolution.
SIZE = (11.69, 8.27)
DPI = 150
#: Status → (marker, fill alpha, size): the map's fill semantics, plus a shape for print.
STATUS_MARKER: dict[str, tuple[str, float, float]] = {
    "completed": ("o", 0.9, 46),
    "ongoing": ("o", 0.5, 46),
    "started": ("D", 0.5, 36),
    "planned": ("o", 0.0, 40),
    "mentioned": ("o", 0.0, 18),
}
#: Status → line style of lines and outlines.
STATUS_LINE = {"planned": "--", "started": "--", "mentioned": ":"}


class FigureError(AtlasError):
    """The figure cannot be drawn as asked (no CJK font, unknown format)."""


def cjk_family(files: Sequence[Path] = FONT_FILES) -> str:
    """The first CJK family matplotlib can use; registers the Debian font files if its font
    cache does not list them yet. `FigureError` when there is none: a figure with □ in place
    of every character would be worse than no figure."""
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    for path in files:
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    raise FigureError(
        "no CJK font for the map figure (looked for "
        + ", ".join(CJK_FAMILIES)
        + "): install Debian's fonts-noto-cjk (bash scripts/ensure-chromium.sh)"
    )


def filters_line(filters: flt.Filters, lang: str) -> str:
    """The active filters in words ("2022–2024年 · 项目、公园绿地 · 计划 · 搜索“学校”"), or
    "all items" when nothing is filtered."""
    sep = "、" if lang == "zh" else ", "
    parts: list[str] = []
    if filters.year_range:
        lo, hi = filters.year_range
        parts.append(i18n.t("figure.filter_year", lang, lo=lo, hi=hi))
    if filters.year:
        parts.append(sep.join(str(y) for y in filters.year))
    for name in ("kind", "period", "category", "status", "outcome"):
        values = getattr(filters, name)
        if values:
            parts.append(sep.join(i18n.word(name, v, lang) for v in values))
    for name in ("subdistrict", "zone"):
        values = getattr(filters, name)
        if values:
            parts.append(sep.join(str(v) for v in values))
    if filters.text:
        parts.append(i18n.t("figure.filter_text", lang, text=filters.text))
    return " · ".join(parts) if parts else i18n.t("figure.no_filters", lang)


def _metric(frame: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    if frame is None or frame.empty:
        return None
    frame = frame[is_located(frame)]
    if frame.empty:
        return None
    return (frame if frame.crs is not None else frame.set_crs("EPSG:4326")).to_crs(
        settings.metric_crs
    )


def _extent(
    items: gpd.GeoDataFrame | None, district: gpd.GeoDataFrame | None
) -> tuple[float, float, float, float]:
    """The selection's bounds, padded, at least 2 km across; the district when empty."""
    source = items if items is not None else district
    if source is None:
        return (0.0, 0.0, 1.0, 1.0)
    x0, y0, x1, y1 = source.total_bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = max(x1 - x0, (y1 - y0) * SIZE[0] / SIZE[1] * 0.75, 2000.0) / 2 * 1.12
    half_y = max((y1 - y0) / 2 * 1.12, half * SIZE[1] / SIZE[0] / 0.75)
    return (cx - half, cy - half_y, cx + half, cy + half_y)


def _reference(ax: Axes, layers: Mapping[str, gpd.GeoDataFrame], lang: str) -> list[Artist]:
    """Water, roads, zones, 街道 and district outlines under the items; legend handles."""
    handles: list[Artist] = []
    water = _metric(layers.get("water"))
    if water is not None:
        water.plot(ax=ax, color="#a9cdee", edgecolor="#6fa8dc", linewidth=0.6, zorder=1)
        handles.append(
            Patch(
                facecolor="#a9cdee",
                edgecolor="#6fa8dc",
                label=i18n.word("reference", "water", lang),
            )
        )
    roads = _metric(layers.get("roads"))
    if roads is not None:
        roads.plot(ax=ax, color="#c4bcaa", linewidth=0.7, zorder=1)
        handles.append(
            Line2D([], [], color="#c4bcaa", lw=1, label=i18n.word("reference", "roads", lang))
        )
    zones = _metric(layers.get("zones"))
    if zones is not None:
        zones.boundary.plot(ax=ax, color="#b36b00", linewidth=1.0, linestyle=(0, (6, 3)), zorder=2)
        handles.append(
            Line2D(
                [], [], color="#b36b00", lw=1, ls=(0, (6, 3)), label=i18n.t("figure.zones", lang)
            )
        )
    subs = _metric(layers.get("subdistricts"))
    if subs is not None:
        subs.boundary.plot(ax=ax, color="#777", linewidth=0.8, linestyle=(0, (3, 2)), zorder=2)
        handles.append(
            Line2D(
                [],
                [],
                color="#777",
                lw=0.8,
                ls=(0, (3, 2)),
                label=i18n.t("figure.subdistricts", lang),
            )
        )
        for name, point in zip(subs["name"], subs.geometry.representative_point(), strict=True):
            ax.annotate(
                str(name),
                (point.x, point.y),
                ha="center",
                va="center",
                fontsize=7,
                color="#666",
                zorder=3,
                annotation_clip=True,
            )
    district = _metric(layers.get("district"))
    if district is not None:
        district.boundary.plot(ax=ax, color="#333", linewidth=1.6, zorder=2)
        handles.append(Line2D([], [], color="#333", lw=1.6, label=i18n.t("figure.district", lang)))
    return handles


def _items(ax: Axes, items: gpd.GeoDataFrame) -> None:
    """Areas, then lines, then points, each by kind colour and status; large kinds first."""
    dims = items.geometry.geom_type.str.replace("Multi", "")
    order = {kind: rank for rank, kind in enumerate(style.DRAW_ORDER)}
    items = items.assign(_dim=dims, _rank=items["kind"].map(order).fillna(len(order)))
    items = items.sort_values(["_rank"], kind="stable")
    # Each distinct area is filled once, lightly (17 items on one zone must not stack into an
    # opaque block that hides the 街道 under it); outlines then show kind and status.
    areas = items[items["_dim"] == "Polygon"]
    unique = areas[~areas.geometry.to_wkb().duplicated()]
    if len(unique):
        fills = [
            matplotlib.colors.to_rgba(style.KIND_STYLE.get(str(k), ("#555555",))[0], 0.10)
            for k in unique["kind"]
        ]
        unique.plot(ax=ax, facecolor=fills, edgecolor="none", zorder=4)
    for (kind, status), group in items.groupby(["kind", "status"], sort=False, dropna=False):
        color = style.KIND_STYLE.get(str(kind), ("#555555", ""))[0]
        line = STATUS_LINE.get(str(status), "-")
        marker, alpha, size = STATUS_MARKER.get(str(status), ("o", 0.5, 30))
        areas = group[group["_dim"] == "Polygon"]
        if len(areas):
            areas.boundary.plot(ax=ax, color=color, linewidth=1.1, linestyle=line, zorder=4)
        lines = group[group["_dim"] == "LineString"]
        if len(lines):
            lines.plot(ax=ax, color=color, linewidth=2.2, linestyle=line, zorder=5)
        points = group[group["_dim"] == "Point"]
        if len(points):
            xy = np.array([(p.x, p.y) for p in points.geometry.representative_point()])
            ax.scatter(
                xy[:, 0],
                xy[:, 1],
                s=size,
                marker=marker,
                linewidths=1.3,
                zorder=6,
                facecolors=[matplotlib.colors.to_rgba(color, alpha)],
                edgecolors=color,
            )


def _legend_handles(items: gpd.GeoDataFrame | None, lang: str) -> tuple[list[Any], list[Any]]:
    kinds = [k for k in KINDS if items is not None and (items["kind"] == k).any()]
    statuses = [s for s in STATUSES if items is not None and (items["status"] == s).any()]
    kind_handles = [
        Patch(
            facecolor=style.KIND_STYLE[k][0],
            edgecolor=style.KIND_STYLE[k][0],
            label=i18n.word("kind", k, lang),
        )
        for k in kinds
    ]
    status_handles = []
    for status in statuses:
        marker, alpha, size = STATUS_MARKER[status]
        status_handles.append(
            Line2D(
                [],
                [],
                marker=marker,
                color="#444",
                ls="none",
                markersize=np.sqrt(size),
                markerfacecolor=matplotlib.colors.to_rgba("#444", alpha),
                markeredgecolor="#444",
                markeredgewidth=1.3,
                label=i18n.word("status", status, lang),
            )
        )
    return kind_handles, status_handles


def _scale_bar(ax: Axes, lang: str) -> None:
    """A bar of a round length (about a fifth of the width), bottom left, in metres."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    target = (x1 - x0) / 5
    length = max(
        (n for n in (100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000) if n <= target),
        default=100,
    )
    left, bottom = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05
    height = (y1 - y0) * 0.008
    ax.add_patch(
        matplotlib.patches.Rectangle((left, bottom), length / 2, height, color="#222", zorder=8)
    )
    ax.add_patch(
        matplotlib.patches.Rectangle(
            (left + length / 2, bottom),
            length / 2,
            height,
            facecolor="white",
            edgecolor="#222",
            zorder=8,
        )
    )
    ax.text(
        left + length / 2,
        bottom + height * 2.2,
        i18n.t("figure.scale", lang, metres=length),
        ha="center",
        va="bottom",
        fontsize=8,
        zorder=8,
    )


def _north_arrow(ax: Axes, lang: str) -> None:
    ax.annotate(
        i18n.t("figure.north", lang),
        xy=(0.95, 0.95),
        xytext=(0.95, 0.86),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=10,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "#222", "lw": 1.5},
        zorder=8,
    )


def draw(
    items: gpd.GeoDataFrame,
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    filters: flt.Filters,
    lang: str,
    date: str,
    matching: int | None = None,
) -> Figure:
    """The figure of `items` (the selection; unlocated ones are counted, not drawn) over the
    reference `layers`, titled with `filters` in `lang`, dated `date` (an input, e.g.
    "2026-12-07": the same inputs give the same figure)."""
    family = cjk_family()
    with matplotlib.rc_context(
        {
            "font.family": [family],
            "axes.unicode_minus": False,
            "pdf.fonttype": 42,
            "svg.hashsalt": "jingan-atlas",
        }
    ):
        fig = Figure(figsize=SIZE, dpi=DPI)
        ax = fig.add_axes((0.03, 0.08, 0.72, 0.78))
        drawn = _metric(items)
        x0, y0, x1, y1 = _extent(drawn, _metric(layers.get("district")))
        reference = _reference(ax, layers, lang)
        if drawn is not None:
            _items(ax, drawn)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_axis_off()
        _scale_bar(ax, lang)
        _north_arrow(ax, lang)
        kinds, statuses = _legend_handles(drawn, lang)
        legends = [
            (i18n.t("legend.kinds", lang), kinds),
            (i18n.t("legend.statuses", lang), statuses),
            (i18n.t("legend.title", lang), reference),
        ]
        top = 0.86
        for title, handles in legends:
            if not handles:
                continue
            legend = fig.legend(
                handles=handles,
                title=title,
                loc="upper left",
                bbox_to_anchor=(0.77, top),
                fontsize=8,
                title_fontsize=9,
                frameon=False,
                alignment="left",
            )
            top -= 0.045 + 0.032 * len(handles)
            fig.add_artist(legend)
        count = len(drawn) if drawn is not None else 0
        fig.text(
            0.03, 0.955, i18n.t("figure.title", lang), fontsize=16, fontweight="bold", va="top"
        )
        fig.text(0.03, 0.905, filters_line(filters, lang), fontsize=10, va="top", color="#333")
        fig.text(
            0.03,
            0.875,
            i18n.t(
                "figure.count",
                lang,
                drawn=count,
                matching=len(items) if matching is None else matching,
            )
            + " · "
            + i18n.t("figure.date", lang, date=date),
            fontsize=9,
            va="top",
            color="#555",
        )
        fig.text(0.03, 0.03, i18n.t("figure.attribution", lang), fontsize=8, color="#555")
    return fig


def figure_bytes(
    items: gpd.GeoDataFrame,
    layers: Mapping[str, gpd.GeoDataFrame],
    fmt: str,
    *,
    filters: flt.Filters | None = None,
    lang: str = "zh",
    date: str,
    matching: int | None = None,
) -> bytes:
    """The figure as PNG or PDF bytes, without run-dependent metadata (no creation date, no
    software version): identical inputs give identical bytes."""
    if fmt not in FORMATS:
        raise FigureError(f"unknown figure format {fmt!r}; choose one of {', '.join(FORMATS)}")
    fig = draw(
        items, layers, filters=filters or flt.Filters(), lang=lang, date=date, matching=matching
    )
    metadata: dict[str, str | None] = (
        {"Software": None}
        if fmt == "png"
        else {
            "Creator": None,
            "Producer": None,
            "CreationDate": None,
            "ModDate": None,
            "Title": i18n.t("figure.title", lang),
        }
    )
    buffer = io.BytesIO()
    with matplotlib.rc_context({"font.family": [cjk_family()], "pdf.fonttype": 42}):
        fig.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata)
    return buffer.getvalue()
