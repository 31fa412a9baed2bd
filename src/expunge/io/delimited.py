"""CSV and TSV (plain, .gz, .zst) with a header row.

The csv module is fed decoded lines from a binary stream we count ourselves, which gives each
record its byte offset and 1-based physical line number (a quoted field may span lines) at no
extra cost. TSV is the same dialect with a tab: quoted fields are honoured, as written by
pandas and spreadsheet tools. A quote that never closes would make the csv module read the
rest of the file into one field; that row is reported (where the quote opened) instead.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from expunge.errors import ErrorPolicy
from expunge.records import FieldSpec, Location, Record, Shard

from .fields import Columns, resolve_columns
from .problems import TRUNCATED_FIX, brief
from .streams import STREAM_ERRORS, open_decompressed, stream_failure

# Web documents easily exceed the csv module's 128 KiB default field limit.
FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)
BOM = "\ufeff"


@dataclass(slots=True)
class _Progress:
    line: int = 0  # physical lines handed to the csv module
    offset: int = 0  # uncompressed bytes handed to the csv module
    last_bad_utf8: int = 0  # last line number that was not valid UTF-8
    eof: bool = False  # every line was handed over


def read_csv(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    return _read_delimited(shard, fields, errors, ",")


def read_tsv(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    return _read_delimited(shard, fields, errors, "\t")


def decode_line(raw: bytes, line_no: int) -> tuple[str, bool]:
    """A CSV line as text (a first-line BOM dropped) and whether it was valid UTF-8; bad bytes
    are replaced so the csv module can go on and the row is reported, not the whole file."""
    try:
        line, ok = raw.decode("utf-8"), True
    except UnicodeDecodeError:
        line, ok = raw.decode("utf-8", "replace"), False
    if line_no == 1 and line.startswith(BOM):
        line = line[1:]
    return line, ok


def _decoded_lines(stream: BinaryIO, progress: _Progress) -> Iterator[str]:
    for raw in stream:
        progress.line += 1
        progress.offset += len(raw)
        line, ok = decode_line(raw, progress.line)
        if not ok:
            progress.last_bad_utf8 = progress.line
        yield line
    progress.eof = True


_OPEN_QUOTE_FIX = 'close the quote (a " inside a quoted field is written ""), or --on-error skip'


def open_quote_line(values: list[str], last_line: int) -> int:
    """The line where the quote of a row's last field opened, for a row the csv module ended
    only because the file did: that field holds every line break from there to the end."""
    value = values[-1] if values else ""
    return last_line - value.count("\n") + (1 if value.endswith("\n") else 0)


def _read_delimited(
    shard: Shard, fields: FieldSpec, errors: ErrorPolicy, delimiter: str
) -> Iterator[Record]:
    csv.field_size_limit(FIELD_LIMIT)
    label = shard.label
    with open_decompressed(shard.path, label) as opened:
        progress = _Progress()
        reader = csv.reader(_decoded_lines(opened.stream, progress), delimiter=delimiter)
        columns: Columns | None = None
        text_at = url_at = id_at = needed = header_width = 0
        row = 0
        while True:
            first_line = progress.line + 1
            start = progress.offset
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                errors.bad_row(label, f"line {first_line}", f"malformed CSV: {brief(exc)}")
                row += 1 if columns is not None else 0
                continue
            except STREAM_ERRORS as exc:
                reason = stream_failure(opened.codec, progress.line, "lines")
                where = f"line {progress.line + 1}"
                errors.bad_row(label, where, f"{reason}: {brief(exc)}", TRUNCATED_FIX)
                return
            if not values:
                continue  # blank line
            if progress.eof:
                # The csv module asks for another line only inside a quoted field, so a row
                # that used the last line up has a quote that never closed.
                where = f"line {open_quote_line(values, progress.line)}"
                errors.bad_row(label, where, "quoted field never closed", _OPEN_QUOTE_FIX)
                row += 1 if columns is not None else 0
                continue
            if columns is None:  # the header
                columns = resolve_columns(values, fields, label)
                text_at = values.index(columns.text)
                url_at = -1 if columns.url is None else values.index(columns.url)
                id_at = -1 if columns.id is None else values.index(columns.id)
                needed = max(text_at, url_at, id_at) + 1
                header_width = len(values)
                continue
            if progress.last_bad_utf8 >= first_line:
                errors.bad_row(label, f"line {first_line}", "not valid UTF-8")
            elif len(values) < needed:
                errors.bad_row(
                    label,
                    f"line {first_line}",
                    f"has {len(values)} fields, the header has {header_width}",
                )
            else:
                url = values[url_at] if url_at >= 0 else None
                doc_id = values[id_at] if id_at >= 0 else None
                yield Record(values[text_at], Location(label, row, start), doc_id, url)
            row += 1
