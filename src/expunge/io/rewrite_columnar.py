"""Rewriting Parquet and Hugging Face Arrow shards batch by batch, schema kept exactly."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyarrow import ipc

from expunge.errors import ErrorPolicy, InputError
from expunge.records import FieldSpec, Shard

from .arrow import arrow_batches, open_arrow
from .columnar import ARROW_ERRORS, column_list, pick_columns
from .parquet import _MAX_BATCH_ROWS, _MIN_BATCH_ROWS, _READ_BUFFER, _unreadable
from .problems import TRUNCATED_FIX, brief
from .rewrite_common import Edits, RewriteStats, cannot_replace

_BATCH_BYTES = 64 << 20
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


class _Editor:
    """Applies the edits to consecutive batches; `row` is the shard row of the next batch."""

    def __init__(self, label: str, text: str, edits: Edits, path: tuple[str, ...] = ()) -> None:
        self.label = label
        self.text = text
        self.path = path  # struct fields down to the text, for --text-field meta.body
        self.edits = edits
        self.row = self.dropped = self.replaced = 0

    def apply(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        start, count = self.row, batch.num_rows
        self.row += count
        if self.edits.empty:
            return batch
        end = start + count
        drops = [row - start for row in self.edits.drop if start <= row < end]
        swaps = sorted(
            (row - start, text) for row, text in self.edits.replace.items() if start <= row < end
        )
        if swaps:
            batch = self._replace(batch, swaps, start)
            self.replaced += len(swaps)
        if drops:
            keep = [True] * count
            for index in drops:
                keep[index] = False
            batch = batch.filter(pa.array(keep, pa.bool_()))
            self.dropped += len(drops)
        return batch

    def _replace(
        self, batch: pa.RecordBatch, swaps: list[tuple[int, str]], start: int
    ) -> pa.RecordBatch:
        at = batch.schema.get_field_index(self.text)
        mask = [False] * batch.num_rows
        for index, _ in swaps:
            mask[index] = True
        texts = [text for _, text in swaps]
        replaced = self._replaced(batch.column(at), self.path, mask, texts, start + swaps[0][0])
        return batch.set_column(at, batch.schema.field(at), replaced)

    def _replaced(
        self, column: pa.Array, path: tuple[str, ...], mask: list[bool], texts: list[str], row: int
    ) -> pa.Array:
        """`column` with the masked rows' text replaced; down `path` inside struct columns,
        every other field and the structs' own nulls kept as they are."""
        if path:
            children = column.flatten()  # offsets and parent nulls applied
            at = column.type.get_field_index(path[0])
            children[at] = self._replaced(children[at], path[1:], mask, texts, row)
            return pa.StructArray.from_arrays(
                children, fields=list(column.type), mask=column.is_null()
            )
        kind = column.type
        if pa.types.is_null(kind):
            raise cannot_replace(self.label, row, "the text column has type null")
        work = column.dictionary_decode() if pa.types.is_dictionary(column.type) else column
        if not (pa.types.is_string(work.type) or pa.types.is_large_string(work.type)):
            work = work.cast(pa.large_string())
        new = pa.array(texts, work.type)
        replaced = pc.replace_with_mask(work, pa.array(mask, pa.bool_()), new)
        return replaced.cast(kind) if replaced.type != kind else replaced


def _batch_rows(parquet: pq.ParquetFile) -> int:
    meta = parquet.metadata
    if meta.num_rows == 0:
        return _MAX_BATCH_ROWS
    total = sum(meta.row_group(group).total_byte_size for group in range(meta.num_row_groups))
    per_row = max(1, total // meta.num_rows)
    return int(max(_MIN_BATCH_ROWS, min(_MAX_BATCH_ROWS, _BATCH_BYTES // per_row)))


def _codec(parquet: pq.ParquetFile) -> str:
    meta = parquet.metadata
    if meta.num_row_groups == 0 or meta.row_group(0).num_columns == 0:
        return "snappy"
    return _CODECS.get(str(meta.row_group(0).column(0).compression).upper(), "snappy")


def rewrite_parquet(shard: Shard, fields: FieldSpec, out_path: str, edits: Edits) -> RewriteStats:
    label = shard.label
    errors = ErrorPolicy("stop")
    try:
        parquet = pq.ParquetFile(shard.path, buffer_size=_READ_BUFFER, pre_buffer=False)
    except FileNotFoundError:
        raise InputError(label, "no such file or directory", "check the path") from None
    except ARROW_ERRORS as exc:
        _unreadable(errors, label, exc)
        raise
    with parquet:
        try:
            schema = parquet.schema_arrow
            columns = pick_columns(schema, fields, label, nested_text=True)
            batch_rows = _batch_rows(parquet)
            codec = _codec(parquet)
            groups = parquet.metadata.num_row_groups
        except ARROW_ERRORS as exc:
            _unreadable(errors, label, exc)
            raise
        editor = _Editor(label, columns.text, edits, columns.text_path)
        with pq.ParquetWriter(out_path, schema, compression=codec) as writer:
            for group in range(groups):
                batches = parquet.iter_batches(batch_size=batch_rows, row_groups=[group])
                for batch in _guarded(batches, editor, label, "Parquet", ()):
                    edited = editor.apply(batch)
                    if edited.num_rows:
                        writer.write_batch(edited)
            if groups == 0:
                writer.write_table(schema.empty_table())
        _fsync(out_path)
    return RewriteStats(editor.row, editor.row - editor.dropped, editor.dropped, editor.replaced)


def _guarded(
    batches: Iterator[pa.RecordBatch],
    editor: _Editor,
    label: str,
    kind: str,
    validate: tuple[str, ...],
) -> Iterator[pa.RecordBatch]:
    """The batches, with a read failure turned into the reader's InputError."""
    while True:
        try:
            batch = next(batches)
            for name in validate:
                batch.column(name).validate(full=True)
        except StopIteration:
            return
        except ARROW_ERRORS as exc:
            row = editor.row
            raise InputError(
                label,
                f"truncated or corrupt {kind} file after {row} rows: {brief(exc)}",
                TRUNCATED_FIX,
                f"row {row}",
            ) from None
        yield batch


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def rewrite_arrow(shard: Shard, fields: FieldSpec, out_path: str, edits: Edits) -> RewriteStats:
    label = shard.label
    with open_arrow(shard) as source:
        try:
            schema, batches, is_file_format = arrow_batches(source)
            columns = pick_columns(schema, fields, label, nested_text=True)
        except ARROW_ERRORS as exc:
            raise InputError(
                label,
                f"not a readable Arrow IPC file: {brief(exc)}",
                "re-download or re-save the dataset; if it is not Arrow, pass --format",
                "header",
            ) from None
        editor = _Editor(label, columns.text, edits, columns.text_path)
        used = tuple(column_list(columns))
        with pa.OSFile(out_path, "wb") as sink:
            new_writer = ipc.new_file if is_file_format else ipc.new_stream
            with new_writer(sink, schema) as writer:
                for batch in _guarded(batches, editor, label, "Arrow", used):
                    writer.write_batch(editor.apply(batch))
        _fsync(out_path)
    return RewriteStats(editor.row, editor.row - editor.dropped, editor.dropped, editor.replaced)
