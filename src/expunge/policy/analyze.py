"""Apply the rules to every sentence of a policy and reach a verdict per document.

Verdicts (each citing the sentence that decides it: the most direct one, see rules.py):
- trains_on_user_content: yes if a sentence plainly says the users' data trains or improves AI
  models; no if training sentences only deny it, or make it depend on opting in (a plain yes
  wins over a denial of some data, such as "we do not use the content of emails"); yes if it
  is only implied (an opt-out with no denial); unclear otherwise.
- ai_opt_out: when the policy trains on user content: yes if an opt-out sentence (not a mere
  opt-in) is about AI training, no otherwise; not_applicable when it does not train. Links:
  the deciding sentence's, else the place it names ("account settings"), else its
  paragraph's, then those of the other equally direct ways out.
- biometrics: yes if a sentence names biometric data without denying its collection or use;
  BIPA section 15 duties are reported only then, from the sentences about biometric data.
- shares_for_ai: yes if a sentence shares / sells / licenses data for AI without a denial.

The context a sentence is read in: its section headings, the sentence before it in the same
section (its categories and text), the lead-in of a list item or the sentence that introduces
it ("We use your data to:"), and the policy's own company name (so "processed by Microsoft" in
Microsoft's statement is not a disclosure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from expunge.errors import ExpungeError
from expunge.policy.extract import SUFFIXES, SUPPORTED, Block, PolicyText, introduces, read_policy
from expunge.policy.lexicon import BIPA_NAMES, COMPANY_NAMES
from expunge.policy.rules import (
    Context,
    Cue,
    RuleHit,
    biometric_terms,
    classify,
    links_in,
    normal_duration,
    settings_places,
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
    strength: int = 1  # how directly the sentence states it: 3 plainly .. 1 by implication
    paragraph_links: tuple[str, ...] = ()  # opt_out: the nearest link in the same paragraph
    table_row: bool = False  # a table row: a summary of purposes and legal bases, not prose

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
    evidence_text: dict[str, str] = field(default_factory=dict)  # verdict key -> the sentence
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
            "evidence_text": dict(self.evidence_text),
            "opt_out_links": list(self.opt_out_links),
            "bipa_present": list(self.bipa_present),
            "bipa_missing": list(self.bipa_missing),
            "retention_durations": list(self.retention_durations),
        }

    def quotes(self) -> dict[str, str]:
        """question (as in lines()) -> the sentence its answer rests on."""
        names = {"trains_on_user_content": "trains on user content",
                 "ai_opt_out": "opt-out for AI training", "biometrics": "biometrics",
                 "shares_for_ai": "shares for AI", "retention": "retention"}  # fmt: skip
        return {names[k]: t for k, t in self.evidence_text.items() if k in names}

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
            bio_detail = (f"BIPA §15 duties the policy states: {present}; not stated: {missing} "
                          f"{bio_detail}")  # fmt: skip
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
    biometric_context = False
    intro = previous_text = ""
    previous: frozenset[str] = frozenset()
    self_names = own_company(policy)
    defined = defined_biometric_terms(policy)
    denied: set[int] = set()
    for number_in, block in enumerate(policy.blocks):
        if block.section != section:
            denied = listed_not_collected(policy.blocks, number_in)
            section, biometric_context = block.section, False
            intro = previous_text = ""
            previous = frozenset()
        headings = " ".join(block.section)
        for start, end in split_sentences(block.text):
            number += 1
            text = block.text[start:end]
            context = Context(headings, previous, biometric_context, block.lead or intro,
                              previous_text, self_names,
                              block.text if block.kind == "row" else "", defined)  # fmt: skip
            hits, biometric_context = classify(text, context)
            if block.lead:
                _add_lead_hits(hits, text, block.lead, context)
            if "biometrics" in hits and (not_collected(block) or block.paragraph in denied):
                # "| Biometric information. ... | NO | NO |" under "Collected?"
                hits["biometrics"] = replace(hits["biometrics"], polarity="neg")
            links = _links(block, start, end, text)
            for category, hit in hits.items():
                match = _match(hit, text, block, links, number)
                if category == "opt_out":
                    # the nearest link of the paragraph: after the sentence ("... unless you
                    # opt out. Learn more [here]"), else before it
                    after = _links(block, end, len(block.text), block.text[end:])
                    before = _links(block, 0, start, block.text[:start])
                    match = replace(match, paragraph_links=(after + before)[:1])
                matches[category].append(match)
            previous = frozenset(hits)
            intro = text if introduces(text) else ""
            previous_text = text
    return DocumentAnalysis(policy.path, policy.format, policy.title, number, policy.pages,
                            matches, decide(matches))  # fmt: skip


_YES_NO = re.compile(r"(?:^|[;.]\s*|\s)(yes|no)\s*(?=;|$)", re.IGNORECASE)


def not_collected(block: Block) -> bool:
    """A table row whose "Collected?" column says no (the category tables of US notices)."""
    if block.kind != "row" or not block.lead:
        return False
    header = [cell.strip().lower() for cell in block.lead.split(";")]
    column = next((i for i, cell in enumerate(header) if "collect" in cell), None)
    answers = [m.group(1).lower() for m in _YES_NO.finditer(block.text)]
    if column is None or not answers:
        return False
    from_end = len(header) - column
    return len(answers) >= from_end and answers[-from_end] == "no"


_COLLECTED_NO = re.compile(r"^\W*collected\W*\s*(?:no|none)\b", re.IGNORECASE)


def listed_not_collected(blocks: tuple[Block, ...], first: int) -> set[int]:
    """Paragraph numbers, in the section starting at blocks[first], of category items followed
    by "Collected: No." (the category lists of US notices: "Category E: Biometric
    information." / "Examples: ..." / "Collected: No.")."""
    section = blocks[first].section
    items = [b for b in blocks[first:] if b.section == section]
    found: set[int] = set()
    for i, block in enumerate(items):
        if _COLLECTED_NO.match(block.text):
            found.update(b.paragraph for b in items[max(0, i - 2) : i])
    return found


def defined_biometric_terms(policy: PolicyText) -> frozenset[str]:
    """The names the policy gives to data that includes biometric data ("Underlying Data",
    "Age Check Data"), so that what it says of them later counts as said of biometric data."""
    terms: set[str] = set()
    for block in policy.blocks:
        head = block.text.split("; ", 1)[0] if block.kind == "row" else ""
        for start, end in split_sentences(block.text):
            terms.update(biometric_terms(block.text[start:end], head if start == 0 else ""))
        if head:
            terms.update(biometric_terms(block.text, head))
    return frozenset(terms)


def own_company(policy: PolicyText) -> frozenset[str]:
    """The policy's own company among the names the rules know as recipients ("Microsoft" in
    Microsoft's statement), or a name ending in "AI" ("Mistral AI"): the most frequent one, if
    it is named at least 15 times."""
    counts: dict[str, int] = {}
    for block in policy.blocks:
        for found in COMPANY_NAMES.finditer(block.text):
            counts[found.group()] = counts.get(found.group(), 0) + 1
    if not counts:
        return frozenset()
    name, count = max(counts.items(), key=lambda item: item[1])
    return frozenset([name]) if count >= 15 else frozenset()


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
                                 hit.bipa, hit.strength)  # fmt: skip


def _links(block: Block, start: int, end: int, text: str) -> tuple[str, ...]:
    """The sentence's link targets and written addresses; links that only point to another
    part of the policy ("As described [above](...#section)") are left out."""
    found = [lk.url for lk in block.links if lk.start < end and start < lk.end
             and not _internal(block.text[lk.start : lk.end], lk.url)]  # fmt: skip
    found += [u for u in links_in(text) if u not in found]
    return tuple(dict.fromkeys(found))


_INTERNAL_TEXT = re.compile(r"^(?:as\s+)?(?:described\s+|set\s+out\s+|explained\s+|noted\s+)?"
                            r"(?:above|below|here\s+above)$|^(?:this|that|the)\s+section\b|"
                            r"^sections?\s+[\d\w.]+$", re.IGNORECASE)  # fmt: skip


def _internal(label: str, url: str) -> bool:
    return url.startswith("#") or bool(_INTERNAL_TEXT.match(label.strip(" .,:;")))


def _match(hit: RuleHit, text: str, block: Block, links: tuple[str, ...], number: int) -> Match:
    return Match(hit.category, text, block.location(), block.section, block.paragraph,
                 block.page, hit.cues, hit.polarity, hit.user_data, hit.ai_related,
                 hit.opt_in_only, hit.training_related, links, hit.durations, hit.bipa,
                 number, hit.strength, table_row=block.kind == "row")  # fmt: skip


def _strongest(found: list[Match]) -> Match:
    """The sentence that states it most directly; the first of those."""
    return max(found, key=lambda m: (m.strength, -m.sentence_no))


def _cite(verdict: Verdict, key: str, match: Match) -> None:
    verdict.evidence[key] = match.location
    verdict.evidence_text[key] = match.text


def decide(matches: dict[str, list[Match]]) -> Verdict:
    """The verdicts, each citing the sentence that decides it (the most direct one).

    Training: yes when a sentence plainly says the users' data is used (strength 2 or more);
    otherwise no when a sentence denies it or makes it depend on opting in; otherwise yes when
    it is only implied (an opt-out, "for this purpose"); otherwise unclear. An AI opt-out only
    matters when the policy trains on user content."""
    verdict = Verdict()
    training = matches["ai_training"]
    stated = [m for m in training if m.polarity == "pos" and m.user_data]
    plain = [m for m in stated if m.strength >= 2]
    denied = [m for m in training if m.polarity in ("neg", "cond")]
    if plain and all(m.table_row for m in plain) and any(
            not m.table_row and m.strength >= 3 for m in denied):  # fmt: skip
        # "We do not use Inputs to train our models unless you agree" outranks a legal-basis
        # row "model training | Feedback, Inputs | Consent ...": the row lists the exceptions
        plain = stated = []
    if plain or (stated and not denied):
        verdict.trains_on_user_content = "yes"
        _cite(verdict, "trains_on_user_content", _strongest(plain or stated))
    elif denied:
        verdict.trains_on_user_content = "no"
        _cite(verdict, "trains_on_user_content", _strongest(denied))
    elif training:
        _cite(verdict, "trains_on_user_content", training[0])

    ways_out = [m for m in matches["opt_out"] if m.training_related and not m.opt_in_only]
    if verdict.trains_on_user_content == "yes":
        if ways_out:
            verdict.ai_opt_out = "yes"
            best = _strongest(ways_out)
            _cite(verdict, "ai_opt_out", best)
            # The links of the deciding sentence first, then of the others as direct as it.
            others = sorted((m for m in ways_out
                             if m is not best and m.strength >= min(best.strength, 2)),
                            key=lambda m: -m.strength)  # fmt: skip
            # Where to go: the deciding sentence's links, else the place it names ("in your
            # account settings"), else the links of its paragraph ("... unless you opt out.
            # Learn more [here]"); then the links of the other ways out as direct as it.
            first = (best.links or tuple(settings_places(best.text))
                     or best.paragraph_links)  # fmt: skip
            verdict.opt_out_links = tuple(dict.fromkeys(
                [*first, *(u for m in others for u in m.links)]))  # fmt: skip
        else:
            verdict.ai_opt_out = "no"

    bio = matches["biometrics"]
    collected = [m for m in bio if m.polarity == "pos"]
    if collected:
        verdict.biometrics = "yes"
        _cite(verdict, "biometrics", _strongest(collected))
        present = sorted({e for m in bio if m.polarity != "neg" for e in m.bipa})
        verdict.bipa_present = tuple(present)
        verdict.bipa_missing = tuple(e for e in BIPA_NAMES if e not in present)
    elif bio:
        _cite(verdict, "biometrics", bio[0])

    shares = [m for m in matches["ai_sharing"] if m.polarity == "pos"]
    if shares:
        verdict.shares_for_ai = "yes"
        _cite(verdict, "shares_for_ai", _strongest(shares))
    elif matches["ai_sharing"]:
        _cite(verdict, "shares_for_ai", matches["ai_sharing"][0])

    verdict.retention_durations = tuple(dict.fromkeys(
        d for m in matches["retention"] for d in m.durations))  # fmt: skip
    if matches["retention"]:
        with_time = [m for m in matches["retention"] if m.durations] or matches["retention"]
        _cite(verdict, "retention", with_time[0])
    return verdict
