"""`LocalNominatim`, a real HTTP server on 127.0.0.1 that answers like Nominatim's `/search`.

Used by the online-geocoder tests and by the benchmark's online baseline, so that no test or
measurement ever talks to the internet. It is a `http.server.ThreadingHTTPServer` on an
OS-chosen port, served from a daemon thread; point any geopy `Nominatim` at it with
``Nominatim(domain=server.domain, scheme="http", user_agent=...)``.

Answers come from `places` (query text → list of Nominatim result dicts, see `nominatim_place`).
A `script` makes a query misbehave, one action per request, in order; when a query's script is
used up the server answers normally ("hit" if the query is in `places`, else "miss")::

    with LocalNominatim({"静安寺": [nominatim_place("静安寺", lat, lon)]},
                        script={"静安寺": ["429", "hit"]}) as server:
        geolocator = Nominatim(domain=server.domain, scheme=server.scheme, user_agent="t")
        ...
        assert server.count("静安寺") == 2

Actions: "hit" (the results), "miss" (`[]`), "429" (Too Many Requests, with Retry-After),
"500" (Internal Server Error), "slow" (answers "hit" after `delay` seconds — longer than a
client's timeout), "malformed" (a 200 with broken JSON).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    pass

ACTIONS: tuple[str, ...] = ("hit", "miss", "429", "500", "slow", "malformed")


def nominatim_place(
    name: str, lat: float, lon: float, *, osm_type: str = "node", osm_id: int = 1, **extra: Any
) -> dict[str, Any]:
    """One result in Nominatim's `format=json` shape (lat/lon as strings, as Nominatim sends)."""
    place = {
        "place_id": osm_id,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": osm_type,
        "osm_id": osm_id,
        "lat": f"{lat:.7f}",
        "lon": f"{lon:.7f}",
        "class": "amenity",
        "type": "place_of_worship",
        "place_rank": 30,
        "importance": 0.5,
        "addresstype": "amenity",
        "name": name,
        "display_name": f"{name}, 静安区, 上海市, 中国",
        "boundingbox": [
            f"{lat - 1e-4:.7f}",
            f"{lat + 1e-4:.7f}",
            f"{lon - 1e-4:.7f}",
            f"{lon + 1e-4:.7f}",
        ],
    }
    place.update(extra)
    return place


def _in_viewbox(place: Mapping[str, Any], viewbox: str) -> bool:
    try:
        x1, y1, x2, y2 = (float(v) for v in viewbox.split(","))
        lon, lat = float(place["lon"]), float(place["lat"])
    except (ValueError, KeyError):
        return True
    return min(x1, x2) <= lon <= max(x1, x2) and min(y1, y2) <= lat <= max(y1, y2)


class LocalNominatim:
    """A context manager running a scripted Nominatim look-alike on 127.0.0.1 (see module doc).

    `honour_viewbox`: with `bounded=1`, drop results outside `viewbox` as Nominatim does; turn
    it off to test a client's own in-district check. `delay`: seconds a "slow" answer takes."""

    def __init__(
        self,
        places: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
        *,
        script: Mapping[str, Sequence[str]] | None = None,
        delay: float = 2.0,
        honour_viewbox: bool = True,
    ):
        self.places = {k: list(v) for k, v in (places or {}).items()}
        self.script = {k: list(v) for k, v in (script or {}).items()}
        for actions in self.script.values():
            unknown = set(actions) - set(ACTIONS)
            if unknown:
                raise ValueError(f"unknown LocalNominatim actions {sorted(unknown)}")
        self.delay = delay
        self.honour_viewbox = honour_viewbox
        self.requests: list[dict[str, Any]] = []  # params + User-Agent of each request
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ public surface
    scheme = "http"

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("LocalNominatim is not running (use it as a context manager)")
        return self._server.server_address[1]

    @property
    def domain(self) -> str:
        """host:port, as geopy's `domain=` argument wants it."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.domain}"

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def count(self, query: str) -> int:
        """How many `/search` requests asked for `query`."""
        with self._lock:
            return sum(1 for r in self.requests if r.get("q") == query)

    def __enter__(self) -> LocalNominatim:
        handler = type("Handler", (_Handler,), {"owner": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # so that leaving the `with` block is quick
            name="LocalNominatim",
            daemon=True,
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()  # wakes "slow" handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    # ------------------------------------------------------------------ request handling
    def _next_action(self, query: str) -> str:
        with self._lock:
            actions = self.script.get(query)
            if actions:
                return actions.pop(0)
        return "hit" if query in self.places else "miss"

    def _record(self, params: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(params)

    def _results(self, query: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
        found = [dict(p) for p in self.places.get(query, [])]
        if self.honour_viewbox and params.get("bounded") == "1" and params.get("viewbox"):
            found = [p for p in found if _in_viewbox(p, params["viewbox"])]
        limit = params.get("limit")
        if limit and limit.isdigit():
            found = found[: int(limit)]
        return found


class _Handler(BaseHTTPRequestHandler):
    owner: LocalNominatim
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def _send(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(split.query).items()}
        if split.path.rstrip("/") != "/search":
            self._send(404, b'{"error": "not found"}')
            return
        params["user_agent"] = self.headers.get("User-Agent", "")
        self.owner._record(params)
        query = params.get("q", "")
        action = self.owner._next_action(query)
        if action == "429":
            self._send(429, b'{"error": "Too Many Requests"}', {"Retry-After": "1"})
        elif action == "500":
            self._send(500, b'{"error": "Internal Server Error"}')
        elif action == "malformed":
            self._send(200, b'[{"lat": "31.2", "lon": ')
        elif action == "miss":
            self._send(200, b"[]")
        else:
            if action == "slow" and self.owner._stopped.wait(self.owner.delay):
                return
            body = json.dumps(self.owner._results(query, params), ensure_ascii=False)
            self._send(200, body.encode("utf-8"))
