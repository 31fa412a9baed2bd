"""Validators, the Keccak implementation, and the fast phone check against phonenumbers."""

from __future__ import annotations

import phonenumbers
import pytest

from expunge.detect.keccak import keccak256
from expunge.detect.phone import is_valid_phone
from expunge.detect.validators import (
    bech32_segwit_ok,
    btc_base58_ok,
    card_issuer,
    eth_checksum_state,
    iban_ok,
    ipv4_octets,
    looks_random,
    luhn_ok,
    ssn_ok,
)


def test_luhn_and_issuers() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert card_issuer("4111111111111111") == ("visa", False)
    assert card_issuer("378282246310005") == ("amex", False)
    assert card_issuer("5555555555554444") == ("mastercard", False)
    assert card_issuer("2221000000000009") == ("mastercard", False)
    assert card_issuer("3530111333300000") == ("jcb", False)
    assert card_issuer("30569309025904") == ("diners", False)
    assert card_issuer("6200000000000005") == ("unionpay", False)
    assert card_issuer("6759649826438453") == ("maestro", True)
    assert card_issuer("37828224631000") is None  # Amex needs 15 digits
    assert card_issuer("9780306406164") is None


def test_iban() -> None:
    assert iban_ok("DE89370400440532013000")
    assert iban_ok("GB29NWBK60161331926819")
    assert not iban_ok("DE88370400440532013000")
    assert not iban_ok("DE5137040044053201300")  # mod-97 holds, length does not


def test_ssn_rules() -> None:
    assert ssn_ok("536221234")
    for bad in ("000123456", "666123456", "912123456", "123004567", "123450000", "078051120"):
        assert not ssn_ok(bad)


def test_ipv4_octets() -> None:
    assert ipv4_octets("192.168.1.10") == [192, 168, 1, 10]
    assert ipv4_octets("300.1.1.1") is None
    assert ipv4_octets("01.2.3.4") is None


def test_wallet_checksums() -> None:
    assert btc_base58_ok("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")
    assert btc_base58_ok("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")
    assert not btc_base58_ok("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3")
    assert bech32_segwit_ok("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")
    assert bech32_segwit_ok("BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ")
    assert not bech32_segwit_ok("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr")
    # a v1 program with a bech32 (not bech32m) checksum is invalid under BIP 350
    assert bech32_segwit_ok("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297")


def test_keccak_and_eip55() -> None:
    assert keccak256(b"").hex().startswith("c5d2460186f7233c927e7db2dcc703c0")
    assert keccak256(b"abc").hex().startswith("4e03657aea45a94fc7d47ba826c8d667")
    assert eth_checksum_state("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed") == "valid"
    assert eth_checksum_state("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359") == "valid"
    assert eth_checksum_state("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD") == "invalid"
    assert eth_checksum_state("0x52908400098527886e0f7030069857d2e4169ee7") == "plain"


def test_looks_random() -> None:
    assert looks_random("q7Zk2Vw9Lr4Tx8Nc1Hb6Pm3Jf5Ds0Ga")
    for placeholder in ("XXXXXXXXXXXXXXXXXXXXXXXX", "your-api-key-here", "aaaaaaaaaaaaaaaaaaaaa"):
        assert not looks_random(placeholder)


def _reference(raw: str, region: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(raw, region))
    except phonenumbers.NumberParseException:
        return False


@pytest.mark.parametrize("region", ["US", "GB", "DE", "FR", "IN", "BR"])
def test_fast_phone_check_agrees_with_phonenumbers(region: str) -> None:
    faker = pytest.importorskip("faker")
    locale = {"US": "en_US", "GB": "en_GB", "DE": "de_DE", "FR": "fr_FR", "IN": "en_IN",
              "BR": "pt_BR"}[region]  # fmt: skip
    fake = faker.Faker(locale)
    fake.seed_instance(11)
    numbers = [fake.phone_number() for _ in range(150)]
    numbers += [f"+{fake.msisdn()}" for _ in range(50)]
    disagree = [
        n
        for n in numbers
        # '00' is read as the international prefix everywhere (documented difference)
        if "x" not in n.lower()
        and not n.lstrip("(").startswith("00")
        and is_valid_phone(n.encode(), region) != _reference(n, region)
    ]
    assert len(disagree) <= 2, disagree
