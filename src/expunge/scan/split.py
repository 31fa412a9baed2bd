"""Large files in parts, so that one big shard keeps every worker busy.

`SplittingExecutor` wraps any executor (scan, find, forget and verify wrap theirs with
`for_shards`). Before the jobs run, a file much larger than an even
share of the work is cut into byte ranges at record starts (io/ranges.py); each part is its
own job, and the parts' results are put back together into the one result the whole file
gives: rows renumbered from the parts' row counts, findings and samples in order, counts
summed. So the output is the same for any number of workers, split or not (tested).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import replace

from expunge.executors import Executor, ProgressFn
from expunge.scan.task import SAMPLES_PER_TYPE, ShardJob, ShardResult, file_checksum

# A part is at least this big: below it, a task's start-up outweighs what splitting gains.
MIN_PART_BYTES = 32 << 20
PARTS_PER_WORKER = 4


class SplittingExecutor:
    def __init__(self, inner: Executor, workers: int, min_part: int | None = None) -> None:
        self.inner = inner
        self.workers = max(1, workers)
        self.min_part = MIN_PART_BYTES if min_part is None else min_part
        self.streams_progress = inner.streams_progress

    def map_jobs(
        self, jobs: Sequence[ShardJob], on_progress: ProgressFn | None
    ) -> Iterator[ShardResult]:
        planned: list[ShardJob] = []
        parts_of: dict[str, int] = {}
        checksums: dict[str, str] = {}
        ready: list[ShardResult] = []
        for job, parts in self._plan(jobs):
            label = job.shard.label
            if len(parts) == 1:
                planned.append(job)
                continue
            if job.incremental:  # one hash of the whole file, here, not one per part
                checksum = file_checksum(job.shard.path)
                if checksum == job.previous_checksum:
                    ready.append(_reused(job, checksum))
                    continue
                checksums[label] = checksum
            parts_of[label] = len(parts)
            for start, end in parts:
                shard = replace(job.shard, byte_range=(start, end))
                planned.append(replace(job, shard=shard, incremental=False, previous_checksum=None))
        yield from ready
        collected: dict[str, list[ShardResult]] = {}
        for result in self.inner.map_jobs(planned, on_progress):
            if result.part is None:
                yield result
                continue
            done = collected.setdefault(result.shard, [])
            done.append(result)
            if len(done) == parts_of[result.shard]:
                merged = merge_parts(sorted(done, key=lambda r: r.part or 0))
                merged.checksum = checksums.get(result.shard)
                del collected[result.shard]
                yield merged

    def _plan(self, jobs: Sequence[ShardJob]) -> Iterator[tuple[ShardJob, list[tuple[int, int]]]]:
        from expunge.io.ranges import split_points, splittable

        sizes = [os.path.getsize(job.shard.path) for job in jobs]
        target = max(self.min_part, sum(sizes) // (self.workers * PARTS_PER_WORKER) + 1)
        for job, size in zip(jobs, sizes, strict=True):
            whole = [(0, size)]
            if (
                self.workers == 1
                or job.rows is not None
                or job.shard.byte_range is not None
                or size < 2 * target
                or not splittable(job.shard)
            ):
                yield job, whole
                continue
            parts = min(math.ceil(size / target), self.workers * PARTS_PER_WORKER)
            points = split_points(job.shard, size, parts)
            yield job, list(zip(points, [*points[1:], size], strict=True)) or whole


def _reused(job: ShardJob, checksum: str) -> ShardResult:
    return ShardResult(
        shard=job.shard.label,
        format=job.shard.format,
        size=os.path.getsize(job.shard.path),
        checksum=checksum,
        reused=True,
    )


def merge_parts(parts: Sequence[ShardResult]) -> ShardResult:
    """The result of the whole file from the results of its parts, in file order."""
    first = parts[0]
    merged = ShardResult(shard=first.shard, format=first.format, size=first.size)
    base = 0
    taken: dict[object, int] = {}
    for part in parts:
        merged.records += part.records
        merged.bytes += part.bytes
        merged.records_with_pii += part.records_with_pii
        merged.seconds += part.seconds
        merged.progress_bytes += part.progress_bytes
        for key, value in part.by_type.items():
            merged.by_type[key] = merged.by_type.get(key, 0) + value
        for key, value in part.records_by_type.items():
            merged.records_by_type[key] = merged.records_by_type.get(key, 0) + value
        for subject, levels in part.by_subject.items():
            into = merged.by_subject.setdefault(subject, {})
            for level, count in levels.items():
                into[level] = into.get(level, 0) + count
        merged.findings.extend((row + base, *rest) for row, *rest in part.findings)  # type: ignore[misc]
        merged.text_ends.update({row + base: end for row, end in part.text_ends.items()})
        for sample in part.samples:
            kind = sample["type"]
            if taken.get(kind, 0) < SAMPLES_PER_TYPE:
                taken[kind] = taken.get(kind, 0) + 1
                merged.samples.append({**sample, "row": int(sample["row"]) + base})  # type: ignore[call-overload]
        merged.skipped.extend(part.skipped)
        base += part.rows
    merged.rows = base
    return merged


def for_shards(executor: Executor) -> Executor:
    """`executor` with big files cut into parts (once: an already splitting one is kept)."""
    if isinstance(executor, SplittingExecutor):
        return executor
    return SplittingExecutor(executor, executor.workers)
