"""Large files read in parts: where a part may start, and errors that name whole-file lines.

A part is a byte range [start, end) of one file; a reader reads the records that *start* in it,
so every record belongs to exactly one part and the parts put together read what the whole
file reads (scan/split.py renumbers the rows). Which formats can be read in parts, and where a
part starts, is the registry's `byte_ranges` (io/registry.py):
- "lines" (JSON Lines, uncompressed): after a newline;
- "warc-records" (WARC / WET), uncompressed: at a 'WARC/1.x' line; gzip per record (Common
  Crawl's .warc.gz, .warc.wet.gz): at a gzip member whose data starts with 'WARC/'.
Compressed JSON Lines and the other formats are one part: a stream compressed as a whole
cannot be entered in the middle.
"""

from __future__ import annotations

import re
import zlib
from typing import BinaryIO

from expunge.errors import ErrorPolicy
from expunge.records import Shard

from .registry import ByteRanges, registered
from .streams import GZIP_MAGIC, ZSTD_MAGIC, open_input

_LINE = re.compile(r"^line (\d+)$")
_WARC_LINE = re.compile(rb"(?:^|\n)WARC/1\.[0-9]\r?\n")
_GZIP_MEMBER = b"\x1f\x8b\x08"
_SCAN = 1 << 20  # bytes searched at a time for the next record start


class RangeErrors(ErrorPolicy):
    """The run's ErrorPolicy for one part: 'line N' of the part becomes the file's line,
    counted only when a bad row needs it (the newlines before the part are read once)."""

    def __init__(self, inner: ErrorPolicy, shard: Shard) -> None:
        self._inner = inner  # first: the dataclass __init__ sets rows_numbered through it
        self._shard = shard
        self._base: int | None = None
        super().__init__(inner.mode, inner.skipped, inner.rows_numbered)

    def bad_row(self, shard: str, where: str, reason: str, fix: str = "") -> None:
        found = _LINE.match(where)
        if found is not None:
            where = f"line {int(found.group(1)) + self._lines_before()}"
        self._inner.bad_row(shard, where, reason, fix)

    def _lines_before(self) -> int:
        if self._base is None:
            assert self._shard.byte_range is not None
            start = self._shard.byte_range[0]
            count = 0
            with open_input(self._shard.path, self._shard.label) as handle:
                left = start
                while left > 0 and (chunk := handle.read(min(left, _SCAN))):
                    count += chunk.count(b"\n")
                    left -= len(chunk)
            self._base = count
        return self._base

    @property  # type: ignore[override]
    def rows_numbered(self) -> int:
        return self._inner.rows_numbered

    @rows_numbered.setter
    def rows_numbered(self, value: int) -> None:
        self._inner.rows_numbered = value


def splittable(shard: Shard) -> bool:
    """Whether the file can be read in parts (see the module docstring)."""
    kind = _byte_ranges(shard.format)
    if kind is None:
        return False
    with open_input(shard.path, shard.label) as handle:
        head = handle.read(4096)
    if head.startswith(ZSTD_MAGIC):
        return False
    if head.startswith(GZIP_MAGIC):
        return kind == "warc-records"  # one member per record, by the WARC standard
    # A JSON array is one bad shard, reported once by the reader of its start: not in parts.
    return not (kind == "lines" and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["))


def _byte_ranges(format: str) -> ByteRanges | None:
    fmt = registered().get(format)
    return None if fmt is None else fmt.byte_ranges


def split_points(shard: Shard, size: int, parts: int) -> list[int]:
    """Starts of up to `parts` parts (the first is 0), each at a record start."""
    points = [0]
    with open_input(shard.path, shard.label) as handle:
        for k in range(1, parts):
            at = max(size * k // parts, points[-1] + 1)
            found = _next_start(handle, _byte_ranges(shard.format), at, size)
            if found is None or found >= size:
                break
            if found > points[-1]:
                points.append(found)
    return points


def _next_start(handle: BinaryIO, kind: ByteRanges | None, at: int, size: int) -> int | None:
    handle.seek(0)
    magic = handle.read(2)
    compressed = magic == GZIP_MAGIC
    position = at
    while position < size:
        handle.seek(position)
        chunk = handle.read(_SCAN + 16)
        if not chunk:
            return None
        if kind == "lines":
            newline = chunk.find(b"\n")
            if newline >= 0 and newline < _SCAN:
                return position + newline + 1
        elif compressed:
            found = _member_start(handle, chunk, position)
            if found is not None:
                return found
        else:
            for m in _WARC_LINE.finditer(chunk, 0, _SCAN + 16):
                start = m.start() + (1 if chunk[m.start() : m.start() + 1] == b"\n" else 0)
                # A record starts after the blank line that ends the one before it; a
                # 'WARC/1.0' line inside a payload (a page about WARC) has no such line.
                if 0 < start < _SCAN and _after_blank_line(handle, position + start):
                    return position + start
        position += _SCAN
    return None


def _member_start(handle: BinaryIO, chunk: bytes, position: int) -> int | None:
    """The first gzip member in `chunk` whose data starts with 'WARC/' (a real record)."""
    at = chunk.find(_GZIP_MEMBER)
    while 0 <= at < _SCAN:
        handle.seek(position + at)
        head = handle.read(4096)
        try:
            data = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(head, 16)
        except zlib.error:
            data = b""
        if data.startswith(b"WARC/"):
            return position + at
        at = chunk.find(_GZIP_MEMBER, at + 1)
    return None


def _after_blank_line(handle: BinaryIO, at: int) -> bool:
    handle.seek(max(0, at - 4))
    before = handle.read(min(4, at))
    return before.endswith((b"\r\n\r\n", b"\n\n"))
