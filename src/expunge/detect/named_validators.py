"""The built-in checks by name, for entity types users declare (detect/registry.py).

Each takes the matched text and the scan's phone region and says whether the match is real.
They reuse the checks the built-in types are confirmed with (validators.py, phone.py), so a
custom "eu_card" with `validator: credit_card` is held to the same rule as `credit_card`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from expunge.detect.phone import is_valid_phone
from expunge.detect.validators import (
    bech32_segwit_ok,
    btc_base58_ok,
    card_issuer,
    eth_checksum_state,
    iban_ok,
    looks_random,
    luhn_ok,
    ssn_ok,
)

# (matched text, phone region) -> is it real?
Check = Callable[[str, str], bool]

_ETH = re.compile(r"0x[0-9a-fA-F]{40}")


_NOT_DIGITS = re.compile(r"[^0-9]+")


def _digits(text: str) -> str:
    """The ASCII digits of the match: 'MEM-4539 1488' -> '45391488' (a custom regex may
    carry a prefix or separators around the number it checks)."""
    return _NOT_DIGITS.sub("", text)


def _luhn(text: str, region: str) -> bool:
    digits = _digits(text)
    return len(digits) >= 2 and luhn_ok(digits)


def _credit_card(text: str, region: str) -> bool:
    digits = _digits(text)
    return 12 <= len(digits) <= 19 and luhn_ok(digits) and card_issuer(digits) is not None


def _iban(text: str, region: str) -> bool:
    compact = text.replace(" ", "").upper()
    return compact.isascii() and compact.isalnum() and iban_ok(compact)


def _us_ssn(text: str, region: str) -> bool:
    return ssn_ok(_digits(text))


def _phone(text: str, region: str) -> bool:
    return is_valid_phone(text.encode("utf-8"), region)


def _ip_address(text: str, region: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _bitcoin(text: str, region: str) -> bool:
    return text.isascii() and (btc_base58_ok(text) or bech32_segwit_ok(text))


def _ethereum(text: str, region: str) -> bool:
    return _ETH.fullmatch(text) is not None and eth_checksum_state(text) != "invalid"


def _entropy(text: str, region: str) -> bool:
    return bool(text) and looks_random(text)


NAMED_VALIDATORS: dict[str, Check] = {
    "luhn": _luhn,  # Luhn mod-10 over the match's digits (other characters skipped)
    "credit_card": _credit_card,  # the digits: Luhn and a card network's prefix and length
    "iban": _iban,  # per-country length and ISO 7064 mod-97 (spaces allowed)
    "us_ssn": _us_ssn,  # the digits: nine, within the SSA area / group / serial rules
    "phone": _phone,  # libphonenumber validity; national numbers read in --phone-region
    "ip_address": _ip_address,  # an IPv4 or IPv6 address (Python's ipaddress)
    "bitcoin": _bitcoin,  # base58check or bech32/bech32m checksum
    "ethereum": _ethereum,  # 0x + 40 hex, EIP-55 checksum when mixed case
    "entropy": _entropy,  # random-looking key material, no placeholder words
}
