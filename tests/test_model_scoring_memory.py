"""Scoring in bounded memory (issue 19): per-token statistics are computed a chunk of
positions at a time, forward passes take a token budget, and the results equal the plain
full-vocabulary computation (kept here as `reference_stats` / `reference_logp`, the code
scoring used before)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from model_fixtures import LeakyModel

from expunge.model import scoring
from expunge.model.batching import pad_id, padded
from expunge.model.forget_set import load_forget_set
from expunge.model.load import LocalModel, load_model
from expunge.model.scoring import encode, token_stats
from expunge.model.texts import read_texts
from expunge.model.unlearn import UnlearnSettings, _batch, forget_windows, sequence_logp
from expunge.subject import load_subject

pytestmark = pytest.mark.slow  # trains or loads torch models

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

WORDS = ["the", "quiet", "market", "opened", "near", "a", "green", "river", "while", "old",
         "bakeries", "closed", "early"]  # fmt: skip
VOCAB = 50_000  # a real model's vocabulary size (GPT-2: 50,257; SmolLM2: 49,152)
BOUND = 1 << 22  # logits per output-layer call: 16 MB of float32


def reference_stats(lm: LocalModel, texts: list[str]) -> list[tuple[Any, Any, Any]]:
    """(log p, mu, sigma) per text, one text at a time over the full vocabulary."""
    out = []
    with torch.inference_mode():
        for text in texts:
            ids = torch.tensor([encode(lm, text)])
            logits = lm.model(input_ids=ids).logits[:, :-1].float()
            logprobs = torch.log_softmax(logits, dim=-1)
            probs = logprobs.exp()
            mu = (probs * logprobs).sum(-1)
            var = (probs * logprobs.square()).sum(-1) - mu.square()
            target = logprobs.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
            out.append((target[0].numpy(), mu[0].numpy(), var[0].clamp_min(1e-12).sqrt().numpy()))
    return out


def reference_logp(model: Any, ids: Any, attention: Any) -> Any:
    logits = model(input_ids=ids, attention_mask=attention).logits[:, :-1]
    return torch.log_softmax(logits.float(), -1).gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)


def big_vocabulary_model(positions: int = 1024) -> LocalModel:
    """A one-layer GPT-2 with a 50,000-token output layer (random weights) and a small
    tokenizer: the shapes that made scoring run out of memory, at a tiny cost otherwise."""
    from expunge.model.tiny import train_tokenizer

    tok = train_tokenizer([" ".join(WORDS)] * 4, vocab_size=300)
    torch.manual_seed(0)
    config = transformers.GPT2Config(vocab_size=VOCAB, n_positions=positions, n_embd=16,
                                     n_layer=1, n_head=1, bos_token_id=tok.eos_token_id,
                                     eos_token_id=tok.eos_token_id,
                                     pad_token_id=tok.eos_token_id)  # fmt: skip
    return LocalModel(Path("."), transformers.GPT2LMHeadModel(config).eval(), tok)


def long_document(words: int, shift: int = 0) -> str:
    return " ".join(WORDS[(i + shift) % len(WORDS)] for i in range(words))


def test_token_batches_keep_within_the_budget() -> None:
    lengths = [5, 5, 5, 40, 3, 3, 100, 2]
    runs = scoring.token_batches(lengths, most=3, budget=40)
    assert [list(r) for r in runs] == [[0, 1, 2], [3], [4, 5], [6], [7]]
    for run in runs:
        assert len(run) <= 3
        assert len(run) == 1 or len(run) * max(lengths[i] for i in run) <= 40
    assert scoring.token_batches([], 4, 10) == []


def test_chunked_scoring_equals_the_full_vocabulary_computation(
    leaky_model: LeakyModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    lm = load_model(leaky_model.model)
    texts = read_texts(str(leaky_model.retain), "x")[:12]
    texts.append(" ".join(texts))  # longer than the context: scored as cut
    expected = reference_stats(lm, texts)
    full = token_stats(lm, texts)
    # tiny budgets: many chunks per text and many forward passes, same numbers
    monkeypatch.setattr(scoring, "LOGIT_BUDGET", 700)
    monkeypatch.setattr(scoring, "TOKEN_BUDGET", 100)
    chunked = token_stats(lm, texts)
    for stats in (full, chunked):
        for got, want in zip(stats, expected, strict=True):
            for a, b in zip((got.logp, got.mu, got.sigma), want, strict=True):
                assert a.shape == b.shape
                np.testing.assert_allclose(a, b, atol=1e-5, rtol=0)
    assert [s.scored for s in chunked] == [s.scored for s in full]
    assert chunked[-1].scored != texts[-1] and texts[-1].startswith(chunked[-1].scored)
    assert [s.n_bytes for s in chunked] == [len(s.scored.encode()) for s in full]


def test_chunked_unlearning_loss_has_the_same_values_and_gradients(
    leaky_model: LeakyModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    lm = load_model(leaky_model.model)
    items = load_forget_set(str(leaky_model.documents), load_subject(leaky_model.subject))
    ids, attention, targets = _batch(forget_windows(lm, items, UnlearnSettings()), 0)
    model = lm.model
    model.train()  # dropout on: the same random numbers must be drawn either way
    torch.manual_seed(3)
    want = (reference_logp(model, ids, attention) * targets.float()).sum()
    want.backward()
    want_grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad(set_to_none=True)
    monkeypatch.setattr(scoring, "LOGIT_BUDGET", 500)  # a few positions per chunk
    torch.manual_seed(3)
    got, _ = sequence_logp(model, ids, attention, targets)
    got.sum().backward()
    assert float(got.sum().detach()) == pytest.approx(float(want.detach()), abs=1e-4)
    for p, g in zip(model.parameters(), want_grads, strict=True):
        torch.testing.assert_close(p.grad, g, atol=1e-5, rtol=1e-4)


def test_scoring_never_makes_full_vocabulary_logits() -> None:
    """Every output-layer call makes at most BOUND logits, for long documents on a 50,000-token
    vocabulary; scoring them whole made 2 x 1023 x 50,000 = 102M logits in one call."""
    lm = big_vocabulary_model()
    head = lm.model.get_output_embeddings()
    made: list[int] = []
    hook = head.register_forward_hook(lambda _m, _i, out: made.append(out.numel()))
    docs = [long_document(1500, shift) for shift in range(2)]
    try:
        stats = token_stats(lm, docs)
        assert [len(s.logp) for s in stats] == [lm.context - 1] * 2  # cut by the context
        assert max(made) <= BOUND
        assert len(made) >= 2 * (lm.context - 1) * VOCAB // BOUND  # chunk after chunk
        made.clear()
        ids, attention = padded([encode(lm, d) for d in docs], pad_id(lm.tokenizer))
        with torch.inference_mode():
            logp = scoring.target_logp(lm.model, ids, attention)  # the unlearning loss's
        assert logp.shape == (2, lm.context - 1) and max(made) <= BOUND
    finally:
        hook.remove()
    assert scoring.head_split(lm.model) is not None and scoring.LOGIT_BUDGET <= BOUND


def test_models_whose_logits_are_not_the_head_alone_use_their_own_forward() -> None:
    """A model that transforms its logits after the output layer (as softcapping does) is
    detected by the check and scored through its own forward pass, correctly."""

    class Scaled(transformers.GPT2LMHeadModel):  # type: ignore[misc]
        def forward(self, *args: Any, **kwargs: Any) -> Any:
            out = super().forward(*args, **kwargs)
            out.logits = 3.0 * out.logits
            return out

    plain = big_vocabulary_model(positions=64)
    scaled = LocalModel(Path("."), Scaled(plain.model.config).eval(), plain.tokenizer)
    scaled.model.load_state_dict(plain.model.state_dict())
    assert scoring.head_split(plain.model) is not None
    assert scoring.head_split(scaled.model) is None
    texts = [long_document(30), long_document(12, 3)]
    for got, want in zip(token_stats(scaled, texts), reference_stats(scaled, texts), strict=True):
        np.testing.assert_allclose(got.logp, want[0], atol=1e-5, rtol=0)
        # sigma = sqrt(E[log p^2] - mu^2) in float32 cancels to ~1e-5 on 50,000 tokens (the
        # padded batch reorders sums); taken from the head alone it would be 3x off
        np.testing.assert_allclose(got.sigma, want[2], atol=1e-4, rtol=0)


PEAK_SCRIPT = textwrap.dedent(
    """
    import json, resource, sys
    sys.path.insert(0, sys.argv[1])
    import torch
    torch.set_num_threads(1)
    from test_model_scoring_memory import big_vocabulary_model, long_document
    from expunge.model.scoring import token_stats
    lm = big_vocabulary_model(positions=1024)
    docs = [long_document(1500, shift) for shift in range(3)]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    stats = token_stats(lm, docs)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"before_kb": before, "after_kb": after,
                      "tokens": [len(s.logp) for s in stats]}))
    """
)


def test_scoring_peak_memory_stays_bounded(tmp_path: Path) -> None:
    """Three documents of 1,023 scored tokens on a 50,000-token vocabulary, measured as the
    peak resident size of a fresh process. Scoring the batch whole builds [3, 1023, 50000]
    float logits (614 MB) and several log-softmax-sized copies: over 3 GB."""
    import json

    script = tmp_path / "peak.py"
    script.write_text(PEAK_SCRIPT, "utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), str(Path(__file__).parent)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["tokens"] == [1023, 1023, 1023]
    grown_mb = (result["after_kb"] - result["before_kb"]) / 1024
    print(f"peak {result['after_kb'] / 1024:.0f} MB, {grown_mb:.0f} MB above the start")
    # What scoring adds is the measure: the process's starting size (torch, transformers and a
    # 50k-vocabulary model) varies by install, from ~0.5 to over 1 GB on the same machine.
    assert grown_mb < 300, f"scoring raised the peak by {grown_mb:.0f} MB"
