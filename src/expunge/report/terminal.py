"""Terminal output of a scan: live progress and the summary tables (rich)."""

from __future__ import annotations

import threading
from typing import Self

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from expunge.confidence import LEVELS
from expunge.scan.run import ProgressHooks
from expunge.scan.stats import ShardResult
from expunge.scan.summary import ScanSummary


class _RateColumn(ProgressColumn):
    """records/s and MB/s of text, from the live counters kept in the task's fields."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        if elapsed <= 0:
            return Text("")
        records = task.fields.get("records", 0)
        mb = task.fields.get("text_bytes", 0) / 1e6
        return Text(f"{records / elapsed:,.0f} rec/s {mb / elapsed:,.1f} MB/s", style="cyan")


class ScanProgress:
    """Owns a rich Progress; gives the scan runner its hooks. Counters are updated from threads."""

    def __init__(self, console: Console) -> None:
        self._lock = threading.Lock()
        self._records = 0
        self._bytes = 0
        self.progress = Progress(
            TextColumn("[bold]scanning"),
            BarColumn(bar_width=16),
            TextColumn("{task.fields[shards_done]}/{task.fields[shards]} shards"),
            _RateColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._task = self.progress.add_task(
            "scan", total=None, records=0, text_bytes=0, shards=0, shards_done=0, start=False
        )
        self._shards_done = 0

    def hooks(self) -> ProgressHooks:
        return ProgressHooks(start=self._start, records=self._on_records, shard_done=self._on_shard)

    def _start(self, shards: int, total_bytes: int) -> None:
        # The bar advances in file bytes so that ETA weighs big shards more than small ones.
        self.progress.update(self._task, total=max(total_bytes, 1), shards=shards)
        self.progress.start_task(self._task)

    def _on_records(self, records: int, nbytes: int, file_bytes: int) -> None:
        with self._lock:
            self._records += records
            self._bytes += nbytes
            self.progress.update(
                self._task, advance=file_bytes, records=self._records, text_bytes=self._bytes
            )

    def _on_shard(self, result: ShardResult, counted_live: bool) -> None:
        with self._lock:
            if not counted_live:
                self._records += result.records if not result.reused else 0
                self._bytes += result.bytes if not result.reused else 0
            self._shards_done += 1
            self.progress.update(
                self._task,
                # what the live reports did not already move (all of it for Ray and reuse)
                advance=result.size - (result.progress_bytes if counted_live else 0),
                records=self._records,
                text_bytes=self._bytes,
                shards_done=self._shards_done,
            )

    def __enter__(self) -> Self:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


def print_subjects(console: Console, by_subject: dict[str, dict[str, int]]) -> None:
    """`expunge find`: one row per subject, records by confidence."""
    if not by_subject:
        console.print("No subject was found in this dataset.")
        return
    table = Table(title="Subjects found", title_justify="left")
    table.add_column("subject", overflow="fold")
    for level in LEVELS:
        table.add_column(f"{level} records", justify="right")
    for subject, levels in by_subject.items():
        table.add_row(Text(subject), *(f"{levels.get(k, 0):,}" for k in LEVELS))
    console.print(table)


def print_scan_summary(console: Console, summary: ScanSummary, top_shards: int = 5) -> None:
    totals = summary.totals
    finding = summary.command == "find"
    records = totals.records
    share = totals.records_with_pii / records if records else 0.0
    mb = totals.bytes / 1e6
    speed = mb / summary.elapsed_s if summary.elapsed_s else 0.0
    console.print(
        f"[bold]{totals.records_with_pii:,}[/] of {records:,} records ({share:.1%}) "
        + ("mention a subject: " if finding else "contain personal data: ")
        + f"{totals.findings:,} findings in {totals.shards} shard{'' if totals.shards == 1 else 's'} "
        f"({mb:,.1f} MB of text in {summary.elapsed_s:.1f} s, {speed:,.1f} MB/s)"
    )
    if totals.shards_reused:
        console.print(f"{totals.shards_reused} unchanged shards reused from the previous scan")
    if summary.sample is not None:
        console.print(f"[yellow]a sample:[/] {summary.sample:.1%} of the records were read "
                      "(--sample); counts are of the sample, not of the dataset")  # fmt: skip
    if summary.by_type:
        table = Table(title="Findings by type", title_justify="left")
        table.add_column("type")
        table.add_column("findings", justify="right")
        table.add_column("records", justify="right")
        table.add_column("% of records", justify="right")
        for kind, (found, in_records) in summary.by_type.items():
            table.add_row(
                kind,
                f"{found:,}",
                f"{in_records:,}",
                f"{in_records / records:.1%}" if records else "-",
            )
        console.print(table)
    shards = sorted(summary.shards, key=lambda s: -s.findings)[:top_shards]
    if shards and shards[0].findings:
        table = Table(title=f"Top {len(shards)} shards by findings", title_justify="left")
        table.add_column("shard", overflow="fold")
        table.add_column("records", justify="right")
        table.add_column("matched" if finding else "with PII", justify="right")
        table.add_column("findings", justify="right")
        for s in shards:
            pct = s.records_with_pii / s.records if s.records else 0.0
            table.add_row(Text(s.shard), f"{s.records:,}", f"{pct:.1%}", f"{s.findings:,}")
        console.print(table)
    if totals.skipped_rows:
        console.print(
            f"[yellow]{totals.skipped_rows:,} bad rows skipped[/] "
            + "; first: "
            + ", ".join(escape(f"{s['shard']} {s['where']}") for s in summary.skipped[:3])
        )
    if finding:
        print_subjects(console, summary.by_subject or {})
    elif not summary.ner_enabled:
        console.print(Text("Names (person) were not scanned. " + summary.ner_note, style="dim"))
