"""Records from Arrow record batches: shared by the Parquet and Hugging Face Arrow readers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import repeat

import pyarrow as pa

from expunge.errors import ErrorPolicy, InputError
from expunge.records import FieldSpec, Location, Record, Shard

from .fields import Columns, resolve_columns
from .problems import TEXT_FIELD_FIX, brief

# pyarrow raises ArrowException subclasses and plain OSError for unreadable data.
ARROW_ERRORS: tuple[type[BaseException], ...] = (pa.ArrowException, OSError)


def pick_columns(schema: pa.Schema, fields: FieldSpec, label: str) -> Columns:
    """Resolve text/url/id columns and check that the text column holds strings."""
    columns = resolve_columns(schema.names, fields, label)
    kind = schema.field(columns.text).type
    if not _is_text_type(kind):
        raise InputError(
            label,
            f"column {columns.text!r} holds {kind}, not text; "
            f"string columns are: {_string_columns(schema)}",
            TEXT_FIELD_FIX,
        )
    return columns


def column_list(columns: Columns) -> list[str]:
    """Distinct column names to read, text first (url and id may name the same column)."""
    names = [columns.text]
    for name in (columns.url, columns.id):
        if name is not None and name not in names:
            names.append(name)
    return names


def records_from_batches(
    batches: Iterable[pa.RecordBatch],
    columns: Columns,
    shard: Shard,
    errors: ErrorPolicy,
    kind: str,
) -> Iterator[Record]:
    """One Record per row; a read failure mid-file is one bad row that ends the shard."""
    label = shard.label
    row = 0
    batch_iter = iter(batches)
    while True:
        try:
            batch = next(batch_iter)
            texts = batch.column(columns.text).to_pylist()
            urls = _optional_strings(batch, columns.url)
            ids = _optional_strings(batch, columns.id)
        except StopIteration:
            return
        except ARROW_ERRORS as exc:
            errors.bad_row(
                label,
                f"row {row}",
                f"truncated or corrupt {kind} file after {row} rows: {brief(exc)}",
                "re-download the file, or --on-error skip to keep the rows read so far",
            )
            return
        for text, url, doc_id in zip(texts, urls, ids, strict=False):
            yield Record("" if text is None else text, Location(label, row), doc_id, url)
            row += 1


def _optional_strings(batch: pa.RecordBatch, name: str | None) -> Iterable[str | None]:
    if name is None:
        return repeat(None)
    array = batch.column(name)
    values = array.to_pylist()
    if _is_text_type(array.type):
        return values
    # ids are often integers (LAION SAMPLEID); Record.id is a string.
    return [None if value is None else str(value) for value in values]


def _is_text_type(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_string_view(kind)
        or pa.types.is_null(kind)
    )


def _string_columns(schema: pa.Schema) -> str:
    names = [field.name for field in schema if _is_text_type(field.type)]
    return ", ".join(repr(name) for name in names[:20]) or "(none)"
