"""Payment cards of every network in the IIN table (detect/validators.py `_IIN_TABLE`), found in
text; Luhn stays mandatory, and the wide or busy blocks only count next to a card word.

Numbers are built here: an IIN prefix, filler digits, the Luhn check digit. Networks and
blocks from ISO/IEC 7812-1, Wikipedia "Payment card number" and braintree/credit-card-type."""

from __future__ import annotations

import pytest

from expunge.detect import Detector
from expunge.detect.validators import card_issuer, luhn_ok


def _card(prefix: str, length: int) -> str:
    body = (prefix + "7305812946" * 2)[: length - 1]
    for check in "0123456789":
        if luhn_ok(body + check):
            return body + check
    raise AssertionError("no check digit")


TRUSTED = [  # (network, prefix, length): found without a card word
    ("jcb", "1800", 15), ("jcb", "2131", 15), ("jcb", "3530", 16), ("jcb", "3589", 19),
    ("dankort", "5019", 16), ("mir", "2200", 16), ("mir", "2204", 19),
    ("maestro", "676770", 16), ("maestro", "676774", 19), ("maestro", "6759", 16),
    ("maestro", "5018", 12), ("maestro", "6304", 19), ("maestro", "6763", 16),
    ("elo", "636368", 16), ("elo", "509123", 16), ("verve", "506099", 19),
    ("visa", "4", 16), ("visa", "4", 13), ("mastercard", "2720", 16), ("amex", "37", 15),
    ("discover", "6011", 19), ("diners", "36", 14), ("unionpay", "62", 19),
]  # fmt: skip
WITH_CONTEXT = [  # trusted only next to a card word
    ("uatp", "1", 15), ("rupay", "81", 16), ("troy", "9792", 16), ("humo", "9860", 16),
    ("gpn", "1946", 16), ("unionpay", "8100", 16), ("borica", "2205", 16),
    ("interpayment", "636", 16), ("instapayment", "637", 16), ("ukrcard", "60400100", 16),
    ("maestro", "56", 16),
]  # fmt: skip


@pytest.mark.parametrize(("network", "prefix", "length"), TRUSTED + WITH_CONTEXT)
def test_the_table_names_each_network(network: str, prefix: str, length: int) -> None:
    number = _card(prefix, length)
    assert card_issuer(number) == (network, (network, prefix, length) in WITH_CONTEXT)


@pytest.mark.parametrize(("network", "prefix", "length"), TRUSTED)
def test_trusted_blocks_are_found_in_text(network: str, prefix: str, length: int) -> None:
    number = _card(prefix, length)
    text = f"Payment reference {number} was settled."
    found = [text[f.start : f.end] for f in Detector(types=["credit_card"]).scan(text)]
    assert found == [number], network


@pytest.mark.parametrize(("network", "prefix", "length"), WITH_CONTEXT)
def test_busy_blocks_need_a_card_word(network: str, prefix: str, length: int) -> None:
    number = _card(prefix, length)
    detector = Detector(types=["credit_card"])
    assert [f.type for f in detector.scan(f"Order {number} shipped.")] == [], network
    labelled = f"My card number is {number} (exp 09/29)."
    assert [labelled[f.start : f.end] for f in detector.scan(labelled)] == [number], network


def test_luhn_stays_mandatory_and_lengths_are_checked() -> None:
    detector = Detector(types=["credit_card"])
    for prefix, length in (("1800", 15), ("5019", 16), ("2200", 16), ("676770", 16)):
        good = _card(prefix, length)
        bad = good[:-1] + str((int(good[-1]) + 1) % 10)
        assert detector.scan(f"card {bad}") == [], bad
    assert card_issuer(_card("5019", 15)) is None or card_issuer(_card("5019", 15))[0] != "dankort"
    assert card_issuer(_card("2200", 15)) is None  # Mir: 16-19 digits
    assert card_issuer(_card("1", 16)) is None  # UATP: 15 digits


def test_a_card_after_a_bank_word_is_reported_less_certain() -> None:
    """DataFog's 'Apple Bank account 5500000000000004' (benchmarks/data/eval): 16 digits that
    pass Luhn in Mastercard's block may be either; 18-digit account numbers grouped by four
    ('account 4144 2469 7293 9084 82') hold a card-shaped start and are not cards."""
    text = "Wire beneficiary Apple Bank account 5500000000000004 due 2024-11-01."
    ((card,),) = [Detector().scan(text)]
    assert (card.type, text[card.start : card.end], card.score) == (
        "credit_card",
        "5500000000000004",
        0.6,
    )
    assert Detector().scan("account 4144 2469 7293 9084 82") == []
    assert Detector().scan("Konto 5500000000000004 48") == []  # a longer number
    assert Detector().scan("Konto 5500000000000004") != []
