"""Synthetic web-like datasets with planted personal data and exact ground truth.

Two users share this module: `write_demo_dataset` (a small dataset in every supported format,
with one fictional person to search for) and `benchmarks/make_corpus.py` (hundreds of MB of
JSONL), which imports the generators and `DocFactory` from here so both agree on what each
PII type looks like.

Truth is exact by construction: every text is assembled piece by piece in a `TextBuilder`,
which records the character span of each planted value while appending it. Nothing is searched
for afterwards. Decoys (strings that look like PII to a plain pattern but are not) are counted,
never put in the truth.

Conventions of the truth:
- `url` covers http(s) URLs that are not social profiles; bare site paths such as
  `github.com/features` are decoys.
- `social_handle` covers "@handle" (with the "@") written next to a platform name, and social
  profile URLs (https://x.com/name, https://github.com/name, ...), as expunge reports them.
- `date_of_birth` covers the date only, never the "born on" words around it.
- `secret` covers the key itself (for a PEM block: BEGIN to END lines inclusive).
- `person` is never planted: names occur all over the text and are not in the truth.
- The WARC shard of the demo dataset is not in `truth.jsonl`: its offsets would depend on how
  HTML is turned into text. Its planted values are listed in `_truth_warc_values.jsonl`.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import html
import io
import ipaddress
import random
import string
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

# Every entity type expunge knows; `person` is found by NER and never planted here.
ENTITY_TYPES: tuple[str, ...] = (
    "email",
    "phone",
    "credit_card",
    "iban",
    "ip_address",
    "us_ssn",
    "url",
    "social_handle",
    "street_address",
    "date_of_birth",
    "person",
    "crypto_wallet",
    "secret",
)
PLANTED_TYPES: tuple[str, ...] = tuple(t for t in ENTITY_TYPES if t != "person")

DECOY_KINDS: tuple[str, ...] = (
    "isbn13",
    "iban_tail",
    "tracking_number",
    "order_number",
    "version_string",
    "price",
    "coordinates",
    "timestamp",
    "plain_date",
    "invalid_luhn16",
    "invalid_ssn",
    "invalid_phone",
    "email_like_filename",
    "site_path",
    "placeholder_secret",
    "code_annotation",
    "git_sha",
    "tx_hash",
    "uuid",
)

_ORJSON_OPTS = orjson.OPT_SORT_KEYS
_ALNUM = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# Text assembly with span tracking
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    type: str
    start: int
    end: int


class TextBuilder:
    """Concatenates pieces and remembers where each planted value starts and ends.

    Offsets are counted in Python characters (code points) — the unit expunge reports.
    """

    __slots__ = ("_len", "_parts", "decoy_spans", "decoys", "spans")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self.spans: list[Span] = []
        self.decoys: dict[str, int] = {}
        # Where decoys sit (type = decoy kind): lets a benchmark say what a false positive hit.
        self.decoy_spans: list[Span] = []

    def add(self, piece: str) -> None:
        self._parts.append(piece)
        self._len += len(piece)

    def pii(self, type_: str, value: str) -> None:
        self.spans.append(Span(type_, self._len, self._len + len(value)))
        self.add(value)

    def decoy(self, kind: str, value: str) -> None:
        self.decoys[kind] = self.decoys.get(kind, 0) + 1
        self.decoy_spans.append(Span(kind, self._len, self._len + len(value)))
        self.add(value)

    def __len__(self) -> int:
        return self._len

    def text(self) -> str:
        return "".join(self._parts)


# --------------------------------------------------------------------------------------------
# Value generators and validators (pure functions of a seeded `random.Random`)
# --------------------------------------------------------------------------------------------


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _chars(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _group(s: str, sizes: Sequence[int], sep: str) -> str:
    out, i = [], 0
    for size in sizes:
        out.append(s[i : i + size])
        i += size
    if i < len(s):
        out.append(s[i:])
    return sep.join(p for p in out if p)


def luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return bool(digits) and total % 10 == 0


def luhn_complete(body: str) -> str:
    """Append the check digit that makes `body` pass Luhn."""
    for c in string.digits:
        if luhn_valid(body + c):
            return body + c
    raise AssertionError("unreachable: one digit always completes a Luhn sum")


# (issuer prefix choices, total length, grouping) — real IIN ranges so issuer checks pass.
_CARD_BRANDS: tuple[tuple[tuple[str, ...], int, tuple[int, ...]], ...] = (
    (("4",), 16, (4, 4, 4, 4)),  # Visa
    (("51", "52", "53", "54", "55", "2221", "2500", "2720"), 16, (4, 4, 4, 4)),  # Mastercard
    (("34", "37"), 15, (4, 6, 5)),  # Amex
    (("6011", "65"), 16, (4, 4, 4, 4)),  # Discover
    (("3528", "3566", "3589"), 16, (4, 4, 4, 4)),  # JCB
)
_CARD_WEIGHTS = (45, 30, 12, 8, 5)


def make_card(rng: random.Random) -> str:
    prefixes, length, groups = rng.choices(_CARD_BRANDS, _CARD_WEIGHTS)[0]
    prefix = rng.choice(prefixes)
    number = luhn_complete(prefix + _digits(rng, length - len(prefix) - 1))
    style = rng.random()
    if style < 0.5:
        return _group(number, groups, " ")
    if style < 0.7:
        return _group(number, groups, "-")
    return number


# BBAN layouts: n digit, a upper-case letter, c alphanumeric. Lengths per the IBAN registry.
IBAN_LAYOUTS: dict[str, str] = {
    "DE": "n" * 18,
    "GB": "aaaa" + "n" * 14,
    "FR": "n" * 10 + "c" * 11 + "n" * 2,
    "NL": "aaaa" + "n" * 10,
    "ES": "n" * 20,
    "IT": "a" + "n" * 10 + "c" * 12,
    "CH": "n" * 5 + "c" * 12,
    "AT": "n" * 16,
    "BE": "n" * 12,
    "PL": "n" * 24,
}
IBAN_LENGTHS: dict[str, int] = {cc: 4 + len(layout) for cc, layout in IBAN_LAYOUTS.items()}
_BANK_CODES = {"GB": ("NWBK", "BARC", "LOYD", "MIDL", "HBUK"), "NL": ("ABNA", "INGB", "RABO")}


def _iban_number(s: str) -> int:
    return int("".join(str(int(c, 36)) for c in s))


def iban_valid(iban: str) -> bool:
    s = iban.replace(" ", "").upper()
    if IBAN_LENGTHS.get(s[:2]) != len(s):
        return False
    return _iban_number(s[4:] + s[:4]) % 97 == 1


def make_bban(rng: random.Random, country: str) -> str:
    out = []
    for cls in IBAN_LAYOUTS[country]:
        if cls == "n":
            out.append(rng.choice(string.digits))
        elif cls == "a":
            out.append(rng.choice(string.ascii_uppercase))
        else:  # real account parts are mostly digits even where letters are allowed
            out.append(rng.choice(string.ascii_uppercase if rng.random() < 0.2 else string.digits))
    bban = "".join(out)
    if country in _BANK_CODES:
        bban = rng.choice(_BANK_CODES[country]) + bban[4:]
    return bban


def iban_from_bban(country: str, bban: str) -> str:
    check = 98 - _iban_number(bban + country + "00") % 97
    return f"{country}{check:02d}{bban}"


def make_iban(rng: random.Random) -> str:
    country = rng.choices(list(IBAN_LAYOUTS), (30, 15, 12, 10, 8, 7, 5, 5, 4, 4))[0]
    iban = iban_from_bban(country, make_bban(rng, country))
    return _group(iban, [4] * 8, " ") if rng.random() < 0.65 else iban


def ssn_valid(ssn: str) -> bool:
    parts = ssn.split("-")
    if (
        len(parts) != 3
        or [len(p) for p in parts] != [3, 2, 4]
        or not ssn.replace("-", "").isdigit()
    ):
        return False
    area, group, serial = (int(p) for p in parts)
    return 0 < area < 900 and area != 666 and group > 0 and serial > 0


def make_ssn(rng: random.Random) -> str:
    while True:
        ssn = f"{rng.randint(1, 899):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
        # 078-05-1120 and 123-45-6789 are famous sample numbers that validators reject.
        if ssn_valid(ssn) and ssn not in ("078-05-1120", "123-45-6789"):
            return ssn


_PRIVATE_FIRST_OCTETS = {0, 10, 100, 127, 169, 172, 192, 198, 224}


def make_ipv4(rng: random.Random) -> str:
    if rng.random() < 0.3:  # documentation ranges, as in RFC 5737 examples
        return f"{rng.choice(('192.0.2', '198.51.100', '203.0.113'))}.{rng.randint(1, 254)}"
    while True:
        first = rng.randint(1, 223)
        if first not in _PRIVATE_FIRST_OCTETS:
            return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def make_ipv6(rng: random.Random) -> str:
    prefix = rng.choice((0x20010DB8, 0x2A001450, 0x26001F18, 0x2A030000, 0x24068600))
    groups = [prefix >> 16, prefix & 0xFFFF] + [rng.getrandbits(16) for _ in range(6)]
    if rng.random() < 0.6:  # zero run so the address compresses with "::"
        start = rng.randint(2, 5)
        for i in range(start, start + rng.randint(2, 3)):
            groups[i] = 0
    value = 0
    for g in groups:
        value = (value << 16) | g
    return ipaddress.IPv6Address(value).compressed


# --- phones: every one validated with phonenumbers, so detectors that validate agree ---

_US_AREAS = (201, 202, 206, 212, 213, 214, 215, 303, 305, 312, 313, 404, 415, 503, 512, 602,
             617, 646, 702, 713, 718, 773, 808, 818, 917, 919)  # fmt: skip


def _us_phone(rng: random.Random) -> str:
    a = rng.choice(_US_AREAS)
    e = rng.randint(200, 999)
    line = f"{rng.randint(100, 199):04d}" if e == 555 else _digits(rng, 4)
    fmt = rng.choice((
        "({a}) {e}-{l}", "{a}-{e}-{l}", "+1 {a} {e} {l}", "{a}.{e}.{l}", "+1-{a}-{e}-{l}",
        "1-{a}-{e}-{l}", "({a}) {e}-{l}",
    ))  # fmt: skip
    return fmt.format(a=a, e=e, l=line)


def _uk_phone(rng: random.Random) -> str:
    # Ofcom drama ranges: valid numbering, never assigned to a subscriber.
    return rng.choice((
        f"+44 20 7946 0{_digits(rng, 3)}", f"+44 161 496 0{_digits(rng, 3)}",
        f"+44 117 496 0{_digits(rng, 3)}", f"+44 113 496 0{_digits(rng, 3)}",
    ))  # fmt: skip


def _de_phone(rng: random.Random) -> str:
    return rng.choice((
        f"+49 30 {_digits(rng, 8)}", f"+49 89 {_digits(rng, 8)}",
        f"+49 (0)40 {_digits(rng, 4)} {_digits(rng, 4)}", f"+49 151 {_digits(rng, 8)}",
        f"+49 221 {_digits(rng, 7)}",
    ))  # fmt: skip


def _fr_phone(rng: random.Random) -> str:
    lead = rng.choice("123456")
    return f"+33 {lead} " + " ".join(_digits(rng, 2) for _ in range(4))


def _au_phone(rng: random.Random) -> str:
    return rng.choice((
        f"+61 2 {_digits(rng, 4)} {_digits(rng, 4)}",
        f"+61 4{_digits(rng, 2)} {_digits(rng, 3)} {_digits(rng, 3)}",
    ))  # fmt: skip


_PHONE_MAKERS: tuple[Callable[[random.Random], str], ...] = (
    _us_phone, _uk_phone, _de_phone, _fr_phone, _au_phone,
)  # fmt: skip
_PHONE_WEIGHTS = (55, 15, 15, 8, 7)


def phone_valid(number: str, region: str = "US") -> bool:
    import phonenumbers

    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException:
        return False


def make_phone(rng: random.Random) -> str:
    maker = rng.choices(_PHONE_MAKERS, _PHONE_WEIGHTS)[0]
    while True:
        number = maker(rng)
        if phone_valid(number):
            return number


def make_invalid_phone(rng: random.Random) -> str:
    """US-shaped numbers with an impossible area code or exchange (0xx / 1xx)."""
    while True:
        a = f"{rng.choice('01')}{_digits(rng, 2)}"
        e = _digits(rng, 3)
        fmt = rng.choice(("({a}) {e}-{l}", "{a}-{e}-{l}", "+1 {a} {e} {l}"))
        number = fmt.format(a=a, e=e, l=_digits(rng, 4))
        if not phone_valid(number):
            return number


# --- crypto wallets: real encodings over random payloads, so checksums verify ---

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(_B58[r])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(s: str) -> bytes:
    n = 0
    for c in s:
        n = n * 58 + _B58.index(c)
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\0" * (len(s) - len(s.lstrip("1"))) + body


def base58check_valid(address: str) -> bool:
    try:
        raw = b58decode(address)
    except ValueError:
        return False
    return len(raw) == 25 and _sha256d(raw[:-4])[:4] == raw[-4:]


def make_btc_p2pkh(rng: random.Random) -> str:
    data = b"\x00" + rng.randbytes(20)
    return b58encode(data + _sha256d(data)[:4])


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _bech32_polymod(values: Sequence[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i, g in enumerate(_BECH32_GEN):
            if (top >> i) & 1:
                chk ^= g
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _to_5bit(data: bytes) -> list[int]:
    acc, bits, out = 0, 0, []
    for b in data:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            out.append((acc >> bits) & 31)
    if bits:
        out.append((acc << (5 - bits)) & 31)
    return out


def make_btc_bech32(rng: random.Random) -> str:
    """P2WPKH address: witness version 0 + 20-byte program, BIP-173 checksum."""
    data = [0] + _to_5bit(rng.randbytes(20))
    mod = _bech32_polymod(_hrp_expand("bc") + data + [0] * 6) ^ 1
    checksum = [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return "bc1" + "".join(_BECH32[d] for d in data + checksum)


def bech32_valid(address: str) -> bool:
    hrp, _, rest = address.lower().rpartition("1")
    if not hrp or len(rest) < 7 or any(c not in _BECH32 for c in rest):
        return False
    return _bech32_polymod(_hrp_expand(hrp) + [_BECH32.index(c) for c in rest]) == 1


def make_eth(rng: random.Random) -> str:
    return "0x" + rng.randbytes(20).hex()


def make_wallet(rng: random.Random) -> str:
    return rng.choices((make_btc_p2pkh, make_btc_bech32, make_eth), (40, 25, 35))[0](rng)


# --- secrets: right shape and prefix, random body; none is a real credential ---

SECRET_PREFIXES = ("AKIA", "ghp_", "AIza", "xoxb-", "sk-proj-", "-----BEGIN RSA PRIVATE KEY-----")


def make_aws_key_id(rng: random.Random) -> str:
    return "AKIA" + _chars(rng, string.ascii_uppercase + "234567", 16)


def make_github_token(rng: random.Random) -> str:
    return "ghp_" + _chars(rng, _ALNUM, 36)


def make_google_key(rng: random.Random) -> str:
    return "AIza" + _chars(rng, _ALNUM + "_-", 35)


def make_slack_token(rng: random.Random) -> str:
    return f"xoxb-{_digits(rng, 12)}-{_digits(rng, 13)}-{_chars(rng, _ALNUM, 24)}"


def make_openai_key(rng: random.Random) -> str:
    return "sk-proj-" + _chars(rng, _ALNUM + "_-", rng.randint(48, 120))


def make_rsa_block(rng: random.Random) -> str:
    import base64

    # A PKCS#1 DER starts with SEQUENCE + length, which base64-encodes to "MII".
    der = b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00" + rng.randbytes(rng.randint(500, 900))
    body = base64.b64encode(der).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return (
        "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END RSA PRIVATE KEY-----"
    )


_SECRET_MAKERS: tuple[tuple[str, Callable[[random.Random], str]], ...] = (
    ("AWS_ACCESS_KEY_ID", make_aws_key_id),
    ("GITHUB_TOKEN", make_github_token),
    ("GOOGLE_API_KEY", make_google_key),
    ("SLACK_BOT_TOKEN", make_slack_token),
    ("OPENAI_API_KEY", make_openai_key),
    ("PRIVATE_KEY", make_rsa_block),
)
_SECRET_WEIGHTS = (22, 22, 18, 14, 16, 8)


def make_isbn13(rng: random.Random) -> str:
    body = rng.choice(("978", "979")) + _digits(rng, 9)
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def make_birth_date(rng: random.Random) -> tuple[int, int, int]:
    year = rng.randint(1938, 2007)
    month = rng.randint(1, 12)
    return year, month, rng.randint(1, 28)


def format_date(rng: random.Random, y: int, m: int, d: int) -> str:
    return rng.choice((
        f"{_MONTHS[m - 1]} {d}, {y}", f"{d} {_MONTHS[m - 1]} {y}", f"{y}-{m:02d}-{d:02d}",
        f"{m:02d}/{d:02d}/{y}", f"{d:02d}.{m:02d}.{y}", f"{_MONTHS[m - 1][:3]} {d}, {y}",
    ))  # fmt: skip


# Letters NFKD does not decompose into ASCII base + accent.
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE"})


def ascii_fold(s: str) -> str:
    return unicodedata.normalize("NFKD", s.translate(_FOLD)).encode("ascii", "ignore").decode()


# --------------------------------------------------------------------------------------------
# Word pools (faker, once) — assembling documents afterwards only needs random.Random
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pools:
    sentences: tuple[str, ...]
    titles: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    usernames: tuple[str, ...]
    companies: tuple[str, ...]
    domains: tuple[str, ...]
    words: tuple[str, ...]
    us_streets: tuple[str, ...]  # faker names with any USPS suffix: the long tail
    us_street_words: tuple[str, ...]  # "Oak", "Washington", "Miller" ... before a common suffix
    us_places: tuple[tuple[str, str, str], ...]  # (city, state, ZIP code in that state)
    gb_streets: tuple[str, ...]
    gb_places: tuple[tuple[str, str], ...]  # (city, postcode)
    de_streets: tuple[str, ...]
    de_places: tuple[tuple[str, str], ...]  # (postcode, city)

    @classmethod
    def build(cls, seed: int, size: int = 3000) -> Pools:
        """Draw every pool from faker seeded with `seed` (needs the `expunge[demo]` extra)."""
        from faker import Faker

        def faker(locale: str) -> Any:
            f = Faker(locale)
            f.seed_instance(seed)
            return f

        us, gb, de = faker("en_US"), faker("en_GB"), faker("de_DE")
        people = [
            faker(loc) for loc in ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "pl_PL", "pt_PT")
        ]
        sentences = [us.sentence(nb_words=us.random_int(5, 18)) for _ in range(size)]
        sentences += [us.catch_phrase().capitalize() + "." for _ in range(size // 10)]
        titles = [us.sentence(nb_words=us.random_int(3, 8)).rstrip(".") for _ in range(size // 3)]
        titles += [us.catch_phrase().title() for _ in range(size // 6)]
        first = [p.first_name() for p in people for _ in range(size // 20)]
        last = [p.last_name() for p in people for _ in range(size // 20)]
        # <= 15 characters: the longest name X/Twitter allows.
        users = [
            u for u in (_handle_safe(us.user_name()) for _ in range(size // 3)) if 2 < len(u) <= 15
        ]
        return cls(
            sentences=tuple(sentences),
            titles=tuple(titles),
            first_names=tuple(first),
            last_names=tuple(last),
            usernames=tuple(users),
            companies=tuple(us.company() for _ in range(size // 6)),
            domains=tuple(us.domain_name() for _ in range(size // 6)),
            words=tuple(sorted({w.lower() for w in us.words(nb=size // 2)})),
            us_streets=tuple(us.street_name() for _ in range(size // 6)),
            us_street_words=_COMMON_STREETS + tuple(us.last_name() for _ in range(size // 10)),
            us_places=tuple(_us_place(us) for _ in range(size // 6)),
            gb_streets=tuple(gb.street_name() for _ in range(size // 20)),
            gb_places=tuple((gb.city(), gb.postcode()) for _ in range(size // 20)),
            de_streets=tuple(de.street_name() for _ in range(size // 20)),
            de_places=tuple((de.postcode(), de.city()) for _ in range(size // 20)),
        )


# Real street names are dominated by a few suffixes; faker draws all ~200 USPS ones uniformly.
_COMMON_STREETS = (
    "Main", "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park",
    "Church", "Highland", "Sunset", "Lincoln", "Jefferson", "Madison", "Franklin", "Walnut",
    "Spring", "River", "Center", "Mill", "Ridge", "Meadow", "Jackson", "1st", "2nd", "3rd",
    "5th", "12th",
)  # fmt: skip
_US_SUFFIXES = (
    ("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Drive", "Dr"), ("Lane", "Ln"),
    ("Boulevard", "Blvd"), ("Court", "Ct"), ("Way", "Way"), ("Place", "Pl"),
    ("Terrace", "Ter"), ("Parkway", "Pkwy"), ("Circle", "Cir"),
)  # fmt: skip
_US_SUFFIX_WEIGHTS = (26, 18, 12, 12, 7, 5, 5, 5, 4, 2, 2, 2)


def _us_place(us: Any) -> tuple[str, str, str]:
    # The 50 states and DC only, and a ZIP code that belongs to the state.
    state = us.state_abbr(include_territories=False, include_freely_associated_states=False)
    return us.city(), state, us.zipcode_in_state(state)


def _handle_safe(name: str) -> str:
    return "".join(c for c in ascii_fold(name).lower() if c.isalnum() or c == "_")


# --------------------------------------------------------------------------------------------
# Planting: one writer per PII type and per decoy kind, each with several contexts
# --------------------------------------------------------------------------------------------

_FREE_MAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "proton.me",
              "gmx.de", "web.de", "aol.com", "mail.com")  # fmt: skip
_SOCIAL = ("Twitter", "X", "Instagram", "TikTok", "Threads", "GitHub", "Bluesky")

Writer = Callable[[TextBuilder], None]


class Planter:
    """Writes one sentence (or code block) carrying one planted value or one decoy.

    Contexts vary on purpose: some detectors lean on words like "call" or "IBAN", and a
    benchmark where every value sits behind its label would flatter them.
    """

    def __init__(self, pools: Pools, rng: random.Random) -> None:
        self.p = pools
        self.rng = rng
        self.pii_writers: dict[str, Writer] = {
            "email": self.email,
            "phone": self.phone,
            "credit_card": self.credit_card,
            "iban": self.iban,
            "ip_address": self.ip_address,
            "us_ssn": self.us_ssn,
            "url": self.url,
            "social_handle": self.social_handle,
            "street_address": self.street_address,
            "date_of_birth": self.date_of_birth,
            "crypto_wallet": self.crypto_wallet,
            "secret": self.secret,
        }
        self.decoy_writers: dict[str, Writer] = {
            k: getattr(self, "decoy_" + k) for k in DECOY_KINDS
        }

    # -- small helpers --

    def _pick(self, seq: Sequence[str]) -> str:
        return seq[self.rng.randrange(len(seq))]

    def name(self) -> str:
        return f"{self._pick(self.p.first_names)} {self._pick(self.p.last_names)}"

    def sentence(self) -> str:
        return self._pick(self.p.sentences)

    def _around(self, b: TextBuilder, type_: str, value: str, before: str, after: str) -> None:
        b.add(before)
        b.pii(type_, value)
        b.add(after)

    def _decoy(self, b: TextBuilder, kind: str, value: str, before: str, after: str) -> None:
        b.add(before)
        b.decoy(kind, value)
        b.add(after)

    # -- PII values --

    def make_email(self) -> str:
        rng = self.rng
        first = _handle_safe(self._pick(self.p.first_names)) or "info"
        last = _handle_safe(self._pick(self.p.last_names)) or "mail"
        local = rng.choice((
            f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{rng.randint(1, 99)}",
            f"{last}{rng.randint(60, 99)}", self._pick(self.p.usernames), f"{first}",
        ))  # fmt: skip
        domain = rng.choice(_FREE_MAIL) if rng.random() < 0.6 else self._pick(self.p.domains)
        return f"{local}@{domain}"

    def make_url(self) -> str:
        rng = self.rng
        domain = self._pick(self.p.domains)
        user = self._pick(self.p.usernames)
        word = self._pick(self.p.words)
        return rng.choice((
            f"https://{domain}/blog/{rng.randint(2012, 2024)}/{word}-{self._pick(self.p.words)}",
            f"https://www.{domain}/users/{user}",
            f"https://{domain}/~{user}/",
            f"http://{user.replace('_', '')}.{domain}/",
            f"https://{domain}/profile?id={rng.randint(1000, 999999)}&ref=share",
            f"https://www.{domain}/{word}/{rng.randint(10000, 99999)}.html",
        ))  # fmt: skip

    def profile_url(self, user: str) -> str:
        return self.rng.choice((
            f"https://www.instagram.com/{user}/", f"https://twitter.com/{user}",
            f"https://x.com/{user}", f"https://github.com/{user}",
            f"https://www.flickr.com/photos/{user}/", f"https://www.linkedin.com/in/{user}",
            f"https://www.tiktok.com/@{user}",
        ))  # fmt: skip

    def us_street(self) -> str:
        rng = self.rng
        if rng.random() < 0.1:
            return self._pick(self.p.us_streets)
        full, short = rng.choices(_US_SUFFIXES, _US_SUFFIX_WEIGHTS)[0]
        r = rng.random()
        suffix = full if r < 0.65 else short if r < 0.85 else short + "."
        return f"{self._pick(self.p.us_street_words)} {suffix}"

    def make_street_address(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.8:
            city, state, zipcode = self.p.us_places[rng.randrange(len(self.p.us_places))]
            street = f"{rng.randint(1, 9899)} {self.us_street()}"
            if rng.random() < 0.2:
                street += rng.choice((f" Apt {rng.randint(1, 40)}{rng.choice('ABCD')}",
                                      f" Suite {rng.randint(100, 990)}"))  # fmt: skip
            sep = "\n" if rng.random() < 0.15 else ", "
            return f"{street}{sep}{city}, {state} {zipcode}"
        if r < 0.9:
            city, postcode = self.p.gb_places[rng.randrange(len(self.p.gb_places))]
            return f"{rng.randint(1, 250)} {self._pick(self.p.gb_streets)}, {city} {postcode}"
        postcode, city = self.p.de_places[rng.randrange(len(self.p.de_places))]
        return f"{self._pick(self.p.de_streets)} {rng.randint(1, 180)}, {postcode} {city}"

    # -- PII writers --

    def email(self, b: TextBuilder) -> None:
        v = self.make_email()
        before, after = self.rng.choice((
            ("Contact me at ", " if you have questions."), ("Email: ", ""),
            ("Send your CV to ", " before Friday."), (f"{self.name()} <", ">"),
            ("You can reach our support team via ", "."), ("my email is ", " lol"),
            ("Questions? Write to ", " and we will get back to you."), ("", ""),
        ))  # fmt: skip
        self._around(b, "email", v, before, after)

    def phone(self, b: TextBuilder) -> None:
        v = make_phone(self.rng)
        before, after = self.rng.choice((
            ("Call us at ", "."), ("Tel: ", ""), ("my number is ", ", text anytime"),
            ("Phone ", " (Mon to Fri)"), ("For bookings ring ", " or drop by."),
            ("Reach me on ", " after six."), ("Mobile: ", ""), ("", " is my cell"),
        ))  # fmt: skip
        self._around(b, "phone", v, before, after)

    def credit_card(self, b: TextBuilder) -> None:
        rng = self.rng
        v = make_card(rng)
        before, after = rng.choice((
            ("my card number is ", f" exp {rng.randint(1, 12):02d}/{rng.randint(25, 31)}"),
            ("Card: ", ""), ("they charged ", " twice, refund please!"),
            ("Paid with ", " but no confirmation yet."), ("cc ", " cvv in DM"),
        ))  # fmt: skip
        self._around(b, "credit_card", v, before, after)

    def iban(self, b: TextBuilder) -> None:
        v = make_iban(self.rng)
        before, after = self.rng.choice((
            ("IBAN: ", ""), ("Please transfer the deposit to ", " by Monday."),
            ("Bankverbindung: IBAN ", ""), ("account ", " (name on account as above)"),
            ("Donations: ", " thank you!"),
        ))  # fmt: skip
        self._around(b, "iban", v, before, after)

    def ip_address(self, b: TextBuilder) -> None:
        rng = self.rng
        v = make_ipv6(rng) if rng.random() < 0.25 else make_ipv4(rng)
        style = rng.randrange(5)
        if style == 0:
            self._around(b, "ip_address", v, "connect to server ", " failed: connection refused")
        elif style == 1:
            b.add("```\n")
            self.decoy_timestamp(b, bare=True)
            self._around(
                b,
                "ip_address",
                v,
                " sshd[2211]: Failed password for root from ",
                " port 22 ssh2\n```",
            )
        elif style == 2:
            self._around(b, "ip_address", v, "My IP is ", ", is it blocked?")
        elif style == 3:
            self._around(b, "ip_address", v, "client ", ' - - "GET /index.html HTTP/1.1" 200 5120')
        else:
            self._around(b, "ip_address", v, "ping ", " shows 40% packet loss")

    def us_ssn(self, b: TextBuilder) -> None:
        v = make_ssn(self.rng)
        before, after = self.rng.choice((
            ("SSN: ", ""), ("my social security number is ", ", is that safe to post?"),
            ("Social Security No. ", ""), ("ssn ", " dob on file"), ("Applicant SSN ", "."),
        ))  # fmt: skip
        self._around(b, "us_ssn", v, before, after)

    def url(self, b: TextBuilder) -> None:
        v = self.make_url()
        before, after = self.rng.choice((
            ("More on my blog: ", ""), ("see ", " for the full story."), ("(", ")"),
            ("Link: ", ""), ("I posted the photos at ", " last week."), ("", ""),
        ))  # fmt: skip
        self._around(b, "url", v, before, after)

    def social_handle(self, b: TextBuilder) -> None:
        rng = self.rng
        if rng.random() < 0.35:  # a profile URL names the account as well as "@name" does
            v = self.profile_url(self._pick(self.p.usernames))
            before, after = rng.choice((
                ("my profile: ", ""), ("(", ")"), ("Follow along at ", " for updates."),
                ("", ""), ("More photos on ", "."),
            ))  # fmt: skip
            self._around(b, "social_handle", v, before, after)
            return
        v = "@" + self._pick(self.p.usernames)
        net = rng.choice(_SOCIAL)
        before, after = rng.choice((
            (f"follow me on {net} ", ""), (f"Find us on {net}: ", ""), ("I'm ", f" on {net}"),
            (f"{net}: ", ""), (f"DM me on {net} (", ")"), (f"say hi on {net}, I'm ", "."),
        ))  # fmt: skip
        self._around(b, "social_handle", v, before, after)

    def street_address(self, b: TextBuilder) -> None:
        v = self.make_street_address()
        before, after = self.rng.choice((
            ("Our office: ", "."), (f"Ship to: {self.name()}, ", ""), ("Visit us at ", "."),
            ("I live at ", ", the blue door."), ("Address: ", ""),
            ("Return to ", " if undelivered."),
        ))  # fmt: skip
        self._around(b, "street_address", v, before, after)

    def date_of_birth(self, b: TextBuilder) -> None:
        rng = self.rng
        v = format_date(rng, *make_birth_date(rng))
        before, after = rng.choice((
            ("born on ", ""), ("DOB: ", ""), ("Date of birth: ", ""),
            ("I was born ", " in a small town."), ("Geburtsdatum: ", ""),
            ("birthdate ", ", age verified"), ("date of birth ", "."),
        ))  # fmt: skip
        self._around(b, "date_of_birth", v, before, after)

    def crypto_wallet(self, b: TextBuilder) -> None:
        v = make_wallet(self.rng)
        coin = "ETH" if v.startswith("0x") else "BTC"
        before, after = self.rng.choice((
            (f"{coin}: ", ""), ("Donations welcome: ", ""), (f"send {coin} to ", " thanks"),
            ("wallet ", " (tips appreciated)"), (f"My {coin} address is ", "."),
        ))  # fmt: skip
        self._around(b, "crypto_wallet", v, before, after)

    def secret(self, b: TextBuilder) -> None:
        rng = self.rng
        var, maker = rng.choices(_SECRET_MAKERS, _SECRET_WEIGHTS)[0]
        v = maker(rng)
        if var == "PRIVATE_KEY":
            self._around(b, "secret", v, "my deploy key, in case it helps:\n```\n", "\n```")
            return
        before, after = rng.choice((
            (f"```bash\nexport {var}=", "\nexport DEBUG=false\n```"),
            (f"```python\nimport os\n\n{var.lower()} = \"", "\"  # TODO move to env\n```"),
            (f"```yaml\nenv:\n  PORT: 8080\n  {var}: ", "\n```"),
            (f"```\n{var}=", "\nREGION=us-east-1\n```"),
            ("I accidentally committed my token ", " to a public repo, how do I revoke it?"),
            (f"const {var} = '", "';"),
        ))  # fmt: skip
        self._around(b, "secret", v, before, after)

    # -- decoys: look like PII to a plain pattern, are not --

    def decoy_isbn13(self, b: TextBuilder) -> None:
        rng = self.rng
        isbn = make_isbn13(rng)
        if rng.random() < 0.5:
            cut = rng.randint(2, 4)
            isbn = f"{isbn[:3]}-{isbn[3]}-{isbn[4 : 4 + cut]}-{isbn[4 + cut : 12]}-{isbn[12]}"
        self._decoy(b, "isbn13", isbn, rng.choice(("ISBN ", "ISBN-13: ", "isbn ")), "")

    def decoy_iban_tail(self, b: TextBuilder) -> None:
        bban = make_bban(self.rng, "DE")
        v = _group(bban, [4] * 5, " ") if self.rng.random() < 0.6 else bban
        self._decoy(b, "iban_tail", v, self.rng.choice(("account ", "Konto ", "ref ")), "")

    def decoy_tracking_number(self, b: TextBuilder) -> None:
        rng = self.rng
        style = rng.randrange(3)
        if style == 0:
            v = _group(rng.choice(("9400", "9205", "9361")) + _digits(rng, 18), [4] * 5, " ")
        elif style == 1:
            v = "1Z" + _chars(rng, string.ascii_uppercase + string.digits, 6) + _digits(rng, 10)
        else:  # 16 digits that no card network issues and that fail Luhn anyway
            while True:
                v = rng.choice("09") + _digits(rng, 15)
                if not luhn_valid(v):
                    break
            v = _group(v, [4] * 4, " ")
        self._decoy(b, "tracking_number", v, "tracking number ", "")

    def decoy_order_number(self, b: TextBuilder) -> None:
        rng = self.rng
        v = rng.choice((
            f"{rng.randint(100, 999)}-{_digits(rng, 7)}-{_digits(rng, 7)}",
            f"{rng.randint(1000000, 9999999)}", f"INV-{rng.randint(2015, 2024)}-{_digits(rng, 5)}",
        ))  # fmt: skip
        self._decoy(b, "order_number", v, rng.choice(("Order #", "order no. ", "Invoice ")), "")

    def decoy_version_string(self, b: TextBuilder) -> None:
        rng = self.rng
        v = rng.choice((
            f"{rng.randint(1, 12)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}",
            f"10.0.{rng.randint(10240, 22631)}.{rng.randint(1, 3000)}",
            f"v{rng.randint(1, 5)}.{rng.randint(0, 20)}.{rng.randint(0, 20)}.{rng.randint(0, 99)}",
        ))  # fmt: skip
        before, after = rng.choice(
            (("upgraded to ", " release"), ("version ", ""), ("", " is out"))
        )
        self._decoy(b, "version_string", v, before, after)

    def decoy_price(self, b: TextBuilder) -> None:
        rng = self.rng
        euros = rng.randint(1, 9999)
        v = rng.choice((
            f"${euros:,}.{rng.randint(0, 99):02d}",
            f"€ {euros:,}".replace(",", ".") + f",{rng.randint(0, 99):02d}",
            f"£{euros}.99", f"{euros},00 €",
        ))  # fmt: skip
        self._decoy(b, "price", v, rng.choice(("Price: ", "now only ", "was ")), "")

    def decoy_coordinates(self, b: TextBuilder) -> None:
        rng = self.rng
        v = f"{rng.uniform(-80, 80):.4f}, {rng.uniform(-179, 179):.4f}"
        self._decoy(b, "coordinates", v, "GPS: ", "")

    def decoy_timestamp(self, b: TextBuilder, bare: bool = False) -> None:
        rng = self.rng
        y, mo, d = rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28)
        h, mi, s = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
        v = rng.choice((
            f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}",
            f"{y}{mo:02d}{d:02d}{h:02d}{mi:02d}{s:02d}",
            str(rng.randint(1_600_000_000, 1_730_000_000)),
        ))  # fmt: skip
        self._decoy(b, "timestamp", v, "" if bare else "last seen ", "")

    def decoy_plain_date(self, b: TextBuilder) -> None:
        rng = self.rng
        v = format_date(rng, rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28))
        before = rng.choice(
            ("Posted on ", "Last updated: ", "Event date: ", "Offer valid until ", "Published ")
        )
        self._decoy(b, "plain_date", v, before, "")

    def decoy_invalid_luhn16(self, b: TextBuilder) -> None:
        rng = self.rng
        while True:
            v = rng.choice("45") + _digits(rng, 15)
            if not luhn_valid(v):
                break
        v = _group(v, [4] * 4, rng.choice((" ", "-", "")))
        self._decoy(b, "invalid_luhn16", v, rng.choice(("Ref ", "Member ID ", "serial ")), "")

    def decoy_invalid_ssn(self, b: TextBuilder) -> None:
        rng = self.rng
        area = rng.choice(("000", "666", f"9{_digits(rng, 2)}"))
        v = f"{area}-{rng.randint(0, 99):02d}-{rng.randint(0, 9999):04d}"
        self._decoy(b, "invalid_ssn", v, rng.choice(("Ticket ", "Part no. ", "case ")), "")

    def decoy_invalid_phone(self, b: TextBuilder) -> None:
        v = make_invalid_phone(self.rng)
        self._decoy(b, "invalid_phone", v, self.rng.choice(("Call ", "Fax: ", "ext. ")), "")

    def decoy_email_like_filename(self, b: TextBuilder) -> None:
        rng = self.rng
        stem = rng.choice(("logo", "icon", "hero", "avatar", "sprite"))
        v = f"{stem}@{rng.randint(2, 3)}x.{rng.choice(('png', 'jpg', 'webp'))}"
        self._decoy(b, "email_like_filename", v, "Download ", " for retina screens")

    def decoy_site_path(self, b: TextBuilder) -> None:
        v = self.rng.choice((
            "github.com/features", "github.com/pricing", "github.com/settings/tokens",
            "github.com/login", "twitter.com/home", "instagram.com/explore", "x.com/settings",
            "github.com/features/actions",
        ))  # fmt: skip
        self._decoy(b, "site_path", v, "go to ", " and sign in first")

    def decoy_placeholder_secret(self, b: TextBuilder) -> None:
        v = self.rng.choice((
            "sk-XXXXXXXXXXXXXXXX", "your-api-key-here", "AKIAXXXXXXXXXXXXXXXX", "<YOUR_TOKEN>",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "sk-proj-...", "REPLACE_ME",
        ))  # fmt: skip
        self._decoy(b, "placeholder_secret", v, 'API_KEY = "', '"  # put your key here')

    def decoy_code_annotation(self, b: TextBuilder) -> None:
        v = self.rng.choice(
            ("@media", "@Override", "@param", "@dataclass", "@pytest", "@keyframes")
        )
        self._decoy(b, "code_annotation", v, "```\n", " (see the docs)\n```")

    def decoy_git_sha(self, b: TextBuilder) -> None:
        rng = self.rng
        v = _chars(rng, _HEX, 40) if rng.random() < 0.6 else _chars(rng, _HEX, 7)
        self._decoy(b, "git_sha", v, rng.choice(("commit ", "fixed in ", "revert ")), "")

    def decoy_tx_hash(self, b: TextBuilder) -> None:
        self._decoy(b, "tx_hash", "0x" + _chars(self.rng, _HEX, 64), "tx ", " confirmed")

    def decoy_uuid(self, b: TextBuilder) -> None:
        v = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        self._decoy(b, "uuid", v, "request-id: ", "")


# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------

KINDS: tuple[str, ...] = (
    "article",
    "comments",
    "forum",
    "contact",
    "code",
    "shop",
    "log",
    "profile",
)
_BOILERPLATE = (
    "Share this:", "Subscribe to our newsletter.", "Read more", "Related posts", "Accept cookies",
    "Privacy Policy | Terms of Use", "Skip to content", "Leave a reply", "Back to top",
)  # fmt: skip


_KIND_PII: dict[str, tuple[str, ...]] = {
    "contact": ("phone", "email", "street_address"),
    "code": ("secret", "secret", "ip_address"),
    "log": ("ip_address", "ip_address", "email"),
    "profile": ("social_handle", "url", "date_of_birth", "crypto_wallet"),
    "comments": ("email", "social_handle", "phone"),
    "forum": ("secret", "ip_address", "url"),
    "shop": ("credit_card", "street_address", "iban"),
}
_KIND_DECOYS: dict[str, tuple[str, ...]] = {
    "shop": ("price", "price", "isbn13", "order_number", "tracking_number", "invalid_luhn16"),
    "code": ("placeholder_secret", "code_annotation", "git_sha", "version_string", "uuid"),
    "log": ("timestamp", "uuid", "version_string", "invalid_phone"),
    "article": ("plain_date", "coordinates"),
    "forum": ("plain_date", "version_string", "site_path"),
    "contact": ("invalid_phone", "iban_tail", "email_like_filename"),
}


@dataclass(slots=True)
class GeneratedDoc:
    text: str
    spans: list[Span]
    decoys: dict[str, int]
    kind: str
    title: str
    url: str
    subject: bool = False
    decoy_spans: list[Span] = field(default_factory=list)


@dataclass(frozen=True)
class DocPlan:
    """What one document holds: its kind, target size, planted types and decoys."""

    kind: str
    chars: int
    pii: tuple[str, ...]
    decoys: tuple[str, ...]


class DocFactory:
    """Assembles web-like documents from pooled sentences, planting values while writing."""

    def __init__(self, pools: Pools, rng: random.Random) -> None:
        self.p = pools
        self.rng = rng
        self.plant = Planter(pools, rng)

    def plan(
        self,
        *,
        kinds: Sequence[str] = KINDS,
        size: tuple[int, int] = (400, 5000),
        pii_fraction: float = 0.25,
        pii_per_doc: Sequence[int] = (1, 1, 1, 2, 2, 3),
        decoy_fraction: float = 0.35,
        types: Sequence[str] = PLANTED_TYPES,
    ) -> DocPlan:
        rng = self.rng
        kind = rng.choice(kinds)
        lo, hi = size
        # Log-uniform: web pages are mostly short with a long tail of long ones.
        chars = int(lo * (hi / lo) ** rng.random())
        pii: list[str] = []
        if rng.random() < pii_fraction:
            pii = rng.choices(types, k=rng.choice(pii_per_doc))
            # Pages of a kind tend to hold its kind of data: contact pages phone numbers, ...
            typical = [t for t in _KIND_PII.get(kind, ()) if t in types]
            if typical and rng.random() < 0.6:
                pii[0] = rng.choice(typical)
        decoys: list[str] = []
        if rng.random() < decoy_fraction:
            decoys = rng.choices(DECOY_KINDS, k=rng.randint(1, 4))
        if kind in _KIND_DECOYS and rng.random() < 0.6:  # prices in shops, hashes in code, ...
            decoys += rng.choices(_KIND_DECOYS[kind], k=rng.randint(1, 2))
        return DocPlan(kind, chars, tuple(pii), tuple(decoys))

    def url(self) -> str:
        w = self.p.words
        slug = "-".join(w[self.rng.randrange(len(w))] for _ in range(self.rng.randint(2, 5)))
        return f"https://{self.p.domains[self.rng.randrange(len(self.p.domains))]}/{slug}"

    def paragraph(self, lo: int = 2, hi: int = 7) -> str:
        s = self.p.sentences
        return " ".join(s[self.rng.randrange(len(s))] for _ in range(self.rng.randint(lo, hi)))

    def build(self, plan: DocPlan) -> GeneratedDoc:
        rng = self.rng
        title = self.p.titles[rng.randrange(len(self.p.titles))]
        writers: list[Writer] = [self.plant.pii_writers[t] for t in plan.pii]
        writers += [self.plant.decoy_writers[k] for k in plan.decoys]
        rng.shuffle(writers)

        # Filler is drawn first (plain strings, no spans), then values are slotted between.
        # The budget leaves room for header, footer and planted sentences so that `plan.chars`
        # is roughly the final size rather than a floor.
        blocks: list[str] = []
        budget = plan.chars - len(title) - 120 - 70 * len(writers)
        while True:
            para = self.paragraph()
            if blocks and len(para) + 2 > budget:
                break
            blocks.append(para)
            budget -= len(para) + 2
        slots: dict[int, list[Writer]] = {}
        for w in writers:
            slots.setdefault(rng.randrange(len(blocks)), []).append(w)

        b = TextBuilder()
        self._header(b, plan.kind, title)
        for i, para in enumerate(blocks):
            self._block_prefix(b, plan.kind, i)
            b.add(para)
            for w in slots.get(i, ()):
                b.add(" " if rng.random() < 0.6 else "\n")
                w(b)
            b.add("\n\n")
        self._footer(b)
        text = b.text()
        return GeneratedDoc(
            text, b.spans, b.decoys, plan.kind, title, self.url(), False, b.decoy_spans
        )

    def _header(self, b: TextBuilder, kind: str, title: str) -> None:
        rng = self.rng
        name = self.plant.name()
        company = self.p.companies[rng.randrange(len(self.p.companies))]
        if kind == "article":
            b.add(f"{title}\n\nBy {name} | {rng.randint(2, 14)} min read\n\n")
        elif kind == "comments":
            b.add(f"{title}\n\n{self.paragraph()}\n\n{rng.randint(2, 60)} Comments\n\n")
        elif kind == "forum":
            b.add(
                f"Re: {title}\nForum > {self.p.words[rng.randrange(len(self.p.words))].title()}\n\n"
            )
        elif kind == "contact":
            b.add(f"Contact {company}\n\nWe are happy to help. {self.paragraph(1, 2)}\n\n")
        elif kind == "code":
            b.add(f"{title} (solved)\n\nAsked by {self._user()}\n\n")
        elif kind == "shop":
            b.add(f"{title} | {company} Store\n\nIn stock. Free shipping over fifty dollars.\n\n")
        elif kind == "log":
            b.add(f"Support ticket: {title}\nStatus: open\n\n")
        else:
            b.add(f"About {name}\n\n")

    def _block_prefix(self, b: TextBuilder, kind: str, i: int) -> None:
        if kind in ("comments", "forum") and i > 0:
            b.add(f"{self._user()} {self.rng.choice(('wrote', 'said', 'replied'))}:\n")
        elif kind == "shop" and i > 0 and self.rng.random() < 0.5:
            b.add(f"{'*' * self.rng.randint(1, 5)} Review by {self._user()}\n")

    def _footer(self, b: TextBuilder) -> None:
        rng = self.rng
        b.add(rng.choice(_BOILERPLATE))
        b.add("\n")
        b.add(f"(c) {self.p.companies[rng.randrange(len(self.p.companies))]}. All rights reserved.")

    def _user(self) -> str:
        return self.p.usernames[self.rng.randrange(len(self.p.usernames))]


# --------------------------------------------------------------------------------------------
# The fictional subject (for subject search)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    names: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]  # every written form used; all valid
    handles: tuple[str, ...]
    urls: tuple[str, ...]


SUBJECT = Subject(
    names=(
        "Inès Kowalczyk-Brandão",
        "Kowalczyk-Brandão, Inès",
        "I. Kowalczyk-Brandão",
        "Ines Kowalczyk-Brandao",
        "KOWALCZYK-BRANDÃO, Inès",
        "Inès K. Brandão",
    ),
    emails=("ines.kbrandao@example.org", "ikb@kowalczyk-brandao.example.net"),
    phones=(
        "+49 30 90182745",
        "+49 (0)30 9018 2745",
        "+49-30-9018-2745",
        "+493090182745",
        "+351 913 427 586",
        "+351913427586",
    ),
    handles=("@inesk_brandao", "@ikbrandao"),
    urls=(
        "https://www.instagram.com/inesk_brandao/",
        "https://x.com/inesk_brandao",
        "https://twitter.com/inesk_brandao",
        "https://github.com/ikbrandao",
        "https://www.flickr.com/photos/ikbrandao/",
    ),
)


def _subject_doc(f: DocFactory, k: int) -> GeneratedDoc:
    """Document number k about the subject; the form rotates so every variant shows up."""
    s = SUBJECT
    b = TextBuilder()
    name = s.names[k % len(s.names)]
    phone = s.phones[k % len(s.phones)]
    form = k % 8
    title = f.p.titles[f.rng.randrange(len(f.p.titles))]
    b.add(f"{title}\n\n{f.paragraph()}\n\n")
    if form == 0:
        b.add(f"About me\nHi, I'm {name}, a photographer based in Lisbon. Follow me on Instagram ")
        b.pii("social_handle", s.handles[0])
        b.add(" or see ")
        b.pii("social_handle", s.urls[0])
        b.add(".\n\n")
    elif form == 1:
        b.add(f"Speakers\n{name} (Berlin). Contact: ")
        b.pii("email", s.emails[0])
        b.add("\n\n")
    elif form == 2:
        b.add(f"Photo: {name} / ")
        b.pii("social_handle", s.urls[4])
        b.add("\n\n")
    elif form == 3:
        b.add(f"{name} wrote:\n{f.paragraph(1, 3)} Call me on ")
        b.pii("phone", phone)
        b.add(" any evening.\n\n")
    elif form == 4:
        b.add(f"Maintainer: {name} (")
        b.pii("social_handle", s.handles[1])
        b.add(" on GitHub), ")
        b.pii("social_handle", s.urls[3])
        b.add("\n\n")
    elif form == 5:
        b.add(f"{f.paragraph(1, 2)}\n\u2014 {name} (")
        b.pii("social_handle", s.handles[0])
        b.add(") on X\n")
        b.pii("social_handle", s.urls[1] if k % 2 else s.urls[2])
        b.add("\n\n")
    elif form == 6:
        b.add(f"Directory\n{name}, Tel. ")
        b.pii("phone", phone)
        b.add(", E-Mail: ")
        b.pii("email", s.emails[k % 2])
        b.add("\n\n")
    else:
        b.add(f"Organised by {name} (")
        b.pii("email", s.emails[1])
        b.add("). Tickets via Twitter ")
        b.pii("social_handle", s.urls[2])
        b.add("\n\n")
    b.add(f.paragraph())
    b.add("\n\n")
    f._footer(b)
    return GeneratedDoc(b.text(), b.spans, b.decoys, "profile", title, f.url(), subject=True)


def _toml_list(values: Sequence[str]) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    return "[" + ", ".join(orjson.dumps(v).decode() for v in values) + "]"


def subject_toml(subject: Subject = SUBJECT) -> str:
    return (
        "# The fictional person planted in the demo dataset, for subject search.\n"
        f"name = {_toml_list(subject.names)}\n"
        f"emails = {_toml_list(subject.emails)}\n"
        f"phones = {_toml_list(subject.phones)}\n"
        f"handles = {_toml_list(subject.handles)}\n"
        f"urls = {_toml_list(subject.urls)}\n"
    )


# --------------------------------------------------------------------------------------------
# Shard writers (byte-for-byte deterministic)
# --------------------------------------------------------------------------------------------


def truth_rows(shard: str, docs: Sequence[GeneratedDoc]) -> list[dict[str, Any]]:
    return [
        {"shard": shard, "row": row, "type": s.type, "start": s.start, "end": s.end}
        for row, doc in enumerate(docs)
        for s in doc.spans
    ]


def jsonl_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(r, option=_ORJSON_OPTS) + b"\n" for r in rows)


def _write_jsonl_zst(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    import zstandard

    path.write_bytes(zstandard.ZstdCompressor(level=10).compress(jsonl_bytes(rows)))


def _write_jsonl_gz(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    buf = io.BytesIO()
    # mtime=0 and an empty name keep the gzip header identical from run to run.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6) as gz:
        gz.write(jsonl_bytes(rows))
    path.write_bytes(buf.getvalue())


def _write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "url", "text"])
        for r in rows:
            w.writerow([r["id"], r["url"], r["text"]])


def _write_parquet(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = ("text", "id", "dump", "url", "date", "language")
    table = pa.table({c: [r[c] for r in rows] for c in cols})
    pq.write_table(table, path, compression="zstd")


def _html_page(doc: GeneratedDoc) -> str:
    blocks = doc.text.split("\n\n")
    body = "\n".join(
        "<p>" + html.escape(blk).replace("\n", "<br>\n") + "</p>" for blk in blocks[1:] if blk
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(doc.title)}</title>\n"
        "<style>body{font-family:Georgia,serif;max-width:42em;margin:0 auto}"
        ".nav a{color:#335;text-decoration:none}</style>\n"
        "<script>window.dataLayer=window.dataLayer||[];"
        "function track(e){window.dataLayer.push({event:e})}</script>\n"
        '</head><body><nav class="nav"><a href="/">Home</a> <a href="/blog/">Blog</a></nav>\n'
        f"<main><h1>{html.escape(blocks[0])}</h1>\n{body}\n</main>\n"
        "<script>track('pageview')</script></body></html>\n"
    )


def _write_warc(path: Path, docs: Sequence[GeneratedDoc], rng: random.Random) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, doc in enumerate(docs):
            payload = _html_page(doc).encode("utf-8")
            http_headers = StatusAndHeaders(
                "200 OK",
                [
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Content-Length", str(len(payload))),
                ],
                protocol="HTTP/1.1",
            )
            # WARC-Date and WARC-Record-ID are set here because warcio would use now() and uuid4().
            record_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            record = writer.create_warc_record(
                doc.url,
                "response",
                payload=io.BytesIO(payload),
                http_headers=http_headers,
                warc_headers_dict={
                    "WARC-Date": f"2024-02-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z",
                    "WARC-Record-ID": f"<urn:uuid:{record_id}>",
                },
            )
            writer.write_record(record)


# --------------------------------------------------------------------------------------------
# The demo dataset
# --------------------------------------------------------------------------------------------

# (file name, share of documents, kinds that fit the source)
_DEMO_SHARDS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("web-00000.jsonl.zst", 0.20, KINDS),
    ("web-00001.jsonl.zst", 0.20, KINDS),
    ("fineweb-00000.parquet", 0.15, ("article", "article", "shop", "profile", "contact")),
    ("fineweb-00001.parquet", 0.15, ("article", "comments", "shop", "profile", "code")),
    ("forum-00000.jsonl.gz", 0.10, ("forum", "comments", "code", "log")),
    ("comments-00000.csv", 0.10, ("comments", "forum")),
    ("crawl-00000.warc.gz", 0.10, ("article", "contact", "shop", "profile")),
)
WARC_SHARD = "crawl-00000.warc.gz"
# Side files next to the shards. expunge's discovery passes over names starting with "_" and
# .toml files and pretty-printed .json objects; truth.jsonl keeps the name the tools expect.
DATASET_DIR = "dataset"
TRUTH_FILE = "truth.jsonl"
STATS_FILE = "truth_stats.json"
SUBJECT_FILE = "subject.toml"
WARC_VALUES_FILE = "_truth_warc_values.jsonl"
SUBJECT_DOCS = 15


@dataclass(frozen=True)
class DemoInfo:
    out_dir: Path
    dataset: Path  # the shards only: what `expunge scan` is pointed at
    shards: dict[str, int]  # file name -> number of records
    truth: Path
    truth_stats: Path
    subject: Path
    warc_values: Path
    docs: int
    pii_docs: int
    spans: int
    type_counts: dict[str, int]
    decoy_counts: dict[str, int]
    subject_docs: tuple[tuple[str, int], ...]  # (shard, row) of each document about the subject
    # Shards whose offsets are not in truth.jsonl (their values are in WARC_VALUES_FILE).
    truth_excluded_shards: tuple[str, ...] = (WARC_SHARD,)


def _shard_sizes(docs: int) -> list[int]:
    sizes = [max(1, int(docs * share)) for _, share, _ in _DEMO_SHARDS]
    sizes[0] += docs - sum(sizes)
    return sizes


def _record(shard: str, row: int, doc: GeneratedDoc, rng: random.Random) -> dict[str, Any]:
    if shard.endswith(".parquet"):
        return {
            "text": doc.text,
            "id": f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}>",
            "dump": "CC-MAIN-2024-10",
            "url": doc.url,
            "date": f"2024-02-{1 + row % 28:02d}T{row % 24:02d}:{row % 60:02d}:{row * 7 % 60:02d}Z",
            "language": "en",
        }
    return {"id": f"{shard.split('.')[0]}-{row:06d}", "url": doc.url, "text": doc.text}


def count_types(spans: Sequence[Span] | Sequence[dict[str, Any]]) -> dict[str, int]:
    counts = {t: 0 for t in PLANTED_TYPES}
    for s in spans:
        t = s.type if isinstance(s, Span) else s["type"]
        counts[t] = counts.get(t, 0) + 1
    return counts


def merge_counts(into: dict[str, int], more: dict[str, int]) -> None:
    for k, v in more.items():
        into[k] = into.get(k, 0) + v


def truth_conventions() -> dict[str, str]:
    return {
        "offsets": "character (code point) offsets into the record's text field, end exclusive",
        "url": "http(s) URLs that are not social profiles; bare site paths are decoys",
        "social_handle": "'@handle' incl. the '@' next to a platform name, and profile URLs",
        "date_of_birth": "the date only, always with birth context nearby",
        "secret": "the key itself; PEM blocks from BEGIN to END line inclusive",
        "person": "not planted; names are everywhere and not in the truth",
        "decoys": "counted in 'decoys', never in truth.jsonl",
    }


def write_demo_dataset(out_dir: Path, seed: int = 7, docs: int = 3000) -> DemoInfo:
    """Write the demo dataset into `out_dir`; the same seed and size give the same bytes."""
    out_dir = Path(out_dir)
    # Shards live in their own folder so truth/subject files are never mistaken for data.
    dataset_dir = out_dir / DATASET_DIR
    dataset_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    # Small datasets (tests) do not need the full variety; pool drawing dominates their runtime.
    factory = DocFactory(Pools.build(seed, size=max(600, min(3000, docs))), rng)

    sizes = _shard_sizes(docs)
    # Spread the subject's documents evenly over the whole dataset, hence over the shards.
    subject_at = {int((k + 0.5) * docs / SUBJECT_DOCS): k for k in range(SUBJECT_DOCS)}

    truth: list[dict[str, Any]] = []
    warc_values: list[dict[str, Any]] = []
    shards: dict[str, int] = {}
    decoys: dict[str, int] = {}
    subject_docs: list[tuple[str, int]] = []
    pii_docs = 0
    index = 0
    for (name, _, kinds), n in zip(_DEMO_SHARDS, sizes, strict=True):
        generated: list[GeneratedDoc] = []
        for row in range(n):
            if index in subject_at:
                doc = _subject_doc(factory, subject_at[index])
                subject_docs.append((name, row))
            else:
                doc = factory.build(factory.plan(kinds=kinds))
            generated.append(doc)
            pii_docs += bool(doc.spans)
            merge_counts(decoys, doc.decoys)
            index += 1
        shards[name] = n
        path = dataset_dir / name
        if name == WARC_SHARD:
            _write_warc(path, generated, rng)
            warc_values += [
                {"shard": name, "row": row, "type": s.type, "value": d.text[s.start : s.end]}
                for row, d in enumerate(generated)
                for s in d.spans
            ]
            continue
        truth += truth_rows(name, generated)
        records = [_record(name, row, d, rng) for row, d in enumerate(generated)]
        if name.endswith(".jsonl.zst"):
            _write_jsonl_zst(path, records)
        elif name.endswith(".jsonl.gz"):
            _write_jsonl_gz(path, records)
        elif name.endswith(".csv"):
            _write_csv(path, records)
        else:
            _write_parquet(path, records)

    truth_path = out_dir / TRUTH_FILE
    truth_path.write_bytes(jsonl_bytes(truth))
    warc_path = out_dir / WARC_VALUES_FILE
    warc_path.write_bytes(jsonl_bytes(warc_values))
    subject_path = out_dir / SUBJECT_FILE
    subject_path.write_text(subject_toml(), encoding="utf-8")
    type_counts = count_types(truth)
    stats = {
        "seed": seed,
        "docs": docs,
        "pii_docs": pii_docs,
        "shards": shards,
        "types": type_counts,
        "warc_types": count_types(warc_values),
        "decoys": dict(sorted(decoys.items())),
        "subject_docs": [list(x) for x in subject_docs],
        "truth_excluded_shards": [WARC_SHARD],
        "conventions": truth_conventions(),
    }
    stats_path = out_dir / STATS_FILE
    stats_path.write_bytes(orjson.dumps(stats, option=_ORJSON_OPTS | orjson.OPT_INDENT_2) + b"\n")
    return DemoInfo(
        out_dir=out_dir,
        dataset=dataset_dir,
        shards=shards,
        truth=truth_path,
        truth_stats=stats_path,
        subject=subject_path,
        warc_values=warc_path,
        docs=docs,
        pii_docs=pii_docs,
        spans=len(truth),
        type_counts=type_counts,
        decoy_counts=dict(sorted(decoys.items())),
        subject_docs=tuple(subject_docs),
    )


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m expunge.demo_data OUT_DIR`: write the demo dataset and say what is where."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--docs", type=int, default=3000)
    args = parser.parse_args(argv)
    info = write_demo_dataset(args.out_dir, seed=args.seed, docs=args.docs)
    print(
        f"demo dataset: {info.dataset} ({info.docs:,} documents in {len(info.shards)} shards, "
        f"{info.pii_docs:,} with planted personal data); planted truth: {info.truth}; "
        f"planted person: {info.subject}"
    )


if __name__ == "__main__":
    main()
