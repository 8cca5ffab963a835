"""Optional online fallback through any geopy geocoder (Nominatim by default); off by default.

Used only when the offline gazetteer gives no answer or only an area (`AtlasGeocoder(...,
online=OnlineFallback())`, or `python -m geo geocode --online [SERVICE]`). Every answer must lie
inside the district to be used, and comes back with method `online:<service>`, precision 2.

Etiquette and robustness:

* geopy's `RateLimiter`, at least 1 s between calls (Nominatim's usage policy), with a couple of
  retries on 429/5xx/timeouts/garbled answers; a real User-Agent naming the project.
* Nominatim is asked with the district's bounding box (`viewbox`, `bounded=1`, `countrycodes=cn`);
  every service's answers are then checked point-in-district.
* A persistent on-disk cache (sqlite; key = SHA-256 of service, domain, query and parameters) so
  that no query is ever sent twice. Cached: answers (HTTP 200 with results) and *definitive*
  misses (HTTP 200 with `[]`): asking again would give the same empty answer. Never cached:
  errors (429, 5xx, timeouts, malformed JSON, network failures) — the next run retries them.
  An error never loses the query: the caller keeps its offline `Resolution`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geopy.adapters import RequestsAdapter
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service
from shapely.geometry import Point

from atlas.settings import settings
from geo.geocode.types import AreaLookup, Resolution

log = logging.getLogger(__name__)

PROJECT_URL = "https://github.com/jingan-atlas/jingan-atlas"
MIN_DELAY_SECONDS = 1.0


def user_agent() -> str:
    """`jingan-atlas/<version> (+<repo url>)`, as Nominatim's policy asks."""
    try:
        from importlib.metadata import version

        ver = version("jingan-atlas")
    except Exception:  # not installed as a package (running from a checkout)
        ver = "0"
    return f"jingan-atlas/{ver} (+{PROJECT_URL})"


def default_cache_dir() -> Path:
    """`settings.cache_dir`: `$JINGAN_ATLAS_CACHE`, else `$XDG_CACHE_HOME/jingan-atlas`, else
    `~/.cache/jingan-atlas`."""
    return settings.cache_dir


@dataclass(frozen=True)
class Candidate:
    """One answer of an online geocoder, as cached (WGS84 lon/lat)."""

    address: str
    lon: float
    lat: float
    raw: dict[str, Any]


class ResponseCache:
    """SQLite cache of online answers: key → JSON list of candidates (`[]` = a definitive miss)."""

    def __init__(self, directory: Path | str):
        self.path = Path(directory) / "online-geocode-cache.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS answers"
                " (key TEXT PRIMARY KEY, service TEXT, query TEXT, body TEXT, saved REAL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    @staticmethod
    def key(service: str, domain: str | None, query: str, params: Mapping[str, Any]) -> str:
        text = json.dumps(
            {"service": service, "domain": domain, "query": query, "params": params},
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, key: str) -> list[Candidate] | None:
        with self._connect() as db:
            row = db.execute("SELECT body FROM answers WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return [Candidate(**c) for c in json.loads(row[0])]
        except (ValueError, TypeError):
            return None  # a damaged entry is a cache miss

    def put(self, key: str, service: str, query: str, candidates: list[Candidate]) -> None:
        body = json.dumps([c.__dict__ for c in candidates], ensure_ascii=False)
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
                (key, service, query, body, time.time()),
            )

    def __len__(self) -> int:
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])


#: Services whose coordinates are not WGS84 (geopy's Baidu geocoders answer in BD-09).
SERVICE_DATUM: dict[str, str] = {"baidu": "bd09", "baiduv3": "bd09"}


def to_wgs84(lon: float, lat: float, datum: str) -> tuple[float, float]:
    """A service's lon/lat in WGS84 (the atlas stores WGS84 only)."""
    if datum == "wgs84":
        return lon, lat
    from geo.crs import bd09_to_gcj02, gcj02_to_wgs84

    if datum == "bd09":
        lon, lat = bd09_to_gcj02(lon, lat)
    return tuple(float(v) for v in gcj02_to_wgs84(lon, lat))  # type: ignore[return-value]


def _adapter_without_retries(*, proxies: Any, ssl_context: Any) -> RequestsAdapter:
    """geopy's requests adapter with urllib3's own retries off: the `RateLimiter` is the one
    place that retries (otherwise a 429 with Retry-After is silently retried, unspaced)."""
    return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)


class OnlineFallback:
    """An online geopy geocoder behind a rate limiter, a district check and an on-disk cache.

    `service`: a geopy service name ("nominatim", "photon", "arcgis", ...; see
    `geopy.geocoders.SERVICE_TO_GEOCODER`). `domain`/`scheme`: where the service lives (tests:
    a `geo.testing.LocalNominatim`). `geocoder_kwargs`: extra constructor arguments (API keys).
    `bounds`: (west, south, east, north) of the district, sent to Nominatim as its viewbox;
    filled from the gazetteer on first use when not given."""

    def __init__(  # noqa: PLR0913 (keyword options, as geopy's geocoders take them)
        self,
        service: str = "nominatim",
        *,
        cache_dir: Path | str | None = None,
        domain: str | None = None,
        scheme: str | None = None,
        timeout: float = 10.0,
        min_delay_seconds: float = MIN_DELAY_SECONDS,
        max_retries: int = 2,
        error_wait_seconds: float | None = None,
        agent: str | None = None,
        bounds: tuple[float, float, float, float] | None = None,
        geocoder_kwargs: Mapping[str, Any] | None = None,
    ):
        if min_delay_seconds < MIN_DELAY_SECONDS:
            raise ValueError(
                f"min_delay_seconds must be >= {MIN_DELAY_SECONDS} (usage policy), "
                f"got {min_delay_seconds}"
            )
        self.service = service.lower()
        self.domain = domain
        self.bounds = bounds
        self.datum = SERVICE_DATUM.get(self.service, "wgs84")
        kwargs: dict[str, Any] = {"user_agent": agent or user_agent(), "timeout": timeout}
        if domain is not None:
            kwargs["domain"] = domain
        if scheme is not None:
            kwargs["scheme"] = scheme
        kwargs["adapter_factory"] = _adapter_without_retries
        kwargs.update(geocoder_kwargs or {})
        self.geocoder = get_geocoder_for_service(self.service)(**kwargs)
        self.limiter = RateLimiter(
            self.geocoder.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=max_retries,
            error_wait_seconds=max(min_delay_seconds, error_wait_seconds or 2 * min_delay_seconds),
            swallow_exceptions=False,  # an error must not look like a (cacheable) miss
        )
        self.cache = ResponseCache(cache_dir if cache_dir is not None else default_cache_dir())
        self.sent = 0  # requests that reached the limiter (cache misses)
        self.errors: list[tuple[str, str]] = []  # (query, error) of failed look-ups

    # ------------------------------------------------------------------ querying
    def params(self) -> dict[str, Any]:
        """Keyword arguments of `geocoder.geocode` for this service (bounded to the district)."""
        if self.service == "nominatim" and self.bounds is not None:
            west, south, east, north = self.bounds
            return {
                "exactly_one": False,
                "limit": 5,
                "viewbox": [(south, west), (north, east)],  # geopy takes (lat, lon) pairs
                "bounded": True,
                "country_codes": "cn",
            }
        return {"exactly_one": False}

    def lookup(self, query: str) -> list[Candidate] | None:
        """All answers for `query` (cached or fetched); None when the service failed."""
        params = self.params()
        key = ResponseCache.key(self.service, self.domain, query, params)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        self.sent += 1
        try:
            found = self.limiter(query, **params)
        except GeopyError as error:
            log.warning("online geocoder %s failed for %r: %s", self.service, query, error)
            self.errors.append((query, f"{type(error).__name__}: {error}"))
            return None
        if found is not None and not isinstance(found, list):
            found = [found]
        candidates = []
        for loc in found or []:
            lon, lat = to_wgs84(float(loc.longitude), float(loc.latitude), self.datum)
            raw = loc.raw if isinstance(loc.raw, dict) else {"raw": str(loc.raw)}
            candidates.append(Candidate(str(loc.address), lon, lat, raw))
        self.cache.put(key, self.service, query, candidates)
        return candidates

    def refine(self, query: str, offline: Resolution, index: AreaLookup) -> Resolution | None:
        """A better `Resolution` than `offline` from the online service, or None.

        Only an answer inside the district is used; when the offline answer is a 街道, the online
        point must lie in that same 街道 (the text named it)."""
        if self.bounds is None and index.district_geom is not None:
            self.bounds = tuple(index.district_geom.bounds)  # type: ignore[assignment]
        candidates = self.lookup(query)
        for c in candidates or []:
            point = Point(c.lon, c.lat)
            if not index.in_district(point):
                continue
            subdistrict = index.subdistrict_at(point)
            if offline.precision == 3 and offline.subdistrict not in (None, subdistrict):
                continue
            return Resolution(
                query,
                point,
                c.lon,
                c.lat,
                2,
                f"online:{self.service}",
                c.address,
                subdistrict,
                index.zone_at(point),
            )
        return None
