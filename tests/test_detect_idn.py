"""Emails with internationalised domains (issue 18): Unicode labels and TLDs and their
punycode are found, checked in punycode form, and one person's address matches in either."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from expunge.detect import Detector
from expunge.subject.normalize import email_key

FOUND = [
    ("write to info@bücher.de today", "info@bücher.de"),
    ("mail admin@xn--bcher-kva.de now", "admin@xn--bcher-kva.de"),
    ("контакт: user@пример.рф.", "user@пример.рф"),
    ("support@example.xn--p1ai", "support@example.xn--p1ai"),
    ("联系 x@日本.jp,", "x@日本.jp"),
    ("(info@münchen.example)", "info@münchen.example"),
]
NOT_FOUND = ["logo@2x.png", "a@b.c", "bad@xn--.de", "pkg@1.2.3-rc.x", "a@-bad.de", "x@b\udcff.de"]


@pytest.mark.parametrize(("text", "email"), FOUND)
def test_idn_addresses_are_found(text: str, email: str) -> None:
    assert [text[f.start : f.end] for f in Detector(types=["email"]).scan(text)] == [email]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_what_is_no_address_stays_unfound(text: str) -> None:
    assert Detector(types=["email"]).scan(text) == []


def test_one_mailbox_whichever_form_it_is_written_in() -> None:
    assert (
        email_key("Info@Bücher.de") == email_key("info@xn--bcher-kva.de") == "info@xn--bcher-kva.de"
    )
    assert email_key("user@пример.рф") == "user@xn--e1afmkfd.xn--p1ai"
    assert email_key("user@xn--.de") is None


def test_find_matches_the_other_form(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    rows = ["Schreib an INFO@xn--bcher-kva.de bitte.", "Nichts hier.", "info@bücher.de"]
    (data / "a.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in rows))
    me = tmp_path / "me.toml"
    me.write_text('emails = ["info@bücher.de"]\n')
    out = tmp_path / "out"
    assert run_cli("find", "--subject", str(me), str(data), "--out", str(out)).code == 0
    found = {json.loads(line)["row"] for line in (out / "findings.jsonl").read_text().splitlines()}
    assert found == {0, 2}
