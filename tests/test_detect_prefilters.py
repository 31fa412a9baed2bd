"""Candidates dropped before any Python call (issue 18, speed) must be ones their confirmer
would reject. Without url_technical, the link pattern matches only links that can name
someone (patterns._PERSON_LINK); these tests compare its findings with those of the pattern
for every link, over links built to sit on its edges, and the issuer lookup by prefix with
the table walk it replaced, and the digit clusters with and without the bare-decimal rule."""

from __future__ import annotations

import dataclasses
import itertools
import random

import pytest

from expunge.detect import Detector, engine, patterns
from expunge.detect.entities import DEFAULT_TYPES
from expunge.detect.validators import _IIN_TABLE, card_issuer

HOSTS = [
    "github.com", "www.github.com", "GitHub.com", "github.com:443", "m.instagram.com",
    "instagram.com", "gist.github.com", "jdoe.github.io", "docs.github.io", "twitter.com",
    "x.com", "mobile.twitter.com", "www.facebook.com", "linkedin.com", "old.reddit.com",
    "www.youtube.com", "flickr.com", "live.staticflickr.com", "orcid.org", "about.me",
    "mastodon.social", "jdoe.substack.com", "hooks.slack.com", "nodejs.org",
    "developer.mozilla.org", "www.w3.org", "example.org", "www.apache.org", "box.com",
    "jdoe@github.com", "touch.github.com", "github.com.example.org", "example.org/github.com",
    "example.org/x.com", "www.paypal.me", "en.gravatar.com",
]  # fmt: skip
PATHS = [
    "", "/", "/jdoe", "/jdoe/", "/jdoe/)", "/jdoe).", "/jdoe/repo", "/jdoe/-", "/jdoe?tab=repos",
    "/jdoe#readme", "//jdoe", "/jdoe/repo/blob/main/README.md", "/@jdoe", "/~jdoe/",
    "/users/jdoe", "/u/jdoe", "/user/jdoe", "/en/latest/user/guide.html", "/people/",
    "/profile.php?id=42", "/in/jane-roe", "/jdoe/status/123", "/channel/UC123",
    "/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx", "/65535/12345678_abcdef12_b.jpg",
    "/search?user=jdoe", "/index.html?uid=3", "/jdoe/访问", "/访问", "/docs/api/fs.html",
    "/0000-0002-1825-0097", "/photos/jdoe/123", "/TEAM/jane",
]  # fmt: skip
SCHEMES = ["https://", "http://", "www.", ""]


def _links() -> list[str]:
    links = []
    for scheme, host, path in itertools.product(SCHEMES, HOSTS, PATHS):
        if scheme == "www." and host.startswith(("www.", "m.", "mobile.")):
            continue
        links.append(f"{scheme}{host}{path}")
    return links


def _reportable(detector: Detector, text: str) -> list[tuple[str, int, int]]:
    return [(f.type, f.start, f.end) for f in detector.scan(text) if f.type != "url_technical"]


def test_the_person_link_pattern_drops_no_link_the_confirmer_would_report() -> None:
    prefiltered = Detector()  # url_technical not asked for: links with a marker only
    unfiltered = Detector(types=[*DEFAULT_TYPES, "url_technical"])  # every link confirmed
    links = _links()
    assert len(links) > 3000
    reported = 0
    for start in range(0, len(links), 200):  # many links per record, as on real pages
        text = "see " + " and ".join(f"{link}." for link in links[start : start + 200])
        expected = _reportable(unfiltered, text)
        assert _reportable(prefiltered, text) == expected
        reported += len(expected)
    assert reported > 500  # the set holds many people's links, not only technical ones


def test_one_segment_profiles_are_kept_and_repositories_dropped() -> None:
    text = "https://github.com/jdoe/ and https://github.com/jdoe/repo and 访问https://github.com/jroe/访问"
    found = Detector().scan(text)
    assert [(f.type, text[f.start : f.end]) for f in found] == [
        ("social_handle", "https://github.com/jdoe/"),
        ("social_handle", "https://github.com/jroe/"),
    ]


def _table_walk(digits: str) -> tuple[str, bool] | None:
    """The issuer table read row by row, as it is written (the reference)."""
    for network, first, last, lengths, context in _IIN_TABLE:
        width = len(str(first))
        if len(digits) in lengths and first <= int(digits[:width]) <= last:
            return network, context
    return None


def test_the_issuer_lookup_gives_the_table_walks_answer() -> None:
    rng = random.Random(18)
    heads = [str(row[i]) for row in _IIN_TABLE for i in (1, 2)]
    heads += [str(rng.randrange(10**6)).zfill(rng.choice((1, 6))) for _ in range(20_000)]
    checked = 0
    for head in heads:
        for n in range(12, 20):
            digits = (head + "".join(rng.choice("0123456789") for _ in range(20)))[:n]
            assert card_issuer(digits) == _table_walk(digits), digits
            checked += 1
    assert checked > 150_000


Found = list[list[tuple[str, int, int, str]]]


def _with_and_without_rule(
    monkeypatch: pytest.MonkeyPatch, pattern: str, texts: list[str]
) -> tuple[Found, Found]:
    """Each text's findings with the pattern's bulk rule, then with the rule taken out."""

    def scan_all() -> Found:
        detector = Detector()
        return [[(f.type, f.start, f.end, f.validator) for f in detector.scan(t)] for t in texts]

    with_rule = scan_all()
    spec = next(p for p in patterns.PATTERNS if p.name == pattern)
    plain = dataclasses.replace(spec, bulk_rule=None)
    monkeypatch.setattr(
        patterns, "PATTERNS", tuple(plain if p is spec else p for p in patterns.PATTERNS)
    )
    monkeypatch.setattr(engine, "_compiled", {})
    return with_rule, scan_all()


BEFORE = [
    "", "weights (", "Tel. ", "Tél : ", "phone ", "TEL ", "call me, ", "电话", "☎ ", "hotel ",
    "string ", "x" * 40 + " tel ", "tel " + "x" * 40 + " ", "%2", "%20", "+", "(", "12 ", "a",
    "teléfono: ", "Telefon ", "fax\n", "mobile:", "reach us at ", "numer telefonu ",
]  # fmt: skip
DECIMALS = [
    "0.19860906",
    "0.612345678",
    "0.2079460958",
    "0.20794609581",
    "0.1986090",
    "00.612345678",
]
AFTER = ["", ")", "),", " (Paris)", ".", " 12", "-4", "x12", "abc", " ext. 12"]


def test_bare_decimals_are_dropped_only_where_cluster_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [b + d + a for b, d, a in itertools.product(BEFORE, DECIMALS, AFTER)]
    with_rule, without = _with_and_without_rule(monkeypatch, "digits", texts)
    assert with_rule == without
    assert sum(1 for found in without if any(f[0] == "phone" for f in found)) > 100


LEFT = [
    "", "follow me on twitter ", "Twitter: ", "IG ", "ig:", "on X ", "x.com ", "#twitter ",
    "我的推特", "推特twitter", "twitter\n", "insta" + "a" * 50 + " ", "DM me ", "(fb) ",
    "mastodon – ", "éfb ", "a" * 60, "@property\ndef f(self):\n    ", "reddit/",
]  # fmt: skip
NAMES = ["@jdoe", "@jane_roe.", "@j.doe..", "@media", "@property", "@nodejs", "@3.12", "@x"]
RIGHT = [
    "", " on twitter", "@mastodon.social", "@example.com.", " (IG)", "\ntwitter", ",X",
    "#fb", "éfb", "推特", " " + "b" * 40 + " twitter", "(", "/team",
]  # fmt: skip


def test_handles_are_dropped_only_where_handle_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [f"{a}{n}{b}" for a, n, b in itertools.product(LEFT, NAMES, RIGHT)]
    # and dense ones, where the windows overlap and are read merged
    texts += [" ".join(texts[i : i + 40]) for i in range(0, len(texts), 40)]
    with_rule, without = _with_and_without_rule(monkeypatch, "handle", texts)
    assert with_rule == without
    handles = sum(1 for found in without if any(f[0] == "social_handle" for f in found))
    assert 300 < handles < len(texts)  # both kinds of case are there
