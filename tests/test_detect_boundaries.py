"""Every type is found glued to the punctuation of logs, URLs, paths and SQL (issue 18): pipes,
backslashes, URL escapes ('%20'), query strings, semicolons, quotes, brackets, tabs."""

from __future__ import annotations

import pytest

from expunge.detect import Detector

VALUES = {
    "email": "jane.roe@example.com",
    "phone": "+44 20 7946 0958",
    "credit_card": "4111111111111111",
    "iban": "DE89370400440532013000",
    "ip_address": "81.2.69.160",
    "us_ssn": "536-22-1845",
    "url": "https://example.org/~jdoe/a",
    "crypto_wallet": "0x52908400098527886E0F7030069857D2E4169EE7",
    "secret": "AKIAIOSFODNN7EXAMPLX",
}
CONTEXTS = {
    "pipe": "|{}|", "backslash": "\\{}\\", "url-escape": "a%20{}%20b", "query": "x={}&y=1",
    "semicolon": ";{};", "single-quote": "'{}'", "double-quote": '"{}"', "paren": "({})",
    "bracket": "[{}]", "brace": "{{{}}}", "angle": "<{}>", "comma": "{},", "tab": "\t{}\t",
    "colon": "ip:{}:", "sql": "VALUES ('{}');", "escaped-comma": "a%2C{}%2Cb",
}  # fmt: skip


@pytest.mark.parametrize("context", list(CONTEXTS))
@pytest.mark.parametrize("kind", list(VALUES))
def test_found_whatever_punctuation_it_is_glued_to(kind: str, context: str) -> None:
    value = VALUES[kind]
    text = CONTEXTS[context].format(value)
    found = [(f.type, text[f.start : f.end]) for f in Detector().scan(text)]
    if kind == "url":  # what follows in a URL ('%20b', '&y=1') may be its own
        assert any(t == "url" and v.startswith(value) for t, v in found), found
    else:
        assert (kind, value) in found, found


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("GET /login?ip=81.2.69.160&user=7 200", ("ip_address", "81.2.69.160")),
        ("2026-12-01 10:00:01|81.2.69.160|POST|/api", ("ip_address", "81.2.69.160")),
        ("\\\\81.2.69.160\\share\\files", ("ip_address", "81.2.69.160")),
        ("q=card%3A4111111111111111", ("credit_card", "4111111111111111")),
        ("INSERT INTO t VALUES (1,'jane.roe@example.com');", ("email", "jane.roe@example.com")),
        ("to=jane.roe%40example.com|cc=", None),  # an encoded '@' is not read as one
    ],
)
def test_real_log_and_url_lines(text: str, wanted: tuple[str, str] | None) -> None:
    found = [(f.type, text[f.start : f.end]) for f in Detector().scan(text)]
    if wanted is None:
        assert not [f for f in found if f[0] == "email"], found
    else:
        assert wanted in found, found


def test_escapes_do_not_glue_what_was_never_a_token() -> None:
    # A number that merely follows a letter stays part of its token
    for text in ("ID x4111111111111111", "v81.2.69.160", "abcjane.roe@example.com"):
        found = [(f.type, text[f.start : f.end]) for f in Detector().scan(text)]
        assert ("credit_card", "4111111111111111") not in found
        assert ("ip_address", "81.2.69.160") not in found
