"""Local executor: a process pool over shards (or inline when one worker is enough)."""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing.connection import Connection
from typing import Any

from expunge.executors import Job, ProgressFn, small

_progress_queue: Any = None  # set in each worker by _init_worker


def _init_worker(progress_queue: Any, parent_alive: Connection) -> None:
    global _progress_queue
    _progress_queue = progress_queue
    threading.Thread(
        target=_exit_with_parent, args=(parent_alive,), daemon=True, name="parent-watch"
    ).start()


def _exit_with_parent(parent_alive: Connection) -> None:
    """End this worker as soon as the main process is gone, however it ended (kill -9 too).

    Nothing else would: a worker waiting on the pool's call queue holds a write end of that
    queue itself, so it never sees EOF; one busy with a shard checks nothing; and the
    forkserver lives on while any worker holds its liveness pipe. Only the main process holds
    the write end of `parent_alive`, so the kernel closes it when that process dies.
    """
    try:
        parent_alive.recv_bytes()  # nothing is ever sent: this returns only by raising EOFError
    except (EOFError, OSError):
        pass
    os._exit(1)


def _report(records: int, nbytes: int, file_bytes: int) -> None:
    _progress_queue.put((records, nbytes, file_bytes))


def _run_job(job: Job[Any]) -> Any:
    return job.run(_report if _progress_queue else None)


class LocalExecutor:
    streams_progress = True

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)

    def map_jobs(self, jobs: Sequence[Job[Any]], on_progress: ProgressFn | None) -> Iterator[Any]:
        workers = min(self.workers, len(jobs))
        if workers <= 1 or all(small(job) for job in jobs):
            # In-process: no start-up cost, and tracebacks of real bugs stay readable. Small
            # jobs (a few rows an index named) are not worth a pool.
            for job in jobs:
                yield job.run(on_progress)
            return
        yield from self._pool(jobs, on_progress, workers)

    def _pool(
        self, jobs: Sequence[Job[Any]], on_progress: ProgressFn | None, workers: int
    ) -> Iterator[Any]:
        # forkserver: workers do not inherit the parent's threads (the progress display).
        context = mp.get_context("forkserver")
        progress_queue = context.Queue() if on_progress else None
        stop = threading.Event()
        drainer = None
        if on_progress is not None and progress_queue is not None:
            drainer = threading.Thread(
                target=_drain, args=(progress_queue, on_progress, stop), daemon=True
            )
            drainer.start()
        parent_alive, alive_writer = context.Pipe(duplex=False)
        pool = ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(progress_queue, parent_alive),
        )
        try:
            pending: set[Future[Any]] = {pool.submit(_run_job, job) for job in jobs}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()  # re-raises a worker's error here
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            alive_writer.close()  # after shutdown: closing it ends any worker still running
            parent_alive.close()
            stop.set()
            if drainer is not None:
                drainer.join(timeout=2)


def _drain(progress_queue: Any, on_progress: ProgressFn, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            records, nbytes, file_bytes = progress_queue.get(timeout=0.1)
        except queue.Empty:
            continue
        except (EOFError, OSError):
            return
        on_progress(records, nbytes, file_bytes)
