"""Train small GPT-2 style models from scratch on the CPU (tests, demo, SISA, retrain baseline).

Nothing is downloaded: the byte-level BPE tokenizer is trained on the same texts.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from expunge.model.deps import need_torch

EOS = "<|endoftext|>"

# Sizes named by what they are for; parameters counted with a 2,048-token vocabulary.
MODEL_SIZES: dict[str, dict[str, int]] = {
    "micro": {"n_layer": 2, "n_embd": 64, "n_head": 2, "n_positions": 128},  # ~0.4M: unit tests
    "tiny": {"n_layer": 4, "n_embd": 128, "n_head": 4, "n_positions": 128},  # ~1.1M: demo
    "small": {"n_layer": 6, "n_embd": 256, "n_head": 8, "n_positions": 256},  # ~5.3M
}


@dataclass(frozen=True)
class TrainSettings:
    epochs: float = 3.0
    batch: int = 16
    lr: float = 3e-3
    warmup: int = 20
    seed: int = 0


def train_tokenizer(texts: Sequence[str], vocab_size: int = 2048) -> Any:
    """A byte-level BPE tokenizer (GPT-2's scheme) learnt from `texts`."""
    _, transformers = need_torch()
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=EOS, eos_token=EOS, pad_token=EOS, unk_token=EOS
    )


def new_model(tokenizer: Any, size: str = "tiny", seed: int = 0) -> Any:
    torch, transformers = need_torch()
    torch.manual_seed(seed)
    config = transformers.GPT2Config(
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.eos_token_id,
        **MODEL_SIZES[size],
    )
    return transformers.GPT2LMHeadModel(config)


def pack(tokenizer: Any, texts: Sequence[str], block: int) -> Any:
    """Texts joined by EOS and cut into blocks of `block` tokens (a LongTensor [n, block])."""
    torch, _ = need_torch()
    ids: list[int] = []
    for text in texts:
        ids.extend(tokenizer(text)["input_ids"])
        ids.append(tokenizer.eos_token_id)
    usable = max(len(ids) // block, 1) * block
    ids = (ids + [tokenizer.eos_token_id] * block)[:usable]
    return torch.tensor(ids, dtype=torch.long).view(-1, block)


def train_blocks(
    model: Any,
    blocks: Any,
    settings: TrainSettings,
    progress: Callable[[int, int, float], None] | None = None,
) -> list[float]:
    """Next-token training on `blocks` with AdamW and a warm-up + cosine schedule; the loss per
    step is returned. The same loop serves tiny training, retraining and relearning probes."""
    torch, _ = need_torch()
    generator = torch.Generator().manual_seed(settings.seed)
    steps_per_epoch = math.ceil(len(blocks) / settings.batch)
    total = max(1, round(steps_per_epoch * settings.epochs))
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=0.01)

    def rate(step: int) -> float:
        if step < settings.warmup:
            return (step + 1) / settings.warmup
        return 0.5 * (
            1 + math.cos(math.pi * (step - settings.warmup) / max(1, total - settings.warmup))
        )

    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, rate)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(settings.seed)  # dropout: the same settings train the same weights
        return _train_steps(
            model, blocks, settings, total, optimizer, schedule, generator, progress
        )


def _train_steps(  # type: ignore[no-untyped-def]
    model, blocks, settings, total, optimizer, schedule, generator, progress
) -> list[float]:
    torch, _ = need_torch()
    model.train()
    losses: list[float] = []
    order = torch.randperm(len(blocks), generator=generator)
    cursor = 0
    for step in range(total):
        if cursor >= len(order):
            order, cursor = torch.randperm(len(blocks), generator=generator), 0
        batch = blocks[order[cursor : cursor + settings.batch]]
        cursor += settings.batch
        loss = model(input_ids=batch, labels=batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss.detach()))
        if progress is not None:
            progress(step + 1, total, losses[-1])
    model.eval()
    return losses


def train_tiny(
    texts: Sequence[str],
    out: Path | None,
    size: str = "tiny",
    settings: TrainSettings = TrainSettings(),
    tokenizer: Any = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> tuple[Any, Any]:
    """Train a model of `size` from scratch on `texts` (and a tokenizer, unless given); save
    both with save_pretrained when `out` is set. Returns (model, tokenizer)."""
    if tokenizer is None:
        tokenizer = train_tokenizer(texts)
    model = new_model(tokenizer, size, settings.seed)
    shuffled = list(texts)
    random.Random(settings.seed).shuffle(shuffled)
    blocks = pack(tokenizer, shuffled, model.config.n_positions)
    train_blocks(model, blocks, settings, progress)
    if out is not None:
        save_model(model, tokenizer, out)
    return model, tokenizer


def save_model(model: Any, tokenizer: Any, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
