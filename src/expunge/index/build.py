"""Building an index: every record of every shard read once into a sorted segment of keyed
hashes (in bounded memory: spilled runs merged from disk), then all segments merged into one
(see expunge.index and expunge.index.store). Shards run as executor jobs (IndexShardJob)."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from expunge.errors import ErrorPolicy, ExpungeError, OnError
from expunge.executors import Executor
from expunge.index import store
from expunge.index.keys import (
    KIND_CODE,
    KINDS,
    KeyHasher,
    record_keys,
    words_and_initials,
)
from expunge.records import FieldSpec, Shard

BATCH_CHARS = 1 << 20


BATCH_RECORDS = 2048


DEFAULT_FIELDS = FieldSpec()  # the format's / layout's default columns


# Memory budgets of a build (module settings, so tests can make them tiny). Indexing a shard
# holds at most this many (key, row) entries / distinct keys (~40 / ~200 bytes each) before it
# writes them out as a sorted run; a shard with runs is merged from them on disk.
SPILL_ENTRIES = 4_000_000


SPILL_KEYS = 500_000


# A merge reads this many keys per round over all its sources (~120 bytes each) and copies
# postings this many at a time (~30 bytes each).
MERGE_KEYS = 1 << 17


MERGE_POSTINGS = 1 << 20


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
    merge_seconds: float = 0.0  # of `seconds`: merging the shard segments (0 when reused)
    disk_bytes: int = 0  # size of the index on disk after the build (all its files)
    merged_bytes: int = 0  # of `disk_bytes`: the merged segment (what a lookup reads)

    @property
    def mb_per_s(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds else 0.0


def _settings(fields: FieldSpec, format: str) -> dict[str, Any]:
    return {
        "fields": [fields.text, fields.url, fields.id],
        "format": format,
        "kinds": list(KINDS),
    }


# Per worker process: word -> hash under `_hash_secret`. Words repeat across shards; the
# other keys (phone digit runs, mailboxes, handles) mostly do not, so they are not cached: at
# ~250 bytes an entry the cache would hold more memory than the shard being indexed.
_hash_cache: dict[bytes, bytes] = {}


HASH_CACHE_WORDS = 300_000


_hash_secret: list[bytes] = [b""]


_WORD = KIND_CODE["word"]


class _Vocab(dict[object, int]):
    """Key -> dense id, a new id on first sight (C-speed lookups through map())."""

    def __missing__(self, key: object) -> int:
        value = self[key] = len(self)
        return value


def _hashes(keys: Sequence[Any], secret: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(hi, lo, kind) of each key: words are bare bytes, other keys (kind, normal form)."""
    cache = _hash_cache
    if _hash_secret[0] != secret:
        cache.clear()
        _hash_secret[0] = secret
    hasher = KeyHasher(secret)
    digests: list[bytes] = []
    kinds: list[int] = []
    for key in keys:
        if type(key) is bytes:
            digest = cache.get(key)
            if digest is None:
                if len(cache) >= HASH_CACHE_WORDS:
                    cache.clear()
                digest = cache[key] = hasher.word(key)
            kinds.append(_WORD)
        else:
            kind, normal = key
            digest = hasher(kind, normal)
            kinds.append(KIND_CODE[kind])
        digests.append(digest)
    hi, lo = _split(digests)
    return hi, lo, np.array(kinds, dtype=np.int8)


def _split(digests: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """16-byte hashes as two big-endian uint64 halves (native arrays): (hi, lo) order is the
    hashes' byte order."""
    if not digests:
        return np.empty(0, np.uint64), np.empty(0, np.uint64)
    pairs = np.frombuffer(b"".join(digests), dtype=">u8").reshape(-1, 2).astype(np.uint64)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def _sorted_arrays(
    vocab: _Vocab, ids: list[int], rows: list[int], counts: list[int], secret: bytes
) -> dict[str, np.ndarray]:
    """The arrays of a shard segment (SHARD_ARRAYS) of these entries: `ids[i]` is the key id
    (in `vocab`) of entry i, the entries of record r are the next `counts[r]` ones."""
    hi, lo, kinds = _hashes(list(vocab), secret)
    order = np.lexsort((lo, hi))  # keys in hash order
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    # One int64 per entry, key rank above row: a plain sort of the values groups the entries
    # by key with rows ascending (3-6x faster than a stable argsort of the ranks).
    entries = rank[np.array(ids, dtype=np.int64)] << 32 if ids else np.empty(0, np.int64)
    del rank
    entries |= np.repeat(np.array(rows, dtype=np.int64), np.array(counts, dtype=np.int64))
    entries.sort()
    start = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(np.bincount(entries >> 32, minlength=len(order)), out=start[1:])
    return {
        "hi": hi[order],
        "lo": lo[order],
        "kind": kinds[order],
        "start": start,
        "postings": (entries & 0xFFFFFFFF).astype(np.uint32),
    }


@dataclass(frozen=True)
class IndexShardJob:
    """One shard to index, as a job any executor runs (`expunge.executors`)."""

    shard: Shard
    fields: FieldSpec
    on_error: OnError
    secret: bytes = field(repr=False)  # never printed
    target: str

    def run(self, progress: Any = None) -> tuple[str, tuple[int, int, int, list[Any]]]:
        return self.shard.label, _index_shard(
            self.shard, self.fields, self.on_error, self.secret, self.target
        )


def _index_shard(
    shard: Shard, fields: FieldSpec, on_error: OnError, secret: bytes, target: str
) -> tuple[int, int, int, list[Any]]:
    """Index one shard into the segment file `target` (atomically). Returns (records, entries,
    span = last row + 1, skipped rows).

    Memory stays bounded: when the entries or keys held reach SPILL_ENTRIES / SPILL_KEYS, they
    are written out as a sorted run (a segment of the rows read so far, next to `target`), and
    the runs are merged into `target` at the end (`_merge_sorted`, streamed from disk). Rows
    only grow while reading, so the runs' postings follow one another: the result is the same
    file, byte for byte, as indexing the shard in one piece."""
    from expunge.io.raw import read_raw
    from expunge.pipeline import batched_by_size, detector_for

    # Phones come from digit_runs (region-free); the region does not matter for these types.
    detector = detector_for(("email", "social_handle"), "US", 0.5)
    errors = ErrorPolicy(on_error)
    # Entries are (key id, row) while reading; keys are hashed once each at the end. Words are
    # bare bytes keys, other entries (kind, normal form) tuples. Keys are sets per record, so
    # an entry is never repeated.
    vocab = _Vocab()
    get = vocab.__getitem__
    ids: list[int] = []
    rows: list[int] = []  # per record: its row and how many entries it has
    counts: list[int] = []
    out = Path(target)
    runs: list[Path] = []
    records = entries = 0
    last_row = -1  # the last row of the runs written so far

    def spill() -> None:
        nonlocal vocab, get, ids, rows, counts, records, entries, last_row
        if rows and (min(rows) <= last_row or max(rows) >= 1 << 32):
            raise ExpungeError(
                f"shard {shard.label}: rows out of order or more than 2^32 rows", "split it"
            )
        run = out.with_name(f".run-{len(runs):04d}-{os.getpid()}-{out.name}")
        runs.append(run)
        store.write_segment(run, _sorted_arrays(vocab, ids, rows, counts, secret), {})
        records += len(rows)
        entries += len(ids)
        last_row = max(rows) if rows else last_row
        vocab = _Vocab()
        get = vocab.__getitem__
        ids, rows, counts = [], [], []

    # The loop allocates millions of short-lived containers and makes no cycles: the cyclic
    # collector (which also walks the growing vocabulary) only costs time here (~4%).
    collecting = gc.isenabled()
    gc.disable()
    try:
        # Every record with all its stored material (markup, headers, other fields), as
        # forget and verify read it: the index must name every row they could remove.
        for batch in batched_by_size(read_raw(shard, fields, errors), BATCH_CHARS, BATCH_RECORDS):
            for record, candidates in zip(batch, detector.scan_batch([r.text for r in batch])):
                text = record.text
                before = len(ids)
                found, marks = words_and_initials(text)
                ids.extend(map(get, found))
                ids.extend(map(get, record_keys(text, candidates)))
                if marks:
                    ids.extend([get(("initial", mark)) for mark in marks])
                rows.append(record.location.row)
                counts.append(len(ids) - before)
            if len(ids) >= SPILL_ENTRIES or len(vocab) >= SPILL_KEYS:
                spill()
        if runs and rows:
            spill()
        if runs:
            span = last_row + 1
            meta = {"rows": records, "span": span, "entries": entries}
            sources = [store.open_segment(run, store.SHARD_ARRAYS) for run in runs]
            for seg in sources:
                seg.release()
            _merge_sorted(sources, [0] * len(sources), out, np.dtype("<u4"), meta)
            return records, entries, span, errors.skipped
    finally:
        if collecting:
            gc.enable()
        for run in runs:
            run.unlink(missing_ok=True)

    span = max(rows) + 1 if rows else 0
    if span > 1 << 32:
        raise ExpungeError(f"shard {shard.label} has more than 2^32 rows", "split it")
    arrays = _sorted_arrays(vocab, ids, rows, counts, secret)
    store.write_segment(out, arrays, {"rows": len(rows), "span": span, "entries": len(ids)})
    return len(rows), len(ids), span, errors.skipped


def _segment_ok(path: Path) -> bool:
    try:
        store.open_segment(path, store.SHARD_ARRAYS)
    except ExpungeError:
        return False
    return True


def _rounds(sources: Sequence[store.Segment], full: bool) -> Iterator[tuple[np.ndarray, ...]]:
    """The (key, source) pairs of sorted segments in merged order (by key, then source), in
    rounds of at most ~MERGE_KEYS pairs. Each source's keys are unique and sorted, so a round
    takes the next keys of every source up to the smallest last key read of a source that has
    more: every copy of a key is in the same round, and the rounds follow one another.
    Yields (hi, lo, source, index in the source), with `full` also (kind, postings start,
    postings count) of each pair. Reads copies (`Segment.read`): nothing stays mapped."""
    sizes = [s.keys for s in sources]
    at = [0] * len(sources)
    live = [n for n in range(len(sources)) if sizes[n]]
    step = max(1, MERGE_KEYS // max(1, len(live)))
    while live:
        chunks = {}
        bound: tuple[Any, Any] | None = None  # the smallest last key read, of a source with more
        for n in live:
            end = min(sizes[n], at[n] + step)
            hi, lo = sources[n].read("hi", at[n], end), sources[n].read("lo", at[n], end)
            chunks[n] = hi, lo
            if end < sizes[n] and (bound is None or (hi[-1], lo[-1]) < bound):
                bound = (hi[-1], lo[-1])
        parts: list[list[np.ndarray]] = [[] for _ in range(7 if full else 4)]
        for n in live:
            hi, lo = chunks.pop(n)
            cut = len(hi)
            if bound is not None:  # keys <= bound: hi below, or hi equal and lo <= lo bound
                cut = int(np.searchsorted(hi, bound[0], "left"))
                high = int(np.searchsorted(hi, bound[0], "right"))
                if high > cut:
                    cut += int(np.searchsorted(lo[cut:high], bound[1], "right"))
            if not cut:
                continue
            begin = at[n]
            end = at[n] = begin + cut
            parts[0].append(hi[:cut])
            parts[1].append(lo[:cut])
            parts[2].append(np.full(cut, n, dtype=np.int32))
            parts[3].append(np.arange(begin, end, dtype=np.int64))
            if full:
                parts[4].append(sources[n].read("kind", begin, end))
                starts = sources[n].read("start", begin, end + 1)
                parts[5].append(starts[:-1])
                parts[6].append(np.diff(starts))
        live = [n for n in live if at[n] < sizes[n]]
        merged = [np.concatenate(p) for p in parts]
        del parts
        # lexsort is stable and the parts are in source order: the copies of one key come in
        # source order, so its postings stay ascending.
        order = np.lexsort((merged[1], merged[0]))
        yield tuple(a[order] for a in merged)
        del merged, order


def segment_layout(
    keys: int, postings: int, ids_type: np.dtype[Any], base: Any = None
) -> dict[str, tuple[str, int]]:
    """The arrays of a merged index segment: per key its hash halves, kind and postings start,
    then the postings (and the id base of a delta segment)."""
    layout = {
        "hi": ("<u8", keys),
        "lo": ("<u8", keys),
        "kind": ("|i1", keys),
        "start": ("<i8", keys + 1),
        "postings": (ids_type.str, postings),
    }
    if base is not None:
        layout["base"] = ("<u8", len(base))
    return layout


def _merge_sorted(
    sources: Sequence[store.Segment],
    bases: Sequence[int],
    target: Path,
    ids_type: np.dtype[Any],
    meta: dict[str, Any],
    base: np.ndarray | None = None,
) -> int:
    """Merge sorted segments into the segment `target`: each key once, with the postings of
    its copies one after another in source order, source n's plus `bases[n]`, as `ids_type`.
    `meta` gets "keys" filled in when it has that field; `base` is written as array "base"
    after the postings (the merged segment). Streams: memory is bounded by MERGE_KEYS and
    MERGE_POSTINGS, whatever the sizes. Returns the number of keys."""
    # Pass 1 counts the distinct keys: the file's layout depends on it.
    keys = 0
    for hi, lo, *_ in _rounds(sources, full=False):
        keys += len(hi) - int(np.count_nonzero((hi[1:] == hi[:-1]) & (lo[1:] == lo[:-1])))
    total = sum(len(s.arrays["postings"]) for s in sources)
    if "keys" in meta:
        meta = {**meta, "keys": keys}
    layout = segment_layout(keys, total, ids_type, base)
    offsets = [np.asarray(b, ids_type) for b in bases]
    keys_done = postings_done = 0
    with store.SegmentWriter(target, layout, meta) as out:
        for hi, lo, source, _, kind, begin, count in _rounds(sources, full=True):
            first = np.ones(len(hi), dtype=bool)
            first[1:] = (hi[1:] != hi[:-1]) | (lo[1:] != lo[:-1])
            ends = np.cumsum(count)
            dest = ends - count  # where each (key, source) block goes, from this round's start
            out.write("hi", keys_done, hi[first])
            out.write("lo", keys_done, lo[first])
            out.write("kind", keys_done, kind[first])
            out.write("start", keys_done, dest[first] + postings_done)
            keys_done += int(np.count_nonzero(first))
            del hi, lo, kind, first
            _copy_postings(out, sources, offsets, ids_type, postings_done, source, begin, count)
            postings_done += int(ends[-1])
        out.write("start", keys_done, np.array([postings_done], np.int64))
        if base is not None:
            out.write("base", 0, base)
        out.commit()
    return keys


def _copy_postings(
    out: store.SegmentWriter,
    sources: Sequence[store.Segment],
    offsets: Sequence[np.ndarray],
    ids_type: np.dtype[Any],
    done: int,
    source: np.ndarray,
    begin: np.ndarray,
    count: np.ndarray,
) -> None:
    """Write the postings of one round's blocks (block i: `count[i]` postings of source
    `source[i]` from `begin[i]` on) one after another from postings[done] on, ~MERGE_POSTINGS
    at a time."""
    ends = np.cumsum(count)
    dest = ends - count
    at = 0
    while at < len(count):
        stop = int(np.searchsorted(ends, dest[at] + MERGE_POSTINGS, "right"))
        if stop <= at:  # one block larger than the budget: copied in pieces
            number = int(source[at])
            first, size = int(begin[at]), int(count[at])
            for piece in range(0, size, MERGE_POSTINGS):
                part = sources[number].read(
                    "postings", first + piece, first + min(size, piece + MERGE_POSTINGS)
                )
                ids = part.astype(ids_type) + offsets[number]
                out.write("postings", done + int(dest[at]) + piece, ids)
            at += 1
            continue
        # Blocks at..stop-1: per source, consecutive keys, so one contiguous range of its
        # postings, each block keeping its order (destination = block start + position).
        group_dest = dest[at:stop] - dest[at]
        buffer = np.empty(int(ends[stop - 1] - dest[at]), ids_type)
        by_source = np.argsort(source[at:stop], kind="stable")
        sorted_sources = source[at:stop][by_source]
        cuts = np.flatnonzero(sorted_sources[1:] != sorted_sources[:-1]) + 1
        for blocks in np.split(by_source, cuts):
            number = int(source[at + blocks[0]])
            starts, sizes = begin[at:stop][blocks], count[at:stop][blocks]
            low = int(starts[0])
            high = int(starts[-1] + sizes[-1])
            where = np.repeat(group_dest[blocks] - (starts - low), sizes)
            where += np.arange(high - low, dtype=np.int64)
            rows = sources[number].read("postings", low, high)
            buffer[where] = rows.astype(ids_type) + offsets[number]
            del where
        out.write("postings", done + int(dest[at]), buffer)
        del buffer
        at = stop


def _merge(out_dir: Path, shards: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], bool]:
    """The merged segment of these shards' segments: reused when it exists, else written.
    Returns (manifest entry, whether it was written now)."""
    files = [s["file"] for s in shards]
    relative = f"{store.MERGED}/{store.merged_segment_name(files)}"
    target = out_dir / relative
    try:
        seg = store.open_segment(target, store.MERGED_ARRAYS)
        if seg.meta.get("sources") == files:
            return {"file": relative, "keys": seg.keys, "entries": seg.meta["entries"]}, False
    except ExpungeError:
        pass

    sources = [store.open_segment(out_dir / f, store.SHARD_ARRAYS) for f in files]
    for seg in sources:  # the pages its checks touched: the merge reads with Segment.read
        seg.release()
    base = np.zeros(len(sources) + 1, dtype=np.uint64)
    np.cumsum([int(s.meta["span"]) for s in sources], out=base[1:])
    # Record ids fit 32 bits up to 4G records: half the size of the postings.
    ids_type = np.dtype("<u4") if int(base[-1]) < 1 << 32 else np.dtype("<u8")
    total = sum(len(s.arrays["postings"]) for s in sources)
    meta = {"sources": files, "entries": total, "keys": 0}
    keys = _merge_sorted(sources, base[:-1].tolist(), target, ids_type, meta, base)
    return {"file": relative, "keys": keys, "entries": total}, True


def build_index(
    dataset_spec: str,
    out_dir: Path,
    fields: FieldSpec = DEFAULT_FIELDS,
    format: str = "auto",
    workers: int | None = None,
    on_error: OnError = "stop",
    executor: Executor | None = None,
) -> IndexStats:
    """Index a dataset into `out_dir`. Re-running it on the same `out_dir` indexes only new or
    changed shards (size + sha256) and drops deleted ones; other settings changed -> full build.
    Shards run as jobs on `executor` (default: a local pool of `workers`)."""
    from expunge.io import open_dataset
    from expunge.scan.task import file_checksum

    started = time.perf_counter()
    out_dir = Path(out_dir)
    dataset = open_dataset(dataset_spec, format)
    secret = store.load_secret(out_dir, create=True)
    shards_dir = out_dir / store.SHARDS
    merged_dir = out_dir / store.MERGED
    shards_dir.mkdir(parents=True, exist_ok=True)
    merged_dir.mkdir(parents=True, exist_ok=True)
    settings = _settings(fields, format)
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
            "file": f"{store.SHARDS}/{store.shard_segment_name(shard.label, checksum)}",
        }
        if (
            before is not None
            and before["size"] == entry["size"]
            and before["sha256"] == checksum
            and _segment_ok(out_dir / before["file"])  # a damaged segment is rebuilt
        ):
            entry.update(
                rows=before["rows"], entries=before["entries"], span=before["span"],
                file=before["file"],
            )  # fmt: skip
            stats.reused.append(shard.label)
        else:
            todo.append((shard, entry))
        entries[shard.label] = entry

    jobs = [
        IndexShardJob(shard, fields, on_error, secret, str(out_dir / entry["file"]))
        for shard, entry in todo
    ]
    if executor is None:
        from expunge.executors import make_executor

        executor = make_executor("local", max(1, min(workers or os.cpu_count() or 1, len(jobs))))
    by_label = dict(executor.map_jobs(jobs, None))  # completion order: put back in shard order
    skipped = []
    for shard, entry in todo:
        records, count, span, bad = by_label[shard.label]
        entry.update(rows=records, entries=count, span=span)
        stats.built.append(shard.label)
        stats.records += records
        stats.bytes += entry["size"]
        stats.entries += count
        skipped += [[b.shard, b.where, b.reason] for b in bad]

    shard_list = [entries[s.label] for s in dataset.shards]
    merge_started = time.perf_counter()
    merged, written = _merge(out_dir, shard_list)
    if written:
        stats.merge_seconds = time.perf_counter() - merge_started
    stats.removed = sorted(set(old_shards) - set(entries))
    manifest = {
        "version": store.VERSION,
        "dataset": str(dataset_spec),
        "root": dataset.root,
        "settings": settings,
        "built_at": time.time(),
        "shards": shard_list,
        "merged": merged,
        "skipped_rows": skipped,
    }
    store.write_manifest(out_dir, manifest)  # last: the index switches over here
    keep = {Path(e["file"]).name for e in shard_list}
    for path in shards_dir.iterdir():
        if path.name not in keep:
            path.unlink(missing_ok=True)
    for path in merged_dir.iterdir():
        if path.name != Path(merged["file"]).name:
            path.unlink(missing_ok=True)
    stats.shards = len(entries)
    stats.merged_bytes = (out_dir / merged["file"]).stat().st_size
    stats.disk_bytes = sum(path.stat().st_size for path in out_dir.rglob("*") if path.is_file())
    stats.seconds = time.perf_counter() - started
    return stats
