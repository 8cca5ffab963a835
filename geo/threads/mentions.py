"""What linking reads of each item: its `Mention` (name key and structure, kind, report and
publication date, sentence, address, gazetteer feature, 街道), and the publication order of
the reports."""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from atlas.settings import settings
from extract.address import parse_address
from extract.vocab import NAME_HEADS
from geo.threads.names import MARKERS, markers, name_core, name_head, name_key

#: methods that place an item on a gazetteer feature by its own name
NAME_METHODS: frozenset[str] = frozenset({"exact", "alias"})

#: worst precision code whose 街道 tells two namesakes apart (1–3: a place, a road, a 街道)
PLACED_PRECISION = 3


#: a report's publication key: (0, year, month, day, name) when dated, else (1, 0, 0, 0, name)
PubKey = tuple[int | str, ...]
#: a name that is an address: (road, number, last number of a range, 号/弄, rest of the name)
AddressKey = tuple[str, int, int | None, str, str]


def _date_tuple(value: object) -> tuple[int, int, int] | None:
    match = re.match(r"\s*(\d{4})(?:[-/.年](\d{1,2}))?(?:[-/.月](\d{1,2}))?", str(value or ""))
    if not match:
        return None
    return (int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0))


def publication_order(
    docs: Iterable[str], published: Mapping[str, object] | None = None
) -> dict[str, PubKey]:
    """A sortable publication key per document: the report's date (`published[doc]`, e.g.
    reports.csv `delivered`), else the date its file name starts with; undated documents sort
    last, by name. A month-only date ("2025-01") sorts before any day of a later month."""
    order: dict[str, PubKey] = {}
    for doc in docs:
        date = _date_tuple((published or {}).get(doc)) or _date_tuple(
            re.match(r"\d{4}(?:-\d{2}){0,2}", str(doc)) and str(doc)
        )
        order[doc] = (0, *date, str(doc)) if date else (1, 0, 0, 0, str(doc))
    return order


# --------------------------------------------------------------------------- mentions


@dataclass(frozen=True)
class Mention:
    """What linking needs of one item (row position `pos`)."""

    pos: int
    id: str
    name: str
    key: str
    core: str
    markers: frozenset[str]
    #: the name's head (商圈, 市民园艺中心, 景观灯光 …; "" when none) and its sort (area …)
    head: str
    sort: str
    #: the core without its parts (丰盛里 of 丰盛里东区): what two parts of one place share
    base: str
    kind: str
    doc: str
    pub: PubKey
    start: int
    end: int
    quote: str
    address: AddressKey | None
    feature: object
    subdistricts: frozenset[str]


def as_text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def as_int(value: object, default: int = 0) -> int:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return default
    return int(cast(float, value))


def _address(name_key_: str, location: str) -> AddressKey | None:
    """(road, number, unit, rest of the name) when the name *is* an address (+ a facility).

    Parsed here, through the one parser (`extract.address`), and not read off
    `extract.Item.address`: linking reads atlas rows — also an atlas read back from a file or
    PostGIS (`with_threads`) — which keep no parse (the atlas schema has no address columns),
    and it asks of the *name* first, which the item's parse (of its location) does not cover.
    Without the gazetteer's road names: two mentions match on their own text."""
    return _cached_address(name_key_, location, settings.city, settings.district)


@functools.lru_cache(maxsize=65536)
def _cached_address(name_key_: str, location: str, city: str, district: str) -> AddressKey | None:
    """`_address`, cached per district too (the parser strips its prefix)."""
    for text in (name_key_, name_key(location)):
        parsed = parse_address(text)
        if parsed is not None and parsed.start == 0:
            rest = text[parsed.end :]
            return (parsed.road, parsed.number, parsed.number_end, parsed.unit, rest)
    return None


def _feature(row: Mapping[Hashable, object], key: str, geom: object) -> object:
    """The gazetteer feature an item is placed on *by its own name*, else None."""
    if as_text(row.get("method")) not in NAME_METHODS or as_int(row.get("precision"), 0) != 1:
        return None
    if name_key(row.get("location")) != key or not isinstance(geom, BaseGeometry) or geom.is_empty:
        return None
    matched = as_text(row.get("matched"))
    return ("matched", matched) if matched else ("wkb", shapely.to_wkb(geom, hex=True))


def _placed_in(row: Mapping[Hashable, object]) -> frozenset[str]:
    """The 街道 of a well-placed item (precision 1–3); estimates (a zone, an open 四至) and
    district-level points say nothing about which 街道 the thing is in."""
    if as_int(row.get("precision"), 99) > PLACED_PRECISION:
        return frozenset()
    return frozenset(s for s in as_text(row.get("subdistrict")).split(";") if s)


#: Columns of the items that linking reads.
MENTION_COLUMNS: tuple[str, ...] = (
    "id", "name", "kind", "start", "end", "quote", "location", "method", "precision",
    "matched", "subdistrict",
)  # fmt: skip


def mentions(items: pd.DataFrame, published: Mapping[str, object] | None = None) -> list[Mention]:
    """One `Mention` per row of `items`, in row order."""
    docs = items["doc"].astype(str).tolist()
    order = publication_order(dict.fromkeys(docs), published)
    geoms = items.geometry.array if isinstance(items, gpd.GeoDataFrame) else [None] * len(items)
    wanted = [c for c in MENTION_COLUMNS if c in items.columns]
    records = pd.DataFrame(items[wanted]).to_dict("records")
    out = []
    for pos, (row, geom) in enumerate(zip(records, geoms, strict=True)):
        key = name_key(row.get("name"))
        out.append(
            Mention(
                pos=pos,
                id=as_text(row.get("id")),
                name=as_text(row.get("name")),
                key=key,
                core=name_core(key),
                markers=markers(key),
                head=(head := name_head(key)),
                sort=NAME_HEADS[head][0] if head else "",
                base=MARKERS.sub("", name_core(key)) or key,
                kind=as_text(row.get("kind")),
                doc=docs[pos],
                pub=order[docs[pos]],
                start=as_int(row.get("start")),
                end=as_int(row.get("end")),
                quote=as_text(row.get("quote")),
                address=_address(key, as_text(row.get("location"))),
                feature=_feature(row, key, geom),
                subdistricts=_placed_in(row),
            )
        )
    return out
