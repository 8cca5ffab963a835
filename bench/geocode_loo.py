"""Held-out accuracy of the geocoder's estimates: `python bench/geocode_loo.py [--gazetteer GPKG]`.

Every kind of estimate the geocoder answers with is measured on evidence held out of the data
that made it (`geo.geocode.numbering.leave_one_out`, `geo.geocode.heldout`):

* each numbered place (anchor) predicted from the rest of its road (`address:interpolated`,
  `address:model`) and from none (`address:model:prior`, counted from the road's real start);
* surveyed roads drawn again from their own bus stops, their anchors counted from that line's
  start (`address:model:estimated`, what an address on a road known only by its stops gets);
* each crossing named by bus stops against the junction of its two surveyed roads
  (`address:crossing`), and each anchor against the crossings of its road
  (`address:road:crossing`, a road known by one crossing).

Printed (Markdown): by method and part of the district (north: 共和新路, 大宁路, 彭浦新村,
临汾路, 彭浦镇; south: the other nine), by 街道, the calibration (share of answers inside
their radius) and the table that chooses the share of the disc a named 街道 must hold.
Accuracy, not speed: nothing here is timed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from atlas.settings import settings  # noqa: E402
from geo import AtlasGeocoder, load_gazetteer  # noqa: E402
from geo.geocode.calibrate import (  # noqa: E402
    PRECISION_2_RADIUS_M,
    SUBDISTRICT_SHARE,
    TARGET_RIGHT,
    HeldOut,
    choose_share,
    loosest_share,
    region_of,
)


def held_out(index) -> tuple[list[HeldOut], list[str | None]]:
    """The leave-one-out rows as `HeldOut` (radius as the geocoder would claim it) and the 街道
    each true point lies in (None outside the district)."""
    rows, subs = [], []
    for r in index.leave_one_out:
        if r.point is None or r.truth is None:
            continue
        sub = index.subdistrict_at(index.point_to_wgs84(r.truth))
        # the radius the geocoder claims: calibrated for the part its answer falls in
        radius = index.radius(r.method, r.gap_m, index.point_to_wgs84(r.point))
        rows.append(HeldOut(r.method, r.gap_m, r.error_m, radius, r.point, r.truth, r.road))
        subs.append(sub)
    return rows, subs


def _line(label: str, sample: Sequence[HeldOut]) -> str:
    err = np.array([r.error_m for r in sample])
    rad = np.array([r.radius_m for r in sample])
    p2 = rad <= PRECISION_2_RADIUS_M
    p2_ok = f"{np.mean(err[p2] <= 500):.0%}" if p2.any() else "–"
    return (
        f"| {label} | {len(sample)} | {np.median(err):.0f} m | {np.mean(err <= 250):.0%} "
        f"| {np.mean(err <= 500):.0%} | {np.mean(err <= rad):.0%} | {np.median(rad):.0f} m "
        f"| {int(p2.sum())} | {p2_ok} |"
    )


HEAD = (
    "| {} | n | median error | ≤ 250 m | ≤ 500 m | inside radius | median radius "
    "| precision 2 | of which ≤ 500 m |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)


def by_method(rows: list[HeldOut], subs: list[str | None]) -> list[str]:
    out = [HEAD.format("method · part")]
    for method in [*sorted({r.method for r in rows}), "all"]:
        for part in ("north", "south"):
            sample = [
                r
                for r, s in zip(rows, subs, strict=True)
                if method in ("all", r.method) and region_of(s) == part
            ]
            if sample:
                out.append(_line(f"{method} · {part}", sample))
    return out


def by_subdistrict(index, rows: list[HeldOut], subs: list[str | None]) -> list[str]:
    out = [
        "| 街道 | part | n | median error | ≤ 500 m | inside radius | named | right |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    metric = index.metric_subdistricts()
    district = index.metric_district
    for part in ("north", "south"):
        for name in sorted({s for s in subs if s and region_of(s) == part}):
            sample = [r for r, s in zip(rows, subs, strict=True) if s == name]
            err = np.array([r.error_m for r in sample])
            rad = np.array([r.radius_m for r in sample])
            ((_share, _n, named, right),) = choose_share(
                sample, metric, district, shares=(SUBDISTRICT_SHARE,)
            )
            out.append(
                f"| {name} | {part} | {len(sample)} | {np.median(err):.0f} m "
                f"| {np.mean(err <= 500):.0%} | {np.mean(err <= rad):.0%} | "
                f"{named / len(sample):.0%} | {right / named if named else float('nan'):.0%} |"
            )
    return out


def share_table(index, rows: list[HeldOut]) -> list[str]:
    table = choose_share(rows, index.metric_subdistricts(), index.metric_district)
    out = [
        "| share of the disc | answers | name a 街道 | right |",
        "| --- | --- | --- | --- |",
    ]
    for share, n, named, right in table:
        rate = f"{right / named:.1%}" if named else "–"
        out.append(f"| ≥ {share:.0%} | {n} | {named / n:.0%} | {rate} |")
    out.append(f"\nloosest share with ≥ {TARGET_RIGHT:.1%} right: {loosest_share(table):.0%}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gazetteer", type=Path, default=settings.gazetteer_path)
    args = parser.parse_args(argv)
    index = AtlasGeocoder(load_gazetteer(args.gazetteer)).index
    rows, subs = held_out(index)
    inside = [(r, s) for r, s in zip(rows, subs, strict=True) if s is not None]
    rows_in, subs_in = [r for r, _s in inside], [s for _r, s in inside]
    print(
        f"held out: {len(rows)} predictions ({len(rows_in)} of points inside the district), "
        f"{len({r.label for r in rows})} roads or crossings"
    )
    print(f"prior: {index.prior_m_per_number:.2f} m per number")
    print("\n".join(by_method(rows_in, subs_in)))
    print()
    print("\n".join(by_subdistrict(index, rows_in, subs_in)))
    print()
    print("\n".join(share_table(index, rows_in)))
    ratios = ", ".join(f"{m} {v:.2f}" for m, v in sorted(index.uncertainty.ratios.items()))
    print(f"\nradius = ratio x max(gap, 50 m); ratios (90th percentile of error/gap): {ratios}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
