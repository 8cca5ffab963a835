"""The project-curated alias dictionary (`data/aliases.csv`): names to names, never coordinates.

Each row says that `alias` is another way of writing the gazetteer name `name`. The build uses
it twice: a feature whose own name is a listed alias is renamed to the canonical name (so the
Wikidata 上海馬戲城 and the OSM 上海马戏城 become one place), and every feature gets the aliases
of its name appended to its `aliases` column for the geocoder.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import geopandas as gpd
import pandas as pd

from atlas.errors import DataError
from atlas.settings import settings
from geo.gazetteer.sources import ALIAS_SEP, join_aliases

ALIAS_COLUMNS: tuple[str, ...] = ("name", "alias", "note")


class AliasError(DataError):
    """The alias table is malformed (missing columns, a name aliased to itself, a cycle)."""


def read_aliases(path: Path | str | None = None) -> pd.DataFrame:
    """The alias table with columns `name, alias, note`, validated (default:
    `settings.aliases_path`, read when called)."""
    path = settings.aliases_path if path is None else path
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = set(ALIAS_COLUMNS) - set(table.columns)
    if missing:
        raise AliasError(f"{path}: missing columns {sorted(missing)}")
    table = table[list(ALIAS_COLUMNS)].apply(lambda col: col.str.strip())
    if (table["name"] == "").any() or (table["alias"] == "").any():
        raise AliasError(f"{path}: empty name or alias")
    if (table["name"] == table["alias"]).any():
        raise AliasError(f"{path}: a name aliased to itself")
    clash = table.groupby("alias")["name"].nunique()
    if (clash > 1).any():
        raise AliasError(f"{path}: alias with two names: {', '.join(clash[clash > 1].index)}")
    if set(table["alias"]) & set(table["name"]):
        raise AliasError(f"{path}: an alias is also a canonical name (chains are ambiguous)")
    return cast(pd.DataFrame, table)


def canonical_names(table: pd.DataFrame) -> dict[str, str]:
    """alias → canonical name."""
    return dict(zip(table["alias"], table["name"], strict=True))


def aliases_of(table: pd.DataFrame) -> dict[str, list[str]]:
    """canonical name → its aliases, in file order."""
    out: dict[str, list[str]] = {}
    for name, alias in zip(table["name"], table["alias"], strict=True):
        out.setdefault(name, []).append(alias)
    return out


def apply_aliases(gdf: gpd.GeoDataFrame, table: pd.DataFrame) -> gpd.GeoDataFrame:
    """`gdf` with names canonicalised and the dictionary's aliases appended (pure)."""
    canonical = canonical_names(table)
    extra = aliases_of(table)
    out = gdf.copy()
    names, aliases = [], []
    for name, current in zip(out["name"], out["aliases"], strict=True):
        new = canonical.get(name, name)
        names.append(new)
        aliases.append(join_aliases(new, name, current, ALIAS_SEP.join(extra.get(new, []))))
    out["name"] = names
    out["aliases"] = aliases
    return out
