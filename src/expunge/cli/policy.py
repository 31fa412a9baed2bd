"""`expunge policy analyze`: what a privacy policy says about AI training, collected metadata,
biometrics, opt-outs, retention and sharing for AI, sentence by sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from expunge.errors import ExpungeError

policy_app = typer.Typer(
    help="Read privacy policies: which clauses cover AI training, collected metadata, "
    "biometrics, opt-outs, retention and sharing for AI.",
    no_args_is_help=True,
)


@policy_app.command(
    "analyze",
    epilog="Example: expunge policy analyze policies/ --html policy-report.html --json out.json",
)
def analyze_cmd(
    path: Annotated[
        Path, typer.Argument(help="A policy (.html, .htm, .txt, .md, .pdf) or a directory of them.")
    ],
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write every match and verdict as JSON here.")
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, help="Sentences shown per category in the terminal.")
    ] = 3,
    show_all: Annotated[
        bool, typer.Option("--all", help="Show every sentence, in full, in the terminal.")
    ] = False,
) -> None:
    """Highlight the clauses of privacy policies that matter for AI, with a verdict per document."""
    import time

    from rich.console import Console

    from expunge.policy import analyze_path
    from expunge.policy.terminal import print_analysis

    for out in (html, json_out):
        if out is not None and not out.parent.is_dir():
            raise ExpungeError(f"cannot write {out}: {out.parent} is not a directory",
                               "create the directory first")  # fmt: skip
    if html is not None and json_out is not None and html.resolve() == json_out.resolve():
        raise ExpungeError("--html and --json name the same file", "choose two file names")
    started = time.perf_counter()
    docs = analyze_path(path)
    seconds = time.perf_counter() - started
    print_analysis(Console(highlight=False), docs, limit=limit, show_all=show_all)
    if json_out is not None:
        import orjson

        payload = {"documents": [d.to_dict() for d in docs], "seconds": round(seconds, 3)}
        _write(json_out, orjson.dumps(payload, option=orjson.OPT_INDENT_2) + b"\n")
        print(f"json: {json_out}")
    if html is not None:
        from expunge.policy.report_html import render_policy_report

        _write(html, render_policy_report(docs).encode())
        print(f"report: {html}")


def _write(path: Path, data: bytes) -> None:
    from expunge.atomic import write_atomic

    write_atomic(path, data)
