"""Parquet: only the text/url/id columns are read, one batch at a time."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow.parquet as pq

from expunge.errors import ErrorPolicy, InputError
from expunge.records import FieldSpec, Record, Shard

from .columnar import ARROW_ERRORS, column_list, pick_columns, records_from_batches
from .problems import brief

_BATCH_BYTES = 32 << 20  # aim for ~32 MB of column data per batch, whatever the row width
_MIN_BATCH_ROWS = 64
_MAX_BATCH_ROWS = 65_536
_READ_BUFFER = 8 << 20  # stream column chunks instead of loading whole row groups at once


def read_parquet(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    label = shard.label
    try:
        parquet = pq.ParquetFile(shard.path, buffer_size=_READ_BUFFER, pre_buffer=False)
    except FileNotFoundError:
        raise InputError(label, "no such file or directory", "check the path") from None
    except ARROW_ERRORS as exc:
        _unreadable(errors, label, exc)
        return
    with parquet:
        try:  # a damaged footer can fail here too, when its schema and metadata are decoded
            columns = pick_columns(parquet.schema_arrow, fields, label, nested_text=True)
            names = column_list(columns)
            batch_rows = _batch_rows(parquet, names)
            batches = parquet.iter_batches(batch_size=batch_rows, columns=names)
        except ARROW_ERRORS as exc:
            _unreadable(errors, label, exc)
            return
        yield from records_from_batches(batches, columns, shard, errors, "Parquet")


def _unreadable(errors: ErrorPolicy, label: str, exc: BaseException) -> None:
    errors.bad_row(
        label,
        "footer",
        f"not a readable Parquet file: {brief(exc)}",
        "re-download the file; if it is not Parquet, pass --format",
    )


def _batch_rows(parquet: pq.ParquetFile, names: list[str]) -> int:
    """Rows per batch so that a batch of wide FineWeb documents stays bounded in memory and a
    batch of short LAION captions is not needlessly small."""
    meta = parquet.metadata
    if meta.num_rows == 0:
        return _MAX_BATCH_ROWS
    wanted = set(names)
    total = 0
    for group in range(meta.num_row_groups):
        row_group = meta.row_group(group)
        for index in range(row_group.num_columns):
            chunk = row_group.column(index)
            if chunk.path_in_schema.split(".")[0] in wanted:
                total += chunk.total_uncompressed_size
    per_row = max(1, total // meta.num_rows)
    return int(max(_MIN_BATCH_ROWS, min(_MAX_BATCH_ROWS, _BATCH_BYTES // per_row)))
