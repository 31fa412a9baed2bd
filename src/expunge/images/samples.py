"""ImageSample: one sample of an image-text dataset, as every image reader yields it.

Readers hand over the encoded image bytes untouched; decoding them (and refusing corrupt
images or decompression bombs) is `images/decode.py`'s job. The limits below bound what a
reader holds in memory for one sample: a member over its limit is a bad row, never read.
"""

from __future__ import annotations

from dataclasses import dataclass

from expunge.records import Location

MAX_IMAGE_BYTES = 64 << 20  # an encoded image larger than this is a bad row
MAX_SIDECAR_BYTES = 1 << 20  # a caption (.txt) or metadata (.json) member
MAX_META_STRING = 1024  # longer strings (EXIF dumps, ...) are left out of `meta`

# File name extensions (lower case, no dot) that hold an image in every layout read here.
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff"})


@dataclass(frozen=True, slots=True)
class ImageSample:
    """One sample: an image (when its pixels are in the dataset) with its caption and metadata.

    `location.row` is the 0-based sample index in its shard; bad rows take a row too, so rows
    are the same whatever the error policy. `data is None` when the dataset has no pixels
    for the sample (LAION metadata without a local download, a caption without an image, a
    null image cell); consumers count those.
    """

    location: Location  # shard label, sample index, byte offset when the layout has one
    key: str  # WebDataset key / row id / path relative to the dataset root: names the sample
    url: str | None  # source URL from the metadata
    caption: str | None  # caption text
    data: bytes | None  # the encoded image file; None when the pixels are not in the dataset
    meta: dict[str, object]  # other small metadata (json fields, width, height, ...)


def image_extension(name: str) -> bool:
    """Whether a file or member name ends in an image extension (any case)."""
    dot = name.rfind(".")
    return dot >= 0 and name[dot + 1 :].lower() in IMAGE_EXTENSIONS


def small_meta(
    values: dict[str, object], leave_out: frozenset[str] = frozenset()
) -> dict[str, object]:
    """The scalar values of a metadata mapping (numbers, booleans, short strings, nulls).

    Nested values and long strings are dropped: `meta` travels with every sample through
    executors and reports, and a json's EXIF dump or embedding would dominate it.
    """
    kept: dict[str, object] = {}
    for name, value in values.items():
        if name in leave_out:
            continue
        if isinstance(value, str):
            if len(value) <= MAX_META_STRING:
                kept[name] = value
        elif value is None or isinstance(value, bool | int | float):
            kept[name] = value
    return kept


def printable(name: str, limit: int = 120) -> str:
    """A key or member name as an error message may show it: one line, bounded length.

    Names come from the dataset (a tar member may be called anything, newlines included),
    and error messages must stay one line.
    """
    shown = name.encode("unicode_escape").decode("ascii") if not name.isprintable() else name
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."
