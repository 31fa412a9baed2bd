"""Shared pieces of the shard rewriter: the edit set, the stats, and the synced output file."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

import zstandard

_GZIP_LEVEL = 6  # what the gzip tool uses: 9 is much slower for a few percent


@dataclass(frozen=True)
class RewriteStats:
    rows_in: int
    rows_out: int
    dropped: int
    replaced: int


@dataclass(frozen=True, slots=True)
class Edits:
    drop: frozenset[int]
    replace: Mapping[int, str]  # never holds a dropped row

    @property
    def empty(self) -> bool:
        return not self.drop and not self.replace


def check_rows(label: str, edits: Edits, rows_in: int) -> None:
    """Every edited row must exist: anything else is a bug in the caller."""
    missing = sorted(row for row in (*edits.drop, *edits.replace) if not 0 <= row < rows_in)
    if missing:
        raise ValueError(f"{label}: row {missing[0]} does not exist (the shard has {rows_in} rows)")


def cannot_replace(label: str, row: int, why: str) -> ValueError:
    return ValueError(f"{label}: row {row} cannot have its text replaced: {why}")


@contextmanager
def synced_output(path: str, codec: str) -> Iterator[BinaryIO]:
    """A binary stream writing `path`, compressed with `codec` ("", "gzip" or "zstd"); the
    file is flushed and fsynced when the block ends without error."""
    with open(path, "wb") as raw:
        if codec == "gzip":
            with gzip.GzipFile(
                filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=_GZIP_LEVEL
            ) as packed:
                yield packed  # type: ignore[misc]
        elif codec == "zstd":
            with zstandard.ZstdCompressor().stream_writer(raw, closefd=False) as packed:
                yield packed  # type: ignore[misc]
        else:
            yield raw
        raw.flush()
        os.fsync(raw.fileno())


def line_ending(line: bytes) -> bytes:
    """The line break a line ends with (b"" for a last line without one)."""
    if line.endswith(b"\r\n"):
        return b"\r\n"
    if line.endswith((b"\n", b"\r")):
        return line[-1:]
    return b""
