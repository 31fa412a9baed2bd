"""Batched greedy and sampled continuations of prompts (left-padded, seeded)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from expunge.model.batching import pad_id, padded, start_token
from expunge.model.deps import need_torch
from expunge.model.load import LocalModel


@dataclass(frozen=True)
class Sampling:
    samples: int = 10  # sampled continuations per prompt, besides the greedy one
    max_new_tokens: int = 32
    top_k: int = 40
    top_p: float = 0.95
    temperature: float = 1.0
    seed: int = 0


def _prompt_ids(lm: LocalModel, prompt: str, room: int) -> list[int]:
    ids: list[int] = lm.tokenizer(prompt, add_special_tokens=False)["input_ids"]
    start = start_token(lm.tokenizer)
    if start is not None:
        ids = [start, *ids]
    return ids[-room:] if room > 0 else ids[-1:]


def continue_prompts(
    lm: LocalModel,
    prompts: Sequence[str],
    sampling: Sampling,
    greedy_only: bool = False,
    batch: int = 16,
) -> list[list[str]]:
    """For each prompt: [greedy continuation, sampled continuations...] as text (prompt
    excluded). Long prompts keep their last tokens so prompt + answer fits the context."""
    torch, _ = need_torch()
    tok = lm.tokenizer
    room = lm.context - sampling.max_new_tokens
    encoded = [_prompt_ids(lm, p, room) for p in prompts]
    pad = pad_id(tok)
    results: list[list[str]] = [[] for _ in prompts]
    torch.manual_seed(sampling.seed)
    passes = [False] if greedy_only or sampling.samples == 0 else [False, True]
    if not hasattr(lm.model, "generate"):  # e.g. a SISA ensemble: decode step by step
        return [_decode_each(lm, ids, sampling, passes) for ids in encoded]
    with torch.inference_mode():
        for lo in range(0, len(encoded), batch):
            chunk = encoded[lo : lo + batch]
            ids, mask = padded(chunk, pad, left=True)
            width = ids.shape[1]
            for sample in passes:
                extra = (
                    {"do_sample": True, "num_return_sequences": sampling.samples,
                     "top_k": sampling.top_k, "top_p": sampling.top_p,
                     "temperature": sampling.temperature}
                    if sample else {"do_sample": False}
                )  # fmt: skip
                out = lm.model.generate(
                    input_ids=ids,
                    attention_mask=mask,
                    max_new_tokens=sampling.max_new_tokens,
                    pad_token_id=pad,
                    **extra,
                )
                texts = tok.batch_decode(out[:, width:], skip_special_tokens=True)
                per = sampling.samples if sample else 1
                for index, text in enumerate(texts):
                    results[lo + index // per].append(text)
    return results


def _decode_each(
    lm: LocalModel, prompt: list[int], sampling: Sampling, passes: list[bool]
) -> list[str]:
    """Greedy, then sampled continuations of one prompt, for models that only give logits.
    One prompt at a time, so no padding; the samples of a prompt are rows of one batch."""
    torch, _ = need_torch()
    texts: list[str] = []
    eos = lm.tokenizer.eos_token_id
    with torch.inference_mode():
        for sample in passes:
            rows = sampling.samples if sample else 1
            ids = torch.tensor([prompt] * rows, dtype=torch.long)
            done = torch.zeros(rows, dtype=torch.bool)
            for _ in range(sampling.max_new_tokens):
                logits = lm.model(input_ids=ids[:, -lm.context :]).logits[:, -1].float()
                nxt = _sample(logits, sampling) if sample else logits.argmax(-1)
                if eos is not None:
                    nxt = torch.where(done, torch.full_like(nxt, eos), nxt)
                    done |= nxt == eos
                ids = torch.cat([ids, nxt[:, None]], dim=1)
                if bool(done.all()):
                    break
            new = ids[:, len(prompt) :]
            texts.extend(lm.tokenizer.batch_decode(new, skip_special_tokens=True))
    return texts


def _sample(logits: Any, sampling: Sampling) -> Any:
    """Top-k, then top-p (nucleus) sampling at the given temperature."""
    torch, _ = need_torch()
    logits = logits / max(sampling.temperature, 1e-6)
    if 0 < sampling.top_k < logits.shape[-1]:
        floor = torch.topk(logits, sampling.top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < floor, float("-inf"))
    if sampling.top_p < 1.0:
        ordered, order = torch.sort(logits, descending=True, dim=-1)
        probs = torch.softmax(ordered, -1)
        # drop a token when the tokens before it already cover top_p (the first always stays)
        drop = probs.cumsum(-1) - probs > sampling.top_p
        logits = logits.scatter(-1, order, ordered.masked_fill(drop, float("-inf")))
    return torch.multinomial(torch.softmax(logits, -1), 1).squeeze(-1)
