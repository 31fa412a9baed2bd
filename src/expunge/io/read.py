"""`read_shard`: stream the records of one shard with the reader for its format."""

from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Callable, Iterator
from typing import cast

from expunge.errors import ErrorPolicy, ExpungeError, InputError
from expunge.records import FieldSpec, Record, Shard

from .formats import FORMATS, not_regular_reason

Reader = Callable[[Shard, FieldSpec, ErrorPolicy], Iterator[Record]]

# format -> (module, function). Imported on first use: pyarrow and warcio cost a tenth of a
# second each to import, which a command touching only JSONL shards should not pay.
READERS: dict[str, tuple[str, str]] = {
    "jsonl": ("jsonl", "read_jsonl"),
    "parquet": ("parquet", "read_parquet"),
    "csv": ("delimited", "read_csv"),
    "tsv": ("delimited", "read_tsv"),
    "warc": ("warc", "read_warc"),
    "wet": ("warc", "read_warc"),  # one reader: it yields conversion records and responses
    "hf": ("arrow", "read_arrow"),
}
assert set(READERS) == set(FORMATS)


def reader_for(format: str) -> Reader:
    module, name = READERS[format]
    return cast(Reader, getattr(importlib.import_module(f"expunge.io.{module}"), name))


def read_shard(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    """Yield the records of one shard, streaming, in file order.

    Every record's `location.row` is its 0-based index in the shard (bad rows count, so rows
    are stable whatever the error policy). Malformed rows go to `errors.bad_row`; a file that
    cannot be read at all raises InputError. An empty file yields nothing.
    """
    if shard.format not in READERS:
        raise ExpungeError(
            f"{shard.label}: unknown format {shard.format!r}",
            f"use one of: {', '.join(FORMATS)}",
        )
    size = shard_size(shard)
    if size == 0:
        return
    yield from reader_for(shard.format)(shard, fields, errors)


def shard_size(shard: Shard) -> int:
    """Size of a shard's file; a missing or unreadable file is the user's InputError."""
    try:
        info = os.stat(shard.path)
    except FileNotFoundError:
        raise InputError(shard.label, "no such file or directory", "check the path") from None
    except OSError as exc:
        raise InputError(shard.label, f"cannot open: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        # A FIFO reports size 0 (read as empty) and would block any reader that opened it.
        reason = not_regular_reason(shard.path) or "is not a regular file"
        raise InputError(shard.label, reason, "remove it, or name only the data files")
    return info.st_size
