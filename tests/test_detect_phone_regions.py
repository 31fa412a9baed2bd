"""Phone shapes per region that the detector missed (or mistook) before issue 12's fixes.

Every positive is a number libphonenumber (the `phonenumbers` package) says is valid for its
region, written the way that region writes it; each case here failed before the fix. The
numbers are made up for these tests (fictional subscribers in valid ranges); the layouts they
use are the ones libphonenumber's metadata gives for the region (its NATIONAL format, e.g.
Brazil '(11) 3456-7890', India '98765 43210'). benchmarks/bench_phone_regions.py measures the
same shapes at scale against phonenumbers.PhoneNumberMatcher.
"""

from __future__ import annotations

import phonenumbers
import pytest

from expunge.detect import Detector


def phones(region: str, text: str) -> list[str]:
    det = Detector(types=["phone"], phone_region=region)
    return [text[f.start : f.end] for f in det.scan(text)]


# National numbers written without a trunk prefix, where the region's plan writes them so:
# no shape matched them (only NANP 3-3-4 and trunk-0 shapes did).
NO_TRUNK = [
    ("BR", "Ligue (21) 99876-5432 hoje.", "(21) 99876-5432"),  # mobile, (DDD) 9xxxx-xxxx
    ("BR", "Escritório: (11) 3456-7890.", "(11) 3456-7890"),  # fixed line
    ("BR", "WhatsApp 21 99876-5432", "21 99876-5432"),
    ("BR", "tel. 21.99876.5432 à noite", "21.99876.5432"),
    ("IN", "Call me on 98765 43210 tonight.", "98765 43210"),  # 5+5, no trunk 0
    ("ES", "Teléfono 612 34 56 78", "612 34 56 78"),
    ("ES", "móvil 612 345 678", "612 345 678"),
    ("IT", "Numero verde 800 123 456", "800 123 456"),
    ("CN", "手机 138 1234 5678", "138 1234 5678"),
    ("CN", "call 138-1234-5678", "138-1234-5678"),
    ("AU", "Freecall 1800 123 456", "1800 123 456"),
    ("MX", "Oficina 55 1234 5678", "55 1234 5678"),
]

# Trunk-0 national numbers whose groups the old trunk shape did not allow.
TRUNK = [
    ("IN", "Mobile: 098765 43210", "098765 43210"),  # 0 + five digits, then five
    ("FR", "Numéro vert : 0 800 12 34 56", "0 800 12 34 56"),  # the trunk 0 on its own
    ("DE", "Service 0800 1234567890", "0800 1234567890"),  # a ten-digit subscriber group
    ("DE", "Hotline 0900 1 234567", "0900 1 234567"),  # a one-digit group
]

# Shapes another type's pattern took first, so the phone was never looked at.
TAKEN_BY_OTHER_SHAPES = [
    ("IN", "reach us at 0091 98765 43210", "0091 98765 43210"),  # 4-5-5: card-shaped
    ("DE", "Privat 0700 1234 5678", "0700 1234 5678"),  # 4-4-4: card-shaped
    ("NG", "Toll-free: 0800 1759 1033", "0800 1759 1033"),
    ("ES", "Oficina 912.34.56.78", "912.34.56.78"),  # four dotted groups: IPv4-shaped
]

# Bare digit runs next to a phone word: 9 digits (was SSN-only) and 12 with the trunk 0
# (was card-only).
BARE = [
    ("ES", "call 612345678", "612345678"),
    ("DE", "Tel. 015123456789", "015123456789"),
]


@pytest.mark.parametrize("region, text, expected", NO_TRUNK + TRUNK + TAKEN_BY_OTHER_SHAPES + BARE)
def test_found_with_its_region(region: str, text: str, expected: str) -> None:
    assert phonenumbers.is_valid_number(phonenumbers.parse(expected, region))
    assert phones(region, text) == [expected]


@pytest.mark.parametrize(
    "text, expected, region",
    [
        ("Call me: Mobil (11) 98765-4321", "(11) 98765-4321", "BR"),
        ("call 98765 43210 from India", "98765 43210", "IN"),
    ],
)
def test_found_with_the_default_region_next_to_a_phone_word(
    text: str, expected: str, region: str
) -> None:
    assert phonenumbers.is_valid_number(phonenumbers.parse(expected, region))
    assert phones("US", text) == [expected]


@pytest.mark.parametrize(
    "region, text",
    [
        # the phone-like tail of a bigger grouped number: ISBN-13s, a price
        ("US", "Call me on ISBN 978 28 07 26708 4 today."),
        ("FR", "Call me on 979 1 0540 8741 3 today."),
        ("US", "Call me on 78 045 995 162,13 € today."),
        # a Brazilian CPF (tax id), read as a number from another region
        ("US", "Call me on 094.541.879-53 today."),
        # the UK writes its national numbers with the 0: ten bare digits are an epoch
        ("GB", "Call me on 1545157245 today."),
        # a North American number written the North American way but invalid there
        ("GB", "Call 154-440-9823 now"),
    ],
)
def test_decoys_found_before_are_rejected(region: str, text: str) -> None:
    assert phones(region, text) == []


def test_north_american_number_still_found_with_another_region() -> None:
    # Read as a UK number it lacks its 0; it is a valid North American number as written.
    assert phones("GB", "Call (212) 555-0123 today") == ["(212) 555-0123"]


@pytest.mark.parametrize(
    "region, text",
    [
        # Guards for the new grouping shape (these passed before too): a national number
        # without the trunk prefix its plan requires (libphonenumber's matcher rule) ...
        ("FR", "The number 1 23 45 67 89 is listed."),
        ("DE", "Telefon 30 12345678"),
        # ... tax ids, versions, dates with times, grouped numbers that are no layout
        ("BR", "CPF 119.876.543-21 ligue"),
        ("ES", "version 10.0.19041.1 build"),
        ("BR", "Lote 2023-11-15 14:30:22 ok"),
        ("IN", "ISBN 978-81-7525-766-5 is out"),
        ("BR", "Pedido 123 4567 89 enviado"),
        ("DE", "account 0468 6589 5035 5867 42"),  # an IBAN tail, 0-led and card-shaped
    ],
)
def test_layouts_that_are_no_phone(region: str, text: str) -> None:
    assert phones(region, text) == []


@pytest.mark.parametrize(
    "text, number",
    [
        ("Kevinchester, OH 45778 214.775.8739 is my cell", "214.775.8739"),
        ("GPS: 12.3366, 9.9986 713-312-8548 is my cell", "713-312-8548"),
        ("born on 15 June 1966 (617) 412-0260 is my cell", "(617) 412-0260"),
        ("West Kurtberg, AZ 86440 1-213-494-7339 is my cell", "1-213-494-7339"),
        ("GPS: 57.1634, 56.4963 702.495.7875 is my cell", "702.495.7875"),
    ],
)
def test_a_north_american_number_after_another_number_is_found(text: str, number: str) -> None:
    """Regression found by the synthetic corpus (bench_scan): the layout shape took the ZIP
    code, year or coordinate in front and the phone after it was lost."""
    found = Detector(types=["phone"], phone_region="US").scan(text)
    assert [text[f.start : f.end] for f in found] == [number]
