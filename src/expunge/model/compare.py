"""Is an unlearned model distinguishable from one retrained without the forget set?

- forget quality, TOFU-style (Maini et al. 2024): the p-value of a two-sample
  Kolmogorov-Smirnov test between the per-example losses of the two models on the forget set
  (TOFU compares truth ratios; here the loss on the personal-data tokens plays that part).
  High p: the distributions cannot be told apart; low p: they can.
- per-example distinguishability in the spirit of the NeurIPS 2023 Machine Unlearning
  Challenge: with several unlearned and several retrained models (different seeds), every
  threshold on one example's loss is an attack guessing "unlearned" vs "retrained"; its
  false-positive and false-negative rates bound an epsilon as in differential privacy. The
  challenge used 512 models per side; with a handful the estimate is coarse, so the smoothing
  below keeps it finite and the number of models is always reported with it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from expunge.model.evaluate import marked_loss
from expunge.model.forget_set import ForgetItem
from expunge.model.load import LocalModel


def example_losses(lm: LocalModel, items: Sequence[ForgetItem], part: str = "spans") -> list[float]:
    """One loss per forget example (nats per token of `part`)."""
    out = []
    for item in items:
        value = marked_loss(lm, [item], part if item.spans else "all")
        out.append(float(value) if value is not None else float("nan"))
    return out


def ks_pvalue(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sample Kolmogorov-Smirnov test, asymptotic p-value (Stephens' small-sample
    correction), as in TOFU's forget quality."""
    x, y = np.sort(np.asarray(a, float)), np.sort(np.asarray(b, float))
    if not len(x) or not len(y):
        return float("nan")
    grid = np.concatenate([x, y])
    d = float(np.max(np.abs(np.searchsorted(x, grid, "right") / len(x)
                            - np.searchsorted(y, grid, "right") / len(y))))  # fmt: skip
    n = len(x) * len(y) / (len(x) + len(y))
    lam = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * d
    if lam < 1e-3:
        return 1.0
    p = 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))
    return float(min(1.0, max(0.0, p)))


def epsilons(unlearned: np.ndarray, retrained: np.ndarray, delta: float = 0.01) -> np.ndarray:
    """Per-example epsilon from `unlearned` [models, examples] vs `retrained` [models, examples]
    losses: the strongest threshold attack on each example (rates smoothed by +0.5)."""
    n_u, n_r = unlearned.shape[0], retrained.shape[0]
    out = np.zeros(unlearned.shape[1])
    for j in range(unlearned.shape[1]):
        best = 0.0
        for t in np.unique(np.concatenate([unlearned[:, j], retrained[:, j]])):
            # attack: "unlearned" when loss <= t (and its mirror)
            for below in (True, False):
                hit_u = np.sum(unlearned[:, j] <= t) if below else np.sum(unlearned[:, j] > t)
                hit_r = np.sum(retrained[:, j] <= t) if below else np.sum(retrained[:, j] > t)
                fpr = (hit_r + 0.5) / (n_r + 1)  # retrained called unlearned
                fnr = (n_u - hit_u + 0.5) / (n_u + 1)  # unlearned missed
                for a, b in ((fpr, fnr), (fnr, fpr)):
                    if 1 - delta - a > 0:
                        best = max(best, math.log((1 - delta - a) / b))
        out[j] = best
    return out
