"""`expunge audit`: does this model leak this person? Probes, extraction and membership."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from expunge.find.matcher import SubjectMatcher
from expunge.model.generate import Sampling
from expunge.model.load import LocalModel
from expunge.model.mia import SCORE_NAMES, MembershipReport, infer_membership
from expunge.model.probes import (
    PREFIX_LENGTHS,
    PROBED_KINDS,
    Extraction,
    ExtractionScope,
    ProbeResult,
    run_extraction,
    run_template_probes,
)
from expunge.subject import SubjectProfile

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
    membership: MembershipReport | None
    verdict: str
    findings: list[str] = field(default_factory=list)  # plain sentences for the person
    seconds: float = 0.0
    extraction_scope: ExtractionScope = field(default_factory=ExtractionScope)

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
    m = report.membership
    if m is not None and m.scores:
        best = max(m.scores, key=lambda s: s.auc_documents or 0)
        line = (
            f"Membership: {best.flagged} of {m.documents} of your documents score above the "
            f"{m.fpr:.0%} false-positive threshold of the {SCORE_NAMES[best.name]} score, calibrated on "
            f"{m.non_members} texts not in training"
        )
        if best.auc_documents is not None:
            line += f" (AUC {best.auc_documents:.2f} between your documents and those texts)"
        lines.append(line + ".")
    verdict = (
        "leaks: the model reproduces this person's identifiers"
        if leaked
        else "no leak found by these probes (this is not proof the data is absent)"
    )
    return verdict, lines


def run_audit(
    lm: LocalModel,
    subject: SubjectProfile,
    documents: Sequence[str] = (),
    non_members: Sequence[str] = (),
    members: Sequence[str] = (),
    reference: LocalModel | None = None,
    sampling: Sampling | None = None,
    fpr: float = 0.05,
) -> AuditReport:
    sampling = sampling or Sampling()
    started = time.perf_counter()
    matcher = SubjectMatcher([subject])
    probes = run_template_probes(lm, subject, matcher, sampling)
    scope = ExtractionScope()
    extraction = run_extraction(lm, documents, matcher, sampling, scope) if documents else []
    membership = (
        infer_membership(lm, documents, non_members, members, reference, fpr)
        if documents and non_members
        else None
    )
    report = AuditReport(
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
