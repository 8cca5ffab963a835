"""PostGIS vs GeoPackage: what `python -m geo export/summary` spends to select items.

Baseline: `geo.cli.export.cli_selection` over the GeoPackage (read every layer, then filter in
pandas). Measured: the same selection from a PostGIS copy of the same atlas (`geo.select`:
filters pushed down to SQL, then the same pandas mask). Both over a local server started in a
temporary folder (`geo.testing.localpg.LocalPostgres`), so the figure has no network in it.
`python bench/store_bench.py [--scale 100]` runs it alone on a fresh synthetic atlas.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.measure import best_of, timed  # noqa: E402
from bench.report import Figure  # noqa: E402
from geo import filters as flt  # noqa: E402


def selections(items) -> dict[str, flt.Filters]:
    """Typical CLI selections, with values taken from the atlas itself."""
    zones = flt.valid_values(items, "zone")
    subs = flt.valid_values(items, "subdistrict")
    years = flt.valid_values(items, "year")
    return {
        "all": flt.Filters(),
        "kind park, one year": flt.Filters(kind=("park",), year=(years[len(years) // 2],)),
        "one zone": flt.Filters(zone=(zones[0],) if zones else ()),
        "one 街道, completed": flt.Filters(
            subdistrict=(subs[0],) if subs else (), status=("completed",)
        ),
        "text 公园": flt.Filters(text="公园"),
        "located, year range": flt.Filters(located_only=True, year_range=(2020, 2025)),
    }


def figures(label: str, atlas: Path, repeat: int = 3) -> list[Figure]:
    from geo import canonical_areas, filter_vocabulary, publish, read_atlas, select
    from geo.testing.localpg import LocalPostgres

    def from_gpkg(filters: flt.Filters) -> int:
        layers = read_atlas(atlas)  # what cli_selection does for a file
        wanted = canonical_areas(filters, layers)
        flt.validate(layers["items"], wanted, filter_vocabulary(layers))
        return len(flt.apply_filters(layers["items"], wanted))

    layers = read_atlas(atlas)
    with LocalPostgres() as pg:
        url = pg.url()
        publish_s, _ = timed(lambda: publish(layers, url))
        details = [f"publish of {len(layers['items'])} items: {publish_s:.2f} s"]
        total_pg = total_gpkg = 0.0
        for name, filters in selections(layers["items"]).items():
            n_gpkg = from_gpkg(filters)
            n_pg = len(select(url, filters)[0]["items"])
            if n_pg != n_gpkg:
                raise AssertionError(f"{name}: {n_pg} items from PostGIS, {n_gpkg} from GPKG")
            t_gpkg = best_of(lambda f=filters: from_gpkg(f), repeat)
            t_pg = best_of(lambda f=filters: select(url, f), repeat)
            total_gpkg += t_gpkg
            total_pg += t_pg
            details.append(
                f"{name}: {n_pg} items, PostGIS {t_pg:.3f} s vs GeoPackage {t_gpkg:.3f} s"
            )
    return [
        Figure(
            f"store.select.{label}",
            total_pg,
            "s",
            total_gpkg,
            note=f"{len(details) - 1} CLI selections from PostGIS (SQL push-down) vs GeoPackage",
            details=details,
        )
    ]


def main(argv: list[str] | None = None) -> int:
    from bench import synthetic

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    args = parser.parse_args(argv)
    atlas = synthetic.ATLAS if synthetic.ATLAS.exists() else None
    ref = synthetic.load_reference(atlas)
    real = synthetic.load_real_items(atlas) if atlas else None
    n = (len(real) if real is not None else synthetic.FALLBACK_REAL_COUNT) * args.scale
    items = synthetic.label(synthetic.synthesize(n, ref, template=real, seed=args.scale), ref)
    with tempfile.TemporaryDirectory(prefix="atlas-store-bench-") as tmp:
        path = synthetic.write_atlas(items, ref, Path(tmp) / "atlas.gpkg")
        for fig in figures(f"{args.scale}x", path):
            print("\n".join(fig.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
