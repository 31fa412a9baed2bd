"""Text from other countries (issue 18): numbers written the national way under a label in
another language, scripts without spaces, internationalised addresses, account numbers
without their IBAN country code. The sentences are shaped like those of the labelled sets
in benchmarks/eval_sets.py: MEDDOCAN (Spanish case reports), pl-pii-bench (Polish forms),
PIISA's and Microsoft Recognizers-Text's test sentences; the values are ours."""

from __future__ import annotations

import pytest

from expunge.detect import Detector
from expunge.detect.phone_region import record_regions


def _found(text: str, types: list[str] | None = None) -> list[tuple[str, str, str]]:
    return [(f.type, text[f.start : f.end], f.validator) for f in Detector(types=types).scan(text)]


@pytest.mark.parametrize(
    "text, number, region, cue",
    [
        # MEDDOCAN-style footers: the email's domain says Spain
        (
            "Servicio de Urología. Madrid. Tfno: 913 368 000 E-mail: lgarcia@salud.es",
            "913 368 000",
            "ES",
            "domain",
        ),
        (
            "Hospital Clínico. Tel.: 963 86 25 00. Correo: autor@uv.es",
            "963 86 25 00",
            "ES",
            "domain",
        ),
        # another number of the record carries the country code
        ("Telf: 976 765553 Fax: +34 976 379891", "976 765553", "ES", "code"),
        # the country is named
        (
            "Hospital de Cruces, Barakaldo (España). Teléfono: 946006000",
            "946006000",
            "ES",
            "country",
        ),
        # the language: Polish function words, a Polish label
        (
            "Strony potwierdzają, że numer telefonu kontaktowego jest na liście: 510-070-889.",
            "510-070-889",
            "PL",
            "language",
        ),
        (
            "Los teléfonos de la consulta y del centro son 983 45 65 72 y 635 576 281",
            "983 45 65 72",
            "ES",
            "language",
        ),
    ],
)
def test_national_numbers_under_a_label_take_the_records_region(
    text: str, number: str, region: str, cue: str
) -> None:
    phones = [(v, how) for t, v, how in _found(text) if t == "phone"]
    assert (number, f"phonenumbers-{region}-from-{cue}") in phones


def test_the_cues_of_a_record_strongest_first() -> None:
    text = "Llame al +34 93 693 29 05 o escriba a info@clinica.pt; está en España y es la sede"
    cues = record_regions(text.encode(), 0, len(text.encode()))
    assert cues[:3] == (("ES", "code"), ("PT", "domain"), ("MX", "language"))
    assert [r for r, how in cues if how == "language"][:3] == ["MX", "CO", "AR"]  # ES is taken


def test_a_guess_is_scored_lower_when_several_regions_take_the_number() -> None:
    (phone,) = Detector().scan("Tel: 030 12345678")  # Berlin, and valid in the UK too
    assert phone.validator.endswith("-guessed") and phone.score < 0.75


@pytest.mark.parametrize(
    "text",
    [
        "Call (012) 345-6789 or mail us at info@firma.de",  # North American way: invalid
        "Bestellnummer 913368000 vom Lager",  # no phone word
        "teléfono 123456789",  # no region's number
    ],
)
def test_no_region_is_guessed_without_a_label_or_a_valid_number(text: str) -> None:
    assert [v for t, v, _ in _found(text) if t == "phone"] == []


def test_plus_then_space_and_a_label_glued_to_the_plus() -> None:
    text = "Barcelona (España). Tel.: + 34 93 693 29 05. Fax: + 34 93 567 22 28. Tfno.+34 945007000"
    phones = [v for t, v, _ in _found(text) if t == "phone"]
    assert phones == ["+ 34 93 693 29 05", "+ 34 93 567 22 28", "+34 945007000"]


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("我的电话号是+4916012345678。", "phone", "+4916012345678"),  # Recognizers-Text shape
        ("电话：030 12345678", "phone", "030 12345678"),
        ("我电脑IP是81.2.69.160", "ip_address", "81.2.69.160"),
        ("a邮箱地址test@example.com", "email", "test@example.com"),
        ("请访问https://jdoe.github.io/以获取更多信息", "url", "https://jdoe.github.io/"),
    ],
)
def test_scripts_without_spaces_do_not_glue(text: str, kind: str, value: str) -> None:
    assert (kind, value) in [(t, v) for t, v, _ in _found(text)]


def test_latin_letters_still_glue() -> None:
    assert _found("abc81.2.69.160 and x4916012345678") == []


@pytest.mark.parametrize(
    "address",
    ["pedro.martinez.garcía@juntadeandalucia.es", "mijipeñ@hotmail.com",
     "urología.saneloy@hsel.example.net"],
)  # fmt: skip
def test_internationalised_local_parts(address: str) -> None:
    assert _found(f"E-mail: {address} ") == [("email", address, "syntax")]


@pytest.mark.parametrize(
    "text, value",
    [
        (
            "numer rachunku bankowego: PL61-1090-1014-0000-0712-1981-2874. Pole",
            "PL61-1090-1014-0000-0712-1981-2874",
        ),
        ("prosimy podać numer rachunku: 61109010140000071219812874.", "61109010140000071219812874"),
        ("konto 61 1090 1014 0000 0712 1981 2874 ok", "61 1090 1014 0000 0712 1981 2874"),
    ],
)
def test_polish_accounts_with_hyphens_or_without_pl(text: str, value: str) -> None:
    assert ("iban", value) in [(t, v) for t, v, _ in _found(text)]


def test_an_account_number_needs_its_word_and_its_checksum() -> None:
    assert _found("id 61109010140000071219812874") == []
    assert _found("konto 61109010140000071219812875") == []  # one digit off


def test_short_ipv6_next_to_an_ip_word_and_other_schemes() -> None:
    assert ("ip_address", "12::1") in [(t, v) for t, v, _ in _found("My PC IPv6 address is 12::1")]
    assert _found("std::vector<int>::iterator at 12:30:45") == []
    found = _found("files at sftp://files.example.org/pub and ftp://jdoe.neocities.org/")
    assert [(t, v) for t, v, _ in found] == [("url", "ftp://jdoe.neocities.org/")]


@pytest.mark.parametrize(
    "text, number, region",
    [
        ("Pontevedra Tfno. 34-607819141 E-mail", "34-607819141", "ES"),  # MEDDOCAN shape
        ("My phone number is 971-50-123-4567.", "971-50-123-4567", "AE"),  # Recognizers-Text
        ("My phone number is 31612234567.", "31612234567", "NL"),
    ],
)
def test_a_country_code_that_lost_its_plus(text: str, number: str, region: str) -> None:
    phones = [(v, how) for t, v, how in _found(text) if t == "phone"]
    assert phones == [(number, f"phonenumbers-{region}-code-without-plus")]


def test_no_country_code_is_read_into_digits_without_a_phone_word() -> None:
    assert _found("order 4915112345678 shipped") == []


def test_a_chinese_mobile_in_its_own_layout_under_a_phone_word() -> None:
    text = "我的电话号是189-1111-1111."  # Recognizers-Text's Chinese phone specs
    assert _found(text) == [("phone", "189-1111-1111", "phonenumbers-CN-guessed")]


@pytest.mark.parametrize(
    "text, region",
    [("Llame al +34936932905 hoy", "ES"), ("+(49) 30 901820", "DE"), ("+44 (0)20 7946 0958", "GB")],
)
def test_the_country_code_of_another_number_however_it_is_written(text: str, region: str) -> None:
    assert record_regions(text.encode(), 0, len(text.encode()))[0] == (region, "code")


@pytest.mark.parametrize(
    "text, number, how",
    [  # MEDDOCAN's case reports write Madrid's and Barcelona's two-digit codes apart
        ("28034 Madrid. Fax: 91 336 87 85. e-mail: lcreper@yahoo.es", "91 336 87 85", "ES-from-domain"),
        ("Barcelona Tlf. 609 518571 / Fax 93 2607982 E-mail; x@yahoo.es", "93 2607982", "ES-from-domain"),
        ("Tel.: 93 416 97 00", "93 416 97 00", "ES-guessed"),
    ],
)  # fmt: skip
def test_spanish_two_digit_area_codes_written_apart(text: str, number: str, how: str) -> None:
    assert ("phone", number, f"phonenumbers-{how}") in _found(text)


@pytest.mark.parametrize(
    "text, number",
    [  # PIISA's Spanish test sentence; sent.dm's Spanish numbering guide writes both in threes
        ("Tf. 913 444 111", "913 444 111"),
        ("Mobile 612 345 678", "612 345 678"),
    ],
)
def test_spanish_numbers_written_in_threes_under_a_phone_word(text: str, number: str) -> None:
    assert _found(text) == [("phone", number, "phonenumbers-ES-guessed")]


@pytest.mark.parametrize(
    "text, number",
    [  # MEDDOCAN writes 'Tlfno:' (S1139-76322015000500009-1); Portugal's 'telemóvel', 'tlm'
        ("Email: jm@gmail.com Tlfno: 630 75 89 15. Hospital", "630 75 89 15"),
        ("Telemóvel: 912 345 678", "912 345 678"),
        ("tlm 912 345 678", "912 345 678"),
    ],
)
def test_spanish_and_portuguese_phone_abbreviations(text: str, number: str) -> None:
    assert [(t, n) for t, n, _ in _found(text) if t == "phone"] == [("phone", number)]


def test_numbers_in_threes_need_a_phone_word_and_a_spanish_plan() -> None:
    assert _found("order 612 345 678 shipped") == []  # no phone word: a bigger number
    assert _found("Tel. 512 345 678") == []  # no Spanish number starts with 5


def test_the_two_digit_layout_is_spains_own() -> None:
    assert _found("order 91 336 87 85 shipped") == []  # no phone word
    assert _found("Tel. 95 336 87 85") == []  # Seville's code has three digits: 953 36 87 85
