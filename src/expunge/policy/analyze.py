"""Apply the rules to every sentence of a policy and reach a verdict per document.

Verdicts (each with the sentence that decided it):
- trains_on_user_content: yes if a positive AI-training sentence is about the user's data;
  no if training sentences only deny it, or make it depend on opting in; unclear otherwise.
- ai_opt_out: yes if an opt-out sentence (not a mere opt-in) is about AI / training; no if the
  policy trains on user content without one; not_applicable otherwise.
- biometrics: yes if a sentence names biometric data without denying its collection or use.
- shares_for_ai: yes if a sentence shares / sells / licenses data for AI without a denial.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from expunge.errors import ExpungeError
from expunge.policy.extract import SUFFIXES, SUPPORTED, Block, PolicyText, read_policy
from expunge.policy.rules import (
    BIPA_NAMES,
    Context,
    Cue,
    RuleHit,
    classify,
    links_in,
    normal_duration,
)
from expunge.policy.sentences import split_sentences

CATEGORIES = ("ai_training", "metadata", "biometrics", "opt_out", "retention", "ai_sharing")
CATEGORY_TITLES = {
    "ai_training": "AI training",
    "metadata": "Collected metadata",
    "biometrics": "Biometrics",
    "opt_out": "Opt-out and consent",
    "retention": "Retention",
    "ai_sharing": "Sharing for AI",
}
VERDICT_KEYS = ("trains_on_user_content", "ai_opt_out", "biometrics", "shares_for_ai")


@dataclass(frozen=True, slots=True)
class Match:
    """One sentence in one category, with where it is and why it matched."""

    category: str
    text: str
    location: str
    section: tuple[str, ...]
    paragraph: int
    page: int | None
    cues: tuple[Cue, ...]  # offsets into text
    polarity: str = "pos"
    user_data: bool = False
    ai_related: bool = False
    opt_in_only: bool = False
    training_related: bool = False
    links: tuple[str, ...] = ()
    durations: tuple[str, ...] = ()
    bipa: tuple[str, ...] = ()
    sentence_no: int = 0  # ordinal of the sentence in the document

    def cue_words(self) -> list[str]:
        return list(dict.fromkeys(self.text[c.start : c.end].lower() for c in self.cues))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "text": self.text,
            "location": self.location,
            "section": list(self.section),
            "paragraph": self.paragraph,
            "page": self.page,
            "cues": [
                {"text": self.text[c.start : c.end], "kind": c.kind, "start": c.start, "end": c.end}
                for c in self.cues
            ],
            "polarity": self.polarity,
            "links": list(self.links),
        }
        if self.category == "ai_training":
            out["about_user_data"] = self.user_data
        if self.category == "opt_out":
            out["ai_related"] = self.ai_related
            out["opt_in_only"] = self.opt_in_only
            out["about_ai_training"] = self.training_related
        if self.category == "retention":
            out["durations"] = list(self.durations)
        if self.category == "biometrics":
            out["bipa_elements"] = list(self.bipa)
        return out


@dataclass(slots=True)
class Verdict:
    trains_on_user_content: str = "unclear"  # yes | no | unclear
    ai_opt_out: str = "not_applicable"  # yes | no | not_applicable
    biometrics: str = "no"  # yes | no
    shares_for_ai: str = "no"  # yes | no
    evidence: dict[str, str] = field(default_factory=dict)  # verdict key -> location
    opt_out_links: tuple[str, ...] = ()
    bipa_present: tuple[str, ...] = ()
    bipa_missing: tuple[str, ...] = ()
    retention_durations: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "trains_on_user_content": self.trains_on_user_content,
            "ai_opt_out": self.ai_opt_out,
            "biometrics": self.biometrics,
            "shares_for_ai": self.shares_for_ai,
            "evidence": dict(self.evidence),
            "opt_out_links": list(self.opt_out_links),
            "bipa_present": list(self.bipa_present),
            "bipa_missing": list(self.bipa_missing),
            "retention_durations": list(self.retention_durations),
        }

    def lines(self) -> list[tuple[str, str, str]]:
        """(question, answer, detail) for the reports: plain words, one line each."""

        def where(key: str) -> str:
            return f"({self.evidence[key]})" if key in self.evidence else ""

        links = ", ".join(self.opt_out_links)
        opt_detail = where("ai_opt_out")
        if self.ai_opt_out == "yes" and links:
            opt_detail = f"— {links} {opt_detail}".strip()
        bio_detail = where("biometrics")
        if self.biometrics == "yes":
            present = ", ".join(f"({e}) {BIPA_NAMES[e]}" for e in self.bipa_present) or "none"
            missing = ",".join(f"({e})" for e in self.bipa_missing) or "none"
            bio_detail = f"BIPA §15 elements present: {present}; missing: {missing} {bio_detail}"
        durations = ", ".join(f'"{d}"' for d in self.retention_durations)
        return [
            ("trains on user content", self.trains_on_user_content,
             where("trains_on_user_content")),
            ("opt-out for AI training", self.ai_opt_out, opt_detail),
            ("biometrics", "collected" if self.biometrics == "yes" else "no", bio_detail),
            ("shares for AI", self.shares_for_ai, where("shares_for_ai")),
            ("retention", durations or "no durations stated", where("retention")),
        ]  # fmt: skip


@dataclass(slots=True)
class DocumentAnalysis:
    path: Path
    format: str
    title: str
    sentences: int
    pages: int | None
    matches: dict[str, list[Match]]
    verdict: Verdict

    @property
    def name(self) -> str:
        return self.path.name

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.name,
            "path": str(self.path),
            "format": self.format,
            "title": self.title,
            "sentences": self.sentences,
            "pages": self.pages,
            "verdict": self.verdict.to_dict(),
            "categories": {c: [m.to_dict() for m in self.matches[c]] for c in CATEGORIES},
        }


# --- files ------------------------------------------------------------------------------------


def policy_files(path: Path) -> list[Path]:
    """The policy files a path names: itself, or every supported file under a directory."""
    if not path.exists():
        raise ExpungeError(f"{path} does not exist", "check the path")
    if path.is_dir():
        files = sorted(
            p for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )  # fmt: skip
        if not files:
            raise ExpungeError(f"{path} has no policy files", f"expected {SUPPORTED} files")
        return files
    return [path]


def analyze_path(path: Path) -> list[DocumentAnalysis]:
    """Read every policy first (the first bad file stops everything), then analyse each."""
    policies = [read_policy(p) for p in policy_files(path)]
    return [analyze_text(policy) for policy in policies]


# --- one document ----------------------------------------------------------------------------


def analyze_text(policy: PolicyText) -> DocumentAnalysis:
    matches: dict[str, list[Match]] = {c: [] for c in CATEGORIES}
    number = 0
    section: tuple[str, ...] | None = None
    biometric_context = section_training = False
    for block in policy.blocks:
        if block.section != section:
            section, biometric_context, section_training = block.section, False, False
        headings = " ".join(block.section)
        previous: frozenset[str] = frozenset()
        for start, end in split_sentences(block.text):
            number += 1
            text = block.text[start:end]
            context = Context(headings, previous, biometric_context, section_training)
            hits, biometric_context = classify(text, context)
            if block.lead:
                _add_lead_hits(hits, text, block.lead, context)
            links = _links(block, start, end, text)
            for category, hit in hits.items():
                matches[category].append(_match(hit, text, block, links, number))
            previous = frozenset(hits)
            section_training = section_training or "ai_training" in hits
    return DocumentAnalysis(policy.path, policy.format, policy.title, number, policy.pages,
                            matches, decide(matches))  # fmt: skip


def _add_lead_hits(hits: dict[str, RuleHit], text: str, lead: str, context: Context) -> None:
    """A list item / table row read with its lead-in ("We use the following to train our
    models:" + "your chats"): a category counts if one of its cues is in the item itself."""
    offset = len(lead) + 1
    combined, _ = classify(f"{lead} {text}", context)
    for category, hit in combined.items():
        if category in hits:
            continue
        own = tuple(
            Cue(c.start - offset, c.end - offset, c.kind) for c in hit.cues if c.start >= offset
        )
        if not any(c.kind not in ("negation", "time") for c in own):
            continue
        durations = tuple(normal_duration(text, c) for c in own if c.kind == "duration")
        hits[category] = RuleHit(category, own, hit.polarity, hit.user_data, hit.ai_related,
                                 hit.opt_in_only, hit.training_related, durations,
                                 hit.bipa)  # fmt: skip


def _links(block: Block, start: int, end: int, text: str) -> tuple[str, ...]:
    found = [lk.url for lk in block.links if lk.start < end and start < lk.end]
    found += [u for u in links_in(text) if u not in found]
    return tuple(dict.fromkeys(found))


def _match(hit: RuleHit, text: str, block: Block, links: tuple[str, ...], number: int) -> Match:
    return Match(hit.category, text, block.location(), block.section, block.paragraph,
                 block.page, hit.cues, hit.polarity, hit.user_data, hit.ai_related,
                 hit.opt_in_only, hit.training_related, links, hit.durations, hit.bipa,
                 number)  # fmt: skip


def decide(matches: dict[str, list[Match]]) -> Verdict:
    verdict = Verdict()
    training = matches["ai_training"]
    yes = [m for m in training if m.polarity == "pos" and m.user_data]
    no = [m for m in training if m.polarity in ("neg", "cond")]
    if yes:
        verdict.trains_on_user_content = "yes"
        verdict.evidence["trains_on_user_content"] = yes[0].location
    elif no:
        verdict.trains_on_user_content = "no"
        verdict.evidence["trains_on_user_content"] = no[0].location
    elif training:
        verdict.evidence["trains_on_user_content"] = training[0].location

    ways_out = [m for m in matches["opt_out"] if m.training_related and not m.opt_in_only]
    if ways_out:
        verdict.ai_opt_out = "yes"
        verdict.evidence["ai_opt_out"] = ways_out[0].location
        verdict.opt_out_links = tuple(dict.fromkeys(u for m in ways_out for u in m.links))
    elif verdict.trains_on_user_content == "yes":
        verdict.ai_opt_out = "no"

    bio = matches["biometrics"]
    collected = [m for m in bio if m.polarity == "pos"]
    if collected:
        verdict.biometrics = "yes"
        verdict.evidence["biometrics"] = collected[0].location
    elif bio:
        verdict.evidence["biometrics"] = bio[0].location
    present = sorted({e for m in bio for e in m.bipa})
    verdict.bipa_present = tuple(present)
    verdict.bipa_missing = tuple(e for e in BIPA_NAMES if e not in present)

    shares = [m for m in matches["ai_sharing"] if m.polarity == "pos"]
    if shares:
        verdict.shares_for_ai = "yes"
        verdict.evidence["shares_for_ai"] = shares[0].location
    elif matches["ai_sharing"]:
        verdict.evidence["shares_for_ai"] = matches["ai_sharing"][0].location

    verdict.retention_durations = tuple(dict.fromkeys(
        d for m in matches["retention"] for d in m.durations))  # fmt: skip
    if matches["retention"]:
        with_time = [m for m in matches["retention"] if m.durations] or matches["retention"]
        verdict.evidence["retention"] = with_time[0].location
    return verdict
