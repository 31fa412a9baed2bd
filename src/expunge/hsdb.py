"""Hyperscan databases, one way for every search: compiled once per process (by a digest of
what they hold), a scratch space per thread (hyperscan's rule), and an opt-in cache of
serialised databases across runs. Used by the detector (expunge.detect.engine) and by find
(expunge.find.matcher)."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import hyperscan

from expunge.atomic import write_atomic
from expunge.errors import ExpungeError

# Opt-in cache of serialised databases across runs. Off by default: a database built for find
# holds the subjects' identifiers, which a tool for erasure requests should not leave behind
# unasked. Ten thousand subjects take seconds to compile and milliseconds to load.
CACHE_ENV = "EXPUNGE_CACHE_DIR"
# The detector's own patterns hold no one's data: their database is cached by default (a
# compile takes ~0.1 s, a load ~1 ms), in EXPUNGE_CACHE_DIR or the user's cache folder, unless
# EXPUNGE_NO_CACHE is set.
NO_CACHE_ENV = "EXPUNGE_NO_CACHE"
MAX_HELD = 32  # a long-lived process searching many subject sets keeps at most this many


class Compiled:
    """A database and a scratch space per thread."""

    def __init__(self, db: hyperscan.Database) -> None:
        self.db = db
        self._local = threading.local()

    def scratch(self) -> hyperscan.Scratch:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self.db)
        return scratch

    def scan(self, buf: bytes) -> list[tuple[int, int, int]]:
        """(expression id, start, end) of every match in `buf`."""
        hits: list[tuple[int, int, int]] = []
        self.db.scan(buf, match_event_handler=_collect, context=hits, scratch=self.scratch())  # type: ignore[arg-type]
        return hits


def _collect(lit: int, start: int, end: int, flags: int, hits: list[tuple[int, int, int]]) -> None:
    hits.append((lit, start, end))


_held: dict[str, Compiled] = {}
_lock = threading.Lock()


def compiled(
    expressions: Sequence[bytes | str],
    flags: int | Sequence[int],
    literal: bool = False,
    *,
    disk_cache: bool = True,
    holds_no_one: bool = False,
) -> Compiled:
    """The database of `expressions` (ids = their positions), built once per process; with
    `disk_cache` and EXPUNGE_CACHE_DIR set, loaded from / stored to that folder (0600). A
    database that `holds_no_one`'s data (the detector's patterns) is cached by default."""
    encoded = [e.encode() if isinstance(e, str) else e for e in expressions]
    digest = hashlib.sha256(repr((flags, literal, getattr(hyperscan, "__version__", ""))).encode())
    for e in encoded:
        digest.update(len(e).to_bytes(4, "little") + e)
    key = digest.hexdigest()
    found = _held.get(key)
    if found is None:
        with _lock:
            found = _held.get(key)
            if found is None:
                path = _cache_path(key, holds_no_one) if disk_cache else None
                db = _load_cached(path) if path is not None else None
                if db is None:
                    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
                    db.compile(
                        expressions=encoded,
                        ids=list(range(len(expressions))),
                        elements=len(expressions),
                        flags=list(flags) if not isinstance(flags, int) else flags,
                        literal=literal,
                    )
                    if path is not None:
                        _store_cached(path, db)
                if len(_held) >= MAX_HELD:
                    _held.clear()
                found = _held[key] = Compiled(db)
    return found


def _cache_path(key: str, holds_no_one: bool) -> Path | None:
    folder = os.environ.get(CACHE_ENV)
    if not holds_no_one:
        return Path(folder) / f"find-{key}.hsdb" if folder else None
    if os.environ.get(NO_CACHE_ENV):
        return None
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "expunge", "hyperscan")
    return Path(folder) / f"detect-{key}.hsdb"


def _load_cached(path: Path) -> hyperscan.Database | None:
    try:
        return hyperscan.loadb(path.read_bytes(), hyperscan.HS_MODE_BLOCK)
    except (OSError, hyperscan.HyperscanError):  # absent, or built for another CPU/version
        return None


def _store_cached(path: Path, db: hyperscan.Database) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(path, hyperscan.dumpb(db), private=True)  # a whole file or none
    except (OSError, ExpungeError):
        pass  # a cache that cannot be written only costs the next run a compile
