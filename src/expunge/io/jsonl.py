"""JSON Lines (plain, .gz, .zst): one object per line, parsed with orjson.

The loop is the hot path of most scans, so it does as little as possible per line: one
orjson call, a few dict lookups, no per-record dict beyond what orjson builds. Blank lines
are noticed only when parsing fails.
"""

from __future__ import annotations

from collections.abc import Iterator

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
    string_values,
)
from .problems import TEXT_FIELD_FIX, TRUNCATED_FIX, brief
from .ranges import RangeErrors
from .streams import STREAM_ERRORS, open_decompressed, stream_failure

MISSING = object()
BLANK = object()
BOM = b"\xef\xbb\xbf"
_JSON_ARRAY_FIX = "convert it to one object per line, e.g. jq -c '.[]' FILE > FILE.jsonl"


def read_jsonl(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
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
    loads = orjson.loads
    decode_error = orjson.JSONDecodeError

    stop = None
    if shard.byte_range is not None:  # one part of a big plain file (scan/split.py)
        errors = RangeErrors(errors, shard)
    with open_decompressed(shard.path, label) as opened:
        line_no = 0  # physical lines read, 1-based once counted
        offset = 0  # byte offset of the next line in the uncompressed stream
        row = 0  # records and bad rows; blank lines take no row
        if shard.byte_range is not None:
            offset, stop = shard.byte_range
            opened.stream.seek(offset)
        try:
            for line in opened.stream:
                if stop is not None and offset >= stop:
                    break
                line_no += 1
                start = offset
                offset += len(line)
                try:
                    obj = loads(line)
                except decode_error as exc:
                    if line.isspace():
                        continue
                    obj = parse_after_bom(line) if line_no == 1 else MISSING
                    if obj is BLANK:
                        continue
                    if obj is MISSING:
                        if row == 0 and start == 0 and line.lstrip(BOM + b" \t").startswith(b"["):
                            reject_json_array(errors, label, line_no)
                            return
                        reason = f"malformed JSON: {_json_error(exc)}"
                        errors.bad_row(label, f"line {line_no}", reason)
                        row += 1
                        continue
                if type(obj) is not dict:
                    if row == 0 and type(obj) is list and start == 0:
                        reject_json_array(errors, label, line_no)
                        return
                    errors.bad_row(
                        label, f"line {line_no}", f"not a JSON object but {json_kind(obj)}"
                    )
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
