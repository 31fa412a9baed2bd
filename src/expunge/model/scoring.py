"""Per-token log-probabilities and the membership scores built on them.

Scores follow the literature: loss (Yeom et al.), zlib ratio (Carlini et al. 2021), Min-K%
(Shi et al. 2024), Min-K%++ (Zhang et al. 2025) and a reference-model ratio. Each score is
oriented so that higher means "more likely seen in training".
"""

from __future__ import annotations

import contextlib
import weakref
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

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


# Memory bounds of scoring, whatever the document length and vocabulary. A forward pass takes
# at most TOKEN_BUDGET (padded) tokens, however many texts that is; the output layer is applied
# to at most LOGIT_BUDGET logits at a time (16 MB as float32), and each such chunk is reduced to
# per-token statistics before the next is made. So a [batch, length, vocabulary] tensor, and
# its log-softmax copies, never exist: for three 9k-token documents on a 49k vocabulary those
# took 4.8 GB per batch.
TOKEN_BUDGET = 8192
LOGIT_BUDGET = 1 << 22
# Models whose output is more than `head(hidden state)` (softcapping, scaling, the SISA
# ensemble) go through their own forward pass, which makes [batch, length, vocabulary] logits:
# batches are cut to about this many (64 MB), though one long text can still exceed it.
FORWARD_LOGIT_BUDGET = 1 << 24
_POSTPROCESSING = ("final_logit_softcapping", "logit_scale", "logits_scaling")
_splits: weakref.WeakKeyDictionary[Any, tuple[Any, Any] | None] = weakref.WeakKeyDictionary()


def head_split(model: Any) -> tuple[Any, Any] | None:
    """(backbone, output layer) when the model's logits are exactly the output layer applied to
    the backbone's last hidden state, so logits can be made a chunk of positions at a time;
    None otherwise (the model's own forward pass is used). Checked once per model, on a
    short input against the model's own logits."""
    try:
        return _splits[model]
    except (KeyError, TypeError):
        pass
    split = _find_split(model)
    with contextlib.suppress(TypeError):  # not weak-referenceable: check again next time
        _splits[model] = split
    return split


def _find_split(model: Any) -> tuple[Any, Any] | None:
    torch, _ = need_torch()
    get_head = getattr(model, "get_output_embeddings", None)
    backbone = getattr(model, "base_model", None)
    if not callable(get_head) or backbone is None or backbone is model:
        return None
    config = getattr(model, "config", None)
    if any(getattr(config, name, None) not in (None, 1, 1.0) for name in _POSTPROCESSING):
        return None
    head = get_head()
    if not isinstance(head, torch.nn.Linear):
        return None
    rows = min(head.out_features, model.get_input_embeddings().num_embeddings)
    probe = (torch.arange(8, dtype=torch.long) * 7919 % rows).unsqueeze(0)
    training = model.training
    try:
        model.eval()  # no dropout: the check draws no random numbers from a training run
        with torch.no_grad():
            expected = model(input_ids=probe, use_cache=False).logits.float()
            got = head(_hidden(backbone, probe, None)).float()
    except (TypeError, ValueError, RuntimeError, AttributeError, KeyError, IndexError):
        # a model this check cannot run on is scored by its own forward pass
        return None
    finally:
        model.train(training)
    if got.shape != expected.shape or not torch.allclose(got, expected, rtol=1e-4, atol=1e-4):
        return None
    return backbone, head


def _hidden(backbone: Any, ids: Any, mask: Any) -> Any:
    """The last hidden state (no key/value cache: it would hold every layer's keys)."""
    return backbone(input_ids=ids, attention_mask=mask, use_cache=False).last_hidden_state


def vocabulary(model: Any) -> int:
    split = head_split(model)
    if split is not None:
        return int(split[1].out_features)
    return int(getattr(getattr(model, "config", None), "vocab_size", 0) or 50_000)


def logit_chunks(model: Any, ids: Any, mask: Any) -> Iterator[tuple[int, Any]]:
    """(first position, logits [batch, positions, vocabulary]) of the next-token predictions
    at positions 0 .. length-2, a chunk of at most LOGIT_BUDGET logits at a time (as float32).
    For inference: under autograd every chunk would be kept for the backward pass (training
    goes through `target_logp`, which recomputes them instead)."""
    width = ids.shape[1] - 1
    split = head_split(model)
    if split is None:
        logits = model(input_ids=ids, attention_mask=mask, use_cache=False).logits
        step = max(1, LOGIT_BUDGET // max(1, ids.shape[0] * logits.shape[-1]))
        for lo in range(0, width, step):
            yield lo, logits[:, lo : min(lo + step, width)].float()
        return
    backbone, head = split
    hidden = _hidden(backbone, ids, mask)
    step = max(1, LOGIT_BUDGET // max(1, ids.shape[0] * head.out_features))
    for lo in range(0, width, step):
        yield lo, head(hidden[:, lo : min(lo + step, width)]).float()


def _position_stats(logits: Any, targets: Any) -> tuple[Any, Any, Any]:
    """log p of each target, and the mean and variance of log p over the vocabulary."""
    torch, _ = need_torch()
    logprobs = torch.log_softmax(logits, dim=-1)
    probs = logprobs.exp()
    mu = (probs * logprobs).sum(-1)
    var = (probs * logprobs.square()).sum(-1) - mu.square()
    target = logprobs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return target, mu, var


def token_batches(lengths: Sequence[int], most: int, budget: int) -> list[range]:
    """Consecutive runs of texts, at most `most` per run, whose padded size (texts x longest)
    stays within `budget` tokens; a text longer than the budget is a run of its own."""
    runs: list[range] = []
    start, width = 0, 0
    for i, n in enumerate(lengths):
        wider = max(width, n)
        if i > start and ((i - start + 1) * wider > budget or i - start >= most):
            runs.append(range(start, i))
            start, wider = i, n
        width = wider
    if lengths:
        runs.append(range(start, len(lengths)))
    return runs


def token_stats(lm: LocalModel, texts: Sequence[str], batch: int = 16) -> list[TokenStats]:
    """Per text: log p of each token after the first (of its first `context` tokens), the
    vocabulary mean and spread of log p there, and the text those tokens spell. Memory stays
    bounded for any length and vocabulary (TOKEN_BUDGET, LOGIT_BUDGET)."""
    torch, _ = need_torch()
    encoded = [encode(lm, text) for text in texts]
    out: list[TokenStats] = []
    pad = pad_id(lm.tokenizer)
    budget = TOKEN_BUDGET
    if head_split(lm.model) is None:
        budget = min(budget, max(1, FORWARD_LOGIT_BUDGET // vocabulary(lm.model)))
    with torch.inference_mode():
        for run in token_batches([len(seq) for seq in encoded], batch, budget):
            chunk = [encoded[i] for i in run]
            ids, mask = padded(chunk, pad)
            shape = (len(chunk), max(ids.shape[1] - 1, 0))
            target, mu, var = (torch.zeros(shape, dtype=torch.float32) for _ in range(3))
            for lo, logits in logit_chunks(lm.model, ids, mask):
                hi = lo + logits.shape[1]
                target[:, lo:hi], mu[:, lo:hi], var[:, lo:hi] = _position_stats(
                    logits, ids[:, lo + 1 : hi + 1]
                )
            for row, seq in zip(run, chunk, strict=True):
                n = len(seq) - 1
                at = row - run.start
                scored = _scored_text(lm, texts[row], seq)
                out.append(
                    TokenStats(
                        target[at, :n].numpy().astype(np.float64),
                        mu[at, :n].numpy().astype(np.float64),
                        var[at, :n].clamp_min(1e-12).sqrt().numpy().astype(np.float64),
                        len(scored.encode("utf-8", "surrogatepass")),
                        scored,
                    )
                )
    return out


def target_logp(model: Any, ids: Any, mask: Any) -> Any:
    """log p of each next token, [batch, length - 1], computed a chunk of positions at a time.
    With gradients, each chunk's logits are recomputed in the backward pass (activation
    checkpointing) instead of being kept, so the whole [batch, length, vocabulary] tensor
    never exists in training either."""
    torch, _ = need_torch()
    split = head_split(model)
    targets = ids[:, 1:]
    if targets.shape[1] == 0:
        return torch.zeros(targets.shape, dtype=torch.float32)
    if split is None or not torch.is_grad_enabled():
        return torch.cat(
            [
                _chunk_logp(logits, targets[:, lo : lo + logits.shape[1]])
                for lo, logits in logit_chunks(model, ids, mask)
            ],
            dim=1,
        )
    from torch.utils.checkpoint import checkpoint

    backbone, head = split
    hidden = _hidden(backbone, ids, mask)
    width = ids.shape[1] - 1
    step = max(1, LOGIT_BUDGET // max(1, ids.shape[0] * head.out_features))

    def piece(h: Any, t: Any) -> Any:
        return _chunk_logp(head(h).float(), t)

    return torch.cat(
        [
            checkpoint(piece, hidden[:, lo : min(lo + step, width)],
                       targets[:, lo : lo + step], use_reentrant=False)
            for lo in range(0, width, step)
        ],
        dim=1,
    )  # fmt: skip


def _chunk_logp(logits: Any, targets: Any) -> Any:
    torch, _ = need_torch()
    return torch.log_softmax(logits, -1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)


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
