"""Arrow record batches, shared by the Parquet and Hugging Face Arrow readers and rewriters.

`numbered_batches` is the row walker: each row of a batch is one row of the shard, so a
batch's first row is the rows of the batches before it, for the reader (which reads only the
columns it needs) and the rewriter (which reads them all) alike. A batch that cannot be read
is one bad row that ends the shard. `BatchEditor` applies the edits to the rewriter's batches.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from itertools import repeat
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from expunge.errors import ErrorPolicy, InputError
from expunge.records import FieldSpec, Location, Record, Shard

from .fields import Columns, nested_path, resolve_columns
from .problems import TEXT_FIELD_FIX, TRUNCATED_FIX, brief
from .rewrite_common import Edits, cannot_replace

_INVALID_UTF8 = object()

# What pyarrow raises for unreadable data: its own errors, OSError, and UnicodeDecodeError
# when damaged metadata (a column name, say) is turned into a Python string.
ARROW_ERRORS: tuple[type[BaseException], ...] = (pa.ArrowException, OSError, UnicodeDecodeError)


def pick_columns(
    schema: pa.Schema, fields: FieldSpec, label: str, *, nested_text: bool = False
) -> Columns:
    """Resolve text/url/id columns (struct fields by dotted path) and check that the text
    column holds strings.

    Text nested in a struct is allowed only with `nested_text`: the readers handle it, the
    shard rewriter edits top-level text columns only, so it gets a clear refusal instead.
    """
    columns = resolve_columns(schema.names, fields, label, lambda name: _find(schema, name))
    if columns.text_path and not nested_text:
        raise InputError(
            label,
            f"the text field {_dotted(columns.text, columns.text_path)!r} is inside a struct "
            "column, which cannot be rewritten yet",
            "write the text to a top-level column first",
        )
    kind = _type_at(schema, columns.text, columns.text_path)
    if not _is_text_type(kind):
        raise InputError(
            label,
            f"column {_dotted(columns.text, columns.text_path)!r} holds {kind}, not text; "
            f"string columns are: {_string_columns(schema)}",
            TEXT_FIELD_FIX,
        )
    return columns


def _find(schema: pa.Schema, name: str) -> tuple[str, tuple[str, ...]] | None:
    """(column, path of struct fields) that `name` stands for; a literal column name wins."""
    if schema.get_field_index(name) >= 0:
        return name, ()
    path = nested_path(name)
    if path is None or schema.get_field_index(path[0]) < 0:
        return None
    kind = schema.field(path[0]).type
    for part in path[1:]:
        if not pa.types.is_struct(kind) or kind.get_field_index(part) < 0:
            return None
        kind = kind.field(part).type
    return path[0], path[1:]


def _type_at(schema: pa.Schema, column: str, path: tuple[str, ...]) -> pa.DataType:
    kind = schema.field(column).type
    for part in path:
        kind = kind.field(part).type
    return kind


def _dotted(column: str, path: tuple[str, ...]) -> str:
    return ".".join((column, *path))


def _column(batch: pa.RecordBatch, column: str, path: tuple[str, ...]) -> pa.Array:
    """The array of a column, or of a field nested in it (null where a parent struct is)."""
    array = batch.column(column)
    return pc.struct_field(array, list(path)) if path else array


def column_list(columns: Columns) -> list[str]:
    """Distinct column names to read, text first (url and id may name the same column)."""
    names = [columns.text]
    for name in (columns.url, columns.id):
        if name is not None and name not in names:
            names.append(name)
    return names


def numbered_batches(
    batches: Iterable[pa.RecordBatch],
    label: str,
    kind: str,
    errors: ErrorPolicy,
    validate: Iterable[str] = (),
) -> Iterator[tuple[int, pa.RecordBatch]]:
    """(shard row of the batch's first row, batch); a read failure mid-file is one bad row
    that ends the walk. `errors.rows_numbered` is set to the rows walked.

    `validate` names columns whose offsets and UTF-8 are checked before they are touched:
    Arrow IPC data is used as stored, and a corrupt offset would otherwise read outside the
    file's memory map and crash the process (SIGBUS) instead of raising.
    """
    row = 0
    batch_iter = iter(batches)
    try:
        while True:
            try:
                batch = next(batch_iter)
                for name in validate:
                    batch.column(name).validate(full=True)
            except StopIteration:
                return
            except ARROW_ERRORS as exc:
                unreadable_batch(errors, label, kind, row, exc)
                return
            yield row, batch
            row += batch.num_rows
    finally:
        errors.rows_numbered = row


def unreadable_batch(
    errors: ErrorPolicy, label: str, kind: str, row: int, exc: BaseException
) -> None:
    errors.bad_row(
        label,
        f"row {row}",
        f"truncated or corrupt {kind} file after {row} rows: {brief(exc)}",
        TRUNCATED_FIX,
    )


def records_from_batches(
    batches: Iterable[pa.RecordBatch],
    columns: Columns,
    shard: Shard,
    errors: ErrorPolicy,
    kind: str,
    validate: bool = False,
) -> Iterator[Record]:
    """One Record per row (a row whose text is not valid UTF-8 is a bad row)."""
    label = shard.label
    checked = column_list(columns) if validate else ()
    for row, batch in numbered_batches(batches, label, kind, errors, checked):
        try:
            texts = _texts(_column(batch, columns.text, columns.text_path))
            urls = _optional_strings(batch, columns.url, columns.url_path)
            ids = _optional_strings(batch, columns.id, columns.id_path)
        except ARROW_ERRORS as exc:
            unreadable_batch(errors, label, kind, row, exc)
            return
        for text, url, doc_id in zip(texts, urls, ids, strict=False):
            if text is _INVALID_UTF8:
                errors.bad_row(label, f"row {row}", "text is not valid UTF-8")
            else:
                yield Record("" if text is None else text, Location(label, row), doc_id, url)
            row += 1


def _texts(array: pa.Array) -> list[Any]:  # str | None | _INVALID_UTF8
    """Python strings of the text column; rows that are not valid UTF-8 become _INVALID_UTF8.

    Parquet writers do not all check UTF-8, and pyarrow fails a whole batch on one bad value,
    so only then is the batch decoded value by value.
    """
    try:
        values: list[Any] = array.to_pylist()
    except UnicodeDecodeError:
        return [None if raw is None else _decode_or_mark(raw) for raw in _raw_bytes(array)]
    return values


def _decode_or_mark(raw: bytes) -> object:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _INVALID_UTF8


def _raw_bytes(array: pa.Array) -> list[bytes | None]:
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    values: list[bytes | None] = array.cast(pa.large_binary()).to_pylist()
    return values


def _optional_strings(
    batch: pa.RecordBatch, name: str | None, path: tuple[str, ...]
) -> Iterable[str | None]:
    if name is None:
        return repeat(None)
    array = _column(batch, name, path)
    if _is_text_type(array.type):
        try:
            strings: list[str | None] = array.to_pylist()
        except UnicodeDecodeError:  # a url/id is only reported, so repair rather than drop
            return [
                None if raw is None else raw.decode("utf-8", "replace") for raw in _raw_bytes(array)
            ]
        return strings
    values: list[object] = array.to_pylist()
    # ids are often integers (LAION SAMPLEID); Record.id is a string.
    return [None if value is None else str(value) for value in values]


def _is_text_type(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_string_view(kind)
        or pa.types.is_null(kind)
    )


def _string_columns(schema: pa.Schema) -> str:
    names = [field.name for field in schema if _is_text_type(field.type)]
    return ", ".join(repr(name) for name in names[:20]) or "(none)"


def edit_columns(schema: pa.Schema, fields: FieldSpec, label: str, edits: Edits) -> Columns | None:
    """The columns a rewrite edits; None when it only drops rows, which needs no text column
    (an image dataset dropping whole samples may have none)."""
    if not edits.replace:
        return None
    return pick_columns(schema, fields, label, nested_text=True)


class BatchEditor:
    """Applies the edits to a shard's batches, given each batch's first row: drops rows and
    replaces the text of others (down a struct path for `--text-field meta.body`, every other
    field and the structs' own nulls kept)."""

    def __init__(self, label: str, columns: Columns | None, edits: Edits) -> None:
        self.label = label
        # None: the edits only drop rows (edit_columns), so no text column is touched
        self.text = columns.text if columns is not None else ""
        self.path = columns.text_path if columns is not None else ()
        self.edits = edits
        self.dropped = self.replaced = 0

    def apply(self, batch: pa.RecordBatch, start: int) -> pa.RecordBatch:
        if self.edits.empty:
            return batch
        count = batch.num_rows
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


def fsync_path(path: str) -> None:
    """fsync a file pyarrow wrote and closed."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
