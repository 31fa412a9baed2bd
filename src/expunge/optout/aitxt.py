"""Spawning's ai.txt (May 2023 proposal, no versioned spec): robots.txt syntax served at /ai.txt,
usually listing file types (`Disallow: *.jpg`) that datasets should not use. Read with the
RFC 9309 matcher: a matching Disallow -> no AI training, a matching Allow -> allowed, no match
-> unspecified. A file with no user-agent group (other formats also live at /ai.txt) says
nothing."""

from __future__ import annotations

from expunge.optout.robots import decide_in, parse_robots
from expunge.optout.verdict import Evidence, Verdict, training


def aitxt_evidence(data: bytes | str, path: str, agent: str | None) -> list[Evidence]:
    parsed = parse_robots(data)
    groups = parsed.groups_for(agent or "*")
    if not groups:
        return []
    decision = decide_in(groups, path)
    if decision.rule is None:
        return []
    verdict: Verdict = "allowed" if decision.allowed else "disallowed"
    return training(verdict, "ai-txt", f"ai.txt line {decision.rule.line}", decision.rule.text)
