"""`open_image_dataset`: turn a file, directory or glob into a Dataset of image shards.

What a file is, by name then content:
- `.tar` `.tar.gz` `.tgz` `.tar.zst`, or `ustar` at byte 257 (also inside gzip / zstd):
  webdataset;
- `.parquet` `.pq` or `PAR1`: image-parquet when its schema has an image column, laion when
  it has a url / URL column, else one error naming the file and what was looked for (a text
  Parquet is not an image dataset);
- `.arrow` or Arrow IPC magic: image-hf when its schema has an image column.
A directory is walked recursively (names starting with "." or "_" skipped):
- a Hugging Face `save_to_disk` directory (state.json + dataset_info.json) contributes the
  Arrow files its state.json lists;
- every directory that directly holds image files is one image-folder shard;
- img2dataset writes a `NNNNN.parquet` of per-shard metadata beside each `NNNNN.tar` (or
  `NNNNN/` folder): such a Parquet is passed over, the pixels are in the tar or folder;
- other files (captions, .json, READMEs) are passed over: only the extensions above are
  looked at inside a directory (name a file directly to have its content looked at).
A directory that mixes kinds (tars and image folders, say) is refused unless `format`
says which to read. An explicit `format` takes only the files of that format.
"""

from __future__ import annotations

import glob
import os
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import zstandard

from expunge.errors import ExpungeError, InputError
from expunge.io.discover import hf_data_files
from expunge.io.formats import not_regular_reason, read_head
from expunge.io.problems import plural
from expunge.io.streams import GZIP_MAGIC, ZSTD_MAGIC
from expunge.records import Dataset, Shard

from .read_formats import IMAGE_FORMATS, image_format
from .samples import image_extension

if TYPE_CHECKING:  # pyarrow is imported only when a Parquet or Arrow file is looked at
    import pyarrow as pa

_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.zst")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_ARROW_SUFFIXES = (".arrow",)
_HF_STATE = "state.json"
_HF_INFO = "dataset_info.json"
_GLOB_CHARS = frozenset("*?[")
_TAR_MAGIC_AT = 257
_ARROW_MAGIC = (b"ARROW1", b"\xff\xff\xff\xff")
_FORMAT_FIX = f"pass --format ({', '.join(IMAGE_FORMATS)})"
_NOT_IMAGES_FIX = (
    "pass --image-field COLUMN if a column holds the images; a text dataset is searched "
    "with expunge scan / find"
)
# The kind of candidate a walk finds, and the formats each kind can be read as.
_KIND_FORMATS = {
    "tar": ("webdataset",),
    "parquet": ("image-parquet", "laion"),
    "arrow": ("image-hf",),
    "folder": ("image-folder",),
}
_KIND_NOUNS = {
    "tar": "tar shard",
    "parquet": "Parquet file",
    "arrow": "Arrow file",
    "folder": "image folder",
}


@dataclass(frozen=True, slots=True)
class _Candidate:
    path: str
    kind: str  # a key of _KIND_FORMATS
    metadata_of: bool = False  # img2dataset's per-shard metadata beside a tar or folder


def open_image_dataset(
    spec: str,
    format: str = "auto",
    images_dir: Path | None = None,
    *,
    image_field: str | None = None,
) -> Dataset:
    """Shards of an image dataset (file, directory or glob), sorted by name.

    `images_dir` (laion only) is checked here: it must be a directory and the dataset must
    have LAION-style shards. `image_field` names the image column of Parquet / Arrow files.
    """
    if format != "auto":
        image_format(format)
    path = os.path.expanduser(spec)
    if os.path.isfile(path):
        _check_entry(path)
        fmt = format if format != "auto" else detect_image_format(path, image_field)
        if image_format(fmt).shard == "directory":
            raise ExpungeError(f"{spec} is a file", "point at the folder that holds the images")
        dataset = Dataset(
            os.path.dirname(path) or ".", (Shard(path, fmt, os.path.basename(path)),), True
        )
    elif os.path.isdir(path):
        dataset = Dataset(path, _shards(_walk(path), path, format, image_field, spec))
    elif _GLOB_CHARS.intersection(path):
        root = _glob_root(path)
        candidates = _expand_glob(path)
        if not candidates:
            raise ExpungeError(f"no files match {spec}", "check the pattern, and quote it")
        dataset = Dataset(root, _shards(candidates, root, format, image_field, spec))
    elif os.path.lexists(path):  # a dangling symlink, a FIFO, a socket: named, not opened
        _check_entry(path)
        raise ExpungeError(f"{spec} is neither a file nor a directory", "check the path")
    else:
        raise InputError(spec, "no such file or directory", "check the path")
    _check_images_dir(dataset, images_dir)
    return dataset


def _check_entry(path: str) -> None:
    reason = not_regular_reason(path)
    if reason is None and not os.access(path, os.R_OK):
        reason = "cannot be read (permission denied)"
    if reason is not None:
        raise ExpungeError(f"{path} {reason}", "point at a regular file or a directory")


def _check_images_dir(dataset: Dataset, images_dir: Path | None) -> None:
    if images_dir is None:
        return
    if not os.path.isdir(os.path.expanduser(images_dir)):
        raise ExpungeError(f"images directory {images_dir} is not a directory", "check the path")
    if not any(shard.format == "laion" for shard in dataset.shards):
        raise ExpungeError(
            "--images-dir gives pixels to LAION-style metadata, and this dataset has none",
            "leave out --images-dir; the dataset's own images are read",
        )


# ---- one file --------------------------------------------------------------------------------


def detect_image_format(path: str, image_field: str | None = None) -> str:
    """The image format of one file, by name, then by its first bytes and schema."""
    lower = os.path.basename(path).lower()
    if lower.endswith(_TAR_SUFFIXES):
        return "webdataset"
    if lower.endswith(_PARQUET_SUFFIXES):
        return _parquet_format(path, image_field)
    if lower.endswith(_ARROW_SUFFIXES):
        return _arrow_format(path, image_field)
    if image_extension(lower):
        raise ExpungeError(
            f"{path} is one image, not a dataset", "point at the folder that holds it"
        )
    head = read_head(path, 1 << 12)
    if head.startswith(b"PAR1"):
        return _parquet_format(path, image_field)
    if head.startswith(_ARROW_MAGIC):
        return _arrow_format(path, image_field)
    if _is_tar_head(head) or _is_tar_head(_inflated(head)):
        return "webdataset"
    what = "is empty" if not head else "is not a WebDataset tar, Parquet or Arrow file"
    raise ExpungeError(f"cannot tell the format of {path}: it {what}", _FORMAT_FIX)


def _is_tar_head(head: bytes) -> bool:
    return head[_TAR_MAGIC_AT : _TAR_MAGIC_AT + 5] == b"ustar"


def _inflated(head: bytes) -> bytes:
    """The first bytes of a gzip or zstd head, inflated as far as they go."""
    try:
        if head.startswith(GZIP_MAGIC):
            return zlib.decompressobj(wbits=31).decompress(head, 1024)
        if head.startswith(ZSTD_MAGIC):
            return zstandard.ZstdDecompressor().decompressobj().decompress(head)[:1024]
    except (zlib.error, zstandard.ZstdError):
        pass
    return b""


def _parquet_format(path: str, image_field: str | None) -> str:
    from expunge.io.columnar import ARROW_ERRORS

    from .read_columnar import parquet_schema

    try:
        schema = parquet_schema(path)
    except ARROW_ERRORS as exc:
        raise InputError(path, f"not a readable Parquet file: {exc}".splitlines()[0]) from None
    return _schema_format(path, schema, image_field, "image-parquet", laion=True)


def _arrow_format(path: str, image_field: str | None) -> str:
    from expunge.io.columnar import ARROW_ERRORS

    from .read_columnar import arrow_schema

    try:
        schema = arrow_schema(path)
    except ARROW_ERRORS as exc:
        raise InputError(path, f"not a readable Arrow file: {exc}".splitlines()[0]) from None
    return _schema_format(path, schema, image_field, "image-hf", laion=False)


def _schema_format(
    path: str, schema: pa.Schema, image_field: str | None, pixels_format: str, *, laion: bool
) -> str:
    from .read_columnar import IMAGE_FIELD_FIX, image_column, url_column

    try:
        image = image_column(schema, image_field)
    except ValueError as exc:
        raise InputError(path, str(exc), IMAGE_FIELD_FIX) from None
    if image is not None:
        return pixels_format
    if laion and url_column(schema) is not None:
        return "laion"
    looked_for = (
        "no image column (a struct with binary 'bytes', as Hugging Face stores images, or a "
        "binary column named image/img/jpg/jpeg/png/webp)"
    )
    if laion:
        looked_for += " and no url / URL column (LAION-style metadata)"
    raise InputError(path, f"not an image dataset: it has {looked_for}", _NOT_IMAGES_FIX)


# ---- directories and globs -------------------------------------------------------------


def _walk(root: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=_unlistable):
        dirnames[:] = [name for name in dirnames if not name.startswith((".", "_"))]
        names = [name for name in filenames if not name.startswith((".", "_"))]
        if _HF_STATE in names and _HF_INFO in names:
            found.extend(_Candidate(path, "arrow") for path in hf_data_files(dirpath))
            dirnames[:] = []  # cache files below are not the dataset
            continue
        stems = {_stem(name) for name in names if name.lower().endswith(_TAR_SUFFIXES)}
        stems.update(dirnames)
        for name in names:
            kind = _kind_of_name(name)
            if kind is not None:
                beside = kind == "parquet" and _stem(name) in stems
                found.append(_Candidate(os.path.join(dirpath, name), kind, beside))
        if any(image_extension(name) for name in names):
            found.append(_Candidate(dirpath, "folder"))
    return found


def _kind_of_name(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(_TAR_SUFFIXES):
        return "tar"
    if lower.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    if lower.endswith(_ARROW_SUFFIXES):
        return "arrow"
    return None


def _stem(name: str) -> str:
    lower = name.lower()
    for suffix in (*_TAR_SUFFIXES, *_PARQUET_SUFFIXES):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _unlistable(error: OSError) -> None:
    raise ExpungeError(
        f"cannot list {error.filename}: {error.strerror or error}", "check its permissions"
    )


def _expand_glob(pattern: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for match in sorted(glob.glob(pattern, recursive=True)):
        if os.path.isdir(match):
            found.extend(_walk(match))
        else:
            kind = _kind_of_name(os.path.basename(match))
            if kind is not None:
                found.append(_Candidate(match, kind))
            elif image_extension(match):
                found.append(_Candidate(os.path.dirname(match) or ".", "folder"))
    return found


def _glob_root(pattern: str) -> str:
    """The directories before the first component with a wildcard."""
    fixed: list[str] = []
    for part in pattern.replace(os.sep, "/").split("/"):
        if _GLOB_CHARS.intersection(part):
            break
        fixed.append(part)
    if fixed == [""]:
        return "/"
    return "/".join(fixed) or "."


def _shards(
    candidates: list[_Candidate], root: str, format: str, image_field: str | None, spec: str
) -> tuple[Shard, ...]:
    chosen = _choose(candidates, format, spec)
    shards: dict[str, Shard] = {}
    for candidate in chosen:
        path = candidate.path
        if candidate.kind != "folder":
            _check_entry(path)
        fmt = format
        if fmt == "auto":
            fmt = (
                _KIND_FORMATS[candidate.kind][0]
                if candidate.kind in ("tar", "folder")
                else detect_image_format(path, image_field)
            )
        name = os.path.relpath(path, root).replace(os.sep, "/")
        shards[os.path.normpath(path)] = Shard(path, fmt, name)
    if not shards:
        raise ExpungeError(
            f"no image data in {spec}",
            "point at WebDataset tars, Parquet / Arrow files or folders of images",
        )
    return tuple(sorted(shards.values(), key=lambda shard: shard.name))


def _choose(candidates: list[_Candidate], format: str, spec: str) -> list[_Candidate]:
    """The candidates to read: those of the named format, or of the one kind present."""
    if format != "auto":
        return [c for c in candidates if format in _KIND_FORMATS[c.kind]]
    data = [c for c in candidates if not c.metadata_of]
    kinds = Counter(c.kind for c in data)
    if len(kinds) > 1:
        found = ", ".join(plural(count, _KIND_NOUNS[kind]) for kind, count in sorted(kinds.items()))
        raise ExpungeError(
            f"{spec} mixes {found}: which of them is the dataset?",
            f"{_FORMAT_FIX}, or name the files with a glob",
        )
    return data
