"""Membership inference for a person's documents, calibrated on known non-members.

A document is flagged when its score is above the (1 - FPR) quantile of the non-member
scores, so the stated false-positive rate holds on the calibration texts. Duan et al. (2024,
"Do membership inference attacks work on large language models?") found these attacks near
chance (AUC ~0.5-0.6) on large models trained once on deduplicated data; the AUC measured
here on the calibration texts says how much to trust the flags for this model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from expunge.model.load import LocalModel
from expunge.model.scoring import membership_scores, token_stats

SCORE_NAMES = {
    "loss": "loss",
    "zlib": "NLL per zlib bit",
    "zlib_carlini": "zlib ratio (Carlini et al.: log-perplexity / zlib bytes)",
    "min_k": "Min-K% (20%)",
    "min_k_pp": "Min-K%++ (20%)",
    "reference": "reference-model ratio",
}
CAVEAT = (
    "Membership inference on large language models trained once on deduplicated data is "
    "close to chance (Duan et al. 2024); trust a flag only as far as the measured AUC allows."
)


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float | None:
    """Probability that a random positive scores above a random negative (ties count half)."""
    if not positives or not negatives:
        return None
    pos, neg = np.asarray(positives), np.asarray(negatives)
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


@dataclass
class ScoreReport:
    name: str
    threshold: float | None
    flagged: int
    p_values: list[float]  # per document: share of non-members scoring at least as high
    auc_documents: float | None  # person's documents vs non-members
    auc_members: float | None  # known members vs non-members, when given


@dataclass
class MembershipReport:
    documents: int
    non_members: int
    members: int
    fpr: float
    scores: list[ScoreReport] = field(default_factory=list)
    caveat: str = CAVEAT


def _scores(
    lm: LocalModel, texts: Sequence[str], reference: LocalModel | None
) -> list[dict[str, float]]:
    stats = token_stats(lm, texts)
    refs = token_stats(reference, texts) if reference is not None else [None] * len(texts)
    return [membership_scores(t, s, r) for t, s, r in zip(texts, stats, refs, strict=True)]


def infer_membership(
    lm: LocalModel,
    documents: Sequence[str],
    non_members: Sequence[str],
    members: Sequence[str] = (),
    reference: LocalModel | None = None,
    fpr: float = 0.05,
) -> MembershipReport:
    docs = _scores(lm, documents, reference)
    negatives = _scores(lm, non_members, reference)
    positives = _scores(lm, members, reference)
    report = MembershipReport(len(documents), len(non_members), len(members), fpr)
    for name in SCORE_NAMES:
        if docs and name not in docs[0]:
            continue
        doc_values = [d[name] for d in docs]
        neg_values = sorted(n[name] for n in negatives)
        threshold = float(np.quantile(neg_values, 1 - fpr)) if neg_values else None
        flagged = sum(v > threshold for v in doc_values) if threshold is not None else 0
        p_values = [
            (sum(n >= v for n in neg_values) + 1) / (len(neg_values) + 1) for v in doc_values
        ]
        report.scores.append(
            ScoreReport(
                name,
                threshold,
                flagged,
                p_values,
                auc(doc_values, neg_values),
                auc([p[name] for p in positives], neg_values),
            )
        )
    return report
