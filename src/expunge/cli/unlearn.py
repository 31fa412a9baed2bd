"""`expunge unlearn ...` and `expunge train ...`: make a model forget a person, measure it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from expunge.atomic import need_empty_dir, staged_dir
from expunge.cli.options import ModelOpt, TextFieldOpt, ThreadsOpt, UnlearnMethod
from expunge.errors import ExpungeError
from expunge.model.deps import use_threads
from expunge.model.terminal import print_eval

unlearn_app = typer.Typer(
    help="Make a local causal language model forget a person's data (approximate unlearning), "
    "evaluate it, or forget exactly from a SISA ensemble.",
    invoke_without_command=True,
)
train_app = typer.Typer(help="Train small models from scratch on the CPU.", no_args_is_help=True)

ForgetOpt = Annotated[
    str | None,
    typer.Option(
        help="Texts to forget: a dataset file, or an `expunge find` report directory (its "
        "strong matches; with several subjects in it, --subject says whose)."
    ),
]
RetainOpt = Annotated[str | None, typer.Option(help="Texts the model should keep (utility).")]
HoldoutOpt = Annotated[str | None, typer.Option(help="Held-out general text for perplexity.")]
SubjectOpt = Annotated[
    Path | None,
    typer.Option(
        help="The person's profile: extraction probes, span detection, and whose records of a "
        "find report to forget."
    ),
]


def _inputs(
    forget: str | None, retain: str | None, holdout: str | None, subject: Path | None,
    text_field: str | None,
):  # type: ignore[no-untyped-def]  # fmt: skip
    from expunge.model.forget_set import load_forget_set
    from expunge.model.texts import read_texts
    from expunge.subject import load_subject

    if forget is None:
        raise ExpungeError("--forget is required", "give the texts to forget or a find report")
    profile = load_subject(subject) if subject is not None else None
    items = load_forget_set(forget, profile, text_field)
    kept = read_texts(retain, "--retain", text_field) if retain else []
    held = read_texts(holdout, "--holdout", text_field) if holdout else []
    return items, kept, held, profile


@unlearn_app.callback(
    epilog="Example: expunge unlearn --model demo-model/model --forget demo-model/forget.jsonl "
    "--retain demo-model/retain.jsonl --subject demo-data/subject.toml --method npo-retain "
    "--lr 1e-3 --out demo-model/unlearned2"
)
def unlearn_cmd(
    ctx: typer.Context,
    model: ModelOpt = None,
    forget: ForgetOpt = None,
    retain: RetainOpt = None,
    method: Annotated[UnlearnMethod, typer.Option(help="The unlearning method.")] = "npo-retain",
    steps: Annotated[int, typer.Option(min=1, help="Optimisation steps.")] = 60,
    lr: Annotated[float, typer.Option(min=0.0, help="Learning rate (AdamW).")] = 1e-4,
    batch: Annotated[int, typer.Option(min=1, help="Forget (and retain) texts per step.")] = 4,
    beta: Annotated[float, typer.Option(min=0.0, help="NPO temperature.")] = 0.1,
    only_spans: Annotated[
        bool, typer.Option("--only-spans", help="Push down only the personal-data tokens.")
    ] = False,
    subject: SubjectOpt = None,
    holdout: HoldoutOpt = None,
    out: Annotated[Path | None, typer.Option(help="Directory for the new model.")] = None,
    evaluate: Annotated[
        bool, typer.Option("--evaluate/--no-evaluate", help="Measure before/after.")
    ] = True,
    text_field: TextFieldOpt = None,
    seed: Annotated[int, typer.Option(help="Seed.")] = 0,
    threads: ThreadsOpt = None,
) -> None:
    """Unlearn by fine-tuning (gradient ascent, gradient difference, NPO), save the new model in
    the same format, and measure forget efficacy, utility and robustness."""
    use_threads(threads)
    if ctx.invoked_subcommand is not None:
        return
    from expunge.model.unlearn import UnlearnSettings, save_unlearned, unlearn

    if model is None or out is None:
        raise ExpungeError("expunge unlearn needs --model DIR, --forget FILE and --out DIR",
                           "see expunge unlearn --help")  # fmt: skip
    need_empty_dir(out)
    from expunge.model.evaluate import evaluate as run_eval
    from expunge.model.load import load_model

    items, kept, held, profile = _inputs(forget, retain, holdout, subject, text_field)
    original = load_model(model)
    lm = load_model(model)
    settings = UnlearnSettings(method=method, steps=steps, lr=lr, batch=batch, beta=beta,
                               only_spans=only_spans, seed=seed)  # fmt: skip
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(f"unlearning ({method})", total=steps)
        run = unlearn(
            lm, items, kept, settings, lambda done, _, __: bar.update(task, completed=done)
        )
    result: dict[str, object] = {
        "schema": "expunge.unlearn/1",
        "model": str(model),
        "run": run.__dict__,
    }
    print(f"unlearned {run.forget_texts} texts ({run.marked_tokens:,} tokens pushed down) with "
          f"{method} in {run.seconds:.1f} s")  # fmt: skip
    if profile is not None:
        from expunge.model.vocab_leaks import directory_vocab_leaks

        vocab = directory_vocab_leaks(model, profile)
        result["tokenizer"] = vocab.to_json()
        warning = vocab.unlearn_warning()
        if warning:
            Console(stderr=True, highlight=False).print(f"[yellow]warning:[/] {warning}",
                                                        soft_wrap=True)  # fmt: skip
    if evaluate:
        report = run_eval(original, lm, items, kept, held, profile, relearn_lr=settings.lr)
        print_eval(report)
        result["evaluation"] = [r.__dict__ for r in report.rows]
    save_unlearned(lm, result, out)
    print(f"model: {out}")


@unlearn_app.command("eval", epilog="Example: expunge unlearn eval --model demo-model/unlearned "
                     "--original demo-model/model --forget demo-model/forget.jsonl --retain "
                     "demo-model/retain.jsonl --subject demo-data/subject.toml")  # fmt: skip
def eval_cmd(
    model: ModelOpt = None,
    original: Annotated[Path | None, typer.Option(help="The model before unlearning.")] = None,
    retrained: Annotated[
        Path | None, typer.Option(help="A model retrained without the forget set (reference).")
    ] = None,
    forget: ForgetOpt = None,
    retain: RetainOpt = None,
    holdout: HoldoutOpt = None,
    subject: SubjectOpt = None,
    robustness: Annotated[
        bool, typer.Option("--robustness/--no-robustness", help="Relearning and quantisation.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    text_field: TextFieldOpt = None,
    threads: ThreadsOpt = None,
) -> None:
    """Measure an unlearned model: forget efficacy, utility, over-unlearning, robustness."""
    use_threads(threads)
    if model is None:
        raise ExpungeError("expunge unlearn eval needs --model DIR and --forget FILE",
                           "see expunge unlearn eval --help")  # fmt: skip
    from expunge.model.evaluate import evaluate as run_eval
    from expunge.model.load import load_model
    from expunge.model.unlearn import recorded_lr

    items, kept, held, profile = _inputs(forget, retain, holdout, subject, text_field)
    report = run_eval(
        load_model(original) if original else None,
        load_model(model),
        items,
        kept,
        held,
        profile,
        load_model(retrained) if retrained else None,
        robustness=robustness,
        relearn_lr=recorded_lr(model),
    )
    if as_json:
        print(json.dumps([r.__dict__ for r in report.rows], indent=2))
    else:
        print_eval(report)


@train_app.command("tiny", epilog="Example: expunge train tiny --data demo-data/dataset "
                   "--size tiny --epochs 2 --out demo-model/model")  # fmt: skip
def train_tiny_cmd(
    data: Annotated[str, typer.Option(help="Training texts: a file, directory or glob.")],
    out: Annotated[Path, typer.Option(help="Directory for the model (save_pretrained).")],
    size: Annotated[str, typer.Option(help="micro | tiny | small")] = "tiny",
    epochs: Annotated[float, typer.Option(min=0.01, help="Passes over the data.")] = 3.0,
    lr: Annotated[float, typer.Option(min=0.0, help="Peak learning rate.")] = 3e-3,
    batch: Annotated[int, typer.Option(min=1, help="Blocks per step.")] = 16,
    text_field: TextFieldOpt = None,
    seed: Annotated[int, typer.Option(help="Seed.")] = 0,
    threads: ThreadsOpt = None,
) -> None:
    """Train a small GPT-2 style model (and its tokenizer) from scratch on the CPU."""
    use_threads(threads)
    from rich.progress import Progress

    from expunge.model.texts import read_texts
    from expunge.model.tiny import MODEL_SIZES, TrainSettings, train_tiny

    if size not in MODEL_SIZES:
        raise ExpungeError(f"unknown --size {size!r}", f"use one of: {', '.join(MODEL_SIZES)}")
    need_empty_dir(out)
    texts = read_texts(data, "--data", text_field)
    with staged_dir(out) as staging, Progress(transient=True) as bar:
        task = bar.add_task(f"training ({size})", total=None)
        model, _ = train_tiny(texts, staging, size, TrainSettings(epochs, batch, lr, seed=seed),
                              progress=lambda d, t, _: bar.update(task, completed=d, total=t))  # fmt: skip
    params = sum(p.numel() for p in model.parameters())
    print(f"trained a {size} model ({params:,} parameters) on {len(texts):,} texts: {out}")


demo_app = typer.Typer(help="Demos on the bundled demo dataset.", no_args_is_help=True)


@demo_app.command("model", epilog="Example: expunge demo model --data demo-data --out demo-model")
def demo_model_cmd(
    data: Annotated[
        Path, typer.Option(help="Demo data made by `python -m expunge.demo DIR` (made if absent).")
    ] = Path("demo-data"),
    out: Annotated[Path, typer.Option(help="Where the models and reports go.")] = Path(
        "demo-model"
    ),
    threads: ThreadsOpt = None,
) -> None:
    """Train a tiny GPT-2 that memorised the demo person, audit it, unlearn them with NPO +
    retain, audit again, and compare utility."""
    use_threads(threads)
    from expunge.model.demo import run_model_demo

    if not (data / "subject.toml").is_file():
        from expunge.demo.dataset import write_demo_dataset

        print(f"writing the demo dataset to {data}")
        write_demo_dataset(data)
    console = Console(highlight=False)
    run_model_demo(data, out, lambda line: console.print(line, soft_wrap=True))


def _mount_sisa() -> None:
    from expunge.cli.sisa import sisa_train_cmd, sisa_unlearn_cmd

    train_app.command(
        "sisa",
        epilog="Example: expunge train sisa --data corpus.jsonl --shards 4 --slices 4 "
        "--out sisa-model",
    )(sisa_train_cmd)
    unlearn_app.command(
        "sisa", epilog="Example: expunge unlearn sisa sisa-model --forget forget.jsonl"
    )(sisa_unlearn_cmd)


_mount_sisa()
