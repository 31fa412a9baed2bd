"""robots.txt parser: agreement with an independent implementation (protego) on generated
files, and hostile input in bounded time."""

from __future__ import annotations

import random
import time
import tracemalloc

from expunge.optout import PageSignals, SiteSignals, assess
from expunge.optout.robots import PARSE_LIMIT, READ_LIMIT, matches, parse_robots

AGENTS = ["GPTBot", "CCBot", "ClaudeBot", "Googlebot", "ExampleBot"]
PIECES = ["/a", "/a/b", "/b", "/img", ".jpg", "/x/y", "/a/b/c.html", "/private", "/p"]


def _random_robots(rng: random.Random) -> tuple[str, list[str]]:
    lines: list[str] = []
    for _ in range(rng.randint(1, 4)):
        for agent in rng.sample(AGENTS + ["*"], rng.randint(1, 2)):
            lines.append(f"User-agent: {agent}")
        for _ in range(rng.randint(1, 5)):
            pattern = "".join(rng.sample(PIECES, rng.randint(1, 2)))
            if rng.random() < 0.3:
                pattern = pattern.replace("/", "/*", 1)
            if rng.random() < 0.2:
                pattern += "$"
            lines.append(f"{rng.choice(['Allow', 'Disallow'])}: {pattern}")
        lines.append("")
    paths = ["/" + "".join(rng.sample(PIECES, rng.randint(1, 3))).lstrip("/") for _ in range(8)]
    return "\n".join(lines), paths


def test_decisions_agree_with_protego_on_generated_files() -> None:
    import protego  # a dev dependency: the comparison must run, not skip

    rng = random.Random(7)
    compared = disagreements = 0
    for _ in range(300):
        text, paths = _random_robots(rng)
        ours, theirs = parse_robots(text), protego.Protego.parse(text)
        for path in paths:
            for agent in AGENTS:
                compared += 1
                if ours.decide(agent, path).allowed != theirs.can_fetch(
                    "https://example.com" + path, agent
                ):
                    disagreements += 1
    assert compared == 300 * 8 * len(AGENTS)
    # protego resolves a few ties differently (e.g. '$' patterns of equal length); RFC 9309
    # says allow wins a tie, which we follow. Anything more than a sliver is a bug of ours.
    assert disagreements / compared < 0.01, disagreements


def test_line_numbers_name_the_deciding_rule() -> None:
    robots = parse_robots("# c\nUser-agent: GPTBot\nDisallow: /\nAllow: /public/\n")
    decision = robots.decide("GPTBot/1.2", "/public/x")
    assert decision.allowed and decision.rule is not None and decision.rule.line == 4
    assert robots.decide("gptbot", "/x").rule.line == 3  # type: ignore[union-attr]


def test_ten_megabytes_are_read_to_the_limits_quickly() -> None:
    body = ("User-agent: *\n" + "Disallow: /x\n" * 900_000).encode()
    assert len(body) > 10_000_000
    started = time.perf_counter()
    robots = parse_robots(body)
    assert robots.truncated and time.perf_counter() - started < 2.0
    tracemalloc.start()
    parse_robots(body)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100_000_000
    rules = [r for g in robots.groups for r in g.rules]
    assert robots.cut and len(rules) < READ_LIMIT // 12 + 2
    assert sum(not r.past_cap for r in rules) < PARSE_LIMIT // 12 + 2
    result = assess(
        PageSignals("https://example.com/y"), SiteSignals.from_texts("https://e", robots_txt=body)
    )
    assert "longer than 500 KiB" in " ".join(result.notes)


def test_binary_junk_and_bad_utf8_give_a_verdict_not_a_crash() -> None:
    rng = random.Random(3)
    junk = bytes(rng.randrange(256) for _ in range(200_000))
    robots = parse_robots(junk + b"\nUser-agent: *\nDisallow: /\xff\xfe\n")
    assert robots.decide(
        "GPTBot", "/anything"
    ).allowed  # the junk line's pattern never matches '/anything'
    # Undecodable octets stay the octets they are (RFC 9309 §2.2.2 percent-encodes them).
    assert not robots.decide("GPTBot", "/%ff%FE").allowed
    assert robots.decide("GPTBot", "/\ufffd\ufffd").allowed


def test_five_thousand_groups_stay_fast() -> None:
    text = "".join(f"User-agent: bot{i}x\nDisallow: /p{i}/\n\n" for i in range(5000))
    text += "User-agent: *\nDisallow: /\n"
    started = time.perf_counter()
    robots = parse_robots(text)
    site = SiteSignals.from_texts("https://example.com", robots_txt=text)
    result = assess(PageSignals("https://example.com/q"), site, crawlers=True)
    assert len(robots.groups) == 5001
    assert result.verdict("ai-train") == "disallowed"  # '*' blocks every training crawler
    assert time.perf_counter() - started < 3.0


def test_hostile_patterns_match_in_linear_time() -> None:
    pattern = "/" + "*a" * 2000 + "b"
    path = "/" + "a" * 20000
    started = time.perf_counter()
    assert not matches(pattern, path)
    assert time.perf_counter() - started < 1.0
