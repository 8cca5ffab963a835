"""An offline geopy geocoder over the Jing'an gazetteer, as a package of resolution steps.

Layers, bottom up: `types` (the `Resolution` value type, normalisation, the protocols) →
`numbering` (house numbers along a road, its leave-one-out) → `index` (the gazetteer index,
built once, metric where distances matter, read-only API) → `base` (the `Resolver` helpers
and the `Step` protocol) → one module per step, run in order by `AtlasGeocoder`
(`geocoder`):

1. `name` — exact name, then alias (after normalisation: NFKC, no spaces or punctuation, no
   "上海市/静安区" prefix, no trailing project words such as 改造/项目/工程);
2. `fuzzy` — a strict fuzzy name (never roads, never queries with digits);
3. `address` — a street address on a road the gazetteer has, by the numbering model, with an
   `uncertainty_m` from the leave-one-out; precision 1 at a numbered feature, 2 only when the
   radius is ≤ 250 m, else 5; a number the model cannot place → the road's line
   (`address:road`, 5); "X路Y路口" → the crossing;
4. `text` — one known place (precision 2) or road (its line, 5) named inside a longer text;
5. `area` — a 街道/镇 (3), a functional zone (5) or the district (4) named in the text;
6. otherwise **unlocated** (no geometry, precision None) — never a default point.
`context` (items only, `AtlasGeocoder.resolve_in_context`) — the setting the item's sentence or
paragraph names (`context:<what>`).

Same-name clashes are decided by the query's own suffix: "静安寺街道" is the 街道, "静安寺" the
temple; "南京西路" is the road, "南京西路街道" the 街道, "南京西路功能区/商圈/板块/地区" the zone.
Without a suffix a bare name prefers a place, then a road, a river, a zone, a 街道 (by its
short name), then the district. A bare name ending in 路/街 that is no road of the gazetteer is
not the 街道 named after it ("江宁路" → unlocated; "江宁路街道" → the 街道). A name shared by
exactly one place inside the district and places outside it means the one inside. An elevated
road X高架路 is also found as "X路高架" (延安路高架). A query longer than `MAX_QUERY_CHARS` is
answered unlocated with a reason, never parsed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from atlas.lazy import exports

if TYPE_CHECKING:  # imported on first use (atlas.lazy): geopy with the geocoder
    from geo.geocode.base import Query, Resolver, Step
    from geo.geocode.geocoder import STEPS, AtlasGeocoder, to_location
    from geo.geocode.index import Feature, GazetteerIndex, Road, gazetteer_index, gazetteer_layers
    from geo.geocode.types import (
        LAYER_PRECISION,
        LAYERS,
        MAX_QUERY_CHARS,
        AreaLookup,
        Resolution,
        normalise_name,
        unlocated,
    )

__all__ = [
    "LAYERS",
    "LAYER_PRECISION",
    "MAX_QUERY_CHARS",
    "STEPS",
    "AreaLookup",
    "AtlasGeocoder",
    "Feature",
    "GazetteerIndex",
    "Query",
    "Resolution",
    "Resolver",
    "Road",
    "Step",
    "gazetteer_index",
    "gazetteer_layers",
    "normalise_name",
    "to_location",
    "unlocated",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = exports(__name__, __file__)
