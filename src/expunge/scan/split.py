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
from expunge.scan.stats import ShardResult, merge_parts
from expunge.scan.task import ShardJob, content_digest

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
                checksum = content_digest(job.shard.path)
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


def for_shards(executor: Executor) -> Executor:
    """`executor` with big files cut into parts (once: an already splitting one is kept)."""
    if isinstance(executor, SplittingExecutor):
        return executor
    return SplittingExecutor(executor, executor.workers)
