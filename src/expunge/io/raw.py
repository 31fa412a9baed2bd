"""Records with everything their stored bytes hold, for forget and verify.

A scan reads one text per record. What a dataset ships is more: a WARC record's HTML source
(scripts, attributes, meta tags) and HTTP headers, a JSON record's other string fields
(`metadata`, `title`, `url`). Whoever re-extracts those gets them back, so a removal and its
proof must search them too. `read_raw` yields the same records, rows and order as
`read_shard`, each with `text` = its text + RAW_GAP + the rest of its stored material, and
`fields["text_end"]` = where its own text ends (findings after it lie outside the text).

Covered: WARC/WET (headers + payload, entities and %-escapes decoded too), JSON Lines (every
string value of the object), Parquet and Hugging Face Arrow (every string value of the row,
struct and list columns included; binary columns such as image bytes are not text), CSV/TSV
(every field of the row). `RAW_FORMATS` says which formats are covered, and verify's
certificate names them.
"""

from __future__ import annotations

from collections.abc import Iterator

from expunge.errors import ErrorPolicy
from expunge.records import FieldSpec, Record, Shard

from .fields import string_values
from .registry import lookup, registered

RAW_GAP = "\n\n"
# The formats whose stored bytes are covered (verify's certificate names them).
RAW_FORMATS = frozenset(name for name, fmt in registered().items() if fmt.raw_reader is not None)
_ROWS_PER_BATCH = 1024  # other columns can be wide (FineWeb metadata, captions): small batches


def outside_text(start: int, end: int, text_end: int | None) -> tuple[int, int] | None:
    """A finding's offsets in the record's other stored material when it lies there (after
    the text and RAW_GAP), else None: what reports give as `"in": "stored"`."""
    if text_end is None or start < text_end:
        return None
    return start - text_end - len(RAW_GAP), end - text_end - len(RAW_GAP)


def read_raw(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    """The format's raw reader (registry `raw_reader`), or its records as they are."""
    from expunge.io import read_shard

    fmt = lookup(shard.format, shard.label)
    if fmt.raw_reader is not None:
        yield from fmt.read_raw(shard, fields, errors)
        return
    for record in read_shard(shard, fields, errors):
        record.fields["text_end"] = len(record.text)
        yield record


def read_warc_raw(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    from expunge.io.warc import read_warc

    for record in read_warc(shard, fields, errors, raw=True):
        yield _joined(record, record.fields.pop("raw", ""))


def read_columnar_raw(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    from expunge.io import read_shard

    yield from _aligned(read_shard(shard, fields, errors), _arrow_rows(shard))


def _joined(record: Record, rest: str) -> Record:
    record.fields["text_end"] = len(record.text)
    if rest:
        record.text = record.text + RAW_GAP + rest
    return record


def read_jsonl_raw(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    """The reader keeps the other strings of the object it parsed (FieldSpec.stored)."""
    from dataclasses import replace

    from expunge.io import read_shard

    for record in read_shard(shard, replace(fields, stored=True), errors):
        yield _joined(record, record.fields.pop("stored", ""))


def _aligned(records: Iterator[Record], rows: Iterator[object]) -> Iterator[Record]:
    """Records with the other strings of their row: `rows` yields every row of the file in
    order (the readers number rows the same way, bad rows included)."""
    position = -1
    row_value: object = None
    for record in records:
        while position < record.location.row:
            row_value = next(rows, None)
            position += 1
        yield _joined(record, "\n".join(string_values(row_value, record.text)))


def _arrow_rows(shard: Shard) -> Iterator[object]:
    """Every row of a Parquet or Arrow file as the list of its string values. Only string
    leaves are read: an image column {bytes, path} gives its path, never its pixels."""
    import pyarrow.parquet as pq

    if shard.format == "parquet":
        with pq.ParquetFile(shard.path) as parquet:
            paths = [
                ".".join(p) for f in parquet.schema_arrow for p in _string_paths(f.name, f.type)
            ]
            if not paths:
                return
            for batch in parquet.iter_batches(batch_size=_ROWS_PER_BATCH, columns=paths):
                yield from _rows_of_leaves(batch)
        return
    from expunge.io.arrow import arrow_batches, open_arrow

    with open_arrow(shard) as source:
        _, batches, _ = arrow_batches(source)
        for batch in batches:
            yield from _rows_of_leaves(batch)


def _string_paths(name: str, kind: object) -> list[tuple[str, ...]]:
    """Dotted paths to the string leaves of a column (through structs; a list column counts
    when it holds strings only)."""
    import pyarrow as pa

    assert isinstance(kind, pa.DataType)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return [(name,)]
    if pa.types.is_struct(kind):
        return [
            (name, *rest)
            for i in range(kind.num_fields)
            for rest in _string_paths(kind.field(i).name, kind.field(i).type)
        ]
    if (pa.types.is_list(kind) or pa.types.is_large_list(kind)) and _string_paths(
        "", kind.value_type
    ) == [("",)]:
        return [(name,)]
    return []


def _rows_of_leaves(batch: object) -> Iterator[list[object]]:
    """Per row, the values of the batch's string leaves (struct fields flattened first)."""
    import pyarrow as pa

    assert isinstance(batch, pa.RecordBatch)
    leaves: list[pa.Array] = []
    stack = list(zip(batch.schema, batch.columns, strict=True))
    while stack:
        field, array = stack.pop()
        if pa.types.is_struct(field.type):
            stack.extend(zip(field.type, array.flatten(), strict=True))
        elif _string_paths(field.name, field.type):
            leaves.append(array)
    values = [leaf.to_pylist() for leaf in leaves]
    yield from (
        (list(row) for row in zip(*values, strict=True))
        if values
        else ([] for _ in range(batch.num_rows))
    )


def read_delimited_raw(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    """read_shard's records, each with every other field of its row (parsed again from the
    record's byte offset in a second stream)."""
    import csv
    import io

    from expunge.io import read_shard
    from expunge.io.streams import open_decompressed

    delimiter = "\t" if shard.format == "tsv" else ","
    with open_decompressed(shard.path, shard.label) as opened:
        stream = opened.stream
        position = 0
        for record in read_shard(shard, fields, errors):
            offset = record.location.offset
            values: list[str] = []
            if offset is not None and offset >= position:
                stream.read(offset - position) if offset > position else None
                position = offset
                lines = _lines_from(stream)
                text_io = io.StringIO()
                for line in lines:
                    position += len(line)
                    text_io.write(line.decode("utf-8", "replace"))
                    try:
                        parsed = list(
                            csv.reader(io.StringIO(text_io.getvalue()), delimiter=delimiter)
                        )
                    except csv.Error:
                        continue
                    if parsed and len(parsed) == 1 and not text_io.getvalue().count('"') % 2:
                        values = parsed[0]
                        break
            yield _joined(record, "\n".join(string_values(values, record.text)))


def _lines_from(stream: object) -> Iterator[bytes]:
    readline = stream.readline  # type: ignore[attr-defined]
    while line := readline():
        yield line
