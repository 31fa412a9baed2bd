"""The conformance table (tests/data/optout_conformance.yaml): cases from the specs' own
examples and edge cases (RFC 9309, aipref vocab-08 / attach-05, Content Signals, TDMRep, noai,
ai.txt, CAWG), each with the verdict the spec asks for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from expunge.optout import PageSignals, SiteSignals, assess, headers_from

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "optout_conformance.yaml").read_text("utf-8")
)


def test_the_table_is_big_enough_and_ids_are_unique() -> None:
    assert len(CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_conformance(case: dict[str, Any]) -> None:
    robots = case.get("robots_txt")
    if robots is not None and case.get("robots_txt_filler_bytes"):
        filler = ("#" + "x" * 98 + "\n") * (case["robots_txt_filler_bytes"] // 100)
        robots = filler + robots
    site = SiteSignals.from_texts(
        "https://example.com",
        robots_txt=robots,
        tdmrep_json=case.get("tdmrep_json"),
        ai_txt=case.get("ai_txt"),
        robots_status=case.get("robots_status"),
        robots_redirects=case.get("robots_redirects", 0),
    )
    page = PageSignals(
        case["url"],
        headers_from(case.get("headers") or {}),
        case.get("html"),
        case.get("c2pa_manifest_store"),
    )
    result = assess(page, site, case.get("agent"))
    expect = case["expect"]
    if "robots_allowed" in expect:
        assert result.robots_allowed == expect["robots_allowed"], result.robots_rule
    for purpose, verdict in (expect.get("purposes") or {}).items():
        assert result.verdict(purpose) == verdict, (purpose, result.evidence, result.problems)
    if expect.get("error"):
        assert result.problems, "a malformed input should be reported"
    else:
        assert not result.problems, result.problems
    if "content_signal_use" in expect:
        assert f"Content-Signal use={expect['content_signal_use']}" in result.notes
