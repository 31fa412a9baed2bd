"""Arrow IPC files as written by Hugging Face `datasets.save_to_disk` (format "hf").

`save_to_disk` writes the IPC *stream* format (`data-00000-of-00001.arrow`); the IPC *file*
format (magic `ARROW1`) is read too. The file is memory-mapped and read batch by batch, so
only the pages of the columns used are touched.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
from pyarrow import ipc

from expunge.errors import ErrorPolicy, InputError
from expunge.records import FieldSpec, Record, Shard

from .columnar import ARROW_ERRORS, pick_columns, records_from_batches
from .problems import brief

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


def read_arrow(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    label = shard.label
    with open_arrow(shard) as source:
        try:
            schema, batches, _ = arrow_batches(source)
            columns = pick_columns(schema, fields, label, nested_text=True)
        except ARROW_ERRORS as exc:
            errors.bad_row(
                label,
                "header",
                f"not a readable Arrow IPC file: {brief(exc)}",
                "re-download or re-save the dataset; if it is not Arrow, pass --format",
            )
            return
        yield from records_from_batches(batches, columns, shard, errors, "Arrow", validate=True)
