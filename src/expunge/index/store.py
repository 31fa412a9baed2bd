"""The index directory: secret key, manifest, segment files; atomic writes.

IDX/secret.key             32 random bytes (0600), the HMAC key; never leaves the directory
IDX/manifest.json          written last: settings, per shard name, size, sha256, rows, its
                           segment, and the merged segment
IDX/shards/<name>.seg      one segment per shard: its keys and, per key, the rows holding it
IDX/merged/<name>.seg      every shard's segment merged: what a lookup reads
IDX/shards/.run-*          while a large shard is indexed: its sorted runs (segments of the
                           rows read so far), merged into its segment and deleted

A segment is one file that numpy maps into memory without copying or unpickling anything:

    8 bytes   magic b"EXPIDX" + format number (2 bytes, big-endian)
    4 bytes   header length H (little-endian)
    H bytes   header, JSON: {"arrays": [[name, dtype, count, offset], ...], "meta": {...}}
    ...       the arrays, raw little-endian, each at a 64-byte aligned offset

Arrays of a segment (K keys, M postings, sorted by key; a key is the 16-byte hash read as two
big-endian unsigned 64-bit numbers, so (hi, lo) order is byte order of the hash):
    hi, lo   uint64[K]   the key
    kind     int8[K]     index.keys.KIND_CODE of the key (also part of the hashed message)
    start    int64[K+1]  postings of key i are postings[start[i]:start[i+1]], ascending
    postings uint32[M]   a shard segment: row numbers in the shard;
             uint32|uint64[M] the merged segment: record ids, base[s] + row for shard s
    base     uint64[S+1] merged only: first record id of each shard (manifest order), then
                         the total
The postings are stored once per key rather than the hash once per entry: a word key has
thousands of postings, so this is ~4-8 bytes per entry instead of ~23.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import numpy as np

from expunge.atomic import write_atomic
from expunge.errors import ExpungeError
from expunge.keys import create_key, read_key
from expunge.pread import read_slice

MANIFEST = "manifest.json"
SECRET = "secret.key"
SHARDS = "shards"
MERGED = "merged"
SUFFIX = ".seg"
VERSION = 3  # 3: phones stored as every digit range of a text (subject/phones.py)

MAGIC = b"EXPIDX" + struct.pack(">H", 1)
_ALIGN = 64
_DTYPES = frozenset({"<u8", "<i8", "<u4", "|i1"})
SHARD_ARRAYS = ("hi", "lo", "kind", "start", "postings")
MERGED_ARRAYS = (*SHARD_ARRAYS, "base")


def load_secret(out_dir: Path, create: bool) -> bytes:
    path = out_dir / SECRET
    if not path.exists():
        if not create:
            raise ExpungeError(
                f"{out_dir} is not an index (no {SECRET})", "build it: expunge index build"
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        return create_key(path)
    return read_key(path, "delete the index and build it again")


def load_manifest(out_dir: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads((out_dir / MANIFEST).read_bytes())
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ExpungeError(
            f"{out_dir / MANIFEST} is damaged", "delete the index and build it again"
        ) from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    return data


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    write_atomic(out_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())


def shard_segment_name(shard_name: str, checksum: str) -> str:
    """Name of a shard's segment: no shard name in it (names can hold '/'), and a new file per
    content, so a rebuild never overwrites the file the current manifest points at."""
    label = hashlib.sha256(shard_name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{label}-{checksum.removeprefix('sha256:')[:16]}{SUFFIX}"


def merged_segment_name(sources: Sequence[str]) -> str:
    """Name of the merged segment of these shard segments (in this order): shard segments are
    named by content, so this is too."""
    digest = hashlib.sha256("\n".join([str(VERSION), *sources]).encode()).hexdigest()
    return f"{digest[:32]}{SUFFIX}"


# ---------------------------------------------------------------------------------- segments


def _rebuild_fix(path: Path) -> str:
    index_dir = path.parent.parent
    return f"build the index again: expunge index build DATASET --out {index_dir}"


def damaged(path: Path, why: str) -> ExpungeError:
    return ExpungeError(f"index file {path} is damaged ({why})", _rebuild_fix(path))


class SegmentWriter:
    """Write a segment in place: the file is laid out first, then its arrays are filled piece
    by piece with `write` (pwrite: nothing of the file stays resident in this process, so a
    merge can stream into it with bounded memory), or through the memory maps in `arrays`.
    Written under a temporary name; `commit` syncs it and renames it into place.

        with SegmentWriter(path, {"hi": ("<u8", n), ...}, meta) as out:
            out.write("hi", 0, first_part)
            out.write("hi", len(first_part), second_part)
            out.commit()
    """

    def __init__(
        self, path: Path, layout: Mapping[str, tuple[str, int]], meta: Mapping[str, Any]
    ) -> None:
        self.path = path
        self.tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
        entries: list[list[Any]] = []
        header = b""
        # The header's length depends on the offsets it lists: lay out twice when needed.
        data_start = 0
        for _ in range(3):
            entries = []
            offset = data_start
            for name, (dtype, count) in layout.items():
                assert dtype in _DTYPES, dtype
                entries.append([name, dtype, int(count), offset])
                offset += -(-int(count) * np.dtype(dtype).itemsize // _ALIGN) * _ALIGN
            header = json.dumps({"arrays": entries, "meta": dict(meta)}).encode()
            needed = -(-(len(MAGIC) + 4 + len(header)) // _ALIGN) * _ALIGN
            if needed == data_start:
                break
            data_start = needed
        self.size = max(offset, data_start)
        self._layout = {name: (np.dtype(dtype), count, at) for name, dtype, count, at in entries}
        self._file = open(self.tmp, "w+b")  # noqa: SIM115 - closed by commit / __exit__
        self._file.write(MAGIC + struct.pack("<I", len(header)) + header)
        self._file.truncate(self.size)
        self._map = mmap.mmap(self._file.fileno(), self.size) if self.size else None
        self.arrays: dict[str, np.ndarray] = {}
        for name, dtype, count, offset in entries:
            if count and self._map is not None:
                self.arrays[name] = np.frombuffer(self._map, np.dtype(dtype), count, offset)
            else:
                self.arrays[name] = np.empty(0, np.dtype(dtype))
        self._done = False

    def write(self, name: str, at: int, values: np.ndarray) -> None:
        """Write `values` into array `name` from element `at` on."""
        dtype, count, offset = self._layout[name]
        data = np.ascontiguousarray(values, dtype=dtype)
        if data.ndim != 1 or at < 0 or at + len(data) > count:
            raise ValueError(f"{len(data)} values at {at} do not fit {name}[{count}]")
        view = data.view(np.uint8).data
        position = offset + at * dtype.itemsize
        if not hasattr(os, "pwrite"):  # Windows
            self._file.seek(position)
            self._file.write(view)
            return
        while view:
            written = os.pwrite(self._file.fileno(), view, position)
            view = view[written:]
            position += written

    def commit(self) -> None:
        self.arrays.clear()
        if self._map is not None:
            self._map.flush()
            try:
                self._map.close()
            except BufferError:  # a caller still holds a view: the map closes when it goes
                pass
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.path)
        self._done = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if not self._done:
            self.arrays.clear()
            if self._map is not None:
                try:
                    self._map.close()
                except BufferError:  # a caller still holds a view; the file goes anyway
                    pass
            self._file.close()
            self.tmp.unlink(missing_ok=True)


def write_segment(path: Path, arrays: Mapping[str, np.ndarray], meta: Mapping[str, Any]) -> None:
    layout = {name: (_dtype_name(a.dtype), len(a)) for name, a in arrays.items()}
    with SegmentWriter(path, layout, meta) as out:
        for name, array in arrays.items():
            if len(array):
                out.write(name, 0, array)
        out.commit()


def _dtype_name(dtype: np.dtype[Any]) -> str:
    return np.dtype(dtype).newbyteorder("<").str if dtype.itemsize > 1 else dtype.str


@dataclass(frozen=True, slots=True)
class Segment:
    path: Path
    meta: dict[str, Any]
    arrays: dict[str, np.ndarray]
    data: mmap.mmap | None = field(default=None, repr=False, compare=False)  # the mapping
    offsets: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def keys(self) -> int:
        return len(self.arrays["hi"])

    def read(self, name: str, begin: int, end: int) -> np.ndarray:
        """A copy of arrays[name][begin:end], read from the file (pread), not through the
        mapping, so a merge streaming many segments keeps no pages of them resident."""
        try:
            return read_slice(self.path, self.arrays[name], self.offsets[name], begin, end)
        except EOFError:
            raise damaged(self.path, "truncated") from None

    def release(self) -> None:
        """Drop this process's pages of the whole mapping (see `read`)."""
        if self.data is not None and hasattr(mmap, "MADV_DONTNEED"):
            self.data.madvise(mmap.MADV_DONTNEED)


def open_segment(path: Path, names: Sequence[str]) -> Segment:
    """Map a segment read-only. Raises one ExpungeError line when the file is missing or is
    not a well-formed segment with these arrays (a structural check: cheap, no full read)."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size < len(MAGIC) + 4:
                raise damaged(path, "too short")
            # ACCESS_READ: pages are shared with the page cache and never copied.
            data = mmap.mmap(handle.fileno(), size, access=mmap.ACCESS_READ)
    except FileNotFoundError:
        raise ExpungeError(f"index file {path} is missing", _rebuild_fix(path)) from None
    except OSError as exc:
        raise ExpungeError(
            f"cannot read index file {path}: {exc.strerror}", _rebuild_fix(path)
        ) from None
    if data[: len(MAGIC)] != MAGIC:
        raise damaged(path, "not a segment of this version")
    (length,) = struct.unpack_from("<I", data, len(MAGIC))
    start = len(MAGIC) + 4
    if start + length > size:
        raise damaged(path, "truncated header")
    try:
        header = json.loads(data[start : start + length])
        entries = header["arrays"]
        meta = header["meta"]
        arrays: dict[str, np.ndarray] = {}
        offsets: dict[str, int] = {}
        for name, dtype, count, offset in entries:
            if dtype not in _DTYPES or count < 0 or offset % _ALIGN:
                raise ValueError(name)
            kind = np.dtype(dtype)
            if offset + count * kind.itemsize > size or offset < start + length:
                raise damaged(path, "truncated")
            arrays[name] = np.frombuffer(data, kind, count, offset) if count else np.empty(0, kind)
            offsets[name] = offset
    except ExpungeError:
        raise
    except (ValueError, KeyError, TypeError):
        raise damaged(path, "bad header") from None
    missing = [n for n in names if n not in arrays]
    if missing or not isinstance(meta, dict):
        raise damaged(path, "arrays missing")
    keys = len(arrays["hi"])
    start_of = arrays["start"]
    if (
        len(arrays["lo"]) != keys
        or len(arrays["kind"]) != keys
        or len(start_of) != keys + 1
        or int(start_of[0]) != 0
        or int(start_of[-1]) != len(arrays["postings"])
    ):
        raise damaged(path, "inconsistent sizes")
    return Segment(path, meta, arrays, data, offsets)
