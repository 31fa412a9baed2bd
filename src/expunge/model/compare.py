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

from expunge.model.forget_set import ForgetItem
from expunge.model.load import LocalModel
from expunge.model.unlearn import marked_loss


def example_losses(lm: LocalModel, items: Sequence[ForgetItem], part: str = "spans") -> list[float]:
    """One loss per forget example (nats per token of `part`)."""
    out = []
    for item in items:
        value = marked_loss(lm, [item], part if item.spans else "all")
        out.append(float(value) if value is not None else float("nan"))
    return out


# Up to this many (n x m) the p-value is exact (lattice paths); beyond, the asymptotic
# distribution, which is off by up to 8x at n = m = 15 (as scipy's ks_2samp switches over).
EXACT_KS_MAX_PRODUCT = 10_000


def ks_statistic(a: Sequence[float], b: Sequence[float]) -> tuple[int, int, int]:
    """(n, m, D * n * m) of the two-sample KS statistic D, as an exact integer."""
    x, y = np.sort(np.asarray(a, float)), np.sort(np.asarray(b, float))
    n, m = len(x), len(y)
    grid = np.concatenate([x, y])
    cx = np.searchsorted(x, grid, "right").astype(np.int64)
    cy = np.searchsorted(y, grid, "right").astype(np.int64)
    return n, m, int(np.max(np.abs(cx * m - cy * n))) if len(grid) else 0


def ks_pvalue(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sample Kolmogorov-Smirnov test, two-sided p-value P(D >= d), as TOFU's forget
    quality computes it with scipy's `ks_2samp`: exact for small samples (the fraction of
    lattice paths from (0, 0) to (n, m) that reach the distance d, Hodges 1957), else the
    asymptotic distribution with Stephens' correction."""
    n, m, d = ks_statistic(a, b)
    if not n or not m:
        return float("nan")
    if d == 0:
        return 1.0
    if n * m <= EXACT_KS_MAX_PRODUCT:
        return _ks_exact(n, m, d)
    en = n * m / (n + m)
    lam = (math.sqrt(en) + 0.12 + 0.11 / math.sqrt(en)) * d / (n * m)
    p = 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))
    return float(min(1.0, max(0.0, p)))


def _ks_exact(n: int, m: int, d: int) -> float:
    """P(D >= d / (n m)) under the null: 1 - (paths staying strictly inside) / C(n+m, n).
    A path visits (i, j) after i of the first and j of the second sample; it is inside while
    |i m - j n| < d. Exact integers, so tiny p-values stay exact."""
    row = [0] * (m + 1)  # paths to (i, j) for the current i
    for j in range(m + 1):
        row[j] = 1 if j * n < d else 0
        if not row[j]:
            row[j + 1 :] = [0] * (m - j)
            break
    for i in range(1, n + 1):
        new = [0] * (m + 1)
        for j in range(m + 1):
            if abs(i * m - j * n) < d:
                new[j] = row[j] + (new[j - 1] if j else 0)
        row = new
    inside = row[m]
    total = math.comb(n + m, n)
    return float(total - inside) / float(total) if inside < total else 0.0


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
