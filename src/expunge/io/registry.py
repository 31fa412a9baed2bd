"""The format registry: every dataset format expunge reads, declared once.

A `Format` says how files of the format are recognised (extensions, magic bytes, a look at
the first bytes), where its reader and rewriter live, whether a large file can be read in
byte ranges (io/ranges.py) and whether rows can have their text replaced. `read_shard`,
`rewrite_shard`, `read_raw`, `open_dataset`'s detection and `FORMATS` all come from here.

Adding a format is one module (a reader, usually a rewriter, both over one row walker so
they number rows alike) and one `register(Format(...))` call. Readers and rewriters may be
given as "module:function" strings: the module is imported on first use, so a run that only
touches JSON Lines never pays for importing pyarrow or warcio (a tenth of a second each).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias, TypeVar, cast

from expunge.errors import ErrorPolicy, ExpungeError
from expunge.records import FieldSpec, Record, Shard

if TYPE_CHECKING:
    from .rewrite_common import Edits, RewriteStats

Reader: TypeAlias = Callable[[Shard, FieldSpec, ErrorPolicy], Iterator[Record]]
# Writes the whole edited shard to the path; rows numbered as the format's reader numbers them.
Rewriter: TypeAlias = Callable[[Shard, FieldSpec, str, "Edits"], "RewriteStats"]
# Where a part of a file may start when it is read in byte ranges (io/ranges.py).
ByteRanges: TypeAlias = Literal["lines", "warc-records"]

_Function = TypeVar("_Function", bound=Callable[..., object])
_COMPRESSED = ("", ".gz", ".zst", ".zstd")  # what may follow a text format's extension


@dataclass(frozen=True)
class Format:
    name: str  # what --format takes and Shard.format holds
    reader: Reader | str  # a function, or "module:function" imported on first use
    rewriter: Rewriter | str | None = None  # None: versions cannot rewrite such shards
    raw_reader: Reader | str | None = None  # records with all their stored text (io/raw.py)
    extensions: tuple[str, ...] = ()  # file name endings, before any compression suffix
    compressions: tuple[str, ...] = ("",)  # suffixes allowed after them ("" = none)
    magic: tuple[bytes, ...] = ()  # what the file itself starts with
    # Recognises the first bytes of a file, after gzip/zstd is inflated when the format
    # allows that compression; formats must not claim each other's files.
    sniff: Callable[[bytes], bool] | None = None
    byte_ranges: ByteRanges | None = None  # None: a file is always read whole
    redactable: bool = True  # rows can have their text replaced, not only be dropped
    title: str = ""  # the name in messages ("Parquet"); the format name when empty
    described: str = ""  # its extensions as the supported-extensions message lists them
    # What the stored-bytes reading (raw_reader) does not search, said in verify's certificate
    raw_leaves_out: str = ""

    @property
    def display(self) -> str:
        return self.title or self.name

    def read(self, shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
        return _resolve(self.reader)(shard, fields, errors)

    def rewrite(self, shard: Shard, fields: FieldSpec, out_path: str, edits: Edits) -> RewriteStats:
        if self.rewriter is None:
            raise ExpungeError(f"{shard.label}: {self.display} shards cannot be rewritten")
        return _resolve(self.rewriter)(shard, fields, out_path, edits)

    def read_raw(self, shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
        assert self.raw_reader is not None, f"{self.name} has no raw reader"
        return _resolve(self.raw_reader)(shard, fields, errors)


_REGISTRY: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add a format (or replace the one of that name); returns it, for use as a constant."""
    _REGISTRY[fmt.name] = fmt
    return fmt


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def registered() -> Mapping[str, Format]:
    """Every format by name, in the order registered (detection tries them in this order)."""
    return _REGISTRY


def lookup(name: str, label: str = "") -> Format:
    """The format of that name; an unknown name is the user's error, naming the choices."""
    fmt = _REGISTRY.get(name)
    if fmt is None:
        where = f"{label}: " if label else ""
        raise ExpungeError(f"{where}unknown format {name!r}", f"use one of: {', '.join(_REGISTRY)}")
    return fmt


def _resolve(target: _Function | str) -> _Function:
    """The function itself, or the one a "module:function" string names (imported now)."""
    if not isinstance(target, str):
        return target
    module, _, name = target.partition(":")
    return cast(_Function, getattr(importlib.import_module(module), name))


# ---- the formats expunge ships -------------------------------------------------------------

_WARC_TYPE = re.compile(rb"^WARC-Type:[ \t]*([A-Za-z]+)", re.MULTILINE)


def _starts_json(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def _warc_kind(head: bytes) -> str | None:
    """'warc' or 'wet' for the head of a WARC file: a WET file starts with a warcinfo record,
    then conversion records."""
    if not head.startswith(b"WARC/1."):
        return None
    for match in _WARC_TYPE.finditer(head):
        kind = match.group(1).lower()
        if kind != b"warcinfo":
            return "wet" if kind == b"conversion" else "warc"
    return "warc"


_IO = "expunge.io"
_RAW = f"{_IO}.raw"
_DELIMITED = ".csv .tsv (also .gz .zst)"

register(
    Format(
        "jsonl",
        reader=f"{_IO}.jsonl:read_jsonl",
        rewriter=f"{_IO}.jsonl:rewrite_jsonl",
        raw_reader=f"{_RAW}:read_jsonl_raw",
        extensions=(".jsonl", ".ndjson", ".json"),
        compressions=_COMPRESSED,
        sniff=_starts_json,
        byte_ranges="lines",
        title="JSON Lines",
        described=".jsonl .json .ndjson (each also .gz .zst)",
    )
)
register(
    Format(
        "parquet",
        reader=f"{_IO}.parquet:read_parquet",
        rewriter=f"{_IO}.parquet:rewrite_parquet",
        raw_reader=f"{_RAW}:read_columnar_raw",
        extensions=(".parquet", ".pq"),
        magic=(b"PAR1",),
        title="Parquet",
        described=".parquet .pq",
    )
)
for _name in ("csv", "tsv"):
    register(
        Format(
            _name,
            reader=f"{_IO}.delimited:read_{_name}",
            rewriter=f"{_IO}.delimited:rewrite_{_name}",
            raw_reader=f"{_RAW}:read_delimited_raw",
            extensions=(f".{_name}",),
            compressions=_COMPRESSED,
            title=_name.upper(),
            described=_DELIMITED,  # one entry for both in the message
        )
    )
register(
    Format(
        "warc",
        reader=f"{_IO}.warc:read_warc",
        rewriter=f"{_IO}.warc:rewrite_warc",
        raw_reader=f"{_RAW}:read_warc_raw",
        extensions=(".warc",),
        compressions=("", ".gz"),  # warcio reads gzip per record only
        sniff=lambda head: _warc_kind(head) == "warc",
        byte_ranges="warc-records",
        redactable=False,  # a record's HTML cannot be edited faithfully: records are dropped
        title="WARC",
        described=".warc .warc.gz",
    )
)
register(
    Format(
        "wet",
        reader=f"{_IO}.warc:read_warc",  # one reader: it yields conversion records and responses
        rewriter=f"{_IO}.warc:rewrite_warc",
        raw_reader=f"{_RAW}:read_warc_raw",
        extensions=(".warc.wet", ".wet"),
        compressions=("", ".gz"),
        sniff=lambda head: _warc_kind(head) == "wet",
        byte_ranges="warc-records",
        redactable=False,
        title="WARC",  # WET files are WARC files of conversion records
        described=".wet .warc.wet.gz",
    )
)
register(
    Format(
        "hf",
        reader=f"{_IO}.arrow:read_arrow",
        rewriter=f"{_IO}.arrow:rewrite_arrow",
        raw_reader=f"{_RAW}:read_columnar_raw",
        extensions=(".arrow",),
        # IPC file magic, and the continuation marker that starts every IPC stream message
        magic=(b"ARROW1", b"\xff\xff\xff\xff"),
        title="Arrow",
        described=".arrow",
    )
)
register(
    Format(
        "webdataset",  # image-text tars: captions and metadata as text (io/webdataset.py)
        reader=f"{_IO}.webdataset:read_webdataset_text",
        rewriter=f"{_IO}.webdataset:rewrite_webdataset",  # whole samples dropped
        raw_reader=f"{_IO}.webdataset:read_webdataset_raw",
        extensions=(".tar",),
        compressions=("", ".gz", ".zst"),
        sniff=lambda head: head[257:262] == b"ustar",
        redactable=False,  # a caption could be, the picture not: samples are dropped
        raw_leaves_out="the pictures and the metadata inside them (EXIF, XMP)",
        title="WebDataset",
        described=".tar .tar.gz .tar.zst (WebDataset: captions and metadata)",
    )
)
del _name
