"""The image dataset formats, declared once: name, reader, what a shard of it is.

As in `expunge.io.registry`, readers are "module:function" strings imported on first use, so
a run over WebDataset tars never imports pyarrow. Every reader takes (shard, errors,
options) and yields ImageSamples numbered from 0 in shard order, bad rows included.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeAlias, cast

from expunge.errors import ErrorPolicy, ExpungeError
from expunge.records import Shard

from .samples import ImageSample


@dataclass(frozen=True, slots=True)
class ReadOptions:
    images_dir: Path | None = None  # laion: a local img2dataset download with the pixels
    image_field: str | None = None  # image-parquet / image-hf: the column holding images


ImageReader: TypeAlias = Callable[[Shard, ErrorPolicy, ReadOptions], Iterator[ImageSample]]


@dataclass(frozen=True, slots=True)
class ImageFormat:
    name: str  # what --format takes and Shard.format holds
    reader: str  # "module:function", imported on first use
    title: str  # the name in messages
    shard: Literal["file", "directory"]  # what a shard's path names
    pixels: bool  # the files hold the images (laion: only their URLs)
    # The `expunge.io` format whose rewriter drops this format's samples (same row numbers),
    # so forget can write a version without a person's photos; None: none yet.
    rewrite_as: str | None = None

    def read(
        self, shard: Shard, errors: ErrorPolicy, options: ReadOptions
    ) -> Iterator[ImageSample]:
        module, _, name = self.reader.partition(":")
        reader = cast(ImageReader, getattr(importlib.import_module(module), name))
        return reader(shard, errors, options)


_PACKAGE = "expunge.images"
_FORMATS = (
    ImageFormat(
        "webdataset",
        f"{_PACKAGE}.read_tar:read_webdataset",
        "WebDataset tar",
        "file",
        True,
        "webdataset",
    ),
    ImageFormat(
        "image-parquet",
        f"{_PACKAGE}.read_columnar:read_image_parquet",
        "Parquet with images",
        "file",
        True,
        "parquet",
    ),
    ImageFormat(
        "image-hf",
        f"{_PACKAGE}.read_columnar:read_image_hf",
        "Hugging Face Arrow",
        "file",
        True,
        "hf",
    ),
    ImageFormat(
        "laion",
        f"{_PACKAGE}.read_laion:read_laion",
        "LAION-style metadata",
        "file",
        False,
        "parquet",
    ),
    ImageFormat(
        "image-folder",
        f"{_PACKAGE}.read_folder:read_image_folder",
        "image folder",
        "directory",
        True,
    ),
)
IMAGE_FORMAT_TABLE: dict[str, ImageFormat] = {fmt.name: fmt for fmt in _FORMATS}
IMAGE_FORMATS: tuple[str, ...] = tuple(IMAGE_FORMAT_TABLE)


def image_format(name: str, label: str = "") -> ImageFormat:
    """The format of that name; an unknown name is the user's error, naming the choices."""
    fmt = IMAGE_FORMAT_TABLE.get(name)
    if fmt is None:
        where = f"{label}: " if label else ""
        raise ExpungeError(
            f"{where}unknown image dataset format {name!r}",
            f"use one of: {', '.join(IMAGE_FORMATS)}",
        )
    return fmt
