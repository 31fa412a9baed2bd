"""`read_shard`: stream the records of one shard with the reader for its format."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from expunge.errors import ErrorPolicy, ExpungeError, InputError
from expunge.records import FieldSpec, Record, Shard

from .arrow import read_arrow
from .delimited import read_csv, read_tsv
from .formats import FORMATS
from .jsonl import read_jsonl
from .parquet import read_parquet
from .warc import read_warc

Reader = Callable[[Shard, FieldSpec, ErrorPolicy], Iterator[Record]]

READERS: dict[str, Reader] = {
    "jsonl": read_jsonl,
    "parquet": read_parquet,
    "csv": read_csv,
    "tsv": read_tsv,
    "warc": read_warc,
    "wet": read_warc,  # one reader: it yields conversion records as well as responses
    "hf": read_arrow,
}
assert set(READERS) == set(FORMATS)


def read_shard(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    """Yield the records of one shard, streaming, in file order.

    Every record's `location.row` is its 0-based index in the shard (bad rows count, so rows
    are stable whatever the error policy). Malformed rows go to `errors.bad_row`; a file that
    cannot be read at all raises InputError. An empty file yields nothing.
    """
    reader = READERS.get(shard.format)
    if reader is None:
        raise ExpungeError(
            f"{shard.label}: unknown format {shard.format!r}",
            f"use one of: {', '.join(FORMATS)}",
        )
    size = shard_size(shard)
    if size == 0:
        return
    yield from reader(shard, fields, errors)


def shard_size(shard: Shard) -> int:
    """Size of a shard's file; a missing or unreadable file is the user's InputError."""
    try:
        return os.stat(shard.path).st_size
    except FileNotFoundError:
        raise InputError(shard.label, "no such file or directory", "check the path") from None
    except OSError as exc:
        raise InputError(shard.label, f"cannot open: {exc.strerror or exc}") from None
