"""`geo.io.sanity.clean_text` on every text column of every layer, whatever pandas makes of
its text: `object` (the conformed items) or pandas 3's `str` (the 街道, zones and the rest, as
read). Before: a bidi control or a 300-character name in a zone survived the read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.io.read import read_atlas
from geo.io.sanity import MAX_NAME, clean_text, notes_of
from geo.testing import write_layers
from tests.worlds.page import items_frame, reference_frames

RLO = "\u202e"


def test_every_layer_is_cleaned_whatever_its_text_dtype(tmp_path: Path) -> None:
    ref = reference_frames()
    layers = {"items": items_frame(), **{k: ref[k] for k in ("subdistricts", "zones", "district")}}
    layers["zones"].loc[0, "name"] = f"A{RLO}区"
    layers["subdistricts"].loc[1, "name"] = "长" * (MAX_NAME + 100)
    read = read_atlas(write_layers(layers, tmp_path / "atlas.gpkg"))
    assert read["zones"]["name"].iloc[0] == "A区"
    assert read["subdistricts"]["name"].iloc[1] == "长" * (MAX_NAME - 1) + "…"
    notes = notes_of(read)
    assert any("zones: bidirectional control characters removed from 1" in n for n in notes)
    assert any("subdistricts: 1 name value(s) longer than 200" in n for n in notes), notes


def test_a_str_column_is_cleaned_like_an_object_one() -> None:
    zones = reference_frames()["zones"]
    zones["name"] = [f"A{RLO}区", "B区"]
    as_str, as_object = zones.astype({"name": "str"}), zones.astype({"name": object})
    (cleaned_str, notes_str), (cleaned_object, notes_object) = (
        clean_text(frame, "zones") for frame in (as_str, as_object)
    )
    assert cleaned_str["name"].tolist() == cleaned_object["name"].tolist() == ["A区", "B区"]
    assert notes_str == notes_object and len(notes_str) == 1
    assert isinstance(cleaned_str["name"].dtype, pd.StringDtype)


def test_only_the_strings_of_a_mixed_column_are_touched() -> None:
    """Text found in C when the column holds text and gaps only; any other value (a number,
    bytes) takes the per-value path, and is left as it is."""
    zones = reference_frames()["zones"].iloc[[0, 1, 0, 1]].reset_index(drop=True)
    for values in ([f"A{RLO}", None, float("nan"), "B"], [f"A{RLO}", 7, b"x", None]):
        zones["label"] = pd.Series(values, dtype=object)
        cleaned, notes = clean_text(zones, "zones")
        assert cleaned["label"].iloc[0] == "A" and len(notes) == 1
        assert cleaned["label"].iloc[1:].equals(zones["label"].iloc[1:])  # NaN equals NaN here
