"""The choices issue 14 asked to decide (docs/optout-specs.md §1 "Decisions"), each pinned.
The rule behind them: a missed opt-out costs the people it protects more than a false one."""

from __future__ import annotations

import json

from expunge.optout import PageSignals, SiteSignals, assess
from expunge.optout.robots import PARSE_LIMIT, READ_LIMIT, parse_robots

PAGE = PageSignals("https://example.com/post")
CLOUDFLARE = """User-Agent: *
Content-signal: search=yes, ai-train=no
Allow: /

User-agent: GPTBot
Disallow: /

User-agent: Googlebot
User-agent: Applebot
Allow: /
"""


def _site(robots_txt: str | bytes, **kw: object) -> SiteSignals:
    return SiteSignals.from_texts("https://example.com", robots_txt=robots_txt, **kw)  # type: ignore[arg-type]


# 1. Colon-less lines and typo'd keys are read as Google and protego read them.
def test_missing_colons_and_typos_are_honoured_and_named() -> None:
    site = _site("User-agent GPTBot\nDisallow /\n\nUser-agent: CCBot\nDissallow: /x\n")
    result = assess(PAGE, site, "GPTBot")
    assert result.verdict("ai-train") == "disallowed"
    assert any("read leniently" in n and "1, 2, 5" in n for n in result.notes)
    assert assess(PageSignals("https://example.com/x"), site, "CCBot").robots_allowed is False
    assert assess(PAGE, _site("Foo: GPTBot\nBar: /\n"), "GPTBot").robots_allowed is True


# 2a. A 'no' in the '*' group's Content-Signal binds crawlers with a group of their own.
def test_star_content_signal_restrictions_reach_named_groups() -> None:
    site = _site(CLOUDFLARE)
    for agent in ("Googlebot", "Applebot", "GPTBot", "ExampleBot", None):
        result = assess(PAGE, site, agent, crawlers=agent is None)
        assert result.verdict("ai-train") == "disallowed", agent
    # ... but its 'yes' speaks only for the crawlers that read the '*' group.
    assert assess(PAGE, site, "Googlebot").verdict("search") == "unspecified"
    assert assess(PAGE, site, "ExampleBot").verdict("search") == "allowed"


def test_a_named_groups_signal_counts_without_an_agent() -> None:
    site = _site("User-agent: *\nAllow: /\n\nUser-agent: GPTBot\nContent-Signal: ai-train=no\n")
    assert assess(PAGE, site, "GPTBot").verdict("ai-train") == "disallowed"
    without = assess(PAGE, site, crawlers=True)
    assert without.verdict("ai-train") == "disallowed"
    assert "for GPTBot" in without.deciding("ai-train")[0].source


# 2b. Content-Signal is another record (RFC 9309 §2.2.4): it does not end a run of user-agent
# lines. Content-Usage is a rule in aipref-attach, so it does.
def test_content_signal_does_not_split_a_run_of_user_agents() -> None:
    robots = parse_robots(
        "User-agent: GPTBot\nContent-Signal: ai-train=no\nUser-agent: CCBot\nDisallow: /\n"
    )
    assert [g.agents for g in robots.groups] == [["gptbot", "ccbot"]]
    assert not robots.decide("GPTBot", "/post").allowed
    usage = parse_robots(
        "User-agent: GPTBot\nContent-Usage: train-ai=n\nUser-agent: CCBot\nDisallow: /\n"
    )
    assert [g.agents for g in usage.groups] == [["gptbot"], ["ccbot"]]


# 3. TDMRep locations: read against path + query and against the path alone; a reservation
# under either reading counts.
def test_tdmrep_location_reads_the_path_with_and_without_the_query() -> None:
    rules = [{"location": "/*.jpg$", "tdm-reservation": 1}]
    site = SiteSignals.from_texts("https://example.com", tdmrep_json=json.dumps(rules))
    for url in ("/a/photo.jpg", "/a/photo.jpg?w=200"):
        page = PageSignals("https://example.com" + url)
        assert assess(page, site).verdict("ai-train") == "disallowed", url
    rules = [{"location": "/*.jpg$", "tdm-reservation": 0}, {"location": "/", "tdm-reservation": 1}]
    site = SiteSignals.from_texts("https://example.com", tdmrep_json=json.dumps(rules))
    page = PageSignals("https://example.com/a/photo.jpg?w=200")
    assert assess(page, site).verdict("ai-train") == "disallowed"
    assert assess(PageSignals("https://example.com/a/photo.jpg"), site).verdict("ai-train") == (
        "allowed"
    )


# 4. A 5xx robots.txt: complete disallow (RFC 9309 MUST), every purpose, said in a note.
def test_an_unreachable_robots_txt_disallows_every_purpose_and_says_why() -> None:
    for status in (503, "unreachable"):
        site = SiteSignals("https://example.com", robots_status=status)
        result = assess(PAGE, site, crawlers=True)
        assert result.robots_allowed is False
        assert all(v == "disallowed" for v in result.verdicts().values()), result.verdicts()
        assert any("re-check later" in n for n in result.notes)
    assert assess(PAGE, SiteSignals("https://e", robots_status=404), crawlers=True).verdicts() == {
        p: "unspecified" for p in ("ai-train", "genai-train", "search", "ai-input")
    }


# 5. 'User-agent: *bot' is a pattern over product tokens, not the '*' group.
def test_a_star_pattern_reaches_the_crawlers_it_matches() -> None:
    site = _site("User-agent: *bot\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    assert assess(PAGE, site, "GPTBot").robots_allowed is False
    assert assess(PAGE, site, "Bytespider").robots_allowed is True
    assert assess(PAGE, site, "ExampleCrawler").robots_allowed is True
    named = _site("User-agent: *bot\nDisallow: /\n\nUser-agent: GPTBot\nAllow: /\n")
    assert assess(PAGE, named, "GPTBot").robots_allowed is True  # its own group wins
    without = assess(PAGE, site, crawlers=True)
    assert without.verdict("ai-train") == "disallowed"
    assert "ClaudeBot" in " ".join(e.detail for e in without.deciding("ai-train"))


# 6. Generic tool tokens still count, and the verdict says they are generic.
def test_a_block_of_a_generic_scraper_counts_and_is_labelled() -> None:
    result = assess(PAGE, _site("User-agent: Scrapy\nDisallow: /\n"), crawlers=True)
    assert result.verdict("ai-train") == "disallowed"
    assert "generic scraping tool" in result.deciding("ai-train")[0].detail


# 7. Past the 500 KiB a crawler must read, restrictions still count (read up to 2 MiB).
def _long(tail: str, head: str = "User-agent: *\nAllow: /\n") -> bytes:
    filler = ("#" + "x" * 98 + "\n") * (PARSE_LIMIT // 100 + 100)
    return (head + filler + tail).encode()


def test_a_block_past_the_parse_limit_still_counts() -> None:
    site = _site(_long("User-agent: GPTBot\nDisallow: /\n"))
    result = assess(PAGE, site, crawlers=True)
    assert result.verdict("ai-train") == "disallowed"
    assert any("500 KiB" in n for n in result.notes)
    assert assess(PAGE, site, "GPTBot").robots_allowed is False
    assert assess(PAGE, site, "ExampleBot").robots_allowed is True


def test_past_the_limit_only_restrictions_are_read() -> None:
    lifted = _site(_long("User-agent: *\nAllow: /post\n", "User-agent: *\nDisallow: /\n"))
    assert assess(PAGE, lifted, "ExampleBot").robots_allowed is False
    said = _site(_long("User-agent: *\nContent-Signal: ai-train=no, search=yes\n"))
    result = assess(PAGE, said, "ExampleBot")
    assert result.verdict("ai-train") == "disallowed"
    assert result.verdict("search") == "unspecified"


def test_nothing_is_read_past_the_read_limit() -> None:
    filler = ("#" + "x" * 98 + "\n") * (READ_LIMIT // 100 + 10)
    robots = parse_robots((filler + "User-agent: GPTBot\nDisallow: /\n").encode())
    assert robots.cut and robots.decide("GPTBot", "/post").allowed
