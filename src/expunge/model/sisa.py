"""Exact unlearning by SISA training (Bourtoule et al., "Machine Unlearning", IEEE S&P 2021).

Records go to S disjoint shards, and within a shard to R slices, by a keyed hash of their text;
one model per shard is trained from scratch, slice by slice on the union of slices 1..r, with a
checkpoint after each slice. Forgetting a record retrains only its shard, from the checkpoint
before the record's slice. Since a record's place, the order within a slice (hash order) and
every seed (per shard and step) depend on nothing that removing another record changes, the
result is the directory `train_sisa` makes from the data without the record (with the same key,
settings and a given tokenizer). The shard models' next-token distributions are averaged
(SisaEnsemble).
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from expunge.atomic import write_json_atomic
from expunge.errors import ExpungeError
from expunge.model.deps import need_torch
from expunge.model.load import LocalModel, load_model
from expunge.model.scoring import TokenStats, perplexity, token_stats
from expunge.model.sisa_store import (
    KEY_FILE,
    MANIFEST,
    PLACEMENT,
    TOKENIZER_DIR,
    Manifest,
    ShardState,
    SliceState,
    ckpt_name,
    group_records,
    link_tree,
    load_checkpoint,
    load_tokenizer,
    locked,
    open_sisa,
    place,
    read_key,
    read_slice,
    record_hash,
    shard_dir_name,
    slice_name,
    sweep,
    write_key,
    write_slice,
)
from expunge.model.tiny import (
    MODEL_SIZES,
    TrainSettings,
    new_model,
    pack,
    train_blocks,
    train_tokenizer,
)

# (shard, slice, seconds) after each slice's training step
Progress = Callable[[int, int, float], None]

TOKENIZER_NOTE = (
    "the tokenizer's merges were learnt from every record, so a forgotten record's text may "
    "have shaped the vocabulary (the weights do not keep it: unlearning gives those of training "
    "without the record on this tokenizer); train with --tokenizer DIR (e.g. one learnt from "
    "public text) for unlearning that is exact in every file"
)


def _seed(seed: int, shard: int, step: int) -> int:
    """A seed per (shard, slice step): the same step always draws the same dropout and order,
    so retraining from a checkpoint repeats exactly what training without the record does."""
    digest = hashlib.sha256(f"{seed}:{shard}:{step}".encode()).digest()
    return int.from_bytes(digest[:4], "little") & 0x7FFFFFFF


def check_train_options(shards: int, slices: int, size: str, out: Path) -> None:
    """Cheap checks, run before any data is read."""
    if shards < 1 or slices < 1:
        raise ExpungeError(f"--shards and --slices must be at least 1 (got {shards} and {slices})",
                           "e.g. --shards 4 --slices 4")  # fmt: skip
    if size not in MODEL_SIZES:
        raise ExpungeError(f"unknown model config {size!r}",
                           f"choose one of: {', '.join(MODEL_SIZES)}")  # fmt: skip
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExpungeError(f"{out} exists and is not an empty directory",
                           "choose a new --out directory")  # fmt: skip


def _train_shard(
    shard_dir: Path,
    shard: int,
    slices: Sequence[Sequence[str]],
    start: int,
    tokenizer: Any,
    manifest: Manifest,
    progress: Progress | None,
) -> list[float]:
    """Train slices `start`..R of one shard (1-based), from the checkpoint of slice start-1 (or a
    fresh initialisation); a checkpoint after each. Returns the seconds of each step."""
    need_torch()
    training = manifest.training
    settings = TrainSettings(training["epochs_per_slice"], training["batch"], training["lr"],
                             training["warmup"], training["seed"])  # fmt: skip
    if start == 1:
        model = new_model(tokenizer, manifest.model_config, _seed(settings.seed, shard, 0))
    else:
        model = load_checkpoint(shard_dir / ckpt_name(start - 1))
    seconds: list[float] = []
    for r in range(start, len(slices) + 1):
        began = time.perf_counter()
        union = [text for part in slices[:r] for text in part]
        if union:  # after unlearning a slice may be empty: the checkpoint is then carried on
            blocks = pack(tokenizer, union, model.config.n_positions)
            steps = max(1, round(math.ceil(len(blocks) / settings.batch) * settings.epochs))
            step_seed = _seed(settings.seed, shard, r)  # order and dropout of this step
            # warm-up restarts each slice step; cap it so short steps still reach the full rate
            warmup = max(1, min(settings.warmup, steps // 5))
            train_blocks(model, blocks, replace(settings, seed=step_seed, warmup=warmup))
        model.save_pretrained(shard_dir / ckpt_name(r))
        seconds.append(time.perf_counter() - began)
        if progress is not None:
            progress(shard, r, seconds[-1])
    return seconds


def train_sisa(
    texts: Sequence[str],
    out: Path,
    shards: int,
    slices: int,
    size: str = "tiny",
    settings: TrainSettings | None = None,
    tokenizer_dir: Path | None = None,
    key: bytes | None = None,
    progress: Progress | None = None,
) -> Manifest:
    """Train S shard models on `texts` into `out` (a new or empty directory). `key` (32 bytes)
    keys the record hashes; by default a random one. The manifest is written last."""
    check_train_options(shards, slices, size, out)
    settings = settings or TrainSettings()
    if settings.epochs <= 0 or settings.batch < 1:
        raise ExpungeError(f"epochs must be > 0 and batch >= 1 (got {settings.epochs:g}, "
                           f"{settings.batch})", "e.g. --epochs 3 --batch 16")  # fmt: skip
    key = key if key is not None else os.urandom(32)
    if len(key) != 32:
        raise ExpungeError(f"the record key must be 32 bytes, not {len(key)}",
                           "give a 32-byte key file")  # fmt: skip
    groups = group_records(key, texts)
    # by_shard[s][r - 1]: the hashes of slice r of shard s, in hash order
    by_shard: list[list[list[str]]] = [[[] for _ in range(slices)] for _ in range(shards)]
    for digest in sorted(groups):
        shard, r = place(digest, shards, slices)
        by_shard[shard][r - 1].append(digest)
    empty = [i for i, parts in enumerate(by_shard) if not any(parts)]
    if len(groups) < shards or empty:
        raise ExpungeError(f"{len(groups)} distinct records cannot fill {shards} shards "
                           f"({len(empty)} would be empty)", "use fewer --shards")  # fmt: skip
    tokenizer = load_tokenizer(tokenizer_dir) if tokenizer_dir else None
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        if tokenizer is None:
            tokenizer = train_tokenizer(texts)
        write_key(out, key)
        tokenizer.save_pretrained(out / TOKENIZER_DIR)
        manifest = Manifest(
            shards, slices, size, dict(MODEL_SIZES[size]),
            {"epochs": settings.epochs, "epochs_per_slice": 2 * settings.epochs / (slices + 1),
             "batch": settings.batch, "lr": settings.lr, "warmup": settings.warmup,
             "seed": settings.seed, "warmup_rule": "min(warmup, a fifth of a slice step's steps)",
             "slicing": "step r trains epochs_per_slice epochs on slices 1..r: the cost of "
                         "`epochs` passes over the shard, as without slicing, when the slices "
                         "are equal (by hash they are about equal)",
             "placement": PLACEMENT},
            {"source": str(tokenizer_dir) if tokenizer_dir else "trained on all records",
             "exact": tokenizer_dir is not None,
             "note": "given tokenizer: no record shaped it" if tokenizer_dir else TOKENIZER_NOTE},
            {}, [],
            created=datetime.now(UTC).isoformat(timespec="seconds"),
        )  # fmt: skip
        for shard, parts in enumerate(by_shard):
            shard_dir = out / shard_dir_name(shard, 0)
            shard_dir.mkdir()
            texts_by_slice: list[list[str]] = []
            for r, part in enumerate(parts, start=1):
                texts_by_slice.append([t for d in part for t in groups[d]])
                write_slice(shard_dir / slice_name(r), texts_by_slice[-1])
                for digest in part:
                    manifest.records[digest] = [shard, r, len(groups[digest])]
            seconds = _train_shard(shard_dir, shard, texts_by_slice, 1, tokenizer, manifest,
                                   progress)  # fmt: skip
            manifest.shard_state.append(ShardState(shard_dir.name, [
                SliceState(len(p), len(t), round(s, 3))
                for p, t, s in zip(parts, texts_by_slice, seconds, strict=True)]))  # fmt: skip
        write_json_atomic(out / MANIFEST, manifest.to_json(), indent=1, sort_keys=True)
    except BaseException:
        # nothing half-written stays behind: remove what this run made
        if created:
            shutil.rmtree(out, ignore_errors=True)
        else:
            for child in out.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
    return manifest


@dataclass(frozen=True)
class UnlearnResult:
    records: int  # distinct records removed
    copies: int  # texts removed from the slices, duplicates included
    retrained: dict[int, int]  # shard -> first retrained slice (1-based)
    slices: int
    seconds: float
    full_seconds: float  # what retraining every shard and slice takes (recorded times)

    @property
    def speedup(self) -> float:
        return self.full_seconds / self.seconds if self.seconds > 0 else math.inf

    def history_entry(self) -> dict[str, Any]:
        return {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "records": self.records, "copies": self.copies,
            "retrained": [{"shard": s, "from_slice": r, "slices": self.slices - r + 1}
                          for s, r in sorted(self.retrained.items())],
            "seconds": round(self.seconds, 3),
            "full_retrain_seconds": round(self.full_seconds, 3),
            "speedup": round(self.speedup, 2),
        }  # fmt: skip

    def summary(self) -> str:
        what = f"{self.records} record{'s' if self.records != 1 else ''}"
        if self.copies != self.records:
            what += f" ({self.copies} copies)"
        shards = ", ".join(f"shard {s} from slice {r} of {self.slices}"
                           for s, r in sorted(self.retrained.items()))  # fmt: skip
        return (f"forgot {what}: retrained {shards} in {self.seconds:.1f} s; a full retrain "
                f"took {self.full_seconds:.1f} s: {self.speedup:.1f}x faster")  # fmt: skip


def _retrain(
    old: Path,
    new: Path,
    shard: int,
    start: int,
    key: bytes,
    forget: set[str],
    tokenizer: Any,
    manifest: Manifest,
    progress: Progress | None,
) -> None:
    """Build shard `shard`'s next generation in `new`: slices before `start` and their
    checkpoints linked from `old`, the rest without the forgotten records and retrained."""
    new.mkdir()
    kept: list[list[str]] = []
    for r in range(1, manifest.slices + 1):
        texts = read_slice(old / slice_name(r))
        if r >= start:
            texts = [t for t in texts if record_hash(key, t) not in forget]
            write_slice(new / slice_name(r), texts)
        else:
            link_tree(old / slice_name(r), new / slice_name(r))
            link_tree(old / ckpt_name(r), new / ckpt_name(r))
        kept.append(texts)
    seconds = _train_shard(new, shard, kept, start, tokenizer, manifest, progress)
    state = manifest.shard_state[shard]
    for r, spent in enumerate(seconds, start=start):
        distinct = len({record_hash(key, t) for t in kept[r - 1]})
        state.slices[r - 1] = SliceState(distinct, len(kept[r - 1]), round(spent, 3))
    state.dir = new.name


def unlearn_sisa(
    root: Path, texts: Sequence[str], progress: Progress | None = None
) -> UnlearnResult:
    """Remove the records of `texts` and retrain each affected shard from the checkpoint before
    its earliest affected slice. Other shards' files are left as they are. The seconds reported
    cover all of it but importing torch/transformers, which the recorded training times of the
    full retrain it is compared with do not include either."""
    _, transformers = need_torch()
    for name in ("GPT2Config", "GPT2LMHeadModel", "AutoTokenizer"):  # lazy imports, done now
        getattr(transformers, name)
    began = time.perf_counter()
    if not texts:
        raise ExpungeError("no texts to forget", "give a file with the texts to forget")
    open_sisa(root)  # a wrong DIR fails before a lock file is made in it
    with locked(root):
        manifest = open_sisa(root)
        sweep(root, manifest)
        key = read_key(root / KEY_FILE)
        wanted = [record_hash(key, t) for t in texts]
        missing = sum(1 for d in wanted if d not in manifest.records)
        if missing:
            raise ExpungeError(f"{missing} of {len(texts)} texts to forget are not in the training "
                               f"data of {root}", "the texts to forget must match training "
                               "records, whitespace aside")  # fmt: skip
        forget = set(wanted)
        affected: dict[int, int] = {}
        for digest in forget:
            shard, r, _ = manifest.records[digest]
            affected[shard] = min(r, affected.get(shard, r))
        tokenizer = load_tokenizer(root / TOKENIZER_DIR)
        copies = sum(manifest.records[d][2] for d in forget)
        old_dirs: list[Path] = []
        new_dirs: list[Path] = []
        try:
            for shard, start in sorted(affected.items()):
                state = manifest.shard_state[shard]
                new_dirs.append(root / shard_dir_name(shard, state.generation + 1))
                old_dirs.append(root / state.dir)
                _retrain(old_dirs[-1], new_dirs[-1], shard, start, key, forget, tokenizer,
                         manifest, progress)  # fmt: skip
            for digest in forget:
                del manifest.records[digest]
            result = UnlearnResult(len(forget), copies, affected, manifest.slices,
                                   time.perf_counter() - began, manifest.full_train_seconds())  # fmt: skip
            manifest.history.append(result.history_entry())
            write_json_atomic(
                root / MANIFEST, manifest.to_json(), indent=1, sort_keys=True
            )  # the commit point
        except BaseException:
            committed = (root / MANIFEST).read_text(encoding="utf-8")
            for new in new_dirs:
                if f'"{new.name}"' not in committed:
                    shutil.rmtree(new, ignore_errors=True)
            raise
        for old in old_dirs:
            shutil.rmtree(old)
    return result


class _Averaged:
    """Enough of a causal LM for token_stats: its logits are log(mean of the shard models'
    probabilities), already normalised, so log_softmax leaves them as they are."""

    def __init__(self, models: Sequence[Any]) -> None:
        self.models = list(models)
        self.config = self.models[0].config

    def parameters(self) -> Any:
        return (p for m in self.models for p in m.parameters())

    def __call__(self, input_ids: Any, attention_mask: Any = None, **_: Any) -> SimpleNamespace:
        torch, _t = need_torch()
        total: Any = None
        for model in self.models:  # running log-sum-exp: one [batch, length, vocab] at a time
            out = model(input_ids=input_ids, attention_mask=attention_mask).logits.float()
            logp = torch.log_softmax(out, dim=-1)
            total = logp if total is None else torch.logaddexp(total, logp)
        return SimpleNamespace(logits=total - math.log(len(self.models)))


class SisaEnsemble:
    """The shard models of a SISA directory, aggregated by averaging probabilities. Loading
    reads only; shards left without records (all forgotten) take no part."""

    def __init__(self, root: Path) -> None:
        manifest = open_sisa(root)
        self.root, self.manifest = root, manifest
        self.tokenizer = load_tokenizer(root / TOKENIZER_DIR)
        live = [s for s in manifest.shard_state if s.records > 0]
        if not live:
            raise ExpungeError(f"{root}: every record has been forgotten", "train again")
        self.models = [load_checkpoint(root / s.dir / ckpt_name(manifest.slices)) for s in live]
        for model in self.models:
            model.eval()
        self.lm = LocalModel(root, _Averaged(self.models), self.tokenizer)

    def token_stats(self, texts: Sequence[str]) -> list[TokenStats]:
        return token_stats(self.lm, texts)

    def perplexity(self, texts: Sequence[str]) -> float:
        return perplexity(self.lm, texts)

    def generate(self, prompt: str, max_new_tokens: int = 32) -> str:
        """Greedy continuation under the averaged distribution (prompt excluded)."""
        torch, _ = need_torch()
        tok = self.tokenizer
        ids = [tok.eos_token_id, *tok(prompt, add_special_tokens=False)["input_ids"]]
        new: list[int] = []
        with torch.inference_mode():
            for _ in range(max_new_tokens):
                window = (ids + new)[-self.lm.context :]
                logits = self.lm.model(input_ids=torch.tensor([window])).logits[0, -1]
                token = int(logits.argmax())
                if token == tok.eos_token_id:
                    break
                new.append(token)
        return str(tok.decode(new, skip_special_tokens=True))


def sisa_token_stats(root: Path, texts: Sequence[str]) -> list[TokenStats]:
    """Per-text token log-probabilities (with Min-K%++ statistics) of the ensemble, for the
    audit's membership scores. Writes nothing."""
    return SisaEnsemble(root).token_stats(texts)


def load_audited(path: Path) -> LocalModel:
    """What `expunge audit` reads: a model directory, or a SISA directory (its ensemble of
    shard models, which scores like one model)."""
    return SisaEnsemble(path).lm if (path / MANIFEST).is_file() else load_model(path)
