"""Value generators and validators (pure functions of a seeded `random.Random`)."""

from __future__ import annotations

import hashlib
import ipaddress
import random
import string
import unicodedata
from collections.abc import Callable, Sequence

_ALNUM = string.ascii_letters + string.digits
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def random_digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def random_chars(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def group_chars(s: str, sizes: Sequence[int], sep: str) -> str:
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
    number = luhn_complete(prefix + random_digits(rng, length - len(prefix) - 1))
    style = rng.random()
    if style < 0.5:
        return group_chars(number, groups, " ")
    if style < 0.7:
        return group_chars(number, groups, "-")
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
    return group_chars(iban, [4] * 8, " ") if rng.random() < 0.65 else iban


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


# First octets of ranges that name no one's machine (private, loopback, documentation, ...):
# those are planted as decoys (`technical_ip`), never as a person's address.
_PRIVATE_FIRST_OCTETS = {0, 10, 100, 127, 169, 172, 192, 198, 203, 224}


def make_ipv4(rng: random.Random) -> str:
    while True:
        first = rng.randint(1, 223)
        if first not in _PRIVATE_FIRST_OCTETS:
            return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


# Public allocations of real providers; 2001:db8::/32 (documentation) is a decoy instead.
_IPV6_PREFIXES = (0x2A020598, 0x2A001450, 0x26001F18, 0x2A030000, 0x24068600)


def make_ipv6(rng: random.Random) -> str:
    groups = _ipv6_groups(rng, rng.choice(_IPV6_PREFIXES))
    return ipaddress.IPv6Address(_join_groups(groups)).compressed


def _ipv6_groups(rng: random.Random, prefix: int) -> list[int]:
    groups = [prefix >> 16, prefix & 0xFFFF] + [rng.getrandbits(16) for _ in range(6)]
    if rng.random() < 0.6:  # zero run so the address compresses with "::"
        start = rng.randint(2, 5)
        for i in range(start, start + rng.randint(2, 3)):
            groups[i] = 0
    return groups


def _join_groups(groups: list[int]) -> int:
    value = 0
    for g in groups:
        value = (value << 16) | g
    return value


def make_technical_ip(rng: random.Random) -> str:
    """An address or network that names no machine of anyone's: loopback, private, netmask,
    documentation (RFC 5737, 2001:db8::/32), link-local, or a provider's CIDR block."""
    n = rng.randint(1, 254)
    return rng.choice((
        "127.0.0.1", "0.0.0.0", "255.255.255.0", "255.255.0.0", "::1", "::",
        f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{n}", f"192.168.{rng.randint(0, 255)}.{n}",
        f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{n}", f"192.0.2.{n}",
        f"198.51.100.{n}", f"203.0.113.{n}", f"169.254.{rng.randint(1, 254)}.{n}",
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", f"{rng.randint(11, 99)}.{n}.0.0/16",
        ipaddress.IPv6Address(_join_groups(_ipv6_groups(rng, 0x20010DB8))).compressed,
        f"fe80::{rng.getrandbits(16):x}:{rng.getrandbits(16):x}", "2001:db8::/32",
    ))  # fmt: skip


# --- phones: every one validated with phonenumbers, so detectors that validate agree ---

_US_AREAS = (201, 202, 206, 212, 213, 214, 215, 303, 305, 312, 313, 404, 415, 503, 512, 602,
             617, 646, 702, 713, 718, 773, 808, 818, 917, 919)  # fmt: skip


def _us_phone(rng: random.Random) -> str:
    a = rng.choice(_US_AREAS)
    e = rng.randint(200, 999)
    line = f"{rng.randint(100, 199):04d}" if e == 555 else random_digits(rng, 4)
    fmt = rng.choice((
        "({a}) {e}-{l}", "{a}-{e}-{l}", "+1 {a} {e} {l}", "{a}.{e}.{l}", "+1-{a}-{e}-{l}",
        "1-{a}-{e}-{l}", "({a}) {e}-{l}",
    ))  # fmt: skip
    return fmt.format(a=a, e=e, l=line)


def _uk_phone(rng: random.Random) -> str:
    # Ofcom drama ranges: valid numbering, never assigned to a subscriber.
    return rng.choice((
        f"+44 20 7946 0{random_digits(rng, 3)}", f"+44 161 496 0{random_digits(rng, 3)}",
        f"+44 117 496 0{random_digits(rng, 3)}", f"+44 113 496 0{random_digits(rng, 3)}",
    ))  # fmt: skip


def _de_phone(rng: random.Random) -> str:
    return rng.choice((
        f"+49 30 {random_digits(rng, 8)}", f"+49 89 {random_digits(rng, 8)}",
        f"+49 (0)40 {random_digits(rng, 4)} {random_digits(rng, 4)}", f"+49 151 {random_digits(rng, 8)}",
        f"+49 221 {random_digits(rng, 7)}",
    ))  # fmt: skip


def _fr_phone(rng: random.Random) -> str:
    lead = rng.choice("123456")
    return f"+33 {lead} " + " ".join(random_digits(rng, 2) for _ in range(4))


def _au_phone(rng: random.Random) -> str:
    return rng.choice((
        f"+61 2 {random_digits(rng, 4)} {random_digits(rng, 4)}",
        f"+61 4{random_digits(rng, 2)} {random_digits(rng, 3)} {random_digits(rng, 3)}",
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
        a = f"{rng.choice('01')}{random_digits(rng, 2)}"
        e = random_digits(rng, 3)
        fmt = rng.choice(("({a}) {e}-{l}", "{a}-{e}-{l}", "+1 {a} {e} {l}"))
        number = fmt.format(a=a, e=e, l=random_digits(rng, 4))
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
    return "AKIA" + random_chars(rng, string.ascii_uppercase + "234567", 16)


def make_github_token(rng: random.Random) -> str:
    return "ghp_" + random_chars(rng, _ALNUM, 36)


def make_google_key(rng: random.Random) -> str:
    return "AIza" + random_chars(rng, _ALNUM + "_-", 35)


def make_slack_token(rng: random.Random) -> str:
    return f"xoxb-{random_digits(rng, 12)}-{random_digits(rng, 13)}-{random_chars(rng, _ALNUM, 24)}"


def make_openai_key(rng: random.Random) -> str:
    return "sk-proj-" + random_chars(rng, _ALNUM + "_-", rng.randint(48, 120))


def make_rsa_block(rng: random.Random) -> str:
    import base64

    # A PKCS#1 DER starts with SEQUENCE + length, which base64-encodes to "MII".
    der = b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00" + rng.randbytes(rng.randint(500, 900))
    body = base64.b64encode(der).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return (
        "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END RSA PRIVATE KEY-----"
    )


SECRET_MAKERS: tuple[tuple[str, Callable[[random.Random], str]], ...] = (
    ("AWS_ACCESS_KEY_ID", make_aws_key_id),
    ("GITHUB_TOKEN", make_github_token),
    ("GOOGLE_API_KEY", make_google_key),
    ("SLACK_BOT_TOKEN", make_slack_token),
    ("OPENAI_API_KEY", make_openai_key),
    ("PRIVATE_KEY", make_rsa_block),
)
SECRET_WEIGHTS = (22, 22, 18, 14, 16, 8)


def make_isbn13(rng: random.Random) -> str:
    body = rng.choice(("978", "979")) + random_digits(rng, 9)
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
