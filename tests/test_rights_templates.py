"""Letter and draft wording as template files (issue 15 §4): every template renders for every
letter kind and law, a missing variable is an error, and the templates ship in the package."""

from __future__ import annotations

import dataclasses
import fnmatch
import re
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path

import jinja2
import pytest

from expunge.rights import templates
from expunge.rights.deadlines import LAWS, STATE_LAWS, kinds_for
from expunge.rights.directory import company
from expunge.rights.letters import KINDS, LetterContext, letter_template, render, write_letter
from expunge.rights.tracker import Tracker, draft_complaint, draft_followup
from expunge.subject import parse_subject

ROOT = Path(__file__).resolve().parent.parent
SENT = date(2026, 3, 2)
CORRECTION = {"says": "Robin was convicted of fraud", "should_say": "no such conviction"}
GDPR_KINDS = [k for k, spec in KINDS.items() if spec.law == "gdpr"]


def _person(country: str, state: str | None = None) -> object:
    data: dict[str, object] = {
        "names": ["Robin Example"],
        "emails": ["robin@example.org"],
        "country": country,
        "postal_address": "1 Main St\nSpringfield",
    }
    if state:
        data["state"] = state
    return parse_subject(data, "me.toml")


def _letter_cases() -> list[tuple[str, str, str, str | None]]:
    """(kind, company, country, state) for every kind under every law it can be written
    under: GDPR, UK GDPR and the Swiss FADP (xai's Swiss representative), CCPA, each state
    act on file, BIPA."""
    cases: list[tuple[str, str, str, str | None]] = []
    for kind in GDPR_KINDS:
        cases += [
            (kind, "openai", "de", "be"),
            (kind, "openai", "gb", None),
            (kind, "xai", "ch", None),
            (kind, "laion", "fr", None),
        ]
    cases += [(k, "openai", "us", "ca") for k, spec in KINDS.items() if spec.law == "ccpa"]
    cases += [("us-state", "meta-ai", "us", s) for s in sorted(STATE_LAWS)]
    cases += [("bipa", "clearview-ai", "us", "il")]
    return cases


def _letter(kind: str, slug: str, country: str, state: str | None, **kw: object):  # type: ignore[no-untyped-def]
    extra = CORRECTION if kind in ("gdpr-rectification", "ccpa-correct") else {}
    return write_letter(company(slug), kind, _person(country, state), SENT, **extra, **kw)  # type: ignore[arg-type]


def _assert_laid_out(text: str) -> None:
    """Nothing of the template syntax is left, and the layout rule held (no run of blank
    lines, no trailing spaces, one final newline)."""
    assert "{{" not in text and "{%" not in text and "{#" not in text
    assert "\n\n\n" not in text
    assert not re.search(r"[ \t]+\n", text)
    assert text.endswith("\n") and not text.endswith("\n\n")


# --------------------------------------------------------------------------- the files


def test_every_template_parses_and_ends_with_a_newline() -> None:
    names = templates.template_names()
    assert len(names) >= 20
    for name in names:
        templates.environment().get_template(name)  # a syntax error raises here
        source = (resources.files("expunge") / templates.TEMPLATE_DIR / name).read_text("utf-8")
        assert source.endswith("\n"), name


def test_every_letter_template_is_used_and_every_kind_has_one() -> None:
    used = {letter_template(k, "gdpr") for k in GDPR_KINDS}
    used |= {letter_template(k, "uk-gdpr") for k in GDPR_KINDS}
    used |= {letter_template(k, "fadp") for k in GDPR_KINDS}
    used |= {letter_template(k, spec.law) for k, spec in KINDS.items() if spec.law != "gdpr"}
    shipped = set(templates.template_names())
    assert used <= shipped
    kinds = {n for n in shipped if n.startswith("letters/") and not Path(n).name.startswith("_")}
    assert kinds - {"letters/base.j2"} == used  # no template is left unused


def test_uk_gdpr_letters_share_the_gdpr_templates_fadp_ones_have_their_own() -> None:
    assert letter_template("gdpr-access", "uk-gdpr") == "letters/gdpr/access.j2"
    assert letter_template("gdpr-erasure", "fadp") == "letters/fadp/erasure.j2"
    assert letter_template("ccpa-opt-out", "ccpa") == "letters/ccpa/opt-out.j2"
    assert letter_template("us-state", "us-state") == "letters/us-state/request.j2"


def test_templates_are_package_data_and_jinja2_a_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert any(
        d.replace(" ", "").startswith("jinja2>=3.1") for d in project["project"]["dependencies"]
    )
    patterns = project["tool"]["setuptools"]["package-data"]["expunge"]
    for name in templates.template_names():
        path = f"{templates.TEMPLATE_DIR}/{name}"
        assert any(fnmatch.fnmatch(path, p) for p in patterns), path
        assert (resources.files("expunge") / path).is_file(), path


def test_the_environment_is_strict_plain_text() -> None:
    env = templates.environment()
    assert env.undefined is jinja2.StrictUndefined
    assert env.keep_trailing_newline and not env.autoescape
    # text, not HTML: a name with an ampersand or quotes is written as it is
    assert env.from_string("{{ name }}").render(name='O\'Brien & "Sons" <x>') == (
        'O\'Brien & "Sons" <x>'
    )


# --------------------------------------------------------------------------- letters


@pytest.mark.parametrize(("kind", "slug", "country", "state"), _letter_cases())
@pytest.mark.parametrize("channel", [None, "post"])
def test_every_kind_renders_under_every_law(
    kind: str, slug: str, country: str, state: str | None, channel: str | None
) -> None:
    letter = _letter(kind, slug, country, state, channel=channel)
    _assert_laid_out(letter.body)
    assert letter.body.startswith(f"To: {letter.addressee.name}\n")
    assert "\n\nFrom: Robin Example\n1 Main St\nSpringfield\n\n" in letter.body
    assert "- Postal address: 1 Main St Springfield\n" in letter.body
    assert letter.body.endswith("\n\nYours faithfully,\n\nRobin Example\n")
    if channel == "post":  # the period runs from delivery: no date in the letter
        assert "that is by" not in letter.body and letter.deadline is None
    elif letter.deadline is not None:
        assert f"that is by {letter.deadline.isoformat()}" in letter.body
    if letter.law in ("gdpr", "uk-gdpr"):
        citation = "UK GDPR" if letter.law == "uk-gdpr" else "GDPR"
        assert f"Art. 12(3) {citation} requires you" in letter.body
    for fmt in ("md", "txt"):
        assert render(letter, fmt).decode().count("Dear Sir or Madam,") == 1


def test_each_state_act_letter_names_its_own_rights_and_appeal() -> None:
    utah = _letter("us-state", "meta-ai", "us", "ut").body
    assert "correct inaccuracies" not in utah and "how to appeal" not in utah
    assert (
        "- opt me out of the processing of my personal data for targeted advertising and "
        "the sale of my personal data.\n" in utah
    )
    virginia = _letter("us-state", "meta-ai", "us", "va").body
    assert "- correct inaccuracies in my personal data;\n" in virginia
    assert "tell me how to appeal (Va. Code Ann. §59.1-577(C))" in virginia
    assert ", the sale of my personal data and profiling in furtherance" in virginia
    iowa = _letter("us-state", "meta-ai", "us", "ia").body
    assert "- opt me out of the sale of my personal data.\n" in iowa


def test_evidence_and_the_publisher_paragraph_appear_only_when_they_apply(tmp_path: Path) -> None:
    report = tmp_path / "find-out"
    report.mkdir()
    (report / "summary.json").write_text('{"dataset": "crawl", "by_subject": {"x": {}}}')
    (report / "findings.jsonl").write_text(
        '{"shard": "a.jsonl", "row": 3, "type": "email", "validator": "strong", '
        '"confidence": "strong", "subject": "x", "context": "mail r***@e***.org"}\n'
    )
    plain = _letter("gdpr-erasure", "openai", "fr", None).body
    assert "Evidence that you" not in plain and "Art. 17(2) GDPR" not in plain
    quoted = _letter("gdpr-erasure", "laion", "fr", None, evidence=report).body
    assert "\n\nEvidence that you or your data sources process my data:\n\n" in quoted
    assert '- a.jsonl, record 3 (email): "mail r***@e***.org"\n' in quoted
    assert "Art. 17(2) GDPR therefore requires you" in quoted


# --------------------------------------------------------------------------- strictness


def _context(**change: object) -> LetterContext:
    letter = _letter("gdpr-access", "openai", "de", "be")
    base = LetterContext(
        kind="gdpr-access",
        law="gdpr",
        law_name="GDPR",
        title="Request",
        sent=SENT,
        name="Robin",
        postal_address=None,
        postal_line=None,
        addressee=letter.addressee,
        address_lines=(),
        channel="email",
        identifiers=(("email", ("r@example.org",)),),
        evidence=(),
        by_post=False,
        due={"answer": date(2026, 4, 2)},
        says=None,
        should_say=None,
        publishes_datasets=False,
        act=None,
    )
    return dataclasses.replace(base, **change)  # type: ignore[arg-type]


def test_a_context_renders_the_letter_it_describes() -> None:
    text = templates.render("letters/gdpr/access.j2", _context())
    assert "within one month of receipt of this request, that is by 2026-04-02." in text
    assert "- Email: r@example.org\n" in text
    by_post = templates.render("letters/gdpr/access.j2", _context(by_post=True))
    assert "receipt of this letter." in by_post and "that is by" not in by_post


def test_a_missing_variable_is_an_error_not_an_empty_string() -> None:
    values = templates.context_of(_context())
    del values["law_name"]
    with pytest.raises(jinja2.UndefinedError, match="law_name"):
        templates.render("letters/gdpr/access.j2", values)
    # an identifier kind the template has no label for
    with pytest.raises(jinja2.UndefinedError):
        templates.render("letters/gdpr/access.j2", _context(identifiers=(("dna", ("x",)),)))
    # the state act's record is needed, not guessed
    with pytest.raises(jinja2.UndefinedError):
        templates.render("letters/us-state/request.j2", _context(law="us-state"))


def test_a_missing_template_is_one_clear_error() -> None:
    from expunge.errors import ExpungeError

    with pytest.raises(ExpungeError, match="reinstall expunge"):
        templates.render("letters/gdpr/no-such-kind.j2", _context())


def test_long_date() -> None:
    assert templates.long_date(date(2026, 3, 2)) == "2 March 2026"
    assert templates.long_date(date(2025, 12, 31)) == "31 December 2025"


# --------------------------------------------------------------------------- drafts


def test_followup_and_complaint_render_for_every_law(tmp_path: Path) -> None:
    today = date(2027, 1, 4)
    with Tracker(tmp_path / "rights.db", clock=lambda: "2026-01-05T09:00:00Z") as tracker:
        for law in LAWS:
            if law == "bipa":  # no deadline: no reminder or complaint (tested in the tracker)
                continue
            kind = kinds_for(law)[0]
            country = {"gdpr": "ie", "uk-gdpr": "gb", "fadp": "ch"}.get(law, "us")
            request = tracker.add(
                "acme", kind, law=law, sent="2026-01-05", company_name="Acme & Co", country=country
            )
            followup = draft_followup(request, today, "Robin Example")
            _assert_laid_out(followup)
            assert followup.startswith("Subject: Reminder: my request of 5 January 2026 under ")
            assert "To: Acme & Co\n" in followup and followup.endswith("\nRobin Example\n")
            # the request is named once ("a request for a request for access" was a bug)
            said = followup.split("I sent you, by ", 1)[1].split(" under ", 1)[0]
            assert "request for a request" not in said and "for an objection" not in said
            assert said.split(", ", 1)[1].startswith(("a request", "an objection", "an appeal"))
            complaint = draft_complaint(request, None, today)
            _assert_laid_out(complaint)
            assert complaint.startswith("# Complaint: Acme & Co did not comply with my request")
            assert "\n\n## The request\n\n- Company: Acme & Co (directory slug `acme`)\n" in (
                complaint
            )
            assert complaint.endswith("-->\n")
