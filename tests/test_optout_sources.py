"""Where signals come from: snapshot directories, WARC files, and --fetch against a local
HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import io
import itertools
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import run_cli

from expunge.optout import assess
from expunge.optout.fetch import Fetcher, FetchSource
from expunge.optout.sources import SnapshotSource, WarcSource


def _snapshot(root: Path) -> Path:
    site = root / "example.com"
    (site / ".well-known").mkdir(parents=True)
    (site / "blog").mkdir()
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n\nUser-agent: GPTBot\nDisallow: /\n")
    (site / ".well-known" / "tdmrep.json").write_text(
        '[{"location": "/blog/*", "tdm-reservation": 1}]'
    )
    (site / "blog" / "post.html").write_text('<meta name="robots" content="noindex">')
    (site / "blog" / "post.html.headers").write_text("HTTP/1.1 200 OK\nContent-Usage: ai-use=n\n")
    return root


def test_snapshot_gives_site_and_page_signals(tmp_path: Path) -> None:
    source = SnapshotSource(_snapshot(tmp_path))
    result = assess(source.page("https://example.com/blog/post.html"),
                    source.site("https://example.com"), crawlers=True)  # fmt: skip
    assert result.verdict("ai-train") == "disallowed"  # GPTBot blocked, TDM reserved
    assert {e.signal for e in result.deciding("ai-train")} == {"robots", "tdmrep"}
    assert result.verdict("ai-input") == "disallowed"  # Content-Usage ai-use=n
    assert result.verdict("search") == "disallowed"  # noindex
    other = assess(source.page("https://example.com/about"), source.site("https://example.com"))
    assert other.verdict("ai-train") == "unspecified"  # generic crawler, outside /blog/


def test_snapshot_paths_cannot_escape_the_directory(tmp_path: Path) -> None:
    (tmp_path / "secret.html").write_text('<meta name="robots" content="noai">')
    source = SnapshotSource(_snapshot(tmp_path / "snap"))
    page = source.page("https://example.com/../../secret.html")
    assert page.html is None and page.headers == {}


def _warc(path: Path, records: list[tuple[str, str, list[tuple[str, str]], bytes]]) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, status, headers, body in records:
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=http
                )
            )
    return path


def test_warc_reads_robots_captures_headers_and_meta(tmp_path: Path) -> None:
    warc = _warc(tmp_path / "crawl.warc.gz", [
        ("https://a.example/robots.txt", "200 OK", [("Content-Type", "text/plain")],
         b"User-agent: *\nContent-Signal: ai-train=no\n"),
        ("https://a.example/page", "200 OK",
         [("Content-Type", "text/html"), ("X-Robots-Tag", "noai")], b"<p>hi</p>"),
        ("https://b.example/robots.txt", "301 Moved", [("Location", "https://b.example/r2")], b""),
        ("https://b.example/r2", "301 Moved", [("Location", "https://b.example/robots.txt")], b""),
        ("https://b.example/x", "200 OK", [("Content-Type", "text/html")],
         b'<html><head><meta name="tdm-reservation" content="1"></head></html>'),
    ])  # fmt: skip
    source = WarcSource([warc])
    a = assess(source.page("https://a.example/page"), source.site("https://a.example"))
    assert {e.signal for e in a.deciding("ai-train")} == {"content-signal", "noai"}
    b_site = source.site("https://b.example")
    assert b_site.robots_redirects == 6  # a redirect loop: robots.txt unavailable
    b = assess(source.page("https://b.example/x"), b_site)
    assert b.robots_allowed and b.verdict("ai-train") == "disallowed"  # from the meta tag


class _Site(BaseHTTPRequestHandler):
    hits: ClassVar[list[tuple[float, str]]] = []

    def do_GET(self) -> None:
        _Site.hits.append((time.monotonic(), self.path))
        if self.path == "/robots.txt":
            self._reply(200, "text/plain", b"User-agent: *\nDisallow: /private/\n")
        elif self.path.startswith("/loop"):
            self.send_response(302)
            self.send_header("Location", "/loop2" if self.path == "/loop" else "/loop")
            self.end_headers()
        elif self.path == "/page":
            self._reply(200, "text/html", b'<meta name="robots" content="noai">',
                        [("Content-Usage", "train-ai=n")])  # fmt: skip
        else:
            self._reply(404, "text/plain", b"no")

    def _reply(self, status: int, ctype: str, body: bytes, extra: list | None = None) -> None:  # type: ignore[type-arg]
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in extra or []:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Site.hits = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_fetch_is_polite_cached_and_survives_a_redirect_loop(server: str, tmp_path: Path) -> None:
    fetcher = Fetcher(tmp_path / "cache", min_interval=0.3)
    source = FetchSource(fetcher)
    site = source.site(server)
    result = assess(source.page(server + "/page"), site)
    assert {e.signal for e in result.deciding("ai-train")} == {"content-usage", "noai"}
    assert not assess(source.page(server + "/private/x"), site).robots_allowed
    loop = fetcher.get(server + "/loop", 1000)
    assert (
        loop.status == "too-many-redirects" and len([h for h in _Site.hits if "loop" in h[1]]) <= 6
    )
    times = [t for t, _ in _Site.hits]
    assert all(
        b - a >= 0.2 for a, b in itertools.pairwise(times)
    )  # one request per 0.3 s (server clock: some jitter)
    before = fetcher.requests
    again = FetchSource(Fetcher(tmp_path / "cache", min_interval=0.3))
    assess(again.page(server + "/page"), again.site(server))
    assert again.fetcher.requests == 0 and fetcher.requests == before  # all from the cache


def test_fetch_of_an_unreachable_host_is_complete_disallow(tmp_path: Path) -> None:
    source = FetchSource(Fetcher(tmp_path / "c", min_interval=0, timeout=1))
    site = source.site("http://127.0.0.1:9")  # discard port: nothing listens
    assert site.robots_status == "unreachable"
    result = assess(source.page("http://127.0.0.1:9/x"), site, agent="GPTBot")
    assert result.robots_allowed is False and result.verdict("ai-train") == "disallowed"


def test_cli_check_json_and_bad_input(tmp_path: Path) -> None:
    snap = _snapshot(tmp_path / "snap")
    ok = run_cli("optout", "check", "https://example.com/blog/post.html", "--snapshot", str(snap),
                 "--agent", "GPTBot", "--json")  # fmt: skip
    assert ok.code == 0, ok.stderr
    [report] = json.loads(ok.stdout)
    assert report["fetch_allowed"] is False
    assert report["purposes"]["ai-train"]["verdict"] == "disallowed"
    assert "robots.txt line 5" in [d["source"] for d in report["purposes"]["ai-train"]["deciding"]]
    for args, message in [
        (["https://example.com/"], "give exactly one signal source"),
        (["https://example.com/", "--snapshot", str(snap), "--fetch"], "exactly one"),
        (["ftp://example.com/", "--snapshot", str(snap)], "not an http(s) URL"),
        (["https://example.com/", "--snapshot", str(tmp_path / "nope")], "no such directory"),
        (
            ["https://example.com/", "--warc", str(snap / "example.com" / "robots.txt")],
            "not a readable WARC",
        ),
    ]:
        bad = run_cli("optout", "check", *args)
        assert bad.code == 1 and message in bad.stderr and "Traceback" not in bad.stderr, bad.stderr
