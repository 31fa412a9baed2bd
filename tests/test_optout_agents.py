"""Which crawler a robots.txt group speaks to (issue 14, bugs 1-3): user-agent lines are
never dropped, tokens are matched as written (digits, dots, non-ASCII), and a full
User-Agent string given as the agent stands for its crawler's product token."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from expunge.optout import PageSignals, SiteSignals, assess
from expunge.optout.agents import agents, agents_by_token
from expunge.optout.robots import parse_robots, product_token

PAGE = PageSignals("https://example.com/page")
GPTBOT_11 = (
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.1; "
    "+https://openai.com/gptbot)"
)
CLAUDEBOT = (
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; "
    "+claudebot@anthropic.com)"
)
GOOGLEBOT_MOBILE = (
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/99.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
    "+http://www.google.com/bot.html)"
)


def _site(robots_txt: str) -> SiteSignals:
    return SiteSignals.from_texts("https://example.com", robots_txt=robots_txt)


# Bug 1: a user-agent line whose token starts with a digit or a quote was dropped, and the
# rules after it joined the group before.
def test_a_digit_token_starts_its_own_group() -> None:
    site = _site("User-agent: *\nDisallow: /private/\nUser-agent: 008\nDisallow: /\n")
    assert assess(PAGE, site, "GPTBot").robots_allowed is True
    assert assess(PAGE, site, "008").robots_allowed is False


def test_a_digit_token_does_not_hide_a_site_wide_opt_out() -> None:
    site = _site("User-agent: *\nDisallow: /\nUser-agent: 008\nAllow: /\n")
    result = assess(PAGE, site, crawlers=True)
    assert result.robots_allowed is False
    assert result.verdict("ai-train") == "disallowed"


@pytest.mark.parametrize("line", ['"GPTBot"', "'GPTBot'", "“GPTBot”", "GPTBot/1.1", " GPTBot "])
def test_quoted_or_versioned_tokens_name_the_crawler(line: str) -> None:
    site = _site(f"User-agent: *\nAllow: /\n\nUser-agent: {line}\nDisallow: /\n")
    assert assess(PAGE, site, "GPTBot").verdict("ai-train") == "disallowed"


def test_a_value_that_names_nobody_still_ends_the_group_before() -> None:
    robots = parse_robots("User-agent: *\nDisallow: /a\nUser-agent: (none)\nDisallow: /\n")
    assert [g.agents for g in robots.groups] == [["*"], []]
    assert robots.decide("GPTBot", "/b").allowed


# Bug 2: tokens were cut at the first digit or non-ASCII character.
@pytest.mark.parametrize(
    ("name", "other"),
    [("img2dataset", "img"), ("AI2Bot", "Ai2Bot-Dolma"), ("Ai2Bot-Dolma", "AI2Bot"),
     ("Crawl4AI", "Crawl"), ("bigsur.ai", "bigsur")],
)  # fmt: skip
def test_tokens_with_digits_and_dots_are_matched_as_written(name: str, other: str) -> None:
    site = _site(f"User-agent: {name}\nDisallow: /\n")
    assert assess(PAGE, site, name).robots_allowed is False
    assert assess(PAGE, site, other).robots_allowed is True


def test_img2dataset_block_gives_an_ai_train_verdict() -> None:
    site = _site("User-agent: img2dataset\nDisallow: /\n")
    result = assess(PAGE, site, crawlers=True)
    assert result.verdict("ai-train") == "disallowed"
    assert any("img2dataset" in e.detail for e in result.deciding("ai-train"))


def test_every_listed_crawler_is_found_by_its_own_group() -> None:
    """A group written with the name exactly as the list spells it blocks that crawler, and
    only the crawlers that share its product token."""
    listed = agents()
    for crawler in listed.values():
        site = _site(f"User-agent: {crawler.name}\nDisallow: /\n")
        assert assess(PAGE, site, crawler.name).robots_allowed is False, crawler.name
        same = {c.name for c in listed.values() if c.token == crawler.token}
        for other in ("GPTBot", "CCBot", "img2dataset", "AI2Bot"):
            if other not in same:
                assert assess(PAGE, site, other).robots_allowed is True, (crawler.name, other)


def test_names_sharing_a_token_are_one_crawler_with_both_purposes() -> None:
    by_token = agents_by_token()
    assert set(by_token["brightbot"].purposes) == {"ai-train", "ai-input"}
    assert by_token["mistralai-user"].name == "MistralAI-User"
    assert len(by_token) == len({c.token for c in agents().values()})


def test_non_ascii_tokens_compare_case_insensitively() -> None:
    site = _site("User-agent: UnicödeBöt\nDisallow: /\n")
    assert assess(PAGE, site, "unicödeböt").robots_allowed is False


# Bug 3: a full User-Agent string as --agent was read as 'mozilla'.
@pytest.mark.parametrize(
    ("agent", "token"),
    [
        ("Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)", "gptbot"),
        (GPTBOT_11, "gptbot"),
        (CLAUDEBOT, "claudebot"),
        (GOOGLEBOT_MOBILE, "googlebot"),
        ("CCBot/2.0 (https://commoncrawl.org/faq/)", "ccbot"),
        ("FigTree Robot libwww-perl/5.04", "figtree"),
        ("Brightbot 1.0", "brightbot"),
        ("*", "*"),
    ],
)  # fmt: skip
def test_a_user_agent_string_stands_for_its_product_token(agent: str, token: str) -> None:
    assert product_token(agent) == token


def test_a_full_user_agent_string_gets_the_crawlers_verdict() -> None:
    site = _site("User-agent: *\nAllow: /\n\nUser-agent: GPTBot\nDisallow: /\n")
    agent = "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)"
    result = assess(PAGE, site, agent)
    assert result.robots_allowed is False
    assert result.verdict("ai-train") == "disallowed"
    assert "GPTBot (OpenAI" in result.deciding("ai-train")[0].detail


def test_check_names_the_token_it_read_from_a_full_user_agent(tmp_path: Path) -> None:
    site = tmp_path / "snap" / "example.com"
    site.mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: GPTBot\nDisallow: /\n", encoding="utf-8")
    agent = "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)"
    result = run_cli("optout", "check", "https://example.com/page", "--snapshot",
                     str(tmp_path / "snap"), "--agent", agent)  # fmt: skip
    assert result.code == 0, result.stderr
    assert "product token 'gptbot'" in result.stdout
    assert "may NOT fetch" in result.stdout
