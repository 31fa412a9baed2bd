"""Dropping rows of WARC/WET shards: every other WARC record is copied as its stored bytes.

Rows are numbered as read_warc numbers them (only records it yields take a row). Only the
row's own WARC record is removed: companion request/metadata records are kept.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import BinaryIO

from expunge.errors import ErrorPolicy
from expunge.records import Shard

from .rewrite_common import Edits, RewriteStats, synced_output
from .streams import open_input
from .warc import _TAIL_SLACK, _corrupt, _has_data_after, _payload_of, _WarcReader

_COPY_CHUNK = 1 << 20


def _warc_records(handle: BinaryIO, label: str) -> Iterator[tuple[int, int, bool]]:
    """(offset, length, is_row) of each WARC record, with read_warc's checks and errors."""
    errors = ErrorPolicy("stop")
    size = os.fstat(handle.fileno()).st_size
    archive = _WarcReader(handle)
    records = iter(archive)
    seen = end = 0
    while True:
        try:
            warc_record = next(records)
        except StopIteration:
            break
        except Exception as exc:
            _corrupt(errors, label, end, seen, exc)
            raise
        try:
            payload = _payload_of(warc_record)
            offset = archive.get_record_offset()
            length = archive.get_record_length()
        except Exception as exc:
            _corrupt(errors, label, end, seen, exc)
            raise
        if (
            getattr(warc_record.raw_stream, "limit", 0) > 0
            or archive.err_count
            or not warc_record.rec_type
        ):
            _corrupt(errors, label, offset, seen, None)
            raise AssertionError("unreachable: _corrupt raises under 'stop'")
        seen += 1
        end = offset + length
        yield offset, length, payload is not None
    if size - end > _TAIL_SLACK and _has_data_after(handle, end):
        _corrupt(errors, label, end, seen, None)


def _copy(source: BinaryIO, out: BinaryIO, start: int, stop: int) -> None:
    source.seek(start)
    left = stop - start
    while left > 0:
        chunk = source.read(min(left, _COPY_CHUNK))
        if not chunk:
            break
        out.write(chunk)
        left -= len(chunk)


def rewrite_warc(shard: Shard, out_path: str, edits: Edits) -> RewriteStats:
    label = shard.label
    row = dropped = 0
    with (
        open_input(shard.path, label) as handle,
        open_input(shard.path, label) as source,
        synced_output(out_path, "") as out,
    ):
        if edits.empty:  # nothing to drop: still check the file as read_warc would
            row = sum(is_row for _, _, is_row in _warc_records(handle, label))
            shutil.copyfileobj(source, out, _COPY_CHUNK)
            return RewriteStats(row, row, 0, 0)
        # A record runs from its offset to the next record's offset: the blank lines that
        # end an uncompressed WARC record go with it, so dropping one leaves no stray lines.
        size = os.fstat(source.fileno()).st_size
        records = list(_warc_records(handle, label))
        bounds = [offset for offset, _, _ in records[1:]] + [size]
        copied = 0  # bytes of the input accounted for
        for (offset, _, is_row), stop in zip(records, bounds, strict=True):
            if not is_row:
                continue
            if row in edits.drop:
                _copy(source, out, copied, offset)
                copied = stop
                dropped += 1
            row += 1
        _copy(source, out, copied, size)
    return RewriteStats(row, row - dropped, dropped, 0)
