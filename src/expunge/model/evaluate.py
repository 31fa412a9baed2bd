"""Did unlearning work, and what did it cost? Measured the same way on every model.

- forget efficacy: loss on the forget set (all tokens and personal-data tokens only), and how
  many of the person's identifiers the model still completes from their documents;
- utility: perplexity on the retain set and on held-out text;
- over-unlearning: loss on look-alikes, the forget texts about a made-up person instead (every
  personal-data span replaced by a plausible value of the same kind and shape: lookalikes.py);
- robustness: the same after a few steps of fine-tuning on 10% of the forget set (does the
  knowledge come back? Hu et al. 2024) and after weight-only round-to-nearest quantisation to
  8 and 4 bits (Zhang et al. 2024 found 4-bit quantisation restores "unlearned" knowledge).
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from expunge.model.deps import need_torch
from expunge.model.forget_set import ForgetItem
from expunge.model.generate import Sampling
from expunge.model.load import LocalModel
from expunge.model.lookalikes import locale_for, lookalike_sets
from expunge.model.scoring import perplexity
from expunge.model.tiny import TrainSettings, pack, train_blocks
from expunge.model.unlearn import marked_loss
from expunge.subject import SubjectProfile

EVAL_TEXTS = 200  # retain / held-out texts scored (a sample keeps evaluation quick)


@dataclass
class Measure:
    label: str
    forget_loss: float
    forget_span_loss: float | None
    forget_context_loss: float | None  # the forget texts' other tokens: should barely move
    extracted: int | None  # identifiers completed from the forget texts (greedy), of `probed`
    probed: int | None
    retain_ppl: float | None
    holdout_ppl: float | None
    lookalike_loss: float
    lookalike_span_loss: float | None


def measure(
    label: str,
    lm: LocalModel,
    forget: Sequence[ForgetItem],
    retain: Sequence[str],
    holdout: Sequence[str],
    subject: SubjectProfile | None,
    seed: int = 0,
    utility: bool = True,
) -> Measure:
    """`utility=False` skips the retain / held-out perplexities (None)."""
    extracted = probed = None
    if subject is not None:
        from expunge.find.matcher import SubjectMatcher
        from expunge.model.probes import run_extraction

        result = run_extraction(lm, [i.text for i in forget], SubjectMatcher([subject]), Sampling())
        extracted, probed = sum(e.k is not None for e in result), len(result)
    locale = locale_for(subject.country or subject.region) if subject else "en_US"
    (alike,) = lookalike_sets(forget, 1, seed, locale)
    return Measure(
        label,
        _round(marked_loss(lm, forget)),
        _round(marked_loss(lm, forget, "spans")),
        _round(marked_loss(lm, forget, "context")),
        extracted,
        probed,
        _round(perplexity(lm, retain[:EVAL_TEXTS])) if retain and utility else None,
        _round(perplexity(lm, holdout[:EVAL_TEXTS])) if holdout and utility else None,
        _round(marked_loss(lm, alike)),
        _round(marked_loss(lm, alike, "spans")),
    )


def _round(value: float | None) -> Any:
    return None if value is None else round(value, 4)


def quantised(lm: LocalModel, bits: int) -> LocalModel:
    """A copy with every linear weight rounded to `bits`-bit integers (symmetric, per row)."""
    torch, _ = need_torch()
    model = copy.deepcopy(lm.model)
    levels = 2 ** (bits - 1) - 1
    with torch.no_grad():
        for name, module in model.named_modules():
            if type(module).__name__ not in {"Linear", "Conv1D"} or name.endswith("lm_head"):
                continue
            weight = module.weight
            scale = weight.abs().amax(dim=-1, keepdim=True).clamp_min(1e-12) / levels
            weight.copy_((weight / scale).round().clamp(-levels, levels) * scale)
    return LocalModel(lm.path, model, lm.tokenizer)


RELEARN_SHARE = 0.1  # of the forget texts the relearning attack fine-tunes on


def relearn_split(
    forget: Sequence[ForgetItem], seed: int = 0
) -> tuple[list[ForgetItem], list[ForgetItem]]:
    """A random 10% of the forget texts (at least one) to relearn on, and the rest, on which
    recovery is measured (Hu et al. 2024: knowledge coming back in texts the attacker never
    showed the model is what "suppressed, not removed" means). With one text, both are it."""
    rng = random.Random(seed)
    order = list(range(len(forget)))
    rng.shuffle(order)
    used = sorted(order[: max(1, math.ceil(len(forget) * RELEARN_SHARE))])
    rest = [forget[i] for i in range(len(forget)) if i not in set(used)]
    return [forget[i] for i in used], rest or [forget[i] for i in used]


def relearned(
    lm: LocalModel, texts: Sequence[ForgetItem], steps: int = 10, lr: float = 1e-4, seed: int = 0
) -> LocalModel:
    """A copy fine-tuned for `steps` steps on `texts` (dropout seeded: the row reproduces)."""
    model = copy.deepcopy(lm.model)
    blocks = pack(lm.tokenizer, [i.text for i in texts], min(128, lm.context))
    batch = min(4, len(blocks))
    epochs = steps / math.ceil(len(blocks) / batch)
    train_blocks(
        model, blocks, TrainSettings(epochs=epochs, batch=batch, lr=lr, warmup=1, seed=seed)
    )
    return LocalModel(lm.path, model, lm.tokenizer)


@dataclass
class EvalReport:
    rows: list[Measure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    forget_quality: dict[str, float] = field(default_factory=dict)


def evaluate(
    before: LocalModel | None,
    after: LocalModel,
    forget: Sequence[ForgetItem],
    retain: Sequence[str],
    holdout: Sequence[str] = (),
    subject: SubjectProfile | None = None,
    retrained: LocalModel | None = None,
    relearn_steps: int = 10,
    robustness: bool = True,
    relearn_lr: float = 1e-4,
) -> EvalReport:
    """`relearn_lr`: the rate the relearning attack fine-tunes at; pass the unlearning run's,
    which suits the model (a fixed 1e-3 wrecks a pretrained model)."""
    report = EvalReport()
    args = (forget, retain, holdout, subject)
    if before is not None:
        report.rows.append(measure("before", before, *args))
    report.rows.append(measure("after", after, *args))
    if robustness:
        used, rest = relearn_split(forget)
        back = relearned(after, used, relearn_steps, relearn_lr)
        held = (rest, retain, holdout, subject)
        report.rows.append(measure("after, held-out", after, *held, utility=False))
        report.rows.append(measure("relearned", back, *held))
        report.notes.append(
            f"relearned: after + {relearn_steps} fine-tuning steps (lr {relearn_lr:g}) on "
            f"{len(used)} of the {len(forget)} forget texts, measured on the other {len(rest)} "
            "(held-out), like 'after, held-out'"
        )
        for bits in (8, 4):
            report.rows.append(measure(f"int{bits}", quantised(after, bits), *args))
        report.notes.append("int8/int4: after, weights rounded to 8/4-bit integers")
    if retrained is not None:
        from expunge.model.compare import example_losses, ks_pvalue

        report.rows.append(measure("retrained", retrained, *args))
        report.notes.append("retrained: trained from scratch without the forget set")
        reference = example_losses(retrained, forget)
        for label, lm in (("before", before), ("after", after)):
            if lm is not None:
                p = ks_pvalue(example_losses(lm, forget), reference)
                report.forget_quality[label] = float(f"{p:.3g}")  # 1e-7 stays 1e-7, not 0
        report.notes.append(
            "forget quality (TOFU-style KS p-value of per-example PII-token losses against the "
            "retrained model; high = indistinguishable): "
            + ", ".join(f"{k} {v:.3g}" for k, v in report.forget_quality.items())
        )
    return report
