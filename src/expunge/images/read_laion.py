"""LAION-style metadata Parquet (format "laion": URL, TEXT, WIDTH, HEIGHT, ...), whose pixels
are not in the file: each row is a sample with data None, unless `images_dir` names a local
img2dataset download of it, from which the pixels are taken.

Matching rule: a metadata row takes the image of the downloaded sample whose metadata `url`
equals the row's URL, byte for byte (no normalisation: img2dataset writes the URL it was
given). img2dataset's keys are not used: they number samples by input position and shard
size, which the metadata file does not record. When several downloaded samples share a URL
the first one (tar / folder name order, then tar order) is used.

Layouts read from the download directory, recursively (hidden names skipped):
- WebDataset output: uncompressed `.tar` shards of KEY.jpg + KEY.json ({"url": ...}); only
  the headers and the .json members are read, the images are later read in place with one
  `pread` each. A compressed tar cannot be read in place: it is refused with the fix.
- folder output: image files with a sidecar `STEM.json` holding the url.
Samples without an image (failed downloads) or without a url are left out.

The index is built once per process and directory (each worker of a pool builds its own)
and holds per sample a 128-bit digest of its URL and where its bytes are: 36 bytes a sample
in numpy arrays. Problems in the download (an unreadable tar, a .json that is not JSON)
follow the error policy, reported by the shard whose reading built the index. A file that
changed since it was indexed is a bad row for the rows that need it, never wrong pixels.
"""

from __future__ import annotations

import hashlib
import os
import tarfile
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from expunge.errors import ErrorPolicy, ExpungeError
from expunge.io.formats import not_regular_reason
from expunge.io.problems import brief
from expunge.io.streams import STREAM_ERRORS
from expunge.records import Shard

from .read_columnar import parquet_rows
from .read_formats import ReadOptions
from .read_sidecars import BadSample, parse_metadata
from .read_tar import (
    TarMember,
    WatchedTar,
    end_problem,
    image_member,
    split_member_name,
)
from .samples import (
    MAX_IMAGE_BYTES,
    MAX_SIDECAR_BYTES,
    ImageSample,
    image_extension,
    printable,
)

_COMPRESSED_TARS = (".tar.gz", ".tgz", ".tar.zst", ".tar.bz2", ".tar.xz")
_OPEN_FILES = 8  # tar shards kept open between reads: rows of one metadata file come in order
_TAR_ERRORS: tuple[type[BaseException], ...] = (tarfile.TarError, *STREAM_ERRORS)
_FIX = "re-download it, or remove it from the images directory"


def url_digest(url: str) -> tuple[int, int]:
    digest = hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little")


@dataclass(slots=True)
class _Source:
    path: str
    name: str  # relative to the images directory, as meta and messages show it
    size: int
    mtime_ns: int


@dataclass(slots=True)
class _Builder:
    """Collects (digest, source, offset, size) per downloaded sample, then sorts them."""

    root: str
    errors: ErrorPolicy
    sources: list[_Source] = field(default_factory=list)
    # typed arrays, not lists: 36 bytes a sample while building instead of ~200
    high: array[int] = field(default_factory=lambda: array("Q"))
    low: array[int] = field(default_factory=lambda: array("Q"))
    where: array[int] = field(default_factory=lambda: array("i"))
    offsets: array[int] = field(default_factory=lambda: array("q"))
    sizes: array[int] = field(default_factory=lambda: array("q"))

    def add(self, url: str, source: int, offset: int, size: int) -> None:
        high, low = url_digest(url)
        self.high.append(high)
        self.low.append(low)
        self.where.append(source)
        self.offsets.append(offset)
        self.sizes.append(size)

    def source(self, path: str) -> int | None:
        """Number a file of the download; None after reporting one that cannot be read."""
        reason = not_regular_reason(path)
        if reason is None:
            try:
                info = os.stat(path)
            except OSError as exc:
                reason = f"cannot be read ({exc.strerror or exc})"
        if reason is not None:
            self.errors.bad_row(path, "images directory", reason, _FIX)
            return None
        name = os.path.relpath(path, self.root).replace(os.sep, "/")
        self.sources.append(_Source(path, name, info.st_size, info.st_mtime_ns))
        return len(self.sources) - 1

    def add_tar(self, path: str) -> None:
        at = self.source(path)
        if at is None:
            return
        label = path
        try:
            with WatchedTar.open(path, "r:") as archive:
                assert isinstance(archive, WatchedTar)
                self._tar_samples(archive, at, label)
                problem = end_problem(archive)
        except _TAR_ERRORS as exc:
            problem = brief(exc)
        if problem is not None:
            self.errors.bad_row(label, "images directory", f"unreadable tar: {problem}", _FIX)

    def _tar_samples(self, archive: WatchedTar, at: int, label: str) -> None:
        key: str | None = None
        members: list[TarMember] = []
        while (info := archive.next()) is not None:
            archive.members = []
            parts = split_member_name(info.name) if info.isfile() else None
            if parts is None:
                continue
            if parts[0] != key:
                self._tar_sample(archive, members, at, label)
                key, members = parts[0], []
            members.append(TarMember(info, parts[1], None))
        self._tar_sample(archive, members, at, label)

    def _tar_sample(
        self, archive: WatchedTar, members: list[TarMember], at: int, label: str
    ) -> None:
        image = image_member(members)
        meta = next((member for member in members if member.field == "json"), None)
        if image is None or meta is None or meta.info.size > MAX_SIDECAR_BYTES:
            return
        handle = archive.extractfile(meta.info)
        assert handle is not None
        with handle:
            url = self._url(handle.read(), label, meta.info.name)
        if url is not None:
            self.add(url, at, image.info.offset_data, image.info.size)

    def add_file(self, path: str, sidecar: str) -> None:
        at = self.source(path)
        if at is None or not_regular_reason(sidecar) is not None:
            return
        try:
            with open(sidecar, "rb") as handle:
                text = handle.read(MAX_SIDECAR_BYTES + 1)
        except OSError as exc:
            self.errors.bad_row(sidecar, "images directory", f"cannot read: {brief(exc)}", _FIX)
            return
        if len(text) > MAX_SIDECAR_BYTES:
            return
        url = self._url(text, sidecar, os.path.basename(sidecar))
        if url is not None:
            self.add(url, at, 0, -1)

    def _url(self, text: bytes, label: str, member: str) -> str | None:
        try:
            return parse_metadata(text, printable(member)).url
        except BadSample as exc:
            self.errors.bad_row(label, "images directory", str(exc), _FIX)
            return None


class ImagesDir:
    """The downloaded images of an img2dataset output directory, found by URL."""

    def __init__(self, root: str, errors: ErrorPolicy) -> None:
        builder = _Builder(root, errors)
        _walk(root, builder)
        self.sources = builder.sources
        high = np.frombuffer(builder.high, dtype=np.uint64)
        low = np.frombuffer(builder.low, dtype=np.uint64)
        order = np.lexsort((low, high))  # stable: among equal URLs the first found comes first
        self._high: npt.NDArray[np.uint64] = high[order]
        self._low: npt.NDArray[np.uint64] = low[order]
        self._where = np.frombuffer(builder.where, dtype=np.int32)[order]
        self._offsets = np.frombuffer(builder.offsets, dtype=np.int64)[order]
        self._sizes = np.frombuffer(builder.sizes, dtype=np.int64)[order]
        self._open: OrderedDict[int, int] = OrderedDict()  # source -> file descriptor

    def __len__(self) -> int:
        return len(self._high)

    def find(self, url: str) -> int | None:
        """Position of the first sample downloaded from `url`, or None."""
        high, low = url_digest(url)
        start = int(np.searchsorted(self._high, np.uint64(high), "left"))
        end = int(np.searchsorted(self._high, np.uint64(high), "right"))
        for at in range(start, end):
            if int(self._low[at]) == low:
                return at
        return None

    def source_name(self, at: int) -> str:
        return self.sources[int(self._where[at])].name

    def read(self, at: int) -> bytes | str:
        """The image bytes of sample `at`, or why they cannot be used."""
        source = self.sources[int(self._where[at])]
        shown = f"{source.name} in the images directory"
        try:
            info = os.stat(source.path)
        except OSError as exc:
            return f"{shown} cannot be read: {exc.strerror or exc}"
        if (info.st_size, info.st_mtime_ns) != (source.size, source.mtime_ns):
            return f"{shown} changed after it was indexed; run again"
        size = int(self._sizes[at])
        if size < 0:
            size = info.st_size
        if size > MAX_IMAGE_BYTES:
            return f"the image for this row ({shown}) is over the {MAX_IMAGE_BYTES >> 20} MB limit"
        try:
            data = os.pread(self._descriptor(int(self._where[at])), size, int(self._offsets[at]))
        except OSError as exc:
            return f"{shown} cannot be read: {exc.strerror or exc}"
        if len(data) != size:
            return f"{shown} ends before the image for this row"
        return data

    def _descriptor(self, source: int) -> int:
        fd = self._open.get(source)
        if fd is not None:
            self._open.move_to_end(source)
            return fd
        if len(self._open) >= _OPEN_FILES:
            _, oldest = self._open.popitem(last=False)
            os.close(oldest)
        fd = os.open(self.sources[source].path, os.O_RDONLY)
        self._open[source] = fd
        return fd

    def close(self) -> None:
        while self._open:
            os.close(self._open.popitem()[1])


def _walk(root: str, builder: _Builder) -> None:
    for dirpath, dirnames, filenames in os.walk(root, onerror=_unlistable):
        dirnames[:] = sorted(name for name in dirnames if not name.startswith((".", "_")))
        names = set(filenames)
        for name in sorted(filenames):
            if name.startswith((".", "_")):
                continue
            path = os.path.join(dirpath, name)
            lower = name.lower()
            if lower.endswith(_COMPRESSED_TARS):
                raise ExpungeError(
                    f"{path}: a compressed tar in the images directory cannot be read in place",
                    "decompress it (gunzip / zstd -d) to a .tar",
                )
            if lower.endswith(".tar"):
                builder.add_tar(path)
            elif image_extension(name):
                sidecar = name[: name.rfind(".")] + ".json"
                if sidecar in names:
                    builder.add_file(path, os.path.join(dirpath, sidecar))


def _unlistable(error: OSError) -> None:
    raise ExpungeError(
        f"cannot list {error.filename}: {error.strerror or error}", "check its permissions"
    )


# One index per directory and process: every LAION shard a worker reads shares it.
_INDEXES: dict[str, ImagesDir] = {}


def images_dir_index(images_dir: Path | str, errors: ErrorPolicy) -> ImagesDir:
    """The index of a download directory, built on first use in this process. Problems
    found while building it go to `errors` (so they are reported once per process)."""
    root = os.path.realpath(os.path.expanduser(str(images_dir)))
    index = _INDEXES.get(root)
    if index is None:
        if not os.path.isdir(root):
            raise ExpungeError(
                f"images directory {images_dir} is not a directory", "check the path"
            )
        index = ImagesDir(root, errors)
        _INDEXES[root] = index
    return index


def forget_indexes() -> None:
    """Drop the indexes built in this process (tests; a run over a changed download)."""
    while _INDEXES:
        _INDEXES.popitem()[1].close()


def read_laion(shard: Shard, errors: ErrorPolicy, options: ReadOptions) -> Iterator[ImageSample]:
    """LAION-style rows: url, caption and metadata; pixels only from `options.images_dir`.

    A row with no URL, or whose URL was not downloaded, comes out with data None; a row whose
    download cannot be read (changed, cut short, over the limit) is a bad row.
    """
    label = shard.label
    rows = parquet_rows(shard, errors, None, pixels=False)
    index = images_dir_index(options.images_dir, errors) if options.images_dir else None
    for row, sample in rows:
        if isinstance(sample, str):
            errors.bad_row(label, f"row {row}", sample)
            continue
        at = index.find(sample.url) if index is not None and sample.url is not None else None
        if at is None:
            yield sample
            continue
        assert index is not None
        data = index.read(at)
        if isinstance(data, str):
            errors.bad_row(label, f"row {row}", data)
            continue
        meta = {**sample.meta, "image_file": index.source_name(at)}
        yield replace(sample, data=data, meta=meta)
