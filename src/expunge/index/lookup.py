"""Looking a person up in an index: one binary search per key in the memory-mapped merged
segment, postings intersected rarest first, strong / medium / weak per record by find's rule;
and the freshness check against the dataset (see expunge.index)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from expunge.confidence import level
from expunge.errors import ExpungeError
from expunge.index import store
from expunge.index.build import _split
from expunge.index.keys import (
    KeyHasher,
    subject_requirements,
)
from expunge.subject import SubjectProfile

# The matcher's kinds of identifier, as bits of a per-record mask while grouping a lookup.
MATCH_KINDS = ("domain", "email", "handle", "name", "phone", "profile", "string")


@dataclass(frozen=True, slots=True)
class IndexMatch:
    subject: str
    shard: str
    row: int
    confidence: str  # strong | medium | weak (expunge.confidence.level)
    kinds: tuple[str, ...]  # matcher kinds found in the record: name, email, phone, ...


def check_current(
    index_dir: Path, dataset_spec: str, manifest: dict[str, Any] | None = None
) -> None:
    """Raise ExpungeError when the dataset's shards differ from the ones the index was built
    from (added, removed, or another size / sha256; size and mtime unchanged count as same)."""
    from expunge.io import open_dataset
    from expunge.scan.task import file_checksum

    manifest = manifest or _manifest(index_dir)
    fix = f"re-run: expunge index build {dataset_spec} --out {index_dir}"

    def stale(what: str) -> ExpungeError:
        return ExpungeError(f"index {index_dir} is out of date: {what}", fix)

    dataset = open_dataset(dataset_spec, manifest["settings"]["format"])
    built = {s["name"]: s for s in manifest["shards"]}
    now = {s.label: s for s in dataset.shards}
    for name in sorted(set(now) - set(built)):
        raise stale(f"shard {name} was added since it was built")
    for name in sorted(set(built) - set(now)):
        raise stale(f"shard {name} was removed since it was built")
    for name, shard in now.items():
        entry = built[name]
        stat = os.stat(shard.path)
        if stat.st_size != entry["size"]:
            raise stale(f"shard {name} changed since it was built")
        if stat.st_mtime_ns != entry["mtime_ns"] and file_checksum(shard.path) != entry["sha256"]:
            raise stale(f"shard {name} changed since it was built")


def _manifest(index_dir: Path) -> dict[str, Any]:
    manifest = store.load_manifest(Path(index_dir))
    if manifest is None:
        raise ExpungeError(
            f"{index_dir} is not an index built by this version of expunge",
            "build it: expunge index build DATASET --out " + str(index_dir),
        )
    return manifest


def _open_merged(index_dir: Path, manifest: dict[str, Any]) -> store.Segment:
    merged = manifest.get("merged")
    if not isinstance(merged, dict) or not isinstance(merged.get("file"), str):
        raise ExpungeError(
            f"{index_dir / store.MANIFEST} is damaged (no merged segment)",
            f"build the index again: expunge index build DATASET --out {index_dir}",
        )
    path = index_dir / merged["file"]
    seg = store.open_segment(path, store.MERGED_ARRAYS)
    # The shard boundaries must be the manifest's: they turn record ids into (shard, row).
    spans = np.cumsum([0] + [int(s.get("span", -1)) for s in manifest["shards"]])
    if not np.array_equal(seg.arrays["base"], spans):
        raise store.damaged(path, "does not match the manifest")
    return seg


def _postings(seg: store.Segment, digests: Sequence[bytes]) -> list[np.ndarray | None]:
    """Per hash: the record ids holding it (a view into the mapped file), or None."""
    hi, lo, start, postings = (seg.arrays[n] for n in ("hi", "lo", "start", "postings"))
    want_hi, want_lo = _split(digests)
    found: list[np.ndarray | None] = []
    # One binary search per key on `hi`; equal `hi` with another `lo` is a 2^-64 event.
    for at, h, low in zip(np.searchsorted(hi, want_hi).tolist(), want_hi, want_lo):
        hit = None
        while at < len(hi) and hi[at] == h:
            if lo[at] == low:
                hit = postings[int(start[at]) : int(start[at + 1])]
                break
            at += 1
        found.append(hit)
    return found


def _intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Common values of two ascending arrays of unique values: a binary search of each value
    of the smaller one in the larger, which touches few pages of a long mapped list."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return a
    at = np.searchsorted(b, a)
    np.minimum(at, len(b) - 1, out=at)
    return a[b[at] == a]


def lookup(
    index_dir: Path, subjects: Sequence[SubjectProfile], dataset_spec: str | None = None
) -> list[IndexMatch]:
    """Records that mention each subject, with find's confidence level, sorted by (subject,
    shard, row). With `dataset_spec`, first checks the index still describes that dataset."""
    index_dir = Path(index_dir)
    manifest = _manifest(index_dir)
    if dataset_spec is not None:
        check_current(index_dir, dataset_spec, manifest)
    secret = store.load_secret(index_dir, create=False)
    shards = manifest["shards"]
    requirements = subject_requirements(subjects)
    if not requirements or not any(s["entries"] for s in shards):
        return []
    seg = _open_merged(index_dir, manifest)

    keys = list({key for req in requirements for key in req.keys})
    hasher = KeyHasher(secret)
    postings = dict(zip(keys, _postings(seg, [hasher(*key) for key in keys])))
    # Per subject: (record ids, kind bit) of each identifier found.
    hits: dict[int, list[tuple[np.ndarray, int]]] = {}
    for req in requirements:
        lists = [postings[key] for key in req.keys]
        if any(p is None for p in lists):
            continue
        ordered = sorted((p for p in lists if p is not None), key=len)  # rarest first
        found = ordered[0]
        for other in ordered[1:]:
            if not len(found):
                break
            found = _intersect(found, other)
        if len(found):
            hits.setdefault(req.subject, []).append((found, 1 << MATCH_KINDS.index(req.kind)))

    base = seg.arrays["base"]
    names = [s["name"] for s in shards]
    described: dict[int, tuple[str, tuple[str, ...]]] = {}
    matches: list[IndexMatch] = []
    # Subjects in id order, each one's records in (shard, row) order: already the order asked
    # for when the shard names are sorted (open_dataset sorts them) and ids are unique.
    in_order = sorted(hits, key=lambda number: (subjects[number].id, number))
    for number in in_order:
        parts = hits[number]
        ids = np.concatenate([p for p, _ in parts]).astype(np.uint64)
        bits = np.concatenate([np.full(len(p), bit, dtype=np.int64) for p, bit in parts])
        if len(parts) > 1:  # one mask of kinds per record
            by_id = np.argsort(ids, kind="stable")
            ids, bits = ids[by_id], bits[by_id]
            first = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
            ids, bits = ids[first], np.bitwise_or.reduceat(bits, first)
        if ids.max() >= base[-1]:  # only a damaged file has such ids
            raise store.damaged(seg.path, "record id out of range")
        shard_of = np.searchsorted(base, ids, side="right") - 1
        rows = ids - base[shard_of]
        subject = subjects[number].id
        for shard, row, mask in zip(shard_of.tolist(), rows.tolist(), bits.tolist()):
            about = described.get(mask)
            if about is None:
                kinds = {kind for n, kind in enumerate(MATCH_KINDS) if mask >> n & 1}
                about = described[mask] = (level(kinds), tuple(sorted(kinds)))
            matches.append(IndexMatch(subject, names[shard], row, *about))
    ids_found = [subjects[number].id for number in in_order]
    if names != sorted(names) or len(set(ids_found)) != len(ids_found):
        matches.sort(key=lambda m: (m.subject, m.shard, m.row))
    return matches
