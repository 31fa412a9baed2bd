"""The image hash index: perceptual hashes of a dataset's images with their locations, found
again by Hamming distance in milliseconds over millions of images.

    writer = HashIndexWriter(Path("idx"), settings={"hash": "pdq"})
    for name, path in shards:
        fingerprint = writer.fingerprint(name, path)  # sha256 read only when size/mtime moved
        if not writer.reuse(name, fingerprint):       # unchanged shards are not hashed again
            writer.add_shard(name, fingerprint, ShardEntries(hashes, rows, keys, urls, captions))
    writer.commit()                                   # merge, then manifest.json last

    with open_hash_index(Path("idx")) as index:
        for hit in index.search(query_variants, max_distance=31):
            print(hit.distance, index.location(hit.id))

A hit's id is the entry's number in the merged segment (shards in manifest order, entries in
the order given): it names one image for as long as this build of the index stands; reports
keep the location (shard, row, key), which stays true across builds. Hashing stays outside:
this module receives hashes as bytes. File format: hash_store.py; search: hash_search.py.
Workers may write shard segments themselves: `segment_path` then `write_shard_segment` in
the job, then `add_segment` in the main process.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import numpy as np

from expunge.atomic import open_atomic, write_json_atomic
from expunge.errors import ExpungeError
from expunge.images import hash_search as hs
from expunge.images import hash_store as st

MIH_MIN_ENTRIES = 1 << 15  # below: a scan of 8 queries takes < 5 ms, no 4 MB of table starts
COPY_STEP = 1 << 20  # entries (or bytes of a blob) copied per step of a merge
QUERY_BATCH = 64  # queries searched together: ~4,000 candidates each at 1M entries


@dataclass(frozen=True, slots=True)
class Hit:
    query_index: int  # row of the queries array
    id: int  # entry number: HashIndex.location(id)
    distance: int  # Hamming distance, 0..256


@dataclass(frozen=True, slots=True)
class HashLocation:
    shard: str
    row: int
    key: str
    url: str
    caption: str  # cut to hash_store.CAPTION_CHARS characters


@dataclass(frozen=True, slots=True)
class ShardFingerprint:
    """What decides whether a shard changed: size and sha256 (mtime only spares the read)."""

    size: int
    mtime_ns: int
    sha256: str  # "sha256:<hex>"


@dataclass(frozen=True, slots=True)
class ShardEntries:
    """One shard's images: hashes (n, 32) uint8 and, per entry, its row and strings.
    `quality` (n,) 0..100 where the hasher gives one; `aux` (n, A) uint8: a second hash that
    confirms a match, of the same width A for every shard of an index."""

    hashes: np.ndarray
    rows: np.ndarray | Sequence[int]
    keys: Sequence[str]
    urls: Sequence[str]
    captions: Sequence[str]
    quality: np.ndarray | Sequence[int] | None = None
    aux: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True, slots=True)
class IndexedShard:
    name: str
    fingerprint: ShardFingerprint
    entries: int
    info: dict[str, Any] = field(default_factory=dict)  # the caller's, e.g. bad rows


@dataclass(slots=True)
class CommitStats:
    shards: int = 0
    entries: int = 0
    reused: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    merged: bool = False  # False: the merged segment of these shards existed already
    merge_seconds: float = 0.0
    disk_bytes: int = 0


def file_fingerprint(
    path: Path | str, previous: ShardFingerprint | None = None
) -> ShardFingerprint:
    """A file's fingerprint; its sha256 is read only when size or mtime differ from `previous`.
    A directory (a folder shard of image files) stands for the files directly in it: their
    total size, the latest mtime of it and them, a sha256 over their names and contents."""
    if os.path.isdir(path):
        return _folder_fingerprint(Path(path), previous)
    stat = os.stat(path)
    if previous is not None and (previous.size, previous.mtime_ns) == (
        stat.st_size,
        stat.st_mtime_ns,
    ):
        return previous
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return ShardFingerprint(stat.st_size, stat.st_mtime_ns, f"sha256:{digest}")


def _folder_fingerprint(folder: Path, previous: ShardFingerprint | None) -> ShardFingerprint:
    with os.scandir(folder) as entries:
        files = sorted((e.name, e.stat()) for e in entries if e.is_file(follow_symlinks=False))
    size = sum(stat.st_size for _, stat in files)
    mtime = max([os.stat(folder).st_mtime_ns, *(stat.st_mtime_ns for _, stat in files)])
    if previous is not None and (previous.size, previous.mtime_ns) == (size, mtime):
        return previous
    digest = hashlib.sha256()
    for name, _ in files:
        with open(folder / name, "rb") as handle:
            content = hashlib.file_digest(handle, "sha256").digest()
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0" + content)
    return ShardFingerprint(size, mtime, f"sha256:{digest.hexdigest()}")


# ------------------------------------------------------------------------------------ writing


def write_shard_segment(path: Path, entries: ShardEntries, aux_width: int = 0) -> None:
    """Write one shard's segment (atomically; safe to call in a worker process)."""
    count = len(entries)
    hashes = np.ascontiguousarray(entries.hashes, np.uint8)
    if hashes.shape != (count, st.HASH_BYTES):
        raise ValueError(f"hashes must be ({count}, {st.HASH_BYTES}) uint8, not {hashes.shape}")
    if not len(entries.keys) == len(entries.urls) == len(entries.captions) == count:
        raise ValueError("keys, urls and captions need one value per entry")
    quality = (
        np.full(count, st.NOT_GIVEN, np.uint8)
        if entries.quality is None
        else np.asarray(entries.quality, np.uint8)
    )
    aux = np.empty((count, 0), np.uint8) if entries.aux is None else np.asarray(entries.aux)
    if aux.shape != (count, aux_width) or len(quality) != count:
        raise ValueError(f"aux must be ({count}, {aux_width}) uint8 and quality ({count},)")
    strings = {
        "key": st.pack_strings(entries.keys, None),
        "url": st.pack_strings(entries.urls, st.URL_CHARS),
        "caption": st.pack_strings(entries.captions, st.CAPTION_CHARS),
    }
    layout = st.shard_layout(count, aux_width, {n: len(b) for n, (_, b) in strings.items()})
    with open_atomic(path) as out:
        segment = st.SegmentOutput(out, layout, {"aux_width": aux_width, "version": st.VERSION})
        segment.append("hashes", hashes)
        segment.append("rows", np.asarray(entries.rows, np.int64))
        segment.append("quality", quality)
        segment.append("aux", aux.astype(np.uint8))
        for name, (offsets, blob) in strings.items():
            segment.append(f"{name}_offsets", offsets)
            segment.append(f"{name}_blob", blob)
        segment.finish()


class HashIndexWriter:
    """Builds or updates the index in `directory`. Shards are listed in dataset order by
    `reuse` (unchanged: its segment is kept) or `add_shard` / `add_segment`; shards of the
    old index not listed again are dropped. Nothing the current manifest names is touched
    before `commit` writes the new manifest, so a crash leaves the old index whole.
    `settings` (the hash and its parameters, read fields): any change rebuilds every shard."""

    def __init__(
        self,
        directory: Path,
        settings: Mapping[str, Any] | None = None,
        aux_width: int = 0,
        mih_min_entries: int = MIH_MIN_ENTRIES,
    ) -> None:
        self.directory = Path(directory)
        # as the manifest will hold them (JSON), so the next build compares like with like
        self.settings: dict[str, Any] = json.loads(json.dumps(dict(settings or {})))
        self.aux_width = aux_width
        self.mih_min_entries = mih_min_entries
        old = st.load_manifest(self.directory)
        if old is None and self.directory.is_dir():
            # Not an index yet: only the leftovers of a first build that stopped may be here,
            # never a directory of the user's own files (they would be mixed in, or re-moded).
            other = sorted(
                p.name for p in self.directory.iterdir() if p.name not in (st.SHARDS, st.MERGED)
            )
            if other:
                raise ExpungeError(
                    f"{self.directory} is not an index and holds other files ({other[0]})",
                    "choose a new directory for the index",
                )
        self._old: dict[str, dict[str, Any]] = {}
        if (
            old is not None
            and old.get("version") == st.VERSION
            and old.get("settings") == self.settings
            and old.get("aux_width") == aux_width
        ):
            self._old = {s["name"]: s for s in old["shards"]}
        self._old_names = [s["name"] for s in (old or {}).get("shards", [])]
        self._naming = {"settings": self.settings, "aux_width": aux_width}
        self._shards: dict[str, dict[str, Any]] = {}
        self._stats = CommitStats()
        for sub in (st.SHARDS, st.MERGED):
            (self.directory / sub).mkdir(parents=True, exist_ok=True)

    def previous(self, name: str) -> ShardFingerprint | None:
        entry = self._old.get(name)
        return None if entry is None else _fingerprint_of(entry)

    def fingerprint(self, name: str, path: Path | str) -> ShardFingerprint:
        """The shard file's fingerprint, its sha256 read only when size/mtime moved."""
        return file_fingerprint(path, self.previous(name))

    def reuse(self, name: str, fingerprint: ShardFingerprint) -> bool:
        """Keep the shard's segment from the old index when size and sha256 are unchanged and
        the segment opens; False: the caller hashes the shard and adds it."""
        entry = self._old.get(name)
        if entry is None or name in self._shards:
            return False
        before = _fingerprint_of(entry)
        if (before.size, before.sha256) != (fingerprint.size, fingerprint.sha256):
            return False
        try:
            st.open_segment(self.directory / entry["file"], st.SHARD_ARRAYS).close()
        except ExpungeError:
            return False  # damaged: hashed again
        self._shards[name] = {**entry, "mtime_ns": fingerprint.mtime_ns}
        self._stats.reused.append(name)
        return True

    def segment_path(self, name: str, fingerprint: ShardFingerprint) -> Path:
        """Where the shard's new segment goes (a worker may write it: write_shard_segment)."""
        name_of = st.shard_segment_name(name, fingerprint.sha256, self._naming)
        return self.directory / st.SHARDS / name_of

    def add_shard(
        self,
        name: str,
        fingerprint: ShardFingerprint,
        entries: ShardEntries,
        info: Mapping[str, Any] | None = None,
    ) -> None:
        write_shard_segment(self.segment_path(name, fingerprint), entries, self.aux_width)
        self.add_segment(name, fingerprint, info)

    def add_segment(
        self, name: str, fingerprint: ShardFingerprint, info: Mapping[str, Any] | None = None
    ) -> None:
        """Record the segment already written at segment_path(name, fingerprint)."""
        if name in self._shards:
            raise ValueError(f"shard {name} listed twice")
        path = self.segment_path(name, fingerprint)
        segment = st.open_segment(path, st.SHARD_ARRAYS)
        try:
            if segment.meta.get("aux_width") != self.aux_width:
                raise st.damaged(path, f"aux width is not {self.aux_width}")
            entries = segment.entries
        finally:
            segment.close()
        self._shards[name] = {
            "name": name,
            "size": fingerprint.size,
            "mtime_ns": fingerprint.mtime_ns,
            "sha256": fingerprint.sha256,
            "entries": entries,
            "file": f"{st.SHARDS}/{path.name}",
            "info": dict(info or {}),
        }
        self._stats.added.append(name)

    def commit(self) -> CommitStats:
        """Merge the listed shards' segments, write manifest.json (the switch-over), then
        delete the files no manifest names any more."""
        shards = list(self._shards.values())
        started = time.perf_counter()
        merged, written = merge(self.directory, shards, self.aux_width, self.mih_min_entries)
        manifest = {
            "format": st.FORMAT,
            "version": st.VERSION,
            "settings": self.settings,
            "aux_width": self.aux_width,
            "built_at": time.time(),
            "shards": shards,
            "merged": merged,
        }
        write_json_atomic(self.directory / st.MANIFEST, manifest, indent=1, sort_keys=True)
        keep = {Path(s["file"]).name for s in shards} | {Path(merged["file"]).name}
        for sub in (st.SHARDS, st.MERGED):
            for path in (self.directory / sub).iterdir():
                if path.name not in keep and st.is_index_file(path.name):
                    path.unlink(missing_ok=True)
        stats = self._stats
        stats.shards, stats.entries, stats.merged = len(shards), merged["entries"], written
        stats.merge_seconds = time.perf_counter() - started if written else 0.0
        stats.removed = sorted(set(self._old_names) - set(self._shards))
        stats.disk_bytes = sum(p.stat().st_size for p in self.directory.rglob("*") if p.is_file())
        return stats


def _fingerprint_of(entry: Mapping[str, Any]) -> ShardFingerprint:
    return ShardFingerprint(int(entry["size"]), int(entry["mtime_ns"]), str(entry["sha256"]))


def merge(
    directory: Path, shards: Sequence[Mapping[str, Any]], aux_width: int, mih_min: int
) -> tuple[dict[str, Any], bool]:
    """The merged segment of these shards' segments, written unless it exists already.
    Streams: arrays are copied COPY_STEP entries at a time (pread, no mapped pages held);
    the tables hold the columns of one pass of hash_search.build_tables in memory: as many
    chunks as fit TABLE_BUDGET (256 MB) at 4 bytes per entry each, at least one (400 MB at
    100M entries), plus ~50 MB of block temporaries. Measured peak RSS: 329 MB at 10M."""
    files = [s["file"] for s in shards]
    total = sum(int(s["entries"]) for s in shards)
    mih = total >= mih_min
    relative = f"{st.MERGED}/{st.merged_segment_name(files, mih)}"
    target = directory / relative
    entry = {"file": relative, "entries": total, "mih": mih}
    try:
        st.open_segment(target, st.MERGED_ARRAYS).close()
        return entry, False
    except ExpungeError:
        pass
    sources = [st.open_segment(directory / f, st.SHARD_ARRAYS) for f in files]
    try:
        _write_merged(target, sources, total, aux_width, mih)
    finally:
        for segment in sources:
            segment.close()
    return entry, True


def _write_merged(
    target: Path, sources: Sequence[st.Segment], total: int, aux_width: int, mih: bool
) -> None:
    blobs = {n: sum(len(s.arrays[f"{n}_blob"]) for s in sources) for n in st.STRINGS}
    layout = st.shard_layout(total, aux_width, blobs)
    table_type = hs.table_dtype(total).str
    layout["base"] = ("<i8", len(sources) + 1)
    layout["mih_starts"] = (table_type, hs.CHUNKS * hs.STARTS if mih else 0)
    layout["mih_table"] = (table_type, hs.CHUNKS * total if mih else 0)
    base = np.zeros(len(sources) + 1, np.int64)
    np.cumsum([s.entries for s in sources], out=base[1:])
    meta = {"aux_width": aux_width, "version": st.VERSION, "shards": len(sources)}

    def hash_blocks() -> Iterator[np.ndarray]:
        for segment in sources:
            for block in segment.pieces("hashes", COPY_STEP * st.HASH_BYTES):
                yield block.reshape(-1, st.HASH_BYTES)

    with open_atomic(target) as handle:
        out = st.SegmentOutput(handle, layout, meta)
        counts = np.zeros((hs.CHUNKS, hs.VALUES), np.int64)
        for block in hash_blocks():
            out.append("hashes", block)
            if mih:
                counts += hs.count_chunks([block])
        for name in ("rows", "quality", "aux"):
            for segment in sources:
                for block in segment.pieces(name, COPY_STEP):
                    out.append(name, block)
        for name in st.STRINGS:
            # A shard's offsets start at 0 and end at its blob's length: the merged ones
            # are each shard's offsets after the first, shifted by the blobs before it.
            out.append(f"{name}_offsets", np.zeros(1, np.int64))
            shift = 0
            for segment in sources:
                for block in segment.pieces(f"{name}_offsets", COPY_STEP, begin=1):
                    out.append(f"{name}_offsets", block + shift)
                shift += len(segment.arrays[f"{name}_blob"])
            for segment in sources:
                for block in segment.pieces(f"{name}_blob", COPY_STEP * 8):
                    out.append(f"{name}_blob", block)
        out.append("base", base)
        if mih:
            starts = hs.starts_of(counts)
            out.append("mih_starts", starts)
            for column in hs.build_tables(hash_blocks, starts, total):
                out.append("mih_table", column)
        out.finish()


# ------------------------------------------------------------------------------------ reading


class HashIndex:
    """An index opened for searching: the merged segment, memory-mapped (nothing is read
    until a search touches it). Use as a context manager or call `close`."""

    def __init__(self, directory: Path, manifest: Mapping[str, Any], segment: st.Segment) -> None:
        self.directory = directory
        self.settings: dict[str, Any] = dict(manifest["settings"])
        self.built_at = float(manifest["built_at"])
        self.aux_width = int(manifest["aux_width"])
        self.shards = tuple(
            IndexedShard(s["name"], _fingerprint_of(s), int(s["entries"]), dict(s.get("info", {})))
            for s in manifest["shards"]
        )
        self._segment = segment
        arrays = segment.arrays
        self._hashes = arrays["hashes"].reshape(-1, st.HASH_BYTES)
        self._base = arrays["base"]
        if len(self._base) != len(self.shards) + 1:
            raise st.damaged(segment.path, "shards do not match the manifest")

    def __len__(self) -> int:
        return len(self._hashes)

    def search(self, queries: np.ndarray, max_distance: int = 31) -> list[Hit]:
        """Every entry within `max_distance` bits of each query (rows of a (Q, 32) uint8
        array, e.g. a photo's 8 dihedral variants), by query, then distance, then id. Exact."""
        query_of, positions, distance, _ = self.search_arrays(queries, max_distance)
        order = np.lexsort((positions, distance, query_of))
        return [
            Hit(int(q), int(p), int(d))
            for q, p, d in zip(query_of[order], positions[order], distance[order], strict=True)
        ]

    def search_arrays(
        self, queries: np.ndarray, max_distance: int = 31
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """`search` as arrays (query number, id, distance; by query, then id) and the number
        of candidates whose distance was computed (the benchmark's measure of work)."""
        queries = np.ascontiguousarray(queries, np.uint8)
        if queries.ndim != 2 or queries.shape[1] != st.HASH_BYTES:
            raise ValueError(f"queries must be (Q, {st.HASH_BYTES}) uint8, not {queries.shape}")
        if not 0 <= max_distance <= 8 * st.HASH_BYTES:
            raise ValueError(f"max_distance {max_distance} is outside 0..256")
        parts, checked = [], 0
        for first in range(0, len(queries), QUERY_BATCH):  # bounds the candidate arrays
            *found, count = self._search_batch(queries[first : first + QUERY_BATCH], max_distance)
            parts.append((found[0] + first, found[1], found[2]))
            checked += count
        if not parts:
            empty = np.empty(0, np.int64)
            return empty, empty, empty, 0
        query_of, ids, distance = (np.concatenate(p) for p in zip(*parts, strict=True))
        return query_of, ids, distance, checked

    def _search_batch(
        self, queries: np.ndarray, max_distance: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        table = self._segment.arrays["mih_table"]
        try:
            if len(table) and hs.uses_tables(max_distance):
                starts = self._segment.arrays["mih_starts"]
                return hs.search_tables(self._hashes, starts, table, queries, max_distance)
            found = hs.scan(self._hashes, queries, max_distance)
        except IndexError:  # a position past the end: the tables are damaged
            raise st.damaged(self._segment.path, "bad table") from None
        return (*found, len(self) * len(queries))

    def location(self, id: int) -> HashLocation:
        if not 0 <= id < len(self):
            raise IndexError(f"no entry {id} in an index of {len(self)}")
        shard = int(np.searchsorted(self._base, id, side="right")) - 1
        return HashLocation(
            self.shards[shard].name,
            int(self._segment.arrays["rows"][id]),
            self._string("key", id),
            self._string("url", id),
            self._string("caption", id),
        )

    def hash_of(self, id: int) -> bytes:
        return bytes(self._hashes[id])

    def quality_of(self, id: int) -> int | None:
        value = int(self._segment.arrays["quality"][id])
        return None if value == st.NOT_GIVEN else value

    def aux_of(self, id: int) -> bytes:
        width = self.aux_width
        return self._segment.arrays["aux"][id * width : (id + 1) * width].tobytes()

    def aux_view(self) -> np.ndarray:
        """Every entry's aux value as an (n, aux_width) uint8 view of the mapped file (no
        copy): for indexes searched by their aux values (the face index's embeddings)."""
        return self._segment.arrays["aux"].reshape(-1, self.aux_width)

    def _string(self, name: str, id: int) -> str:
        offsets = self._segment.arrays[f"{name}_offsets"]
        begin, end = int(offsets[id]), int(offsets[id + 1])
        blob = self._segment.arrays[f"{name}_blob"]
        if not 0 <= begin <= end <= len(blob):
            raise st.damaged(self._segment.path, f"bad {name} offsets")
        return blob[begin:end].tobytes().decode("utf-8", "surrogatepass")

    def changes(self, current: Mapping[str, ShardFingerprint | Path | str]) -> list[str]:
        """What differs between the indexed shards and `current` (shard name -> its file, or
        its fingerprint): added, removed or changed shards (size, or sha256 when the mtime
        moved); empty when the index is up to date."""
        built = {s.name: s.fingerprint for s in self.shards}
        found = [
            f"shard {n} was added since the index was built" for n in current if n not in built
        ]
        found += [
            f"shard {n} was removed since the index was built" for n in built if n not in current
        ]
        for name, now in current.items():
            before = built.get(name)
            if before is None:
                continue
            if not isinstance(now, ShardFingerprint):
                now = file_fingerprint(now, before)
            if (now.size, now.sha256) != (before.size, before.sha256):
                found.append(f"shard {name} changed since the index was built")
        return found

    def close(self) -> None:
        self._hashes = np.empty((0, st.HASH_BYTES), np.uint8)  # no view keeps the map open
        self._base = np.zeros(1, np.int64)
        self._segment.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def open_hash_index(directory: Path) -> HashIndex:
    """Open the index in `directory` for searching. A missing, damaged or other-version index
    is one ExpungeError naming the file and how to rebuild it."""
    directory = Path(directory)
    manifest = st.load_manifest(directory)
    if manifest is None:
        raise ExpungeError(
            f"{directory} is not an image hash index (no {st.MANIFEST})", st.rebuild_fix(directory)
        )
    if manifest.get("version") != st.VERSION:
        raise ExpungeError(
            f"{directory} was built by another version of expunge", st.rebuild_fix(directory)
        )
    try:
        merged = directory / manifest["merged"]["file"]
        segment = st.open_segment(merged, st.MERGED_ARRAYS)
        try:
            index = HashIndex(directory, manifest, segment)
        except BaseException:
            segment.close()
            raise
    except (KeyError, TypeError, ValueError):
        raise ExpungeError(
            f"{directory / st.MANIFEST} is damaged", st.rebuild_fix(directory)
        ) from None
    if segment.meta.get("aux_width") != index.aux_width or len(index) != sum(
        s.entries for s in index.shards
    ):
        index.close()
        raise st.damaged(merged, "does not match the manifest")
    return index
