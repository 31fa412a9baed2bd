"""The removal queue: one SQLite file (0600) in the server's state directory.

A request keeps what the removal needs and nothing that names the person: the keyed digests
of their identifiers (`Registry.digests`, the registry's own form, so approving it is a
`forget` by those digests), how many identifiers of each kind, the evidence counts, and the
contact the person gave for the answer. The private status link is stored as its SHA-256
only, so the file does not open anyone's status page. Statuses: new -> approved -> running
-> done | failed, or new -> rejected.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STATUSES = ("new", "approved", "running", "done", "failed", "rejected")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id TEXT PRIMARY KEY,
    link_sha256 TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    contact TEXT NOT NULL,
    identifiers TEXT NOT NULL,
    kinds TEXT NOT NULL,
    evidence TEXT NOT NULL,
    progress TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '{}',
    photos TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS versions (
    number INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    created TEXT NOT NULL,
    request_id TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'text'
);
"""


@dataclass(frozen=True, slots=True)
class Request:
    id: str
    status: str
    created: str
    updated: str
    contact: str
    identifiers: list[dict[str, str]]  # keyed digests: {"kind", "hmac"}
    kinds: dict[str, int]  # identifiers per kind, for the maintainer: never the values
    evidence: dict[str, Any]  # what the search found: counts per confidence, version
    progress: str
    result: dict[str, Any]  # done: version, certificate; failed: the error line
    photos: list[dict[str, str]]  # a photo request: masked PDQ + dHash hex of the photo's variants

    def public(self) -> dict[str, Any]:
        """What the person's status page and the API show."""
        return {"id": self.id, "status": self.status, "created": self.created,
                "updated": self.updated, "progress": self.progress,
                "evidence": self.evidence, "result": _public_result(self.result)}  # fmt: skip


def _public_result(result: dict[str, Any]) -> dict[str, Any]:
    keep = ("version", "verified", "records_dropped", "error", "reason")
    return {k: v for k, v in result.items() if k in keep}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def link_digest(link: str) -> str:
    return hashlib.sha256(link.encode("utf-8", "surrogatepass")).hexdigest()


class Queue:
    """Thread-safe access to the queue file (the server's worker thread writes progress)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        new = not path.exists()
        if new:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Cursor]:
        with self._lock:
            cursor = self._db.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")

    def file(
        self,
        contact: str,
        identifiers: list[dict[str, str]],
        kinds: dict[str, int],
        evidence: dict[str, Any],
        photos: list[dict[str, str]] | None = None,
    ) -> tuple[Request, str]:
        """A new request and its private status link (returned once, stored hashed)."""
        link = secrets.token_urlsafe(24)
        request_id = "R-" + secrets.token_hex(4)
        now = _now()
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO requests (id, link_sha256, status, created, updated, contact, "
                "identifiers, kinds, evidence, photos) VALUES (?, ?, 'new', ?, ?, ?, ?, ?, ?, ?)",
                (request_id, link_digest(link), now, now, contact, json.dumps(identifiers),
                 json.dumps(kinds), json.dumps(evidence), json.dumps(photos or [])),
            )  # fmt: skip
        found = self.get(request_id)
        assert found is not None
        return found, link

    def get(self, request_id: str) -> Request | None:
        return self._one("SELECT * FROM requests WHERE id = ?", (request_id,))

    def by_link(self, link: str) -> Request | None:
        return self._one("SELECT * FROM requests WHERE link_sha256 = ?", (link_digest(link),))

    def all(self, status: str | None = None) -> list[Request]:
        with self._lock:
            if status is None:
                rows = self._db.execute("SELECT * FROM requests ORDER BY created, id").fetchall()
            else:
                rows = self._db.execute(
                    "SELECT * FROM requests WHERE status = ? ORDER BY created, id", (status,)
                ).fetchall()
        return [_request(row) for row in rows]

    def set_status(self, request_id: str, status: str, *, progress: str = "",
                   result: dict[str, Any] | None = None, expect: tuple[str, ...] = ()) -> bool:  # fmt: skip
        """Move a request on; False when it is not in one of the `expect` statuses."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self._tx() as cur:
            row = cur.execute("SELECT status FROM requests WHERE id = ?", (request_id,)).fetchone()
            if row is None or (expect and row[0] not in expect):
                return False
            cur.execute(
                "UPDATE requests SET status = ?, progress = ?, updated = ?, "
                "result = COALESCE(?, result) WHERE id = ?",
                (status, progress, _now(), None if result is None else json.dumps(result),
                 request_id),
            )  # fmt: skip
        return True

    def set_progress(self, request_id: str, progress: str) -> None:
        with self._tx() as cur:
            cur.execute("UPDATE requests SET progress = ?, updated = ? WHERE id = ?",
                        (progress, _now(), request_id))  # fmt: skip

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT status, COUNT(*) FROM requests GROUP BY status")
            found = dict(rows.fetchall())
        return {status: int(found.get(status, 0)) for status in STATUSES}

    # --- dataset versions the server has written ---------------------------------------

    def add_version(self, path: str, request_id: str = "", kind: str = "text") -> int:
        """A version the server wrote: of the text dataset, or (`kind="images"`) the images'."""
        with self._tx() as cur:
            cur.execute("INSERT INTO versions (path, created, request_id, kind) VALUES (?, ?, ?, ?)",
                        (path, _now(), request_id, kind))  # fmt: skip
            return int(cur.lastrowid or 0)

    def versions(self, kind: str = "text") -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT number, path, created, request_id FROM versions WHERE kind = ? "
                "ORDER BY number", (kind,),
            ).fetchall()  # fmt: skip
        return [{"number": n, "path": p, "created": c, "request_id": r} for n, p, c, r in rows]

    def _one(self, sql: str, args: tuple[Any, ...]) -> Request | None:
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
        return None if row is None else _request(row)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _request(row: tuple[Any, ...]) -> Request:
    (request_id, _, status, created, updated, contact, identifiers, kinds, evidence, progress,
     result, photos) = row  # fmt: skip
    return Request(request_id, status, created, updated, contact, json.loads(identifiers),
                   json.loads(kinds), json.loads(evidence), progress, json.loads(result),
                   json.loads(photos))  # fmt: skip
