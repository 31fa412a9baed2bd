"""Token-id lists to padded tensors, and the start token a text is scored after."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from expunge.model.deps import need_torch


def start_token(tokenizer: Any) -> int | None:
    """The token placed before a text so its first word is predicted too (BOS, else EOS)."""
    return tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id


def pad_id(tokenizer: Any) -> int:
    if tokenizer.pad_token_id is not None:
        return int(tokenizer.pad_token_id)
    return int(tokenizer.eos_token_id or 0)


def padded(seqs: Sequence[Sequence[int]], pad: int, left: bool = False) -> tuple[Any, Any]:
    """(ids, attention mask) LongTensors [len(seqs), longest]; left padding for generation, so
    every answer starts in the same column."""
    torch, _ = need_torch()
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for row, seq in enumerate(seqs):
        span = slice(width - len(seq), width) if left else slice(0, len(seq))
        ids[row, span] = torch.tensor(list(seq), dtype=torch.long)
        mask[row, span] = 1
    return ids, mask
