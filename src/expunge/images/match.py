"""Matching a person's query photos against image hashes: with an index or shard by shard.

Each query photo is hashed in its 8 dihedral variants (rotations, mirror images). A dataset
image matches when its PDQ hash is within the threshold of a variant's and the second hash of
that same variant agrees (`hashing.confirm`), which cuts the chance matches PDQ alone makes.
One match per (query photo, dataset image): the variant at the smallest distance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from expunge.errors import ExpungeError

from .hashing import MATCH_THRESHOLD, ImageHash, check_query, hamming, query_hashes


@dataclass(frozen=True, slots=True)
class QueryPhoto:
    """One query photo: its name (file name only, never the path) and its variants' hashes."""

    name: str
    variants: tuple[tuple[str, ImageHash], ...]  # (transform, hashes), "original" first


@dataclass(frozen=True, slots=True)
class ImageMatch:
    query: str  # the query photo's file name
    transform: str  # the variant of the query that matched ("original", "mirror", ...)
    distance: int  # PDQ Hamming distance (0..256)
    confirm_distance: int  # second-hash distance
    shard: str
    row: int
    key: str
    url: str
    caption: str

    def to_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "transform": self.transform,
            "distance": self.distance,
            "confirm_distance": self.confirm_distance,
            "shard": self.shard,
            "row": self.row,
            "key": self.key,
            "url": self.url,
            "caption": self.caption,
        }


def load_queries(paths: Sequence[Path]) -> list[QueryPhoto]:
    """Hash each query photo; one clear error for a missing, unreadable or flat photo."""
    from .decode import ImageDecodeError, decode_image

    if not paths:
        raise ExpungeError("no --query photo given", "add --query my-photo.jpg")
    queries = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ExpungeError(f"cannot read --query {path}: {error.strerror or error}",
                               "check the path") from None  # fmt: skip
        try:
            image = decode_image(data)
        except ImageDecodeError as error:
            raise ExpungeError(
                f"--query {path}: {error}", "give a JPEG, PNG or WebP photo"
            ) from None
        variants = tuple(query_hashes(image))
        try:
            check_query(variants[0][1])
        except ExpungeError as error:
            raise ExpungeError(f"--query {path}: {error.message}", error.fix) from None
        queries.append(QueryPhoto(path.name, variants))
    return queries


def _pdq_rows(queries: Sequence[QueryPhoto]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """All variants' PDQ hashes as one (V, 32) array, and (query, variant) per row."""
    rows, owners = [], []
    for q, query in enumerate(queries):
        for v, (_, hashes) in enumerate(query.variants):
            rows.append(np.frombuffer(hashes.pdq, dtype=np.uint8))
            owners.append((q, v))
    return np.stack(rows), owners


def close_pairs(
    queries: np.ndarray, hashes: np.ndarray, threshold: int
) -> Iterable[tuple[int, int, int]]:
    """(query row, hash row, distance) for every pair within `threshold`, by brute force
    (a shard's hashes at a time: the index does the same with multi-index hashing)."""
    if len(hashes) == 0:
        return []
    found = []
    for q in range(len(queries)):
        distances = np.bitwise_count(np.bitwise_xor(hashes, queries[q])).sum(axis=1)
        for row in np.flatnonzero(distances <= threshold).tolist():
            found.append((q, row, int(distances[row])))
    return found


def best_matches(
    queries: Sequence[QueryPhoto],
    pairs: Iterable[tuple[int, int, int]],
    owners: Sequence[tuple[int, int]],
    second_of: dict[int, bytes],
) -> dict[tuple[int, int], tuple[int, int, int]]:
    """(query, candidate) -> (variant, distance, confirm distance) for confirmed pairs, the
    closest variant kept. `pairs` are (variant row, candidate, distance); `second_of` gives
    each candidate's second hash."""
    from .hashing import confirm

    best: dict[tuple[int, int], tuple[int, int, int]] = {}
    for variant_row, candidate, distance in pairs:
        q, v = owners[variant_row]
        variant = queries[q].variants[v][1]
        second = second_of[candidate]
        if not confirm(variant, ImageHash(b"", 0, second)):
            continue
        kept = best.get((q, candidate))
        if kept is None or distance < kept[1]:
            best[(q, candidate)] = (v, distance, hamming(variant.second, second))
    return best


def check_threshold(threshold: int) -> int:
    if not 0 <= threshold <= 64:
        raise ExpungeError(f"--threshold {threshold} is out of range",
                           f"use 0..64 (PDQ's recommended {MATCH_THRESHOLD} is the default)")  # fmt: skip
    return threshold
