"""CSV and TSV (plain, .gz, .zst) with a header row.

`DelimitedWalk` is the row walker of the format, shared by the reader and the rewriter: the
csv module is fed decoded lines from a binary stream we count ourselves, which gives each row
its byte offset and 1-based physical line number (a quoted field may span lines) at no extra
cost, and the rewriter the raw bytes of each row. The reader's walk yields Records, the
rewriter's every row with its bytes (a generator in between would cost a tenth of the read).
TSV is the same dialect with a tab: quoted fields are honoured, as written by pandas and
spreadsheet tools. A quote that never closes would make the csv module read the rest of the
file into one field; that row is reported (where the quote opened) instead.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO, TypeAlias, cast

from expunge.errors import ErrorPolicy
from expunge.records import FieldSpec, Location, Record, Shard

from .fields import resolve_columns
from .problems import TRUNCATED_FIX, brief
from .rewrite_common import Edits, RewriteStats, cannot_replace, line_ending, synced_output
from .streams import STREAM_ERRORS, compression_of, open_decompressed, stream_failure

# Web documents easily exceed the csv module's 128 KiB default field limit.
FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)
BOM = "\ufeff"
NO_ROW = -1  # the row of what takes none: the header, a blank line, a bad line before the header
_RUN_ROWS = 4096  # rows the rewriter copies per write
_OPEN_QUOTE_FIX = 'close the quote (a " inside a quoted field is written ""), or --on-error skip'

# (row, line to name it by, values, problem, raw bytes): a row with a problem is a bad row.
DelimitedRow: TypeAlias = tuple[int, int, list[str], str, bytes]


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


def open_quote_line(values: list[str], last_line: int) -> int:
    """The line where the quote of a row's last field opened, for a row the csv module ended
    only because the file did: that field holds every line break from there to the end."""
    value = values[-1] if values else ""
    return last_line - value.count("\n") + (1 if value.endswith("\n") else 0)


class _Lines:
    """The stream's lines, decoded for the csv module and counted as they are handed over."""

    __slots__ = ("eof", "keep", "last_bad_utf8", "line", "offset", "raw", "stream")

    def __init__(self, stream: BinaryIO, keep: bool) -> None:
        self.stream = stream
        self.line = 0  # physical lines handed over
        self.offset = 0  # uncompressed bytes handed over
        self.last_bad_utf8 = 0  # last line number that was not valid UTF-8
        self.eof = False  # every line was handed over
        self.keep = keep
        self.raw: list[bytes] = []  # with `keep`: the lines handed over since `take`

    def __iter__(self) -> Iterator[str]:
        keep, kept = self.keep, self.raw
        for raw in self.stream:
            self.line += 1
            self.offset += len(raw)
            if keep:
                kept.append(raw)
            line, ok = decode_line(raw, self.line)
            if not ok:
                self.last_bad_utf8 = self.line
            yield line
        self.eof = True

    def take(self) -> bytes:
        chunk = b"".join(self.raw)
        self.raw.clear()
        return chunk


class DelimitedWalk:
    """One walk over a CSV/TSV shard: Records, or with `as_rows` DelimitedRows covering every
    byte of the stream (header, blank lines and bad lines included).

    Rows count from the first line after the header; blank lines take none, nor does a bad
    line before the header. A stream that breaks is one bad row reported to `errors` and ends
    the walk. `text_at` is the text column's position once the header was read;
    `errors.rows_numbered` is set when the walk ends.
    """

    def __init__(
        self,
        shard: Shard,
        fields: FieldSpec,
        errors: ErrorPolicy,
        delimiter: str,
        as_rows: bool = False,
    ) -> None:
        self._shard = shard
        self._fields = fields
        self._errors = errors
        self._delimiter = delimiter
        self._as_rows = as_rows
        self.text_at = -1

    def __iter__(self) -> Iterator[Any]:  # Record, or DelimitedRow with as_rows
        csv.field_size_limit(FIELD_LIMIT)
        label, errors, as_rows = self._shard.label, self._errors, self._as_rows
        with open_decompressed(self._shard.path, label) as opened:
            lines = _Lines(opened.stream, as_rows)
            reader = csv.reader(lines, delimiter=self._delimiter)
            header = False
            text_at = url_at = id_at = needed = width = 0
            row = 0
            while True:
                first_line = lines.line + 1
                start = lines.offset
                try:
                    values = next(reader)
                except StopIteration:
                    if as_rows and lines.raw:
                        yield NO_ROW, lines.line, [], "", lines.take()
                    break
                except csv.Error as exc:  # a bad row, but before the header no row is taken
                    problem = f"malformed CSV: {brief(exc)}"
                    if as_rows:
                        yield (row if header else NO_ROW), first_line, [], problem, lines.take()
                    else:
                        errors.bad_row(label, f"line {first_line}", problem)
                    row += 1 if header else 0
                    continue
                except STREAM_ERRORS as exc:
                    reason = stream_failure(opened.codec, lines.line, "lines")
                    where = f"line {lines.line + 1}"
                    errors.bad_row(label, where, f"{reason}: {brief(exc)}", TRUNCATED_FIX)
                    break
                if not values:  # a blank line
                    if as_rows:
                        yield NO_ROW, first_line, values, "", lines.take()
                    continue
                if lines.eof:
                    # The csv module asks for another line only inside a quoted field, so a
                    # row that used the last line up has a quote that never closed.
                    opened_at = open_quote_line(values, lines.line)
                    problem = "quoted field never closed"
                    if as_rows:
                        yield (row if header else NO_ROW), opened_at, values, problem, lines.take()
                    else:
                        errors.bad_row(label, f"line {opened_at}", problem, _OPEN_QUOTE_FIX)
                    row += 1 if header else 0
                    continue
                if not header:
                    columns = resolve_columns(values, self._fields, label)
                    text_at = self.text_at = values.index(columns.text)
                    url_at = -1 if columns.url is None else values.index(columns.url)
                    id_at = -1 if columns.id is None else values.index(columns.id)
                    needed = max(text_at, url_at, id_at) + 1
                    width = len(values)
                    header = True
                    if as_rows:
                        yield NO_ROW, first_line, values, "", lines.take()
                    continue
                if lines.last_bad_utf8 < first_line and len(values) >= needed:
                    if as_rows:
                        yield row, first_line, values, "", lines.take()
                    else:
                        url = values[url_at] if url_at >= 0 else None
                        doc_id = values[id_at] if id_at >= 0 else None
                        yield Record(values[text_at], Location(label, row, start), doc_id, url)
                else:
                    problem = (
                        "not valid UTF-8"
                        if lines.last_bad_utf8 >= first_line
                        else f"has {len(values)} fields, the header has {width}"
                    )
                    if as_rows:
                        yield row, first_line, values, problem, lines.take()
                    else:
                        errors.bad_row(label, f"line {first_line}", problem)
                row += 1
        errors.rows_numbered = row


def read_csv(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    return cast(Iterator[Record], iter(DelimitedWalk(shard, fields, errors, ",")))


def read_tsv(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    return cast(Iterator[Record], iter(DelimitedWalk(shard, fields, errors, "\t")))


# ---- rewriting -----------------------------------------------------------------------------


def rewrite_csv(shard: Shard, fields: FieldSpec, out_path: str, edits: Edits) -> RewriteStats:
    return _rewrite_delimited(shard, fields, out_path, edits, ",")


def rewrite_tsv(shard: Shard, fields: FieldSpec, out_path: str, edits: Edits) -> RewriteStats:
    return _rewrite_delimited(shard, fields, out_path, edits, "\t")


def _rewrite_delimited(
    shard: Shard, fields: FieldSpec, out_path: str, edits: Edits, delimiter: str
) -> RewriteStats:
    """Rows copied as their bytes (bad ones too); a dropped row left out, a replaced one
    written by the csv module with the row's own line ending."""
    label = shard.label
    errors = ErrorPolicy("stop")
    drop, replace = edits.drop, edits.replace
    dropped = replaced = 0
    walk = DelimitedWalk(shard, fields, errors, delimiter, as_rows=True)
    rows = cast(Iterator[DelimitedRow], iter(walk))
    with synced_output(out_path, compression_of(shard.path, label)) as out:
        kept: list[bytes] = []  # rows to copy, written in runs: a write per row costs more
        keep = kept.append
        for row, line_no, values, problem, chunk in rows:
            if row == NO_ROW or (row not in drop and row not in replace):
                keep(chunk)
                if len(kept) >= _RUN_ROWS:
                    out.write(b"".join(kept))
                    kept.clear()
            elif row in drop:
                dropped += 1
            else:
                if problem:
                    raise cannot_replace(label, row, f"line {line_no}: {problem}")
                values[walk.text_at] = replace[row]
                keep(_csv_row(values, delimiter, line_ending(chunk)))
                replaced += 1
        out.write(b"".join(kept))
    total = errors.rows_numbered
    return RewriteStats(total, total - dropped, dropped, replaced)


def _csv_row(values: list[str], delimiter: str, ending: bytes) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=ending.decode("ascii")).writerow(values)
    return buffer.getvalue().encode("utf-8")
