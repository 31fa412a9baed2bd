"""Confirmers for contact-shaped types: email, url, social_handle (phones: confirm_numbers)."""

from __future__ import annotations

import re

from expunge.detect import context as ctx
from expunge.detect.hits import Hit, Run
from expunge.detect.social import is_profile
from expunge.detect.spans import IS_ALNUM, glued_left, strip_trailing

# File extensions that look like TLDs in 'logo@2x.png' / 'icon@media.css' but are not TLDs.
_NOT_TLDS = frozenset(
    b"png jpg jpeg gif svg webp bmp ico tif tiff avif heic js mjs css scss html htm php json "
    b"xml txt pdf yml yaml toml lock log map".split()
)
_RETINA = re.compile(rb"\d+(?:\.\d+)?x\Z", re.IGNORECASE)  # icon@2x / @1.5x asset names
_DIGIT_LABEL = re.compile(rb"\d+(?:-[a-z0-9]+)?\Z", re.IGNORECASE)


_LOCAL_BACK = re.compile(
    rb"[a-z0-9._%+-]{1,64}", re.IGNORECASE
)  # on the reversed bytes left of '@'


def email(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: Run) -> Hit | None:
    """email: local@domain.tld, alphabetic TLD that is not a file extension (logo@2x.png),
    no version specs (pkg@1.2.3-rc.x), not the host part of a @user@host fediverse handle."""
    e = ends[-1]
    if buf[e - 1] == 0x2E:  # the two-byte terminator ". " after a sentence-final address
        e -= 1
    at = buf.rfind(b"@", max(lo, e - 256), e)
    if at <= lo:
        return None
    m = _LOCAL_BACK.match(buf[max(lo, at - 64) : at][::-1])
    if m is None:
        return None
    s = at - m.end()
    while s < at and buf[s] in b".%+-":
        s += 1
    if glued_left(buf, s, lo) or (s > lo and buf[s - 1] == 0x40):
        return None
    local, domain = buf[s:at], buf[at + 1 : e]
    if not local or local.endswith(b".") or b".." in local:
        return None
    labels = domain.split(b".")
    if any(not lab or lab[0] == 0x2D or lab[-1] == 0x2D for lab in labels):
        return None
    if labels[-1].lower() in _NOT_TLDS or _RETINA.match(labels[0]):
        return None
    if len(labels) >= 3 and _DIGIT_LABEL.match(labels[0]) and _DIGIT_LABEL.match(labels[1]):
        return None  # name@1.2.3-beta.x: a version, not a domain
    return ("email", s, e, 0.95, "syntax")


_HOST = re.compile(
    rb"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,24}|xn--[a-z0-9-]{2,30})\Z"
    rb"|\d{1,3}(?:\.\d{1,3}){3}\Z|localhost\Z"
)
_SLACK_HOOK = re.compile(rb"/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,}\Z")


def _url_parts(url: bytes) -> tuple[bytes, bytes, bytes] | None:
    """(host, path, query) of an http(s):// or www. URL, or None when the host looks wrong."""
    rest = url.split(b"://", 1)[1] if b"://" in url[:8] else url
    cut = len(rest)
    for ch in b"/?#":
        i = rest.find(bytes((ch,)))
        if i != -1 and i < cut:
            cut = i
    authority, tail = rest[:cut], rest[cut:]
    host = authority.rsplit(b"@", 1)[-1]
    if host.startswith(b"["):  # IPv6 literal
        return (host, b"", b"") if host.endswith(b"]") or b"]:" in host else None
    host = host.split(b":", 1)[0].lower()
    if _HOST.match(host) is None:
        return None
    path, _, query = tail.partition(b"?")
    return host, path.split(b"#", 1)[0], query.split(b"#", 1)[0]


def url(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: Run) -> Hit | None:
    """url: http(s):// or www. with a real-looking host, trailing punctuation stripped;
    profile URLs become social_handle, Slack webhooks become secret."""
    if s > lo and (IS_ALNUM[buf[s - 1]] or buf[s - 1] in b"./@-_"):
        return None  # 'www.' inside a longer host, or the bare-domain pattern mid-URL
    e = strip_trailing(buf, s, ends[-1])
    parts = _url_parts(buf[s:e])
    if parts is None:
        return None
    host, path, query = parts
    if host == b"hooks.slack.com" and _SLACK_HOOK.match(path) and "secret" in run.types:
        return ("secret", s, e, 0.95, "slack-webhook")
    if "social_handle" in run.types and is_profile(
        host.decode("ascii"), path.decode("utf-8", "replace"), query.decode("utf-8", "replace")
    ):
        return ("social_handle", s, e, 0.85, "profile-url")
    if "url" not in run.types or buf[s] not in b"hHwW":
        return None  # a bare 'twitter.com/...' that is no profile is not reported as url
    return ("url", s, e, 0.6, "syntax")


_FEDI_HOST = re.compile(
    rb"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?![a-z0-9-])", re.IGNORECASE
)


def handle(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: Run) -> Hit | None:
    """social_handle @name: @user@host.tld (fediverse) always; a bare @user only with a
    platform word (twitter, IG, follow, ...) close by."""
    s += 1  # skip the one-byte left boundary the pattern carries
    e = ends[-1]
    while e > s + 1 and buf[e - 1] == 0x2E:
        e -= 1
    name = buf[s + 1 : e]
    if not name or name.isdigit() or not any(IS_ALNUM[c] for c in name):
        return None
    if e < hi and buf[e] == 0x40:
        m = _FEDI_HOST.match(buf, e, min(hi, e + 80))
        if m is not None and buf[m.end() - 1 : m.end()] != b".":
            return ("social_handle", s, m.end(), 0.9, "fediverse-handle")
        return None
    if ctx.near(ctx.SOCIAL_PLATFORM, buf, s, e, lo, hi, 48, 32):
        return ("social_handle", s, e, 0.7, "handle+context")
    return None
