"""`--fetch`: read signals from the live web, politely, only when the user asks.

One request per host per second at most, a user agent that names expunge, redirects followed
by hand (at most five; a loop is caught), bounded bodies and timeouts, and an on-disk cache
(24 hours, RFC 9309 §2.4's limit for robots.txt) so a re-run does not hit the site again.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from expunge import __version__
from expunge.atomic import write_atomic
from expunge.optout.evaluate import PageSignals, SiteSignals
from expunge.optout.sources import MAX_PAGE, MAX_SITE_FILE, SITE_FILES, origin_of

USER_AGENT = f"expunge-optout/{__version__} (checks AI opt-out signals; not a training crawler)"
CACHE_SECONDS = 24 * 3600
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Response:
    url: str
    status: int | str  # HTTP status, or 'unreachable'
    headers: dict[str, list[str]]
    body: bytes
    redirects: int


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # 3xx comes back as an HTTPError; we follow it ourselves, counting


@dataclass
class Fetcher:
    cache_dir: Path
    min_interval: float = 1.0  # seconds between two requests to the same host
    timeout: float = 10.0
    requests: int = 0  # network requests made (cache hits excluded)
    _last: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(_NoRedirect())

    def get(self, url: str, limit: int) -> Response:
        cached = self._cached(url)
        if cached is not None:
            return cached
        seen = {url}
        current = url
        for hops in range(MAX_REDIRECTS + 1):
            status, headers, body = self._request(current, limit)
            location = (headers.get("location") or [""])[-1]
            if not (isinstance(status, int) and 300 <= status < 400 and location):
                response = Response(current, status, headers, body, hops)
                self._store(url, response)
                return response
            current = urljoin(current, location)
            if current in seen or urlsplit(current).scheme not in ("http", "https"):
                break
            seen.add(current)
        response = Response(current, "too-many-redirects", {}, b"", MAX_REDIRECTS + 1)
        self._store(url, response)
        return response

    def _request(self, url: str, limit: int) -> tuple[int | str, dict[str, list[str]], bytes]:
        host = urlsplit(url).netloc.lower()
        wait = self._last.get(host, 0.0) + self.min_interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last[host] = time.monotonic()
        self.requests += 1
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with self._opener.open(request, timeout=self.timeout) as reply:
                return reply.status, _headers(reply.headers.items()), reply.read(limit)
        except urllib.error.HTTPError as error:
            body = error.read(limit) if error.fp is not None else b""
            return error.code, _headers(error.headers.items()), body
        except (urllib.error.URLError, OSError, ValueError):
            return "unreachable", {}, b""

    def _path(self, url: str) -> Path:
        return self.cache_dir / (hashlib.sha256(url.encode()).hexdigest() + ".json")

    def _cached(self, url: str) -> Response | None:
        path = self._path(url)
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if time.time() - data.get("fetched", 0) > CACHE_SECONDS:
            return None
        return Response(
            data["url"], data["status"], data["headers"],
            bytes.fromhex(data["body"]), data["redirects"],
        )  # fmt: skip

    def _store(self, url: str, response: Response) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        data = {
            "url": response.url, "status": response.status, "headers": response.headers,
            "body": response.body.hex(), "redirects": response.redirects, "fetched": time.time(),
        }  # fmt: skip
        path = self._path(url)
        write_atomic(path, json.dumps(data).encode("utf-8"))


def _headers(items: object) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in items:  # type: ignore[attr-defined]
        out.setdefault(str(name).lower(), []).append(str(value))
    return out


@dataclass
class FetchSource:
    fetcher: Fetcher

    def site(self, origin: str) -> SiteSignals:
        got = {
            name: self.fetcher.get(origin + path, MAX_SITE_FILE)
            for path, name in SITE_FILES.items()
        }
        robots = got["robots"]
        ok = {
            n: r.body for n, r in got.items() if isinstance(r.status, int) and 200 <= r.status < 300
        }
        status: int | str = robots.status
        if status == "too-many-redirects":
            status = 404  # RFC 9309 §2.3.1.2: may be treated as unavailable
        return SiteSignals.from_texts(
            origin,
            robots_txt=ok.get("robots"),
            tdmrep_json=ok.get("tdmrep"),
            ai_txt=ok.get("ai_txt"),
            robots_status=200 if "robots" in ok else status,
            robots_redirects=robots.redirects,
        )

    def page(self, url: str) -> PageSignals:
        origin_of(url)
        reply = self.fetcher.get(url, MAX_PAGE)
        html = reply.body if "html" in ",".join(reply.headers.get("content-type", [])) else None
        return PageSignals(url, reply.headers, html)


def default_cache() -> Path:
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "expunge" / "optout"
