"""WGS84 ↔ GCJ-02 ↔ BD-09 conversions for coordinates copied from Chinese web maps.

Chinese web maps (AMap/高德, Tencent, and many encyclopedia infoboxes) publish GCJ-02, an
obfuscated datum ~470 m off WGS84 in Jing'an; Baidu publishes BD-09, a further shift of GCJ-02.
The atlas stores WGS84 only, so every point copied from such a source is converted here before
use. The forward transform is the standard public ``wgs2gcj`` formula; its inverse has no closed
form and is solved by fixed-point iteration until the residual is below a millimetre.

All functions are vectorised over numpy arrays and return scalars for scalar input. Points
outside China are returned unchanged (GCJ-02 is defined as WGS84 there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike
from shapely.geometry.base import BaseGeometry

from atlas.settings import settings

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by the GCJ-02 formula
_EE = 0.00669342162296594323  # its first eccentricity squared
_BD_PI = np.pi * 3000.0 / 180.0

#: Iteration limits of the inverse transform: tolerance in degrees (≈ 1 mm) and max rounds.
_INVERSE_TOL = 1e-8
_INVERSE_MAX_ITER = 30

T = TypeVar("T", bound=shapely.Geometry)


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray, bool]:
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    scalar = lon_a.ndim == 0 and lat_a.ndim == 0
    lon_a, lat_a = np.broadcast_arrays(np.atleast_1d(lon_a), np.atleast_1d(lat_a))
    return lon_a, lat_a, scalar


#: what a conversion returns: (lon, lat) as floats for scalars in, as arrays for arrays in
LonLat = tuple[Any, Any]


def _out(lon: np.ndarray, lat: np.ndarray, scalar: bool) -> LonLat:
    if scalar:
        return float(lon[0]), float(lat[0])
    return lon, lat


def out_of_china(lon: ArrayLike, lat: ArrayLike) -> np.ndarray:
    """True where the point lies outside the rough China box in which GCJ-02 applies."""
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    return ~((lon_a > 73.66) & (lon_a < 135.05) & (lat_a > 3.86) & (lat_a < 53.55))


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 offset (dlon, dlat) in degrees at WGS84 (lon, lat): the public wgs2gcj formula."""
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
    dlat += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
    dlon += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    outside = out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """WGS84 → GCJ-02 (what AMap shows for a WGS84 point)."""
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    dlon, dlat = _delta(lon_a, lat_a)
    return _out(lon_a + dlon, lat_a + dlat, scalar)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """GCJ-02 → WGS84 by fixed-point iteration of the forward formula (residual < 1 mm)."""
    g_lon, g_lat, scalar = _as_arrays(lon, lat)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(_INVERSE_MAX_ITER):
        dlon, dlat = _delta(w_lon, w_lat)
        err_lon = w_lon + dlon - g_lon
        err_lat = w_lat + dlat - g_lat
        w_lon = w_lon - err_lon
        w_lat = w_lat - err_lat
        if np.all(np.abs(err_lon) < _INVERSE_TOL) and np.all(np.abs(err_lat) < _INVERSE_TOL):
            break
    return _out(w_lon, w_lat, scalar)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """GCJ-02 → BD-09 (Baidu's further-obfuscated datum)."""
    x, y, scalar = _as_arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _BD_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _BD_PI)
    return _out(z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006, scalar)


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """BD-09 → GCJ-02 (the standard approximate inverse, sub-metre in China)."""
    b_lon, b_lat, scalar = _as_arrays(lon, lat)
    x = b_lon - 0.0065
    y = b_lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _BD_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD_PI)
    return _out(z * np.cos(theta), z * np.sin(theta), scalar)


def _transform_geometry(geom: T, func: Callable[[ArrayLike, ArrayLike], LonLat]) -> T:
    def apply(coords: np.ndarray) -> np.ndarray:
        lon, lat = func(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, apply)


def geometry_to_gcj02(geom: T) -> T:
    """A shapely geometry (or array of them) in WGS84, moved to GCJ-02 vertex by vertex."""
    return _transform_geometry(geom, wgs84_to_gcj02)


def geometry_to_wgs84(geom: T) -> T:
    """A shapely geometry (or array of them) in GCJ-02, moved back to WGS84."""
    return _transform_geometry(geom, gcj02_to_wgs84)


def gdf_to_gcj02(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of `gdf` (any CRS) with geometries in GCJ-02, e.g. to overlay on AMap tiles.

    The result keeps the EPSG:4326 label because GCJ-02 has no EPSG code: never mix it with
    WGS84 layers (the cnmaps outline in ../shared/geodata is the cautionary tale)."""
    out = gdf.to_crs("EPSG:4326") if gdf.crs is not None else gdf.copy()
    return out.set_geometry(
        gpd.GeoSeries(geometry_to_gcj02(out.geometry.to_numpy()), index=out.index, crs=out.crs)
    )


def gdf_to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of `gdf` whose geometries are GCJ-02 (labelled lon/lat), converted to WGS84."""
    out = gdf.set_crs("EPSG:4326", allow_override=True)
    return out.set_geometry(
        gpd.GeoSeries(geometry_to_wgs84(out.geometry.to_numpy()), index=out.index, crs=out.crs)
    )


def geometry_to_metric(geom: BaseGeometry) -> BaseGeometry:
    """One WGS84 geometry in the settings' metric CRS (metres, for widths and buffers)."""
    projected: BaseGeometry = (
        gpd.GeoSeries([geom], crs=settings.crs).to_crs(settings.metric_crs).iloc[0]
    )
    return projected


def geometry_from_metric(geom: BaseGeometry) -> BaseGeometry:
    """`geometry_to_metric` undone: a metric geometry back in WGS84."""
    projected: BaseGeometry = (
        gpd.GeoSeries([geom], crs=settings.metric_crs).to_crs(settings.crs).iloc[0]
    )
    return projected
