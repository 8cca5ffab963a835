"""Threads: the mentions of one real-world project, site, park, street area or zone across
reports, and what became of every plan (issues 12 and 22). The public API; the parts live in
`names` (name keys and structure), `mentions` (what linking reads of an item, publication
order), `rules` (pair evidence and refusal reasons), `linking` (union-find with conflicts) and
`outcomes` (thread ids, plan outcomes).

`link_threads(items)` is a pure function over the items GeoDataFrame (no I/O, no Streamlit,
deterministic): it adds `thread` (a stable id) and `outcome` (for plan items). Linking decides
*same thing*, not *similar words*, from evidence applied strongest first:

1. `same_feature` — both items are placed by their own name on the same gazetteer feature
   (exact/alias match at precision 1; the `matched` column when the build provides one): a
   rename (上海医药工业研究院 / 中国医药工业研究总院) whatever the words;
2. `same_address` — the same road and house number (共和新路3550号), nothing else added;
3. `same_name` — the same normalised name (full-width folded, quotes and brackets dropped,
   the city and district prefixes 上海/静安/区 and a generic 城市 dropped, trailing project
   words 项目/工程/改造 … removed, a stage after a part dropped: 张园东区首开区 = 张园东区);
4. `renamed` — an explicit sentence "X更名为Y" names both;
5. `contains_same_location` — one place with area heads of one sort (功能区 ≈ 地区 ≈ 片区 ≈
   商圈 ≈ 街区 ≈ 风貌区; 南京西路“千亿商圈” is 南京西路's 商圈) or none, same kind;
6. `enumeration_context` — near-identical names (万荣国际影视园区 / …影视产业园区) listed with
   a member already linked across the two reports.

Look-alikes are kept apart by cannot-link checks that hold for the whole thread, so that no
chain of links joins them (`rules.apart_reason`, kept as `apart:<reason>` on the near miss): a
road and anything else, different 街道, a different part, phase or number (东段/西段, 西区/东区,
四期/五期, 3550号/3200号), a different address, a different head (南京西路商圈 / 南京西路商圈
景观灯光, 苏河湾功能区 / 苏河湾商务更新单元, 中兴公园 / 中兴公园市民园艺中心), one name being the
other plus a specific word (彭一小区 / 彭一小区养老院), and two members of one enumeration.

Outcome of a plan item (period `plan` or status `planned`), from the mentions of its thread in
reports published *later*: `delivered` if a later review says completed; else `in_progress`
if a later review says started, ongoing or reports on it; else `replanned` if it is only
planned again; else `no_later_mention`. Items that are not plans get no outcome.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any, cast

import geopandas as gpd
import pandas as pd

from atlas.settings import settings
from geo.schema import OUTCOMES, THREAD_COLUMNS, is_located
from geo.threads.linking import link
from geo.threads.mentions import as_int, publication_order
from geo.threads.names import name_key
from geo.threads.outcomes import Latest, is_plan, outcome_of, plan_mask, thread_ids


def link_threads(
    items: gpd.GeoDataFrame, published: Mapping[str, object] | None = None
) -> gpd.GeoDataFrame:
    """`items` with `thread` (stable id; a lone mention has a thread of its own) and `outcome`
    (`geo.schema.OUTCOMES` for plan items, None otherwise). Pure and deterministic.

    `published` maps a document (the `doc` column) to its publication date (reports.csv
    `delivered`); documents missing from it are dated by their file name."""
    out = items.copy()
    if len(out) == 0:
        out["thread"] = pd.Series(dtype=object)
        out["outcome"] = pd.Series(dtype=object)
        return out
    members, roots, _, _ = link(items, published)
    years = [as_int(y, 0) for y in items["year"].tolist()]
    ids, _ = thread_ids(members, roots, years)
    latest: dict[str, Latest] = defaultdict(Latest)
    periods = items["period"].astype(str).tolist()
    statuses = items["status"].astype(str).tolist()
    for m in members:
        latest[ids[m.pos]].add(m.pub, periods[m.pos], statuses[m.pos])
    outcomes = [
        latest[ids[m.pos]].outcome(m.pub) if is_plan(periods[m.pos], statuses[m.pos]) else None
        for m in members
    ]
    out["thread"] = pd.Series(ids, index=out.index, dtype=object)
    out["outcome"] = pd.Series(outcomes, index=out.index, dtype=object)
    return out


def candidate_links(
    items: pd.DataFrame, published: Mapping[str, object] | None = None
) -> pd.DataFrame:
    """Every link made (`linked` True) and every candidate not made, with rule and score:
    columns `a`, `b` (item ids), `name_a`, `name_b`, `rule`, `score`, `linked`."""
    members, _, made, candidates = link(items, published)
    rows = [
        {
            "a": members[lk.a].id,
            "b": members[lk.b].id,
            "name_a": members[lk.a].name,
            "name_b": members[lk.b].name,
            "rule": lk.rule,
            "score": lk.score,
            "linked": linked,
        }
        for linked, group in ((True, made), (False, candidates))
        for lk in group
    ]
    columns = ["a", "b", "name_a", "name_b", "rule", "score", "linked"]
    return pd.DataFrame(rows, columns=columns)


def timeline(items: pd.DataFrame, thread: str) -> pd.DataFrame:
    """The mentions of `thread` in publication order (then year, position in the report)."""
    rows = items[items["thread"] == thread]
    order = publication_order(dict.fromkeys(rows["doc"].astype(str)))
    keys = [
        (order[str(doc)], as_int(year), as_int(start))
        for doc, year, start in zip(rows["doc"], rows["year"], rows["start"], strict=True)
    ]
    return rows.iloc[sorted(range(len(rows)), key=keys.__getitem__)]


def _best_placed(group: pd.DataFrame) -> int:
    """Row label of the member with the best (lowest) precision; ties go to the latest row."""
    located = group[is_located(group)]
    if located.empty:
        return cast(int, group.index[0])
    precision = located["precision"].astype("Float64").fillna(99)
    return cast(int, precision[precision == precision.min()].index[-1])


def thread_table(
    items: gpd.GeoDataFrame, published: Mapping[str, object] | None = None
) -> gpd.GeoDataFrame:
    """The `threads` layer: one row per thread of `items` (which carry `thread`/`outcome` from
    `link_threads`), in order of first mention, with `geo.schema.THREAD_COLUMNS`.

    `candidates` is JSON: the other threads a member nearly linked to, with rule and score."""
    if "thread" not in items.columns or len(items) == 0 or items["thread"].isna().all():
        return gpd.GeoDataFrame(
            {c: [] for c in THREAD_COLUMNS[:-1]},
            geometry=gpd.GeoSeries([], crs=settings.crs),
            crs=settings.crs,
        )
    order = publication_order(dict.fromkeys(items["doc"].astype(str)), published)
    keys = [
        (order[str(d)], as_int(y), as_int(s))
        for d, y, s in zip(items["doc"], items["year"], items["start"], strict=True)
    ]
    frame = items.iloc[sorted(range(len(items)), key=keys.__getitem__)]
    near = _near_threads(items, published)
    rows, geoms = [], []
    for thread, group in frame.groupby("thread", sort=False):
        names = Counter(group["name"].astype(str))
        label = max(names, key=lambda n: (names[n], -list(group["name"]).index(n)))
        kinds = Counter(group["kind"].astype(str))
        plans = group[plan_mask(group)]
        years = group["year"].dropna()
        rows.append(
            {
                "thread": thread,
                "label": label,
                "kind": max(kinds, key=lambda k: (kinds[k], k == group["kind"].iloc[0])),
                "first_year": int(years.min()) if len(years) else None,
                "last_year": int(years.max()) if len(years) else None,
                "mentions": len(group),
                "reports": int(group["doc"].nunique()),
                "latest_status": group["status"].iloc[-1],
                "outcome": plans["outcome"].iloc[0] if len(plans) else None,
                "plans": len(plans),
                "first_doc": group["doc"].iloc[0],
                "last_doc": group["doc"].iloc[-1],
                "candidates": json.dumps(near.get(str(thread), []), ensure_ascii=False),
            }
        )
        geoms.append(group.geometry.loc[_best_placed(group)])
    table = pd.DataFrame(rows, columns=list(THREAD_COLUMNS[:-1]))
    for column in ("first_year", "last_year", "mentions", "reports", "plans"):
        table[column] = table[column].astype("Int64")
    return gpd.GeoDataFrame(
        table, geometry=gpd.GeoSeries(geoms, crs=settings.crs), crs=settings.crs
    )


def _near_threads(
    items: pd.DataFrame, published: Mapping[str, object] | None
) -> dict[str, list[dict[str, Any]]]:
    """Per thread, the candidate links to other threads (best score per thread pair)."""
    links = candidate_links(items, published)
    links = links[~links["linked"]]
    thread_of: dict[str, str] = dict(
        zip(items["id"].astype(str), items["thread"].astype(str), strict=True)
    )
    label_of: dict[str, str] = dict(
        zip(items["id"].astype(str), items["name"].astype(str), strict=True)
    )
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for row in links.itertuples(index=False):
        ta, tb = thread_of.get(str(row.a)), thread_of.get(str(row.b))
        if ta is None or tb is None or ta == tb:
            continue
        for mine, other, other_id in ((ta, tb, row.b), (tb, ta, row.a)):
            entry = {"thread": other, "label": label_of[str(other_id)], "rule": row.rule}
            entry["score"] = float(cast(float, row.score))
            if (mine, other) not in best or entry["score"] > best[(mine, other)]["score"]:
                best[(mine, other)] = entry
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (mine, _), entry in sorted(best.items(), key=lambda kv: (kv[0][0], -kv[1]["score"])):
        out[mine].append(entry)
    return out


def with_threads(
    layers: Mapping[str, gpd.GeoDataFrame], relink: bool = False
) -> dict[str, gpd.GeoDataFrame]:
    """`layers` (as read from an atlas) with a `threads` layer; with `relink` (an atlas built
    before threads existed: its items have no `thread` column) the items are linked first,
    dated by file name, so every reader sees the same columns."""
    out = dict(layers)
    items = out["items"]
    if relink and len(items):
        from geo.schema import conform_items

        out["items"] = items = conform_items(link_threads(items))
    if "threads" not in out or (len(out["threads"]) == 0 and items["thread"].notna().any()):
        out["threads"] = thread_table(items)
    return out


__all__ = [
    "OUTCOMES",
    "candidate_links",
    "link_threads",
    "name_key",
    "outcome_of",
    "publication_order",
    "thread_table",
    "timeline",
    "with_threads",
]
