"""The online fallback against a real HTTP server on 127.0.0.1 (geo.testing.LocalNominatim).

The rate limiter's clock and sleep are replaced by a fake clock so that the ≥ 1 s spacing is
checked without waiting; the server itself really runs and really answers over HTTP."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from geopy.extra import rate_limiter
from geopy.geocoders import Nominatim

from geo.geocode import AtlasGeocoder, GazetteerIndex
from geo.geocode.online import MIN_DELAY_SECONDS, OnlineFallback, ResponseCache, user_agent
from geo.schema import UNLOCATED
from geo.testing import LocalNominatim, nominatim_place
from tests.worlds.gazetteer import synthetic_layers

pytestmark = pytest.mark.network

INSIDE = nominatim_place("静安某大厦", 31.2150, 121.4150, osm_id=11)  # in 静安寺街道
INSIDE_2 = nominatim_place("彭浦某大厦", 31.2900, 121.4900, osm_id=12)  # in 彭浦镇
OUTSIDE = nominatim_place("外区大厦", 31.1000, 121.6000, osm_id=13)


class FakeClock:
    """Stands in for the rate limiter's clock and sleep: sleeping advances time instantly."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(rate_limiter, "sleep", fake.sleep)
    monkeypatch.setattr(rate_limiter.RateLimiter, "_clock", lambda self: fake.now)
    return fake


def fallback(server: LocalNominatim, cache_dir: Path, **kwargs: object) -> OnlineFallback:
    return OnlineFallback(
        "nominatim",
        domain=server.domain,
        scheme=server.scheme,
        cache_dir=cache_dir,
        timeout=kwargs.pop("timeout", 2.0),
        **kwargs,
    )


INDEX = GazetteerIndex(synthetic_layers())


def geocoder(online: OnlineFallback) -> AtlasGeocoder:
    return AtlasGeocoder(INDEX, online=online)


# ---------------------------------------------------------------------------- LocalNominatim
def test_local_nominatim_speaks_nominatim_json() -> None:
    with LocalNominatim({"静安某大厦": [INSIDE]}) as server:
        assert server.domain.startswith("127.0.0.1:")
        url = f"{server.url}/search?{urlencode({'q': '静安某大厦', 'format': 'json'})}"
        with urllib.request.urlopen(url) as reply:
            body = json.loads(reply.read())
        assert body[0]["lat"] == "31.2150000" and body[0]["display_name"].startswith("静安某大厦")
        assert server.count("静安某大厦") == 1


def test_plain_geopy_nominatim_reads_it() -> None:
    with LocalNominatim({"静安某大厦": [INSIDE]}) as server:
        geolocator = Nominatim(domain=server.domain, scheme="http", user_agent="test")
        location = geolocator.geocode("静安某大厦")
        assert (location.latitude, location.longitude) == pytest.approx((31.215, 121.415))
        assert geolocator.geocode("nothing") is None


def test_unknown_script_action_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        LocalNominatim(script={"q": ["teapot"]})


# ---------------------------------------------------------------------------- configuration
def test_rate_limiter_is_at_least_one_second(tmp_path: Path) -> None:
    with LocalNominatim() as server:
        online = fallback(server, tmp_path)
        assert online.limiter.min_delay_seconds >= 1.0
        assert MIN_DELAY_SECONDS == 1.0
        with pytest.raises(ValueError, match="min_delay_seconds"):
            fallback(server, tmp_path, min_delay_seconds=0.2)


def test_calls_are_spaced_by_the_limiter(tmp_path: Path, clock: FakeClock) -> None:
    with LocalNominatim({"a": [INSIDE], "b": [INSIDE]}) as server:
        online = fallback(server, tmp_path)
        online.lookup("a")
        online.lookup("b")
        online.lookup("c")
    assert server.request_count == 3
    assert len(clock.sleeps) == 2 and all(s >= 1.0 for s in clock.sleeps)


def test_user_agent_and_bounded_viewbox_are_sent(tmp_path: Path, clock: FakeClock) -> None:
    with LocalNominatim({"静安某大厦": [INSIDE, OUTSIDE]}) as server:
        res = geocoder(fallback(server, tmp_path)).resolve("静安某大厦")
    sent = server.requests[0]
    assert sent["user_agent"] == user_agent()
    assert sent["user_agent"].startswith("jingan-atlas/") and "+http" in sent["user_agent"]
    assert sent["bounded"] == "1" and sent["countrycodes"] == "cn"
    assert [float(v) for v in sent["viewbox"].split(",")] == pytest.approx(
        [121.40, 31.20, 121.50, 31.30]  # lon/lat order on the wire: west,south,east,north
    )
    assert res.method == "online:nominatim"


# ---------------------------------------------------------------------------- behaviours
def test_hit_inside_the_district(tmp_path: Path, clock: FakeClock) -> None:
    with LocalNominatim({"静安某大厦": [INSIDE]}) as server:
        res = geocoder(fallback(server, tmp_path)).resolve("静安某大厦")
    assert (res.method, res.precision) == ("online:nominatim", 2)
    assert (res.lon, res.lat) == pytest.approx((121.415, 31.215))  # not swapped
    assert res.subdistrict == "静安寺街道"


def test_answer_outside_the_district_is_refused(tmp_path: Path, clock: FakeClock) -> None:
    # a server (or another service) that ignores the viewbox: the client checks by itself
    with LocalNominatim({"外区大厦": [OUTSIDE]}, honour_viewbox=False) as server:
        res = geocoder(fallback(server, tmp_path)).resolve("外区大厦")
    assert server.request_count == 1
    assert res.method == UNLOCATED and res.geometry is None


def test_miss_is_unlocated_and_cached(tmp_path: Path, clock: FakeClock) -> None:
    with LocalNominatim() as server:
        res = geocoder(fallback(server, tmp_path)).resolve("无此地")
        assert res.method == UNLOCATED
        again = geocoder(fallback(server, tmp_path)).resolve("无此地")
        assert again.method == UNLOCATED
        assert server.request_count == 1  # a definitive miss is not asked twice


def test_429_then_success(tmp_path: Path, clock: FakeClock) -> None:
    with LocalNominatim({"静安某大厦": [INSIDE]}, script={"静安某大厦": ["429"]}) as server:
        res = geocoder(fallback(server, tmp_path)).resolve("静安某大厦")
    assert server.count("静安某大厦") == 2
    assert res.method == "online:nominatim"
    assert any(s >= 1.0 for s in clock.sleeps)  # waited before retrying


def test_timeout_then_success(tmp_path: Path, clock: FakeClock) -> None:
    script = {"静安某大厦": ["slow"]}
    with LocalNominatim({"静安某大厦": [INSIDE]}, script=script, delay=3.0) as server:
        res = geocoder(fallback(server, tmp_path, timeout=0.3)).resolve("静安某大厦")
    assert server.count("静安某大厦") == 2
    assert res.method == "online:nominatim"


def test_timeout_every_time_keeps_the_offline_answer(tmp_path: Path, clock: FakeClock) -> None:
    script = {"静安寺街道静安某大厦": ["slow", "slow"]}
    with LocalNominatim(script=script, delay=3.0) as server:
        online = fallback(server, tmp_path, timeout=0.3, max_retries=1)
        res = geocoder(online).resolve("静安寺街道静安某大厦")
    assert (res.method, res.precision) == ("area:subdistrict", 3)  # nothing lost
    assert online.errors and "GeocoderTimedOut" in online.errors[0][1]
    assert len(online.cache) == 0  # an error is never cached


def test_500_is_no_crash_and_is_retried_next_run(tmp_path: Path, clock: FakeClock) -> None:
    with LocalNominatim({"静安某大厦": [INSIDE]}, script={"静安某大厦": ["500"] * 3}) as server:
        first = geocoder(fallback(server, tmp_path)).resolve("静安某大厦")
        assert first.method == UNLOCATED
        assert server.count("静安某大厦") == 3  # one try + two retries
        second = geocoder(fallback(server, tmp_path)).resolve("静安某大厦")
    assert second.method == "online:nominatim"  # the error was not cached
    assert server.count("静安某大厦") == 4


def test_malformed_json_is_no_crash(tmp_path: Path, clock: FakeClock) -> None:
    script = {"静安某大厦": ["malformed"] * 3}
    with LocalNominatim({"静安某大厦": [INSIDE]}, script=script) as server:
        online = fallback(server, tmp_path)
        res = geocoder(online).resolve("静安某大厦")
    assert res.method == UNLOCATED
    assert "GeocoderParseError" in online.errors[0][1]


def test_malformed_then_success(tmp_path: Path, clock: FakeClock) -> None:
    script = {"静安某大厦": ["malformed"]}
    with LocalNominatim({"静安某大厦": [INSIDE]}, script=script) as server:
        res = geocoder(fallback(server, tmp_path)).resolve("静安某大厦")
    assert res.method == "online:nominatim"


def test_cache_is_reused_across_runs(tmp_path: Path, clock: FakeClock) -> None:
    queries = ["静安某大厦", "彭浦某大厦", "无此地"]
    places = {"静安某大厦": [INSIDE], "彭浦某大厦": [INSIDE_2]}
    with LocalNominatim(places) as server:
        first = [r.to_dict() for r in geocoder(fallback(server, tmp_path)).resolve_many(queries)]
        assert server.request_count == 3
        second = [r.to_dict() for r in geocoder(fallback(server, tmp_path)).resolve_many(queries)]
        assert server.request_count == 3  # the second run sends nothing
    assert first == second
    assert (tmp_path / "online-geocode-cache.sqlite").exists()


def test_offline_answers_never_go_online(tmp_path: Path, clock: FakeClock) -> None:
    with LocalNominatim() as server:
        geo = geocoder(fallback(server, tmp_path))
        assert geo.resolve("静安寺").method == "exact"
        assert geo.resolve("南京西路1686号").precision == 1
    assert server.request_count == 0


def test_online_point_must_agree_with_the_named_subdistrict(
    tmp_path: Path, clock: FakeClock
) -> None:
    query = "彭浦镇某小区"
    with LocalNominatim({query: [INSIDE]}) as server:  # INSIDE is in 静安寺街道, not 彭浦镇
        res = geocoder(fallback(server, tmp_path)).resolve(query)
    assert (res.method, res.matched) == ("area:subdistrict", "彭浦镇")


def test_cache_key_depends_on_service_domain_query_and_params() -> None:
    key = ResponseCache.key("nominatim", "a", "q", {"limit": 5})
    assert key == ResponseCache.key("nominatim", "a", "q", {"limit": 5})
    assert key != ResponseCache.key("nominatim", "b", "q", {"limit": 5})
    assert key != ResponseCache.key("photon", "a", "q", {"limit": 5})
    assert key != ResponseCache.key("nominatim", "a", "q2", {"limit": 5})
    assert key != ResponseCache.key("nominatim", "a", "q", {"limit": 1})


def test_any_geopy_service_by_name(tmp_path: Path) -> None:
    online = OnlineFallback("photon", domain="127.0.0.1:1", scheme="http", cache_dir=tmp_path)
    assert type(online.geocoder).__name__ == "Photon"
    assert online.params() == {"exactly_one": False}
