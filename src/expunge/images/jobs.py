"""Hashing an image dataset shard by shard: one job per shard, run by any executor.

A job reads its shard (`readers.read_samples`), decodes each image safely (`decode`) and
returns the PDQ hash, its quality and the confirming second hash of every sample with pixels,
with the sample's row, key, URL and caption. Nothing is written, so a job runs the same
inline, in a process pool or on Ray; `images index` stores what it returns, `images find`
without an index compares it with the query at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from expunge.errors import BadRow, ErrorPolicy, OnError
from expunge.executors import Executor, ProgressFn
from expunge.records import Dataset, Shard

if TYPE_CHECKING:
    from PIL import Image

    from .samples import ImageSample

from .hashing import PDQ_BYTES, SECOND_BYTES


@dataclass(slots=True)
class HashedShard:
    """One shard's image hashes and what the job saw."""

    shard: str
    samples: int = 0  # every sample the reader gave, with or without pixels
    without_pixels: int = 0  # samples whose image is not in the dataset (LAION metadata, ...)
    rows: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    quality: list[int] = field(default_factory=list)
    pdq: bytearray = field(default_factory=bytearray)  # PDQ_BYTES per hashed sample
    second: bytearray = field(default_factory=bytearray)  # SECOND_BYTES per hashed sample
    skipped: list[BadRow] = field(default_factory=list)  # unreadable samples (--on-error skip)
    samples_hashed: int = 0  # set when the hashes went to a segment file instead

    @property
    def hashes(self) -> np.ndarray:
        return np.frombuffer(bytes(self.pdq), dtype=np.uint8).reshape(-1, PDQ_BYTES)

    @property
    def seconds(self) -> np.ndarray:
        return np.frombuffer(bytes(self.second), dtype=np.uint8).reshape(-1, SECOND_BYTES)


@dataclass(frozen=True, slots=True)
class ImageHashJob:
    shard: Shard
    images_dir: str | None = None
    image_field: str | None = None
    on_error: OnError = "stop"
    rows: frozenset[int] | None = None  # hash only these samples (forget: the matched ones)

    small = False

    def run(self, progress: ProgressFn | None = None) -> HashedShard:
        from .decode import ImageDecodeError, decode_image
        from .hashing import hash_image
        from .readers import read_samples

        errors = ErrorPolicy(self.on_error)
        out = HashedShard(self.shard.label)
        images_dir = Path(self.images_dir) if self.images_dir else None
        samples = read_samples(self.shard, errors, images_dir, image_field=self.image_field)
        for sample in samples:
            if self.rows is not None and sample.location.row not in self.rows:
                continue
            out.samples += 1
            if sample.data is None:
                out.without_pixels += 1
                continue
            try:
                image = decode_image(sample.data)
            except ImageDecodeError as error:
                where = f"sample {sample.location.row}"
                errors.bad_row(self.shard.label, where, str(error), "re-run with --on-error skip")
                continue
            hashed = hash_image(image)
            out.rows.append(sample.location.row)
            out.keys.append(sample.key)
            out.urls.append(sample.url or "")
            out.captions.append(sample.caption or "")
            out.quality.append(hashed.quality)
            out.pdq += hashed.pdq
            out.second += hashed.second
            if progress is not None:
                progress(1, len(sample.data), 0)
        out.skipped = errors.skipped
        return out


@dataclass(frozen=True, slots=True)
class IndexSegmentJob:
    """Hash one shard and write its index segment in the worker, so the main process never
    holds a whole run's hashes: it gets the counts back and records the segment."""

    hashing: ImageHashJob
    segment: str  # where HashIndexWriter.segment_path says the shard's segment goes
    aux_width: int

    small = False

    def run(self, progress: ProgressFn | None = None) -> HashedShard:
        from .hash_index import ShardEntries, write_shard_segment

        found = self.hashing.run(progress)
        entries = ShardEntries(
            hashes=found.hashes,
            rows=found.rows,
            keys=found.keys,
            urls=found.urls,
            captions=found.captions,
            quality=found.quality,
            aux=found.seconds,
        )
        write_shard_segment(Path(self.segment), entries, self.aux_width)
        count = len(found.rows)
        found.rows, found.keys, found.urls, found.captions, found.quality = [], [], [], [], []
        found.pdq, found.second = bytearray(), bytearray()
        found.samples_hashed = count
        return found


def hash_shards(
    dataset: Dataset,
    executor: Executor,
    *,
    images_dir: Path | None = None,
    image_field: str | None = None,
    on_error: OnError = "stop",
    shards: Sequence[Shard] | None = None,
    on_progress: ProgressFn | None = None,
) -> Iterator[HashedShard]:
    """The hashes of every shard (or of `shards`), as the jobs finish: one shard's hashes at a
    time are held, whatever the dataset's size (callers order what they keep)."""
    wanted = list(dataset.shards if shards is None else shards)
    jobs = [
        ImageHashJob(s, str(images_dir) if images_dir else None, image_field, on_error)
        for s in wanted
    ]
    yield from executor.map_jobs(jobs, on_progress)


@dataclass(slots=True)
class FaceHit:
    """A dataset face within tolerance of the query: where it is, never the face itself."""

    shard: str
    row: int
    key: str
    url: str
    caption: str
    box: tuple[int, int, int, int]
    distance: float
    query: int  # which query photo it is closest to


@dataclass(slots=True)
class ShardFaces:
    shard: str
    images: int = 0
    hits: list[FaceHit] = field(default_factory=list)
    skipped: list[BadRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FaceMatchJob:
    """Compare every face of one shard with the query person's embeddings. The dataset's
    faces are compared inside `FaceModel.matches` and dropped; only hits leave the job."""

    shard: Shard
    query: bytes  # the query embeddings, (n, 128) float32, as bytes (small, picklable)
    tolerance: float
    detector: str = "hog"
    images_dir: str | None = None
    image_field: str | None = None
    on_error: OnError = "stop"

    small = False

    def run(self, progress: ProgressFn | None = None) -> ShardFaces:
        from .faces import FaceModel

        model = FaceModel(self.detector)  # type: ignore[arg-type]
        query = np.frombuffer(self.query, dtype=np.float32).reshape(-1, 128)
        errors = ErrorPolicy(self.on_error)
        out = ShardFaces(self.shard.label)
        images = face_images(self.shard, errors, self.images_dir, self.image_field)
        for sample, image in images:
            out.images += 1
            for hit in model.matches(image, query, tolerance=self.tolerance):
                out.hits.append(
                    FaceHit(
                        self.shard.label,
                        sample.location.row,
                        sample.key,
                        sample.url or "",
                        sample.caption or "",
                        hit.box,
                        round(hit.distance, 4),
                        hit.query,
                    )
                )
            if progress is not None:
                progress(1, len(sample.data or b""), 0)
        out.skipped = errors.skipped
        return out


def face_images(
    shard: Shard, errors: ErrorPolicy, images_dir: str | None, image_field: str | None
) -> Iterator[tuple[ImageSample, Image.Image]]:
    """Each sample with pixels and its image decoded for face detection; an image that
    cannot be decoded is a bad row (the error policy says whether that stops)."""
    from .decode import ImageDecodeError, decode_image
    from .faces import DETECT_SIDE
    from .readers import read_samples

    pixels_dir = Path(images_dir) if images_dir else None
    for sample in read_samples(shard, errors, pixels_dir, image_field=image_field):
        if sample.data is None:
            continue
        try:
            # faces need more pixels than the photo hash: a face of 40 px must stay 40 px
            image = decode_image(sample.data, reduce_to=DETECT_SIDE)
        except ImageDecodeError as error:
            where = f"sample {sample.location.row}"
            errors.bad_row(shard.label, where, str(error), "re-run with --on-error skip")
            continue
        yield sample, image
