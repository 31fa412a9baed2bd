"""The model side's terminal output: the unlearning evaluation table (used by the CLI and the
demo)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from expunge.model.evaluate import EvalReport


def _loss(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _ppl(value: float | None) -> str:
    return "—" if value is None else (f"{value:.1f}" if value < 1e4 else f"{value:.1e}")


def print_eval(report: EvalReport) -> None:
    table = Table(title="forget efficacy and utility", title_justify="left")
    columns = ("model", "forget↑", "PII↑", "rest", "extract↓", "retain↓", "held-out↓", "alike")
    for column in columns:
        table.add_column(column, justify="left" if column == "model" else "right", no_wrap=True)
    for r in report.rows:
        extracted = "—" if r.extracted is None else f"{r.extracted}/{r.probed}"
        table.add_row(r.label, _loss(r.forget_loss), _loss(r.forget_span_loss),
                      _loss(r.forget_context_loss), extracted, _ppl(r.retain_ppl),
                      _ppl(r.holdout_ppl), _loss(r.lookalike_loss))  # fmt: skip
    console = Console(highlight=False)
    console.print(table)
    legend = [
        (
            "forget / PII / rest: loss (nats per token) on the forget texts: all tokens, the "
            "personal-data tokens, the other tokens"
        ),
        "extract: identifiers the model completes from the text before them",
        "retain / held-out: perplexity",
        (
            "alike: loss on the forget texts about a made-up person (look-alikes): should stay "
            "near 'before'"
        ),
        *report.notes,
    ]
    for line in legend:
        console.print(f"[dim]{line}[/]")
