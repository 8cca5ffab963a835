"""Fixtures of the app tests: the env pointing the app at the synthetic atlas + gazetteer
(`fixture_paths`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"


@pytest.fixture
def app_env(fixture_paths: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    atlas, gazetteer = fixture_paths
    env = {"ATLAS_PATH": str(atlas), "GAZETTEER_PATH": str(gazetteer)}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def st_folium_args(atlas_map, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The arguments `mapview.atlasmap.show_map` hands to streamlit-folium's component: what the
    browser receives (script, header, feature_group, layer_control, links)."""
    import streamlit_folium

    captured: dict = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: captured.update(kw))
    from mapview.atlasmap import show_map

    show_map(atlas_map)
    return captured
