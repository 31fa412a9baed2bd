"""Percent-encoding and queries (issue 14, bugs 4-5): the rule side and the URL side are put
in one canonical form (RFC 9309 §2.2.2) in robots.txt, Content-Usage / Content-Signal paths
and TDMRep locations alike, and an empty query is part of the URL."""

from __future__ import annotations

import json

import pytest

from expunge.optout import PageSignals, SiteSignals, assess
from expunge.optout.evaluate import url_path
from expunge.optout.robots import canonical_pattern, canonical_target, pattern_matches


def _robots_allows(rule: str, path: str) -> bool | None:
    site = SiteSignals.from_texts("https://example.com", robots_txt=f"User-agent: *\n{rule}\n")
    return assess(PageSignals("https://example.com" + path), site, "ExampleBot").robots_allowed


def _tdm(location: str, path: str) -> str:
    rules = json.dumps([{"location": location, "tdm-reservation": 1}])
    site = SiteSignals.from_texts("https://example.com", tdmrep_json=rules)
    return assess(PageSignals("https://example.com" + path), site).verdict("ai-train")


# Bug 4: the same octets were normalised differently on the two sides.
@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ("/a%24b", "/a%24b"), ("/a%24b", "/a$b"), ("/a%2Ab", "/a*b"), ("/a%2ab", "/a%2Ab"),
        ("/a<b", "/a%3Cb"), ("/a%3Cb", "/a<b"), ('/a"b', "/a%22b"), ("/a%22b", '/a"b'),
        ("/a>b", "/a%3eb"), ("/a:b", "/a%3Ab"), ("/a%3Ab", "/a:b"), ("/a b", "/a%20b"),
        ("/é", "/%C3%A9"), ("/%c3%a9", "/é"), ("/%7Ejoe", "/~joe"), ("/p%", "/p%25"),
        ("/x$/y", "/x%24/y"),
    ],
)  # fmt: skip
def test_both_sides_are_encoded_alike(rule: str, path: str) -> None:
    assert _robots_allows(f"Disallow: {rule}", path) is False
    assert pattern_matches(rule, path)
    assert _tdm(rule, path) == "disallowed"


@pytest.mark.parametrize(("rule", "path"), [("/a%2Fb", "/a/b"), ("/a/b", "/a%2Fb"),
                                             ("/q%3Fx", "/q?x"), ("/p?a%3Db", "/p?a=b")])  # fmt: skip
def test_structure_characters_keep_raw_and_encoded_apart(rule: str, path: str) -> None:
    assert _robots_allows(f"Disallow: {rule}", path) is True
    assert _tdm(rule, path) == "unspecified"


def test_inside_a_query_slash_and_question_mark_are_data() -> None:
    # RFC 9309 §2.2.2's own example: https:// in a query is matched as https%3A%2F%2F.
    rule = "Disallow: /foo/bar?baz=https%3A%2F%2Ffoo.bar"
    assert _robots_allows(rule, "/foo/bar?baz=https://foo.bar") is False
    assert _robots_allows("Disallow: /q?x=%3F", "/q?x=?") is False


def test_canonical_forms() -> None:
    assert canonical_target("/a$b*c") == "/a%24b%2Ac"
    assert canonical_pattern("/a$b*c$") == "/a%24b*c$"
    assert canonical_pattern("/%7e%2f%3c") == "/~%2F%3C"
    assert canonical_target("/?x=%2f%3F&y=%3D") == "/?x=/?&y=%3D"


def test_content_usage_and_content_signal_paths_use_the_same_form() -> None:
    robots = (
        "User-agent: *\nAllow: /\nContent-Usage: /a%24b train-ai=n\n"
        "Content-Signal: /c<d ai-input=no\n"
    )
    site = SiteSignals.from_texts("https://example.com", robots_txt=robots)
    assert assess(PageSignals("https://example.com/a$b"), site).verdict("ai-train") == "disallowed"
    assert assess(PageSignals("https://example.com/c%3Cd"), site).verdict("ai-input") == (
        "disallowed"
    )


# Bug 5: an empty query was dropped from the URL.
def test_an_empty_query_is_kept() -> None:
    assert url_path("https://example.com/page?") == "/page?"
    assert url_path("https://example.com/page?#top") == "/page?"
    assert url_path("https://example.com/page#a?b") == "/page"
    assert _robots_allows("Disallow: /page?", "/page?") is False
    assert _robots_allows("Disallow: /page?", "/page") is True
    assert _robots_allows("Disallow: /page?$", "/page?") is False
