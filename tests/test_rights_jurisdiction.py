"""Letters go to the right company under the right law (issue 13, 'Letters: the right company,
the right law'): addressee by the requester's residence, residence rules (state), wording per
kind checked against the law's text, competent complaint authority, dead ends, quick routes."""

from __future__ import annotations

import re
import shlex
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import run_cli

from expunge.errors import ExpungeError
from expunge.rights.authorities import (
    GERMAN_LAND_AUTHORITY,
    complaint_authority,
    load_authorities,
    supervisory_authority,
)
from expunge.rights.deadlines import deadlines_for, kinds_for
from expunge.rights.directory import STALE_DAYS, companies, company
from expunge.rights.letters import KINDS, how_to_send, write_letter
from expunge.subject import parse_subject

SENT = date(2026, 3, 2)  # a Monday


def person(country: str | None, state: str | None = None, **extra: object) -> object:
    data: dict[str, object] = {"names": ["Robin Example"], "emails": ["robin@example.org"]}
    if country:
        data["country"] = country
    if state:
        data["state"] = state
    data.update(extra)
    return parse_subject(data, "me.toml")


CA, VA, IA, UT, IL = (person("us", s) for s in ("ca", "va", "ia", "ut", "il"))
DE, GB, CH, FR = person("de", "be"), person("gb"), person("ch"), person("fr")
CORRECTION = {"says": "Robin Example was convicted of fraud", "should_say": "no such conviction"}


def letter(slug: str, kind: str, who: object, **kw: object):  # type: ignore[no-untyped-def]
    if kind in ("gdpr-rectification", "ccpa-correct"):
        kw = {**CORRECTION, **kw}
    return write_letter(company(slug), kind, who, SENT, **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- 1. addressee


@pytest.mark.parametrize(
    ("slug", "us_entity", "eu_entity"),
    [
        ("openai", "OpenAI OpCo, LLC", "OpenAI Ireland Limited"),
        ("anthropic", "Anthropic PBC", "Anthropic Ireland, Limited"),
        ("google-gemini", "Google LLC", "Google Ireland Limited"),
        ("meta-ai", "Meta Platforms, Inc.", "Meta Platforms Ireland Limited"),
    ],
)
def test_us_law_letters_go_to_the_us_business_gdpr_ones_to_the_eu_entity(
    slug: str, us_entity: str, eu_entity: str
) -> None:
    for kind, who in (("ccpa-delete", CA), ("ccpa-know", CA), ("us-state", VA), ("bipa", IL)):
        made = letter(slug, kind, who)
        assert made.body.startswith(f"To: {us_entity}\n"), (slug, kind)
        assert eu_entity not in made.body and "Ireland" not in made.body.split("From:")[0]
    for kind in ("gdpr-access", "gdpr-erasure", "gdpr-objection-ai-training"):
        assert letter(slug, kind, DE).body.startswith(f"To: {eu_entity}\n")


def test_uk_residents_get_the_entity_the_policy_names_for_the_uk() -> None:
    assert letter("openai", "gdpr-access", GB).addressee.name == "OpenAI OpCo, LLC"
    assert letter("google-gemini", "gdpr-access", GB).addressee.name == "Google LLC"
    assert letter("anthropic", "gdpr-access", GB).addressee.name == "Anthropic Ireland, Limited"
    # Meta's UK entity is not confirmed: the letter says so instead of guessing
    meta = letter("meta-ai", "gdpr-access", GB)
    assert any("does not say which Meta entity" in n for n in meta.notes)


def test_company_records_say_which_entity_serves_which_region_with_source_and_date() -> None:
    for slug in ("openai", "anthropic", "google-gemini", "meta-ai", "microsoft", "xai",
                 "perplexity"):  # fmt: skip
        entities = companies()[slug].entities
        assert len(entities) >= 2, slug
        for entity in entities:
            assert entity.serves and entity.source and entity.source.startswith("http"), slug
            date.fromisoformat(entity.checked or "")
    meta_us = companies()["meta-ai"].entity_for("us")
    assert meta_us is not None and meta_us.name == "Meta Platforms, Inc."
    assert "1 Meta Way" in (meta_us.address or "") and "vlopses-us-versions" in meta_us.source


def test_track_hint_records_the_us_entity_law_country_sent_date_and_channel(
    tmp_path: Path,
) -> None:
    me = tmp_path / "me.toml"
    me.write_text('names = ["Jane Roe"]\nemails = ["jane@example.com"]\ncountry = "us"\n'
                  'state = "ca"\n')  # fmt: skip
    result = run_cli("rights", "letter", "--company", "openai", "--kind", "ccpa-delete",
                     "--me", str(me))  # fmt: skip
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("To: OpenAI OpCo, LLC")
    hint = next(line for line in result.stderr.splitlines() if line.startswith("track it: "))
    args = shlex.split(hint.removeprefix("track it: "))
    assert args[:4] == ["expunge", "rights", "track", "add"]
    for option, value in (("--name", "OpenAI OpCo, LLC"), ("--law", "ccpa"), ("--country", "us"),
                          ("--sent", date.today().isoformat()), ("--channel", "email")):  # fmt: skip
        assert args[args.index(option) + 1] == value, option
    added = run_cli("rights", *args[2:], "--db", str(tmp_path / "rights.db"), "--json")
    assert added.code == 0, added.stderr
    assert '"company_name": "OpenAI OpCo, LLC"' in added.stdout


# --------------------------------------------------------------------------- 2. residence


def test_profile_state_is_read_and_checked() -> None:
    assert person("us", "CA").state == "ca"  # type: ignore[attr-defined]
    assert person("de", "DE-BE").state == "be"  # type: ignore[attr-defined]
    with pytest.raises(ExpungeError, match="not a two-letter code of US"):
        person("us", "zz")
    with pytest.raises(ExpungeError, match="needs country"):
        person(None, "ca")
    with pytest.raises(ExpungeError, match="needs country"):
        person("fr", "ca")


def test_ccpa_letters_only_for_california_residents() -> None:
    with pytest.raises(ExpungeError, match="California residents") as error:
        letter("openai", "ccpa-delete", VA)
    assert "us-state" in str(error.value)
    with pytest.raises(ExpungeError, match="gives no state"):
        letter("openai", "ccpa-know", person("us"))
    with pytest.raises(ExpungeError, match="Illinois has no comprehensive") as error:
        letter("openai", "ccpa-know", IL)
    assert "bipa" in str(error.value)
    with pytest.raises(ExpungeError, match="Illinois has no comprehensive"):
        letter("openai", "us-state", IL)
    assert "I am a California resident" in letter("openai", "ccpa-delete", CA).body
    assert letter("openai", "ccpa-delete", person("us"), state="ca").state == "ca"
    with pytest.raises(ExpungeError, match="contradicts"):
        letter("openai", "ccpa-delete", CA, state="va")


def test_illinois_resident_gets_bipa_and_the_message(tmp_path: Path) -> None:
    made = letter("clearview-ai", "bipa", IL)
    assert any("Illinois has no comprehensive consumer privacy act" in n for n in made.notes)
    me = tmp_path / "me.toml"
    me.write_text('names = ["Ann Lee"]\ncountry = "us"\nstate = "il"\n')
    result = run_cli("rights", "letter", "--company", "clearview-ai", "--kind", "bipa",
                     "--me", str(me))  # fmt: skip
    assert result.code == 0 and "Illinois has no comprehensive" in result.stderr


def test_uk_residents_letters_cite_uk_gdpr_and_the_dpa_2018() -> None:
    access = letter("openai", "gdpr-access", GB)
    assert access.law == "uk-gdpr"
    assert "Request for access (Art. 15 UK GDPR)" in access.body
    assert "Art. 12(3) UK GDPR" in access.body and "Data Protection Act 2018" in access.body
    assert "Schedules 2 to 4" in access.body and "section 165" in access.body
    assert " GDPR" not in access.body.replace("UK GDPR", "")
    assert access.deadline == date(2026, 4, 2)


def test_swiss_residents_fadp_for_a_swiss_addressee_gdpr_via_the_eu_entity() -> None:
    swiss = letter("xai", "gdpr-access", CH)
    assert swiss.law == "fadp" and "Switzerland" in (swiss.addressee.address or "")
    assert "Art. 25" in swiss.body and "Federal Act on Data Protection" in swiss.body
    assert "30 days" in swiss.body and swiss.deadline == SENT + timedelta(days=30)
    assert "GDPR" not in swiss.body
    via_eu = letter("openai", "gdpr-access", CH)
    assert via_eu.law == "gdpr" and via_eu.addressee.name == "OpenAI Ireland Limited"
    assert deadlines_for("fadp", "fadp-access", SENT)[0].due == SENT + timedelta(days=30)
    assert deadlines_for("fadp", "fadp-erasure", SENT) == []
    assert "fadp-objection" in kinds_for("fadp")


# --------------------------------------------------------------------------- 3. wording


def test_gdpr_access_lists_15_1_e_f_h_and_the_extension_rule() -> None:
    body = letter("openai", "gdpr-access", DE).body
    assert "(e) that I may ask you to rectify or erase" in body
    assert "(f) that I may lodge a complaint with a supervisory authority" in body
    assert "(h) whether automated decision-making" in body
    assert "meaningful information about the logic involved" in body
    assert "significance and envisaged consequences" in body
    assert "two further months" in body and "with the reasons for the delay" in body


def test_gdpr_erasure_grounds_objection_and_17_2_for_dataset_publishers() -> None:
    body = letter("openai", "gdpr-erasure", DE).body
    for ground in ("- (a) ", "- (b) ", "- (c) ", "- (d) "):
        assert ground in body
    assert "withdraw it" in body and "I object under Art. 21(1)" in body
    assert "Art. 17(2)" not in body
    laion = letter("laion", "gdpr-erasure", DE).body
    assert "Art. 17(2) GDPR" in laion and "downloaded, mirror or train on your datasets" in laion


def test_rectification_takes_the_inaccurate_statement_and_the_correction() -> None:
    made = letter("openai", "gdpr-rectification", DE)
    assert CORRECTION["says"] in made.body and CORRECTION["should_say"] in made.body
    with pytest.raises(ExpungeError, match="--says"):
        write_letter(company("openai"), "gdpr-rectification", DE, SENT)  # type: ignore[arg-type]
    correct = letter("openai", "ccpa-correct", CA)
    assert "ccpa-correct" in KINDS and "§ 1798.106" in correct.body
    assert CORRECTION["should_say"] in correct.body


def test_ccpa_confirmation_and_answer_dates_stated_separately_and_look_back() -> None:
    made = letter("openai", "ccpa-know", CA)
    confirm = next(d for d in made.deadlines if d.kind == "confirm").due
    answer = next(d for d in made.deadlines if d.kind == "answer").due
    assert confirm == date(2026, 3, 16) and answer == SENT + timedelta(days=45)
    assert (
        f"10 business days (Cal. Code Regs. tit. 11, § 7021(a)), that is by {confirm}" in made.body
    )
    assert "45 calendar days of receiving it" in made.body and f"that is by {answer}" in made.body
    assert "1 January 2022" in made.body and "1798.130(a)(2)(B)" in made.body
    assert "7024(h)" in made.body


def test_state_letters_use_the_acts_own_period_and_rights() -> None:
    iowa = letter("openai", "us-state", IA)
    assert "within 90 days" in iowa.body and "within 45 days" not in iowa.body
    assert iowa.deadline == SENT + timedelta(days=90)
    assert "profiling" not in iowa.body and "correct inaccuracies" not in iowa.body
    assert "the sale of my personal data" in iowa.body and "provided by me;" in iowa.body
    utah = letter("openai", "us-state", UT)
    assert "profiling" not in utah.body and "targeted advertising" in utah.body
    virginia = letter("openai", "us-state", VA)
    assert "profiling in furtherance of decisions" in virginia.body
    assert "correct inaccuracies" in virginia.body and "within 45 days" in virginia.body


def test_bipa_relies_on_the_act_and_invents_no_duty_to_answer() -> None:
    made = letter("clearview-ai", "bipa", IL)
    body = made.body
    for needle in ("Section 15(a)", "within 3 years of the individual's last interaction",
                   "Section 15(b)", "written release", "Section 15(c)", "profit from",
                   "Section 15(d)", "disclose", "Section 20", "$1,000", "$5,000",
                   "intentional or reckless", "negligent"):  # fmt: skip
        assert needle in body, needle
    assert "The Act sets no period for answering this letter" in body
    assert made.deadline is None and "reasonable time" not in body


def test_a_letter_by_post_counts_from_receipt_not_from_today() -> None:
    made = letter("openai", "gdpr-erasure", DE, channel="post")
    assert made.deadline is None and made.channel == "post"
    assert "one month of receipt of this letter." in made.body
    assert not re.search(r"that is by \d{4}-\d\d-\d\d", made.body)
    by_email = letter("openai", "gdpr-erasure", DE)
    assert "that is by 2026-04-02" in by_email.body
    with pytest.raises(ExpungeError, match="no email"):
        letter("google-gemini", "gdpr-access", DE, channel="email")


# --------------------------------------------------------------------------- 4. authorities


def test_german_complaints_go_to_the_land_authority_not_the_federal_commissioner() -> None:
    slugs = {r.slug for r in load_authorities()}
    assert len(GERMAN_LAND_AUTHORITY) == 16 and set(GERMAN_LAND_AUTHORITY.values()) <= slugs
    assert "debfdi" not in GERMAN_LAND_AUTHORITY.values()
    assert "Berliner" in supervisory_authority("de", state="be").name
    assert "BayLDA" in supervisory_authority("de", state="by").name
    assert "Nordrhein-Westfalen" in complaint_authority("gdpr", "de", state="nw").name
    with pytest.raises(ExpungeError, match="Land"):
        complaint_authority("gdpr", "de")
    assert complaint_authority("fadp", "ch").slug == "chedoeb"
    assert complaint_authority("gdpr", "fr").slug == "frcnil"


# --------------------------------------------------------------------------- 6. dead ends


def test_every_letter_names_where_to_send_it_or_says_plainly_there_is_nowhere(
    tmp_path: Path,
) -> None:
    for slug in ("openai", "google-gemini", "clearview-ai", "laion", "stability-ai"):
        made = letter(slug, "gdpr-erasure", DE)
        assert made.channel is not None, slug
        route = {"email": made.to, "web-form": made.web_form}.get(made.channel or "")
        assert (route or made.addressee.address or "x") in made.body.split("From:")[0]
    dead = letter("common-crawl", "gdpr-erasure", DE)
    assert dead.channel is None and "not in expunge's directory" in dead.body
    advice = how_to_send(dead)
    assert "no postal address, email or web form" in advice and "commoncrawl.org" in advice
    me = tmp_path / "me.toml"
    me.write_text('names = ["Inès Brandão"]\ncountry = "de"\nstate = "be"\n')
    result = run_cli("rights", "letter", "--company", "common-crawl", "--kind", "gdpr-erasure",
                     "--me", str(me))  # fmt: skip
    assert result.code == 0, result.stderr
    assert "no postal address, email or web form" in result.stderr
    assert "postal address above" not in result.stderr


def test_laion_and_stability_gaps_filled_from_sources_and_old_records_stale() -> None:
    laion = companies()["laion"]
    assert "Marlowring 26" in laion.get("address") and laion.email == "contact@laion.ai"
    assert any("github.com/LAION-AI/laion.ai" in s for s in laion.get("sources"))
    date.fromisoformat(laion.get("checked"))
    assert laion.get("publishes-datasets") is True
    today = date(2026, 12, 6)
    assert companies()["stability-ai"].stale(today)  # checked 2024-06-27
    assert not companies()["openai"].stale(today)
    assert STALE_DAYS == 180


# --------------------------------------------------------------------------- 7. quick route


@pytest.mark.parametrize(
    ("slug", "needle"),
    [
        ("openai", "do not train on my content"),
        ("meta-ai", "objection form"),
        ("google-gemini", "myactivity.google.com/product/gemini"),
    ],
)
def test_quickest_route_is_said_before_the_letter(slug: str, needle: str, tmp_path: Path) -> None:
    me = tmp_path / "me.toml"
    me.write_text('names = ["Inès Brandão"]\nemails = ["ines@example.org"]\ncountry = "de"\n'
                  'state = "be"\n')  # fmt: skip
    result = run_cli("rights", "letter", "--company", slug, "--kind",
                     "gdpr-objection-ai-training", "--me", str(me))  # fmt: skip
    assert result.code == 0, result.stderr
    assert result.stderr.startswith("Quickest route first")
    assert needle in result.stderr.split("note:")[0]
