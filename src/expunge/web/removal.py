"""Approved removals, run one at a time in the server's worker thread.

Approving a request is `expunge forget` on the current version with the request's digests
(the registry's form: the server never had the profile), then `expunge verify` with the
registry, then the text index brought up to date (only rewritten shards are indexed again):
the new version becomes the current one. "Re-apply all removals" is `expunge forget
--registry` on the configured new release, verified and indexed the same way. Progress and
results are written to the queue, which the status pages read.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from expunge.errors import ExpungeError

from .config import ServeConfig
from .store import Queue

log = logging.getLogger("expunge.web")


class Remover:
    def __init__(self, config: ServeConfig, queue: Queue) -> None:
        from expunge.forget import Registry

        self.config = config
        self.queue = queue
        self.registry = Registry(config.registry_dir)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="expunge-removal")
        self._lock = threading.Lock()
        self.reapply_state: dict[str, Any] = {"status": "idle"}

    # --- what is current ------------------------------------------------------------------

    def current_version(self) -> str | None:
        versions = self.queue.versions()
        return versions[-1]["path"] if versions else self.config.dataset

    def current_images(self) -> str | None:
        """The image dataset as it is now: the newest images version written here."""
        versions = self.queue.versions("images")
        return versions[-1]["path"] if versions else self.config.images_dataset

    def next_version_dir(self, label: str, kind: str = "text") -> Path:
        number = len(self.queue.versions(kind)) + 1
        self.config.versions_dir.mkdir(parents=True, exist_ok=True)
        prefix = "v" if kind == "text" else "images-v"
        return self.config.versions_dir / f"{prefix}{number}-{label}"

    # --- requests ---------------------------------------------------------------------------

    def approve(self, request_id: str) -> bool:
        found = self.queue.get(request_id)
        if found is not None and found.photos and self.current_images() is None:
            raise ExpungeError("no image dataset is configured",
                               "start the server with --images-dataset")  # fmt: skip
        if found is not None and not found.photos and self.current_version() is None:
            raise ExpungeError("no dataset is configured", "start the server with --dataset")
        if not self.queue.set_status(request_id, "approved", progress="waiting to start",
                                     expect=("new", "failed")):  # fmt: skip
            return False
        self._pool.submit(self._run_request, request_id)
        return True

    def reject(self, request_id: str, reason: str) -> bool:
        return self.queue.set_status(request_id, "rejected", result={"reason": reason[:500]},
                                     expect=("new", "failed"))  # fmt: skip

    def _run_request(self, request_id: str) -> None:
        from expunge.executors import make_executor
        from expunge.forget import forget, verify
        from expunge.io import open_dataset

        request = self.queue.get(request_id)
        if request is None:
            return
        if request.photos:
            self._run_photo_request(request)
            return
        step = "starting"
        try:
            current = self.current_version()
            assert current is not None
            self.queue.set_status(request_id, "running", progress="searching the dataset")
            out = self.next_version_dir(request_id)
            executor = make_executor("local", self.config.workers)
            table = self.registry.table_of(request.identifiers)

            def record() -> None:
                self.registry.record_digests(request.identifiers, request_id, "drop", current)

            step = "writing the new version"
            manifest = forget(open_dataset(current), [], out, executor, request_id=request_id,
                              registry=self.registry, registered=(table, record),
                              phone_region=self.config.phone_region,
                              found_with="web request")  # fmt: skip
            step = "verifying the new version"
            self.queue.set_progress(request_id, step)
            certificate = verify(out, executor, registry=self.registry)
            step = "updating the index"
            self.queue.set_progress(request_id, step)
            self._index(str(out))
            self.queue.add_version(str(out), request_id)
            self._done(request_id, out, manifest, certificate)
        except Exception as error:  # noqa: BLE001 - the worker must outlive any one request
            self._failed(request_id, step, error)

    def _run_photo_request(self, request: Any) -> None:
        """Forget the request's photo (its hashes, as the registry re-finds removed images) in
        the current image dataset, record them, verify, update the images index."""
        from expunge.executors import make_executor
        from expunge.forget import forget, verify
        from expunge.forget.photos import from_registry, open_images, writable
        from expunge.forget.run import PhotoCheck
        from expunge.images.hashing import MATCH_THRESHOLD
        from expunge.images.readers import open_image_dataset
        from expunge.images.search import build_image_index

        step = "starting"
        try:
            current = self.current_images()
            assert current is not None and self.config.images_index is not None
            self.queue.set_status(request.id, "running", progress="searching the images")
            hashes = [(self.registry.masked(bytes.fromhex(p["pdq"])),
                       self.registry.masked(bytes.fromhex(p["second"]))) for p in request.photos]  # fmt: skip
            executor = make_executor("local", self.config.workers)
            source = open_images(current, "auto", None, None, "skip")
            removal = from_registry(hashes, source, executor, MATCH_THRESHOLD)
            removal.record = hashes
            removal.found_with = "web photo request"
            out = self.next_version_dir(request.id, "images")
            step = "writing the new version"
            manifest = forget(writable(source), [], out, executor, photos=removal,
                              registry=self.registry, request_id=request.id,
                              found_with="web photo request")  # fmt: skip
            step = "verifying the new version"
            self.queue.set_progress(request.id, step)
            certificate = verify(out, executor, registry=self.registry, photos=PhotoCheck())
            step = "updating the images index"
            self.queue.set_progress(request.id, step)
            build_image_index(open_image_dataset(str(out)), self.config.images_index, executor)
            self.queue.add_version(str(out), request.id, "images")
            self._done(request.id, out, manifest, certificate)
        except Exception as error:  # noqa: BLE001 - the worker must outlive any one request
            self._failed(request.id, step, error)

    def _done(self, request_id: str, out: Path, manifest: dict[str, Any],
              certificate: dict[str, Any]) -> None:  # fmt: skip
        self.queue.set_status(request_id, "done", progress="", result={
            "version": out.name, "path": str(out),
            "records_dropped": manifest["totals"]["records_dropped"],
            "verified": certificate["result"], "certificate": certificate,
            "manifest": {k: manifest[k] for k in ("created", "totals", "shards")},
        })  # fmt: skip

    def _failed(self, request_id: str, step: str, error: Exception) -> None:
        """The request failed: its one line for the maintainer (ExpungeError's own line), and
        for the log the kind of error only (a message could quote a record)."""
        if isinstance(error, ExpungeError):
            message = str(error)
        else:
            log.error("request %s failed while %s: %s", request_id, step, type(error).__name__)
            message = f"{type(error).__name__}: {error}"
        self.queue.set_status(request_id, "failed", progress="",
                              result={"error": f"{step}: {message}"})  # fmt: skip

    # --- a new release ----------------------------------------------------------------------

    def reapply(self) -> bool:
        if self.config.new_release is None:
            raise ExpungeError("no new release is configured", "start with --new-release DATASET")
        with self._lock:
            if self.reapply_state["status"] == "running":
                return False
            self.reapply_state = {"status": "running", "progress": "waiting to start"}
        self._pool.submit(self._run_reapply)
        return True

    def _run_reapply(self) -> None:
        from expunge.executors import make_executor
        from expunge.forget import forget, verify
        from expunge.io import open_dataset

        release = self.config.new_release
        assert release is not None
        try:
            self.reapply_state["progress"] = "re-applying every removal"
            out = self.next_version_dir("release")
            executor = make_executor("local", self.config.workers)
            manifest = forget(open_dataset(release), [], out, executor, registry=self.registry,
                              phone_region=self.config.phone_region,
                              found_with="registry (web)")  # fmt: skip
            self.reapply_state["progress"] = "verifying"
            certificate = verify(out, executor, registry=self.registry)
            self.reapply_state["progress"] = "indexing the new release"
            self._index(str(out))
            self.queue.add_version(str(out), "release")
            self.reapply_state = {"status": "done", "version": out.name,
                                  "records_dropped": manifest["totals"]["records_dropped"],
                                  "verified": certificate["result"]}  # fmt: skip
        except Exception as error:  # noqa: BLE001 - the worker must outlive a failed run
            log.error("re-applying the registry failed: %s", type(error).__name__)
            self.reapply_state = {"status": "failed", "error": str(error)}

    def _index(self, version: str) -> None:
        from expunge.index import build_index
        from expunge.records import FieldSpec

        build_index(version, self.config.index, FieldSpec(), workers=self.config.workers)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)


def wait_idle(remover: Remover, timeout: float = 300.0) -> None:
    """Block until the worker has finished what was submitted (tests, --demo shutdown)."""
    remover._pool.submit(lambda: None).result(timeout=timeout)


def version_name(path: str | None) -> str:
    """A version as the pages name it: the folder the server wrote (v1-R-...), else the
    configured dataset's folder name."""
    return Path(path).name if path else "-"
