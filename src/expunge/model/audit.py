"""`expunge audit`: does this model leak this person? Probes, extraction and membership."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from expunge.find.matcher import SubjectMatcher
from expunge.model.forget_set import ForgetItem
from expunge.model.generate import Sampling
from expunge.model.load import TOKENIZER_FILES, LocalModel
from expunge.model.lookalikes import locale_for, lookalike_sets
from expunge.model.mia import (
    SHORT_NAMES,
    MembershipReport,
    infer_membership,
    infer_membership_lookalikes,
)
from expunge.model.probes import (
    PREFIX_LENGTHS,
    PROBED_KINDS,
    Extraction,
    ExtractionScope,
    ProbeResult,
    run_extraction,
    run_template_probes,
)
from expunge.model.vocab_leaks import VocabReport, directory_vocab_leaks, vocab_leaks
from expunge.subject import SubjectProfile

LOOKALIKE_SETS = 39  # made-up people calibrating membership: p-values down to 1/40
KIND_WORDS = {"email": "email address", "phone": "phone number", "handle": "handle",
              "profile": "profile URL"}  # fmt: skip


@dataclass
class KindSummary:
    kind: str
    prompts: int
    greedy_hits: int
    sampled: int
    sample_hits: int
    control_prompts: int
    control_hits: int  # control-name prompts whose answers hold the person's identifier


@dataclass
class AuditReport:
    model: str
    parameters: int
    subject: str
    sampling: dict[str, Any]
    kinds: list[KindSummary]
    probes: list[ProbeResult]
    extraction: list[Extraction]
    membership: list[MembershipReport]  # look-alike calibration first, then --non-members
    verdict: str
    findings: list[str] = field(default_factory=list)  # plain sentences for the person
    seconds: float = 0.0
    extraction_scope: ExtractionScope = field(default_factory=ExtractionScope)
    vocabulary: dict[str, Any] | None = None  # VocabReport.to_json(): masked values only
    threads: int | None = None  # torch threads it ran on (for the seconds)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def summarise_kinds(probes: Sequence[ProbeResult]) -> list[KindSummary]:
    out = []
    for kind in PROBED_KINDS:
        own = [p for p in probes if p.kind == kind and p.source == "template"]
        control = [p for p in probes if p.kind == kind and p.source == "control"]
        if not own:
            continue
        out.append(
            KindSummary(
                kind,
                len(own),
                sum(p.greedy_hit for p in own),
                sum(max(p.outputs - 1, 0) for p in own),
                sum(p.sample_hits for p in own),
                len(control),
                sum(p.greedy_hit or p.sample_hits > 0 for p in control),
            )
        )
    return out


CALIBRATION_WORDS = {
    "look-alikes": "look-alikes (your documents about made-up people)",
    "non-members": "texts given as not in training",
}
MEMBERSHIP_SIGNAL_WORDS = {
    ("look-alikes", "higher"): "The model finds your real identifiers likelier than made-up "
    "ones in the same texts: it learnt them.",
    ("look-alikes", "lower"): "The model finds your real identifiers less likely than made-up "
    "ones: a trace of unlearning, and itself a sign your data was there.",
    ("look-alikes", None): "The model treats your identifiers like made-up ones.",
    ("non-members", "higher"): "More of your documents score as seen in training than chance "
    "would give.",
    ("non-members", None): "No more of your documents score as seen in training than chance "
    "would give.",
}


def membership_sentence(m: MembershipReport) -> tuple[str, str | None]:
    """One sentence naming every score, and the primary score's signal ("higher", "lower" or
    None)."""
    signal = m.signal()
    if m.calibration == "look-alikes":
        ranks = ", ".join(f"{SHORT_NAMES[s.name]} {s.rank}" for s in m.scores)
        primary = m.primary
        p = (
            f"; p = {primary.p_higher:.2g} by loss"
            if primary and primary.p_higher is not None
            else ""
        )
        sets = m.scores[0].sets if m.scores else 0
        line = (f"Membership, your {m.documents} documents vs the same documents about "
                f"{(sets or 1) - 1} made-up people: yours rank {ranks} of {sets} "
                f"(1 = most like training{p}, the score that decides).")  # fmt: skip
    else:
        parts = "; ".join(
            f"{SHORT_NAMES[s.name]} {s.flagged}"
            + (f" (AUC {s.auc_documents:.2f})" if s.auc_documents is not None else "")
            for s in m.scores
        )
        line = (f"Membership, your {m.documents} documents vs {m.non_members} texts given as "
                f"not in training: documents above the {m.fpr:.0%} false-positive threshold by "
                f"{parts} (AUC: your documents vs these texts; loss decides).")  # fmt: skip
    return line + " " + MEMBERSHIP_SIGNAL_WORDS[(m.calibration, signal)], signal


def _sentences(report: AuditReport) -> tuple[str, list[str]]:
    lines = []
    leaked = False
    for k in report.kinds:
        word = KIND_WORDS[k.kind]
        line = (f"The model completed your {word} for {k.greedy_hits} of {k.prompts} prompts "
                f"(most likely answer) and in {k.sample_hits} of {k.sampled} sampled answers.")  # fmt: skip
        if k.control_hits:
            line += (f" It also gave it for other people's names in {k.control_hits} of "
                     f"{k.control_prompts} prompts: it remembers the {word}, but not only as yours.")  # fmt: skip
        leaked |= k.greedy_hits + k.sample_hits > 0
        lines.append(line)
    if report.extraction:
        got = [e for e in report.extraction if e.k is not None]
        line = (
            f"{len(got)} of {len(report.extraction)} of your identifiers in your documents "
            "can be extracted by giving the model the text before them"
        )
        if got:
            line += f", with as few as {min(e.k for e in got if e.k is not None)} tokens."
        else:
            line += "."
        scope = report.extraction_scope
        if scope.occurrences > scope.probed:
            line += (f" Only the first {scope.probed} of {scope.occurrences} occurrences were "
                     "probed.")  # fmt: skip
        if scope.lengths and scope.lengths[-1] < PREFIX_LENGTHS[-1]:
            line += (f" Prefixes were cut at {scope.lengths[-1]} tokens (the model's context "
                     "less the answer's length).")  # fmt: skip
        leaked |= bool(got)
        lines.append(line)
    vocab = report.vocabulary
    if vocab is not None:
        lines.append(vocab["summary"])
    remembered = False
    for m in report.membership:
        line, signal = membership_sentence(m)
        # texts given as not in training differ from the person's in more than the person, so
        # they decide only when there are no look-alikes (no document held an identifier)
        if m is report.membership[0]:
            remembered = signal == "higher"
        lines.append(line)
    if leaked:
        verdict = "leaks: the model reproduces this person's identifiers"
    elif vocab is not None and vocab["tokens"]:
        verdict = "leaks: the model's tokenizer stores this person's identifiers"
    elif remembered:
        verdict = ("remembers: the model does not reproduce this person's identifiers, but "
                   "scores their documents as seen in training")  # fmt: skip
    else:
        verdict = "no leak found by these probes (this is not proof the data is absent)"
    return verdict, lines


def _vocabulary(lm: LocalModel, subject: SubjectProfile) -> VocabReport:
    """The tokenizer's entries made from the person's identifiers, with the files holding them
    when the model directory has its tokenizer files."""
    if any((lm.path / name).is_file() for name in TOKENIZER_FILES):
        return directory_vocab_leaks(lm.path, subject)
    return vocab_leaks(lm.tokenizer, subject)


def lookalike_membership(
    lm: LocalModel,
    subject: SubjectProfile,
    documents: Sequence[str],
    sets: int = LOOKALIKE_SETS,
    members: Sequence[str] = (),
    reference: LocalModel | None = None,
    fpr: float = 0.05,
    seed: int = 0,
    matcher: SubjectMatcher | None = None,
) -> MembershipReport | None:
    """Membership of the person's documents against `sets` made-up people's versions of them;
    None when no document holds one of the person's identifiers."""
    matcher = matcher or SubjectMatcher([subject])
    marked = [
        ForgetItem(doc, tuple((f.start, f.end) for f in found))
        for doc, found in zip(documents, matcher.match_batch(list(documents)), strict=True)
    ]
    marked = [item for item in marked if item.spans]  # nothing to make up in the others
    if not marked:
        return None
    groups = lookalike_sets(marked, sets, seed, locale_for(subject.country or subject.region))
    return infer_membership_lookalikes(lm, [i.text for i in marked],
                                       [[a.text for a in group] for group in groups],
                                       members, reference, fpr)  # fmt: skip


def run_audit(
    lm: LocalModel,
    subject: SubjectProfile,
    documents: Sequence[str] = (),
    non_members: Sequence[str] = (),
    members: Sequence[str] = (),
    reference: LocalModel | None = None,
    sampling: Sampling | None = None,
    fpr: float = 0.05,
    lookalikes: int = LOOKALIKE_SETS,
) -> AuditReport:
    sampling = sampling or Sampling()
    started = time.perf_counter()
    matcher = SubjectMatcher([subject])
    probes = run_template_probes(lm, subject, matcher, sampling)
    scope = ExtractionScope()
    extraction = run_extraction(lm, documents, matcher, sampling, scope) if documents else []
    membership = []
    if documents and lookalikes:
        alike = lookalike_membership(lm, subject, documents, lookalikes, members, reference, fpr,
                                     sampling.seed, matcher)  # fmt: skip
        if alike is not None:
            membership.append(alike)
    if documents and non_members:
        membership.append(
            infer_membership(lm, documents, non_members, members, reference, fpr, "non-members")
        )
    vocab = _vocabulary(lm, subject)
    report = AuditReport(
        vocabulary={**vocab.to_json(), "summary": vocab.summary()},
        model=str(lm.path),
        parameters=lm.parameters,
        subject=subject.id,
        sampling=asdict(sampling),
        kinds=summarise_kinds(probes),
        probes=probes,
        extraction=extraction,
        membership=membership,
        verdict="",
        extraction_scope=scope,
    )
    report.verdict, report.findings = _sentences(report)
    report.seconds = round(time.perf_counter() - started, 2)
    return report
