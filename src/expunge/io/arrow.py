"""Arrow IPC files as written by Hugging Face `datasets.save_to_disk` (format "hf").

`save_to_disk` writes the IPC *stream* format (`data-00000-of-00001.arrow`); the IPC *file*
format (magic `ARROW1`) is read too. The file is memory-mapped and read batch by batch, so
only the pages of the columns used are touched. The rewriter writes the same schema, metadata
and IPC format; both number rows with `columnar.numbered_batches`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
from pyarrow import ipc

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
from .fields import Columns
from .problems import brief
from .rewrite_common import Edits, RewriteStats

_FILE_MAGIC = b"ARROW1"


def open_arrow(shard: Shard) -> pa.MemoryMappedFile:
    """Memory-map an Arrow shard; a missing or unreadable file is the user's InputError."""
    try:
        return pa.memory_map(shard.path, "r")
    except FileNotFoundError:
        raise InputError(shard.label, "no such file or directory", "check the path") from None
    except ARROW_ERRORS as exc:
        raise InputError(shard.label, f"cannot open: {brief(exc)}", "check the path") from None


def arrow_batches(source: pa.MemoryMappedFile) -> tuple[pa.Schema, Iterator[pa.RecordBatch], bool]:
    """Schema, batches and whether it is the IPC file (not stream) format; raises ARROW_ERRORS."""
    is_file_format = source.read(len(_FILE_MAGIC)) == _FILE_MAGIC
    source.seek(0)
    if is_file_format:
        file_reader = ipc.open_file(source)
        batches: Iterator[pa.RecordBatch] = (
            file_reader.get_batch(i) for i in range(file_reader.num_record_batches)
        )
        return file_reader.schema, batches, True
    stream_reader = ipc.open_stream(source)
    return stream_reader.schema, iter(stream_reader), False


def _opened(
    source: pa.MemoryMappedFile, fields: FieldSpec, label: str, errors: ErrorPolicy
) -> tuple[pa.Schema, Iterator[pa.RecordBatch], bool, Columns] | None:
    """Schema, batches, IPC file format or not, and the columns to use; None after reporting
    a header that cannot be read."""
    try:
        schema, batches, is_file_format = arrow_batches(source)
        columns = pick_columns(schema, fields, label, nested_text=True)
    except ARROW_ERRORS as exc:
        _unreadable_header(errors, label, exc)
        return None
    return schema, batches, is_file_format, columns


def _unreadable_header(errors: ErrorPolicy, label: str, exc: BaseException) -> None:
    errors.bad_row(
        label,
        "header",
        f"not a readable Arrow IPC file: {brief(exc)}",
        "re-download or re-save the dataset; if it is not Arrow, pass --format",
    )


def read_arrow(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    with open_arrow(shard) as source:
        opened = _opened(source, fields, shard.label, errors)
        if opened is None:
            return
        _, batches, _, columns = opened
        yield from records_from_batches(batches, columns, shard, errors, "Arrow", validate=True)


def rewrite_arrow(shard: Shard, fields: FieldSpec, out_path: str, edits: Edits) -> RewriteStats:
    """Every batch written, emptied ones too, so the output has the input's batches."""
    label = shard.label
    errors = ErrorPolicy("stop")  # what cannot be read raises
    with open_arrow(shard) as source:
        try:
            schema, batches, is_file_format = arrow_batches(source)
            columns = edit_columns(schema, fields, label, edits)
        except ARROW_ERRORS as exc:
            _unreadable_header(errors, label, exc)
            raise
        editor = BatchEditor(label, columns, edits)
        # every column a dropping rewrite copies is checked, as the read checks its own
        used = column_list(columns) if columns is not None else schema.names
        with pa.OSFile(out_path, "wb") as sink:
            new_writer = ipc.new_file if is_file_format else ipc.new_stream
            with new_writer(sink, schema) as writer:
                for start, batch in numbered_batches(batches, label, "Arrow", errors, used):
                    writer.write_batch(editor.apply(batch, start))
        fsync_path(out_path)
    rows = errors.rows_numbered
    return RewriteStats(rows, rows - editor.dropped, editor.dropped, editor.replaced)
