"""Ray executor: the same jobs as Ray tasks, on a local Ray or an existing cluster.

Shard paths must be readable from every Ray worker (local disk for a local Ray, shared storage
or the same mount on a cluster).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from expunge.errors import ExpungeError
from expunge.executors import Job, ProgressFn


def _run_job(job: Job[Any]) -> Any:
    return job.run(None)


class RayExecutor:
    streams_progress = False  # Ray tasks report when they finish

    def __init__(self, workers: int, address: str | None) -> None:
        self.workers = max(1, workers)
        self.address = address

    def map_jobs(self, jobs: Sequence[Job[Any]], on_progress: ProgressFn | None) -> Iterator[Any]:
        """Ray tasks report when they finish; `on_progress` is not called (no live counters)."""
        try:
            import ray
            from ray.exceptions import RayTaskError
        except ImportError:
            raise ExpungeError(
                "--engine ray needs Ray", "install it with: pip install 'expunge[ray]'"
            ) from None
        started_here = not ray.is_initialized()
        if started_here:
            ray.init(
                address=self.address,
                num_cpus=None if self.address else self.workers,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
            )
        remote_run = ray.remote(num_cpus=1, max_retries=0)(_run_job)
        try:
            refs = [remote_run.remote(job) for job in jobs]
            while refs:
                done, refs = ray.wait(refs, num_returns=1)
                try:
                    yield ray.get(done[0])
                except RayTaskError as error:
                    if isinstance(error.cause, ExpungeError):
                        for ref in refs:
                            ray.cancel(ref)
                        raise error.cause from None
                    raise
        finally:
            if started_here:
                ray.shutdown()
