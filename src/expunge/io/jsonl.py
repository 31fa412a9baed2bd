"""JSON Lines (plain, .gz, .zst): one object per line, parsed with orjson.

`_walk` is the row walker of the format, shared by the reader and the rewriter: the one loop
that decides which line takes which row (every line but blank ones, malformed lines
included, so rows are stable whatever the error policy), where a byte range starts and stops,
and what a cut-off stream or a file that is one JSON array is. `read_jsonl` is the walk that
yields Records; `jsonl_lines` is the same walk yielding every line with its row, which
`rewrite_jsonl` copies, drops or re-serialises.

Records are built inside the walk rather than from the lines it yields: a generator in
between costs 5% of the read on short lines, and this loop is the hot path of most scans. It
does as little as possible per line: one orjson call, a few dict lookups, no per-record dict
beyond what orjson builds. Blank lines are noticed only when parsing fails.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any, TypeAlias, cast

import orjson

from expunge.errors import ErrorPolicy, InputError
from expunge.records import FieldSpec, Location, Record, Shard

from .fields import (
    NESTED_FIX,
    fast_lookups,
    get_nested,
    has_field,
    key_choices,
    list_names,
    nested_path,
    string_values,
)
from .problems import TEXT_FIELD_FIX, TRUNCATED_FIX, brief
from .ranges import RangeErrors
from .rewrite_common import Edits, RewriteStats, cannot_replace, line_ending, synced_output
from .streams import STREAM_ERRORS, compression_of, open_decompressed, stream_failure

MISSING = object()
BLANK = object()  # the value of a line that takes no row
UNPARSED = object()  # the value of a row's line in jsonl_lines: not looked into
BOM = b"\xef\xbb\xbf"
_RUN_LINES = 4096  # lines the rewriter copies per write
_JSON_ARRAY_FIX = "convert it to one object per line, e.g. jq -c '.[]' FILE > FILE.jsonl"

# (row, 1-based line number, the line's bytes, value): the value is BLANK for a line that
# takes no row (it shares the next row's number), else UNPARSED.
JsonLine: TypeAlias = tuple[int, int, bytes, object]


def read_jsonl(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    """Records of the shard; with a byte range, of the lines that start in it."""
    return cast(Iterator[Record], _walk(shard, fields, errors, as_lines=False))


def jsonl_lines(shard: Shard, errors: ErrorPolicy) -> Iterator[JsonLine]:
    """Every line of the shard with the row read_jsonl gives it, blank lines included."""
    return cast(Iterator[JsonLine], _walk(shard, FieldSpec(), errors, as_lines=True))


def _walk(shard: Shard, fields: FieldSpec, errors: ErrorPolicy, as_lines: bool) -> Iterator[Any]:
    """Records, or with `as_lines` JsonLines (lines not parsed, only told blank or not).

    A stream that breaks is one bad row at the line after the last one read, and ends the
    walk; so is a file whose first line opens a JSON array. `errors.rows_numbered` is set to
    the rows walked when the stream is used up.
    """
    label = shard.label
    keys = key_choices(fields)
    # Plain keys are dict.get calls; dotted names (metadata.url) are looked up last.
    text_first, text_rest, text_nested, text_gate = fast_lookups(keys.text)
    url_first, url_rest, url_nested, url_gate = fast_lookups(keys.url)
    id_first, id_rest, id_nested, id_gate = fast_lookups(keys.id)
    # A url/id field the user named must be in some record; presets need not be.
    url_seen, id_seen = fields.url is None, fields.id is None
    first_keys: list[str] | None = None
    watching = True  # until the first record's keys are kept and both fields were seen
    stored = fields.stored
    # As lines, a line is not parsed, only told blank or not: isspace gives no dict, so the
    # line goes where the lines that are no records go.
    loads = bytes.isspace if as_lines else orjson.loads
    decode_error = orjson.JSONDecodeError

    stop = sys.maxsize
    if shard.byte_range is not None:  # one part of a big plain file (scan/split.py)
        errors = RangeErrors(errors, shard)  # a bad row's line is named in the whole file
    with open_decompressed(shard.path, label) as opened:
        line_no = 0  # physical lines read, 1-based once counted
        offset = 0  # byte offset of the next line in the uncompressed stream
        row = 0  # records and bad rows; blank lines take no row
        if shard.byte_range is not None:
            offset, stop = shard.byte_range
            opened.stream.seek(offset)
        try:
            for line in opened.stream:
                if offset >= stop:
                    break
                line_no += 1
                start = offset
                offset += len(line)
                try:
                    obj = loads(line)
                except decode_error as exc:
                    if is_blank(line, line_no):
                        continue
                    obj = parse_after_bom(line) if line_no == 1 else MISSING
                    if obj is MISSING:
                        obj = exc
                if type(obj) is not dict:
                    if as_lines:  # obj is line.isspace()
                        if obj or (line_no == 1 and is_blank(line, line_no)):
                            yield row, line_no, line, BLANK
                            continue
                        obj = UNPARSED
                    if start == 0 and row == 0 and _opens_array(line, obj):
                        reject_json_array(errors, label, line_no)
                        return
                    if as_lines:
                        yield row, line_no, line, obj
                    else:
                        errors.bad_row(label, f"line {line_no}", _not_a_record(obj))
                    row += 1
                    continue

                # Presets are tried inline: a helper call per row costs more than the lookups.
                text = obj.get(text_first, MISSING)
                if text is MISSING:
                    for key in text_rest:
                        text = obj.get(key, MISSING)
                        if text is not MISSING:
                            break
                    if text is MISSING and text_nested and (text_gate is None or text_gate in obj):
                        text = get_nested(obj, text_nested, MISSING)
                if type(text) is not str:
                    if text is None:
                        text = ""
                    else:
                        errors.bad_row(
                            label,
                            f"line {line_no}",
                            _text_problem(text, keys.text, obj),
                            TEXT_FIELD_FIX if text is MISSING else "",
                        )
                        row += 1
                        continue

                # A null url/id counts as absent, so the next preset is tried.
                url = obj.get(url_first)
                if url is None:
                    for key in url_rest:
                        url = obj.get(key)
                        if url is not None:
                            break
                    if url is None and url_nested and (url_gate is None or url_gate in obj):
                        url = get_nested(obj, url_nested, None)
                if url is not None and type(url) is not str:
                    url = str(url)
                doc_id = obj.get(id_first)
                if doc_id is None:
                    for key in id_rest:
                        doc_id = obj.get(key)
                        if doc_id is not None:
                            break
                    if doc_id is None and id_nested and (id_gate is None or id_gate in obj):
                        doc_id = get_nested(obj, id_nested, None)
                if doc_id is not None and type(doc_id) is not str:
                    doc_id = str(doc_id)
                if watching:
                    if first_keys is None:
                        first_keys = list(obj)
                    url_seen = url_seen or url is not None or has_field(obj, keys.url[0])
                    id_seen = id_seen or doc_id is not None or has_field(obj, keys.id[0])
                    watching = not (url_seen and id_seen)

                record = Record(text, Location(label, row, start), doc_id, url)
                if stored:
                    record.fields["stored"] = "\n".join(string_values(obj, text))
                yield record
                row += 1
        except STREAM_ERRORS as exc:
            reason = stream_failure(opened.codec, line_no, "lines")
            errors.bad_row(label, f"line {line_no + 1}", f"{reason}: {brief(exc)}", TRUNCATED_FIX)
        errors.rows_numbered = row
    if shard.byte_range is not None:
        return  # whether a named field is in no record is known for the whole file only
    if first_keys is not None:  # only a shard with records can show a field name is wrong
        for seen, name, option in (
            (url_seen, fields.url, "--url-field"),
            (id_seen, fields.id, "--id-field"),
        ):
            if not seen:
                raise InputError(
                    label,
                    f"no record has the field {name!r} given to {option}; "
                    f"keys of the first record are: {list_names(first_keys)}",
                    NESTED_FIX,
                )


def is_blank(line: bytes, line_no: int) -> bool:
    """A line that takes no row: whitespace only, or a first line of only a byte order mark
    (what orjson fails on for holding no value)."""
    if line.isspace():
        return True
    if line_no == 1 and line.startswith(BOM):
        return not line[len(BOM) :].strip()
    return False


def parse_line(line: bytes, line_no: int) -> object:
    """The JSON value of a line, or MISSING when it is not valid JSON."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return parse_after_bom(line) if line_no == 1 else MISSING


def _opens_array(line: bytes, value: object) -> bool:
    """Whether the first line of a file, whose value is not an object, is or starts one JSON
    array."""
    if value is UNPARSED:
        value = parse_line(line, 1)
    if type(value) is list:
        return True
    malformed = value is MISSING or isinstance(value, orjson.JSONDecodeError)
    return malformed and line.lstrip(BOM + b" \t").startswith(b"[")


def parse_after_bom(line: bytes) -> object:
    """Parse a first line that starts with a UTF-8 byte order mark (Windows tools add one)."""
    if not line.startswith(BOM):
        return MISSING
    rest = line[len(BOM) :]
    if rest.isspace() or not rest:
        return BLANK
    try:
        return orjson.loads(rest)
    except orjson.JSONDecodeError:
        return MISSING


def _text_problem(value: object, keys: tuple[str, ...], obj: dict[str, object]) -> str:
    if value is MISSING:
        tried = f"key {keys[0]!r}" if len(keys) == 1 else f"text key (tried {list_names(keys)})"
        return f"no {tried}; keys are: {list_names(list(obj))}"
    return f"text is {json_kind(value)}, not a string"


def json_kind(value: object) -> str:
    kinds = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }
    return kinds.get(type(value), "null" if value is None else type(value).__name__)


def _json_error(exc: ValueError) -> str:
    """orjson's reason without the line number (always 1 here) but with the column."""
    msg = brief(Exception(getattr(exc, "msg", None) or exc))
    column = getattr(exc, "colno", None)
    if msg.startswith("str is not valid UTF-8"):
        return "not valid UTF-8"
    return f"{msg} at column {column}" if isinstance(column, int) else msg


def reject_json_array(errors: ErrorPolicy, label: str, line_no: int) -> None:
    """A file holding one JSON array: every line would be a bad row, so say it once."""
    errors.bad_row(
        label, f"line {line_no}", "file is a JSON array, not JSON Lines", _JSON_ARRAY_FIX
    )


def _not_a_record(value: object) -> str:
    """Why a row's line gives no record: malformed JSON, or JSON that is not an object."""
    if isinstance(value, orjson.JSONDecodeError):
        return f"malformed JSON: {_json_error(value)}"
    return f"not a JSON object but {json_kind(value)}"


# ---- rewriting -----------------------------------------------------------------------------


def rewrite_jsonl(shard: Shard, fields: FieldSpec, out_path: str, edits: Edits) -> RewriteStats:
    """Lines copied as their bytes (blank and malformed ones too); a dropped row's line left
    out, a replaced one re-serialised. Output compressed as the input was."""
    label = shard.label
    text_keys = key_choices(fields).text
    errors = ErrorPolicy("stop")
    drop, replace = edits.drop, edits.replace
    dropped = replaced = 0
    with synced_output(out_path, compression_of(shard.path, label)) as out:
        kept: list[bytes] = []  # lines to copy, written in runs: a write per line costs more
        keep = kept.append
        for row, line_no, line, value in jsonl_lines(shard, errors):
            if value is BLANK or (row not in drop and row not in replace):
                keep(line)
                if len(kept) >= _RUN_LINES:
                    out.write(b"".join(kept))
                    kept.clear()
            elif row in drop:
                dropped += 1
            else:
                keep(_replaced_line(line, line_no, text_keys, replace[row], label, row))
                replaced += 1
        out.write(b"".join(kept))
    rows = errors.rows_numbered
    return RewriteStats(rows, rows - dropped, dropped, replaced)


def _replaced_line(
    line: bytes, line_no: int, text_keys: tuple[str, ...], new_text: str, label: str, row: int
) -> bytes:
    obj = parse_line(line, line_no)
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
    return bom + orjson.dumps(obj) + line_ending(line)


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
