"""expunge redact: consistent placeholders, an encrypted 0600 vault, exact restore, clear errors."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from expunge.cli.protect import REDACT_EPILOG, redact_cmd
from expunge.errors import ExpungeError
from expunge.protect import redact as redact_mod
from expunge.protect import vault as vault_mod
from expunge.protect.redact import describe, redact, restore
from expunge.protect.vault import PASSPHRASE_ENV, Vault
from expunge.subject import parse_subject

PASS = "correct horse battery staple"
EMAIL = "jane.doe@example.com"
PHONE = "+1 415-555-0123"
CARD = "4111 1111 1111 1111"
TEXT = (
    f"Hi, I am Jane Doe (mail {EMAIL}, phone {PHONE}).\r\n"
    f"Card {CARD}; my colleague is at tom.smith@acme.test. Grüße, Jane Doe\n"
)
PROFILE = """
names = ["Jane Q. Doe"]
emails = ["jane.doe@example.com"]
handles = ["@janedoe_42"]
strings = ["Project Bluebird"]
"""


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    # The header records the parameters, so vaults written this way still open normally.
    monkeypatch.setattr(vault_mod, "SCRYPT_LOG2_N", 10)
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    # Tests of the pattern types run as without a name detector (spaCy is slow to load, and
    # its names would change the placeholders); the name tests below switch it on.
    monkeypatch.setattr(redact_mod, "names_available", lambda: False)


def _fake_names(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """A name detector that finds exactly `names` (spaCy itself is tried in one test)."""
    from expunge.records import Finding

    def found(text: str) -> list[Finding]:
        spans = [(m.start(), m.end()) for n in names for m in re.finditer(re.escape(n), text)]
        return [Finding("person", s, e, 0.7, "spacy-ner") for s, e in sorted(spans)]

    monkeypatch.setattr(redact_mod, "names_available", lambda: True)
    monkeypatch.setattr(redact_mod, "_names", found)


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
app.command("redact", epilog=REDACT_EPILOG)(redact_cmd)


@app.callback()
def _root() -> None:  # a callback keeps `redact` a sub-command, as in expunge.cli
    pass


def run(
    *args: str, stdin: str | None = None, passphrase: str | None = PASS
) -> tuple[int, str, str]:
    """The command as expunge.cli.main() runs it: an ExpungeError is one line and exit 1."""
    result = CliRunner().invoke(
        app, ["redact", *args], input=stdin, env={PASSPHRASE_ENV: passphrase}
    )
    out = result.stdout_bytes.decode()  # (result.stdout turns CRLF into LF)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert isinstance(result.exception, ExpungeError), repr(result.exception)  # no traceback
        return 1, out, f"error: {result.exception}"
    return result.exit_code, out, result.stderr


# ---- library --------------------------------------------------------------------------------


def test_placeholders_consistent_across_calls_with_one_vault(tmp_path: Path) -> None:
    path = tmp_path / "s.vault"
    first = redact(f"write to {EMAIL} or call {PHONE}", Vault())
    assert first.text == "write to [EMAIL_1] or call [PHONE_1]"
    session = Vault()
    redact(f"write to {EMAIL} or call {PHONE}", session)
    session.save(path, PASS)
    again = Vault.load(path, PASS)
    # other spellings of the same values, and one new email: numbering continues
    second = redact("JANE.DOE@EXAMPLE.COM, (415) 555 0123, new: bob@example.net", again)
    assert second.text == "[EMAIL_1], [PHONE_1], new: [EMAIL_2]"
    assert second.new == 1 and len(again) == 3


def test_round_trip_gives_the_original_text_exactly() -> None:
    session = Vault()
    result = redact(TEXT, session)
    assert EMAIL not in result.text and CARD not in result.text and "tom.smith" not in result.text
    assert "\r\n" in result.text and "Grüße" in result.text
    back = restore(result.text, session)
    assert back.text == TEXT
    assert back.restored == len(result.replacements) == 4 and back.unknown == ()


def test_subject_profile_names_and_strings_are_replaced() -> None:
    text = "Jane Q. Doe (J. Doe, @janedoe_42) leads Project Bluebird with Tom."
    assert redact(text).text == text  # the generic detector alone flags none of these
    profile = parse_subject(
        {"names": ["Jane Q. Doe"], "handles": ["@janedoe_42"], "strings": ["Project Bluebird"]},
        "me",
    )
    result = redact(text, subjects=[profile])
    assert result.text == "[NAME_1] ([NAME_2], [HANDLE_1]) leads [DETAIL_1] with Tom."
    assert result.counts() == {"NAME": 2, "HANDLE": 1, "DETAIL": 1}


def test_types_limit_the_detector_but_not_the_subject() -> None:
    profile = parse_subject({"names": ["Jane Doe"]}, "me")
    # 'Doe, jane' (the profile's 'Last, First' form) runs into the email: cut there, so the
    # email stays whole, as asked, and with all types is one placeholder of its own
    text = f"Jane Doe, {EMAIL}, {PHONE}"
    result = redact(text, types=["phone"], subjects=[profile])
    assert result.text == f"[NAME_1], {EMAIL}, [PHONE_1]"
    assert redact(text, subjects=[profile]).text == "[NAME_1], [EMAIL_1], [PHONE_1]"
    with pytest.raises(ExpungeError, match="unknown type"):
        redact("x", types=["email", "postcode"])


def test_restore_accepts_variants_and_reports_unknown_placeholders() -> None:
    session = Vault()
    redact(f"{EMAIL} and {PHONE}", session)
    answer = (
        "[email_1] | [Email 1] | [ EMAIL-1 ] | \\[EMAIL\\_1\\] | {EMAIL_1} | <PHONE_1> | PHONE_1.\n"
        "kept: {email_1} email_1 MY_EMAIL_1 [EMAIL_1x] EMAIL_10 [EMAIL_7] [Credit Card 2]"
    )
    back = restore(answer, session)
    assert back.text == (
        f"{EMAIL} | {EMAIL} | {EMAIL} | {EMAIL} | {EMAIL} | {PHONE} | {PHONE}.\n"
        "kept: {email_1} email_1 MY_EMAIL_1 [EMAIL_1x] EMAIL_10 [EMAIL_7] [Credit Card 2]"
    )
    assert back.restored == 7
    assert back.unknown == ("[EMAIL_7]", "[CREDIT_CARD_2]")  # bare EMAIL_10 is not reported


def test_placeholders_already_in_the_text_are_not_reused() -> None:
    session = Vault()
    result = redact(f"earlier answer: [EMAIL_1]; now {EMAIL}", session)
    assert result.text == "earlier answer: [EMAIL_1]; now [EMAIL_2]"


def test_ner_names_join_and_overlaps_merge(monkeypatch: pytest.MonkeyPatch) -> None:
    # Names from the optional NER stage (spaCy: too slow to load here) share the NAME numbering
    # with the subject's; one that runs into an email is cut at it, not left half readable.
    from expunge.protect import redact as redact_mod
    from expunge.records import Finding

    text = "Tom Smith@example.com wrote to Jane Doe and Tom Smith"
    spans = [(0, 9), (31, 39), (44, 53)]
    monkeypatch.setattr(
        redact_mod,
        "_names",
        lambda text: [Finding("person", s, e, 0.7, "spacy-ner") for s, e in spans],
    )
    profile = parse_subject({"names": ["Jane Doe"]}, "me")
    session = Vault()
    result = redact(text, session, types=["email", "person"], subjects=[profile])
    assert result.text == "[NAME_1] [EMAIL_1] wrote to [NAME_2] and [NAME_3]"
    assert restore(result.text, session).text == text


def test_vault_is_0600_encrypted_and_atomic(tmp_path: Path) -> None:
    path = tmp_path / "s.vault"
    session = Vault()
    redact(TEXT, session, subjects=[parse_subject({"names": ["Jane Doe"]}, "me")])
    session.save(path, PASS)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = path.read_bytes()
    for value in (EMAIL, "jane.doe", "Jane Doe", "jane doe", "4111", "+14155550123", "tom.smith"):
        assert value.encode() not in data
    assert [p.name for p in tmp_path.iterdir()] == ["s.vault"]  # no temporary file left
    assert len(Vault.load(path, PASS)) == len(session) == 5


def test_wrong_passphrase_and_damaged_vaults(tmp_path: Path) -> None:
    path = tmp_path / "s.vault"
    session = Vault()
    redact(TEXT, session)
    session.save(path, PASS)
    with pytest.raises(ExpungeError) as wrong:
        Vault.load(path, "guess")
    assert wrong.value.message == f"wrong passphrase or corrupt vault {path}"
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(ExpungeError, match="wrong passphrase or corrupt vault"):
        Vault.load(path, PASS)
    path.write_bytes(bytes(data[:30]))
    with pytest.raises(ExpungeError, match="corrupt vault"):
        Vault.load(path, PASS)
    path.write_text("just notes\n")
    with pytest.raises(ExpungeError, match="not an expunge vault"):
        Vault.load(path, PASS)


def test_describe_names_types_never_values() -> None:
    assert describe({"EMAIL": 1, "PHONE": 1, "NAME": 1}) == "3 values: 1 email, 1 phone, 1 name"
    assert describe({"IP_ADDRESS": 2}) == "2 values: 2 ip addresses"
    assert describe({}) == "0 values"


# ---- command line ---------------------------------------------------------------------------


def test_cli_two_pastes_share_one_vault_and_restore(tmp_path: Path) -> None:
    src, vault = tmp_path / "in.txt", tmp_path / "chat.vault"
    src.write_text(TEXT, encoding="utf-8", newline="")
    code, out, err = run(str(src), "--reversible", "--vault", str(vault))
    assert code == 0, err
    assert out.startswith("Hi, I am Jane Doe (mail [EMAIL_1], phone [PHONE_1]).")
    assert err.splitlines()[0] == (
        f"redacted 4 values: 2 emails, 1 phone, 1 credit card; vault: {vault} (4 new, 4 in all)"
    )
    for value in (EMAIL, CARD, PHONE, "tom.smith"):
        assert value not in err and value not in out
    assert stat.S_IMODE(vault.stat().st_mode) == 0o600
    code, out2, err2 = run(
        "-", "--reversible", "--vault", str(vault), stdin=f"again {EMAIL}, bo@x.io"
    )
    assert (code, out2) == (0, "again [EMAIL_1], [EMAIL_3]")
    assert "(1 new, 5 in all)" in err2
    answer = tmp_path / "answer.txt"
    answer.write_text(out, encoding="utf-8", newline="")
    restored = tmp_path / "restored.txt"
    code, _, err3 = run("--restore", "--vault", str(vault), str(answer), "--out", str(restored))
    assert code == 0 and err3.strip() == "restored 4 placeholders"
    assert restored.read_bytes() == src.read_bytes()  # byte for byte, CRLF and umlauts included
    assert stat.S_IMODE(restored.stat().st_mode) == 0o600  # it holds the real values again


def test_cli_subject_profile(tmp_path: Path) -> None:
    me = tmp_path / "me.toml"
    me.write_text(PROFILE)
    text = "Jane Doe here (@janedoe_42), about Project Bluebird.\n"
    code, out, err = run("-", "--subject", str(me), stdin=text)
    assert code == 0, err
    assert out == "[NAME_1] here ([HANDLE_1]), about [DETAIL_1].\n"
    assert "Jane" not in err and "Bluebird" not in err


def test_cli_one_way_writes_no_vault(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text(f"mail {EMAIL}\n")
    code, out, err = run(str(src), "--out", str(tmp_path / "out.txt"))
    assert code == 0 and out == ""
    assert "one-way, no vault written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "out.txt"]
    assert (tmp_path / "out.txt").read_text() == "mail [EMAIL_1]\n"
    code, _, err = run(str(src), "--vault", str(tmp_path / "v"))
    assert code == 1 and "--vault without --reversible" in err
    assert not (tmp_path / "v").exists()


def test_cli_restore_reports_unknown_placeholders(tmp_path: Path) -> None:
    vault = tmp_path / "v.vault"
    assert run("-", "--reversible", "--vault", str(vault), stdin=EMAIL)[0] == 0
    code, out, err = run("--restore", "--vault", str(vault), "-", stdin="[email 1], [EMAIL_4]")
    assert (code, out) == (0, f"{EMAIL}, [EMAIL_4]")
    assert err.strip() == "restored 1 placeholder; not in the vault: [EMAIL_4]"


def test_cli_wrong_passphrase_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    vault = tmp_path / "v.vault"
    assert run("-", "--reversible", "--vault", str(vault), stdin=EMAIL)[0] == 0
    before = vault.read_bytes()
    code, out, err = run("-", "--reversible", "--vault", str(vault), stdin=EMAIL, passphrase="x")
    assert (code, out) == (1, "")
    assert err.startswith(f"error: wrong passphrase or corrupt vault {vault} (check ")
    code, out, err = run("--restore", "--vault", str(vault), "-", stdin="[EMAIL_1]", passphrase="x")
    assert (code, out) == (1, "") and "wrong passphrase" in err
    assert vault.read_bytes() == before


def test_cli_refuses_a_plain_text_vault_without_passphrase(tmp_path: Path) -> None:
    vault = tmp_path / "v.vault"
    code, out, err = run("-", "--reversible", "--vault", str(vault), stdin=EMAIL, passphrase=None)
    assert (code, out) == (1, "")
    assert "no passphrase" in err and PASSPHRASE_ENV in err
    assert not vault.exists()
    code, _, err = run("-", "--reversible", "--vault", str(vault), stdin=EMAIL, passphrase="")
    assert code == 1 and "empty" in err and not vault.exists()


def test_passphrase_is_asked_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from expunge.cli import protect as cli_protect

    asked: list[dict[str, object]] = []

    def prompt(text: str, **options: object) -> str:
        asked.append(options)
        return "typed"

    monkeypatch.setattr(cli_protect.sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(cli_protect.typer, "prompt", prompt)
    assert cli_protect._passphrase(new_vault=True) == "typed"
    # hidden, typed twice for a new vault, and on stderr so `> out.txt` stays clean
    assert asked == [{"hide_input": True, "confirmation_prompt": True, "err": True}]
    monkeypatch.setenv(PASSPHRASE_ENV, "from-env")
    assert cli_protect._passphrase(new_vault=False) == "from-env" and len(asked) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{dir}/missing.txt"], "no such file"),
        (["{dir}/in.txt", "--types", "email,zip"], "unknown type(s) in --types: zip"),
        (["{dir}/in.txt", "--reversible", "--vault", "{dir}/no/such/v"], "does not exist"),
        (["{dir}/in.txt", "--reversible", "--vault", "{dir}/notes.txt"], "not an expunge vault"),
        (["{dir}/in.txt", "--reversible"], "--reversible needs --vault"),
        (["{dir}/blob.bin"], "binary, not text"),
        (["{dir}/latin1.txt"], "not UTF-8 text"),
        (["{dir}/in.txt", "--out", "{dir}/no/such/out.txt"], "does not exist"),
        (["{dir}/in.txt", "--reversible", "--vault", "{dir}/v", "--out", "{dir}/v"], "same file"),
        (["{dir}/in.txt", "--phone-region", "XX"], "unknown phone region"),
        (["--restore", "{dir}/in.txt"], "--restore needs --vault"),
        (["--restore", "--vault", "{dir}/absent.vault", "{dir}/in.txt"], "no such vault"),
        (["--restore", "--vault", "{dir}/notes.txt", "{dir}/in.txt"], "not an expunge vault"),
        (["--restore", "--vault", "{dir}/v", "--types", "email", "{dir}/in.txt"], "only --vault"),
    ],
)
def test_cli_bad_input_is_one_error_line_and_writes_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "in.txt").write_text(f"mail {EMAIL}\n")
    (tmp_path / "notes.txt").write_text("my own notes\n")
    (tmp_path / "blob.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "latin1.txt").write_bytes("Grüße".encode("latin-1"))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    argv = [a.format(dir=tmp_path) for a in args]
    if "--out" not in argv:  # a run that got through would write here
        argv += ["--out", str(tmp_path / "o")]
    code, out, err = run(*argv)
    assert (code, out) == (1, ""), err
    assert err.startswith("error: ") and message in err and "\n" not in err.strip()
    assert EMAIL not in err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing written


# ---- other people's names ---------------------------------------------------------------------


def test_names_are_redacted_by_default_when_a_name_detector_is_available(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_names(monkeypatch, "Jane Doe", "Tom Smith")
    text = "Hi, I am Jane Doe; my colleague Tom Smith is at tom.smith@acme.test."
    result = redact(text)
    assert result.names_checked
    assert result.text == "Hi, I am [NAME_1]; my colleague [NAME_2] is at [EMAIL_1]."
    # asking for other types leaves names alone, as asked
    assert redact(text, types=["email"]).text == (
        "Hi, I am Jane Doe; my colleague Tom Smith is at [EMAIL_1]."
    )


def test_cli_says_when_names_were_not_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run("-", stdin="Tom Smith, tom@acme.test\n")
    assert (code, out) == (0, "Tom Smith, [EMAIL_1]\n")
    assert "names were NOT redacted" in err and "expunge[ner]" in err
    code, _, err = run("-", "--types", "email", stdin="Tom Smith\n")  # asked: no note
    assert code == 0 and "NOT redacted" not in err
    _fake_names(monkeypatch, "Tom Smith")
    code, out, err = run("-", stdin="Tom Smith, tom@acme.test\n")
    assert (code, out) == (0, "[NAME_1], [EMAIL_1]\n")
    assert "NOT redacted" not in err and "1 name" in err


def test_names_by_default_with_the_real_name_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real names_available
    monkeypatch.setattr(vault_mod, "SCRYPT_LOG2_N", 10)
    if not redact_mod.names_available():
        pytest.skip("no spaCy model installed (extra [ner])")
    result = redact("Please thank my colleague Tom Smith for the report.")
    assert "Tom Smith" not in result.text and "[NAME_1]" in result.text


def test_cli_patterns_add_custom_types_that_round_trip(tmp_path: Path) -> None:
    types = tmp_path / "mine.yaml"
    types.write_text("types:\n  - name: employee_id\n    regex: 'EMP-[0-9]{6}'\n"
                     "  - name: codename\n    literals: [Nightjar]\n    caseless: true\n")  # fmt: skip
    src, vault = tmp_path / "in.txt", tmp_path / "v.vault"
    src.write_text(f"EMP-123456 and emp-654321 on NIGHTJAR, mail {EMAIL}, EMP-123456 again\n")
    code, out, err = run(str(src), "--patterns", str(types), "--reversible", "--vault", str(vault))
    assert code == 0, err
    # the regex is case-sensitive: 'emp-654321' stays; the word list is caseless
    assert out == ("[EMPLOYEE_ID_1] and emp-654321 on [CODENAME_1], mail [EMAIL_1], "
                   "[EMPLOYEE_ID_1] again\n")  # fmt: skip
    answer = tmp_path / "answer.txt"
    answer.write_text(out)
    code, back, err = run("--restore", "--vault", str(vault), str(answer))
    assert code == 0 and back == src.read_text(), err
    # --types may name a custom type; an unknown one lists the custom names among the choices
    code, out, _ = run(
        "-", "--patterns", str(types), "--types", "codename", stdin="Nightjar EMP-000001"
    )
    assert (code, out) == (0, "[CODENAME_1] EMP-000001")
    code, _, err = run("-", "--patterns", str(types), "--types", "codenames", stdin="x")
    assert code == 1 and "codename" in err.split("choose from:")[1]
    code, _, err = run("--restore", "--vault", str(vault), "--patterns", str(types), str(answer))
    assert code == 1 and "--restore takes only --vault and --out" in err


def test_a_link_to_a_persons_page_is_redacted_a_link_to_docs_stays() -> None:
    """Since a `url` is only a link that names a person (issue 18), redact replaces it by
    default; documentation links are url_technical and a chatbot keeps them."""
    text = (
        "My homepage is https://www.cs.example.edu/~jdoe/ and the docs: https://docs.python.org/3/."
    )
    result = redact(text)
    assert result.text == "My homepage is [URL_1] and the docs: https://docs.python.org/3/."
