"""WebDataset tar shards (format "webdataset"), as img2dataset writes them.

A shard is a tar (also gzip or zstd compressed) of members named KEY.EXT: `00012.jpg`,
`00012.txt` (caption), `00012.json` (metadata: url, key, width, height, ...). The WebDataset
rule groups them: a member's key is its path up to the first dot of its base name, its field
the rest, lower-cased ("jpg", "seg.png"); consecutive members with one key are one sample. A
key that comes back later, after another key, starts a new sample (both are read, as
WebDataset reads them). Members whose base name has no dot name no field and are passed
over, as WebDataset does.

The tar is streamed (tarfile mode "r|" over `io.streams.open_decompressed`), never seeked and
never extracted: member names such as `../x.jpg` are only names. Only the members a reader
wants are read, each bounded; the rest are skipped in blocks.

`tar_samples` is the one walker that numbers samples; a reader (and later a rewriter that
removes whole samples) build on it, so row k is the same sample for both. Problems:
- inside one sample (a member over its limit, a link or device member, one field twice):
  the sample carries `problem` and its caller reports it as a bad row;
- of the archive (cut short, a gzip that ends early, a damaged header, data after the
  end-of-archive marker): one bad row naming the sample being read, then the walk ends;
  samples before it were already yielded.
Directory entries hold nothing and are passed over.
"""

from __future__ import annotations

import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Self, cast

from expunge.errors import ErrorPolicy
from expunge.io.problems import TRUNCATED_FIX, brief
from expunge.io.streams import STREAM_ERRORS, open_decompressed, stream_failure
from expunge.records import Location, Shard

from .read_formats import ReadOptions
from .read_sidecars import BadSample, decode_caption, parse_metadata
from .samples import (
    IMAGE_EXTENSIONS,
    MAX_IMAGE_BYTES,
    MAX_SIDECAR_BYTES,
    ImageSample,
    printable,
)

_TAR_ERRORS: tuple[type[BaseException], ...] = (tarfile.TarError, *STREAM_ERRORS)
_SIDECARS = frozenset({"txt", "json"})
# What a member that is not a regular file is, for the message.
_KINDS = {
    tarfile.SYMTYPE: "a symlink",
    tarfile.LNKTYPE: "a hard link",
    tarfile.CHRTYPE: "a device",
    tarfile.BLKTYPE: "a device",
    tarfile.FIFOTYPE: "a FIFO",
}


def split_member_name(name: str) -> tuple[str, str] | None:
    """(key, field) of a member name by the WebDataset rule: the key runs up to the first dot
    of the base name. None when the base name has no dot, or starts with one (hidden files
    such as macOS `._x.jpg` name no key)."""
    slash = name.rfind("/") + 1
    dot = name.find(".", slash)
    if dot <= slash:
        return None
    return name[:dot], name[dot + 1 :].lower()


@dataclass(slots=True)
class TarMember:
    info: tarfile.TarInfo
    field: str  # what follows the key: "jpg", "txt", "seg.png"
    data: bytes | None  # read when the walker's caller wanted it


@dataclass(slots=True)
class TarSample:
    """The members of one sample, in tar order."""

    row: int
    key: str
    offset: int  # tar offset (of the uncompressed stream) of the first member's header
    members: list[TarMember] = field(default_factory=list)
    problem: str | None = None  # why it is a bad row; set for the first problem found

    @property
    def where(self) -> str:
        return f"sample {self.row} (key {printable(self.key)})"


class _WatchedInfo(tarfile.TarInfo):
    """Remembers why the last header could not be read.

    tarfile ends a stream silently on a header that is cut short, missing or damaged after
    the first member; the walker needs to tell those from the end-of-archive marker.
    """

    @classmethod
    def fromtarfile(cls, archive: tarfile.TarFile) -> Self:
        watched = cast(WatchedTar, archive)
        try:
            info = super().fromtarfile(archive)
        except tarfile.HeaderError as exc:
            watched.header_problem = exc
            raise
        watched.header_problem = None
        return info


class WatchedTar(tarfile.TarFile):
    tarinfo = _WatchedInfo
    header_problem: tarfile.HeaderError | None = None
    members: list[tarfile.TarInfo]  # tarfile's own list (typeshed leaves it out)


def tar_samples(
    shard: Shard, errors: ErrorPolicy, wanted: Callable[[str], int | None]
) -> Iterator[TarSample]:
    """Every sample of a WebDataset tar, in tar order, numbered from 0.

    `wanted(field)` is the most bytes to read of a member with that field, or None to skip
    its data. Archive-level problems go to `errors` (one bad row, then the walk ends);
    `errors.rows_numbered` is set to the samples numbered.
    """
    label = shard.label
    walk = _Walk(label, errors)
    try:
        with open_decompressed(shard.path, label) as opened:
            walk.codec = opened.codec
            yield from walk.samples(opened.stream, wanted)
    finally:
        errors.rows_numbered = walk.rows


@dataclass(slots=True)
class _Walk:
    label: str
    errors: ErrorPolicy
    codec: str = ""
    rows: int = 0  # samples numbered so far, bad ones included
    pending: TarSample | None = None

    def samples(
        self, stream: IO[bytes], wanted: Callable[[str], int | None]
    ) -> Iterator[TarSample]:
        tar = self._open(stream)
        if tar is None:
            return
        try:
            while True:
                info = tar.next()
                tar.members = []  # tarfile keeps every member it has seen; bound that
                if info is None:
                    break
                parts = None if info.isdir() else split_member_name(info.name)
                if parts is None:  # a directory entry, or a name with no field
                    continue
                key, member_field = parts
                if self.pending is not None and self.pending.key != key:
                    # out before the next member is read: if that read fails, this one is kept
                    yield self._close_pending()
                if self.pending is None:
                    self.pending = TarSample(self.rows, key, info.offset)
                self._add(tar, self.pending, info, member_field, wanted)
            self._check_end(tar)
        except _TAR_ERRORS as exc:
            self._broken(exc)
            return
        if self.pending is not None:
            yield self._close_pending()

    def _open(self, stream: IO[bytes]) -> WatchedTar | None:
        try:
            return WatchedTar.open(fileobj=stream, mode="r|")
        except tarfile.ReadError as exc:
            if str(exc) == "empty file":  # e.g. a .tar.gz of nothing: no samples
                return None
            if str(exc) == "truncated header":  # a tar cut inside its first header
                self._broken(exc)
                return None
            self.errors.bad_row(
                self.label,
                "header",
                f"not a tar archive: {brief(exc)}",
                "check the file; if it is not a WebDataset tar, pass --format",
            )
        except _TAR_ERRORS as exc:
            self._broken(exc)
        return None

    def _add(
        self,
        tar: WatchedTar,
        sample: TarSample,
        info: tarfile.TarInfo,
        member_field: str,
        wanted: Callable[[str], int | None],
    ) -> None:
        """Add a member to its sample, its data read when wanted and within the limit."""
        member = TarMember(info, member_field, None)
        if any(other.field == member_field for other in sample.members):
            _flag(sample, f"member {printable(info.name)} appears twice in the sample")
        elif not info.isfile():
            kind = _KINDS.get(info.type, "a special entry")
            _flag(sample, f"member {printable(info.name)} is {kind}, not a regular file")
        else:
            limit = wanted(member_field)
            if limit is not None and info.size > limit:
                _flag(
                    sample,
                    f"member {printable(info.name)} is {_size(info.size)}, over the "
                    f"{_size(limit)} limit",
                )
            elif limit is not None:
                member.data = _read_member(tar, info)
        sample.members.append(member)

    def _close_pending(self) -> TarSample:
        sample = self.pending
        assert sample is not None
        self.pending = None
        self.rows += 1
        return sample

    def _check_end(self, tar: WatchedTar) -> None:
        """The archive must end with its end-of-archive marker and only zeros after it."""
        problem = end_problem(tar)
        if problem is not None:
            raise tarfile.ReadError(problem)
        if not _only_zeros_left(tar):
            raise tarfile.ReadError("data after the end-of-archive marker")

    def _broken(self, exc: BaseException) -> None:
        """One bad row for the sample being read when the archive broke: it may be partial."""
        if self.pending is not None:
            where = self.pending.where
            self.pending = None
        else:
            where = f"sample {self.rows}"
        done = self.rows
        self.rows += 1
        self.errors.bad_row(
            self.label,
            where,
            f"{stream_failure(self.codec, done, 'samples')}: {brief(exc)}",
            TRUNCATED_FIX,
        )


def end_problem(tar: WatchedTar) -> str | None:
    """Why tarfile stopped reading headers: None at the end-of-archive marker, else what
    was wrong (tarfile itself ends such a walk silently)."""
    problem = tar.header_problem
    # tarfile's header errors by name: typeshed declares only their base class.
    kind = type(problem).__name__ if problem is not None else "EOFHeaderError"
    if kind == "EOFHeaderError":  # a zero block: the end-of-archive marker
        return None
    if kind == "EmptyHeaderError":
        return "the archive ends without its end-of-archive marker"
    if kind == "TruncatedHeaderError":
        return "the archive ends inside a member header"
    return f"damaged member header at byte {tar.offset}"


def _read_member(tar: WatchedTar, info: tarfile.TarInfo) -> bytes:
    handle = tar.extractfile(info)
    assert handle is not None  # regular files always have a handle
    with handle:
        return handle.read()


def _only_zeros_left(tar: WatchedTar) -> bool:
    """Read what follows the end-of-archive marker (padding; gzip's trailer is checked on the
    way): anything but zeros means data tarfile would silently not read."""
    stream = tar.fileobj
    assert stream is not None
    while True:
        chunk = stream.read(tarfile.RECORDSIZE)
        if not chunk:
            return True
        if chunk.count(0) != len(chunk):
            return False


def _flag(sample: TarSample, problem: str) -> None:
    if sample.problem is None:
        sample.problem = problem


def _size(count: int) -> str:
    return f"{count / (1 << 20):.1f} MB" if count >= 1 << 20 else f"{count} bytes"


# ---- the reader ------------------------------------------------------------------------


def _wanted(member_field: str) -> int | None:
    if member_field in _SIDECARS:
        return MAX_SIDECAR_BYTES
    return MAX_IMAGE_BYTES if _is_image_field(member_field) else None


def _is_image_field(member_field: str) -> bool:
    return member_field.rsplit(".", 1)[-1] in IMAGE_EXTENSIONS


def read_webdataset(
    shard: Shard, errors: ErrorPolicy, options: ReadOptions
) -> Iterator[ImageSample]:
    label = shard.label
    for sample in tar_samples(shard, errors, _wanted):
        try:
            if sample.problem is not None:
                raise BadSample(sample.problem)
            yield _image_sample(sample, label)
        except BadSample as exc:
            errors.bad_row(label, sample.where, str(exc))


def _image_sample(sample: TarSample, label: str) -> ImageSample:
    by_field = {member.field: member for member in sample.members}
    url = caption = None
    meta: dict[str, object] = {}
    if "json" in by_field:
        member = by_field["json"]
        parsed = parse_metadata(member.data or b"", printable(member.info.name))
        url, caption, meta = parsed.url, parsed.caption, parsed.meta
    if "txt" in by_field:
        member = by_field["txt"]
        caption = decode_caption(member.data or b"", printable(member.info.name))
    image = image_member(sample.members)
    return ImageSample(
        Location(label, sample.row, sample.offset),
        sample.key,
        url,
        caption,
        image.data if image is not None else None,
        meta,
    )


def image_member(members: list[TarMember]) -> TarMember | None:
    """The sample's image: a member whose field is an image extension ("jpg"), else the first
    whose field ends in one ("seg.png")."""
    exact = next((member for member in members if member.field in IMAGE_EXTENSIONS), None)
    if exact is not None:
        return exact
    return next((member for member in members if _is_image_field(member.field)), None)


def _metadata_wanted(member_field: str) -> int | None:
    return MAX_SIDECAR_BYTES if member_field in _SIDECARS else None


def read_webdataset_metadata(
    shard: Shard, errors: ErrorPolicy, wanted: Callable[[str], int | None] = _metadata_wanted
) -> Iterator[tuple[ImageSample, TarSample]]:
    """The samples with their captions and metadata, pixels left unread (`data` None): what
    text search (`expunge find` / `scan`) reads of a WebDataset tar; with the walker's sample,
    whose members `wanted` chose to read."""
    label = shard.label
    for sample in tar_samples(shard, errors, wanted):
        try:
            if sample.problem is not None:
                raise BadSample(sample.problem)
            yield _image_sample(sample, label), sample
        except BadSample as exc:
            errors.bad_row(label, sample.where, str(exc))
