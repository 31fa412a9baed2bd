"""Other implementations' test suites, run through expunge's reader.

tests/data/optout_peers/ holds one YAML file per peer (Google's robotstxt, protego, CPython's
urllib.robotparser, the W3C TDMRep report's examples); the layout is described at the top of
google_robotstxt.yaml. Every check asserts what expunge answers; where that differs from the
peer, the check says so (`peer`, `disagrees`) and docs/optout-specs.md §10 lists it.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from expunge.optout import PageSignals, SiteSignals, assess, headers_from
from expunge.optout.evaluate import url_path
from expunge.optout.robots import canonical_pattern, parse_robots, product_token

FOLDER = Path(__file__).parent / "data" / "optout_peers"
SPECS = Path(__file__).parent.parent / "docs" / "optout-specs.md"
PEERS = {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in sorted(FOLDER.glob("*.yaml"))}
KINDS = ("checks", "groups", "sitemaps", "tokens", "paths", "patterns", "verdicts")


def _items() -> Iterator[tuple[str, dict[str, Any], dict[str, Any], str, Any]]:
    """(id, peer file, case, kind, one check) for every check of every case."""
    for name, peer in PEERS.items():
        seen: dict[str, int] = {}
        for case in peer["cases"]:
            for kind in KINDS:
                if kind not in case:
                    continue
                checks = case[kind] if kind in ("checks", "tokens", "paths", "patterns",
                                                  "verdicts") else [case[kind]]  # fmt: skip
                for check in checks:
                    key = f"{name}/{case['test']}"
                    seen[key] = seen.get(key, 0) + 1
                    yield f"{key}/{seen[key]}", peer, case, kind, check


ITEMS = list(_items())


def _unescape(text: str, case: dict[str, Any]) -> str:
    # Python escapes ('\udcf0' = the raw octet 0xF0) for inputs YAML cannot hold.
    return codecs.decode(text, "unicode_escape") if case.get("escaped") else text


def _robots(case: dict[str, Any]) -> bytes | str | None:
    if "robots_txt_bytes" in case:
        return bytes(case["robots_txt_bytes"])
    text = case.get("robots_txt")
    return None if text is None else _unescape(text, case)


def _site(peer: dict[str, Any], case: dict[str, Any]) -> SiteSignals:
    return SiteSignals.from_texts(
        peer.get("origin", "https://example.com"),
        robots_txt=_robots(case),
        tdmrep_json=case.get("tdmrep_json"),
        robots_status=case.get("robots_status"),
    )


def _url(peer: dict[str, Any], case: dict[str, Any], url: str) -> str:
    url = _unescape(url, case)
    return peer.get("origin", "https://example.com") + url if url.startswith("/") else url


def _fields(check: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return dict(zip(names, check, strict=True)) if isinstance(check, list) else check


@pytest.mark.parametrize(
    ("peer", "case", "kind", "check"), [i[1:] for i in ITEMS], ids=[i[0] for i in ITEMS]
)
def test_peer_case(peer: dict[str, Any], case: dict[str, Any], kind: str, check: Any) -> None:
    if kind == "checks":
        c = _fields(check, ("agent", "url", "allowed"))
        page = PageSignals(_url(peer, case, c["url"]))
        result = assess(page, _site(peer, case), c["agent"])
        assert result.robots_allowed is c["allowed"], result.robots_rule
    elif kind == "verdicts":
        page = PageSignals(
            _url(peer, case, check["url"]),
            headers_from(check.get("headers") or case.get("headers") or {}),
            check.get("html", case.get("html")),
        )
        result = assess(page, _site(peer, case), check.get("agent"))
        for purpose, verdict in check["expect"].items():
            assert result.verdict(purpose) == verdict, (purpose, result.evidence, result.problems)
    elif kind == "groups":
        robots = parse_robots(_robots(case) or "")
        assert [g.agents for g in robots.groups] == check
    elif kind == "sitemaps":
        assert parse_robots(_robots(case) or "").sitemaps == check
    elif kind == "tokens":
        c = _fields(check, ("input", "token"))
        assert product_token(c["input"]) == c["token"]
    elif kind == "paths":
        c = _fields(check, ("url", "path"))
        assert url_path(c["url"]) == c["path"]
    elif kind == "patterns":
        c = _fields(check, ("input", "canonical"))
        assert canonical_pattern(c["input"]) == c["canonical"]


def test_every_case_names_its_source_and_every_disagreement_is_documented() -> None:
    specs = SPECS.read_text("utf-8")
    for name, peer in PEERS.items():
        assert peer["peer"] and peer.get("commit") or peer.get("version"), name
        for case in peer["cases"]:
            assert case.get("test"), (name, case)
    for item_id, _, case, _, check in ITEMS:
        if isinstance(check, dict) and "disagrees" in check:
            assert "peer" in check, item_id
            test = case["test"].split(" (")[0]
            assert f"`{test}`" in specs, f"{item_id}: not listed in docs/optout-specs.md §10"


def test_the_ported_suites_are_all_here() -> None:
    counts: dict[str, int] = {}
    for item_id, *_ in ITEMS:
        counts[item_id.split("/")[0]] = counts.get(item_id.split("/")[0], 0) + 1
    assert counts.keys() == {"google_robotstxt", "protego", "cpython_robotparser", "w3c_tdmrep"}
    assert min(counts.values()) >= 15, counts


def test_protego_still_answers_as_recorded() -> None:
    """The port is faithful: protego itself gives the recorded answer (`peer` where expunge
    disagrees) on every ported check."""
    import protego  # a dev dependency: the comparison must run, not skip

    peer = PEERS["protego"]
    compared = 0
    for item_id, _, case, kind, check in ITEMS:
        if not item_id.startswith("protego/") or kind != "checks":
            continue
        c = _fields(check, ("agent", "url", "allowed"))
        parsed = protego.Protego.parse(str(_robots(case)))
        answer = parsed.can_fetch(_url(peer, case, c["url"]), c["agent"])
        assert answer is c.get("peer", c["allowed"]), item_id
        compared += 1
    assert compared > 300
