"""Technical text that is no personal data (issue 18): a version number beside the word
'address' is no IP address, and the seconds of a time before 'UTC Road' no house number."""

from __future__ import annotations

import pytest

from expunge.detect import Detector


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Update to version 2.10.3.1 (the address book fix).", []),
        ("release v1.2.3.4 of the address parser", []),
        ("version: 81.2.69.160", []),
        ("Meet at 12:30:45 UTC Road works closed.", []),
        ("server address 81.2.69.160 is down", [("ip_address", "81.2.69.160")]),
        ("IP address: 81.2.69.160, version 2", [("ip_address", "81.2.69.160")]),
        ("He lives at 45 Oak Road since May.", [("street_address", "45 Oak Road")]),
    ],
)
def test_technical_text_and_what_stays_found(text: str, found: list[tuple[str, str]]) -> None:
    assert [(f.type, text[f.start : f.end]) for f in Detector().scan(text)] == found
