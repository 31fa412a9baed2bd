"""Image-text dataset readers: find the shards of an image dataset and stream its samples.

    dataset = open_image_dataset("laion-part/", images_dir=Path("download/"))
    for shard in dataset.shards:
        for sample in read_samples(shard, ErrorPolicy("skip"), images_dir=Path("download/")):
            ...  # sample.key, sample.url, sample.caption, sample.data (encoded bytes or None)

Formats (IMAGE_FORMATS): webdataset (tar shards as img2dataset writes them, also gzip /
zstd), image-parquet (Parquet with an image column, as Hugging Face stores `Image`),
image-hf (Hugging Face `save_to_disk` Arrow with an image column), laion (LAION-style URL
metadata; pixels from a local img2dataset download via `images_dir`), image-folder (a folder
tree of image files, one shard per directory). Detection: `read_discover`; what each
format's rows are: its `read_*` module. Conventions are the text readers' (`expunge.io`):
every sample's `location.row` is its index in the shard, bad rows included; a malformed
sample goes to `errors.bad_row` (stop raises one InputError naming file and sample, skip
records it); a missing shard is an InputError; an empty file has no samples.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from expunge.errors import ErrorPolicy
from expunge.io.read import shard_size
from expunge.records import Shard

from .read_discover import detect_image_format, open_image_dataset
from .read_formats import IMAGE_FORMATS, ReadOptions, image_format
from .samples import ImageSample

__all__ = [
    "IMAGE_FORMATS",
    "ImageSample",
    "detect_image_format",
    "open_image_dataset",
    "read_samples",
]


def read_samples(
    shard: Shard,
    errors: ErrorPolicy,
    images_dir: Path | None = None,
    *,
    image_field: str | None = None,
) -> Iterator[ImageSample]:
    """Yield the samples of one shard, streaming, in shard order.

    `images_dir` gives laion shards their pixels; `image_field` names the image column of
    image-parquet / image-hf shards (found by type when None).
    """
    fmt = image_format(shard.format, shard.label)
    if fmt.shard == "file" and shard_size(shard) == 0:  # missing / not regular: InputError
        return
    yield from fmt.read(shard, errors, ReadOptions(images_dir, image_field))
