"""`read_shard`: stream the records of one shard with the reader its format registered."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator

from expunge.errors import ErrorPolicy, InputError
from expunge.records import FieldSpec, Record, Shard

from .formats import not_regular_reason
from .registry import lookup


def read_shard(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    """Yield the records of one shard, streaming, in file order.

    Every record's `location.row` is its 0-based index in the shard (bad rows count, so rows
    are stable whatever the error policy). Malformed rows go to `errors.bad_row`; a file that
    cannot be read at all raises InputError. An empty file yields nothing.
    """
    fmt = lookup(shard.format, shard.label)
    size = shard_size(shard)
    if size == 0:
        return
    yield from fmt.read(shard, fields, errors)


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
