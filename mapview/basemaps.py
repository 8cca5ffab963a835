"""The basemaps the user can choose: an offline one (no tiles at all) and three tile services.

The atlas stores WGS84. AMap/Gaode tiles are drawn in GCJ-02 (China's obfuscated datum, a few
hundred metres off in Shanghai), so for that basemap only the features are shifted to GCJ-02
before drawing; the data, the table and the downloads stay WGS84.
"""

from __future__ import annotations

from dataclasses import dataclass

from mapview import i18n


@dataclass(frozen=True)
class Basemap:
    key: str
    label: str
    url: str | None  # None: no tiles (offline)
    attribution: str = ""
    subdomains: str = "abc"
    max_zoom: int = 19
    gcj02: bool = False  # tiles are in GCJ-02: shift the features before drawing

    @property
    def offline(self) -> bool:
        return self.url is None


BASEMAPS: dict[str, Basemap] = {
    b.key: b
    for b in (
        Basemap("offline", "Offline — outlines (no tiles)", None),
        Basemap(
            "osm",
            "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
            "contributors",
        ),
        Basemap(
            "positron",
            "CartoDB Positron",
            "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
            'contributors &copy; <a href="https://carto.com/attributions">CARTO</a>',
            subdomains="abcd",
            max_zoom=20,
        ),
        Basemap(
            "amap",
            "AMap 高德 (GCJ-02)",
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
            "&x={x}&y={y}&z={z}",
            "&copy; 高德地图 AutoNavi — features shifted to GCJ-02 for this basemap",
            subdomains="1234",
            max_zoom=18,
            gcj02=True,
        ),
    )
}
DEFAULT_BASEMAP = "offline"


def get_basemap(key: str) -> Basemap:
    try:
        return BASEMAPS[key]
    except KeyError:
        raise ValueError(f"unknown basemap {key!r}; choose one of {', '.join(BASEMAPS)}") from None


def offline_label(roads: bool, water: bool, lang: str = "en") -> str:
    """The offline basemap's label, promising only the reference lines the atlas has."""
    lines = [i18n.t("basemap.outlines", lang)]
    lines += [i18n.t("basemap.roads", lang)] if roads else []
    lines += [i18n.t("basemap.river", lang)] if water else []
    sep = "、" if lang == "zh" else ", "
    what = (
        sep.join(lines[:-1]) + i18n.t("basemap.and", lang) + lines[-1]
        if len(lines) > 1
        else lines[0]
    )
    return i18n.t("basemap.offline", lang, what=what)
