"""Records with everything their stored bytes hold, for forget and verify.

A scan reads one text per record. What a dataset ships is more: a WARC record's HTML source
(scripts, attributes, meta tags) and HTTP headers, a JSON record's other string fields
(`metadata`, `title`, `url`). Whoever re-extracts those gets them back, so a removal and its
proof must search them too. `read_raw` yields the same records, rows and order as
`read_shard`, each with `text` = its text + RAW_GAP + the rest of its stored material, and
`fields["text_end"]` = where its own text ends (findings after it lie outside the text).

Covered: WARC/WET (headers + payload, entities and %-escapes decoded too), JSON Lines (every
string value of the object). Other formats (Parquet, Arrow, CSV/TSV) are read as their text
column only; `RAW_FORMATS` says which formats are covered, and verify's certificate names it.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from expunge.errors import ErrorPolicy
from expunge.records import FieldSpec, Record, Shard

RAW_GAP = "\n\n"
RAW_FORMATS = frozenset({"warc", "wet", "jsonl"})


def read_raw(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    from expunge.io import read_shard

    if shard.format in ("warc", "wet"):
        from expunge.io.warc import read_warc

        for record in read_warc(shard, fields, errors, raw=True):
            yield _joined(record, record.fields.pop("raw", ""))
    elif shard.format == "jsonl":
        yield from _jsonl_raw(shard, fields, errors)
    else:
        for record in read_shard(shard, fields, errors):
            record.fields["text_end"] = len(record.text)
            yield record


def _joined(record: Record, rest: str) -> Record:
    record.fields["text_end"] = len(record.text)
    if rest:
        record.text = record.text + RAW_GAP + rest
    return record


def _jsonl_raw(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    """read_shard's records, each with the other strings of its line (re-read from a second
    stream at the record's byte offset: rows and numbering stay the reader's own)."""
    from expunge.io import read_shard
    from expunge.io.streams import open_decompressed

    with open_decompressed(shard.path, shard.label) as opened:
        lines = iter(opened.stream)
        position = 0
        for record in read_shard(shard, fields, errors):
            offset = record.location.offset
            line = b""
            while offset is not None and position <= offset:
                line = next(lines, b"")
                if not line:
                    break
                position += len(line)
            try:
                obj = orjson.loads(line) if line else None
            except orjson.JSONDecodeError:
                obj = None
            yield _joined(record, "\n".join(_strings(obj, record.text)))


def _strings(value: object, text: str) -> Iterator[str]:
    """Every string value in a parsed JSON value (the record's text once left out)."""
    stack = [value]
    skipped = False
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item == text and not skipped:
                skipped = True
                continue
            yield item
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
