"""What keeps the page from becoming a people-search engine or an attack surface.

- The maintainer token: 32 random bytes made on first start, printed once, stored as its
  SHA-256 (0600); compared in constant time. Pages use a session cookie after login
  (HttpOnly, SameSite=Strict); the API takes `Authorization: Bearer TOKEN`.
- CSRF: every form carries the value of a random `csrf` cookie (SameSite=Strict) in a hidden
  field, and a POST whose field and cookie differ is refused.
- Rate limit: searches per client per minute and per day, in memory.
- Headers on every answer: a CSP without inline script or style, no framing, no sniffing,
  no referrer.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import deque
from pathlib import Path

from expunge.atomic import write_atomic

TOKEN_FILE = "maintainer-token.sha256"
SESSION_COOKIE = "expunge_session"
CSRF_COOKIE = "expunge_csrf"
SESSION_SECONDS = 8 * 3600

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def ensure_token(state: Path) -> str | None:
    """The maintainer token's digest file in `state`; a new token (returned, to be printed
    once) when there is none yet, else None."""
    path = state / TOKEN_FILE
    if path.exists():
        return None
    token = secrets.token_urlsafe(32)
    write_atomic(path, _digest(token).encode("ascii") + b"\n", private=True)
    return token


class Maintainer:
    """Checks the token and keeps the sessions of logged-in maintainers (in memory)."""

    def __init__(self, state: Path) -> None:
        self._digest = (state / TOKEN_FILE).read_text("ascii").strip()
        self._sessions: dict[str, float] = {}
        self._lock = threading.Lock()

    def token_ok(self, token: str | None) -> bool:
        if not token:
            return False
        return hmac.compare_digest(_digest(token), self._digest)

    def bearer_ok(self, header: str | None) -> bool:
        if not header or not header.startswith("Bearer "):
            return False
        return self.token_ok(header.removeprefix("Bearer ").strip())

    def open_session(self) -> str:
        session = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[_digest(session)] = time.monotonic() + SESSION_SECONDS
        return session

    def session_ok(self, session: str | None) -> bool:
        if not session:
            return False
        with self._lock:
            until = self._sessions.get(_digest(session))
            if until is None:
                return False
            if until < time.monotonic():
                del self._sessions[_digest(session)]
                return False
        return True

    def close_session(self, session: str | None) -> None:
        if session:
            with self._lock:
                self._sessions.pop(_digest(session), None)


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def csrf_ok(cookie: str | None, field: str | None) -> bool:
    return bool(cookie) and bool(field) and hmac.compare_digest(str(cookie), str(field))


class RateLimit:
    """At most `per_minute` and `per_day` actions per client; `None` lifts a limit."""

    def __init__(self, per_minute: int | None = 20, per_day: int | None = 300) -> None:
        self.per_minute, self.per_day = per_minute, per_day
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        if self.per_minute is None and self.per_day is None:
            return True
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(client, deque())
            while seen and seen[0] < now - 86_400:
                seen.popleft()
            last_minute = sum(1 for t in seen if t >= now - 60)
            if self.per_minute is not None and last_minute >= self.per_minute:
                return False
            if self.per_day is not None and len(seen) >= self.per_day:
                return False
            seen.append(now)
            return True


def private_dir(path: Path) -> Path:
    """Create `path` (0700) if needed; the state directory holds the queue and the token."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


FORM_KEY = "form.key"


class Signer:
    """Signs values the server hands to a page and takes back in a form (a photo's hashes):
    HMAC-SHA256 under a key of the state directory, so a form cannot bring made-up ones."""

    def __init__(self, state: Path) -> None:
        from expunge.keys import create_key, read_key

        path = state / FORM_KEY
        self._key = (
            read_key(path, "delete it; a new one is made") if path.exists() else create_key(path)
        )

    def sign(self, payload: str) -> str:
        mac = hmac.new(self._key, payload.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"{payload}.{mac}"

    def unsign(self, signed: str) -> str | None:
        payload, _, mac = signed.rpartition(".")
        good = hmac.new(self._key, payload.encode("utf-8"), hashlib.sha256).hexdigest()
        return payload if payload and hmac.compare_digest(mac, good) else None
