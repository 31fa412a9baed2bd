"""Confirmers for digit-shaped types: credit_card, iban, us_ssn, ip_address, bare digit runs."""

from __future__ import annotations

import ipaddress
import re

from expunge.detect import context as ctx
from expunge.detect.hits import Hit, Run
from expunge.detect.phone import is_valid_phone
from expunge.detect.spans import continues_number, glued_left, glued_right
from expunge.detect.validators import (
    card_issuer,
    iban_ok,
    ipv4_octets,
    luhn_ok,
    ssn_ok,
)

_IBAN_HEAD = re.compile(rb"[A-Z]{2}\d{2} ?\Z")


def _card_score(buf: bytes, s: int, e: int, lo: int, hi: int, needs_context: bool) -> float:
    # Luhn + IIN is strong, but tracking/ISBN/order numbers can pass both by chance.
    positive = ctx.near(ctx.CARD_POSITIVE, buf, s, e, lo, hi, 48, 24)
    if needs_context and not positive:
        return 0.3
    if ctx.near(ctx.CARD_NEGATIVE, buf, s, e, lo, hi, 48, 16):
        return 0.45
    return 0.98 if positive else 0.9


def _card_digits(digits: str) -> tuple[str, bool] | None:
    if not 12 <= len(digits) <= 19:
        return None
    issuer = card_issuer(digits)
    if issuer is None or not luhn_ok(digits):
        return None
    return issuer


def card_run(buf: bytes, s: int, e: int, lo: int, hi: int) -> Hit | None:
    """credit_card: a contiguous 12-19 digit run; Luhn AND issuer prefix/length table."""
    found = _card_digits(buf[s:e].decode("ascii"))
    if found is None:
        return None
    return ("credit_card", s, e, _card_score(buf, s, e, lo, hi, found[1]), "luhn+iin")


def _grouping_ok(sizes: list[int]) -> bool:
    # 4-4-4-4(-3), 4-4-4-x (13-15 digit cards), Amex 4-6-5, Diners 4-6-4.
    if sizes in ([4, 6, 5], [4, 6, 4]):
        return True
    return all(n == 4 for n in sizes[:-1]) and 1 <= sizes[-1] <= 4 and len(sizes) >= 3


def card_grouped(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: Run) -> Hit | None:
    """credit_card written in groups ('4111 1111 1111 1111'); tries group windows from the left."""
    if glued_left(buf, s, lo) or _IBAN_HEAD.search(buf, max(lo, s - 5), s):
        return None
    e = ends[-1]
    text = buf[s:e].decode("ascii")
    sep = text[4]
    groups = text.split(sep)
    if any(not g.isdigit() for g in groups):  # mixed separators: not a card layout
        return None
    # Longest window first; the window must start at the first group (no card inside a run).
    for j in range(len(groups), 2, -1):
        sizes = [len(g) for g in groups[:j]]
        if not _grouping_ok(sizes):
            continue
        found = _card_digits("".join(groups[:j]))
        if found is None:
            continue
        end = s + sum(sizes) + j - 1
        if j < len(groups) and len(groups[j]) > 2:
            continue  # a longer digit sequence that merely contains a card-like prefix
        if end == e and glued_right(buf, end, hi):
            return None
        return ("credit_card", s, end, _card_score(buf, s, end, lo, hi, found[1]), "luhn+iin")
    return None


def iban(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: Run) -> Hit | None:
    """iban: country length table AND ISO 13616 mod-97 == 1, with or without 4-groups."""
    if glued_left(buf, s, lo):
        return None
    for e in reversed(ends):
        compact = buf[s:e].replace(b" ", b"").decode("ascii")
        if iban_ok(compact):
            return ("iban", s, e, 1.0, "iban-mod97")
    return None


def ssn(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: Run) -> Hit | None:
    """us_ssn: AAA-GG-SSSS with SSA range rules; space-separated needs context to score high."""
    e = ends[-1]
    if glued_left(buf, s, lo) or glued_right(buf, e, hi) or continues_number(buf, s, e, lo, hi):
        return None
    text = buf[s:e]
    if text[3] != text[6]:
        return None
    if not ssn_ok(text.replace(text[3:4], b"").decode("ascii")):
        return None
    context = ctx.near(ctx.SSN, buf, s, e, lo, hi, 48, 16)
    if text[3] == 0x2D:  # dashes: the canonical SSN layout
        score = 0.95 if context else 0.8
    else:
        score = 0.9 if context else 0.45
    return ("us_ssn", s, e, score, "ssn-rules")


def digit_run(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: Run) -> Hit | None:
    """A bare 9-19 digit run: SSN (9, with context), phone (10-11, with context), card (12-19)."""
    e = ends[-1]
    if glued_left(buf, s, lo) or glued_right(buf, e, hi) or continues_number(buf, s, e, lo, hi):
        return None
    if s > lo and buf[s - 1] == 0x2B:  # '+4930...' belongs to the international phone pattern
        return None
    n = e - s
    if n >= 12:
        return card_run(buf, s, e, lo, hi) if "credit_card" in run.types else None
    if n == 9:
        if "us_ssn" in run.types and ctx.near(ctx.SSN, buf, s, e, lo, hi, 40, 16):
            if ssn_ok(buf[s:e].decode("ascii")):
                return ("us_ssn", s, e, 0.8, "ssn-rules+context")
        return None
    # 10-11 digits: only a phone when a phone word is close (epochs, ids, timestamps otherwise).
    if "phone" in run.types and ctx.near(ctx.PHONE, buf, s, e, lo, hi, 32, 16):
        if not ctx.near(ctx.PHONE_NEGATIVE, buf, s, e, lo, hi, 24, 0) and is_valid_phone(
            buf[s:e], run.region
        ):
            return ("phone", s, e, 0.75, "phonenumbers+context")
    return None


_AFTER_VERSION = re.compile(rb"\s*(?:release|build|version|update|patch|beta|rc\b)")


def ipv4(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: Run) -> Hit | None:
    """ip_address v4: octets 0-255 without leading zeros, not part of a longer dotted run,
    not in a version/release context; version-like low octets need an ip/server word."""
    e = ends[-1]
    if glued_left(buf, s, lo) or glued_right(buf, e, hi) or continues_number(buf, s, e, lo, hi):
        return None
    if s > lo and buf[s - 1] == 0x2E:  # ".1.2.3.4"
        return None
    octets = ipv4_octets(buf[s:e].decode("ascii"))
    if octets is None:
        return None
    if ctx.VERSION.search(ctx.before(buf, s, lo, 24)) or _AFTER_VERSION.match(
        ctx.after(buf, e, hi, 16)
    ):
        return None
    score = 0.85
    if octets == [0, 0, 0, 0] or all(o < 10 for o in octets):
        score = 0.8 if ctx.near(ctx.IP_POSITIVE, buf, s, e, lo, hi, 32, 16) else 0.3
    return ("ip_address", s, e, score, "ipv4")


def ipv6(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: Run) -> Hit | None:
    """ip_address v6: stdlib parser, plus a hex letter, '::' or >= 6 groups (so 12:30:45 fails)."""
    e = ends[-1]
    while e > s and buf[e - 1] == 0x2E:  # sentence dot
        e -= 1
    if e > s + 1 and buf[e - 1] == 0x3A and buf[e - 2] != 0x3A:  # "addr: " style trailing colon
        e -= 1
    if glued_left(buf, s, lo) or glued_right(buf, e, hi):
        return None
    if s > lo and buf[s - 1] in b":.":
        return None
    text = buf[s:e].decode("ascii")
    groups = [g for g in text.split(":") if g]
    if len(groups) < 2 or sum(len(g) for g in groups if "." not in g) < 4:
        return None
    if "::" not in text and len(groups) < 6 and not any(c in "abcdefABCDEF" for c in text):
        return None
    try:
        if ipaddress.ip_address(text).version != 6:
            return None
    except ValueError:
        return None
    return ("ip_address", s, e, 0.85, "ipv6")

