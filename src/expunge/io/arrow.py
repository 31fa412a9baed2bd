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


def read_arrow(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    label = shard.label
    try:
        source = pa.memory_map(shard.path, "r")
    except FileNotFoundError:
        raise InputError(label, "no such file or directory", "check the path") from None
    except ARROW_ERRORS as exc:
        raise InputError(label, f"cannot open: {brief(exc)}", "check the path") from None
    with source:
        try:
            is_file_format = source.read(len(_FILE_MAGIC)) == _FILE_MAGIC
            source.seek(0)
            if is_file_format:
                file_reader = ipc.open_file(source)
                schema = file_reader.schema
                batches: Iterator[pa.RecordBatch] = (
                    file_reader.get_batch(i) for i in range(file_reader.num_record_batches)
                )
            else:
                stream_reader = ipc.open_stream(source)
                schema = stream_reader.schema
                batches = iter(stream_reader)
            columns = pick_columns(schema, fields, label)
        except ARROW_ERRORS as exc:
            errors.bad_row(
                label,
                "header",
                f"not a readable Arrow IPC file: {brief(exc)}",
                "re-download or re-save the dataset; if it is not Arrow, pass --format",
            )
            return
        yield from records_from_batches(batches, columns, shard, errors, "Arrow", validate=True)
