"""A plain folder tree of image files (format "image-folder").

One shard per directory that holds image files (.jpg .jpeg .png .webp .gif .bmp .tif .tiff,
any case); its samples are those files, not its subdirectories' (they are shards of their
own), sorted by name. Why per directory: removing a sample from a folder means a new
version without that file, and a directory is the unit a version can rebuild by linking
the other files, while jobs still spread over the directories of a large tree (img2dataset's
folder output has one per 10,000 images). A whole tree as one shard would make one job of
everything; a shard per file, millions of jobs.

A sample's key is its path relative to the dataset root. Sidecars with the same stem are
read when present, as img2dataset's folder output writes them: `STEM.txt` is the caption,
`STEM.json` the metadata (url, width, ...). Other files are passed over. An entry with an
image name that is not a readable regular file (a FIFO, a dangling symlink, a directory) is
a bad row, as is an image over the size limit or a sidecar that cannot be read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from expunge.errors import ErrorPolicy, InputError
from expunge.io.formats import not_regular_reason
from expunge.records import Location, Shard

from .read_formats import ReadOptions
from .read_sidecars import BadSample, decode_caption, parse_metadata
from .samples import (
    MAX_IMAGE_BYTES,
    MAX_SIDECAR_BYTES,
    ImageSample,
    image_extension,
    printable,
)


def folder_images(directory: str) -> list[str]:
    """Names of the image entries directly in `directory`, sorted: the shard's rows."""
    with os.scandir(directory) as entries:
        return sorted(
            entry.name
            for entry in entries
            if image_extension(entry.name) and not entry.name.startswith(".")
        )


def read_image_folder(
    shard: Shard, errors: ErrorPolicy, options: ReadOptions
) -> Iterator[ImageSample]:
    label = shard.label
    directory = shard.path
    try:
        names = folder_images(directory)
        present = set(os.listdir(directory))
    except FileNotFoundError:
        raise InputError(label, "no such directory", "check the path") from None
    except NotADirectoryError:
        raise InputError(label, "is not a directory", "check the path") from None
    except OSError as exc:
        raise InputError(
            label, f"cannot list: {exc.strerror or exc}", "check its permissions"
        ) from None
    prefix = "" if shard.name in ("", ".") else shard.name.rstrip("/") + "/"
    try:
        for row, name in enumerate(names):
            key = prefix + name
            try:
                sample = _sample(directory, name, present, Location(label, row), key)
            except BadSample as exc:
                errors.bad_row(label, f"sample {row} (key {printable(key)})", str(exc))
                continue
            yield sample
    finally:
        errors.rows_numbered = len(names)


def _sample(
    directory: str, name: str, present: set[str], location: Location, key: str
) -> ImageSample:
    """The sample of one image file; BadSample says why it cannot be one."""
    data = _read(os.path.join(directory, name), MAX_IMAGE_BYTES, "image")
    stem = name[: name.rfind(".")]
    caption = url = None
    meta: dict[str, object] = {}
    if stem + ".json" in present:
        text = _read(os.path.join(directory, stem + ".json"), MAX_SIDECAR_BYTES, "metadata")
        parsed = parse_metadata(text, printable(stem + ".json"))
        url, caption, meta = parsed.url, parsed.caption, parsed.meta
    if stem + ".txt" in present:
        text = _read(os.path.join(directory, stem + ".txt"), MAX_SIDECAR_BYTES, "caption")
        caption = decode_caption(text, printable(stem + ".txt"))
    return ImageSample(location, key, url, caption, data, meta)


def _read(path: str, limit: int, what: str) -> bytes:
    """The file's bytes (BadSample: why it cannot be part of a sample). stat comes first:
    opening a FIFO would block."""
    reason = not_regular_reason(path)
    shown = printable(os.path.basename(path))
    if reason is not None:
        raise BadSample(f"{what} {shown} {reason}")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise BadSample(f"{what} {shown} cannot be read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise BadSample(f"{what} {shown} is over the {limit >> 20} MB limit")
    return data
