"""Record, Location and Dataset: the shapes every reader, step and sink share."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Location(NamedTuple):
    """Where a record lives: shard path, 0-based row index, byte offset when the format has one.

    A NamedTuple rather than a frozen dataclass: one is built per record, and this is 2x cheaper.
    """

    shard: str
    row: int
    offset: int | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected span of personal data. Offsets are character offsets into `Record.text`.

    `validator` names what confirmed it (e.g. 'luhn+iin', 'iban-mod97', 'phonenumbers',
    'pattern' when only the pattern and context vouch for it; 'profile' or 'registry' for a
    subject's identifier). `confidence` is set by subject search only: how surely the record is
    about that person (strong / medium / weak, `expunge.confidence`).
    """

    type: str
    start: int
    end: int
    score: float
    validator: str
    subject: str | None = None  # set by subject search: whose identifier this is
    confidence: str | None = None


@dataclass(slots=True)
class Record:
    """One document of a dataset. `text` is the field that is scanned; `fields` holds the rest."""

    text: str
    location: Location
    id: str | None = None
    url: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    # Steps replace this with a list; the shared empty tuple saves an allocation per record.
    findings: Sequence[Finding] = ()
    _hash: str | None = field(default=None, repr=False)
    # The text's UTF-8 size when a step already encoded it (-1: not known): counting a
    # non-ASCII record's bytes again would encode it a second time.
    text_bytes: int = field(default=-1, repr=False, compare=False)

    @property
    def content_hash(self) -> str:
        """blake2b-128 of the text, hex; computed on first use because most records never need it."""
        if self._hash is None:
            self._hash = hashlib.blake2b(
                self.text.encode("utf-8", "surrogatepass"), digest_size=16
            ).hexdigest()
        return self._hash


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """Which columns hold text, url and id. None means: use the format's / layout's default."""

    text: str | None = None
    url: str | None = None
    id: str | None = None
    # JSON Lines: also keep every other string value of the record (io/raw.py), read from the
    # object already parsed rather than parsing the line twice.
    stored: bool = False


@dataclass(frozen=True, slots=True)
class Shard:
    """One file of a dataset and the format it is read with."""

    path: str  # where to open it
    format: str  # jsonl | parquet | csv | tsv | warc | wet | hf
    name: str = ""  # path relative to the dataset root: what reports and findings show
    # Part of a large file read by one task (scan/split.py): the records that start in
    # [start, end) bytes of the file; rows are numbered from 0 within the part.
    byte_range: tuple[int, int] | None = None

    @property
    def label(self) -> str:
        return self.name or self.path


@dataclass(frozen=True, slots=True)
class Dataset:
    """A list of shards. Built by `expunge.io.discover.open_dataset`."""

    root: str
    shards: tuple[Shard, ...]
    # Opened from one named file (root is then its folder, not a dataset directory).
    single_file: bool = False
