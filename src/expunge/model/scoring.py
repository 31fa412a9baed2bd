"""Per-token log-probabilities and the membership scores built on them.

Scores follow the literature: loss (Yeom et al.), zlib ratio (Carlini et al. 2021), Min-K%
(Shi et al. 2024), Min-K%++ (Zhang et al. 2025) and a reference-model ratio. Each score is
oriented so that higher means "more likely seen in training".
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from expunge.model.batching import pad_id, padded, start_token
from expunge.model.deps import need_torch
from expunge.model.load import LocalModel

MIN_K = 0.2  # the fraction of lowest-probability tokens Min-K% and Min-K%++ average


@dataclass(frozen=True)
class TokenStats:
    """For each scored token t: log p(t), and the mean and standard deviation of log p over the
    vocabulary at that position (what Min-K%++ normalises by)."""

    logp: np.ndarray
    mu: np.ndarray
    sigma: np.ndarray
    n_bytes: int  # UTF-8 bytes of the scored text, for per-byte losses across tokenizers
    # The text the scored tokens spell: the whole text, or its start when the model's context
    # cut it. zlib and per-byte scores use exactly this, never the uncut text (a long document
    # would otherwise look compressible per scored token and score as a "member").
    scored: str = ""


def encode(lm: LocalModel, text: str) -> list[int]:
    """Token ids with the model's start token in front (so the first word is scored too),
    cut to the model's context."""
    ids: list[int] = lm.tokenizer(text, add_special_tokens=False)["input_ids"]
    start = start_token(lm.tokenizer)
    if start is not None:
        ids = [start, *ids]
    return ids[: lm.context]


def token_stats(lm: LocalModel, texts: Sequence[str], batch: int = 16) -> list[TokenStats]:
    torch, _ = need_torch()
    encoded = [encode(lm, text) for text in texts]
    out: list[TokenStats] = []
    pad = pad_id(lm.tokenizer)
    with torch.inference_mode():
        for lo in range(0, len(encoded), batch):
            chunk = encoded[lo : lo + batch]
            ids, mask = padded(chunk, pad)
            logits = lm.model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
            logprobs = torch.log_softmax(logits, dim=-1)
            probs = logprobs.exp()
            mu = (probs * logprobs).sum(-1)
            var = (probs * logprobs.square()).sum(-1) - mu.square()
            target = logprobs.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
            for row, seq in enumerate(chunk):
                n = len(seq) - 1
                scored = _scored_text(lm, texts[lo + row], seq)
                out.append(
                    TokenStats(
                        target[row, :n].numpy().astype(np.float64),
                        mu[row, :n].numpy().astype(np.float64),
                        var[row, :n].clamp_min(1e-12).sqrt().numpy().astype(np.float64),
                        len(scored.encode("utf-8", "surrogatepass")),
                        scored,
                    )
                )
    return out


def _scored_text(lm: LocalModel, text: str, seq: list[int]) -> str:
    """`text` when all of it was scored, else what the scored tokens decode to."""
    whole = encode(lm, text + " ")  # one more token than the text needs: was it cut?
    if len(whole) < lm.context or len(seq) < lm.context:
        return text
    start = start_token(lm.tokenizer)
    ids = seq[1:] if start is not None and seq and seq[0] == start else seq
    return str(lm.tokenizer.decode(ids))


def loss(stats: TokenStats) -> float:
    """Mean negative log-likelihood per token (nats)."""
    return float(-stats.logp.mean()) if stats.logp.size else 0.0


def nll_per_byte(stats: TokenStats) -> float:
    return float(-stats.logp.sum() / max(stats.n_bytes, 1))


def _lowest(values: np.ndarray, k: float) -> float:
    if not values.size:
        return 0.0
    count = max(1, int(len(values) * k))
    return float(np.sort(values)[:count].mean())


def membership_scores(
    text: str, stats: TokenStats, reference: TokenStats | None = None
) -> dict[str, float]:
    """All scores for one text; higher = more likely a training member."""
    scored = stats.scored or text
    zlib_bytes = len(zlib.compress(scored.encode("utf-8", "surrogatepass")))
    scores = {
        "loss": -loss(stats),
        # total NLL of the scored text per bit of its zlib compression
        "zlib": -float(-stats.logp.sum() / max(zlib_bytes * 8, 1)),
        # Carlini et al. 2021: log-perplexity (mean NLL) over the zlib entropy (bytes)
        "zlib_carlini": -float(loss(stats) / max(zlib_bytes, 1)),
        "min_k": _lowest(stats.logp, MIN_K),
        "min_k_pp": _lowest((stats.logp - stats.mu) / stats.sigma, MIN_K),
    }
    if reference is not None:
        # per byte, so a reference model with another tokenizer is comparable
        scores["reference"] = nll_per_byte(reference) - nll_per_byte(stats)
    return scores


def perplexity(lm: LocalModel, texts: Sequence[str]) -> float:
    """Token-weighted perplexity over `texts`."""
    stats = token_stats(lm, texts)
    total = sum(float(-s.logp.sum()) for s in stats)
    count = sum(len(s.logp) for s in stats)
    return float(np.exp(total / max(count, 1)))
