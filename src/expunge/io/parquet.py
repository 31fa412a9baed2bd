"""Parquet: the reader reads only the text/url/id columns, one batch at a time; the rewriter
reads every column and writes the same schema, codec and row groups. Both number rows with
`columnar.numbered_batches`."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow.parquet as pq

from expunge.errors import ErrorPolicy, InputError
from expunge.records import FieldSpec, Record, Shard

from .columnar import (
    ARROW_ERRORS,
    BatchEditor,
    column_list,
    edit_columns,
    fsync_path,
    numbered_batches,
    pick_columns,
    records_from_batches,
)
from .problems import brief
from .rewrite_common import Edits, RewriteStats

_BATCH_BYTES = 32 << 20  # aim for ~32 MB of column data per batch, whatever the row width
_REWRITE_BATCH_BYTES = 64 << 20  # every column, and no per-record work: larger batches
_MIN_BATCH_ROWS = 64
_MAX_BATCH_ROWS = 65_536
_READ_BUFFER = 8 << 20  # stream column chunks instead of loading whole row groups at once
# Parquet codec names as the metadata spells them -> as ParquetWriter takes them.
_CODECS = {
    "UNCOMPRESSED": "none",
    "SNAPPY": "snappy",
    "GZIP": "gzip",
    "BROTLI": "brotli",
    "ZSTD": "zstd",
    "LZ4": "lz4",
    "LZ4_RAW": "lz4",
}


def read_parquet(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    label = shard.label
    parquet = _open(shard, errors)
    if parquet is None:
        return
    with parquet:
        try:  # a damaged footer can fail here too, when its schema and metadata are decoded
            columns = pick_columns(parquet.schema_arrow, fields, label, nested_text=True)
            names = column_list(columns)
            batch_rows = rows_per_batch(parquet, names)
            batches = parquet.iter_batches(batch_size=batch_rows, columns=names)
        except ARROW_ERRORS as exc:
            _unreadable(errors, label, exc)
            return
        yield from records_from_batches(batches, columns, shard, errors, "Parquet")


def rewrite_parquet(shard: Shard, fields: FieldSpec, out_path: str, edits: Edits) -> RewriteStats:
    """One output row group per batch read, each batch from one input row group."""
    label = shard.label
    errors = ErrorPolicy("stop")  # what cannot be read raises
    parquet = _open(shard, errors)
    assert parquet is not None
    with parquet:
        try:
            schema = parquet.schema_arrow
            columns = edit_columns(schema, fields, label, edits)
            batch_rows = _rewrite_batch_rows(parquet)
            codec = _codec(parquet)
            groups = parquet.metadata.num_row_groups
        except ARROW_ERRORS as exc:
            _unreadable(errors, label, exc)
            raise
        batches = (
            batch
            for group in range(groups)
            for batch in parquet.iter_batches(batch_size=batch_rows, row_groups=[group])
        )
        editor = BatchEditor(label, columns, edits)
        with pq.ParquetWriter(out_path, schema, compression=codec) as writer:
            for start, batch in numbered_batches(batches, label, "Parquet", errors):
                edited = editor.apply(batch, start)
                if edited.num_rows:
                    writer.write_batch(edited)
            if groups == 0:
                writer.write_table(schema.empty_table())
        fsync_path(out_path)
    rows = errors.rows_numbered
    return RewriteStats(rows, rows - editor.dropped, editor.dropped, editor.replaced)


def _open(shard: Shard, errors: ErrorPolicy) -> pq.ParquetFile | None:
    """The file opened (its footer read), or None after reporting it unreadable."""
    try:
        return pq.ParquetFile(shard.path, buffer_size=_READ_BUFFER, pre_buffer=False)
    except FileNotFoundError:
        raise InputError(shard.label, "no such file or directory", "check the path") from None
    except ARROW_ERRORS as exc:
        _unreadable(errors, shard.label, exc)
        return None


def _unreadable(errors: ErrorPolicy, label: str, exc: BaseException) -> None:
    errors.bad_row(
        label,
        "footer",
        f"not a readable Parquet file: {brief(exc)}",
        "re-download the file; if it is not Parquet, pass --format",
    )


def rows_per_batch(
    parquet: pq.ParquetFile, names: list[str], min_rows: int = _MIN_BATCH_ROWS
) -> int:
    """Rows per batch for about 32 MB of the columns read, so that a batch of wide FineWeb
    documents (or of images) stays bounded in memory and a batch of short LAION captions is
    not needlessly small."""
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
    return int(max(min_rows, min(_MAX_BATCH_ROWS, _BATCH_BYTES // per_row)))


def _rewrite_batch_rows(parquet: pq.ParquetFile) -> int:
    meta = parquet.metadata
    if meta.num_rows == 0:
        return _MAX_BATCH_ROWS
    total = sum(meta.row_group(group).total_byte_size for group in range(meta.num_row_groups))
    per_row = max(1, total // meta.num_rows)
    return int(max(_MIN_BATCH_ROWS, min(_MAX_BATCH_ROWS, _REWRITE_BATCH_BYTES // per_row)))


def _codec(parquet: pq.ParquetFile) -> str:
    meta = parquet.metadata
    if meta.num_row_groups == 0 or meta.row_group(0).num_columns == 0:
        return "snappy"
    return _CODECS.get(str(meta.row_group(0).column(0).compression).upper(), "snappy")
