"""Confirmers for digit-shaped types: phone, us_ssn, credit_card, ip_address (v4 and v6), iban.

All digit shapes arrive through one hyperscan pattern: a maximal "digit cluster" (digits with
runs of at most two separator bytes ` ./()-` between them) or a dotted quad. `cluster`
recovers its start, rejects clusters glued to other tokens, then reads the shapes inside it
(an SSN, a grouped card, a phone, a bare run, an IPv4) with one small regex over the cluster.
"""

from __future__ import annotations

import ipaddress
import re
from bisect import bisect_right
from itertools import accumulate

import hyperscan
import phonenumbers

from expunge.detect import context as ctx
from expunge.detect.context import ConfirmContext
from expunge.detect.hits import Hit
from expunge.detect.phone import country_code, is_valid_phone, national_layout_ok
from expunge.detect.phone_region import record_regions
from expunge.detect.spans import (
    IS_ALNUM,
    IS_DIGIT,
    IS_HEX,
    alnum_after,
    alnum_before,
    escape_before,
    glued_left,
    glued_right,
)
from expunge.detect.validators import LONG_PREFIX_HEADS, card_issuer, iban_ok, ipv4_octets, ssn_ok
from expunge.hsdb import compiled

_MAX_CLUSTER = 64  # longer runs are tables / ids, never one phone, card or SSN
_SEPARATORS = b" ./()-+"
# '=', '|' and '\\' are separators in logs, tables, paths and query strings: not "glued"
_BAD_BEFORE = frozenset(b"$#@_&%^*~.,/-")
_DATE_START = re.compile(
    rb"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})(?![0-9])"
)
# The phone shapes, also tried where a card or IPv4 shape that is no card or address starts.
_PHONE_SHAPES = (
    rb"(?P<phone>(?:\+ ?|00 ?)[1-9][0-9 ./()-]*[0-9]"  # international: +44 20 7946 0958
    rb"|(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}"  # NANP
    rb"|\(?0\d{1,4}\)?(?:[ ./-]\d{2,8}){1,4})"  # national with trunk 0: 030 1234567
    # any other grouping: a phone only if it is one of the region's own layouts, checked in
    # Python ('(11) 96123-4567', '98765 43210', '612 34 56 78', '0 801 23 45 67'). Groups
    # of one digit only where layouts have them (a lone trunk 0; '0900 1 234567'), so
    # versions and ISBNs ('978-3-16-148410-0') and dates with times stay out.
    rb"|(?!\d{4}[-/.]\d\d?[-/.]\d\d?(?![0-9])|\d\d?[-/.]\d\d?[-/.]\d{4}(?![0-9]))"
    rb"(?P<layout>(?:\(\d{1,6}\) ?|0[ ./-]|\d{2,6}[ ./-])"
    rb"(?:\d{2,10}|(?:(?<=0\d{3}[ ./-])|(?<=0\d{4}[ ./-]))\d)(?:[ ./-]\d{2,10}){0,4})"
)
# Shapes inside a cluster, found left to right at token starts (first alternative wins).
# Also the engine's prefilter: clusters in which it finds nothing (dates with times, ISBNs,
# decimals, lists of numbers) never reach Python one by one.
# (The engine's prefilter blanks URL escapes first, `blank_escapes`, so '%2081.2.69.160'
# shows its address to these look-behinds.)
SHAPES = re.compile(
    rb"(?<![0-9A-Za-z.])(?P<ip>\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?![0-9.])"
    rb"|(?<![0-9A-Za-z./-])(?:"  # not mid-token: "2023-02-25 02" holds no "02-25 02" phone
    rb"(?P<ssn>\d{3}(?P<ssep>[- ])\d{2}(?P=ssep)\d{4})"
    # 26 digits: a Polish account number (NRB), the IBAN without its 'PL'
    rb"|(?P<nrb>\d{26}(?![0-9])|\d\d \d{4} \d{4} \d{4} \d{4} \d{4} \d{4}(?![0-9]))"
    rb"|(?P<card>\d{4}(?P<csep>[ -])\d{4,6}(?P=csep)\d{4,5}(?:(?P=csep)\d{1,4}){0,3})"
    rb"|" + _PHONE_SHAPES +
    # 9-11: SSN/phone with context; 12+: card issuers, or a phone with its trunk 0 and context
    # 12-19 digits: the IIN blocks (validators._IIN_TABLE); runs led by 1, 8 or 9 only where a
    # block is (UATP, JCB 1800, GPN 1946; RuPay, UnionPay 81-82; Troy 9792, Humo 9860)
    rb"|(?P<run>\d{9,11}|[2-6]\d{11,18}|1\d{14,18}|8[12]\d{12,17}|9[78]\d{14}|0\d{11,12})"
    rb")(?![0-9])"
)
_URL_ESCAPE = re.compile(rb"%[0-9A-Fa-f]{2}")
# '0.19860906': the only shape it has is a lone trunk 0 and a group (SHAPES' layout), and
# `_phone_shape` takes a number with one dot only next to a phone word. Data files hold them
# by the thousand (half the digit clusters of documentation text).
_BARE_DECIMAL = re.compile(rb"0\.\d{8,10}")
_NOT_DIGITS = bytes(c for c in range(256) if not 48 <= c <= 57)


def without_bare_decimals(buf: bytes, items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The digit clusters (start, end before the terminator) less the bare decimals with no
    phone word or sign in the 32 bytes before: `cluster` finds nothing in those. The words
    are looked for as plain bytes, a superset of `near`'s whole words, by hyperscan over all
    the windows joined."""
    decimals = [
        i
        for i, (s, e) in enumerate(items)
        if buf[s] == 0x30
        and buf[s - 1] != 0x25  # a URL escape before: cluster reads it its own way
        and _BARE_DECIMAL.fullmatch(buf[s : e + 1].rstrip(_NOT_DIGITS))
    ]
    if not decimals:
        return items
    windows = [buf[max(0, items[i][0] - 32) : items[i][0]] for i in decimals]
    offsets = list(accumulate(len(w) + 1 for w in windows))
    words = compiled(
        ctx.phone_signals(), hyperscan.HS_FLAG_CASELESS, literal=True, holds_no_one=True
    )
    worded = {
        decimals[bisect_right(offsets, end - 1)] for _, _, end in words.scan(b"\n".join(windows))
    }
    dropped = set(decimals) - worded
    return [item for i, item in enumerate(items) if i not in dropped]


def blank_escapes(joined: bytes) -> bytes:
    """URL escapes ('%20', '%2C') as three spaces, the same length: separators to SHAPES."""
    return _URL_ESCAPE.sub(b"   ", joined) if b"%" in joined else joined


# A phone where a card or IPv4 shape matched but is none ('0800 1759 1033', '912.34.56.78').
_PHONE_AT = re.compile(rb"(?:" + _PHONE_SHAPES + rb")(?![0-9])")
# Brazilian CPF (a tax id): never a phone, whatever region reads its digits
_CPF = re.compile(rb"\d{3}\.\d{3}\.\d{3}-\d{2}")


def cluster(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> list[Hit] | None:
    """Digit cluster -> ip_address v4 / us_ssn / credit_card / phone, by shape; dates, parts of
    bigger numbers (1,234,567,890 / 1.2.3.4.5) and tokens glued to letters are dropped.
    `s` is the cluster's leftmost digit (hyperscan start of match)."""
    e = ends[-1]
    while e > s and not IS_DIGIT[buf[e - 1]]:
        e -= 1
    if e - s > _MAX_CLUSTER or (
        alnum_after(buf, e, hi) and not _GLUED_EXTENSION.match(buf, e, min(hi, e + 14))
    ):
        return None  # glued to letters, unless an extension: '269-541-4584x068'

    escape = s - 1 if s > lo and buf[s - 1] == 0x25 else None  # '%' right before, or one
    if escape is None and s - 1 > lo and buf[s - 2] == 0x25:  # before a hex letter ('%2C')
        escape = s - 2
    if (
        escape is not None
        and escape + 3 < e
        and IS_HEX[buf[escape + 1]]
        and IS_HEX[buf[escape + 2]]
    ):
        s = escape + 3  # '%20' then the number: the escape's hex digits are not the number's
        while s < e and not IS_DIGIT[buf[s]] and buf[s] not in b"(+":
            s += 1
    if s > lo and buf[s - 1] in b"(+":  # "(212) ...", "+44 ..."
        s -= 1
        if buf[s] == 0x28 and s > lo and buf[s - 1] == 0x2B:
            s -= 1
    elif s - 1 > lo and buf[s - 1] == 0x20 and buf[s - 2] == 0x2B:  # "+ 34 93 693 29 05"
        s -= 2
    if buf[s] == 0x2B:  # '+': only a digit before makes it a sum ('Tfno.+34 ...' is fine)
        glued = s > lo and IS_DIGIT[buf[s - 1]] == 1
    else:
        glued = s > lo and (alnum_before(buf, s, lo) or buf[s - 1] in _BAD_BEFORE)
    if glued and not escape_before(buf, s, lo):
        return None
    text = buf[s:e]
    if _DATE_START.match(text):
        return None  # "2023-11-15 14:30", "15.11.2023 ..." and friends
    types = run.types
    found: list[Hit] = []
    prev_end = -2  # end of the previous shape in the cluster
    for m in SHAPES.finditer(text):
        kind = m.lastgroup
        follows = m.start() == prev_end + 1  # one separator after the previous shape
        prev_end = m.end()
        a, b = s + m.start(), s + m.end()
        hit: Hit | None = None
        if kind == "ip":
            hit = _ipv4(buf, a, b, lo, hi, run) if not _IP_TYPES.isdisjoint(types) else None
            if (
                hit is None
                and "phone" in types
                and (m.start() == 0 or text[m.start() - 1] not in b"/-")
                and ipv4_octets(m.group().decode("ascii")) is None
            ):  # four dotted groups that are no address: '612.34.56.78' in Spain
                pm = _PHONE_AT.match(text, m.start())
                if pm is not None:
                    hit = _phone_shape(buf, a, lo, hi, run, text, pm, follows)
        elif kind == "ssn":
            hit = _ssn(buf, a, b, lo, hi, run, m.group()) if "us_ssn" in types else None
        elif kind == "card":
            if "credit_card" in types:
                hit = _card_grouped(buf, a, lo, hi, run, text, m.start(), m.end())
            if hit is None and "phone" in types and _card_shape_may_be_phone(text, m):
                pm = _PHONE_AT.match(text, m.start())
                if pm is not None:
                    hit = _phone_shape(buf, a, lo, hi, run, text, pm, follows)
        elif kind == "phone" or kind == "layout":
            if "phone" in types:
                hit = _phone_shape(buf, a, lo, hi, run, text, m, follows)
                if hit is None and kind == "layout":  # 'OH 45778 214.775.8739': a layout
                    hit = _nanp_inside(buf, s, lo, hi, run, text, m)  # that is none
        elif kind == "nrb":
            hit = _nrb(a, b, lo, hi, run, m.group()) if "iban" in types else None
        else:
            hit = _bare_run(buf, a, b, lo, hi, run, m.group())
        if hit is not None:
            found.append(_with_extension(buf, hit, hi) if hit[0] == "phone" else hit)
    return found or None


_GLUED_EXTENSION = re.compile(rb"(?:x|ext\.?|extn\.?)\d{1,6}(?![0-9A-Za-z])", re.IGNORECASE)
# An extension after a phone number is part of it: 'x4587', 'ext. 12', 'extension 301', '#22'
_EXTENSION = re.compile(rb"[ ,]{0,2}(?:x|ext\.?|extn\.?|extension|#|Durchwahl|poste|int\.)[ .:]{0,2}\d{1,6}(?![0-9A-Za-z])",
                        re.IGNORECASE)  # fmt: skip


def _with_extension(buf: bytes, hit: Hit, hi: int) -> Hit:
    kind, s, e, score, validator = hit
    m = _EXTENSION.match(buf, e, min(hi, e + 24))
    return (kind, s, m.end(), score, validator) if m else hit


_NANP_AT = re.compile(rb"(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![0-9])")


def _nanp_inside(
    buf: bytes, s: int, lo: int, hi: int, run: ConfirmContext, text: bytes, m: re.Match[bytes]
) -> Hit | None:
    """A North American number at a later group of a layout match that failed (the layout
    shape took a ZIP code or a year in front of it)."""
    for at in range(m.start() + 1, m.end()):
        if text[at - 1] in b" ./-" and IS_DIGIT[text[at]] or text[at] == 0x28:
            pm = _NANP_AT.match(text, at)
            if pm is not None:
                return _phone_shape(buf, s + at, lo, hi, run, text, pm, False)
    return None


def _card_shape_may_be_phone(text: bytes, m: re.Match[bytes]) -> bool:
    """A card-shaped run of three groups that is no card may be a phone ('0800 1759 1033',
    '0091 98765 43210', '1800 1234 5678'); longer runs (IBAN tails, card look-alikes) not."""
    return text.count(m.group("csep"), m.start(), m.end()) == 2


# --- IPv4 ------------------------------------------------------------------------------------


def _ipv4(buf: bytes, s: int, e: int, lo: int, hi: int, run: ConfirmContext) -> Hit | None:
    """ip_address v4: octets 0-255 without leading zeros, not in a version/release context;
    version-like low octets (all < 10, 0.0.0.0) need an ip/server/host word."""
    octets = ipv4_octets(buf[s:e].decode("ascii"))
    if octets is None:
        return None
    if buf.startswith(b" is out", e):
        return None
    word = _word_before(buf, s, lo)
    if word in ctx.version_words() or word in _OID_WORDS:  # 'version 2.10.3.1': whatever
        return None  # follows; 'ObjectIdentifier("2.5.29.27")', an X.509 object identifier
    if _word_after(buf, e, hi) in _VERSION_NOUNS:
        return None  # '2.0.0.6 release', '10.0.19041.1 build'
    ip_words = run.near(ctx.IP_POSITIVE, s, e, lo, hi, 32, 16)
    if not ip_words and run.near(ctx.VERSION, s, e, lo, hi, 24, 16):
        return None
    score = 0.85
    if octets == [0, 0, 0, 0] or all(o < 10 for o in octets):
        score = 0.8 if ip_words else 0.3
    technical = technical_ipv4(octets)
    prefix = _prefix_length(buf, e, hi, 32)
    if prefix is not None:  # CIDR: '10.0.0.0/8'
        e, bits = prefix
        if technical is None and bits < _PERSONAL_PREFIX_V4:
            technical = "network"
    return _ip_hit(s, e, score, "ipv4", technical, run)


# A network at least this narrow may be one subscriber's (a static /29 at home; an IPv6 /48
# or /56 per customer, RFC 6177), so it counts as their address; wider ones are a provider's.
_PERSONAL_PREFIX_V4 = 29
_PERSONAL_PREFIX_V6 = 48


def _prefix_length(buf: bytes, e: int, hi: int, most: int) -> tuple[int, int] | None:
    """(end, bits) of a CIDR suffix '/N' right after an address at `e`, or None."""
    if e >= hi or buf[e] != 0x2F:
        return None
    j = e + 1
    while j < hi and j - e <= 3 and IS_DIGIT[buf[j]]:
        j += 1
    digits = buf[e + 1 : j]
    if not digits or (len(digits) > 1 and digits[0] == 0x30) or int(digits) > most:
        return None
    if j < hi and (IS_ALNUM[buf[j]] or buf[j] == 0x2F):  # '/24px', a path
        return None
    if j + 1 < hi and buf[j] == 0x2E and IS_ALNUM[buf[j + 1]]:  # '/8.5'; a full stop is fine
        return None
    return j, int(digits)


_IP_TYPES = frozenset({"ip_address", "ip_technical"})


def _ip_hit(s: int, e: int, score: float, kind: str, technical: str | None,
            run: ConfirmContext) -> Hit | None:  # fmt: skip
    """An address names a machine someone uses; a technical one (loopback, private, ...)
    is reported, as ip_technical, only when asked for."""
    if technical is not None:
        if "ip_technical" not in run.types:
            return None
        return ("ip_technical", s, e, score, f"{kind}-{technical}")
    return ("ip_address", s, e, score, kind) if "ip_address" in run.types else None


_DOC_V4 = ((192, 0, 2), (198, 51, 100), (203, 0, 113))  # RFC 5737 TEST-NET-1/2/3
# Anycast DNS resolvers everyone uses (Google, Cloudflare, Quad9, OpenDNS, Level 3): a
# company's service, the commonest public addresses in documentation and configuration.
_PUBLIC_RESOLVERS_V4 = frozenset((
    (8, 8, 8, 8), (8, 8, 4, 4), (1, 1, 1, 1), (1, 0, 0, 1), (9, 9, 9, 9), (149, 112, 112, 112),
    (208, 67, 222, 222), (208, 67, 220, 220), (4, 2, 2, 1), (4, 2, 2, 2),
))  # fmt: skip


def technical_ipv4(octets: list[int]) -> str | None:
    """Why an IPv4 address names no one's machine, or None: RFC 1122 / 1918 / 3927 / 5771 /
    6598 / 1112 ranges, netmasks, and the documentation ranges of RFC 5737."""
    a, b = octets[0], octets[1]
    if a == 0:
        return "unspecified"  # 0.0.0.0/8, 'this network' (RFC 1122)
    if tuple(octets) in _PUBLIC_RESOLVERS_V4:
        return "public-resolver"
    if (a, b, octets[2]) in _DOC_V4:
        return "documentation"
    if a == 127:
        return "loopback"
    if a == 10 or (a == 172 and 16 <= b <= 31) or (a == 192 and b == 168):
        return "private"
    if a == 100 and 64 <= b <= 127:
        return "shared"  # carrier-grade NAT (RFC 6598)
    if a == 169 and b == 254:
        return "link-local"
    if 224 <= a <= 239:
        return "multicast"
    if a == 255 or _is_netmask(octets):
        return "netmask"
    if a >= 240:
        return "reserved"
    return None


def _is_netmask(octets: list[int]) -> bool:
    value = (octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]
    inverted = ~value & 0xFFFFFFFF
    return octets[0] == 255 and (inverted & (inverted + 1)) == 0


_VERSION_NOUNS = frozenset(b"release build beta rc firmware patch sdk kernel changelog".split())
_OID_WORDS = frozenset((b"oid", b"objectidentifier", b"object_identifier", b"asn1_object"))


def _word_before(buf: bytes, start: int, lo: int) -> bytes:
    """The whole word right before `start` (lower case; separators, quotes and 'v' glued to
    the number as in 'v1.2.3.4' count), or b'' when none is there."""
    i = start
    while i > lo and buf[i - 1] in b" \t:=#(-\"'":
        i -= 1
    j = i
    while j > lo and IS_ALNUM[buf[j - 1]]:
        j -= 1
    return buf[j:i].lower()


def _word_after(buf: bytes, end: int, hi: int) -> bytes:
    """The whole word right after `end` past one space (lower case), or b''."""
    i = end + 1 if end < hi and buf[end] == 0x20 else end
    j = i
    while j < hi and IS_ALNUM[buf[j]]:
        j += 1
    return buf[i:j].lower() if j < hi and not IS_ALNUM[buf[j]] or j == hi else b""


# --- bare digit runs -------------------------------------------------------------------------


def _bare_run(
    buf: bytes, s: int, e: int, lo: int, hi: int, run: ConfirmContext, digits: bytes
) -> Hit | None:
    """9 digits: SSN with ssn context; 9-11: phone only with a phone word (epochs, ids,
    timestamps otherwise); 12-19: a card if Luhn + issuer agree; 12-13 led by the trunk 0
    and no card: phone with a phone word. The national prefix must be there where the
    region's plan requires it (no '1545157245' as a UK number)."""
    n = len(digits)
    if n >= 12:
        card = _card_run(s, e, lo, hi, run, digits) if "credit_card" in run.types else None
        if card is not None or n > 13 or digits[:1] != b"0":
            return card
    elif n == 9:
        wanted = "us_ssn" in run.types and run.near(ctx.SSN, s, e, lo, hi, 40, 16)
        if wanted and ssn_ok(digits.decode("ascii")):
            return ("us_ssn", s, e, 0.8, "ssn-rules+context")
    if (
        "phone" in run.types
        and run.near(ctx.PHONE, s, e, lo, hi, 48, 16)
        and not run.near(ctx.PHONE_NEGATIVE, s, e, lo, hi, 24, 0)
    ):
        if is_valid_phone(digits, run.region) and national_layout_ok(digits, run.region):
            return ("phone", s, e, 0.75, "phonenumbers+context")
        found = _from_context(digits, lo, hi, run, False, nanp=n == 10 and digits[:1] != b"0")
        if found is not None:
            return ("phone", s, e, found[0], found[1])
    return None


def _nrb(s: int, e: int, lo: int, hi: int, run: ConfirmContext, raw: bytes) -> Hit | None:
    """iban: a Polish account number (NRB) is its IBAN without 'PL'; next to an account word
    ('rachunku', 'konto', 'account', 'IBAN') and valid as 'PL' + its digits."""
    if not run.near(ctx.ACCOUNT, s, e, lo, hi, 48, 8):
        return None
    return (
        ("iban", s, e, 0.9, "iban-mod97-nrb")
        if iban_ok("PL" + raw.replace(b" ", b"").decode())
        else None
    )


# --- US SSN ----------------------------------------------------------------------------------


def _ssn(
    buf: bytes, s: int, e: int, lo: int, hi: int, run: ConfirmContext, text: bytes
) -> Hit | None:
    """us_ssn AAA-GG-SSSS: SSA rules (no 000/666/9xx area, 00 group, 0000 serial, no famous
    sample numbers); the space-separated form needs an ssn word to pass the threshold."""
    if not ssn_ok(text.translate(None, b" -").decode("ascii")):
        return None
    context = run.near(ctx.SSN, s, e, lo, hi, 48, 16)
    if text[3] == 0x2D:
        return ("us_ssn", s, e, 0.95 if context else 0.8, "ssn-rules")
    return ("us_ssn", s, e, 0.9 if context else 0.45, "ssn-rules")


# --- payment cards ---------------------------------------------------------------------------


def _card_score(
    s: int, e: int, lo: int, hi: int, run: ConfirmContext, needs_context: bool
) -> float:
    # Luhn + IIN is strong, but tracking/ISBN/order numbers can pass both by chance.
    positive = run.near(ctx.CARD_POSITIVE, s, e, lo, hi, 48, 24)
    if needs_context and not positive:
        return 0.3
    if positive:  # "card", "cvv", "visa" right there outweigh an "order" or "ref" nearby
        return 0.98
    if run.near(ctx.CARD_NEGATIVE, s, e, lo, hi, 48, 16):
        return 0.45
    if run.near(ctx.ACCOUNT, s, e, lo, hi, 48, 16):
        # a bank account's digits pass Luhn and an IIN by chance; at a card's usual 16 digits
        # ('Bank account 5500000000000004') it may be either: reported, with less certainty
        buf = run.buf
        sixteen = len(buf[s:e].translate(None, _SEPARATORS)) == 16
        more = e + 1 < hi and buf[e] in b" -" and IS_DIGIT[buf[e + 1]]  # '… 9084 82': longer
        return 0.6 if sixteen and not more and not IS_DIGIT[buf[e]] else 0.45
    return 0.9


# card_issuer looks at the prefix and the length: memoised on the first four digits and the
# length, except where a longer IIN block starts (LONG_PREFIX_HEADS).
_ISSUERS: dict[tuple[bytes, int], tuple[str, bool] | None] = {}
_LONG_HEADS = frozenset(head.encode() for head in LONG_PREFIX_HEADS)
# Luhn on ASCII digit bytes: every second digit from the right doubled (digit sum), as values.
_LUHN_PLAIN = bytes.maketrans(b"0123456789", bytes(range(10)))
_LUHN_DOUBLED = bytes.maketrans(b"0123456789", bytes((0, 2, 4, 6, 8, 1, 3, 5, 7, 9)))


def _card_bytes(digits: bytes) -> tuple[str, bool] | None:
    """(network, needs_context) for 12-19 ASCII digits passing issuer table AND Luhn (as
    validators.card_issuer + luhn_ok, without decoding or a Python loop per digit)."""
    n = len(digits)
    if not 12 <= n <= 19:
        return None
    head = digits[:4]
    issuer: tuple[str, bool] | None
    if head in _LONG_HEADS:  # a six- or eight-digit IIN block starts so: look further
        issuer = card_issuer(digits.decode("ascii"))
    elif (head, n) in _ISSUERS:
        issuer = _ISSUERS[(head, n)]
    else:
        issuer = _ISSUERS[(head, n)] = card_issuer(digits.decode("ascii"))
    if issuer is None:
        return None
    plain = sum(digits[-1::-2].translate(_LUHN_PLAIN))
    if (plain + sum(digits[-2::-2].translate(_LUHN_DOUBLED))) % 10:
        return None
    return issuer


def _card_run(s: int, e: int, lo: int, hi: int, run: ConfirmContext, digits: bytes) -> Hit | None:
    """credit_card, contiguous 12-19 digits: Luhn AND issuer prefix/length table."""
    found = _card_bytes(digits)
    if found is None:
        return None
    return ("credit_card", s, e, _card_score(s, e, lo, hi, run, found[1]), "luhn+iin")


def _grouping_ok(sizes: list[int]) -> bool:
    # 4-4-4-4(-3), 4-4-4-x (13-15 digit cards), Amex 4-6-5, Diners 4-6-4.
    if sizes in ([4, 6, 5], [4, 6, 4]):
        return True
    return len(sizes) >= 3 and all(n == 4 for n in sizes[:-1]) and 1 <= sizes[-1] <= 4


_IBAN_HEAD = re.compile(rb"[A-Z]{2}\d{2} ?\Z")
_NEXT_GROUP = re.compile(rb"([ -])(\d+)")


def _card_grouped(
    buf: bytes, s: int, lo: int, hi: int, run: ConfirmContext, text: bytes, begin: int, end: int
) -> Hit | None:
    """credit_card in groups ('4111 1111 1111 1111'): the longest group prefix that has a
    card layout and passes Luhn + issuer; not when an IBAN country code precedes it."""
    if _IBAN_HEAD.search(buf, max(lo, s - 5), s):
        return None
    sep = text[begin + 4 : begin + 5]
    groups = text[begin:end].split(sep)
    after = _NEXT_GROUP.match(text, end)
    if after is not None and after.group(1) == sep:
        groups.append(after.group(2))  # a 5th/6th group the layout regex did not take
    all_sizes = list(map(len, groups))
    for j in range(len(groups), 2, -1):
        if j < len(groups) and all_sizes[j] > 2:
            continue  # more digit groups follow: a longer number that merely starts card-like
        sizes = all_sizes[:j]
        if not _grouping_ok(sizes):
            continue
        found = _card_bytes(b"".join(groups[:j]))
        if found is None:
            continue
        stop = s + sum(sizes) + j - 1
        return ("credit_card", s, stop, _card_score(s, stop, lo, hi, run, found[1]), "luhn+iin")
    return None


# --- phones ----------------------------------------------------------------------------------

_FALLBACK_REGIONS = ("GB", "DE", "FR", "IT", "ES", "NL", "AU", "IN", "BR", "MX", "JP", "CA", "CN")
_NON_DIGITS = re.compile(rb"\D+")


def _nanp_written(raw: bytes) -> bool:
    """'(AAA) BBB-CCCC', 'AAA.BBB.CCCC', '1-AAA-BBB-CCCC'."""
    sizes = [len(g) for g in _NON_DIGITS.split(raw) if g]
    return sizes == [3, 3, 4] or (sizes == [1, 3, 3, 4] and raw.lstrip(b"(")[:1] == b"1")


def _nanp_shaped(raw: bytes) -> bool:
    """'(AAA) BBB-CCCC' / 'AAA-BBB-CCCC': written the North American way, so it is judged as a
    North American number only (an invalid one is not a foreign number in disguise)."""
    return [len(g) for g in _NON_DIGITS.split(raw) if g] == [3, 3, 4]


def _phone_shape(
    buf: bytes,
    a: int,
    lo: int,
    hi: int,
    run: ConfirmContext,
    text: bytes,
    m: re.Match[bytes],
    follows: bool,
) -> Hit | None:
    """A phone shape found in a cluster (`a` is its start in `buf`): checks its place in the
    cluster, then `_phone`. `follows`: it comes one separator after another shape (two
    phones in a row: '(702) 370-1853 713.455.6485')."""
    start = m.start()
    raw = m.group()
    # A digit group one separator before that no shape took: the phone-like part is the tail
    # of a bigger grouped number (an ISBN, a price '1 234 030 123 456'). Not for the North
    # American 3-3-4 shape, which a ZIP code, a year or a coordinate often precedes
    # ('OH 45778 214.775.8739', 'born 1966 (617) 412-0260'): found before, kept.
    if (
        not follows
        and start >= 2
        and text[start - 1] in b" .-/"
        and IS_DIGIT[text[start - 2]]
        and not _nanp_written(raw)
    ):
        return None
    # digits the shape left in the cluster: more than a stray group means the phone-like
    # start is part of a bigger number
    rest = len(text[m.end() :].translate(None, _SEPARATORS))
    if rest > 2 or _CPF.fullmatch(raw):
        return None
    if (
        raw.count(b".") == 1
        and raw.replace(b".", b"").isdigit()
        and not run.near(ctx.PHONE, a, a + len(raw), lo, hi, 32, 0)
    ):
        return None  # '365.2587565 days': a decimal number, unless a phone word says not
    return _phone(buf, a, lo, hi, run, raw, trim=rest == 0, layout=m.lastgroup == "layout")


def _from_context(
    raw: bytes, lo: int, hi: int, run: ConfirmContext, layout: bool, nanp: bool
) -> tuple[float, str] | None:
    """(score, how) when `raw`, a number under a phone word that is none of the scan
    region's, is valid in a region its record points to (phone_region: another number's
    country code, a country's domain or name, the language); else in one of the commonest
    regions, with a lower score when several would take it. Never a number written the
    North American way ('(012) 345-6789'): that is an invalid one, not a foreign one."""
    if nanp:
        return None  # '(012) 345-6789' is an invalid North American number, not a German one
    digits = raw.translate(None, _SEPARATORS)
    if raw.lstrip(b"( ")[:1] == b"+" or digits[:2] == b"00" or not 6 <= len(digits) <= 14:
        return None  # the country is written ('+1 154 ...'), or no national number's length
    cues = run.cues.get(lo)
    if cues is None:
        cues = run.cues[lo] = record_regions(run.buf, lo, hi)
    for region, how in cues:  # the record names the region: any of its layouts will do
        if region != run.region and _valid(raw, region, layout):
            return (0.7 if how == "language" else 0.75), f"phonenumbers-{region}-from-{how}"
    written = _country_code_without_plus(raw, digits)
    if written is not None:  # 'Tfno. 34-607819141', 'phone 31612234567'
        return 0.6, f"phonenumbers-{written}-code-without-plus"
    if not (layout or raw[:1] in (b"0", b"(")):
        return None  # a guess needs the trunk 0 or one of a region's own layouts
    valid = [r for r in _FALLBACK_REGIONS if r != run.region and _valid(raw, r, layout, True)]
    if not valid:
        return None
    return (0.7 if len(valid) == 1 else 0.6), f"phonenumbers-{valid[0]}-guessed"


def _country_code_without_plus(raw: bytes, digits: bytes) -> str | None:
    """The region of a number that starts with its country code but lost its '+' (at least
    10 digits, so a national number is not read as one; written in groups, the first group
    is the code: '34-607819141', not the price '78 045 995 162,13'), or None."""
    if len(digits) < 10 or digits[:1] == b"0":
        return None
    try:
        number = phonenumbers.parse("+" + digits.decode("ascii"))
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    groups = _NON_DIGITS.split(raw.strip(b"()"))
    if len(groups) > 1 and groups[0] != str(number.country_code).encode():
        return None
    return phonenumbers.region_code_for_number(number)


def _valid(raw: bytes, region: str, layout: bool, guessed: bool = False) -> bool:
    """Valid in `region`; other groupings (`layout`) also written the region's way. A number
    in the NANP or trunk-0 shapes without its trunk 0 (or +) is checked against the region's
    plan too, outside North America: '154-440-9823' is no UK number, as the UK writes 01544."""
    if not is_valid_phone(raw, region):
        return False
    if layout:
        return national_layout_ok(raw, region, strict=guessed)
    if raw.lstrip(b"(")[:1] in (b"+", b"0") or country_code(region) == 1:
        return True
    return national_layout_ok(raw, region, strict=guessed)


def _phone(
    buf: bytes,
    s: int,
    lo: int,
    hi: int,
    run: ConfirmContext,
    text: bytes,
    trim: bool = True,
    layout: bool = False,
) -> Hit | None:
    """phone: +intl / 00 intl / NANP / trunk-0 national shapes, validated with libphonenumber
    metadata (region hint for numbers without +); trailing groups that make it invalid are
    trimmed ('call 212 555 0123 2 times'). Other groupings (`layout`) must also be written the
    way the region writes its numbers (phone.national_layout_ok)."""
    raw = text
    for attempt in range(2):
        e = s + len(raw)
        if _valid(raw, run.region, layout):
            score, how = 0.85, "phonenumbers"
            break
        if not layout and country_code(run.region) != 1 and _nanp_written(raw):
            # written the North American way: judged as a North American number
            if is_valid_phone(raw, "US"):
                score, how = 0.7, "phonenumbers-US-written"
                break
        elif attempt == 0 and run.near(ctx.PHONE, s, e, lo, hi, 48, 0):
            # a national number from abroad under a phone word; a trimmed number must be
            # valid where the text is from
            found = _from_context(raw, lo, hi, run, layout, nanp=_nanp_shaped(raw))
            if found is not None:
                score, how = found
                break
        # One short trailing group may be something else ("212 555 0123 2 times"); more
        # than that and the phone-like start is just part of a bigger number.
        cut = max(raw.rfind(b" "), raw.rfind(b"-"), raw.rfind(b"."))
        if attempt or not trim or cut < 6 or len(raw) - cut > 5:
            return None
        raw = raw[:cut].rstrip(b" .-/(")
    else:
        return None
    if run.near(ctx.PHONE, s, e, lo, hi, 32, 16):  # 'Tel.: ...', '... is my cell'
        score = min(1.0, score + 0.1)
    elif run.near(ctx.PHONE_NEGATIVE, s, e, lo, hi, 24, 0):
        score -= 0.4
    return ("phone", s, e, score, how)


# --- IPv6 / IBAN (own patterns) --------------------------------------------------------------


def ipv6(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext) -> Hit | None:
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
    if text.count(":") < 2:
        return None
    groups = [g for g in text.split(":") if g]
    if (len(groups) < 2 or sum(len(g) for g in groups if "." not in g) < 4) and not (
        "::" in text and run.near(ctx.IP_POSITIVE, s, e, lo, hi, 40, 8)
    ):
        return None  # '12:30', 'std::x'; a short '::1' or '12::1' only next to an IP word
    if "::" not in text and len(groups) < 6 and not any(c in "abcdefABCDEF" for c in text):
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version != 6:
        return None
    technical = technical_ipv6(address)  # type: ignore[arg-type]
    prefix = _prefix_length(buf, e, hi, 128)
    if prefix is not None:  # '2001:db8::/32'
        e, bits = prefix
        if technical is None and bits < _PERSONAL_PREFIX_V6:
            technical = "network"
    return _ip_hit(s, e, 0.85, "ipv6", technical, run)


_ULA = ipaddress.ip_network("fc00::/7")
_DOC_V6 = ipaddress.ip_network("2001:db8::/32")
_DOC_V6_2024 = ipaddress.ip_network("3fff::/20")
_PUBLIC_RESOLVERS_V6 = frozenset(
    ipaddress.IPv6Address(a)
    for a in ("2001:4860:4860::8888", "2001:4860:4860::8844", "2606:4700:4700::1111",
              "2606:4700:4700::1001", "2620:fe::fe", "2620:fe::9", "2620:119:35::35")
)  # fmt: skip


def technical_ipv6(address: ipaddress.IPv6Address) -> str | None:
    """Why an IPv6 address names no one's machine, or None (RFC 4291 / 4193 ranges, and the
    documentation prefixes 2001:db8::/32 of RFC 3849 and 3fff::/20 of RFC 9637)."""
    if address.is_unspecified:
        return "unspecified"
    if address in _DOC_V6 or address in _DOC_V6_2024:
        return "documentation"
    if address.ipv4_mapped is not None:  # '::ffff:192.168.0.1' is what its IPv4 part is
        return technical_ipv4([int(o) for o in str(address.ipv4_mapped).split(".")])
    if address in _PUBLIC_RESOLVERS_V6:
        return "public-resolver"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address in _ULA:
        return "private"
    return None


def iban(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext) -> Hit | None:
    """iban: country length table AND ISO 13616 mod-97 == 1, with or without 4-groups
    (spaces, or hyphens as some forms print them: 'PL50-1020-5558-...')."""
    if glued_left(buf, s, lo):
        return None
    for e in reversed(ends):
        while buf[e - 1] in b" -":
            e -= 1
        compact = buf[s:e].replace(b" ", b"").replace(b"-", b"").decode("ascii")
        if iban_ok(compact):
            return ("iban", s, e, 1.0, "iban-mod97")
    return None
