"""Confirmers for contact-shaped types: email, url, social_handle (phones: confirm_numbers)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate

import hyperscan

from expunge.detect import context as ctx
from expunge.detect.context import ConfirmContext
from expunge.detect.hits import Hit
from expunge.detect.social import is_profile
from expunge.detect.spans import (
    IS_ALPHA,
    alnum_before,
    escape_before,
    glued_left,
    strip_trailing,
)
from expunge.detect.url_kinds import is_technical_url, names_person
from expunge.hsdb import compiled

# File extensions that look like TLDs in 'logo@2x.png' / 'icon@media.css' but are not TLDs.
_NOT_TLDS = frozenset(
    b"png jpg jpeg gif svg webp bmp ico tif tiff avif heic js mjs css scss html htm php json "
    b"xml txt pdf yml yaml toml lock log map".split()
)
_RETINA = re.compile(rb"\d+(?:\.\d+)?x\Z", re.IGNORECASE)  # icon@2x / @1.5x asset names
# URL escapes of what separates tokens (space, tab, quotes, brackets, = ; , : < > |)
_ESCAPED_SEPARATOR = re.compile(rb"%(?:0[9AD]|2[0278C]|3[ABCDE]|5[BD]|7C)", re.IGNORECASE)
_TLD = re.compile(rb"[a-z]{2,24}|xn--[a-z0-9-]{2,59}")  # letters, or an IDN TLD's punycode


def idn_to_ascii(domain: bytes) -> bytes | None:
    """An internationalised domain (UTF-8 bytes) in its ASCII form ('bücher.de' ->
    'xn--bcher-kva.de'); None when it is not one (bad UTF-8, a label IDNA refuses)."""
    try:
        return domain.decode("utf-8").encode("idna")
    except (UnicodeError, ValueError):
        return None


_DIGIT_LABEL = re.compile(rb"\d+(?:-[a-z0-9]+)?\Z", re.IGNORECASE)


_LOCAL_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")


def _local_start(buf: bytes, at: int, lo: int) -> int:
    """Where the local part before '@' at `at` starts: ASCII address characters and, as
    internationalised addresses allow (RFC 6531), letters of two UTF-8 bytes ('garcía',
    'peñ'); a Chinese or Japanese character before it separates ('邮箱test@...')."""
    i = at
    while i > lo and at - i < 64:
        c = buf[i - 1]
        if c < 0x80:
            if c not in _LOCAL_CHARS:
                break
            i -= 1
            continue
        j = i - 1
        while j > lo and 0x80 <= buf[j] < 0xC0 and i - j < 4:
            j -= 1
        if not 0xC2 <= buf[j] < 0xE0:
            break
        i = j
    return i


def email(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext) -> Hit | None:
    """email: local@domain.tld, alphabetic TLD that is not a file extension (logo@2x.png),
    no version specs (pkg@1.2.3-rc.x), not the host part of a @user@host fediverse handle."""
    e = ends[-1]
    if buf[e - 1] == 0x2E:  # the two-byte terminator ". " after a sentence-final address
        e -= 1
    at = buf.rfind(b"@", max(lo, e - 256), e)
    if at <= lo:
        return None
    s = _local_start(buf, at, lo)
    if s == at:
        return None
    # 'a%20jane@...': the escape ends a token (only looked for when a '%' is there)
    escaped = _ESCAPED_SEPARATOR.search(buf, s, at) if buf.find(b"%", s, at) >= 0 else None
    while escaped is not None:
        s = escaped.end()
        escaped = _ESCAPED_SEPARATOR.search(buf, s, at)
    while s < at and buf[s] in b".%+-":
        s += 1
    if glued_left(buf, s, lo) or (s > lo and buf[s - 1] == 0x40):
        return None
    local, domain = buf[s:at], buf[at + 1 : e]
    if not local or local.endswith(b".") or b".." in local:
        return None
    if not domain.isascii():  # an internationalised domain: checked in its punycode form
        ascii_domain = idn_to_ascii(domain)
        if ascii_domain is None:
            return None
        domain = ascii_domain
    labels = domain.split(b".")
    if any(not lab or lab[0] == 0x2D or lab[-1] == 0x2D for lab in labels):
        return None
    tld = labels[-1].lower()
    if tld in _NOT_TLDS or _RETINA.match(labels[0]) or not _TLD.fullmatch(tld):
        return None
    if len(labels) >= 3 and _DIGIT_LABEL.match(labels[0]) and _DIGIT_LABEL.match(labels[1]):
        return None  # name@1.2.3-beta.x: a version, not a domain
    return ("email", s, e, 0.95, "syntax")


_HOST = re.compile(
    rb"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,24}|xn--[a-z0-9-]{2,30})\Z"
    rb"|\d{1,3}(?:\.\d{1,3}){3}\Z|localhost\Z"
)
_SLACK_HOOK = re.compile(rb"/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,}\Z")


# scheme, optional userinfo, host (group 1), then the rest; one match per URL.
_URL_SPLIT = re.compile(
    rb"(?:[a-z]+://)?(?:[^/?#@\s]*@)?(\[[0-9a-f:.]+\]|[^/?#:\s]+)", re.IGNORECASE
)
_SOCIAL_SITES = frozenset(
    b"twitter.com x.com instagram.com facebook.com fb.com linkedin.com tiktok.com github.com "
    b"flickr.com reddit.com old.reddit.com youtube.com".split()
)
HOST_PREFIXES = (b"www.", b"m.", b"mobile.", b"mbasic.", b"web.", b"touch.")
# The platforms' hosts with at most one of those prefixes: one set lookup per link.
_SOCIAL_HOSTS = frozenset(p + site for site in _SOCIAL_SITES for p in (b"", *HOST_PREFIXES))


# Platforms whose profile pages are one path segment ('github.com/jdoe'): a longer path is a
# repository's page or a post, decided here without decoding the link.
_ONE_SEGMENT_HOSTS = frozenset(
    p + site for site in (b"github.com", b"instagram.com") for p in (b"", *HOST_PREFIXES)
)


def _static_flickr(site: bytes) -> bool:  # a Flickr photo's file (social.is_static_flickr)
    return site.endswith((b".staticflickr.com", b".static.flickr.com"))


def _is_social(host: bytes, rest: bytes) -> bool:
    if host not in _SOCIAL_HOSTS and not rest.startswith(b"/@") and not _static_flickr(host):
        return False  # only known platforms and /@user pages can be profiles
    path, _, query = rest.partition(b"?")
    if host in _ONE_SEGMENT_HOSTS and b"/" in path.split(b"#", 1)[0].strip(b"/"):
        return False
    key = (host, rest)
    found = _social_cache.get(key)
    if found is None:  # web pages repeat their share/follow links: memoised
        found = is_profile(
            host.decode("ascii"),
            path.split(b"#", 1)[0].decode("utf-8", "replace"),
            query.split(b"#", 1)[0].decode("utf-8", "replace"),
        )
        if len(_social_cache) > 20_000:
            _social_cache.clear()
        _social_cache[key] = found
    return found


_social_cache: dict[tuple[bytes, bytes], bool] = {}
_WIDE_LEAD = re.compile(rb"[\xe0-\xf4]")


def url(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext) -> Hit | None:
    """url: http(s):// or www. with a real-looking host, trailing punctuation stripped, that
    names a person (url_kinds.names_person); profile URLs on social networks become
    social_handle, Slack webhooks secret, other links url_technical."""
    scheme = buf.find(b"://", s, s + 8) > 0  # 'https://', 'ftp://': a '.' may come before
    if (
        s > lo
        and (alnum_before(buf, s, lo) or buf[s - 1] in (b"@-_" if scheme else b"./@-_"))
        and not escape_before(buf, s, lo)
    ):
        return None  # 'www.' inside a longer host, or the bare-domain pattern mid-URL
    e = ends[-1]
    wide = _WIDE_LEAD.search(buf, s, e)  # Chinese or Japanese right after: '访问https://x.ai以获取'
    e = strip_trailing(buf, s, wide.start() if wide else e)
    m = _URL_SPLIT.match(buf, s, e)
    if m is None:
        return None
    host = m.group(1).lower()
    if host[:1] != b"[" and _HOST.match(host) is None:
        return None
    rest = buf[m.end() : e]
    if rest[:1] == b":":  # port
        rest = rest.lstrip(b":0123456789")
    if host == b"hooks.slack.com" and "secret" in run.types and _SLACK_HOOK.match(rest):
        return ("secret", s, e, 0.95, "slack-webhook")
    if "social_handle" in run.types and _is_social(host, rest):
        return ("social_handle", s, e, 0.85, "profile-url")
    if not scheme and buf[s] not in b"wW":
        return None  # a bare 'twitter.com/...' that is no profile is not reported as url
    if is_technical_url(host, rest):
        return ("url_technical", s, e, 0.6, "namespace") if "url_technical" in run.types else None
    if not names_person(host, rest):  # a project page, documentation, an article
        return ("url_technical", s, e, 0.6, "link") if "url_technical" in run.types else None
    return ("url", s, e, 0.6, "person-page") if "url" in run.types else None


_FEDI_HOST = re.compile(
    rb"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?![a-z0-9-])", re.IGNORECASE
)


# '@word' in code and CSS: decorators, annotations, at-rules, doc tags. Never a handle.
_CODE_AT_WORDS = frozenset(
    (
        b"keyframes media import font-face fontface supports charset namespace page layer "
        b"container property override deprecated param params return returns throws throw "
        b"see since author version test tests pytest fixture dataclass staticmethod "
        b"classmethod abstractmethod cached_property app route component injectable input "
        b"output viewchild ngmodule entity table column transactional autowired bean service "
        b"controller get post put patch delete mixin include extend use forward apply tag "
        b"suppresswarnings functionalinterface nullable nonnull todo note example type returns "
        b"example brief file interface protocol implementation end synthesize dynamic"
    ).split()
)


def _line(buf: bytes, s: int, e: int, lo: int, hi: int) -> tuple[int, int]:
    """The line around [s, e), clamped to the record: platform words must be on it."""
    line_end = buf.find(b"\n", e, hi)
    return max(lo, buf.rfind(b"\n", lo, s) + 1), hi if line_end < 0 else line_end


# A platform word as `near` cuts words, and more: bounded by any byte but a letter, a digit
# or '#' (`near` also joins two-byte letters to a word; here they bound it).
_WORDS = tuple(sorted(ctx.platform_words()))
_PLATFORM_WORDS = tuple(rb"[^a-z0-9#]" + re.escape(word) + rb"[^a-z0-9#]" for word in _WORDS)


def handles_that_may_be_people(buf: bytes, items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The '@word' candidates `handle` can take: a fediverse address ('@user@host'), or a
    platform word in a window wider than the ones `handle` reads (48 bytes before, 32 after,
    lines and records ignored). Code's decorators and at-rules ('@property', '@media': 27,000
    in 180 MB of documentation) go no further."""
    keep: set[int] = set()
    windows: list[tuple[int, int, int]] = []  # candidate, window start, window end in `buf`
    for i, (start, end) in enumerate(items):
        e = end
        while e > start + 2 and buf[e - 1] == 0x2E:  # as `handle` strips trailing dots
            e -= 1
        if buf[e : e + 1] == b"@":
            keep.add(i)
        else:
            windows.append((i, max(0, start - 47), end + 32))
    if windows:
        words = _platform_words(buf, [(a, b) for _, a, b in windows])
        starts = [p for p, _ in words]
        for i, a, b in windows:
            k = bisect_left(starts, a)  # words do not overlap: the first from `a` ends first
            if k < len(words) and words[k][1] <= b:
                keep.add(i)
    return [item for i, item in enumerate(items) if i in keep]


def _platform_words(buf: bytes, windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) in `buf` of the platform words inside the windows, in order: the windows
    merged where they overlap (dense '@' text reads each byte once), joined, and scanned by
    hyperscan in one pass."""
    merged: list[list[int]] = []
    for a, b in sorted(windows):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    # each window bounded by '\n' in the joined bytes; where it starts there
    places = list(accumulate((b - a + 1 for a, b in merged[:-1]), initial=1))
    joined = b"\n" + b"\n".join(buf[a:b] for a, b in merged) + b"\n"
    database = compiled(_PLATFORM_WORDS, hyperscan.HS_FLAG_CASELESS, holds_no_one=True)
    found = set()
    for word, _, end in database.scan(joined):
        at = end - 1 - len(_WORDS[word])  # the word's first byte in `joined`
        k = bisect_right(places, at) - 1
        start = merged[k][0] + at - places[k]
        found.add((start, start + len(_WORDS[word])))
    return sorted(found)


def handle(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """social_handle @name: @user@host.tld (fediverse) always; a bare @user only with a
    platform word (twitter, IG, follow, ...) close by."""
    s += 1  # skip the one-byte left boundary the pattern carries
    e = ends[-1]
    while e > s + 1 and buf[e - 1] == 0x2E:
        e -= 1
    name = buf[s + 1 : e]
    if not name or not any(IS_ALPHA[c] for c in name):
        return None  # '@3.12.0' (a package's version in a changelog), '@2x'
    if e < hi and buf[e] == 0x40:
        m = _FEDI_HOST.match(buf, e, min(hi, e + 80))
        if m is not None and buf[m.end() - 1 : m.end()] != b".":
            return ("social_handle", s, m.end(), 0.9, "fediverse-handle")
        return None
    if name.lower() in _CODE_AT_WORDS or (e < hi and buf[e] in b"(/"):
        return None  # a decorator call '@register(', an npm scope or team '@nodejs/tsc'
    line_lo, line_hi = _line(buf, s, e, lo, hi)
    if run.near(ctx.SOCIAL, s, e, line_lo, line_hi, 48, 32) or run.near(
        ctx.SOCIAL_X, s, e, line_lo, line_hi, 8, 6
    ):
        return ("social_handle", s, e, 0.7, "handle+context")
    return None


def flickr_nsid(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """social_handle: a bare Flickr NSID ('12345678@N00', a Flickr account's id in dataset
    metadata); one inside a URL is the URL's (the pattern refuses a '/' before it)."""
    return ("social_handle", s + 1, ends[-1], 0.85, "flickr-nsid")
