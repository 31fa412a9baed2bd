"""`optout emit` (issue 14): the robots.txt it writes blocks every listed crawler it says it
blocks, read by expunge and by protego; --policy is checked and escaped (bug 6); the README
counts lines and crawlers apart and says where the '*' group's preferences stop."""

from __future__ import annotations

import html
import re
from pathlib import Path

import protego  # a dev dependency: the comparisons must run, not skip
import pytest
from conftest import run_cli

from expunge.errors import ExpungeError
from expunge.optout import PageSignals, SiteSignals, assess
from expunge.optout.agents import agents
from expunge.optout.emit import merge_robots, plan, preference_lines, render, repeat_in_groups
from expunge.optout.robots import parse_robots

SERVED = ("ai-train", "search", "ai-input")


@pytest.mark.parametrize("purpose", SERVED)
def test_every_listed_crawler_is_blocked_for_the_purposes_it_serves(purpose: str) -> None:
    robots_txt = render(plan([purpose], []))["robots.txt"]
    robots = parse_robots(robots_txt)
    serving = [a for a in agents().values() if purpose in a.purposes]
    assert serving
    for crawler in serving:
        assert not robots.decide(crawler.name, "/any/page").allowed, crawler.name
    assert robots.decide("ExampleBot", "/any/page").allowed


@pytest.mark.parametrize("purpose", SERVED)
def test_protego_reads_the_same_blocks(purpose: str) -> None:
    parsed = protego.Protego.parse(render(plan([purpose], []))["robots.txt"])
    for crawler in agents().values():
        if purpose in crawler.purposes:
            assert not parsed.can_fetch("https://example.com/any/page", crawler.name), crawler.name


def test_user_agent_lines_are_the_tokens_as_the_list_spells_them() -> None:
    chosen = plan(["ai-train"], [])
    lines = [
        line.split(":", 1)[1].strip()
        for line in render(chosen)["robots.txt"].splitlines()
        if line.startswith("User-agent:")
    ]
    assert lines[0] == "*" and lines[1:] == chosen.tokens
    for token in ("img2dataset", "AI2Bot", "Ai2Bot-Dolma", "Crawl4AI", "Brightbot"):
        assert token in chosen.tokens
    assert not {"AI", "img", "Crawl", "Brightbot 1.0"} & set(chosen.tokens)
    assert len(chosen.tokens) == len({t.lower() for t in chosen.tokens})


def test_the_readme_counts_crawlers_and_lines_apart() -> None:
    chosen = plan(["ai-train", "ai-input", "search"], [])
    readme = render(chosen)["README.md"]
    crawlers, lines = len(chosen.blocked_agents), len(chosen.tokens)
    assert crawlers > lines  # 'Brightbot' and 'Brightbot 1.0' share a line
    assert f"{crawlers} crawlers of the ai.robots.txt list" in readme
    assert f"on {lines} `User-agent` lines" in readme
    assert "repeat the two lines" in readme
    assert "every crawler" not in readme


def test_preferences_can_be_repeated_in_every_group_of_an_existing_file() -> None:
    emitted = render(plan(["ai-train"], ["search"]))["robots.txt"]
    prefs = preference_lines(emitted)
    assert [p.split(":")[0] for p in prefs] == ["Content-Usage", "Content-Signal"]
    existing = (
        "User-agent: Googlebot\nUser-agent: Bingbot\nAllow: /\n\n"
        "User-agent: *\nContent-Signal: search=yes, ai-train=no\nDisallow: /tmp/\n"
    )
    merged = repeat_in_groups(existing, prefs)
    site = SiteSignals.from_texts("https://example.com", robots_txt=merged)
    page = PageSignals("https://example.com/post")
    for agent in ("Googlebot", "Bingbot", "ExampleBot"):
        result = assess(page, site, agent)
        assert result.verdict("ai-train") == "disallowed", agent
        assert result.verdict("search") == "allowed", agent
    assert merged.count("Content-Signal") == 2  # not repeated where it is already stated
    assert merged.count("Content-Usage") == 2
    whole = merge_robots(existing, emitted)
    site = SiteSignals.from_texts("https://example.com", robots_txt=whole)
    assert assess(page, site, "Googlebot").verdict("ai-train") == "disallowed"
    assert assess(page, site, "GPTBot").robots_allowed is False
    assert (
        assess(PageSignals("https://example.com/tmp/x"), site, "ExampleBot").robots_allowed is False
    )


# Bug 6: --policy was neither checked nor escaped.
@pytest.mark.parametrize(
    "url",
    ['https://example.com/a"b', "https://example.com/a b", "https://example.com/\nX-Evil: 1",
     "javascript:alert(1)", "ftp://example.com/p", "https:///nohost", "https://e.com/$var",
     "https://e.com/a\\b", "https://e.com/<x>"],
)  # fmt: skip
def test_a_bad_policy_url_is_refused(url: str) -> None:
    with pytest.raises(ExpungeError):
        render(plan(["ai-train"], []), url)


def test_a_policy_url_is_escaped_in_every_file() -> None:
    url = "https://example.com/tdm?lang=en&v='2'#terms%20of%20use"
    files = render(plan(["ai-train"], []), url)
    assert f'<meta name="tdm-policy" content="{html.escape(url)}">' in files["meta.html"]
    assert "&amp;" in files["meta.html"] and "&#x27;" in files["meta.html"]
    nginx = files["nginx.conf"].splitlines()[-1]
    assert nginx == f'add_header tdm-policy "{url}" always;'
    apache = files["apache.conf"].splitlines()[-1]
    assert apache == f'Header always set tdm-policy "{url.replace("%", "%%")}"'
    for line in files["nginx.conf"].splitlines() + files["apache.conf"].splitlines():
        assert re.fullmatch(r'[^"]*"[^"\\]*"[^"]*', line), line  # one quoted value each
    assert f"tdm-policy: {url}" in files["headers.txt"]


def test_the_cli_refuses_a_bad_policy_with_one_line(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_cli(
        "optout", "emit", "--block", "ai-train", "--policy", 'https://e.com/a"b', "--out", str(out)
    )
    assert result.code == 1 and not out.exists()
    assert "--policy" in result.stderr and len(result.stderr.strip().splitlines()) <= 2


def test_a_token_inside_the_name_of_an_allowed_search_crawler_is_not_written() -> None:
    """'User-agent: Spider' blocks Baiduspider in readers that match by substring (CPython's
    robotparser, protego): with search allowed it is left out and listed, not written."""
    allowed = plan(["ai-train"], ["search"])
    assert "Spider" not in allowed.tokens
    assert any(a.name == "Spider" for a, _ in allowed.overreaching)
    files = render(allowed)
    assert "Spider (part of" in files["README.md"] and "# Not written:" in files["robots.txt"]
    parsed = protego.Protego.parse(files["robots.txt"])
    for crawler in ("Baiduspider", "Googlebot", "Bingbot", "YandexBot"):
        assert parsed.can_fetch("https://example.com/page", crawler), crawler
    assert not parsed.can_fetch("https://example.com/page", "GPTBot")
    # nothing is allowed by name: nothing to protect, every token is written
    assert "Spider" in plan(["ai-train"], []).tokens


def test_the_cli_merges_into_an_existing_robots_txt(tmp_path: Path) -> None:
    site = tmp_path / "robots.txt"
    site.write_text("User-agent: Googlebot\nDisallow: /private/\n", encoding="utf-8")
    out = tmp_path / "site"
    result = run_cli("optout", "emit", "--block", "ai-train", "--allow", "search",
                     "--merge-into", str(site), "--out", str(out))  # fmt: skip
    assert result.code == 0, result.stderr
    merged = (out / "robots.txt").read_text(encoding="utf-8")
    robots = parse_robots(merged)
    assert not robots.decide("Googlebot", "/private/x").allowed
    assert robots.decide("Googlebot", "/page").allowed
    assert not robots.decide("GPTBot", "/page").allowed
    googlebot_group = merged.split("User-agent: Googlebot", 1)[1].split("\n\n", 1)[0]
    assert "Content-Usage: search=y, train-ai=n" in googlebot_group
    assert re.search(r"blocked by name on \d+ User-agent lines", result.stdout)
    missing = run_cli("optout", "emit", "--block", "ai-train", "--merge-into",
                      str(tmp_path / "nope.txt"), "--out", str(tmp_path / "x"))  # fmt: skip
    assert missing.code == 1 and "nope.txt not found" in missing.stderr
    assert not (tmp_path / "x").exists()
