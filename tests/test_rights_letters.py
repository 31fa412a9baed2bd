"""Company directory, request letters and platform guides."""

from __future__ import annotations

import email
from datetime import date
from pathlib import Path

import pytest
from conftest import run_cli

from expunge.errors import ExpungeError
from expunge.rights.directory import authority_for, companies, company, find_companies
from expunge.rights.guides import STALE_DAYS, guides
from expunge.rights.letters import KINDS, render, write_letter
from expunge.subject import parse_subject

EU = parse_subject(
    {"names": ["Inès Kowalczyk-Brandão"], "emails": ["ines@example.org"], "country": "de",
     "postal_address": "Musterstraße 1, 10115 Berlin", "handles": ["@inesk"]},
    "me.toml",
)  # fmt: skip
US = parse_subject(
    {"names": ["Jane Roe"], "emails": ["jane@example.com"], "country": "us", "region": "US"},
    "me.toml",
)
AI_COMPANIES = ("openai", "anthropic", "google-gemini", "meta-ai", "microsoft", "stability-ai",
                "midjourney", "mistral-ai", "xai", "hugging-face", "perplexity", "laion",
                "common-crawl", "clearview-ai")  # fmt: skip


def test_directory_has_the_ai_companies_with_sources_and_dates() -> None:
    for slug in AI_COMPANIES:
        record = companies()[slug]
        assert record.source == "expunge" and record.get("sources"), slug
        date.fromisoformat(record.get("checked"))
    assert len(companies()) > 3000  # the datarequests.org records are there too


@pytest.mark.parametrize(("query", "slug"), [("open ai", "openai"), ("ChatGPT", "openai"),
                                             ("Anthropic", "anthropic"), ("clearview", "clearview-ai")])  # fmt: skip
def test_fuzzy_company_search(query: str, slug: str) -> None:
    assert find_companies(query)[0][0].slug == slug


def test_unknown_company_is_one_clear_error() -> None:
    with pytest.raises(ExpungeError, match="unknown company"):
        company("no such company xyzzy")


def test_authority_lookup() -> None:
    record = authority_for("ie")
    assert record is not None and "ie" in record["relevant-countries"]


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("slug", ["openai", "google-gemini"])  # with and without an email
def test_every_kind_renders_for_companies_with_and_without_email(
    kind: str, slug: str, tmp_path: Path
) -> None:
    profile = EU if kind.startswith("gdpr") else US
    state = {"ccpa": "ca", "us-state": "va", "bipa": "il"}.get(KINDS[kind].law)
    fields = (
        {"says": "born 1970", "should_say": "born 1980"} if "rect" in kind or "corr" in kind else {}
    )
    letter = write_letter(company(slug), kind, profile, date(2026, 1, 30), state=state, **fields)
    for fmt in ("md", "txt", "pdf"):
        data = render(letter, fmt)
        assert data[:4] == b"%PDF" if fmt == "pdf" else profile.display_name.encode() in data
    basis = "Virginia Consumer Data Protection Act" if kind == "us-state" else KINDS[kind].basis
    assert basis.split(" ")[0] in letter.body
    assert "ines@example.org" in letter.body or "jane@example.com" in letter.body
    if kind in ("gdpr-erasure", "gdpr-objection-ai-training", "ccpa-delete", "bipa"):
        assert "future training" in letter.body
    if company(slug).email:
        message = email.message_from_bytes(render(letter, "eml", "me@example.org"))
        assert message["To"] == company(slug).email and message["Subject"]
    else:
        with pytest.raises(ExpungeError, match="no email address"):
            render(letter, "eml")
    if kind.startswith("gdpr"):
        # one month from 30 January is 28 February, a Saturday in 2026: Monday 2 March
        assert letter.deadline == date(2026, 3, 2)
    if kind == "bipa":
        assert letter.deadline is None


def test_wrong_law_for_the_requester_is_refused() -> None:
    with pytest.raises(ExpungeError, match="EEA"):
        write_letter(company("openai"), "gdpr-access", US, date(2026, 3, 2))
    with pytest.raises(ExpungeError, match="US residents"):
        write_letter(company("openai"), "ccpa-delete", EU, date(2026, 3, 2))


def test_letter_cli_quotes_masked_evidence(tmp_path: Path) -> None:
    from expunge.demo import write_demo_dataset

    demo = write_demo_dataset(tmp_path / "demo", docs=300)
    found = run_cli("find", "--subject", str(demo.subject), str(demo.dataset), "--out",
                    str(tmp_path / "found"))  # fmt: skip
    assert found.code == 0, found.stderr
    me = tmp_path / "me.toml"
    me.write_text(demo.subject.read_text() + '\ncountry = "de"\n')
    result = run_cli("rights", "letter", "--company", "openai", "--kind", "gdpr-erasure",
                     "--me", str(me), "--evidence", str(tmp_path / "found"))  # fmt: skip
    assert result.code == 0, result.stderr
    assert (
        "strong evidence" in result.stdout
        and "ines.kbrandao@example.org" not in result.stdout.split("Evidence")[1]
    )
    assert "send: email it to dsar@openai.com" in result.stderr
    bad = run_cli(
        "rights", "letter", "--company", "openai", "--kind", "gdpr-nonsense", "--me", str(me)
    )
    assert bad.code == 1 and "unknown letter kind" in bad.stderr


def test_guides_cover_the_platforms_and_flag_stale_ones() -> None:
    wanted = {"instagram", "facebook", "x", "linkedin", "tiktok", "google", "openai", "anthropic",
              "microsoft-copilot", "adobe", "reddit", "tumblr-wordpress", "quora", "slack", "zoom"}  # fmt: skip
    assert wanted <= set(guides())
    for g in guides().values():
        assert g.data["sources"] and g.data["switch"]["path"] and g.data["covers"]
    slack = guides()["slack"]
    assert slack.stale(date(2026, 11, 23)) == (
        (date(2026, 11, 23) - slack.checked).days > STALE_DAYS
    )
    result = run_cli("optout", "guide", "--platform", "linkedin")
    assert result.code == 0 and "Data for Generative AI Improvement" in result.stdout
    unknown = run_cli("optout", "guide", "--platform", "myspace")
    assert unknown.code == 1 and "known platforms" in unknown.stderr
