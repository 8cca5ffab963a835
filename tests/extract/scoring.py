"""Scoring the extractor against the hand-labelled sample (tests and the closing figures)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from extract import Item
from extract.normalise import normalise

FIXTURE = Path(__file__).parent / "fixtures" / "labelled_sample.jsonl"


def load_sample(path: Path = FIXTURE) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def same_name(a: str, b: str) -> bool:
    """Equal, or one holds the other and they share most characters ("张园（东区）"/"张园")."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return short in long_ and len(short) / len(long_) >= 0.5


@dataclass
class Counts:
    """True and false positives and misses, and the precision and recall they give (also
    what the link sample of tests/geo/threads is scored with)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Score(Counts):
    timing_ok: int = 0
    status_ok: int = 0
    kind_ok: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)


def _sentences(sample: list[dict], items_by_doc: dict[str, list[Item]]) -> dict:
    """Labelled sentences keyed by (doc, quote): the union of the labels anchored in each."""
    groups: dict[tuple[str, str], dict] = {}
    for row in sample:
        anchor = normalise(row["sentence"]).text
        for it in items_by_doc[row["doc"]]:
            if anchor in normalise(it.quote).text:
                group = groups.setdefault((row["doc"], it.quote), {"labels": [], "items": []})
                if it not in group["items"]:
                    group["items"].append(it)
        key = next(
            (k for k in groups if k[0] == row["doc"] and anchor in normalise(k[1]).text), None
        )
        labels = [(*label, row["year"], row["period"]) for label in row["items"]]
        if key is None:
            groups[(row["doc"], anchor)] = {"labels": labels, "items": []}
        else:
            groups[key]["labels"] += [lb for lb in labels if lb not in groups[key]["labels"]]
    return groups


def _claim(result: Score, doc: str, label: tuple, pool: list[Item]) -> Item | None:
    """Match one label (name, kind, status, year, period) to an item of ``pool`` by name,
    counting the hit or the miss; the matched item (returned) leaves the pool."""
    name, kind, status, year, period = label
    hit = next((it for it in pool if same_name(it.name, name)), None)
    if hit is None:
        result.fn += 1
        result.misses.append(f"{doc[:4]} {name}")
        return None
    pool.remove(hit)
    result.tp += 1
    result.timing_ok += (hit.year, hit.period) == (year, period)
    result.status_ok += hit.status == status
    result.kind_ok += hit.kind == kind
    return hit


def _unclaimed(result: Score, doc: str, pool: list[Item]) -> None:
    result.fp += len(pool)
    result.extras += [f"{doc[:4]} {it.name}" for it in pool]


def score(sample: list[dict], items_by_doc: dict[str, list[Item]]) -> Score:
    """Match labelled items to extracted items of the same sentence by name."""
    result = Score()
    for (doc, _), group in _sentences(sample, items_by_doc).items():
        unmatched = list(group["items"])
        for label in group["labels"]:
            _claim(result, doc, label, unmatched)
        _unclaimed(result, doc, unmatched)
    return result


HELDOUT = Path(__file__).parent / "fixtures" / "heldout"


def heldout_reports() -> list[Path]:
    """The held-out passages: other years, a table, another district (never tuned on)."""
    return sorted(HELDOUT.glob("*.txt"))


def score_documents(sample: list[dict], items_by_doc: dict[str, list[Item]]) -> Score:
    """Like :func:`score`, but every item of a document that no label claims is a false
    positive: the held-out passages are labelled in full, a neighbour's report has no labels.
    """
    result = Score()
    for doc, items in items_by_doc.items():
        unmatched = list(items)
        for row in (r for r in sample if r["doc"] == doc):
            anchor = normalise(row["sentence"]).text
            for name, kind, status in row["items"]:
                pool = [it for it in unmatched if anchor in normalise(it.quote).text]
                label = (name, kind, status, row["year"], row["period"])
                hit = _claim(result, doc, label, pool)
                if hit is not None:
                    unmatched.remove(hit)
        _unclaimed(result, doc, unmatched)
    return result
