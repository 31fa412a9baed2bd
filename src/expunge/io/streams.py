"""Open shard files as buffered binary streams, decompressing gzip and zstd by magic bytes.

Both codecs go through one `DecompressingReader` so that a stream cut short is an error
(`EOFError`) rather than a silently shorter file: zstandard's own `stream_reader` just stops.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, Protocol

import zstandard

from expunge.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"

READ_BUFFER = 1 << 20  # large buffers keep line iteration in C for long stretches
_CHUNK = 1 << 17  # compressed bytes fed to the decompressor at a time

# What reading a (possibly compressed) stream can raise when the data is cut short or corrupt.
STREAM_ERRORS: tuple[type[BaseException], ...] = (
    EOFError,
    OSError,
    zlib.error,
    zstandard.ZstdError,
)


class _Decompressor(Protocol):
    @property
    def eof(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes) -> bytes: ...


class DecompressingReader(io.RawIOBase):
    """Raw stream over concatenated gzip members or zstd frames; raises EOFError when the
    input ends inside a member/frame."""

    def __init__(self, source: BinaryIO, new_decompressor: Callable[[], _Decompressor]) -> None:
        super().__init__()
        self._source = source
        self._new = new_decompressor
        self._current = new_decompressor()
        self._mid_frame = False
        self._out = memoryview(b"")
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while self._pos >= len(self._out):
            if not self._fill():
                return 0
        count = min(len(buffer), len(self._out) - self._pos)
        memoryview(buffer)[:count] = self._out[self._pos : self._pos + count]
        self._pos += count
        return count

    def _fill(self) -> bool:
        chunk = self._source.read(_CHUNK)
        if not chunk:
            if self._mid_frame:
                raise EOFError("compressed stream ended before the end of its last frame")
            return False
        parts = []
        while chunk:
            parts.append(self._current.decompress(chunk))
            self._mid_frame = True
            if self._current.eof:  # one member/frame done; the rest of the chunk starts the next
                chunk = self._current.unused_data
                self._current = self._new()
                self._mid_frame = False
            else:
                chunk = b""
        self._out = memoryview(b"".join(parts))
        self._pos = 0
        return True


def _new_gzip() -> _Decompressor:
    return zlib.decompressobj(wbits=31)  # 31: gzip header and trailer, CRC checked


def _new_zstd() -> _Decompressor:
    return zstandard.ZstdDecompressor().decompressobj()


@dataclass(frozen=True, slots=True)
class OpenedStream:
    stream: BinaryIO
    codec: str  # "gzip", "zstd" or "" for an uncompressed file


# The file a reader opened last in this process, for progress by bytes read (a task reads one
# shard at a time; a second stream of the same file, io/raw.py, keeps in step with the first).
_last_opened: list[io.FileIO] = []


def input_position() -> int:
    """How far into its file the input opened last has read (0 when none is open)."""
    if not _last_opened or _last_opened[0].closed:
        return 0
    try:
        return _last_opened[0].tell()
    except (OSError, ValueError):
        return 0


def open_input(path: str, label: str) -> io.BufferedReader:
    """Open for binary reading; a missing or unreadable file is an InputError naming it."""
    try:
        raw = io.FileIO(path, "rb")
        _last_opened[:] = [raw]
        return io.BufferedReader(raw, READ_BUFFER)
    except FileNotFoundError:
        raise InputError(label, "no such file or directory", "check the path") from None
    except IsADirectoryError:
        raise InputError(label, "is a directory, not a data file", "check the path") from None
    except OSError as exc:
        raise InputError(label, f"cannot open: {exc.strerror or exc}", "check the path") from None


@contextmanager
def open_decompressed(path: str, label: str) -> Iterator[OpenedStream]:
    """Yield a buffered binary stream of the file's uncompressed bytes."""
    raw = open_input(path, label)
    try:
        codec = _codec(raw, label)
        if codec == "gzip":
            reader = DecompressingReader(raw, _new_gzip)
            yield OpenedStream(io.BufferedReader(reader, READ_BUFFER), codec)
        elif codec == "zstd":
            reader = DecompressingReader(raw, _new_zstd)
            yield OpenedStream(io.BufferedReader(reader, READ_BUFFER), codec)
        else:
            yield OpenedStream(raw, codec)
    finally:
        raw.close()


def compression_of(path: str, label: str) -> str:
    """The codec open_decompressed finds the file compressed with ("gzip", "zstd" or "")."""
    with open_input(path, label) as raw:
        return _codec(raw, label)


def _codec(raw: io.BufferedReader, label: str) -> str:
    """The codec by the magic bytes at the start of a just-opened file."""
    try:
        magic = raw.peek(4)[:4]
    except OSError as exc:
        raise InputError(label, f"cannot read: {exc.strerror or exc}") from None
    if magic.startswith(GZIP_MAGIC):
        return "gzip"
    return "zstd" if magic == ZSTD_MAGIC else ""


def stream_failure(codec: str, count: int, unit: str) -> str:
    """Reason text for a stream that broke after `count` units were read."""
    what = f"{codec} stream" if codec else "file"
    return f"truncated or corrupt {what} after {count} {unit}"
