"""A phone number's extension is part of the number found (issue 18): redacting the number
must not leave 'x4587' behind."""

from __future__ import annotations

import pytest

from expunge.detect import Detector


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("Tel. +1 212 555 0199 x4587.", "+1 212 555 0199 x4587"),
        ("call (212) 555-0199 ext. 12 today", "(212) 555-0199 ext. 12"),
        ("Fax: +49 30 901820, Durchwahl 17", "+49 30 901820, Durchwahl 17"),
        ("+44 20 7946 0958 #22 or the desk", "+44 20 7946 0958 #22"),
        ("+33 1 42 68 53 00 poste 214", "+33 1 42 68 53 00 poste 214"),
        ("+1 212 555 0199 xylophone", "+1 212 555 0199"),  # a word, not an extension
        ("+1 212 555 0199 x12345678", "+1 212 555 0199"),  # too long for an extension
        ("+1 212 555 0199 ext", "+1 212 555 0199"),
        # glued to the number, as Microsoft Recognizers-Text's phone specs write them
        ("My phone number is 269-541-4584x068.", "269-541-4584x068"),
        ("tel 269.541.4584ext12", "269.541.4584ext12"),
    ],
)
def test_the_extension_belongs_to_the_number(text: str, phone: str) -> None:
    assert [text[f.start : f.end] for f in Detector(types=["phone"]).scan(text)] == [phone]


@pytest.mark.parametrize("text", ["id 269-541-4584xyz", "size 1920x1080", "ref 2695414584x2"])
def test_letters_glued_to_a_number_that_are_no_extension(text: str) -> None:
    assert Detector(types=["phone"]).scan(text) == []
