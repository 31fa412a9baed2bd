"""The Detector API: options, offsets on non-ASCII text, batching, overlaps, pickling, mask."""

from __future__ import annotations

import pickle
import random
from itertools import pairwise

import pytest

from expunge.detect import ENTITY_TYPES, PATTERN_TYPES, Detector, mask
from expunge.detect.entities import TECHNICAL_TYPES
from expunge.records import Finding


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector()


SAMPLES = [
    "",
    "nothing to see here",
    "Mail jane.doe@example.com or call (212) 555-0123.",
    "Café ☕ — Ünïcödé 😀 john@example.com then +44 20 7946 0958",
    "Straße 😀😀 Hauptstraße 12, 10115 Berlin; IBAN DE89 3704 0044 0532 0130 00",
    "née 🎂 born on March 12, 1984 — SSN 536-22-1234 — ip 81.2.69.160",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 https://github.com/torvalds and card 4111 1111 1111 1111",
    "lone surrogate \ud800 then jane@example.com",
    "x" * 5000 + " jane@example.com",
]


def test_entity_types() -> None:
    assert "person" in ENTITY_TYPES
    assert "person" not in PATTERN_TYPES
    assert set(PATTERN_TYPES) == set(ENTITY_TYPES) - {"person"}
    # by default personal data only: technical look-alikes are asked for by name
    assert Detector().types == tuple(t for t in PATTERN_TYPES if t not in TECHNICAL_TYPES)
    assert "url_technical" in PATTERN_TYPES and "url_technical" in TECHNICAL_TYPES


def test_unknown_type_lists_valid_names() -> None:
    with pytest.raises(ValueError) as err:
        Detector(types=["email", "bogus"])
    assert "bogus" in str(err.value)
    assert "credit_card" in str(err.value)


def test_bad_options() -> None:
    with pytest.raises(ValueError):
        Detector(phone_region="XX")
    with pytest.raises(ValueError):
        Detector(min_score=1.5)


def test_person_is_accepted_but_left_to_ner() -> None:
    only_person = Detector(types=["person"])
    assert only_person.types == ()
    assert only_person.scan("Jane Doe, jane@example.com") == []


def test_types_filter(det: Detector) -> None:
    text = "jane@example.com (212) 555-0123 https://example.com/~jdoe"
    assert {f.type for f in Detector(types=["email"]).scan(text)} == {"email"}
    assert {f.type for f in Detector(types=["url", "phone"]).scan(text)} == {"url", "phone"}
    assert {f.type for f in det.scan(text)} == {"email", "phone", "url"}


def test_min_score(det: Detector) -> None:
    text = "see https://example.com/~jdoe/page"
    assert [f.type for f in det.scan(text)] == ["url"]
    assert Detector(min_score=0.7).scan(text) == []
    assert all(f.score >= 0.7 for f in Detector(min_score=0.7).scan(SAMPLES[5]))


@pytest.mark.parametrize("text", SAMPLES)
def test_offsets_are_characters(det: Detector, text: str) -> None:
    findings = det.scan(text)
    for f in findings:
        assert isinstance(f, Finding)
        value = text[f.start : f.end]
        assert value and value == value.strip()
        assert 0.0 <= f.score <= 1.0 and f.validator
    # sorted and non-overlapping
    for a, b in pairwise(findings):
        assert a.end <= b.start


def test_offsets_after_non_ascii(det: Detector) -> None:
    text = SAMPLES[3]
    got = {f.type: text[f.start : f.end] for f in det.scan(text)}
    assert got == {"email": "john@example.com", "phone": "+44 20 7946 0958"}
    text = SAMPLES[4]
    got = {f.type: text[f.start : f.end] for f in det.scan(text)}
    assert got == {
        "street_address": "Hauptstraße 12, 10115 Berlin",
        "iban": "DE89 3704 0044 0532 0130 00",
    }
    text = SAMPLES[7]
    assert [text[f.start : f.end] for f in det.scan(text)] == ["jane@example.com"]


def test_scan_batch_equals_scan(det: Detector) -> None:
    rng = random.Random(3)
    texts = SAMPLES + [rng.choice(SAMPLES[2:]) + " " + rng.choice(SAMPLES) for _ in range(40)]
    assert det.scan_batch(texts) == [det.scan(t) for t in texts]
    assert det.scan_batch([]) == []


def test_context_never_leaks_across_records(det: Detector) -> None:
    # "ssn" ends record 0; the bare 9 digits opening record 1 must not see it.
    assert det.scan_batch(["my ssn", "536221234 is a number"]) == [[], []]
    assert det.scan_batch(["born on", "12.03.1984"]) == [[], []]


def test_overlaps_resolved(det: Detector) -> None:
    # a profile URL is a social_handle only; an email's domain is not also a url
    text = "https://twitter.com/jack and jane@www.example.com"
    assert [f.type for f in det.scan(text)] == ["social_handle", "email"]
    # card-like digits inside a valid IBAN are the IBAN
    assert [f.type for f in det.scan("DE95 4111 1111 1111 1111 00")] == ["iban"]


def test_pickle_roundtrip() -> None:
    d = Detector(types=["email", "phone"], phone_region="DE", min_score=0.6)
    copy = pickle.loads(pickle.dumps(d))
    assert (copy.types, copy.phone_region, copy.min_score) == (d.types, "DE", 0.6)
    assert copy.scan("Tel. 030 12345678") == d.scan("Tel. 030 12345678")


@pytest.mark.parametrize(
    "kind, value, expected",
    [
        ("email", "john@example.com", "j***@e***.com"),
        ("phone", "+1 555-123-4567", "+1 ***-***-4567"),
        ("phone", "(212) 555-0123", "(***) ***-0123"),
        ("credit_card", "4111 1111 1111 1111", "**** **** **** 1111"),
        ("credit_card", "4111111111111111", "**** **** **** 1111"),
        ("iban", "DE89 3704 0044 0532 0130 00", "DE** **** ... 3000"),
        ("ip_address", "192.168.1.10", "192.168.*.*"),
        ("street_address", "123 Main Street", "1***"),
        ("secret", "a", "a***"),
    ],
)
def test_mask_examples(kind: str, value: str, expected: str) -> None:
    assert mask(kind, value) == expected


def test_mask_never_returns_the_value(det: Detector) -> None:
    for text in SAMPLES:
        for f in det.scan(text):
            value = text[f.start : f.end]
            masked = mask(f.type, value)
            assert masked != value and value not in masked
    for kind in ENTITY_TYPES:
        for value in ("x", "***", "a@b", "1.2.3.4", "1234"):
            assert mask(kind, value) != value
