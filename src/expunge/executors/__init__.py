"""Executors decide where shard tasks run; they never change what a task computes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from expunge.scan.task import ProgressFn, ShardJob, ShardResult


class Executor(Protocol):
    # True when map_shards calls on_progress while shards run (else only finished shards count).
    streams_progress: bool

    def map_shards(
        self, jobs: Sequence[ShardJob], on_progress: ProgressFn | None
    ) -> Iterator[ShardResult]:
        """Yield one result per shard, in completion order. The first user error stops the run."""
        ...


def make_executor(engine: str, workers: int, ray_address: str | None = None) -> Executor:
    from expunge.errors import ExpungeError
    from expunge.executors.split import SplittingExecutor

    if engine == "local":
        from expunge.executors.local import LocalExecutor

        return SplittingExecutor(LocalExecutor(workers), workers)
    if engine == "ray":
        from expunge.executors.ray import RayExecutor

        return SplittingExecutor(RayExecutor(workers, ray_address), workers)
    raise ExpungeError(f"unknown engine {engine!r}", "use --engine local or --engine ray")
