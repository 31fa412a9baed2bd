"""`expunge train sisa` and `expunge unlearn sisa`: exact unlearning by SISA training."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from expunge.cli.options import ThreadsOpt
from expunge.model.deps import use_threads

TRAIN_EPILOG = (
    "Example: expunge train sisa --data corpus.jsonl --shards 4 --slices 4 --out sisa-model"
)
UNLEARN_EPILOG = "Example: expunge unlearn sisa sisa-model --forget forget.jsonl"


def sisa_train_cmd(
    data: Annotated[str, typer.Option(help="Training texts: a file, directory or glob.")],
    out: Annotated[Path, typer.Option(help="New directory for the shard models and slices.")],
    shards: Annotated[int, typer.Option(help="S: disjoint shards, one model each.")],
    slices: Annotated[int, typer.Option(help="R: slices per shard, a checkpoint after each.")],
    model_config: Annotated[
        str, typer.Option(help="Model size: micro, tiny or small (GPT-2 style, from scratch).")
    ] = "tiny",
    epochs: Annotated[
        float, typer.Option(min=0.01, help="Training cost in passes over the data.")
    ] = 3.0,
    tokenizer: Annotated[
        Path | None,
        typer.Option(help="An existing tokenizer directory: makes unlearning exact in every file."),
    ] = None,
    text_field: Annotated[str | None, typer.Option(help="Column/key holding the text.")] = None,
    batch: Annotated[int, typer.Option(min=1, help="Blocks per training step.")] = 16,
    lr: Annotated[float, typer.Option(help="Peak learning rate.")] = 3e-3,
    seed: Annotated[int, typer.Option(help="Seed of initialisation, order and dropout.")] = 0,
    key_file: Annotated[
        Path | None,
        typer.Option(help="A 32-byte key for the record hashes (default: a new random key)."),
    ] = None,
    threads: ThreadsOpt = None,
) -> None:
    """Train one model per shard, slice by slice, so a record can be forgotten exactly by
    retraining only its shard from the checkpoint before its slice."""
    use_threads(threads)
    from expunge.model.sisa import check_train_options, train_sisa
    from expunge.model.sisa_store import read_key
    from expunge.model.texts import read_texts
    from expunge.model.tiny import TrainSettings

    check_train_options(shards, slices, model_config, out)
    key = read_key(key_file) if key_file else None
    texts = read_texts(data, "--data", text_field)
    console = Console(highlight=False, soft_wrap=True)
    began = time.perf_counter()
    steps: list[float] = []

    def progress(shard: int, r: int, seconds: float) -> None:
        steps.append(seconds)
        if r == slices:  # one line per shard
            each = ", ".join(f"{s:.1f}" for s in steps)
            console.print(f"[dim]shard {shard}: {slices} slices in {sum(steps):.1f} s ({each})[/]")
            steps.clear()

    settings = TrainSettings(epochs=epochs, batch=batch, lr=lr, seed=seed)
    manifest = train_sisa(texts, out, shards, slices, model_config, settings, tokenizer, key,
                          progress)  # fmt: skip
    console.print(
        f"trained {shards} shard model{'s' if shards != 1 else ''} x {slices} "
        f"slice{'s' if slices != 1 else ''} on {len(manifest.records):,} records "
        f"({len(texts):,} texts) in {time.perf_counter() - began:.1f} s -> {out}"
    )
    if not manifest.tokenizer["exact"]:
        console.print(f"[yellow]note:[/] {manifest.tokenizer['note']}")


def sisa_unlearn_cmd(
    directory: Annotated[Path, typer.Argument(help="A directory made by expunge train sisa.")],
    forget: Annotated[str, typer.Option(help="The texts to forget (any format expunge reads).")],
    text_field: Annotated[str | None, typer.Option(help="Column/key holding the text.")] = None,
    threads: ThreadsOpt = None,
) -> None:
    """Forget records exactly: retrain only the shards that hold them, from the checkpoint
    before the earliest slice they are in."""
    use_threads(threads)
    from expunge.model.sisa import unlearn_sisa
    from expunge.model.sisa_store import PLACEMENT, open_sisa
    from expunge.model.texts import read_texts

    manifest = open_sisa(directory)  # a wrong DIR fails before the forget file is read
    total = manifest.slices
    texts = read_texts(forget, "--forget", text_field)
    console = Console(highlight=False, soft_wrap=True)
    steps: list[tuple[int, float]] = []

    def progress(shard: int, r: int, seconds: float) -> None:
        steps.append((r, seconds))
        if r == total:
            spent, first = sum(s for _, s in steps), steps[0][0]
            which = f"slice {r}" if first == r else f"slices {first}-{r}"
            console.print(f"[dim]shard {shard}: retrained {which} in {spent:.1f} s[/]")
            steps.clear()

    result = unlearn_sisa(directory, texts, progress)
    console.print(result.summary())
    if manifest.placement != PLACEMENT:
        console.print(
            "[yellow]note:[/] an earlier expunge trained this directory and cut its slices by "
            "record order: the models equal training on the remaining slices, not `expunge "
            "train sisa` on the data without these records; train again for that"
        )
