"""Leave-one-out of the house-numbering model: `python bench/geocode_loo.py [--gazetteer GPKG]`.

Each numbered place (anchor) of the gazetteer is held out and predicted from the rest of its
road (`address:interpolated` between anchors, `address:model` from one anchor or the road's
fitted rate) and from none (`address:model:prior`, the prior rate from the road's start). The
table gives, per method, the number of predictions, the median error and the share within
250 m and 500 m, and the radius (`uncertainty_m`) the geocoder derives from these errors for a
typical gap. Accuracy, not speed: nothing here is timed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from atlas.settings import settings  # noqa: E402
from geo import AtlasGeocoder, load_gazetteer  # noqa: E402


def table(rows) -> list[str]:
    """Markdown lines: method, n, median error, share ≤ 250 m, share ≤ 500 m."""
    out = [
        "| method | n | median error | ≤ 250 m | ≤ 500 m | median gap |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    groups = sorted({r.method for r in rows})
    for method in [*groups, "all"]:
        sample = [r for r in rows if method in ("all", r.method)]
        if not sample:
            continue
        err = np.array([r.error_m for r in sample])
        gap = np.array([r.gap_m for r in sample])
        out.append(
            f"| {method} | {len(sample)} | {np.median(err):.0f} m | {np.mean(err <= 250):.0%} "
            f"| {np.mean(err <= 500):.0%} | {np.median(gap):.0f} m |"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gazetteer", type=Path, default=settings.gazetteer_path)
    args = parser.parse_args(argv)
    index = AtlasGeocoder(load_gazetteer(args.gazetteer)).index
    rows = index.leave_one_out
    roads = len({r.road for r in rows})
    print(f"leave-one-out: {len(rows)} predictions of anchors on {roads} roads")
    print(f"prior: {index.prior_m_per_number:.2f} m per number")
    print("\n".join(table(rows)))
    ratios = ", ".join(f"{m} {v:.2f}" for m, v in sorted(index.uncertainty.ratios.items()))
    print(f"radius = ratio x max(gap, 50 m); ratios (90th percentile of error/gap): {ratios}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
