"""Bring your own report, in the page: a sidebar uploader, progress, and one panel per report.

Each uploaded file (.txt, .docx or .pdf; one or several) goes through `geo.upload_report`
(`geo.pipeline.upload`) in memory — read, extract, geocode, join — and becomes its own map
layer "your report: <title>" on top of the atlas (`user_layers` of the map builder), with its
own count, table, unlocated list and downloads. The sidebar's filters apply to it as to the
atlas. Nothing is written to the shared dataset: results live in this browser session only
(keyed by name and content, so a rerun does not repeat the work). A file that cannot be read
shows its one-line reason; a report of another district says so instead of drawing an empty
layer.
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from atlas.errors import AtlasError
from geo import export_csv_bytes, export_geojson_bytes, is_located
from geo import filters as flt
from mapview import i18n, panels
from mapview.payload import not_drawn

if TYPE_CHECKING:  # the pipeline (extraction, the geocoder) loads with the first upload
    from geo import UploadContext, UploadResult
    from geo.pipeline.upload import DistrictCheck

#: Widget key of the uploader (tests drive it through it).
KEY = "byo_files"
_CACHE = "_byo_results"
#: The stages `upload_report` reports progress for (label `upload.stage.<stage>` each).
STAGES = ("read", "extract", "geocode", "join", "done")


@dataclass(frozen=True)
class UserLayer:
    """One uploaded report as the page shows it: its layer's label, the result and its
    filtered items."""

    label: str
    result: UploadResult
    selection: gpd.GeoDataFrame


@st.cache_resource(show_spinner="Preparing the geocoder for your report…")
def upload_context(
    gazetteer_path: str,
    gazetteer_stamp: float,
    atlas_key: str,
    _atlas: Mapping[str, gpd.GeoDataFrame],
) -> UploadContext:
    """The gazetteer's geocoder and the atlas's 街道/zones, once per file version (the atlas
    layers are passed unhashed; `atlas_key` names their version)."""
    from geo import UploadContext

    return UploadContext.load(gazetteer_path, _atlas)


def _stage(stage: str, lang: str) -> str:
    """What the upload is doing, in `lang` (a stage the page has no word for, as it is)."""
    return i18n.t(f"upload.stage.{stage}", lang) if stage in STAGES else stage


def _process(
    name: str, data: bytes, context: UploadContext, lang: str
) -> UploadResult | AtlasError:
    """The upload's result, or its error (said in the reader's language when shown);
    progress shown while it runs."""
    from geo import upload_report

    bar = st.sidebar.progress(0.0, text=f"{name}: {_stage('read', lang)}")

    def progress(stage: str, done: float) -> None:
        bar.progress(done, text=f"{name}: {_stage(stage, lang)}")

    try:
        result: UploadResult | AtlasError = upload_report(data, name, context, progress=progress)
    except AtlasError as exc:
        exc.__traceback__ = None  # kept in the session: not its frames
        result = exc
    bar.empty()
    return result


def distinct_uploads(files: Sequence[Any]) -> tuple[list[tuple[str, bytes, str]], list[str]]:
    """(name, content, sha256) of each distinct upload, in order, and the names of the files
    whose content was already there: the same report dropped twice is one layer, not two
    identical ones (whatever its second name)."""
    seen: set[str] = set()
    kept: list[tuple[str, bytes, str]] = []
    repeated: list[str] = []
    for upload in files:
        data = upload.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            repeated.append(str(upload.name))
            continue
        seen.add(digest)
        kept.append((str(upload.name), data, digest))
    return kept, repeated


def sidebar(
    gazetteer_path: Path,
    gazetteer_stamp: float,
    atlas_key: str,
    atlas: Mapping[str, gpd.GeoDataFrame],
    lang: str = "en",
) -> list[UploadResult]:
    """The uploader; returns the reports read (errors are shown in the sidebar)."""
    bar = st.sidebar
    bar.header(i18n.t("upload.header", lang))
    files = bar.file_uploader(
        i18n.t("upload.drop", lang),
        accept_multiple_files=True,
        key=KEY,
        help=i18n.t("upload.help", lang),
    )
    if not files:
        st.session_state.pop(_CACHE, None)
        return []
    if not gazetteer_path.exists():
        bar.error(i18n.t("upload.no_gazetteer", lang, path=panels.md_escape(gazetteer_path)))
        return []
    context = upload_context(str(gazetteer_path), gazetteer_stamp, atlas_key, atlas)
    cache: dict[tuple[str, str], Any] = st.session_state.setdefault(_CACHE, {})
    results, keep = [], set()
    distinct, repeated = distinct_uploads(files)
    for name in repeated:
        bar.caption(i18n.t("upload.duplicate", lang, name=panels.md_escape(name)))
    for name, data, digest in distinct:
        key = (name, digest)
        keep.add(key)
        if key not in cache:
            cache[key] = _process(name, data, context, lang)
        outcome = cache[key]
        if isinstance(outcome, AtlasError):
            bar.error(panels.md_escape(i18n.error_text(outcome, lang)))
        else:
            results.append(outcome)
    for key in set(cache) - keep:
        del cache[key]
    return results


def district_message(check: DistrictCheck, lang: str) -> str:
    """`check.message` in `lang`: why a report of another district draws nothing."""
    key = "upload.other_district" if check.other_district else "upload.none_located"
    names = {"issued_by": check.issued_by, "expected": check.expected}
    fields = {k: panels.md_escape(v) for k, v in names.items()}  # from the report's text
    return i18n.t(key, lang, items=check.items, **fields)


def user_layers(
    results: Sequence[UploadResult], filters: flt.Filters, lang: str = "en"
) -> list[UserLayer]:
    """Each report's drawable items under the page's filters, labelled "your report: <title>"
    in `lang`; two reports with one title are told apart by their file names."""
    titles = Counter(r.title for r in results)
    layers = []
    for r in results:
        label = i18n.t("upload.layer", lang, title=r.title)
        if titles[r.title] > 1:
            label = f"{label} ({r.name})"
        layers.append(UserLayer(label, r, flt.apply_filters(r.drawable, filters)))
    return layers


def lookup(atlas_items: pd.DataFrame, layers: Sequence[UserLayer], item_id: object) -> pd.DataFrame:
    """The row with `item_id` in the atlas, else in the user's reports (for the details)."""
    for frame in (atlas_items, *(layer.result.items for layer in layers)):
        found: pd.DataFrame = frame[frame["id"].astype(str) == item_id]
        if len(found):
            return found
    return atlas_items.iloc[0:0]


def report_panels(
    layers: Sequence[UserLayer], filters: flt.Filters, columns: Sequence[str], lang: str = "en"
) -> None:
    """Below the map: per report, its count, the district check, table, unlocated list and
    downloads (the same export functions as the atlas, with the same filters)."""
    for index, layer in enumerate(layers):
        with st.container(key=f"byo_report_{index}"):
            _report_panel(index, layer, filters, columns, lang)


def _report_panel(
    index: int, layer: UserLayer, filters: flt.Filters, columns: Sequence[str], lang: str
) -> None:
    """One report: heading, district check, count, table, unlocated list, downloads."""
    result, selection = layer.result, layer.selection
    st.subheader(panels.md_escape(layer.label))
    if not result.district.ok:
        st.warning(district_message(result.district, lang))
    located = is_located(selection)
    st.markdown(
        panels.count_line(len(selection), int((~located).sum()), len(result.drawable), lang)
        + " · "
        + i18n.t(
            "upload.read_as",
            lang,
            format=panels.md_escape(result.format),
            seconds=result.timings.total,
        )
    )
    table_tab, unlocated_tab = st.tabs(
        [
            i18n.t("upload.table", lang, count=len(selection)),
            i18n.t("upload.unlocated", lang, count=int((~located).sum())),
        ]
    )
    with table_tab:
        st.dataframe(
            panels.table_words(selection.reindex(columns=list(columns)), selection["doc"], lang),
            hide_index=True,
            key=f"byo_table_{index}",
        )
    with unlocated_tab:
        panels.not_drawn_list(not_drawn(selection), lang)
    _downloads(result, filters, index, lang)


def _downloads(result: UploadResult, filters: flt.Filters, index: int, lang: str) -> None:
    stem = Path(result.name).stem or "report"
    left, middle, right = st.columns(3)
    for column, (label, export, ext, mime) in zip(
        (left, middle),
        (
            ("GeoJSON", export_geojson_bytes, "geojson", "application/geo+json"),
            ("CSV", export_csv_bytes, "csv", "text/csv"),
        ),
        strict=True,
    ):
        column.download_button(
            i18n.t("upload.download", lang, format=label),
            functools.partial(export, result.drawable, filters),
            f"{stem}.{ext}",
            mime,
            key=f"byo_dl_{ext}_{index}",
            on_click="ignore",
        )
    right.download_button(
        i18n.t("upload.text", lang),
        result.text.encode("utf-8"),
        f"{result.name}.txt",
        "text/plain",
        key=f"byo_dl_text_{index}",
        on_click="ignore",
    )
