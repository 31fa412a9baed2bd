"""Format names, file extensions, and detection by extension or magic bytes."""

from __future__ import annotations

import os
import re
import stat
import zlib

import zstandard

from expunge.errors import ExpungeError

from .streams import GZIP_MAGIC, ZSTD_MAGIC

FORMATS: tuple[str, ...] = ("jsonl", "parquet", "csv", "tsv", "warc", "wet", "hf")

_TEXT_COMPRESSION = ("", ".gz", ".zst", ".zstd")

# (suffix, format, compression suffixes allowed after it). Longer suffixes first.
_EXTENSIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (".warc.wet", "wet", ("", ".gz")),
    (".wet", "wet", ("", ".gz")),
    (".warc", "warc", ("", ".gz")),
    (".jsonl", "jsonl", _TEXT_COMPRESSION),
    (".ndjson", "jsonl", _TEXT_COMPRESSION),
    (".json", "jsonl", _TEXT_COMPRESSION),
    (".parquet", "parquet", ("",)),
    (".pq", "parquet", ("",)),
    (".csv", "csv", _TEXT_COMPRESSION),
    (".tsv", "tsv", _TEXT_COMPRESSION),
    (".arrow", "hf", ("",)),
)

SUPPORTED_EXTENSIONS = (
    ".jsonl .json .ndjson (each also .gz .zst), .parquet .pq, .csv .tsv (also .gz .zst), "
    ".warc .warc.gz, .wet .warc.wet.gz, .arrow"
)
FORMAT_FIX = f"pass --format ({', '.join(FORMATS)})"

_HEAD_BYTES = 1 << 16
_WARC_TYPE = re.compile(rb"^WARC-Type:[ \t]*([A-Za-z]+)", re.MULTILINE)
_ARROW_FILE_MAGIC = b"ARROW1"
_ARROW_STREAM_MAGIC = b"\xff\xff\xff\xff"  # IPC continuation marker that starts every message


def format_from_name(name: str) -> str | None:
    """The format a file name's extension stands for, or None."""
    lower = name.lower()
    compression = ""
    for suffix in _TEXT_COMPRESSION[1:]:
        if lower.endswith(suffix):
            compression, lower = suffix, lower[: -len(suffix)]
            break
    for suffix, fmt, allowed in _EXTENSIONS:
        if lower.endswith(suffix) and compression in allowed:
            return fmt
    return None


def detect_format(path: str) -> str:
    """Format of one file: by extension, else by the magic bytes at its start."""
    fmt = format_from_name(os.path.basename(path))
    if fmt is not None:
        return fmt
    head = read_head(path)
    fmt = sniff_format(head)
    if fmt is not None:
        return fmt
    what = "is empty" if not head else "is not in a format expunge reads"
    raise ExpungeError(
        f"cannot tell the format of {path}: it {what} and its extension is not one of "
        f"{SUPPORTED_EXTENSIONS}",
        FORMAT_FIX,
    )


def not_regular_reason(path: str) -> str | None:
    """Why `path` is not a regular file ("is a FIFO", ...), or None when it is one.

    Checked with stat before any open: opening a FIFO for reading blocks until a writer comes.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return f"is a dangling symlink (to {os.readlink(path)}), not a regular file"
        return "does not exist"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory, not a regular file"
    kinds = (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    )
    kind = next((name for test, name in kinds if test(mode)), "a special file")
    return f"is {kind}, not a regular file"


def read_head(path: str, size: int = _HEAD_BYTES) -> bytes:
    reason = not_regular_reason(path)
    if reason == "does not exist":
        raise ExpungeError(f"no such file or directory: {path}", "check the path")
    if reason is not None:
        raise ExpungeError(f"{path} {reason}", "point at a regular data file")
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except FileNotFoundError:
        raise ExpungeError(f"no such file or directory: {path}", "check the path") from None
    except OSError as exc:
        raise ExpungeError(f"cannot read {path}: {exc.strerror or exc}", "check the path") from None


def sniff_format(head: bytes) -> str | None:
    """Format from the first bytes of a file; compressed heads are inflated and looked into."""
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith((_ARROW_FILE_MAGIC, _ARROW_STREAM_MAGIC)):
        return "hf"
    if head.startswith((GZIP_MAGIC, ZSTD_MAGIC)):
        inner = _inflate_head(head)
        fmt = _sniff_text(inner)
        if fmt in ("warc", "wet") and not head.startswith(GZIP_MAGIC):
            return None  # warcio reads gzip-per-record WARCs only
        return fmt
    return _sniff_text(head)


def _sniff_text(head: bytes) -> str | None:
    if head.startswith(b"WARC/1."):
        # WET files start with a warcinfo record, then conversion records.
        for match in _WARC_TYPE.finditer(head):
            kind = match.group(1).lower()
            if kind != b"warcinfo":
                return "wet" if kind == b"conversion" else "warc"
        return "warc"
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first in (b"{", b"["):
        return "jsonl"
    return None


def _inflate_head(head: bytes) -> bytes:
    """Decompress as much of a (possibly multi-member) gzip or zstd head as is there."""
    out = bytearray()
    data = head
    try:
        while data and len(out) < _HEAD_BYTES:
            inflater = (
                zlib.decompressobj(wbits=31)
                if data.startswith(GZIP_MAGIC)
                else zstandard.ZstdDecompressor().decompressobj()
            )
            out += inflater.decompress(data)
            if not inflater.eof:
                break
            data = inflater.unused_data
    except (zlib.error, zstandard.ZstdError):
        pass  # a head cut mid-block: what was inflated so far is enough to look at
    return bytes(out)
