"""Forget a person's photos: which samples of an image dataset a new version leaves out, and
the hashes the registry keeps of them.

The matches come from the person's photos (`--query`, searched as `images find` searches),
from a report of `images find` / `images faces` (`--images-report`), or from the registry's
photo removals (`forget --registry` on a new release). A picture cannot be redacted like a
span of text, so a matched sample is dropped whole: every file of its key in a tar shard,
its row in Parquet or Arrow. The image readers and the rewriters number samples alike
(`ImageFormat.rewrite_as`), which is what lets a match's row name the sample to drop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from expunge.errors import ExpungeError, OnError
from expunge.executors import Executor
from expunge.records import Dataset
from expunge.version import ShardEdits

REPORT_COMMANDS = ("images find", "images faces")


@dataclass(frozen=True, slots=True)
class ImageSource:
    """An image dataset and how its pixels are read."""

    dataset: Dataset
    images_dir: Path | None = None
    image_field: str | None = None
    on_error: OnError = "stop"


@dataclass(slots=True)
class PhotoRemoval:
    """The samples to drop (shard -> row -> key), how they were found, and the hashes of the
    removed images to record in the registry (empty when re-applying the registry)."""

    rows: dict[str, dict[int, str]]
    found_with: str
    threshold: int | None
    record: list[tuple[bytes, bytes]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # counts for the manifest

    @property
    def samples(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    def edits(self) -> dict[str, ShardEdits]:
        """Each matched sample as a row dropped whatever the mode (`outside` its text)."""
        return {
            shard: ShardEdits(spans={row: [] for row in rows}, outside=set(rows))
            for shard, rows in self.rows.items()
            if rows
        }

    def manifest_entry(self) -> dict[str, Any]:
        return {
            "samples_removed": self.samples,
            "found_with": self.found_with,
            "threshold": self.threshold,
            "hashes_recorded": len(self.record),
            **self.facts,
        }


def open_images(spec: str, format: str, images_dir: Path | None, image_field: str | None,
                on_error: OnError) -> ImageSource:  # fmt: skip
    """The dataset as the image readers see it; one clear error when it holds no images."""
    from expunge.images.read_formats import IMAGE_FORMATS
    from expunge.images.readers import open_image_dataset

    fmt = format if format in IMAGE_FORMATS else "auto"
    try:
        dataset = open_image_dataset(spec, fmt, images_dir, image_field=image_field)
    except ExpungeError as error:
        raise ExpungeError(
            f"photos can only be removed from an image dataset: {error.message}",
            "point at WebDataset tars, Parquet/Arrow with an image column or LAION metadata",
        ) from None
    return ImageSource(dataset, images_dir, image_field, on_error)


def writable(source: ImageSource) -> Dataset:
    """The dataset with each shard in the `expunge.io` format that rewrites it (a folder of
    image files stays one: `version.write_version` rebuilds it by linking); refused before
    anything is written when a shard has no such format."""
    from expunge.images.read_formats import image_format

    shards = []
    for shard in source.dataset.shards:
        fmt = image_format(shard.format, shard.label)
        if fmt.shard == "directory":  # a folder: its files linked but the removed ones
            shards.append(shard)
            continue
        if fmt.rewrite_as is None:
            raise ExpungeError(
                f"{shard.label}: an {fmt.title} cannot be written as a new version yet",
                "nothing was written; delete the files named by `expunge images find --out` "
                "by hand, or pack the folder as WebDataset tars",
            )
        shards.append(replace(shard, format=fmt.rewrite_as))
    return replace(source.dataset, shards=tuple(shards))


def from_queries(
    paths: Sequence[Path], source: ImageSource, executor: Executor, threshold: int
) -> PhotoRemoval:
    """Search the dataset for the person's photos; the matched images' hashes are recorded,
    and so are the queries' own (all 8 variants), to catch a mirrored copy in a new release."""
    from expunge.images.match import load_queries
    from expunge.images.search import find_in_dataset

    queries = load_queries(list(paths))
    found = find_in_dataset(
        queries, source.dataset, executor, threshold, images_dir=source.images_dir,
        image_field=source.image_field, on_error=source.on_error,
    )  # fmt: skip
    rows: dict[str, dict[int, str]] = {}
    for m in found.matches:
        rows.setdefault(m.shard, {})[m.row] = m.key
    removal = PhotoRemoval(rows, f"{len(queries)} query photo(s)", threshold)
    found_hashes = removed_hashes(source, rows, executor)
    variants = [(h.pdq, h.second) for q in queries for _, h in q.variants]
    removal.record = list(dict.fromkeys(found_hashes + variants))  # a copy may equal a variant
    removal.facts = _search_facts(found.images, found.without_pixels, len(found.skipped))
    return removal


def from_report(report: Path, source: ImageSource, executor: Executor) -> PhotoRemoval:
    """The matches an `images find` / `images faces` report names, checked against the
    dataset (each sample must still have the key the report saw) and hashed for the registry."""
    summary = _read_json(report / "summary.json")
    command = summary.get("command")
    if command not in REPORT_COMMANDS:
        raise ExpungeError(f"{report / 'summary.json'} is not from images find or images faces",
                           "give the --out directory of `expunge images find`")  # fmt: skip
    rows: dict[str, dict[int, str]] = {}
    path = report / "matches.jsonl"
    for number, line in enumerate(_read_lines(path), 1):
        try:
            match = orjson.loads(line)
            shard, row, key = match["shard"], match["row"], match["key"]
            if not (isinstance(shard, str) and isinstance(row, int) and isinstance(key, str)):
                raise TypeError
        except (orjson.JSONDecodeError, KeyError, TypeError):
            raise ExpungeError(f"{path}: line {number} is not a match of {command}",
                               "re-run the search with --out to write a new report") from None  # fmt: skip
        rows.setdefault(shard, {})[row] = key
    known = {s.label for s in source.dataset.shards}
    unknown = sorted(set(rows) - known)
    if unknown:
        raise ExpungeError(f"{report}: shard {unknown[0]} is not in this dataset",
                           "give the dataset the report was made from") from None  # fmt: skip
    threshold = summary.get("threshold")
    removal = PhotoRemoval(
        rows, f"{command} report", threshold if isinstance(threshold, int) else None
    )
    removal.record = removed_hashes(source, rows, executor)
    return removal


def from_registry(
    hashes: Sequence[tuple[bytes, bytes]], source: ImageSource, executor: Executor, threshold: int
) -> PhotoRemoval:
    """Re-find the registry's removed images in (a new release of) the dataset."""
    from expunge.images.search import find_in_dataset

    found = find_in_dataset(
        registry_queries(hashes), source.dataset, executor, threshold,
        images_dir=source.images_dir, image_field=source.image_field, on_error=source.on_error,
    )  # fmt: skip
    rows: dict[str, dict[int, str]] = {}
    for m in found.matches:
        rows.setdefault(m.shard, {})[m.row] = m.key
    removal = PhotoRemoval(rows, f"registry ({len(hashes)} removed images)", threshold)
    removal.facts = _search_facts(found.images, found.without_pixels, len(found.skipped))
    return removal


def registry_queries(hashes: Sequence[tuple[bytes, bytes]]) -> list[Any]:
    """Stored hashes as query photos of one variant each (a hash has no rotations: the
    person's photo is needed to find a mirrored copy)."""
    from expunge.images.hashing import ImageHash
    from expunge.images.match import QueryPhoto

    return [
        QueryPhoto(f"removed image {n}", (("as removed", ImageHash(pdq, 100, second)),))
        for n, (pdq, second) in enumerate(hashes, 1)
    ]


def removed_hashes(
    source: ImageSource, rows: dict[str, dict[int, str]], executor: Executor
) -> list[tuple[bytes, bytes]]:
    """(PDQ, dHash) of each matched sample, hashed as the index hashes it; a row that is not
    there any more, or holds another key, means the matches are out of date: refused."""
    from expunge.images.jobs import ImageHashJob

    jobs = [
        ImageHashJob(shard, str(source.images_dir) if source.images_dir else None,
                     source.image_field, "skip", frozenset(rows[shard.label]))
        for shard in source.dataset.shards
        if rows.get(shard.label)
    ]  # fmt: skip
    hashes: list[tuple[bytes, bytes]] = []
    for hashed in executor.map_jobs(jobs, None):
        seen = dict(zip(hashed.rows, hashed.keys, strict=True))
        for row, key in sorted(rows[hashed.shard].items()):
            if seen.get(row) != key:
                now = f"holds key {seen[row]!r}" if row in seen else "has no readable image"
                raise ExpungeError(
                    f"{hashed.shard} row {row} {now}, not the matched {key!r}: the matches "
                    "are out of date",
                    "nothing was written; search the dataset again and forget from that",
                )
        pdq, second = hashed.hashes, hashed.seconds
        hashes += [(bytes(pdq[i]), bytes(second[i])) for i in range(len(hashed.rows))]
    return hashes


def _search_facts(images: int, without_pixels: int, skipped: int) -> dict[str, int]:
    return {"images_compared": images, "samples_without_pixels": without_pixels,
            "unreadable_skipped": skipped}  # fmt: skip


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = orjson.loads(path.read_bytes())
    except OSError as error:
        raise ExpungeError(f"cannot read {path}: {error.strerror or error}",
                           "give the --out directory of `expunge images find`") from None  # fmt: skip
    except orjson.JSONDecodeError:
        raise ExpungeError(f"{path} is not JSON", "re-run the search with --out") from None
    if not isinstance(value, dict):
        raise ExpungeError(f"{path} is not a report summary", "re-run the search with --out")
    return value


def _read_lines(path: Path) -> list[bytes]:
    try:
        return [line for line in path.read_bytes().splitlines() if line.strip()]
    except OSError as error:
        raise ExpungeError(f"cannot read {path}: {error.strerror or error}",
                           "give the --out directory of `expunge images find`") from None  # fmt: skip


def check_photos(
    version: Path,
    shard_names: set[str],
    queries: Sequence[Any],
    executor: Executor,
    threshold: int,
    images_dir: Path | None = None,
    image_field: str | None = None,
) -> dict[str, Any]:
    """The photo part of a removal certificate: the version's images searched for the query
    photos and the registry's removed images, at the threshold the removal used."""
    from expunge.images.search import find_in_dataset

    source = open_images(str(version), "auto", images_dir, image_field, "skip")
    dataset = replace(
        source.dataset, shards=tuple(s for s in source.dataset.shards if s.label in shard_names)
    )
    found = find_in_dataset(queries, dataset, executor, threshold, images_dir=images_dir,
                            image_field=image_field, on_error="skip")  # fmt: skip
    per_shard: dict[str, int] = {}
    for shard, _ in {(m.shard, m.row) for m in found.matches}:  # an image once, however matched
        per_shard[shard] = per_shard.get(shard, 0) + 1
    return {
        "threshold": threshold,
        "photos_checked": len(queries),
        **_search_facts(found.images, found.without_pixels, len(found.skipped)),
        "matches_remaining": sum(per_shard.values()),
        "remaining_in": [{"file": s, "images": n} for s, n in sorted(per_shard.items())],
    }
