"""Approximate unlearning by fine-tuning: gradient ascent, gradient difference, NPO.

- ga: maximise the loss on the forget set (Jang et al. 2023).
- graddiff: ga plus ordinary training on the retain set (Liu et al. 2022).
- npo: negative preference optimisation (Zhang et al. 2024): push the forget set's
  likelihood below a frozen copy of the starting model with a bounded, slower-diverging loss.
- npo-retain: npo plus the retain loss.
With `only_spans`, the forget loss covers only the tokens of the personal data found in each
text (the email, the phone number, the name), not the words around them.
"""

from __future__ import annotations

import contextlib
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from expunge.atomic import staged_dir
from expunge.errors import ExpungeError
from expunge.model.batching import pad_id, padded, start_token
from expunge.model.deps import need_torch
from expunge.model.forget_set import ForgetItem
from expunge.model.load import LocalModel
from expunge.model.scoring import target_logp
from expunge.model.tiny import pack

METHODS = ("ga", "graddiff", "npo", "npo-retain")
USES_RETAIN = frozenset({"graddiff", "npo-retain"})


@dataclass(frozen=True)
class UnlearnSettings:
    method: str = "npo-retain"
    steps: int = 60
    lr: float = 1e-4
    batch: int = 4
    beta: float = 0.1  # NPO temperature
    retain_weight: float = 1.0
    only_spans: bool = False
    max_length: int = 128  # tokens per window: long texts are cut into windows
    seed: int = 0


@dataclass(frozen=True)
class Window:
    ids: list[int]
    targets: list[bool]  # per position 1..n: is this token pushed down?


def forget_windows(
    lm: LocalModel, items: Sequence[ForgetItem], settings: UnlearnSettings
) -> list[Window]:
    """Cut each text into windows of `max_length` tokens; mark the tokens to unlearn."""
    tok = lm.tokenizer
    length = min(settings.max_length, lm.context)
    start = start_token(tok)
    prefix = [start] if start is not None else []
    windows = []
    for item in items:
        if settings.only_spans:
            ids, offsets = token_offsets(lm, item.text)
            marks = [
                any(s < e_tok and b_tok < e for s, e in item.spans) for b_tok, e_tok in offsets
            ]
        else:
            ids = tok(item.text, add_special_tokens=False)["input_ids"]
            marks = [True] * len(ids)
        for lo in range(0, len(ids), length - 1):
            chunk, chunk_marks = ids[lo : lo + length - 1], marks[lo : lo + length - 1]
            # targets are the predicted tokens, positions 1..n: without a start token in front
            # the window's first token is context only
            targets = chunk_marks if prefix else chunk_marks[1:]
            if any(targets):
                windows.append(Window([*prefix, *chunk], targets))
    if not windows:
        raise ExpungeError("no token of the forget set is marked for unlearning",
                           "with --only-spans the texts need personal data the detector or the "
                           "profile finds; drop --only-spans or add --subject")  # fmt: skip
    return windows


def token_offsets(lm: LocalModel, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """Token ids of `text` and each token's character range. Only fast tokenizers (Rust,
    tokenizer.json) give the ranges; a slow (Python) one is one error line, not a traceback."""
    tok = lm.tokenizer
    enc = None
    if getattr(tok, "is_fast", False):
        with contextlib.suppress(NotImplementedError, ValueError, TypeError):
            enc = tok(text, add_special_tokens=False, return_offsets_mapping=True)
    if enc is None or "offset_mapping" not in enc:
        raise ExpungeError(f"{lm.path}: the tokenizer ({type(tok).__name__}) is a slow Python "
                           "tokenizer that gives no character offsets, and span-masked "
                           "unlearning (--only-spans, and the evaluation's PII/rest losses) "
                           "needs them to tell which tokens hold the personal data",
                           "put the model's fast tokenizer (its tokenizer.json, as the model's "
                           "source ships it) in the model directory; or unlearn whole texts: "
                           "without --only-spans, and with --no-evaluate")  # fmt: skip
    return list(enc["input_ids"]), [tuple(o) for o in enc["offset_mapping"]]


def _batch(windows: Sequence[Window], pad: int) -> tuple[Any, Any, Any]:
    torch, _ = need_torch()
    ids, attention = padded([w.ids for w in windows], pad)
    targets = torch.zeros((len(windows), ids.shape[1] - 1), dtype=torch.bool)
    for row, w in enumerate(windows):
        targets[row, : len(w.targets)] = torch.tensor(w.targets)
    return ids, attention, targets


def sequence_logp(model: Any, ids: Any, attention: Any, targets: Any) -> tuple[Any, Any]:
    """(sum of log p over marked tokens, number of marked tokens) per row. The log-softmax is
    taken a chunk of positions at a time (scoring.target_logp), so memory stays bounded on a
    large vocabulary, in training too."""
    logp = target_logp(model, ids, attention)
    weights = targets.float()
    return (logp * weights).sum(-1), weights.sum(-1).clamp_min(1)


@dataclass
class UnlearnRun:
    settings: dict[str, Any]
    forget_texts: int
    forget_windows: int
    marked_tokens: int
    retain_blocks: int
    seconds: float
    losses: list[float]


def unlearn(
    lm: LocalModel,
    forget: Sequence[ForgetItem],
    retain: Sequence[str],
    settings: UnlearnSettings,
    progress: Callable[[int, int, float], None] | None = None,
) -> UnlearnRun:
    """Update `lm.model` in place; returns what was done."""
    torch, _ = need_torch()
    if settings.method not in METHODS:
        raise ExpungeError(
            f"unknown method {settings.method!r}", f"use one of: {', '.join(METHODS)}"
        )
    if settings.method in USES_RETAIN and not retain:
        raise ExpungeError(f"--method {settings.method} needs a retain set",
                           "give --retain FILE (text the model should keep), or use ga / npo")  # fmt: skip
    started = time.perf_counter()
    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    pad = pad_id(lm.tokenizer)
    windows = forget_windows(lm, forget, settings)
    blocks = (
        pack(lm.tokenizer, list(retain), min(settings.max_length, lm.context))
        if settings.method in USES_RETAIN
        else None
    )
    model = lm.model
    reference: dict[int, float] = {}
    if settings.method.startswith("npo"):
        model.eval()
        with torch.inference_mode():
            for lo in range(0, len(windows), settings.batch):
                ids, attention, targets = _batch(windows[lo : lo + settings.batch], pad)
                logp, _ = sequence_logp(model, ids, attention, targets)
                reference.update({lo + i: float(v) for i, v in enumerate(logp)})
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=0.0)
    model.train()
    losses: list[float] = []
    order: list[int] = []
    for step in range(settings.steps):
        if len(order) < settings.batch:
            order += rng.sample(range(len(windows)), len(windows))
        picked, order = order[: settings.batch], order[settings.batch :]
        ids, attention, targets = _batch([windows[i] for i in picked], pad)
        logp, count = sequence_logp(model, ids, attention, targets)
        if settings.method.startswith("npo"):
            ref = torch.tensor([reference[i] for i in picked])
            forget_loss = (2 / settings.beta) * torch.nn.functional.softplus(
                settings.beta * (logp - ref)
            ).mean()
        else:  # gradient ascent: minimise the negative of the usual token loss
            forget_loss = (logp / count).mean()
        loss = forget_loss
        if blocks is not None:
            rows = torch.tensor(rng.sample(range(len(blocks)), min(settings.batch, len(blocks))))
            batch = blocks[rows]
            loss = loss + settings.retain_weight * model(input_ids=batch, labels=batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss.detach()))
        if progress is not None:
            progress(step + 1, settings.steps, losses[-1])
    model.eval()
    return UnlearnRun(
        settings=asdict(settings),
        forget_texts=len(forget),
        forget_windows=len(windows),
        marked_tokens=sum(sum(w.targets) for w in windows),
        retain_blocks=0 if blocks is None else len(blocks),
        seconds=round(time.perf_counter() - started, 2),
        losses=[round(v, 4) for v in losses],
    )


def marked_loss(lm: LocalModel, items: Sequence[ForgetItem], part: str = "all") -> float | None:
    """Mean negative log-likelihood per token (nats) of all tokens, of the personal-data span
    tokens ("spans"), or of the other tokens ("context"; what span-masked unlearning spares)."""
    torch, _ = need_torch()
    if part != "all" and not any(item.spans for item in items):
        return None
    if part == "context":  # the complement of the spans, as spans
        items = [ForgetItem(i.text, _complement(i.spans, len(i.text))) for i in items]
    windows = forget_windows(lm, items, UnlearnSettings(only_spans=part != "all"))
    pad = pad_id(lm.tokenizer)
    total, count = 0.0, 0.0
    with torch.inference_mode():
        for lo in range(0, len(windows), 16):
            logp, n = sequence_logp(lm.model, *_batch(windows[lo : lo + 16], pad))
            total += float(-logp.sum())
            count += float(n.sum())
    return total / max(count, 1.0)


def _complement(spans: Sequence[tuple[int, int]], length: int) -> tuple[tuple[int, int], ...]:
    out, at = [], 0
    for start, end in spans:
        if start > at:
            out.append((at, start))
        at = max(at, end)
    if at < length:
        out.append((at, length))
    return tuple(out)


RECORD = "unlearn.json"  # beside an unlearned model: how it was made (settings, run, evaluation)


def save_unlearned(lm: LocalModel, record: dict[str, Any], out: Path) -> None:
    """Write the unlearned model and its record to `out`, whole or not at all."""
    from expunge.model.tiny import save_model

    with staged_dir(out) as staging:
        save_model(lm.model, lm.tokenizer, staging)
        (staging / RECORD).write_text(json.dumps(record, indent=2) + "\n", "utf-8")


def recorded_lr(model: Path) -> float:
    """The learning rate `unlearn` used on this model (its unlearn.json), else the default:
    the relearning test fine-tunes at the rate the forgetting used."""
    try:
        run = json.loads((model / RECORD).read_text("utf-8"))["run"]
        return float(run["settings"]["lr"])
    except (OSError, ValueError, KeyError, TypeError):
        return UnlearnSettings().lr
