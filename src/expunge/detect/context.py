"""Context words near a candidate: they raise or lower confidence, never create a finding alone.

Windows are small byte slices of the scanned buffer, clamped to the candidate's own record,
so a word in a neighbouring record never counts. Matching is on lower-cased bytes.
"""

from __future__ import annotations

import re

Pattern = re.Pattern[bytes]


def _words(*alternatives: str) -> Pattern:
    """One compiled regex for a list of words/phrases, each starting at a word boundary."""
    body = "|".join(alternatives)
    return re.compile(("(?<![a-z0-9])(?:" + body + ")").encode("utf-8"))


CARD_POSITIVE = _words(
    "card",
    "credit",
    "debit",
    "visa",
    "master ?card",
    "amex",
    "american express",
    "discover",
    "cc\\b",
    "ccn",
    "cvv",
    "cvc",
    "payment",
    "pay with",
    "expir",
    "exp\\b",
    "maestro",
    "jcb",
    "diners",
    "unionpay",
)
CARD_NEGATIVE = _words(
    "isbn",
    "tracking",
    "track",
    "order",
    "invoice",
    "serial",
    "s/n",
    "ref\\b",
    "ref\\.",
    "refs?\\b",
    "reference",
    "ups\\b",
    "fedex",
    "usps",
    "dhl",
    "shipment",
    "parcel",
    "barcode",
    "sku",
    "upc",
    "ean",
    "imei",
    "transaction id",
    "receipt",
    "account (?:no|number)",
    "ticket",
)
PHONE = re.compile(
    "(?<![a-z0-9])(?:tel|tele|phone|phones|telephone|call|calls|called|calling|mobile|cell"
    "|cellphone|fax|whatsapp|contact[a-z]*|ph|mob|hotline|sms|text|texting|telefon|telefono"
    "|t\u00e9l\u00e9phone|t\u00e9l|handy|ring|dial|reach)(?![a-z])"
    "|\u260e|\U0001f4de|\U0001f4f1".encode()
)
PHONE_NEGATIVE = _words("isbn", "order", "invoice", "serial", "tracking", "ref\\b", "id\\b", "sku")
SSN = _words("ssn", "social security", "soc\\. ?sec", "ss#", "ss no", "ss number", "taxpayer")
IP_POSITIVE = _words(
    "ip\\b",
    "ips\\b",
    "ipv4",
    "ip address",
    "address",
    "addr",
    "server",
    "host",
    "ping",
    "connect",
    "gateway",
    "dns",
    "subnet",
    "router",
    "proxy",
    "nameserver",
    "client",
    "login",
    "logged",
    "from\\b",
)
VERSION = _words(
    "v\\.?\\s?$",
    "ver\\b",
    "ver\\.",
    "version",
    "release",
    "build",
    "update",
    "firmware",
    "driver",
    "sdk",
    "patch",
    "kernel",
    "rev\\b",
    "revision",
    "api level",
    "os\\b",
)
SOCIAL_PLATFORM = _words(
    "twitter",
    "tweet",
    "x\\.com",
    "on x\\b",
    "follow",
    "instagram",
    "insta\\b",
    "ig\\b",
    "tiktok",
    "threads",
    "bluesky",
    "bsky",
    "mastodon",
    "telegram",
    "snapchat",
    "snap\\b",
    "twitch",
    "youtube",
    "github",
    "handle",
    "dm\\b",
    "dms\\b",
    "fb\\b",
    "facebook",
    "linkedin",
    "reddit",
    "soundcloud",
    "pinterest",
    "medium",
)
AWS_SECRET = _words("aws", "secret_access_key", "secret access key", "secretaccesskey")


def before(buf: bytes, start: int, lo: int, size: int = 40) -> bytes:
    """Lower-cased bytes left of `start`, at most `size`, never before the record start `lo`."""
    return buf[max(lo, start - size) : start].lower()


def after(buf: bytes, end: int, hi: int, size: int = 24) -> bytes:
    """Lower-cased bytes right of `end`, at most `size`, never past the record end `hi`."""
    return buf[end : min(hi, end + size)].lower()


def near(
    pattern: Pattern,
    buf: bytes,
    start: int,
    end: int,
    lo: int,
    hi: int,
    left: int = 40,
    right: int = 24,
) -> bool:
    """True when `pattern` occurs in the window around [start, end)."""
    if pattern.search(before(buf, start, lo, left)) is not None:
        return True
    return right > 0 and pattern.search(after(buf, end, hi, right)) is not None
