"""Items: the extractor's output record, and how spans become items (status, category, ids).

Status and category are read from the words around a name: first the clause it stands in
(between commas), then the whole sentence.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from . import lexicon as lx
from .address import ParsedAddress, parse_location
from .segment import Timing
from .status import clause_bounds
from .vocab import CJK, ROAD_SUFFIXES


@dataclass(frozen=True)
class Item:
    """One place-bound statement of a report; ``quote == text[start:end]`` of the text as read."""

    id: str
    doc: str
    name: str
    kind: str
    category: str
    year: int | None
    period: str
    status: str
    location: str
    quote: str
    start: int
    end: int
    boundary: dict[str, Any] | None = field(default=None, hash=False, compare=False)
    #: the report was issued by another district (kept only with ``any_district``): not a
    #: place of this atlas, so it stays off the map
    out_of_district: bool = False
    #: ``location`` parsed once, here (`extract.address.parse_location`): its road + 号/弄
    #: addresses and crossing, which the geocoder reads instead of parsing the text again;
    #: derived, so an item made or replaced with another location never carries a stale one
    address: ParsedAddress = field(init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "address", parse_location(self.location or ""))

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with exactly :data:`FIELDS`, in order (``address`` as plain values, or
        None when the location holds no address)."""
        out = asdict(self)
        out["address"] = self.address.to_dict() if self.address else None
        return out


#: The output keys, in order: the fields of :class:`Item`.
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Item))


def item_id(doc: str, start: int, end: int, name: str) -> str:
    """Stable id: the same document, sentence and name always give the same id."""
    return hashlib.sha1(f"{doc}\x1f{start}\x1f{end}\x1f{name}".encode()).hexdigest()[:12]


def category_of(
    name: str, default: str, sentence: str, start: int, end: int, listed: bool = False
) -> str:
    """The span's own category, else a keyword of the name, else of its clause.

    A list member (``listed``) only reads the clause after itself ("…等项目实现竣工"), so
    that its neighbours' words do not type it.
    """
    for word, cat in lx.CATEGORY_WORDS:
        if word in name and cat in ("drainage", "parking", "education", "health", "elderly_care"):
            return cat
    if default:
        return default
    for word, cat in lx.CATEGORY_WORDS:
        if word in name:
            return cat
    c0, c1 = clause_bounds(sentence, start, end)
    clause = sentence[end:c1] if listed else sentence[c0:c1]
    for word, cat in lx.CATEGORY_WORDS:
        if word in clause:
            return cat
    return "other"


_ADDRESS_IN_NAME = re.compile(
    rf"[{CJK}]{{1,10}}?(?:{'|'.join(ROAD_SUFFIXES)})\d+[A-Za-z]?(?:、\d+)*(?:号|弄)"
)


#: Endings of an area that do not place it further ("走马塘区域" is placed by 走马塘). A
#: 功能区 keeps its name: that is the zone's own name, while its core is often a road.
_AREA_TAILS = ("地区", "区域", "一带", "沿线", "周边")


def location_of(name: str, kind: str) -> str:
    """The shortest text that places the item: an address when the name holds one, the
    core of an X地区 / X区域 zone.

    `_ADDRESS_IN_NAME` recognises where an address *text* sits in a name (with a letter
    after the number, 江宁路54A号, and without dropping the words before the road), like the
    span recognisers of `extract.roadspans`; parsing that text into road and numbers is
    `extract.address`'s job (`Item.address`), done once on the location this returns."""
    m = _ADDRESS_IN_NAME.search(name)
    if m:
        return m.group(0)
    if kind == "zone":
        core = name
        while core.endswith(_AREA_TAILS) and len(core) > 4:
            core = core[:-2]
        if core != name and len(core) >= 2:
            return core
    if "“" in name and not name.startswith("“"):
        return name[: name.index("“")]  # 南京西路“千亿商圈” is placed by its road
    return name


def make_item(  # noqa: PLR0913 (the fields of an `Item`, by name)
    doc: str,
    name: str,
    kind: str,
    category: str,
    timing: Timing,
    status: str,
    quote: str,
    start: int,
    end: int,
    location: str = "",
) -> Item:
    """Assemble an :class:`Item` with its stable id and location (``location`` when the
    sentence, not the name, places it)."""
    return Item(
        id=item_id(doc, start, end, name),
        doc=doc,
        name=name,
        kind=kind,
        category=category,
        year=timing.year,
        period=timing.period,
        status=status,
        location=location or location_of(name, kind),
        quote=quote,
        start=start,
        end=end,
    )
