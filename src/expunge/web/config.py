"""What `expunge serve` serves, and where it keeps its state.

The state directory (0700, next to nothing public) holds the removal queue (`queue.sqlite`),
the maintainer token's digest, the suppression registry the removals are recorded in
(`registry/` unless `--registry` names another) and the versions the server writes
(`versions/vN-R-xxxx/`). The text index given with `--index` is updated in place after each
removal (only the rewritten shards are indexed again), so it always describes the current
version: the dataset given with `--dataset`, or the newest version the server wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class ServeConfig:
    index: Path
    state: Path
    dataset: str | None = None
    images_index: Path | None = None
    images_dataset: str | None = None  # thumbnails of photo matches
    registry: Path | None = None
    new_release: str | None = None  # "re-apply all removals" writes a version of this
    company: str | None = None  # the company behind the dataset or model (letters)
    phone_region: str = "US"
    workers: int = 1
    searches_per_minute: int | None = 20
    searches_per_day: int | None = 300

    @property
    def registry_dir(self) -> Path:
        return self.registry or self.state / "registry"

    @property
    def queue_file(self) -> Path:
        return self.state / "queue.sqlite"

    @property
    def versions_dir(self) -> Path:
        return self.state / "versions"
