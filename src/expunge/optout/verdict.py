"""Evidence from one signal, and the verdict per purpose once all of them are in.

Purposes: ai-train (any AI training; text-and-data-mining reservations count), genai-train
(training of generative models, where a signal singles it out), search, ai-input (use as input
to an AI at answer time: retrieval, grounding, assistants). Across signals the most restrictive
verdict wins (draft-ietf-aipref-vocab-08 §5.1 combines statements the same way); the report
keeps every piece of evidence so a reader sees what was overruled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Verdict = Literal["allowed", "disallowed", "unspecified"]
PURPOSES = ("ai-train", "genai-train", "search", "ai-input")
_RANK = {"unspecified": 0, "allowed": 1, "disallowed": 2}


@dataclass(frozen=True, slots=True)
class Evidence:
    signal: str  # robots | content-usage | content-signal | tdmrep | noai | ai-txt | c2pa
    purpose: str
    verdict: Verdict
    source: str  # where: 'robots.txt line 12', 'HTTP header Content-Usage', ...
    detail: str  # what it says, as written (trimmed)


@dataclass(frozen=True, slots=True)
class Problem:
    code: str  # invalid-sf-dictionary | invalid-tdm-reservation | invalid-json | ...
    source: str
    detail: str


@dataclass(slots=True)
class Assessment:
    url: str
    agent: str | None
    evidence: list[Evidence] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    robots_allowed: bool | None = None  # may `agent` fetch the URL (None: no agent asked)
    robots_rule: str | None = None  # the line that decided it
    notes: list[str] = field(default_factory=list)

    def verdict(self, purpose: str) -> Verdict:
        return strongest(e.verdict for e in self.evidence if e.purpose == purpose)

    def deciding(self, purpose: str) -> list[Evidence]:
        """The evidence that carries the verdict for `purpose` (all ties)."""
        verdict = self.verdict(purpose)
        return [e for e in self.evidence if e.purpose == purpose and e.verdict == verdict]

    def verdicts(self) -> dict[str, Verdict]:
        return {p: self.verdict(p) for p in PURPOSES}


def strongest(verdicts: Iterable[Verdict]) -> Verdict:
    best: Verdict = "unspecified"
    for verdict in verdicts:
        if _RANK[verdict] > _RANK[best]:
            best = verdict
    return best


def training(verdict: Verdict, signal: str, source: str, detail: str) -> list[Evidence]:
    """An umbrella training signal speaks for ai-train and genai-train alike."""
    return [Evidence(signal, p, verdict, source, detail) for p in ("ai-train", "genai-train")]
