"""Scoring the linker against the held-out link sample (issue 22).

``fixtures/links_heldout.jsonl`` holds pairs of mentions, written and labelled before the v3
linking rules: 30 that are one thing in other words (areas, prefixes, parts, renames with
evidence) and 42 look-alikes that must stay apart (a facility in a place, a designation named
after its host, another part, phase or number, a road and what lies on it). Each pair is
linked on its own, with the mentions its evidence needs (``context``), by `link_threads`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from atlas.settings import settings
from geo.threads.links import link_threads
from tests.extract.scoring import Counts

LINKS = Path(__file__).parent / "fixtures" / "links_heldout.jsonl"


def load_cases(path: Path = LINKS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _row(mention: dict, start: int) -> dict:
    """An item row as the build writes it (unlocated unless the mention says otherwise)."""
    quote = mention["quote"]
    row = {
        "id": f"{mention['doc'][:4]}-{start}-{mention['name']}",
        "category": "other",
        "year": int(mention["doc"][:4]),
        "location": mention["name"],
        "start": start,
        "end": start + len(quote),
        "precision": None,
        "method": "unlocated",
        "subdistrict": None,
        "geometry": None,
        **mention,
    }
    if "wkt" in row:  # placed on a gazetteer feature: its shape
        row["geometry"] = shapely.from_wkt(row.pop("wkt"))
    return row


def linked(case: dict) -> bool:
    """Whether the linker puts the case's two mentions in one thread."""
    mentions = [case["a"], case["b"], *case["context"]]
    sentences: dict[tuple[str, str], int] = {}  # one sentence of one report: one span
    rows = [
        _row(m, sentences.setdefault((m["doc"], m["quote"]), 1000 * len(sentences)))
        for m in mentions
    ]
    df = pd.DataFrame(rows)
    items = gpd.GeoDataFrame(
        df, geometry=gpd.GeoSeries(df["geometry"], crs=settings.crs), crs=settings.crs
    )
    threads = link_threads(items)["thread"].tolist()
    return threads[0] == threads[1]


@dataclass
class LinkScore(Counts):
    lookalikes_joined: int = 0
    lookalikes: int = 0
    wrong: list[str] = field(default_factory=list)


def score_links(cases: list[dict]) -> LinkScore:
    result = LinkScore()
    for case in cases:
        made = linked(case)
        result.lookalikes += case["lookalike"]
        if made and case["link"]:
            result.tp += 1
        elif made:
            result.fp += 1
            result.lookalikes_joined += case["lookalike"]
            result.wrong.append(f"joined {case['a']['name']} / {case['b']['name']}")
        elif case["link"]:
            result.fn += 1
            result.wrong.append(f"missed {case['a']['name']} / {case['b']['name']}")
    return result
