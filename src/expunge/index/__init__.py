"""Identifier index: find a person's records in milliseconds instead of re-scanning.

    stats = build_index("data/", Path("idx"))            # incremental: only new/changed shards
    matches = lookup(Path("idx"), [load_subject(Path("me.toml"))], dataset_spec="data/")

`build_index` reads every record once and stores keyed hashes (HMAC-SHA256 with a per-index
secret, truncated to 16 bytes) of its emails, phones, profile URLs, handles and words; no
identifier is ever stored in plain text. `lookup` hashes a subject's identifiers the same way,
fetches the candidate records with one DuckDB query over the per-shard Parquet files, and
decides strong / medium / weak per record with find's rule (see expunge.find.matcher).

Differences from a full `expunge find` scan (the index answers from what it stored):
- a name, free string or domain matches a record holding all its words anywhere (find wants
  the phrase), so the index can report more name matches, never fewer;
- phones are normalised with the build's phone region (find uses each subject's region).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, cast

from expunge.errors import ErrorPolicy, ExpungeError, OnError
from expunge.index import store
from expunge.index.keys import (
    HASH_BYTES,
    KIND_CODE,
    KINDS,
    all_keys,
    key_hash,
    record_keys,
    subject_requirements,
    words_and_initials,
)
from expunge.records import FieldSpec, Shard
from expunge.subject import SubjectProfile

__all__ = ["IndexMatch", "IndexStats", "build_index", "check_current", "lookup"]

STRONG_KINDS = frozenset({"email", "phone", "profile"})
BATCH_CHARS = 1 << 20
BATCH_RECORDS = 2048
DEFAULT_FIELDS = FieldSpec()  # the format's / layout's default columns


@dataclass(frozen=True, slots=True)
class IndexMatch:
    subject: str
    shard: str
    row: int
    level: str  # strong | medium | weak
    kinds: tuple[str, ...]  # matcher kinds found in the record: name, email, phone, ...


@dataclass(slots=True)
class IndexStats:
    shards: int = 0  # shards in the index after the build
    built: list[str] = field(default_factory=list)  # shards (re)indexed by this build
    reused: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    records: int = 0  # records read by this build
    bytes: int = 0  # bytes of shard files read by this build
    entries: int = 0  # index entries written by this build
    seconds: float = 0.0

    @property
    def mb_per_s(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds else 0.0


# ---------------------------------------------------------------------------------- build


def _settings(fields: FieldSpec, format: str, phone_region: str) -> dict[str, Any]:
    return {
        "fields": [fields.text, fields.url, fields.id],
        "format": format,
        "phone_region": phone_region,
        "kinds": list(KINDS),
    }


# Per worker process: key -> hash under `_hash_secret`. Words repeat across shards.
_hash_cache: dict[object, bytes] = {}
_hash_secret: list[bytes] = [b""]


class _Vocab(dict[object, int]):
    """Key -> dense id, a new id on first sight (C-speed lookups through map())."""

    def __missing__(self, key: object) -> int:
        value = self[key] = len(self)
        return value


def _kind_and_normal(key: object) -> tuple[str, str | bytes]:
    if isinstance(key, bytes):
        return "word", key
    return cast("tuple[str, str | bytes]", key)


def _index_shard(
    shard: Shard, fields: FieldSpec, region: str, on_error: OnError, secret: bytes, target: str
) -> tuple[int, int, list[Any]]:
    """Index one shard into the Parquet file `target` (atomically). Returns (records, entries,
    skipped rows)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from expunge.io import read_shard
    from expunge.pipeline import batched_by_size, detector_for

    detector = detector_for(("email", "phone", "social_handle"), region, 0.5)
    errors = ErrorPolicy(on_error)
    # Entries are (key id, row) while reading; keys are hashed once each at the end. Words are
    # bare bytes keys, other entries (kind, normal form) tuples.
    vocab = _Vocab()
    get = vocab.__getitem__
    ids: list[int] = []
    rows: list[int] = []
    records = 0
    for batch in batched_by_size(read_shard(shard, fields, errors), BATCH_CHARS, BATCH_RECORDS):
        for record, candidates in zip(batch, detector.scan_batch([r.text for r in batch])):
            records += 1
            text = record.text
            before = len(ids)
            found, marks = words_and_initials(text)
            ids.extend(map(get, found))
            others: set[tuple[str, str | bytes]] = set(record_keys(text, candidates, region))
            others.update(("initial", i) for i in marks)
            ids.extend(map(get, others))
            rows.extend(repeat(record.location.row, len(ids) - before))

    cache = _hash_cache
    if len(cache) > 4_000_000 or _hash_secret[0] != secret:
        cache.clear()
        _hash_secret[0] = secret
    hashes: list[bytes] = []
    kinds: list[int] = []
    for key in vocab:
        kind, normal = _kind_and_normal(key)
        digest = cache.get(key)
        if digest is None:
            digest = cache[key] = key_hash(secret, kind, normal)
        hashes.append(digest)
        kinds.append(KIND_CODE[kind])
    # Renumber keys in hash order, then sort entries by key id (rows stay in order): the file
    # is sorted by hash, so each row group covers a narrow hash range that lookups can skip.
    order = np.array(sorted(range(len(hashes)), key=hashes.__getitem__), dtype=np.int64)
    rank = np.empty(len(hashes), dtype=np.int64)
    rank[order] = np.arange(len(hashes), dtype=np.int64)
    entry_ids = rank[np.array(ids, dtype=np.int64)] if ids else np.empty(0, np.int64)
    sort = np.argsort(entry_ids, kind="stable")
    entry_ids = entry_ids[sort]
    sorted_hashes = pa.array([hashes[i] for i in order], pa.binary(HASH_BYTES))
    sorted_kinds = pa.array(np.array(kinds, dtype=np.int8)[order] if kinds else [], pa.int8())
    table = pa.table(
        {
            "hash": sorted_hashes.take(pa.array(entry_ids)),
            "kind": sorted_kinds.take(pa.array(entry_ids)),
            "row": pa.array(np.array(rows, dtype=np.int64)[sort].astype(np.int32), pa.int32()),
        }
    )
    tmp = f"{target}.tmp-{os.getpid()}"
    try:
        pq.write_table(table, tmp, row_group_size=32768, compression="zstd")
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return records, len(ids), errors.skipped


def build_index(
    dataset_spec: str,
    out_dir: Path,
    fields: FieldSpec = DEFAULT_FIELDS,
    format: str = "auto",
    phone_region: str = "US",
    workers: int | None = None,
    on_error: OnError = "stop",
) -> IndexStats:
    """Index a dataset into `out_dir`. Re-running it on the same `out_dir` indexes only new or
    changed shards (size + sha256) and drops deleted ones; other settings changed -> full build."""
    from expunge.io import open_dataset
    from expunge.scan.task import file_checksum

    started = time.perf_counter()
    out_dir = Path(out_dir)
    dataset = open_dataset(dataset_spec, format)
    secret = store.load_secret(out_dir, create=True)
    shards_dir = out_dir / store.SHARDS
    shards_dir.mkdir(parents=True, exist_ok=True)
    settings = _settings(fields, format, phone_region)
    old = store.load_manifest(out_dir)
    old_shards: dict[str, dict[str, Any]] = {}
    if old is not None and old.get("settings") == settings:
        old_shards = {s["name"]: s for s in old["shards"]}

    stats = IndexStats()
    entries: dict[str, dict[str, Any]] = {}
    todo: list[tuple[Shard, dict[str, Any]]] = []
    for shard in dataset.shards:
        stat = os.stat(shard.path)
        before = old_shards.get(shard.label)
        if (
            before is not None
            and before["size"] == stat.st_size
            and before["mtime_ns"] == stat.st_mtime_ns
        ):
            checksum = before["sha256"]  # same size and mtime: not read again
        else:
            checksum = file_checksum(shard.path)
        entry = {
            "name": shard.label,
            "format": shard.format,
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "sha256": checksum,
            "file": f"{store.SHARDS}/{store.index_file_name(shard.label, checksum)}",
        }
        if (
            before is not None
            and before["size"] == entry["size"]
            and before["sha256"] == checksum
            and (out_dir / before["file"]).exists()
        ):
            entry.update(rows=before["rows"], entries=before["entries"], file=before["file"])
            stats.reused.append(shard.label)
        else:
            todo.append((shard, entry))
        entries[shard.label] = entry

    jobs = [
        (shard, fields, phone_region, on_error, secret, str(out_dir / entry["file"]))
        for shard, entry in todo
    ]
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    if workers == 1:
        results = [_index_shard(*job) for job in jobs]
    else:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("forkserver")) as pool:
            futures = [pool.submit(_index_shard, *job) for job in jobs]
            results = [f.result() for f in futures]
    skipped = []
    for (shard, entry), (records, count, bad) in zip(todo, results):
        entry.update(rows=records, entries=count)
        stats.built.append(shard.label)
        stats.records += records
        stats.bytes += entry["size"]
        stats.entries += count
        skipped += [[b.shard, b.where, b.reason] for b in bad]

    stats.removed = sorted(set(old_shards) - set(entries))
    manifest = {
        "version": store.VERSION,
        "dataset": str(dataset_spec),
        "root": dataset.root,
        "settings": settings,
        "built_at": time.time(),
        "shards": [entries[s.label] for s in dataset.shards],
        "skipped_rows": skipped,
    }
    store.write_manifest(out_dir, manifest)  # last: the index switches over here
    keep = {Path(e["file"]).name for e in entries.values()}
    for path in shards_dir.iterdir():
        if path.name not in keep:
            path.unlink(missing_ok=True)
    stats.shards = len(entries)
    stats.seconds = time.perf_counter() - started
    return stats


# --------------------------------------------------------------------------------- lookup


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


def _blob(digest: bytes) -> str:
    return "'" + "".join(f"\\x{b:02X}" for b in digest) + "'::BLOB"


def lookup(
    index_dir: Path, subjects: Sequence[SubjectProfile], dataset_spec: str | None = None
) -> list[IndexMatch]:
    """Records that mention each subject, with find's confidence level, sorted by (subject,
    shard, row). With `dataset_spec`, first checks the index still describes that dataset."""
    import duckdb

    index_dir = Path(index_dir)
    manifest = _manifest(index_dir)
    if dataset_spec is not None:
        check_current(index_dir, dataset_spec, manifest)
    secret = store.load_secret(index_dir, create=False)
    files = {str(index_dir / s["file"]): s["name"] for s in manifest["shards"] if s["entries"]}
    requirements = subject_requirements(subjects)
    if not files or not requirements:
        return []

    # Requirements (an identifier = all of its keys) are checked inside DuckDB, so a common
    # word of a name never ships its thousands of rows back to Python.
    import pyarrow as pa

    number_of = {key: n for n, key in enumerate(all_keys(requirements))}
    req_ids, req_hashes, req_sizes = [], [], []
    hash_of = {n: key_hash(secret, *key) for key, n in number_of.items()}
    for number, req in enumerate(requirements):
        for key in req.keys:
            req_ids.append(number)
            req_hashes.append(hash_of[number_of[key]])
            req_sizes.append(len(req.keys))
    reqs = pa.table(
        {
            "req": pa.array(req_ids, pa.int32()),
            "hash": pa.array(req_hashes, pa.binary()),
            "size": pa.array(req_sizes, pa.int32()),
        }
    )
    file_list = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    hash_list = ", ".join(_blob(h) for h in set(req_hashes))
    con = duckdb.connect(config={"threads": str(min(4, os.cpu_count() or 1))})
    try:
        con.register("reqs", reqs)
        found = con.execute(
            f"""
            WITH hits AS (
                SELECT filename, row, hash FROM read_parquet([{file_list}], filename=true)
                WHERE hash IN ({hash_list})
            )
            SELECT hits.filename, hits.row, reqs.req FROM hits JOIN reqs ON hits.hash = reqs.hash
            GROUP BY hits.filename, hits.row, reqs.req
            HAVING count(*) = any_value(reqs.size)
            """
        ).fetchall()
    finally:
        con.close()

    kinds_of: dict[tuple[int, str, int], set[str]] = defaultdict(set)
    for filename, row, number in found:
        req = requirements[number]
        kinds_of[(req.subject, files[filename], row)].add(req.kind)
    matches = [
        IndexMatch(subjects[index].id, shard, row, _level(kinds), tuple(sorted(kinds)))
        for (index, shard, row), kinds in kinds_of.items()
    ]
    matches.sort(key=lambda m: (m.subject, m.shard, m.row))
    return matches


def _level(kinds: set[str]) -> str:
    """find's rule: email/phone/profile or two kinds -> strong; handle/string/domain -> medium."""
    if kinds & STRONG_KINDS or len(kinds) >= 2:
        return "strong"
    return "medium" if kinds & {"handle", "string", "domain"} else "weak"
