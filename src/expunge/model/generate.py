"""Batched greedy and sampled continuations of prompts (left-padded, seeded)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
