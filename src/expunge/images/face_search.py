"""`expunge images faces`: the query person's face searched in a dataset, or in a face index
that the user asked to keep.

By default nothing persists: each shard's faces are compared in the worker (`jobs.FaceMatchJob`)
and dropped. `--save-face-index DIR` keeps every face's embedding instead, so later searches
need no detection. Such an index holds biometric identifiers of everyone in the dataset
(BIPA 740 ILCS 14/15, GDPR Art. 9): it is opt-in, the CLI prints a warning, the directory is
0700 and its files 0600. It is the image hash index's store (segments, manifest last,
incremental by shard checksum), with the embedding (128 float32) and the face box (4 int32)
as each entry's aux value and the embedding's sign bits as its hash.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from expunge.errors import BadRow, ExpungeError, OnError
from expunge.executors import Executor, ProgressFn
from expunge.records import Dataset, Shard

from .faces import EMBEDDING_DIM
from .jobs import FaceHit, FaceMatchJob

EMBEDDING_BYTES = EMBEDDING_DIM * 4
AUX_WIDTH = EMBEDDING_BYTES + 16  # the embedding, then the box as 4 int32
# Different people were measured 0.50 apart at the nearest (BENCHMARKS.md §15): a match
# nearer than this is "likely", one beyond it a lead to check by eye.
LIKELY_DISTANCE = 0.5
SEARCH_STEP = 1 << 16  # index entries compared at a time


def face_index_settings(detector: str) -> dict[str, object]:
    return {"index": "faces", "embedding": "dlib-resnet-v1", "detector": detector, "version": 1}


def likelihood(distance: float) -> str:
    return "likely" if distance < LIKELY_DISTANCE else "possible: check by eye"


@dataclass(slots=True)
class FaceSearch:
    hits: list[FaceHit]
    images: int = 0
    faces: int = 0  # faces in the index (index searches and builds)
    skipped: list[BadRow] = field(default_factory=list)
    hashed: list[str] = field(default_factory=list)  # shards (re-)read to build the index
    reused: list[str] = field(default_factory=list)


def search_dataset(
    query: np.ndarray,
    dataset: Dataset,
    executor: Executor,
    tolerance: float,
    detector: str,
    *,
    images_dir: Path | None = None,
    image_field: str | None = None,
    on_error: OnError = "stop",
) -> FaceSearch:
    """Every shard's faces compared with the query in its worker; only hits come back."""
    jobs = [
        FaceMatchJob(s, query.astype(np.float32).tobytes(), tolerance, detector,
                     str(images_dir) if images_dir else None, image_field, on_error)
        for s in dataset.shards
    ]  # fmt: skip
    results = {r.shard: r for r in executor.map_jobs(jobs, None)}
    return FaceSearch(
        hits=[h for s in dataset.shards for h in results[s.label].hits],
        images=sum(r.images for r in results.values()),
        skipped=[b for r in results.values() for b in r.skipped],
    )


@dataclass(frozen=True, slots=True)
class FaceIndexJob:
    """Find, embed and store every face of one shard in its index segment (in the worker)."""

    shard: Shard
    segment: str
    detector: str = "hog"
    images_dir: str | None = None
    image_field: str | None = None
    on_error: OnError = "stop"

    small = False

    def run(self, progress: ProgressFn | None = None) -> FaceSearch:
        from expunge.errors import ErrorPolicy

        from .faces import FaceModel
        from .hash_index import ShardEntries, write_shard_segment
        from .jobs import face_images

        model = FaceModel(self.detector)  # type: ignore[arg-type]
        errors = ErrorPolicy(self.on_error)
        rows: list[int] = []
        keys: list[str] = []
        urls: list[str] = []
        captions: list[str] = []
        aux: list[bytes] = []
        images = 0
        for sample, image in face_images(self.shard, errors, self.images_dir, self.image_field):
            images += 1
            for face in model.faces_in(image):
                rows.append(sample.location.row)
                keys.append(sample.key)
                urls.append(sample.url or "")
                captions.append(sample.caption or "")
                box = np.asarray(face.box, np.int32).tobytes()
                aux.append(np.asarray(face.embedding, np.float32).tobytes() + box)
            if progress is not None:
                progress(1, len(sample.data or b""), 0)
        values = np.frombuffer(b"".join(aux), np.uint8).reshape(-1, AUX_WIDTH)
        embeddings = values[:, :EMBEDDING_BYTES].view(np.float32)
        signs = np.packbits(embeddings > 0, axis=1)  # 16 bytes, then 16 zero bytes
        hashes = np.zeros((len(rows), 32), np.uint8)
        hashes[:, : signs.shape[1]] = signs
        write_shard_segment(
            Path(self.segment),
            ShardEntries(hashes, rows, keys, urls, captions, aux=values),
            AUX_WIDTH,
        )
        return FaceSearch([], images=images, faces=len(rows), skipped=errors.skipped)


def build_face_index(
    dataset: Dataset,
    out: Path,
    executor: Executor,
    detector: str,
    *,
    images_dir: Path | None = None,
    image_field: str | None = None,
    on_error: OnError = "stop",
) -> FaceSearch:
    """Write (or update: only new or changed shards are read) the face index at `out`;
    private: directory 0700, every file 0600."""
    from .hash_index import HashIndexWriter

    writer = HashIndexWriter(out, settings=face_index_settings(detector), aux_width=AUX_WIDTH)
    os.chmod(out, 0o700)  # before any face is written (the writer refuses a foreign directory)
    prints = {s.label: writer.fingerprint(s.label, s.path) for s in dataset.shards}
    todo = [s for s in dataset.shards if not writer.reuse(s.label, prints[s.label])]
    jobs = [
        FaceIndexJob(s, str(writer.segment_path(s.label, prints[s.label])), detector,
                     str(images_dir) if images_dir else None, image_field, on_error)
        for s in todo
    ]  # fmt: skip
    done = {s.label: r for s, r in zip(todo, executor.map_jobs(jobs, None), strict=True)}
    report = FaceSearch([])
    for shard in dataset.shards:
        found = done.get(shard.label)
        if found is None:
            report.reused.append(shard.label)
            continue
        writer.add_segment(shard.label, prints[shard.label], {"images": found.images})
        report.hashed.append(shard.label)
        report.images += found.images
        report.skipped += found.skipped
    report.faces = writer.commit().entries
    for path in out.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return report


def search_index(
    query: np.ndarray,
    index_dir: Path,
    tolerance: float,
    detector: str | None = None,
    dataset: Dataset | None = None,
) -> FaceSearch:
    """Every indexed face within `tolerance` of a query embedding, nearest query kept; given
    the `dataset`, the index must still describe it."""
    from .hash_index import open_hash_index

    rows = np.atleast_2d(np.asarray(query, np.float32))
    hits: list[FaceHit] = []
    with open_hash_index(index_dir) as index:
        if index.settings.get("index") != "faces" or index.aux_width != AUX_WIDTH:
            raise ExpungeError(f"{index_dir} is not a face index",
                               "build one with expunge images faces ... --save-face-index DIR")  # fmt: skip
        if detector is not None and index.settings.get("detector") != detector:
            raise ExpungeError(
                f"{index_dir} was built with the {index.settings.get('detector')} detector",
                f"leave out --detector, or rebuild it with --detector {detector}",
            )
        if dataset is not None:
            stale = index.changes({s.label: s.path for s in dataset.shards})
            if stale:
                raise ExpungeError(f"face index {index_dir} is out of date: {stale[0]}",
                                   "re-run with --save-face-index to update it")  # fmt: skip
        query_norms = (rows * rows).sum(axis=1)
        values = index.aux_view()
        for first in range(0, len(values), SEARCH_STEP):
            piece = values[first : first + SEARCH_STEP]
            # a strided float view of the mapping (rows AUX_WIDTH bytes apart): no copy
            embeddings = piece[:, :EMBEDDING_BYTES].view(np.float32)
            # |a - q|^2 = |a|^2 - 2 a.q + |q|^2: one matrix product instead of N x Q differences
            squared = (
                np.einsum("ij,ij->i", embeddings, embeddings)[:, None] - 2 * embeddings @ rows.T
            )
            squared += query_norms[None, :]
            best = squared.argmin(axis=1)
            nearest = np.sqrt(np.maximum(squared[np.arange(len(piece)), best], 0.0))
            for i in np.flatnonzero(nearest <= tolerance).tolist():
                where = index.location(first + i)
                box = np.frombuffer(piece[i, EMBEDDING_BYTES:].tobytes(), np.int32)
                hits.append(FaceHit(where.shard, where.row, where.key, where.url, where.caption,
                                    (int(box[0]), int(box[1]), int(box[2]), int(box[3])),
                                    round(float(nearest[i]), 4), int(best[i])))  # fmt: skip
        faces = len(index)
        images = sum(int(s.info.get("images", 0)) for s in index.shards)
    return FaceSearch(hits, images=images, faces=faces)
