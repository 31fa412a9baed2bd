"""`expunge audit ...`: does a language model leak a person? (needs expunge[model])"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from expunge.atomic import need_empty_dir, write_atomic, write_json_atomic
from expunge.cli.options import ModelOpt, TextFieldOpt, ThreadsOpt
from expunge.errors import ExpungeError
from expunge.model.deps import use_threads

audit_app = typer.Typer(
    help="Audit a local causal language model for a person's data: probes, extraction, "
    "membership inference, canary exposure.",
    invoke_without_command=True,
)


@audit_app.callback(
    epilog="Example (after expunge demo model): expunge audit --model demo-model/unlearned "
    "--subject demo-data/subject.toml --documents demo-model/forget.jsonl "
    "--non-members demo-model/holdout.jsonl --out audit-out"
)
def audit_cmd(
    ctx: typer.Context,
    model: Annotated[
        Path | None,
        typer.Option("--model", help="Directory of a Hugging Face causal LM, or of a SISA model."),
    ] = None,
    subject: Annotated[
        Path | None, typer.Option(help="The person's profile (TOML/JSON/YAML).")
    ] = None,
    documents: Annotated[
        str | None,
        typer.Option(help="The person's known documents: probed for extraction and membership."),
    ] = None,
    non_members: Annotated[
        str | None,
        typer.Option(
            help="Texts known NOT to be in training: a second membership calibration beside "
            "the default look-alikes of --documents."
        ),
    ] = None,
    members: Annotated[
        str | None, typer.Option(help="Texts known to be in training: measure the attack's AUC.")
    ] = None,
    reference_model: Annotated[
        Path | None, typer.Option(help="A second model for the reference-ratio score.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write audit.json and audit.html here.")] = None,
    samples: Annotated[int, typer.Option(min=0, help="Sampled answers per prompt.")] = 10,
    max_new_tokens: Annotated[int, typer.Option(min=1, help="Tokens generated per answer.")] = 32,
    fpr: Annotated[
        float, typer.Option(min=0.001, max=0.5, help="False-positive rate of the membership flags.")
    ] = 0.05,
    text_field: TextFieldOpt = None,
    seed: Annotated[int, typer.Option(help="Seed for sampling.")] = 0,
    threads: ThreadsOpt = None,
) -> None:
    """Does this model leak this person? Prompts built from the profile, the person's documents
    cut before each identifier, and membership scores calibrated on known non-members."""
    chosen = use_threads(threads)
    if ctx.invoked_subcommand is not None:
        return
    if model is None or subject is None:
        raise ExpungeError("expunge audit needs --model DIR and --subject PROFILE",
                           "or use: expunge audit canaries --help")  # fmt: skip
    if out is not None:
        need_empty_dir(out)
    if non_members and not documents:
        raise ExpungeError("--non-members calibrates the membership test of --documents",
                           "add --documents with the person's texts")  # fmt: skip
    from expunge.model.audit import run_audit
    from expunge.model.audit_html import render_audit
    from expunge.model.generate import Sampling
    from expunge.model.texts import read_texts
    from expunge.subject import load_subject

    profile = load_subject(subject)
    if profile.display_name is None and not documents:
        raise ExpungeError(f"{subject}: has no names, and no --documents were given: nothing to "
                           "build prompts from", "add names to the profile or give --documents")  # fmt: skip
    docs = read_texts(documents, "--documents", text_field) if documents else []
    negatives = read_texts(non_members, "--non-members", text_field) if non_members else []
    positives = read_texts(members, "--members", text_field) if members else []
    from expunge.model.sisa import load_audited

    lm = load_audited(model)
    reference = load_audited(reference_model) if reference_model else None
    sampling = Sampling(samples=samples, max_new_tokens=max_new_tokens, seed=seed)
    report = run_audit(lm, profile, docs, negatives, positives, reference, sampling, fpr)
    report.threads = chosen
    console = Console(highlight=False)
    style = {"leaks": "bold red", "remembers": "bold yellow"}.get(
        report.verdict.split(":")[0], "bold green"
    )
    console.print(f"[{style}]{report.verdict}[/]")
    for line in report.findings:
        console.print(f"  • {line}")
    if report.membership:
        console.print(f"  [dim]{report.membership[0].caveat}[/]")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        write_json_atomic(out / "audit.json", report.to_json())
        write_atomic(out / "audit.html", render_audit(report).encode("utf-8"))
        console.print(f"report: {out / 'audit.html'} (data: {out / 'audit.json'})")


@audit_app.command(
    "canaries",
    epilog="Example: expunge audit canaries --insert --repeats 0,1,5,20 --out canaries.jsonl "
    "--dataset train.jsonl --planted train+canaries.jsonl; after training: expunge audit "
    "canaries --model DIR --canaries canaries.jsonl",
)
def canaries_cmd(
    insert: Annotated[
        bool, typer.Option("--insert", help="Make canaries (and plant them).")
    ] = False,
    out: Annotated[Path | None, typer.Option(help="With --insert: where to write them.")] = None,
    repeats: Annotated[
        str, typer.Option(help="Copies to plant, one group per value (0 = control).")
    ] = "0,1,5,20",
    per_repeat: Annotated[int, typer.Option(min=1, help="Canaries per repeat value.")] = 2,
    digits: Annotated[int, typer.Option(min=4, max=18, help="Digits in each secret.")] = 9,
    dataset: Annotated[
        str | None, typer.Option(help="With --insert: a dataset to plant the canaries in.")
    ] = None,
    planted: Annotated[
        Path | None, typer.Option(help="With --dataset: the JSONL copy with canaries planted.")
    ] = None,
    text_field: TextFieldOpt = None,
    model: ModelOpt = None,
    canaries: Annotated[Path | None, typer.Option(help="Canary file to measure.")] = None,
    candidates: Annotated[
        int, typer.Option(min=100, help="Random secrets each canary is ranked against.")
    ] = 1000,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    threads: ThreadsOpt = None,
) -> None:
    """Plant random secrets before training (--insert); measure their exposure after."""
    use_threads(threads)
    from expunge.model import canaries as canary_mod

    if insert:
        if out is None:
            raise ExpungeError(
                "--insert needs --out FILE for the canaries", "add --out canaries.jsonl"
            )
        if (dataset is None) != (planted is None):
            raise ExpungeError("--dataset and --planted go together",
                               "give both: the dataset to read and the copy to write")  # fmt: skip
        for target in (out, planted):
            if target is not None and target.exists():
                raise ExpungeError(f"{target} already exists", "choose a new file name")
        made = canary_mod.make_canaries(canary_mod.parse_repeats(repeats), per_repeat, digits)
        if dataset is not None and planted is not None:
            read = canary_mod.plant_dataset(dataset, planted, made, text_field)
            print(f"planted {sum(c.repeats for c in made)} canary copies among "
                  f"{read:,} texts: {planted}")  # fmt: skip
        canary_mod.write_canaries(out, made)
        print(f"{len(made)} canaries ({digits} digits, repeats {repeats}): {out}; keep this file "
              "private until the model is measured")  # fmt: skip
        return
    if model is None or canaries is None:
        raise ExpungeError("measuring canaries needs --model DIR and --canaries FILE",
                           "or make them first with --insert --out FILE")  # fmt: skip
    wanted = canary_mod.read_canaries(canaries)
    from expunge.model.sisa import load_audited

    results = canary_mod.exposure(load_audited(model), wanted, candidates)
    if as_json:
        print(json.dumps([r.__dict__ for r in results], indent=2))
        return
    table = Table(title=f"canary exposure (bits; ranked against {candidates:,} random secrets)",
                  title_justify="left")  # fmt: skip
    for column in ("canary", "planted", "rank", "exposure (sampled)", "exposure (fit)", "max"):
        table.add_column(column, justify="left" if column == "canary" else "right")
    for r in results:
        table.add_row(r.id, f"{r.repeats}×", str(r.rank), f"{r.sampled_bits:.1f}",
                      f"{r.extrapolated_bits:.1f}", f"{r.space_bits:.1f}")  # fmt: skip
    console = Console(highlight=False)
    console.print(table)
    console.print("Exposure near the maximum means the model has memorised the secret; "
                  "around 1-2 bits means it ranks it like a random one.")  # fmt: skip
