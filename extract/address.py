"""The one parser of Chinese street addresses: road + 号/弄/支弄 numbers, ranges, and "X路Y路口"
crossings.

Pure string functions, no geography: the geocoder decides what a parsed road means on the map.
Shanghai numbers lanes (弄) in the same sequence as houses (号) on their street, so the number
that places an address along its road is the lane number when there is one, else the house
number (`Address.street_number`).

`parse_location(text)` is the entry point: a `ParsedAddress` (every address, the crossing). The
extractor parses each item's location once (`extract.Item.address`); the geocoder, which knows
the gazetteer's road names, names the roads of that parse as it knows them with
`ParsedAddress.with_roads(known_roads)` — the longest known name ending each road text — rather
than parsing again. The recognisers of `extract.roadspans` / `extract.items` find address-like
*spans* in running text for item names; they do not parse (see their docstrings).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from atlas.settings import settings

from .normalise import squeeze
from .vocab import CJK as _CJK
from .vocab import ROAD_SUFFIXES

#: Characters that, just before a known road name, make a different road (老沪太路, 新闸路 vs
#: 闸路, 北苏州路 vs 苏州路): the known name is then no match.
NAME_PREFIXES = frozenset("老新东西南北中大小支")
_SUFFIX = "|".join(ROAD_SUFFIXES)
_NUM = r"\d{1,6}"
#: Longest road text (with its suffix) an address or crossing may start with: bounds the
#: regex work per position, so parsing is linear in the text (an unbounded lazy run made it
#: quadratic, and the crossing cubic, on long runs of road names without numbers).
MAX_ROAD_CHARS = 16
_RANGE_SEP = r"(?:-|~|至|到|—)"  # a list ("8号、801号") is not a range

# road text, then 号 or 弄 (with optional 支弄 and 号 inside the lane), ranges allowed.
_ADDRESS_RE = re.compile(
    rf"(?P<road>[{_CJK}]{{1,{MAX_ROAD_CHARS - 1}}}?(?:{_SUFFIX}))"
    rf"(?P<first>{_NUM})(?:号|弄)?(?:{_RANGE_SEP}(?P<last>{_NUM}))?"
    rf"(?:(?:、|,|，|及|和)(?:{_NUM})(?:号|弄)?)*"  # a list "160、180号": the first places it
    rf"(?P<unit>号|弄)(?!线|楼|地块|门)"
    rf"(?:(?P<sub>{_NUM})支弄)?"
    rf"(?:(?P<house>{_NUM})(?:{_RANGE_SEP}{_NUM})?号(?!线))?"
)

_CROSSING_RE = re.compile(
    rf"(?P<a>[{_CJK}]{{1,{MAX_ROAD_CHARS - 1}}}?(?:{_SUFFIX}))(?:与|和|、|/|及|交)?"
    rf"(?P<b>[{_CJK}]{{1,{MAX_ROAD_CHARS - 1}}}?(?:{_SUFFIX}))(?:交叉口|交汇处|交界处|路口|口)"
)


@functools.cache
def _prefix_re(district: str) -> re.Pattern[str]:
    """Leading words that are not part of a road name: admin prefixes (`district` from
    `settings.district`, read when a text is parsed) and common report verbs."""
    return re.compile(
        rf"^(?:上海市|上海)?(?:{re.escape(district)})?(?:[{_CJK}]{{2,4}}(?:街道|镇))?"
        r"(?:并且|并|同时|以及|还|要|将)?"
        r"(?:适时|加快|加速|全面|积极|继续|持续|有序|稳步)?"
        r"(?:推进|实施|启动|完成|建设|开工|竣工|推动|开展|打造|建成|新建|改建|扩建|位于|地处|坐落于|坐落在|"
        r"在|于|对|将|和|与|及|至|从)?"
    )


#: Shortest known road name trusted as a suffix match (avoids "X路" two-character accidents).
_MIN_KNOWN_ROAD = 3


def _normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """`extract.normalise.squeeze(text)` (NFKC, no whitespace), character by character, and
    for each character of it its offset in `text` (so that spans found in the normalised text
    point into the original one)."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, char in enumerate(text or ""):
        if char.isspace():
            continue
        for out in unicodedata.normalize("NFKC", char):
            if not out.isspace():
                chars.append(out)
                offsets.append(i)
    return "".join(chars), offsets


@dataclass(frozen=True)
class RoadText:
    """The road text as matched before a number or a crossing word (`text`), with the offset
    in the parsed text of each of its characters: what `trim_road` reads, kept so that a parse
    can name its roads again with known road names (`ParsedAddress.with_roads`)."""

    text: str = ""
    offsets: tuple[int, ...] = ()

    def trimmed(self, known_roads: Collection[str] | None) -> tuple[str, int]:
        """(road name, its start offset) by `trim_road`."""
        road = trim_road(self.text, known_roads)
        return road, self.offsets[len(self.text) - len(road)] if self.offsets else 0


@dataclass(frozen=True)
class Address:
    """One street address found in a text; numbers are ints, ranges keep both ends."""

    road: str
    number: int
    unit: str  # "号" or "弄"
    number_end: int | None = None
    sub_lane: int | None = None
    house: int | None = None
    start: int = 0
    end: int = 0
    #: the road text as matched (`with_roads` names it again)
    lead: RoadText = field(default=RoadText(), compare=False, repr=False)

    @property
    def street_number(self) -> int:
        """The number that places this address along its road (the lane's or the house's)."""
        return self.number if self.number_end is None else (self.number + self.number_end) // 2

    def with_roads(self, known_roads: Collection[str] | None) -> Address:
        """This address with its road named by `trim_road(lead, known_roads)`."""
        if not self.lead.text:
            return self
        road, start = self.lead.trimmed(known_roads)
        return replace(self, road=road, start=start)


@dataclass(frozen=True)
class Crossing:
    """A road junction, "X路Y路口" or "X路与Y路交叉口"."""

    road_a: str
    road_b: str
    start: int = 0
    end: int = 0
    lead_a: RoadText = field(default=RoadText(), compare=False, repr=False)
    lead_b: RoadText = field(default=RoadText(), compare=False, repr=False)

    def with_roads(self, known_roads: Collection[str] | None) -> Crossing:
        """This junction with its roads named by `trim_road(lead, known_roads)`."""
        if not self.lead_a.text:
            return self
        a, start = self.lead_a.trimmed(known_roads)
        b, _ = self.lead_b.trimmed(known_roads)
        return replace(self, road_a=a, road_b=b, start=start)


@dataclass(frozen=True)
class ParsedAddress:
    """What one text says of streets, parsed once: its road + 号/弄 addresses in order, and
    the first "X路Y路口" junction (`crossing`; None when there is none or both roads are one).

    The typed value an `extract.Item` carries for its location (`Item.address`) and the
    geocoder's `Query` carries for its text."""

    addresses: tuple[Address, ...] = ()
    #: the junction as matched, kept even when both roads trim to one name: known road
    #: names (`with_roads`) may tell them apart
    junction: Crossing | None = None

    @property
    def address(self) -> Address | None:
        """The first address (what places an item), or None."""
        return self.addresses[0] if self.addresses else None

    @property
    def crossing(self) -> Crossing | None:
        """The junction of two different roads, or None."""
        j = self.junction
        return j if j is not None and j.road_a != j.road_b else None

    @property
    def roads(self) -> tuple[str, ...]:
        """The road names the text gives: each address's, then the crossing's two."""
        crossing = self.crossing
        pair = (crossing.road_a, crossing.road_b) if crossing is not None else ()
        return (*(a.road for a in self.addresses), *pair)

    def __bool__(self) -> bool:
        return bool(self.addresses) or self.crossing is not None

    def to_dict(self) -> dict[str, Any]:
        """Plain values (JSON): the addresses and the crossing, without their road texts."""
        crossing = self.crossing
        return {
            "addresses": [_plain(a, ("lead",)) for a in self.addresses],
            "crossing": _plain(crossing, ("lead_a", "lead_b")) if crossing else None,
        }

    def with_roads(self, known_roads: Iterable[str] | None) -> ParsedAddress:
        """The same parse with every road named as `known_roads` knows it (the longest known
        name ending its road text; a road text no known name ends keeps the heuristic trim):
        the same answer as parsing the text again with `known_roads`, without parsing."""
        roads = _as_set(known_roads)
        junction = self.junction.with_roads(roads) if self.junction is not None else None
        return ParsedAddress(tuple(a.with_roads(roads) for a in self.addresses), junction)


def trim_road(road_text: str, known_roads: Collection[str] | None = None) -> str:
    """The road name at the end of `road_text`.

    With `known_roads`, the longest known name that ends `road_text` (exact suffix match; no
    fuzzy guess, so an unknown road stays unknown); otherwise a heuristic that drops admin
    prefixes and common report verbs ("推进汶水路" → "汶水路")."""
    if known_roads:
        for i in range(len(road_text) - _MIN_KNOWN_ROAD + 1):
            if road_text[i:] in known_roads:
                if i > 0 and road_text[i - 1] in NAME_PREFIXES:
                    break  # "老沪太路": another road, whose name ends like a known one
                return road_text[i:]
    trimmed = _prefix_re(settings.district).sub("", road_text, count=1)
    return trimmed if len(trimmed) >= 2 else road_text


def _as_set(known_roads: Iterable[str] | None) -> Collection[str] | None:
    if known_roads is None or isinstance(known_roads, (set, frozenset, dict)):
        return known_roads
    return frozenset(known_roads)


def _plain(value: Address | Crossing, leave: tuple[str, ...]) -> dict[str, Any]:
    return {f.name: getattr(value, f.name) for f in fields(value) if f.name not in leave}


def parse_location(text: str, known_roads: Iterable[str] | None = None) -> ParsedAddress:
    """The addresses and the first crossing of `text` (`parse_addresses`, `parse_crossing`):
    the one entry point, for an item's location and for a geocoder query alike."""
    norm, offsets = _normalise_with_offsets(text)
    roads = _as_set(known_roads)
    return ParsedAddress(_addresses(norm, offsets, roads), _junction(norm, offsets, roads))


def parse_addresses(text: str, known_roads: Iterable[str] | None = None) -> list[Address]:
    """Every road + 号/弄 address in `text`, in order of appearance; `start`/`end` index the
    original `text` (read after NFKC and without whitespace: "共和新路 ３５５０ 号" counts)."""
    norm, offsets = _normalise_with_offsets(text)
    return list(_addresses(norm, offsets, _as_set(known_roads)))


def _lead(m: re.Match[str], group: str, offsets: list[int]) -> RoadText:
    return RoadText(m[group], tuple(offsets[m.start(group) : m.end(group)]))


def _addresses(norm: str, offsets: list[int], roads: Collection[str] | None) -> tuple[Address, ...]:
    out = []
    for m in _ADDRESS_RE.finditer(norm):
        lead = _lead(m, "road", offsets)
        road, start = lead.trimmed(roads)
        first, last = int(m["first"]), m["last"]
        number_end = int(last) if last is not None else None
        if number_end is not None and number_end < first:
            number_end = None
        out.append(
            Address(
                road=road,
                number=first,
                unit=m["unit"],
                number_end=number_end,
                sub_lane=int(m["sub"]) if m["sub"] else None,
                house=int(m["house"]) if m["house"] else None,
                start=start,
                end=offsets[m.end() - 1] + 1,
                lead=lead,
            )
        )
    return tuple(out)


def _junction(norm: str, offsets: list[int], roads: Collection[str] | None) -> Crossing | None:
    m = _CROSSING_RE.search(norm)
    if m is None:
        return None
    lead_a, lead_b = _lead(m, "a", offsets), _lead(m, "b", offsets)
    a, start = lead_a.trimmed(roads)
    b, _ = lead_b.trimmed(roads)
    end = offsets[m.end() - 1] + 1
    return Crossing(road_a=a, road_b=b, start=start, end=end, lead_a=lead_a, lead_b=lead_b)


def parse_address(text: str, known_roads: Iterable[str] | None = None) -> Address | None:
    """The first address in `text`, or None."""
    found = parse_addresses(text, known_roads)
    return found[0] if found else None


def parse_crossing(text: str, known_roads: Iterable[str] | None = None) -> Crossing | None:
    """The first "X路Y路口" / "X路与Y路交叉口" junction in `text`, or None."""
    norm, offsets = _normalise_with_offsets(text)
    return ParsedAddress(junction=_junction(norm, offsets, _as_set(known_roads))).crossing


def parse_number(value: object) -> int | None:
    """The leading integer of a house number field ("1686", "218号", "１－３"), else None."""
    if value is None:
        return None
    m = re.match(r"\s*(\d+)", squeeze(str(value)))
    return int(m.group(1)) if m else None


def street_anchor(street: object, housenumber: object) -> tuple[str, int] | None:
    """(road, number along it) for a place's `street` / `housenumber` fields, or None.

    OSM puts lane addresses as street "南京西路1394弄" + housenumber "2": the lane number is the
    position on 南京西路, so that is what is returned."""
    if street is None or (isinstance(street, float) and street != street):
        return None
    street_text = squeeze(str(street))
    if not street_text:
        return None
    lane = re.fullmatch(rf"([{_CJK}]+?(?:{_SUFFIX}))(\d+)弄", street_text)
    if lane:
        return lane.group(1), int(lane.group(2))
    if not re.fullmatch(rf"[{_CJK}]+?(?:{_SUFFIX})", street_text):
        return None
    number = parse_number(housenumber)
    return (street_text, number) if number is not None else None
