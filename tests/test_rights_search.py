"""Finding a company or a platform guide by the names people use (issue 13, usability)."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import run_cli

from expunge.errors import ExpungeError
from expunge.rights.directory import company, find_companies
from expunge.rights.guides import guide, guides


def test_google_shows_the_gemini_record_within_the_default_limit() -> None:
    # Google LLC's datarequests record has ~100 brand names: they filled every place before.
    found = [c.slug for c, _ in find_companies("google")]
    assert found[0] == "google"
    assert "google-gemini" in found
    assert len(found) == len(set(found))  # one entry per company


def test_one_entry_per_company_and_the_default_limit_is_kept() -> None:
    for query in ("google", "meta", "gemini", "open ai", "x"):
        slugs = [c.slug for c, _ in find_companies(query)]
        assert len(slugs) == len(set(slugs)) and len(slugs) <= 5, query


@pytest.mark.parametrize(
    ("query", "slug"),
    [("meta", "meta-ai"), ("gemini", "google-gemini"), ("copilot", "microsoft"),
     ("twitter", "twitter"), ("antropic", "anthropic"), ("midjourny", "midjourney"),
     ("grok", "xai"), ("le chat", "mistral-ai"), ("Régie autonome", "ratp")],
)  # fmt: skip
def test_brands_typos_and_accents_find_the_company(query: str, slug: str) -> None:
    assert slug in [c.slug for c, _ in find_companies(query)]


@pytest.mark.parametrize("query", ["xyzzyqq", "acme widgets", "zzqv corp"])
def test_a_query_with_no_good_match_says_so(query: str) -> None:
    with pytest.raises(ExpungeError, match="no name, brand or slug in the directory resembles"):
        find_companies(query)
    with pytest.raises(ExpungeError, match="unknown company"):
        company(query)


def test_weak_matches_are_not_listed() -> None:
    # 'wetter' is 77 % like 'twitter' by edit distance: noise, not a match
    assert [c.slug for c, _ in find_companies("twitter")] == ["twitter"]
    assert all(score >= 75 for _, score in find_companies("gemini"))


def test_company_cli_no_match_is_one_error_line() -> None:
    result = run_cli("rights", "company", "xyzzyqq")
    assert result.code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: unknown company 'xyzzyqq'")
    google = run_cli("rights", "company", "google")
    assert google.code == 0 and "google-gemini" in google.stdout


@pytest.mark.parametrize(
    ("name", "slug"),
    [("meta", "facebook"), ("gemini", "google"), ("twitter", "x"), ("copilot", "microsoft-copilot"),
     ("chatgpt", "openai"), ("claude", "anthropic"), ("Grok", "x"), ("wordpress", "tumblr-wordpress"),
     ("instagram", "instagram"), ("Linked In", "linkedin"), ("linkedln", "linkedin")],
)  # fmt: skip
def test_guide_accepts_the_names_rights_company_accepts(name: str, slug: str) -> None:
    assert guide(name).slug == slug


def test_guide_cli_takes_fuzzy_names_and_refuses_nonsense() -> None:
    result = run_cli("optout", "guide", "--platform", "gemini")
    assert result.code == 0 and "Gemini Apps Activity" in result.stdout
    unknown = run_cli("optout", "guide", "--platform", "myspace")
    assert unknown.code == 1 and "known platforms" in unknown.stderr


def test_guides_are_dated_and_carry_the_2024_2026_changes() -> None:
    for g in guides().values():
        assert date.fromisoformat(str(g.data["reviewed"])) >= g.checked, g.slug
        assert g.data["aliases"], g.slug
    linkedin = guides()["linkedin"].data
    assert "all" in linkedin["regions"]
    assert "September 2024" in linkedin["notes"] and "US" in linkedin["notes"]
    for slug in ("facebook", "instagram"):
        meta = guides()[slug].data
        assert meta["switch"]["url"] == "https://help.meta.com/support/privacy/"
        assert "23 July 2026" in meta["notes"]
