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
    assert card_issuer("6759649826438453") == ("maestro", False)  # a Maestro UK block
    assert card_issuer("5612345678901234") == ("maestro", True)  # a wide Maestro block
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


def test_card_bytes_agrees_with_issuer_and_luhn() -> None:
    # confirm_numbers._card_bytes: memoised issuer table + translate-based Luhn on bytes.
    import random

    from expunge.detect.confirm_numbers import _card_bytes

    rng = random.Random(7)
    prefixes = ["4", "51", "55", "2221", "2720", "34", "37", "6011", "645", "65", "3528", "3589",
                "300", "36", "62", "50", "56", "69", "9", "1", "7"]  # fmt: skip
    samples = ["4111111111111111", "378282246310005", "5555555555554444", "6759649826438453"]
    for _ in range(20_000):
        n = rng.randint(10, 21)
        head = rng.choice(prefixes)
        samples.append((head + "".join(rng.choice("0123456789") for _ in range(n)))[:n])
    for digits in samples:
        expected = None
        if 12 <= len(digits) <= 19:
            issuer = card_issuer(digits)
            if issuer is not None and luhn_ok(digits):
                expected = issuer
        assert _card_bytes(digits.encode("ascii")) == expected, digits


def test_iban_numeric_conversion_agrees_with_int36() -> None:
    import random
    import string

    rng = random.Random(11)
    alphabet = string.ascii_uppercase + string.digits + string.ascii_lowercase
    passed = 0
    for _ in range(20_000):
        # DE: 22 characters; mostly upper case/digits, some lower case, check digits random
        body = "".join(rng.choice(alphabet[: rng.choice([10, 36, 62])]) for _ in range(18))
        compact = "DE" + f"{rng.randint(0, 99):02d}" + body
        rearranged = compact[4:] + compact[:4]
        reference = int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1
        assert iban_ok(compact) == reference, compact
        passed += reference
    assert passed > 50  # the valid side was exercised too
    # non-alphanumeric characters still go through int() (and fail the same way)
    with pytest.raises(ValueError):
        iban_ok("DE89370400440532013_00")


def _resolve_reference(hits, min_score):  # type: ignore[no-untyped-def]
    """resolve() before its non-overlapping fast path, kept to check the fast path against."""
    from bisect import bisect_left

    from expunge.detect.resolve import SPECIFICITY

    kept = [h for h in hits if h[3] >= min_score]
    if len(kept) <= 1:
        return kept
    kept.sort(key=lambda h: (-h[3], -SPECIFICITY.get(h[0], 0), h[1] - h[2], h[1]))
    starts: list[int] = []
    chosen: list = []  # type: ignore[type-arg]
    for h in kept:
        i = bisect_left(starts, h[1])
        if i > 0 and chosen[i - 1][2] > h[1]:
            continue
        if i < len(chosen) and chosen[i][1] < h[2]:
            continue
        starts.insert(i, h[1])
        chosen.insert(i, h)
    return chosen


def test_resolve_fast_path_agrees_with_priority_resolution() -> None:
    import random

    from expunge.detect.resolve import SPECIFICITY, resolve

    rng = random.Random(3)
    types = list(SPECIFICITY)
    for _ in range(20_000):
        hits = []
        pos = 0
        for _ in range(rng.randint(0, 8)):
            pos += rng.choice([0, 0, 1, 3, 10, 30]) - rng.choice([0, 0, 0, 2, 5])
            start = max(0, pos)
            end = start + rng.choice([0, 1, 4, 12, 20])
            pos = end
            score = rng.choice([0.3, 0.45, 0.5, 0.6, 0.85, 0.95, 1.0])
            hits.append((rng.choice(types), start, end, score, rng.choice(["a", "b"])))
        rng.shuffle(hits)
        if hits and rng.random() < 0.1:
            hits.append(hits[0])  # exact duplicates
        assert resolve(list(hits), 0.5) == _resolve_reference(list(hits), 0.5), hits
