"""Executors decide where jobs run; they never change what a job computes.

A job is any picklable object with `run(progress) -> result` (`progress(records, text bytes,
file bytes)` while it runs, or None); an executor runs a list of them inline, in a process
pool or as Ray tasks and yields the results in completion order. This package knows nothing
of what the jobs do: scans, finds, forgets and verifies hand it their shard jobs
(`expunge.scan.task.ShardJob`), and the scan side cuts big files into parts around it
(`expunge.scan.split`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

ProgressFn = Callable[[int, int, int], None]
R_co = TypeVar("R_co", covariant=True)


class Job(Protocol[R_co]):
    def run(self, progress: ProgressFn | None = None) -> R_co: ...


class Executor(Protocol):
    workers: int
    # True when map_jobs calls on_progress while jobs run (else only finished jobs count).
    streams_progress: bool

    def map_jobs(self, jobs: Sequence[Any], on_progress: ProgressFn | None) -> Iterator[Any]:
        """Yield one result per job, in completion order. The first user error stops the run."""
        ...


def small(job: object) -> bool:
    """A job that says it is too small for a worker process (`small = True`) runs inline."""
    return bool(getattr(job, "small", False))


def make_executor(engine: str, workers: int, ray_address: str | None = None) -> Executor:
    from expunge.errors import ExpungeError

    if engine == "local":
        from expunge.executors.local import LocalExecutor

        return LocalExecutor(workers)
    if engine == "ray":
        from expunge.executors.ray import RayExecutor

        return RayExecutor(workers, ray_address)
    raise ExpungeError(f"unknown engine {engine!r}", "use --engine local or --engine ray")
