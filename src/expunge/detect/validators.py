"""Cheap checks that turn a pattern candidate into a confirmed finding.

All take the candidate's own characters (str or bytes, already stripped of separators where
noted) and return a bool or a small verdict; none looks at surrounding text (context.py does).
"""

from __future__ import annotations

import hashlib
import math

from expunge.detect.keccak import keccak256

# --- payment cards ---------------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    """Luhn mod-10 over an all-digit string."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i & 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# Issuer identification numbers in use, with the card lengths each issues, most specific
# prefixes first (the first entry whose prefix AND length fit is the network). Sources: ISO/IEC
# 7812-1 (structure: up to 19 digits, Luhn check digit); Wikipedia "Payment card number", IIN
# table (read from stored copies, 2024 revision); braintree/credit-card-type card-types.ts (MIT;
# commit d0b8d2a0) for Elo, Mir, the UnionPay 81 block and JCB 1800/2131. `True` = trusted only
# next to a card word ("card", "visa", "cvv", ...): numbering blocks wide or busy enough that
# order numbers and ids pass Luhn by chance (1 in 10).
_IIN_TABLE: tuple[tuple[str, int, int, tuple[int, ...], bool], ...] = (
    # eight digits
    ("ukrcard", 60400100, 60420099, (16, 17, 18, 19), True),
    # six digits
    ("maestro", 676770, 676770, tuple(range(12, 20)), False),  # Maestro UK
    ("maestro", 676774, 676774, tuple(range(12, 20)), False),
    ("elo", 401178, 401179, (16,), False),
    ("elo", 431274, 431274, (16,), False),
    ("elo", 438935, 438935, (16,), False),
    ("elo", 451416, 451416, (16,), False),
    ("elo", 457393, 457393, (16,), False),
    ("elo", 457631, 457632, (16,), False),
    ("elo", 504175, 504175, (16,), False),
    ("elo", 506699, 506778, (16,), False),
    ("elo", 509000, 509999, (16,), False),
    ("elo", 627780, 627780, (16,), False),
    ("elo", 636297, 636297, (16,), False),
    ("elo", 636368, 636368, (16,), False),
    ("elo", 650031, 650033, (16,), False),
    ("elo", 650035, 650051, (16,), False),
    ("elo", 650405, 650439, (16,), False),
    ("elo", 650485, 650538, (16,), False),
    ("elo", 650541, 650598, (16,), False),
    ("elo", 650700, 650718, (16,), False),
    ("elo", 650720, 650727, (16,), False),
    ("elo", 650901, 650978, (16,), False),
    ("elo", 651652, 651679, (16,), False),
    ("elo", 655000, 655019, (16,), False),
    ("elo", 655021, 655058, (16,), False),
    ("verve", 506099, 506198, (16, 18, 19), False),
    ("verve", 507865, 507964, (16, 18, 19), False),
    ("verve", 650002, 650027, (16, 18, 19), False),
    # four digits
    ("jcb", 1800, 1800, (15, 16), False),  # the older JCB blocks, 15 digits
    ("jcb", 2131, 2131, (15, 16), False),
    ("gpn", 1946, 1946, (16, 18, 19), True),  # Indonesia's national network
    ("mir", 2200, 2204, (16, 17, 18, 19), False),
    ("borica", 2205, 2205, (16,), True),
    ("dankort", 5019, 5019, (16,), False),
    ("maestro", 5018, 5018, tuple(range(12, 20)), False),
    ("maestro", 5020, 5020, tuple(range(12, 20)), False),
    ("maestro", 5038, 5038, tuple(range(12, 20)), False),
    ("maestro", 5893, 5893, tuple(range(12, 20)), False),
    ("maestro", 6304, 6304, tuple(range(12, 20)), False),
    ("maestro", 6759, 6759, tuple(range(12, 20)), False),
    ("maestro", 6761, 6763, tuple(range(12, 20)), False),
    ("discover", 6011, 6011, (16, 17, 18, 19), False),
    ("mastercard", 2221, 2720, (16,), False),
    ("jcb", 3528, 3589, (16, 17, 18, 19), False),
    ("unionpay", 8100, 8171, (14, 15, 16, 17, 18, 19), True),
    ("troy", 9792, 9792, (16,), True),  # Turkey
    ("humo", 9860, 9860, (16,), True),  # Uzbekistan
    # three digits
    ("diners", 300, 305, (14, 15, 16, 17, 18, 19), False),
    ("discover", 644, 649, (16, 17, 18, 19), False),
    ("interpayment", 636, 636, (16, 17, 18, 19), True),
    ("instapayment", 637, 639, (16,), True),
    # two digits
    ("amex", 34, 34, (15,), False),
    ("amex", 37, 37, (15,), False),
    ("diners", 36, 36, (14, 15, 16, 17, 18, 19), False),
    ("diners", 38, 39, (14, 15, 16, 17, 18, 19), False),
    ("mastercard", 51, 55, (16,), False),
    ("discover", 65, 65, (16, 17, 18, 19), False),
    ("unionpay", 62, 62, (16, 17, 18, 19), False),
    ("rupay", 81, 82, (16,), True),  # India's network beside its 60/65/508 blocks
    ("maestro", 50, 50, tuple(range(12, 20)), True),  # Maestro's wide blocks overlap other
    ("maestro", 56, 69, tuple(range(12, 20)), True),  # numbering schemes
    # one digit
    ("visa", 4, 4, (13, 16, 19), False),
    ("uatp", 1, 1, (15,), True),  # airline cards
)


_IinRow = tuple[int, int, int, int, frozenset[int], str, bool]  # order, width, first, last, ...


def _iin_by_head() -> dict[str, tuple[_IinRow, ...]]:
    """The table's rows under each head of up to four digits a number in their block can
    start with (longer blocks under their four-digit heads), in table order: a few dict
    lookups per number instead of a walk of the whole table, and a small index to build."""
    rows: dict[str, list[_IinRow]] = {}
    for order, (network, first, last, lengths, context) in enumerate(_IIN_TABLE):
        width = len(str(first))
        cut = 10 ** max(0, width - 4)  # a block of six or eight digits: by its first four
        last = min(last, 10**width - 1)
        for head in range(first // cut, last // cut + 1):
            row = (order, width, first, last, frozenset(lengths), network, context)
            rows.setdefault(str(head), []).append(row)
    return {head: tuple(found) for head, found in rows.items()}


_IIN_BY_HEAD = _iin_by_head()
_HEAD_WIDTHS = tuple(sorted({min(4, len(str(row[1]))) for row in _IIN_TABLE}))
# First four digits shared by a longer prefix: the verdict there depends on more digits.
LONG_PREFIX_HEADS = frozenset(
    str(first)[:4] for _, first, _, _, _ in _IIN_TABLE if len(str(first)) > 4
) | frozenset(str(last)[:4] for _, first, last, _, _ in _IIN_TABLE if len(str(first)) > 4)


def card_issuer(digits: str) -> tuple[str, bool] | None:
    """(network, needs_card_context) when the IIN prefix and length fit a card network."""
    n = len(digits)
    best: tuple[int, str, bool] | None = None  # the first row of the table that fits
    for head in _HEAD_WIDTHS:
        for order, width, first, last, lengths, network, context in _IIN_BY_HEAD.get(
            digits[:head], ()
        ):
            if best is not None and order > best[0]:
                break  # rows come in table order
            if n in lengths and first <= int(digits[:width]) <= last:
                best = (order, network, context)
                break
    return None if best is None else (best[1], best[2])


# --- IBAN ------------------------------------------------------------------------------------

# ISO 13616 registry lengths: every SEPA member plus the other common IBAN countries.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


def iban_ok(compact: str) -> bool:
    """Registry length for the country AND mod-97 of the rearranged number equal to 1."""
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    # int(c, 36) maps 0-9 to 0-9 and A-Z to 10-35, which is exactly the ISO 7064 substitution
    # (one str.translate for ASCII letters and digits; anything else goes through int()).
    if rearranged.isascii() and rearranged.isalnum():
        numeric = rearranged.translate(_BASE36_DIGITS)
    else:
        numeric = "".join(str(int(c, 36)) for c in rearranged)
    return int(numeric) % 97 == 1


_BASE36_DIGITS = {
    ord(c): str(int(c, 36))
    for c in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
}


# --- US SSN ----------------------------------------------------------------------------------

_SSN_ADVERTISED = frozenset({"078051120", "219099999", "123456789"})


def ssn_ok(digits: str) -> bool:
    """SSA rules: no area 000/666/9xx, no group 00, no serial 0000, no famous sample numbers."""
    if len(digits) != 9 or not digits.isdigit() or digits in _SSN_ADVERTISED:
        return False
    area = int(digits[:3])
    return area != 0 and area != 666 and area < 900 and digits[3:5] != "00" and digits[5:] != "0000"


# --- IPv4 ------------------------------------------------------------------------------------


def ipv4_octets(candidate: str) -> list[int] | None:
    """Octets when each part is 0-255 without a leading zero, else None."""
    parts = candidate.split(".")
    if len(parts) != 4:
        return None
    octets = []
    for part in parts:
        if not part.isdigit() or len(part) > 3 or (len(part) > 1 and part[0] == "0"):
            return None
        value = int(part)
        if value > 255:
            return None
        octets.append(value)
    return octets


# --- crypto wallets --------------------------------------------------------------------------

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}


def base58_decode(text: str) -> bytes | None:
    """Bitcoin-style base58 (one big integer, leading '1's become zero bytes)."""
    value = 0
    for ch in text:
        digit = _B58_INDEX.get(ch)
        if digit is None:
            return None
        value = value * 58 + digit
    body = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + body


def btc_base58_ok(address: str) -> bool:
    """Legacy P2PKH (version 0x00) / P2SH (0x05): 25 bytes, last 4 = double-SHA256 checksum."""
    raw = base58_decode(address)
    if raw is None or len(raw) != 25 or raw[0] not in (0x00, 0x05):
        return False
    return hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4] == raw[21:]


_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_CONST, _BECH32M_CONST = 1, 0x2BC830A3


def _bech32_polymod(values: list[int]) -> int:
    generators = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = ((chk & 0x1FFFFFF) << 5) ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= generators[i]
    return chk


def bech32_segwit_ok(address: str) -> bool:
    """bc1 segwit address: single case, bech32 checksum for v0, bech32m for v1..v16 (BIP 173/350)."""
    if address.lower() != address and address.upper() != address:
        return False
    address = address.lower()
    hrp, _, data_part = address.rpartition("1")
    if hrp != "bc" or len(data_part) < 7:
        return False
    try:
        data = [_BECH32_CHARSET.index(c) for c in data_part]
    except ValueError:
        return False
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    const = _bech32_polymod(expanded + data)
    version = data[0]
    if version > 16:
        return False
    payload_bits = (len(data) - 7) * 5  # data minus version char and 6 checksum chars
    program_len = payload_bits // 8
    if version == 0:
        return const == _BECH32_CONST and program_len in (20, 32)
    return const == _BECH32M_CONST and 2 <= program_len <= 40


def eth_checksum_state(address: str) -> str:
    """'plain' for single-case hex (no checksum to check), 'valid' / 'invalid' for EIP-55."""
    body = address[2:]
    if body == body.lower() or body == body.upper():
        return "plain"
    digest = keccak256(body.lower().encode("ascii")).hex()
    for ch, nibble in zip(body, digest[:40], strict=True):
        if ch.isalpha() and ch.isupper() != (int(nibble, 16) >= 8):
            return "invalid"
    return "valid"


# --- secrets ---------------------------------------------------------------------------------

_PLACEHOLDER_WORDS = ("example", "your", "xxxx", "test", "dummy", "sample", "placeholder",
                      "redacted", "changeme", "insert", "replace", "fake")  # fmt: skip


def shannon_entropy(text: str) -> float:
    """Bits per character of the character distribution."""
    n = len(text)
    if not n:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in map(text.count, set(text)))


def looks_random(body: str, min_entropy: float = 3.0) -> bool:
    """True for key material; False for placeholders like XXXXXXXX, your-api-key, sk-test-1234."""
    lowered = body.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return False
    if max(map(body.count, set(body))) > len(body) // 3:
        return False
    return shannon_entropy(body) >= min_entropy
