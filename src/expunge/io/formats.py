"""Detection of a file's format by extension or magic bytes, over the registered formats."""

from __future__ import annotations

import os
import stat
import zlib

import zstandard

from expunge.errors import ExpungeError

from .registry import registered
from .streams import GZIP_MAGIC, ZSTD_MAGIC

# The formats expunge ships (the CLI's --format choices); `registered()` also has any added.
FORMATS: tuple[str, ...] = tuple(registered())

_COMPRESSION_SUFFIXES = (".gz", ".zst", ".zstd")
_HEAD_BYTES = 1 << 16


def supported_extensions() -> str:
    """The registered formats' extensions, as error messages list them."""
    described = [fmt.described for fmt in registered().values() if fmt.described]
    return ", ".join(dict.fromkeys(described))  # formats of one family share an entry


def format_fix() -> str:
    return f"pass --format ({', '.join(registered())})"


SUPPORTED_EXTENSIONS = supported_extensions()
FORMAT_FIX = format_fix()


def format_from_name(name: str) -> str | None:
    """The format a file name's extension stands for, or None."""
    lower = name.lower()
    compression = ""
    for suffix in _COMPRESSION_SUFFIXES:
        if lower.endswith(suffix):
            compression, lower = suffix, lower[: -len(suffix)]
            break
    for suffix, fmt, allowed in _extensions():
        if lower.endswith(suffix) and compression in allowed:
            return fmt
    return None


def _extensions() -> list[tuple[str, str, tuple[str, ...]]]:
    """(suffix, format, compression suffixes allowed after it), longest suffix first, so
    '.warc.wet' is looked at before '.wet'."""
    found = [
        (suffix, fmt.name, fmt.compressions)
        for fmt in registered().values()
        for suffix in fmt.extensions
    ]
    return sorted(found, key=lambda entry: -len(entry[0]))


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
        f"{supported_extensions()}",
        format_fix(),
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
    """Format from the first bytes of a file; compressed heads are inflated and looked into
    by the formats that may be stored so compressed."""
    formats = registered().values()
    for fmt in formats:
        if fmt.magic and head.startswith(fmt.magic):
            return fmt.name
        if fmt.sniff is not None and fmt.sniff(head):
            return fmt.name
    if head.startswith(GZIP_MAGIC):
        suffixes = frozenset({".gz"})
    elif head.startswith(ZSTD_MAGIC):
        suffixes = frozenset({".zst", ".zstd"})
    else:
        return None
    inner = _inflate_head(head)
    for fmt in formats:
        compressed_ok = not suffixes.isdisjoint(fmt.compressions)
        if fmt.sniff is not None and compressed_ok and fmt.sniff(inner):
            return fmt.name
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
