"""Where signals come from: a site snapshot on disk, WARC files, or (only when asked) the web.

Snapshot layout (what `wget -x --save-headers`-style mirrors look like, simplified):

    SNAPSHOT/example.com/robots.txt
    SNAPSHOT/example.com/.well-known/tdmrep.json
    SNAPSHOT/example.com/ai.txt
    SNAPSHOT/example.com/blog/post.html           a page ('/' and '.../' -> index.html)
    SNAPSHOT/example.com/blog/post.html.headers   its response headers, 'Name: value' lines,
                                                  optionally after a status line 'HTTP/1.1 200'
    SNAPSHOT/example.com/robots.txt.headers       e.g. 'HTTP/1.1 404' (robots.txt status)

WARC: response records (robots.txt captures included, as Common Crawl keeps them). Only what
the signals need is kept per page (a few headers and the meta tags), so large files fit.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from expunge.errors import ExpungeError
from expunge.optout.evaluate import PageSignals, SiteSignals
from expunge.optout.page_meta import IMAGE_EXTENSIONS, read_meta
from expunge.optout.robots import READ_LIMIT

SITE_FILES = {"/robots.txt": "robots", "/.well-known/tdmrep.json": "tdmrep", "/ai.txt": "ai_txt"}
PAGE_HEADERS = ("content-usage", "content-signal", "x-robots-tag", "tdm-reservation", "tdm-policy")
MAX_SITE_FILE = READ_LIMIT + 1  # robots.txt is read to 2 MiB (past 500 KiB: restrictions)
MAX_PAGE = 4 << 20  # meta tags live in the head; a 4 MiB prefix is plenty
MAX_IMAGE = 64 << 20  # a C2PA manifest can sit anywhere in the file: read whole images


class SignalSource(Protocol):
    def site(self, origin: str) -> SiteSignals: ...

    def page(self, url: str) -> PageSignals: ...


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ExpungeError(
            f"not an http(s) URL: {url[:200]}", "give URLs like https://example.com/page"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def parse_header_lines(text: str) -> tuple[int | None, dict[str, list[str]]]:
    """'HTTP/1.1 404 Not Found' (optional) + 'Name: value' lines -> (status, headers)."""
    status: int | None = None
    headers: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines()):
        if number == 0 and line.upper().startswith("HTTP/"):
            parts = line.split()
            status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            continue
        name, colon, value = line.partition(":")
        if colon and name.strip():
            headers.setdefault(name.strip().lower(), []).append(value.strip())
    return status, headers


def _read_prefix(path: Path, limit: int) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(limit)


@dataclass
class SnapshotSource:
    root: Path

    def __post_init__(self) -> None:
        if not self.root.is_dir():
            raise ExpungeError(f"--snapshot {self.root}: no such directory", "check the path")
        self._root = self.root.resolve()
        self._listed: dict[str, frozenset[str]] = {}

    def _files_of(self, host: str) -> frozenset[str]:
        """Relative paths of the regular files under a host's directory, listed once: a page
        lookup is then a set lookup, and nothing outside the snapshot (no '..', no symlink)
        can ever be read."""
        if host not in self._listed:
            base = self._root / host
            found: set[str] = set()
            if base.is_dir() and not base.is_symlink():
                for folder, dirs, names in os.walk(base):
                    dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
                    rel = os.path.relpath(folder, base)
                    for name in names:
                        if not os.path.islink(os.path.join(folder, name)):
                            found.add(name if rel == "." else f"{rel}/{name}")
            self._listed[host] = frozenset(found)
        return self._listed[host]

    def _file(self, origin: str, path: str) -> tuple[Path | None, Path | None]:
        """The snapshot file for a URL path and its '.headers' file (None where absent)."""
        host = urlsplit(origin).netloc
        rel = path.split("?", 1)[0]
        if rel.endswith("/"):
            rel += "index.html"
        rel = rel.lstrip("/")
        listed = self._files_of(host)
        if not listed:
            return None, None  # most hosts publish nothing: no path objects to build
        return (
            self._root / host / rel if rel in listed else None,
            self._root / host / f"{rel}.headers" if f"{rel}.headers" in listed else None,
        )

    def site(self, origin: str) -> SiteSignals:
        texts: dict[str, bytes] = {}
        status: int | None = None
        for path, name in SITE_FILES.items():
            file, sidecar = self._file(origin, path)
            if file is not None:
                texts[name] = _read_prefix(file, MAX_SITE_FILE)
            if name == "robots" and sidecar is not None:
                status, _ = parse_header_lines(sidecar.read_text("utf-8", "replace"))
        return SiteSignals.from_texts(
            origin,
            robots_txt=texts.get("robots"),
            tdmrep_json=texts.get("tdmrep"),
            ai_txt=texts.get("ai_txt"),
            robots_status=status,
        )

    def page(self, url: str) -> PageSignals:
        file, sidecar = self._file(origin_of(url), urlsplit(url).path or "/")
        headers: dict[str, list[str]] = {}
        if sidecar is not None:
            _, headers = parse_header_lines(sidecar.read_text("utf-8", "replace"))
        page = PageSignals(url, headers)
        suffix = file.suffix.lower() if file is not None else ""
        if file is not None and suffix in (".html", ".htm", ".xhtml", ""):
            page.html = _read_prefix(file, MAX_PAGE)
        elif file is not None and suffix in IMAGE_EXTENSIONS:
            _read_c2pa(page, file)
        return page


@dataclass
class _Capture:
    status: int
    headers: dict[str, list[str]]
    body: bytes


@dataclass
class WarcSource:
    """Signals from WARC response records (the last capture of a URL wins)."""

    paths: list[Path]
    _site_files: dict[str, _Capture] = field(default_factory=dict)  # url -> capture
    _pages: dict[str, PageSignals] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for path in self.paths:
            self._load(path)

    def _load(self, path: Path) -> None:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        if not path.is_file():
            raise ExpungeError(f"--warc {path}: no such file", "check the path")
        try:
            with open(path, "rb") as handle:
                for record in ArchiveIterator(handle):
                    if record.rec_type != "response" or record.http_headers is None:
                        continue
                    url = record.rec_headers.get_header("WARC-Target-URI") or ""
                    if not url.startswith(("http://", "https://")):
                        continue
                    status_text = record.http_headers.get_statuscode() or "0"
                    status = int(status_text) if status_text.isdigit() else 0
                    headers: dict[str, list[str]] = {}
                    for name, value in record.http_headers.headers:
                        headers.setdefault(name.lower(), []).append(value)
                    path_only = urlsplit(url).path
                    # Redirects are kept too: robots.txt often moves (http -> https, www.).
                    if path_only in SITE_FILES or 300 <= status < 400:
                        body = record.content_stream().read(MAX_SITE_FILE)
                        self._site_files[url] = _Capture(status, headers, body)
                        continue
                    self._pages[url] = self._page(url, headers, record)
        except (ArchiveLoadFailed, OSError, ValueError) as exc:
            raise ExpungeError(
                f"--warc {path}: not a readable WARC file ({str(exc)[:120]})",
                "pass a .warc or .warc.gz file",
            ) from None

    @staticmethod
    def _page(url: str, headers: dict[str, list[str]], record: object) -> PageSignals:
        kept = {k: v for k, v in headers.items() if k in PAGE_HEADERS}
        content_type = ",".join(headers.get("content-type", [])).lower()
        page = PageSignals(url, kept)
        if "html" in content_type:
            body = record.content_stream().read(MAX_PAGE)  # type: ignore[attr-defined]
            page.meta = read_meta(body)
        elif content_type.startswith("image/"):
            body = record.content_stream().read(MAX_IMAGE)  # type: ignore[attr-defined]
            _read_c2pa(page, body, content_type.split(";")[0].strip())
        return page

    def _follow(self, url: str) -> tuple[_Capture | None, int]:
        """The capture at `url` after the redirects captured in the WARC, and how many were
        followed; a loop or more than five counts as six (robots.txt unavailable)."""
        seen = {url}
        hops = 0
        capture = self._site_files.get(url)
        while capture is not None and 300 <= capture.status < 400:
            location = (capture.headers.get("location") or [""])[-1]
            if not location:
                return None, hops
            url = urljoin(url, location)
            hops += 1
            if url in seen or hops > 5:
                return None, 6
            seen.add(url)
            capture = self._site_files.get(url)
        return capture, hops

    def site(self, origin: str) -> SiteSignals:
        texts: dict[str, bytes | None] = {}
        status: int | str | None = None
        redirects = 0
        for path, name in SITE_FILES.items():
            capture, hops = self._follow(origin + path)
            if name == "robots":
                redirects = hops
                status = capture.status if capture else None
            if capture is not None and 200 <= capture.status < 300:
                texts[name] = capture.body
        robots = texts.get("robots")
        return SiteSignals.from_texts(
            origin,
            robots_txt=robots,
            tdmrep_json=texts.get("tdmrep"),
            ai_txt=texts.get("ai_txt"),
            robots_status=status if robots is None else 200,
            robots_redirects=redirects,
        )

    def page(self, url: str) -> PageSignals:
        return self._pages.get(url) or PageSignals(url)

    def urls(self) -> Iterable[str]:
        return self._pages.keys()


def _read_c2pa(page: PageSignals, image: Path | bytes, mime: str = "image/jpeg") -> None:
    from expunge.optout.c2pa_signal import c2pa_available, read_manifest_store

    if not c2pa_available():
        page.notes.append("image: C2PA not read (install expunge[images])")
        return
    if isinstance(image, Path):
        mime = "image/" + {".jpg": "jpeg", ".tif": "tiff"}.get(
            image.suffix.lower(), image.suffix.lower()[1:]
        )
    page.c2pa_store = read_manifest_store(image, mime)


def describe(source: object) -> str:
    if isinstance(source, SnapshotSource):
        return f"snapshot {source.root}"
    if isinstance(source, WarcSource):
        return "WARC " + ", ".join(os.fspath(p) for p in source.paths)
    return type(source).__name__
