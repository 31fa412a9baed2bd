"""How far the confirmation stage is from 0.30 of the json ceiling (issue 18): the in-process
scan of one core with every stage, without confirming candidates (hyperscan still runs, every
candidate is then dropped), and without detection at all (reading, batching, counting), each
against the stdlib-json ceiling measured alternately in the same minutes.

    python benchmarks/bench_scan_floor.py bench-data/corpus --repeat 3
    python benchmarks/bench_scan_floor.py bench-data/prose/records.jsonl --repeat 3

The floors are what no faster confirmer can go under: the budget the confirmation stage has
left at a target share is ceiling time / share - floor without confirmation.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench_speed_ratio import _ceiling, _files

from expunge.detect import engine
from expunge.errors import ExpungeError
from expunge.records import Shard
from expunge.scan.task import ScanConfig, scan_shard

_STAGES = ("every stage", "no confirmation", "no detection")


def _patched(stage: str) -> Callable[[], None]:
    """Switch the engine to `stage`; returns the undo."""
    confirm, scan = engine.Engine.confirm, engine.Engine.scan
    if stage == "no confirmation":
        engine.Engine.confirm = lambda self, raw, buf, starts, stops: {}  # type: ignore[method-assign]
    elif stage == "no detection":
        engine.Engine.scan = lambda self, buf, starts, stops: {}  # type: ignore[method-assign]

    def undo() -> None:
        engine.Engine.confirm, engine.Engine.scan = confirm, scan  # type: ignore[method-assign]

    return undo


def _scan(files: list[Path], stage: str) -> tuple[float, int]:
    undo = _patched(stage)
    try:
        started = time.perf_counter()
        findings = 0
        for path in files:
            try:
                result = scan_shard(Shard(path=str(path), format="jsonl"), ScanConfig())
            except ExpungeError as error:  # a bad row stops the scan (on_error="stop")
                sys.exit(f"error: {path}: {error}")
            findings += len(result.findings)
        return time.perf_counter() - started, findings
    finally:
        undo()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="a JSONL file or a directory of them")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--share", type=float, default=0.30, help="the target share")
    args = parser.parse_args()
    files = _files(args.target)
    if not files:
        sys.exit(f"error: {args.target}: no JSONL files")
    if args.repeat < 1 or not 0 < args.share <= 1:
        sys.exit("error: --repeat must be >= 1 and --share within (0, 1]")
    _scan(files[:1], _STAGES[0])  # compile the patterns, load the phone metadata
    ceiling = 1e9
    best = dict.fromkeys(_STAGES, 1e9)
    found = dict.fromkeys(_STAGES, 0)
    text = 0
    for _ in range(args.repeat):
        for stage in _STAGES:
            seconds, text = _ceiling(files)
            ceiling = min(ceiling, seconds)
            seconds, found[stage] = _scan(files, stage)
            best[stage] = min(best[stage], seconds)
    mb = text / 1e6
    print(f"{args.target}: {mb:.1f} MB of text, best of {args.repeat}, one core, in process")
    print(f"json ceiling: {ceiling:.3f} s ({mb / ceiling:.0f} MB/s)")
    print("| stage | seconds | MB/s | share of the ceiling | findings |")
    print("|---|---:|---:|---:|---:|")
    for stage in _STAGES:
        seconds = best[stage]
        print(f"| {stage} | {seconds:.3f} | {mb / seconds:.1f} | {ceiling / seconds:.3f} "
              f"| {found[stage]:,} |")  # fmt: skip
    budget = ceiling / args.share - best["no confirmation"]
    spent = best["every stage"] - best["no confirmation"]
    if budget <= 0:
        verdict = "even the floor without confirmation is too slow"
    elif spent > budget:
        verdict = f"they may take {budget:.3f} s: {spent / budget:.1f}x faster needed"
    else:
        verdict = f"they may take {budget:.3f} s: within it"
    print(f"confirmation and findings: {spent:.3f} s now; at {args.share:.2f} of the ceiling "
          f"{verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
