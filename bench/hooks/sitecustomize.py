"""Bench only (`bench/browser_child.py` puts this folder on the app server's PYTHONPATH): with
`BENCH_MAP` set, the page draws another map in the same place — `floor` (an empty st_folium
map) or `documented` (every selected feature through `feature_group_to_add`) — so the browser
figures compare designs on the same page. Nothing here runs in the app or the tests."""

import os

if os.environ.get("BENCH_MAP"):
    from bench.map_variants import install

    install(os.environ["BENCH_MAP"])
