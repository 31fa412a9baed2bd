"""Rewriting line-based shards (JSONL, CSV/TSV): unedited rows are copied as their raw bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

import orjson

from expunge.errors import ErrorPolicy
from expunge.records import FieldSpec, Shard

from .delimited import FIELD_LIMIT, decode_line
from .fields import Columns, key_choices, nested_path, resolve_columns
from .jsonl import BLANK, BOM, MISSING, json_kind, parse_after_bom, reject_json_array
from .problems import TRUNCATED_FIX, brief
from .rewrite_common import Edits, RewriteStats, cannot_replace, synced_output
from .streams import STREAM_ERRORS, open_decompressed, stream_failure


def _line_ending(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return b"\r\n"
    if line.endswith((b"\n", b"\r")):
        return line[-1:]
    return b""


def _is_blank(line: bytes, line_no: int) -> bool:
    """A line read_jsonl passes over without giving it a row number."""
    if line.isspace():
        return True
    if line_no == 1 and line.startswith(BOM):
        rest = line[len(BOM) :]
        return not rest or rest.isspace()
    return False


def _parse(line: bytes, line_no: int) -> object:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return parse_after_bom(line) if line_no == 1 else MISSING


def _replaced_line(
    line: bytes, line_no: int, text_keys: tuple[str, ...], new_text: str, label: str, row: int
) -> bytes:
    obj = _parse(line, line_no)
    if obj is MISSING or obj is BLANK:
        raise cannot_replace(label, row, f"line {line_no} is not valid JSON")
    if type(obj) is not dict:
        raise cannot_replace(label, row, f"line {line_no} is {json_kind(obj)}, not an object")
    # The reader's rule: a key literally named like the field first, then a dotted path.
    holder: dict[str, object] | None = None
    for key in text_keys:
        holder, last = _holder(obj, key)
        if holder is not None:
            value = holder[last]
            break
    else:
        raise cannot_replace(label, row, f"line {line_no} has no text key")
    if value is not None and type(value) is not str:
        raise cannot_replace(label, row, f"its text is {json_kind(value)}, not a string")
    holder[last] = new_text
    bom = BOM if line_no == 1 and line.startswith(BOM) else b""
    return bom + orjson.dumps(obj) + _line_ending(line)


def _holder(obj: dict[str, object], name: str) -> tuple[dict[str, object] | None, str]:
    """The object holding field `name` of a record and the key in it ('a.b': obj['a'], 'b')."""
    if name in obj:
        return obj, name
    path = nested_path(name)
    if path is None:
        return None, name
    node: object = obj
    for key in path[:-1]:
        node = node.get(key) if type(node) is dict else None
    if type(node) is dict and path[-1] in node:
        return node, path[-1]
    return None, name


def rewrite_jsonl(shard: Shard, fields: FieldSpec, out_path: str, edits: Edits) -> RewriteStats:
    label = shard.label
    text_keys = key_choices(fields).text
    errors = ErrorPolicy("stop")
    drop, replace = edits.drop, edits.replace
    row = dropped = replaced = 0
    with (
        open_decompressed(shard.path, label) as opened,
        synced_output(out_path, opened.codec) as out,
    ):
        line_no = 0
        try:
            for line in opened.stream:
                line_no += 1
                if _is_blank(line, line_no):
                    out.write(line)
                    continue
                if row == 0:  # read_jsonl rejects a file that is one JSON array, here
                    first = _parse(line, line_no)
                    starts_array = line.lstrip(BOM + b" \t").startswith(b"[")
                    if type(first) is list or (first is MISSING and starts_array):
                        reject_json_array(errors, label, line_no)  # raises InputError
                if row in drop:
                    dropped += 1
                elif row in replace:
                    out.write(_replaced_line(line, line_no, text_keys, replace[row], label, row))
                    replaced += 1
                else:
                    out.write(line)
                row += 1
        except STREAM_ERRORS as exc:
            reason = stream_failure(opened.codec, line_no, "lines")
            errors.bad_row(label, f"line {line_no + 1}", f"{reason}: {brief(exc)}", TRUNCATED_FIX)
    return RewriteStats(row, row - dropped, dropped, replaced)


class _RawLines:
    """Decoded lines for the csv module, as read_delimited feeds them, keeping the raw bytes
    of the lines consumed since the last `take`."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.line = 0
        self.last_bad_utf8 = 0
        self.raw: list[bytes] = []

    def __iter__(self) -> Iterator[str]:
        for raw in self.stream:
            self.line += 1
            self.raw.append(raw)
            line, ok = decode_line(raw, self.line)
            if not ok:
                self.last_bad_utf8 = self.line
            yield line

    def take(self) -> bytes:
        chunk = b"".join(self.raw)
        self.raw.clear()
        return chunk


def _csv_row(values: list[str], delimiter: str, ending: bytes) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=ending.decode("ascii")).writerow(values)
    return buffer.getvalue().encode("utf-8")


def rewrite_delimited(
    shard: Shard, fields: FieldSpec, out_path: str, edits: Edits, delimiter: str
) -> RewriteStats:
    csv.field_size_limit(FIELD_LIMIT)
    label = shard.label
    errors = ErrorPolicy("stop")
    drop, replace = edits.drop, edits.replace
    row = dropped = replaced = 0
    with (
        open_decompressed(shard.path, label) as opened,
        synced_output(out_path, opened.codec) as out,
    ):
        lines = _RawLines(opened.stream)
        reader = csv.reader(lines, delimiter=delimiter)
        columns: Columns | None = None
        text_at = needed = 0
        while True:
            first_line = lines.line + 1
            bad = ""
            try:
                values = next(reader)
            except StopIteration:
                out.write(lines.take())
                break
            except csv.Error as exc:
                if columns is None:  # before the header: no row number taken
                    out.write(lines.take())
                    continue
                values = []
                bad = f"malformed CSV: {brief(exc)}"
            except STREAM_ERRORS as exc:
                reason = stream_failure(opened.codec, lines.line, "lines")
                where = f"line {lines.line + 1}"
                errors.bad_row(label, where, f"{reason}: {brief(exc)}", TRUNCATED_FIX)
                raise  # bad_row raised already under "stop"; keeps type checkers informed
            chunk = lines.take()
            if not bad:
                if not values:  # blank line
                    out.write(chunk)
                    continue
                if columns is None:  # the header
                    columns = resolve_columns(values, fields, label)
                    text_at = values.index(columns.text)
                    url_at = -1 if columns.url is None else values.index(columns.url)
                    id_at = -1 if columns.id is None else values.index(columns.id)
                    needed = max(text_at, url_at, id_at) + 1
                    out.write(chunk)
                    continue
                if lines.last_bad_utf8 >= first_line:
                    bad = "not valid UTF-8"
                elif len(values) < needed:
                    bad = "too few fields"
            if row in drop:
                dropped += 1
            elif row in replace:
                if bad:
                    raise cannot_replace(label, row, f"line {first_line}: {bad}")
                values[text_at] = replace[row]
                out.write(_csv_row(values, delimiter, _line_ending(chunk)))
                replaced += 1
            else:
                out.write(chunk)
            row += 1
    return RewriteStats(row, row - dropped, dropped, replaced)
