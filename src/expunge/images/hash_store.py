"""File format of the image hash index: segments of perceptual hashes with their locations.

IDX/manifest.json          written last (the commit point): settings, per shard its name,
                           size, mtime, sha256, entries and segment file, and the merged segment
IDX/shards/<name>.seg      one segment per dataset shard
IDX/merged/<name>.seg      every shard's segment concatenated in manifest order, plus the
                           multi-index hash tables: what a search reads

Segment files are named by content (shard name digest + digest of checksum and settings;
merged: digest of its sources), so a rebuild never writes over a file the current manifest
names; files the new manifest does not name are deleted only after it is written. Every file
is written through atomic.open_atomic (temporary name, fsync, rename).

A segment is one file that numpy maps into memory without copying or unpickling anything:

    8 bytes   magic b"EXPIMH" + format number (2 bytes, big-endian)
    4 bytes   header length H (little-endian)
    H bytes   header, JSON: {"arrays": [[name, dtype, count, offset], ...], "meta": {...}}
    ...       the arrays, raw little-endian, each at a 64-byte aligned offset, in header order

Arrays (N entries; an entry is one image of one row):
    hashes           uint8[N*32]   PDQ hash of entry i at [32i, 32i+32), bytes as hashing gives
    rows             int64[N]      the row (sample number) of the entry in its shard
    quality          uint8[N]      the hash's quality (PDQ: 0..100; 255: not given)
    aux              uint8[N*A]    a second, confirming hash of A bytes per entry (A in meta)
    key_offsets      int64[N+1]    key of entry i: key_blob[key_offsets[i]:key_offsets[i+1]]
    key_blob         uint8[...]    UTF-8 (surrogatepass, so any file name round-trips)
    url_offsets, url_blob, caption_offsets, caption_blob: the same for URL and caption
                     (captions cut to CAPTION_CHARS characters, URLs to URL_CHARS)
merged segments also:
    base             int64[S+1]    first entry of each shard (manifest order), then N
    mih_starts       uint32|uint64[16*65537]  multi-index hash tables (hash_search.py):
    mih_table        uint32|uint64[16*N]      entries whose 16-bit chunk c has value v are
                     mih_table[c*N + mih_starts[c*65537+v] : c*N + mih_starts[c*65537+v+1]]
                     (both empty below hash_index.MIH_MIN_ENTRIES entries: a scan is quick)

Size per entry: 65 + A bytes + its key, URL and caption (UTF-8) in its shard segment, the
same again plus 64 bytes of tables (uint32 positions) in the merged one, plus 4 MB of table
starts: 1M entries with ~120 bytes of strings took 182 MB + 247 MB. Structure (sizes, ends)
is checked when a segment is opened; the bytes themselves carry no checksum.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import struct
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from expunge.errors import ExpungeError
from expunge.pread import read_slice

MAGIC = b"EXPIMH" + struct.pack(">H", 1)
VERSION = 1  # of the manifest and of what a segment holds
FORMAT = "expunge-image-hash-index"
MANIFEST = "manifest.json"
SHARDS = "shards"
MERGED = "merged"
SUFFIX = ".seg"
HASH_BYTES = 32
CAPTION_CHARS = 300
URL_CHARS = 4096
NOT_GIVEN = 255  # quality of an entry whose hasher gave none

_ALIGN = 64
_DTYPES = frozenset({"|u1", "<i8", "<u4", "<u8"})
STRINGS = ("key", "url", "caption")
SHARD_ARRAYS = (
    "hashes", "rows", "quality", "aux",
    *(f"{name}_{part}" for name in STRINGS for part in ("offsets", "blob")),
)  # fmt: skip
MERGED_ARRAYS = (*SHARD_ARRAYS, "base", "mih_starts", "mih_table")


def rebuild_fix(index_dir: Path) -> str:
    return f"build it again: expunge images index DATASET --out {index_dir}"


def damaged(path: Path, why: str) -> ExpungeError:
    return ExpungeError(
        f"image index file {path} is damaged ({why})", rebuild_fix(path.parent.parent)
    )


def shard_segment_name(shard_name: str, checksum: str, settings: Mapping[str, Any]) -> str:
    """No shard name in the file name (names can hold '/'), and a new file per content and
    settings, so a rebuild never writes over a file the current manifest names."""
    label = hashlib.sha256(shard_name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    content = json.dumps([VERSION, checksum, settings], sort_keys=True).encode()
    return f"{label}-{hashlib.sha256(content).hexdigest()[:16]}{SUFFIX}"


def is_index_file(name: str) -> bool:
    """A segment, or a temporary one (atomic.open_atomic's '.NAME.PID.HEX.tmp'): the only
    files a build deletes from shards/ and merged/."""
    return name.endswith(SUFFIX) or (name.startswith(".") and f"{SUFFIX}." in name)


def merged_segment_name(sources: Sequence[str], mih: bool) -> str:
    text = "\n".join([str(VERSION), f"mih={mih}", *sources])
    return f"{hashlib.sha256(text.encode()).hexdigest()[:32]}{SUFFIX}"


def pack_strings(values: Sequence[str], limit: int | None) -> tuple[np.ndarray, np.ndarray]:
    """(offsets int64[n+1], UTF-8 blob uint8[...]) of `values`, each cut to `limit` chars."""
    encoded = [(v if limit is None else v[:limit]).encode("utf-8", "surrogatepass") for v in values]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return offsets, np.frombuffer(b"".join(encoded), np.uint8)


def layout_of(arrays: Mapping[str, tuple[str, int]], meta: Mapping[str, Any]) -> bytes:
    """The header (magic, length, JSON) of a segment with these arrays (name -> dtype, count),
    padded to the first array's offset."""
    data_start = 0
    for _ in range(4):  # the header's length depends on the offsets it lists
        entries, offset = [], data_start
        for name, (dtype, count) in arrays.items():
            assert dtype in _DTYPES, dtype
            entries.append([name, dtype, int(count), offset])
            offset += _padded(int(count) * np.dtype(dtype).itemsize)
        header = json.dumps({"arrays": entries, "meta": dict(meta)}).encode()
        needed = _padded(len(MAGIC) + 4 + len(header))
        if needed == data_start:
            return (MAGIC + struct.pack("<I", len(header)) + header).ljust(needed, b"\0")
        data_start = needed
    raise AssertionError("segment header did not settle")


def _padded(size: int) -> int:
    return -(-size // _ALIGN) * _ALIGN


class SegmentOutput:
    """Streams a segment into a file opened by `open_atomic`: the arrays in the order of
    `arrays`, each in as many `append` calls as the caller likes (bounded memory), padded to
    64 bytes; `finish` checks that every array got exactly its count."""

    def __init__(
        self, out: BinaryIO, arrays: Mapping[str, tuple[str, int]], meta: Mapping[str, Any]
    ) -> None:
        self._out = out
        self._todo = [
            (name, np.dtype(dtype), int(count)) for name, (dtype, count) in arrays.items()
        ]
        self._written = 0  # of the current array (the first of _todo)
        out.write(layout_of(arrays, meta))

    def append(self, name: str, values: np.ndarray) -> None:
        self._close_complete(until=name)
        current, dtype, count = self._todo[0] if self._todo else ("(none)", None, 0)
        if name != current or dtype is None:
            raise ValueError(f"segment array {name} written before {current} was complete")
        data = np.ascontiguousarray(values, dtype=dtype).reshape(-1)
        if self._written + len(data) > count:
            raise ValueError(f"{self._written + len(data)} values do not fit {name}[{count}]")
        self._out.write(data.view(np.uint8).data)
        self._written += len(data)

    def _close_complete(self, until: str | None) -> None:
        """Pad and leave the arrays that are complete, up to the one named `until`."""
        while self._todo and self._todo[0][0] != until and self._written == self._todo[0][2]:
            _, dtype, count = self._todo.pop(0)
            size = count * dtype.itemsize
            self._out.write(b"\0" * (_padded(size) - size))
            self._written = 0

    def finish(self) -> None:
        self._close_complete(until=None)
        if self._todo:
            raise ValueError(f"segment array {self._todo[0][0]} is incomplete")


@dataclass(frozen=True, slots=True)
class Segment:
    """A segment mapped read-only: `arrays` are views of the mapping (nothing copied)."""

    path: Path
    meta: dict[str, Any]
    arrays: dict[str, np.ndarray]
    data: mmap.mmap | None = field(default=None, repr=False, compare=False)
    offsets: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def entries(self) -> int:
        return len(self.arrays["rows"])

    def read(self, name: str, begin: int, end: int) -> np.ndarray:
        """A copy of arrays[name][begin:end], read from the file (pread), not through the
        mapping, so a merge streaming many segments keeps no pages of them resident."""
        try:
            return read_slice(self.path, self.arrays[name], self.offsets[name], begin, end)
        except EOFError:
            raise damaged(self.path, "truncated") from None

    def pieces(self, name: str, step: int, begin: int = 0) -> Iterator[np.ndarray]:
        """arrays[name][begin:] in copies of at most `step` values, read by `read`."""
        length = len(self.arrays[name])
        for at in range(begin, length, step):
            yield self.read(name, at, min(length, at + step))

    def close(self) -> None:
        self.arrays.clear()
        if self.data is not None:
            try:
                self.data.close()
            except BufferError:  # a caller still holds a view: the map closes when it goes
                pass


def open_segment(path: Path, names: Sequence[str]) -> Segment:
    """Map a segment read-only and check its structure (cheap: sizes and ends, no full read).
    The header and the ends are read with plain reads, so opening touches no page of the
    mapping (a fault maps whole neighbourhoods: a merge opening 1,000 segments would hold
    hundreds of MB). A missing or malformed file is one ExpungeError naming it and the fix."""
    start = len(MAGIC) + 4
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            prefix = handle.read(start)
            if len(prefix) < start:
                raise damaged(path, "too short")
            if prefix[: len(MAGIC)] != MAGIC:
                raise damaged(path, "not a segment of this version")
            (length,) = struct.unpack_from("<I", prefix, len(MAGIC))
            if start + length > size:
                raise damaged(path, "truncated header")
            header_bytes = handle.read(length)
            data = mmap.mmap(handle.fileno(), size, access=mmap.ACCESS_READ)
    except FileNotFoundError:
        raise ExpungeError(
            f"image index file {path} is missing", rebuild_fix(path.parent.parent)
        ) from None
    except OSError as exc:
        raise ExpungeError(
            f"cannot read image index file {path}: {exc.strerror}",
            rebuild_fix(path.parent.parent),
        ) from None
    arrays: dict[str, np.ndarray] = {}
    offsets: dict[str, int] = {}
    try:
        header = json.loads(header_bytes)
        meta = header["meta"]
        for name, dtype, count, offset in header["arrays"]:
            if dtype not in _DTYPES or count < 0 or offset % _ALIGN or offset < start + length:
                raise ValueError(name)
            kind = np.dtype(dtype)
            if offset + count * kind.itemsize > size:
                raise damaged(path, "truncated")
            arrays[name] = np.frombuffer(data, kind, count, offset) if count else np.empty(0, kind)
            offsets[name] = offset
    except (ExpungeError, ValueError, KeyError, TypeError) as error:
        Segment(path, {}, arrays, data).close()
        if isinstance(error, ExpungeError):
            raise
        raise damaged(path, "bad header") from None
    segment = Segment(path, meta, arrays, data, offsets)
    if not isinstance(meta, dict) or any(name not in arrays for name in names):
        segment.close()
        raise damaged(path, "arrays missing")
    if not _sizes_agree(segment):
        segment.close()
        raise damaged(path, "inconsistent sizes")
    return segment


def _sizes_agree(segment: Segment) -> bool:
    arrays, meta = segment.arrays, segment.meta
    n = len(arrays["rows"])
    width = meta.get("aux_width")
    if not isinstance(width, int) or (
        len(arrays["hashes"]),
        len(arrays["quality"]),
        len(arrays["aux"]),
    ) != (n * HASH_BYTES, n, n * width):
        return False

    def ends(name: str) -> tuple[int, int]:
        array = arrays[name]
        if not len(array):
            return (-1, -1)
        first, last = segment.read(name, 0, 1), segment.read(name, len(array) - 1, len(array))
        return int(first[0]), int(last[0])

    for name in STRINGS:
        offsets = arrays[f"{name}_offsets"]
        if len(offsets) != n + 1 or ends(f"{name}_offsets") != (0, len(arrays[f"{name}_blob"])):
            return False
    if "base" in arrays and ends("base") != (0, n):
        return False
    table = arrays.get("mih_table")
    return (
        table is None
        or not len(table)
        or (len(table) == 16 * n and len(arrays["mih_starts"]) == 16 * 65537)
    )


def shard_layout(entries: int, aux_width: int, blobs: Mapping[str, int]) -> dict[str, Any]:
    """name -> (dtype, count) of a shard segment (the merged one adds base and tables)."""
    layout: dict[str, Any] = {
        "hashes": ("|u1", entries * HASH_BYTES),
        "rows": ("<i8", entries),
        "quality": ("|u1", entries),
        "aux": ("|u1", entries * aux_width),
    }
    for name in STRINGS:
        layout[f"{name}_offsets"] = ("<i8", entries + 1)
        layout[f"{name}_blob"] = ("|u1", blobs[name])
    return layout


# ---------------------------------------------------------------------------------- manifest


def load_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The manifest, or None when there is none; a damaged one is an ExpungeError."""
    path = index_dir / MANIFEST
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        raise ExpungeError(f"{path} is damaged", rebuild_fix(index_dir)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ExpungeError(f"{index_dir} is not an image hash index", rebuild_fix(index_dir))
    return data
