"""Run a scan over a whole dataset: schedule shard tasks, merge results, write outputs atomically."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from expunge.atomic import open_atomic, write_atomic, write_json_atomic
from expunge.executors import ProgressFn
from expunge.records import Dataset
from expunge.scan.split import for_shards
from expunge.scan.state import STATE_VERSION, load_state, shard_key, state_dir
from expunge.scan.stats import ShardResult
from expunge.scan.summary import ScanSummary, ShardEntry, summarize
from expunge.scan.task import ScanConfig, ShardJob

if TYPE_CHECKING:
    from expunge.executors import Executor


@dataclass(slots=True)
class ScanOutcome:
    summary: ScanSummary
    out_dir: Path | None


@dataclass(slots=True)
class ProgressHooks:
    """How the caller shows progress; all optional so the library runs silently."""

    start: Callable[[int, int], None] | None = None  # (shards, total file bytes)
    records: ProgressFn | None = None  # live (records, text bytes, file bytes) from workers
    shard_done: Callable[[ShardResult, bool], None] | None = None  # (result, counted_live)


def run_scan(
    dataset: Dataset,
    config: ScanConfig,
    executor: Executor,
    out_dir: Path | None,
    hooks: ProgressHooks | None = None,
    *,
    live_progress: bool = True,
) -> ScanOutcome:
    hooks = hooks or ProgressHooks()
    started_at = datetime.now(UTC)
    clock = time.perf_counter()
    fingerprint = config.fingerprint()
    previous: dict[str, dict[str, Any]] = {}
    created_out = False
    staging: Path | None = None
    if out_dir is not None:
        _check_out_dir(dataset, out_dir)
        previous = load_state(out_dir, fingerprint, dataset.root)
        created_out = not out_dir.exists()
        staging = state_dir(out_dir) / f"staging-{uuid.uuid4().hex[:8]}"
        staging.mkdir(parents=True)

    sizes = {s.label: os.path.getsize(s.path) for s in dataset.shards}
    previous_checksums = {
        name: entry["checksum"]
        for name, entry in previous.items()
        if name in sizes and entry.get("size") == sizes[name] and entry.get("checksum")
    }
    if hooks.start:
        hooks.start(len(dataset.shards), sum(sizes.values()))

    entries: dict[str, ShardEntry] = {}
    try:
        jobs = [
            ShardJob(s, config, out_dir is not None, previous_checksums.get(s.label))
            for s in dataset.shards
        ]
        results = for_shards(executor).map_jobs(jobs, hooks.records if live_progress else None)
        for result in results:
            if result.reused:
                entry = ShardEntry.from_json(previous[result.shard], reused=True)
            else:
                entry = ShardEntry.from_result(result)
                if staging is not None:
                    _write_shard_findings(staging / f"{shard_key(result.shard)}.jsonl", result)
            entries[result.shard] = entry
            if hooks.shard_done:
                streamed = live_progress and executor.streams_progress and not result.reused
                hooks.shard_done(result, streamed)
    except BaseException:
        if out_dir is not None:
            shutil.rmtree(out_dir if created_out else staging, ignore_errors=True)  # type: ignore[arg-type]
        raise

    ordered = [entries[s.label] for s in dataset.shards]
    summary = summarize(dataset, config, ordered, started_at, time.perf_counter() - clock)
    if out_dir is not None and staging is not None:
        _publish(out_dir, staging, dataset, ordered, summary, fingerprint)
    return ScanOutcome(summary=summary, out_dir=out_dir)


def _check_out_dir(dataset: Dataset, out_dir: Path) -> None:
    """Refuse an --out the next scan would read as data (the same rule as forget's), before
    any work, so nothing is written. A single named file's folder is not a dataset: reports
    may sit beside it."""
    from expunge.errors import ExpungeError

    if out_dir.exists() and not out_dir.is_dir():
        raise ExpungeError(
            f"--out {out_dir} exists and is not a directory", "pick a directory path"
        )
    if dataset.single_file:
        return
    out, root = os.path.realpath(out_dir), os.path.realpath(dataset.root)
    if out == root or out.startswith(root.rstrip(os.sep) + os.sep):
        raise ExpungeError(
            f"--out {out_dir} is inside the dataset {dataset.root}",
            "write the scan results to a directory outside the dataset",
        )


def _write_shard_findings(path: Path, result: ShardResult) -> None:
    from expunge.io.raw import outside_text

    ends = result.text_ends
    with open(path, "wb") as out:
        for f in result.findings:
            start, end = f.start, f.end
            stored = outside_text(start, end, ends.get(f.row))
            if stored is not None:  # offsets into the record's other stored material
                start, end = stored
            line: dict[str, Any] = {
                "shard": result.shard,
                "row": f.row,
                "id": f.id,
                "type": f.type,
                "start": start,
                "end": end,
                "score": f.score,
                "validator": f.validator,
            }
            if f.subject is not None:
                line["subject"] = f.subject
                line["confidence"] = f.confidence
                line["context"] = f.context
            if stored is not None:
                line["in"] = "stored"
            out.write(orjson.dumps(line))
            out.write(b"\n")


def _publish(
    out_dir: Path,
    staging: Path,
    dataset: Dataset,
    entries: list[ShardEntry],
    summary: ScanSummary,
    fingerprint: str,
) -> None:
    """Move staged results into place; every visible file is replaced by a rename, never rewritten."""
    from expunge.report.html import render_scan_report

    cache = state_dir(out_dir) / "shards"
    cache.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        key = shard_key(entry.shard)
        staged = staging / f"{key}.jsonl"
        if staged.exists():
            os.replace(staged, cache / f"{key}.jsonl")
    keep = {f"{shard_key(e.shard)}.jsonl" for e in entries}
    for stale in cache.iterdir():
        if stale.name not in keep:
            stale.unlink()

    with open_atomic(out_dir / "findings.jsonl") as out:
        for entry in entries:
            with open(cache / f"{shard_key(entry.shard)}.jsonl", "rb") as part:
                shutil.copyfileobj(part, out, 1 << 20)
    write_json_atomic(out_dir / "summary.json", summary.to_json())
    write_atomic(out_dir / "report.html", render_scan_report(summary).encode("utf-8"))
    write_json_atomic(
        state_dir(out_dir) / "state.json",
        {
            "version": STATE_VERSION,
            "fingerprint": fingerprint,
            "dataset_root": dataset.root,
            "shards": {e.shard: {**e.to_json(), "reused": False} for e in entries},
        },
    )
    shutil.rmtree(staging, ignore_errors=True)
