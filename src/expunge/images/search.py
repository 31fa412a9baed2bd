"""`expunge images index` and `expunge images find`: build the photo index of a dataset, and
find a person's photos with or without it.

Index: every shard is hashed as a job on the executor (`jobs.ImageHashJob`); unchanged shards
(size and sha256) keep their segment; the hash index (`hash_index`) stores the PDQ hashes with
the second hash as its `aux` column, rows, keys, URLs and captions, manifest written last.
Find: the query's 8 variants are searched in the index (exact multi-index hashing) or, without
an index, compared with each shard's hashes as the jobs return them; either way a match must
be confirmed by the second hash (`match.best_matches`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from expunge.errors import BadRow, ExpungeError, OnError
from expunge.executors import Executor
from expunge.records import Dataset

from .hashing import SECOND_BYTES
from .jobs import ImageHashJob, IndexSegmentJob, hash_shards
from .match import ImageMatch, QueryPhoto, _pdq_rows, best_matches, close_pairs

INDEX_SETTINGS = {"hash": "pdq", "second": "dhash-64", "version": 1}


@dataclass(slots=True)
class ImageIndexReport:
    shards: int = 0
    reused: list[str] = field(default_factory=list)
    hashed: list[str] = field(default_factory=list)
    images: int = 0  # images in the index
    samples_read: int = 0  # samples read in the shards hashed this run
    without_pixels: int = 0
    skipped: list[BadRow] = field(default_factory=list)


def build_image_index(
    dataset: Dataset,
    out: Path,
    executor: Executor,
    *,
    images_dir: Path | None = None,
    image_field: str | None = None,
    on_error: OnError = "stop",
) -> ImageIndexReport:
    from .hash_index import HashIndexWriter

    writer = HashIndexWriter(out, settings=INDEX_SETTINGS, aux_width=SECOND_BYTES)
    report = ImageIndexReport(shards=len(dataset.shards))
    prints = {s.label: writer.fingerprint(s.label, s.path) for s in dataset.shards}
    todo = [s for s in dataset.shards if not writer.reuse(s.label, prints[s.label])]
    # Each todo shard is hashed and its segment written by a worker; the main process gets
    # counts back and records the segments in dataset order (reuse() listed the others).
    jobs = [
        IndexSegmentJob(
            ImageHashJob(s, str(images_dir) if images_dir else None, image_field, on_error),
            str(writer.segment_path(s.label, prints[s.label])),
            SECOND_BYTES,
        )
        for s in todo
    ]
    hashed = {h.shard: h for h in executor.map_jobs(jobs, None)}
    for shard in dataset.shards:
        found = hashed.get(shard.label)
        if found is None:
            report.reused.append(shard.label)
            continue
        info = {"samples": found.samples, "without_pixels": found.without_pixels,
                "skipped": len(found.skipped)}  # fmt: skip
        writer.add_segment(shard.label, prints[shard.label], info)
        report.hashed.append(shard.label)
        report.samples_read += found.samples
        report.without_pixels += found.without_pixels
        report.skipped += found.skipped
    stats = writer.commit()
    report.images = stats.entries
    return report


def find_in_index(
    queries: Sequence[QueryPhoto],
    index_dir: Path,
    threshold: int,
    dataset: Dataset | None = None,
) -> list[ImageMatch]:
    """Search the index; given the `dataset` it was built from, first check it still
    describes it (an out-of-date index would miss new images and name rows that moved)."""
    from .hash_index import open_hash_index

    pdq, owners = _pdq_rows(queries)
    with open_hash_index(index_dir) as index:
        if index.settings != INDEX_SETTINGS:
            raise ExpungeError(f"{index_dir} is not an index of `expunge images index`",
                               "build it with expunge images index DATASET --out DIR")  # fmt: skip
        if dataset is not None:
            stale = index.changes({s.label: s.path for s in dataset.shards})
            if stale:
                more = f" (and {len(stale) - 1} more)" if len(stale) > 1 else ""
                raise ExpungeError(f"index {index_dir} is out of date: {stale[0]}{more}",
                                   "re-run expunge images index DATASET --out IDX")  # fmt: skip
        hits = index.search(pdq, threshold)
        seconds = {h.id: index.aux_of(h.id) for h in hits}
        best = best_matches(queries, ((h.query_index, h.id, h.distance) for h in hits),
                            owners, seconds)  # fmt: skip
        matches = []
        for (q, candidate), (v, distance, confirm_distance) in best.items():
            where = index.location(candidate)
            matches.append(ImageMatch(queries[q].name, queries[q].variants[v][0], distance,
                                      confirm_distance, where.shard, where.row, where.key,
                                      where.url, where.caption))  # fmt: skip
    return _ordered(matches)


@dataclass(slots=True)
class DatasetSearch:
    matches: list[ImageMatch]
    images: int = 0
    samples: int = 0
    without_pixels: int = 0
    skipped: list[BadRow] = field(default_factory=list)


def find_in_dataset(
    queries: Sequence[QueryPhoto],
    dataset: Dataset,
    executor: Executor,
    threshold: int,
    *,
    images_dir: Path | None = None,
    image_field: str | None = None,
    on_error: OnError = "stop",
) -> DatasetSearch:
    pdq, owners = _pdq_rows(queries)
    result = DatasetSearch([])
    for shard in hash_shards(dataset, executor, images_dir=images_dir,
                             image_field=image_field, on_error=on_error):  # fmt: skip
        result.images += len(shard.rows)
        result.samples += shard.samples
        result.without_pixels += shard.without_pixels
        result.skipped += shard.skipped
        hashes, seconds = shard.hashes, shard.seconds
        pairs = list(close_pairs(pdq, hashes, threshold))
        second_of = {c: bytes(seconds[c]) for _, c, _ in pairs}
        for (q, c), (v, distance, confirm_distance) in best_matches(
            queries, pairs, owners, second_of
        ).items():
            result.matches.append(
                ImageMatch(
                    queries[q].name,
                    queries[q].variants[v][0],
                    distance,
                    confirm_distance,
                    shard.shard,
                    shard.rows[c],
                    shard.keys[c],
                    shard.urls[c],
                    shard.captions[c],
                )
            )
    result.matches = _ordered(result.matches)
    return result


def _ordered(matches: list[ImageMatch]) -> list[ImageMatch]:
    return sorted(matches, key=lambda m: (m.shard, m.row, m.query))
