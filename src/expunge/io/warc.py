"""WARC and WET files (plain or gzip per record), read with warcio.

`warc_records` is the row walker, shared by the reader and the rewriter: every WARC record
with its offset, length and, for the records that are rows, its payload. Yielded as records:
  - `response` and `resource` records whose payload is HTML (text extracted) or text/plain;
  - `conversion` records (the text of WET files), as they are.
Everything else (requests, metadata, warcinfo, revisits, images, PDFs...) is passed over and
takes no row. `offset` is the byte offset of the WARC record in the file as stored (for
.warc.gz, the offset of its gzip member: what CDX indexes use to seek to it).

warcio stops quietly at a cut-off gzip member, so after the last record we check that it
ended where the file ends. The rewriter only drops rows: it copies every other WARC record as
its stored bytes (a record runs to the next one's offset, so its trailing blank lines go with
it), companion request/metadata records included.
"""

from __future__ import annotations

import codecs
import html
import logging
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeAlias
from urllib.parse import unquote

from warcio.archiveiterator import WARCIterator

from expunge.errors import ErrorPolicy
from expunge.records import FieldSpec, Location, Record, Shard

from .html_text import html_to_text
from .problems import TRUNCATED_FIX, brief, plural
from .rewrite_common import Edits, RewriteStats, synced_output
from .streams import open_input

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_PLAIN_TYPES = ("text/plain",)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE
)
_META_SCAN_BYTES = 4096
_TAIL_SLACK = 16  # uncompressed WARCs end with blank lines that no record's length covers
_COPY_CHUNK = 1 << 20


# warcio logs a record's Target-URI when it contains spaces; URLs can be personal data and
# expunge never echoes content, so only its errors get through.
logging.getLogger("warcio.recordloader").setLevel(logging.ERROR)


class _WarcReader(WARCIterator):  # type: ignore[misc]  # warcio ships no type hints
    """WARC only: on garbage, plain ArchiveIterator guesses ARC and "finds" records.

    warcio prints the bytes that follow a record whose Content-Length is wrong; expunge must
    never echo content, so that warning is silenced and `err_count` is checked instead.
    """

    INC_RECORD = ""


@dataclass(frozen=True, slots=True)
class _Payload:
    text: str
    url: str | None
    record_id: str | None
    raw: str = ""  # headers and the undecoded markup: what a re-extraction would see


# (row, offset, length, payload): payload None for a WARC record that is not a row (it
# shares the next row's number and takes none).
WarcRecord: TypeAlias = tuple[int, int, int, "_Payload | None"]


def warc_records(
    handle: BinaryIO,
    label: str,
    errors: ErrorPolicy,
    byte_range: tuple[int, int] | None = None,
    raw: bool = False,
) -> Iterator[WarcRecord]:
    """Every WARC record that starts in the byte range (the whole file by default).

    A record the file ends inside, one whose Content-Length is wrong, one with no WARC-Type
    and data after the last record are one bad row that ends the walk. `errors.rows_numbered`
    is set to the rows walked, also when a corrupt record ends a part early.
    """
    size = os.fstat(handle.fileno()).st_size
    base, stop = byte_range or (0, size)  # a part: the records starting in it
    handle.seek(base)
    archive = _WarcReader(handle)
    records = iter(archive)
    row = 0
    seen = 0  # WARC records of any type read so far
    end = base  # where the last complete WARC record ended
    try:
        while True:
            try:
                warc_record = next(records)
            except StopIteration:
                break
            except Exception as exc:  # noqa: BLE001 - warcio raises assorted types, even AttributeError
                _corrupt(errors, label, end, seen, exc)
                return
            try:
                payload = _payload_of(warc_record, raw)  # before the offset: that reads to the end
                offset = archive.get_record_offset()  # of the file (warcio asks the handle)
                length = archive.get_record_length()
            except Exception as exc:  # noqa: BLE001 - as above, while reading the payload
                _corrupt(errors, label, end, seen, exc)
                return
            if (
                getattr(warc_record.raw_stream, "limit", 0) > 0
                or archive.err_count
                or not warc_record.rec_type
            ):
                # The file ended inside the record, its Content-Length is wrong, or what
                # stands there has no WARC-Type (warcio then "reads" the rest of the file).
                _corrupt(errors, label, offset, seen, None)
                return
            if offset >= stop:
                break  # the next part's first record
            seen += 1
            end = offset + length
            yield row, offset, length, payload
            if payload is not None:
                row += 1
        if stop == size and size - end > _TAIL_SLACK and _has_data_after(handle, end):
            _corrupt(errors, label, end, seen, None)
    finally:
        errors.rows_numbered = row


def read_warc(
    shard: Shard, fields: FieldSpec, errors: ErrorPolicy, raw: bool = False
) -> Iterator[Record]:
    """Field names do not apply: text, url and id come from the WARC headers and payload.
    With `raw`, each record's `fields["raw"]` holds its WARC and HTTP headers and its whole
    payload as stored (HTML source with scripts, attributes and meta)."""
    label = shard.label
    with open_input(shard.path, label) as handle:
        for row, offset, _, payload in warc_records(handle, label, errors, shard.byte_range, raw):
            if payload is None:
                continue
            record = Record(
                payload.text, Location(label, row, offset), payload.record_id, payload.url
            )
            if raw:
                record.fields["raw"] = payload.raw
            yield record


def rewrite_warc(shard: Shard, fields: FieldSpec, out_path: str, edits: Edits) -> RewriteStats:
    """Drop only (WARC is not redactable): every WARC record but the dropped rows' own is
    copied as its stored bytes."""
    label = shard.label
    errors = ErrorPolicy("stop")  # a corrupt file raises, as read_warc would under stop
    dropped = 0
    with (
        open_input(shard.path, label) as handle,
        open_input(shard.path, label) as source,
        synced_output(out_path, "") as out,
    ):
        if edits.empty:  # nothing to drop: still check the file as read_warc would
            for _ in warc_records(handle, label, errors):
                pass
            shutil.copyfileobj(source, out, _COPY_CHUNK)
            rows = errors.rows_numbered
            return RewriteStats(rows, rows, 0, 0)
        # A record runs from its offset to the next record's offset: the blank lines that
        # end an uncompressed WARC record go with it, so dropping one leaves no stray lines.
        size = os.fstat(source.fileno()).st_size
        walked = [
            (row, offset, payload is not None)
            for row, offset, _, payload in warc_records(handle, label, errors)
        ]
        bounds = [offset for _, offset, _ in walked[1:]] + [size]
        copied = 0  # bytes of the input accounted for
        for (row, offset, is_row), stop in zip(walked, bounds, strict=True):
            if is_row and row in edits.drop:
                _copy(source, out, copied, offset)
                copied = stop
                dropped += 1
        _copy(source, out, copied, size)
    rows = errors.rows_numbered
    return RewriteStats(rows, rows - dropped, dropped, 0)


def _copy(source: BinaryIO, out: BinaryIO, start: int, stop: int) -> None:
    source.seek(start)
    left = stop - start
    while left > 0:
        chunk = source.read(min(left, _COPY_CHUNK))
        if not chunk:
            break
        out.write(chunk)
        left -= len(chunk)


def _payload_of(warc_record: Any, raw: bool = False) -> _Payload | None:
    kind = warc_record.rec_type
    body = b""
    charset: str | None = None
    if kind == "conversion":
        content_type = warc_record.rec_headers.get_header("Content-Type") or ""
        body = warc_record.content_stream().read()
        charset = _charset(content_type)
        text = _decode(body, charset)
    elif kind in ("response", "resource"):
        content_type = _payload_type(warc_record)
        media = content_type.split(";", 1)[0].strip().lower()
        if media in _HTML_TYPES:
            body = warc_record.content_stream().read()
            charset = _charset(content_type) or _meta_charset(body)
            text = html_to_text(_decode(body, charset))
        elif media in _PLAIN_TYPES:
            body = warc_record.content_stream().read()
            charset = _charset(content_type)
            text = _decode(body, charset)
        else:
            return None
    else:
        return None
    headers = warc_record.rec_headers
    stored = ""
    if raw:
        http = warc_record.http_headers
        source = _decode(body, charset)
        # '&#64;' and '%40' hide an '@' from a byte search, not from a browser or a parser.
        decoded = unquote(html.unescape(source)) if "&" in source or "%" in source else ""
        stored = "\n".join(
            [headers.to_str(), http.to_str() if http is not None else "", source, decoded]
        )
    # warcio has already unwrapped a Target-URI written as <...> (WARC/1.0 examples did that).
    return _Payload(
        text, headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Record-ID"), stored
    )


def _payload_type(warc_record: Any) -> str:
    http = warc_record.http_headers
    if http is not None:
        declared = http.get_header("Content-Type")
        if declared:
            return str(declared)
    headers = warc_record.rec_headers
    if warc_record.rec_type == "resource":
        return str(headers.get_header("Content-Type") or "")
    # Common Crawl adds the type it sniffed when the server sent none.
    return str(headers.get_header("WARC-Identified-Payload-Type") or "")


def _charset(content_type: str) -> str | None:
    match = _CHARSET.search(content_type)
    return match.group(1) if match else None


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:_META_SCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def _decode(body: bytes, charset: str | None) -> str:
    if charset:
        try:
            codecs.lookup(charset)
        except LookupError:
            charset = None
    return body.decode(charset or "utf-8", "replace")


def _has_data_after(handle: BinaryIO, end: int) -> bool:
    handle.seek(end)
    while chunk := handle.read(1 << 16):
        if chunk.strip():
            return True
    return False


def _corrupt(
    errors: ErrorPolicy, label: str, end: int, seen: int, exc: BaseException | None
) -> None:
    reason = f"truncated or corrupt WARC data after {plural(seen, 'record')}"
    fix = TRUNCATED_FIX
    if exc is not None:
        message = _warcio_message(exc)
        reason += f": {message}"
        if "non-chunked gzip" in message:
            reason = "the whole WARC is one gzip stream, not one gzip member per record"
            fix = "recompress it: warcio recompress IN.warc.gz OUT.warc.gz"
    errors.bad_row(label, f"offset {end}", reason, fix)


_QUOTE_MARKERS = (", first line", ": [", " - Found", "Remainder")


def _warcio_message(exc: BaseException) -> str:
    """warcio's message up to where it quotes the offending bytes: errors never echo content."""
    message = brief(exc)
    for marker in _QUOTE_MARKERS:
        message = message.split(marker, 1)[0]
    return message.strip() or type(exc).__name__
