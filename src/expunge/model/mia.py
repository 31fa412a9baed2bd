"""Membership inference for a person's documents, calibrated on texts not trained on.

The calibration texts are, by default, look-alikes of the documents (the same texts with the
person's values made up: see lookalikes.py), or texts the user knows were not in training. A
document is flagged when its score is above the (1 - FPR) quantile of the calibration scores,
so the stated false-positive rate holds on those texts. Every score is reported; the verdict
rests on one score fixed in advance (the loss).

With look-alikes, the person's documents and each made-up person's are one set each, and the
test ranks the person's set by its mean score among all sets: exact under the hypothesis that
the model treats the real values like made-up ones, whatever the documents share. Counting
flagged documents instead would treat documents that share one name as independent draws. Duan et al. (2024,
"Do membership inference attacks work on large language models?") found these attacks near
chance (AUC ~0.5-0.6) on large models trained once on deduplicated data; the AUC measured
here on the calibration texts says how much to trust the flags for this model.
"""

from __future__ import annotations

import math
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
SHORT_NAMES = {"loss": "loss", "zlib": "zlib", "zlib_carlini": "zlib (Carlini)", "min_k": "Min-K%",
               "min_k_pp": "Min-K%++", "reference": "reference"}  # fmt: skip
SIGNAL_LEVEL = 0.05
PRIMARY_SCORE = "loss"
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
    # look-alike calibration: the person's documents as one set among `sets` (theirs and each
    # made-up person's), ranked by the set's mean score; 1 = theirs scores highest
    rank: int | None = None
    sets: int | None = None

    @property
    def p_higher(self) -> float | None:
        """Share of sets scoring at least as high as the person's: small = remembered."""
        return None if self.rank is None or not self.sets else self.rank / self.sets

    @property
    def p_lower(self) -> float | None:
        """Share of sets scoring at most as high: small = pushed below chance (unlearnt)."""
        if self.rank is None or not self.sets:
            return None
        return (self.sets - self.rank + 1) / self.sets


@dataclass
class MembershipReport:
    documents: int
    non_members: int
    members: int
    fpr: float
    calibration: str = "non-members"  # look-alikes | non-members
    scores: list[ScoreReport] = field(default_factory=list)
    caveat: str = CAVEAT
    signal_level: float = SIGNAL_LEVEL

    def chance(self, score: ScoreReport) -> float:
        """Probability of flagging at least this many documents by chance alone (as if the
        documents were independent: they are not when they share the person's values)."""
        return binomial_tail(score.flagged, self.documents, self.fpr)

    @property
    def primary(self) -> ScoreReport | None:
        """The score the verdict rests on, chosen before looking (choosing the best score
        afterwards would overstate the signal); every other score is reported beside it."""
        return next((s for s in self.scores if s.name == PRIMARY_SCORE), None)

    def signal(self) -> str | None:
        """ "higher" when the primary score puts the person's documents above chance, "lower"
        when below it (look-alike calibration only: the model avoids the real values, a trace
        of unlearning), else None."""
        s = self.primary
        if s is None:
            return None
        if s.p_higher is not None and s.p_lower is not None:
            if s.p_higher < self.signal_level:
                return "higher"
            return "lower" if s.p_lower < self.signal_level else None
        return "higher" if self.chance(s) < self.signal_level else None


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    return min(1.0, sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1)))


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
    calibration: str = "non-members",
) -> MembershipReport:
    return _calibrated(
        _scores(lm, documents, reference),
        _scores(lm, non_members, reference),
        _scores(lm, members, reference),
        fpr,
        calibration,
    )


def _calibrated(
    docs: list[dict[str, float]],
    negatives: list[dict[str, float]],
    positives: list[dict[str, float]],
    fpr: float,
    calibration: str,
) -> MembershipReport:
    report = MembershipReport(len(docs), len(negatives), len(positives), fpr, calibration)
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


def infer_membership_lookalikes(
    lm: LocalModel,
    documents: Sequence[str],
    lookalike_sets: Sequence[Sequence[str]],
    members: Sequence[str] = (),
    reference: LocalModel | None = None,
    fpr: float = 0.05,
) -> MembershipReport:
    """Membership of `documents` against made-up versions of them (each set as long as
    `documents`, in the same order)."""
    flat = [text for group in lookalike_sets for text in group]
    docs = _scores(lm, documents, reference)
    alike = _scores(lm, flat, reference)
    report = _calibrated(docs, alike, _scores(lm, members, reference), fpr, "look-alikes")
    n = len(documents)
    if not n:
        return report
    for score in report.scores:
        theirs = float(np.mean([d[score.name] for d in docs]))
        others = [
            float(np.mean([a[score.name] for a in alike[j * n : (j + 1) * n]]))
            for j in range(len(lookalike_sets))
        ]
        score.rank = 1 + sum(o >= theirs for o in others)
        score.sets = len(others) + 1
    return report
