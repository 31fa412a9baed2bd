"""Letter files: PDFs that draw every name as written, .eml files any mail client reads right."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import io
from datetime import date
from email.header import decode_header, make_header

import pytest

from expunge.errors import ExpungeError
from expunge.rights.directory import company
from expunge.rights.letters import Letter, render, write_letter
from expunge.subject import parse_subject

PEOPLE = {
    "Polish": ("Zofia Wójcik-Łęcka", "ul. Źródlana 5, 00-001 Łódź"),
    "Czech": ("Jiří Dvořák", "Náměstí Míru 12, 120 00 Praha 2"),
    "Greek": ("Ελένη Παπαδοπούλου", "Οδός Ερμού 15, 105 63 Αθήνα"),
    "Cyrillic": ("Жанна Петрова", "ул. Тверская 7, Москва 125009"),
}


def _letter(name: str, address: str) -> Letter:
    profile = parse_subject(
        {"names": [name], "emails": ["person@example.org"], "country": "pl",
         "postal_address": address},
        "me.toml",
    )  # fmt: skip
    letter = write_letter(company("openai"), "gdpr-access", profile, date(2026, 12, 1))
    body = f"{letter.body}\n\n{name}\n{address}\n"
    return dataclasses.replace(letter, subject=f"Request for access - {name}", body=body)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("script", sorted(PEOPLE))
def test_pdf_draws_every_name_and_address_as_written(script: str) -> None:
    name, address = PEOPLE[script]
    data = render(_letter(name, address), "pdf")
    assert data[:4] == b"%PDF"
    text = _pdf_text(data)
    for word in (*name.split(), *address.replace(",", " ").split()):
        assert word in text, (script, word)
    assert "?" not in name and b"DejaVuSans" in data  # the Unicode font is embedded
    assert len(data) < 200_000  # as a subset, not the whole 750 kB font


def test_pdf_refuses_characters_its_font_lacks() -> None:
    letter = _letter("王小明", "北京市东城区")
    with pytest.raises(ExpungeError, match="no glyph") as error:
        render(letter, "pdf")
    assert "9 character(s)" in str(error.value) and "U+5317" in str(error.value)
    assert "--format md, txt or eml" in error.value.fix


LONG = (
    "Αίτημα πρόσβασης στα προσωπικά μου δεδομένα - Ελένη Παπαδοπούλου-Καραγιαννοπούλου, "
    "Жанна Петрова, Zofia Wójcik-Łęcka"
)


def test_eml_encoded_words_keep_the_spaces_between_words() -> None:
    letter = dataclasses.replace(_letter(*PEOPLE["Greek"]), subject=LONG)
    raw = render(letter, "eml", "person@example.org")
    header_block = raw.split(b"\n\n", 1)[0].decode("ascii")  # 7-bit headers
    assert all(len(line) <= 78 for line in header_block.splitlines())
    modern = email.message_from_bytes(raw, policy=email.policy.default)
    assert modern["Subject"] == LONG
    classic = email.message_from_bytes(raw)
    assert str(make_header(decode_header(classic["Subject"]))) == LONG
    assert "Ελένη Παπαδοπούλου" in modern.get_content()
    assert modern["Content-Transfer-Encoding"] == "quoted-printable"


def test_eml_has_date_and_message_id_and_a_readable_from() -> None:
    letter = _letter(*PEOPLE["Polish"])
    raw = render(letter, "eml", "Zofia Wójcik-Łęcka <zofia@example.pl>")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Date"] is not None and message["Date"].datetime.tzinfo is not None
    message_id = message["Message-ID"]
    assert message_id.startswith("<") and message_id.endswith("@example.pl>")
    classic = email.message_from_bytes(raw)
    assert str(make_header(decode_header(classic["From"]))) == (
        "Zofia Wójcik-Łęcka <zofia@example.pl>"
    )
    assert message["To"] == letter.to
    # without a sender the id names no machine
    anonymous = email.message_from_bytes(render(letter, "eml"), policy=email.policy.default)
    assert anonymous["Message-ID"].endswith("@expunge.invalid>")
    assert anonymous["From"] is None
