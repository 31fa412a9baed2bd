"""Perceptual hashes of one image: PDQ to search, a second independent hash to confirm.

PDQ (Meta's photo hash; `pdqhash`, Python bindings of the reference C++) gives 256 bits and
a 0-100 quality score. Meta recommends a match threshold of Hamming distance <= 31 and
discarding hashes of quality <= 49 (ThreatExchange pdq/README.md). The second hash is
imagehash's dHash (64 bits: signs of the horizontal brightness steps of a 9 x 8 thumbnail):
gradients, not PDQ's DCT, so it is nearly independent of PDQ where it matters. Measured
(benchmarks/bench_images_hashing.py): among the PDQ-nearest pairs of 100,000 unrelated
images it agrees (<= 16) for 5 % of them where pHash, a DCT like PDQ, agrees for half;
and every claimed edit's match keeps a dHash distance <= 13.

Both hashes are computed from one greyscale WORK_SIZE x WORK_SIZE thumbnail, so a dataset
image and a query always reach PDQ at the same size (PDQ's result drifts with the size it
is given: its box-filter window depends on it). 128 is the measured choice: median 4 bits
from Meta's reference path (ordinary resize to 512, then PDQ), where 256 gave 10, and
PDQ's cost falls from ~8 ms at 512 to well under 1 ms.

Rotations and mirror images: a dataset copy that is the query rotated or mirrored is found
by hashing the query's 8 dihedral variants (`query_hashes`), not by storing 8 hashes per
dataset image. Each variant is the thumbnail itself transposed and hashed again (8 PDQs of
a 128 x 128 image: a few ms per query). PDQ's shortcut (sign flips of the DCT,
`pdqhash.compute_dihedral`) was measured 20-30 bits (median) away from the hash of the
really rotated image, and missed 10-40 % of them; the transposed thumbnail lands within 2.
The second hash of each variant comes from the same transposed thumbnail, so `confirm`
compares like with like.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import imagehash
import numpy as np
import pdqhash
from PIL import Image

from expunge.errors import ExpungeError

# Meta's recommended PDQ match threshold (Hamming distance, inclusive).
MATCH_THRESHOLD = 31
# Meta: discard hashes of quality <= 49 (featureless images: flat, blank, tiny, blurred).
MIN_QUALITY = 50
# dHash distance (of 64 bits) at or below which a PDQ match is confirmed. Measured: true
# matches after the claimed edits stay <= 13; 1 of 900 PDQ matches overall (a 2° rotation)
# went over 16; random unrelated pairs pass 0.15 %, the PDQ-nearest unrelated pairs 5 %.
SECOND_THRESHOLD = 16
# Side of the square greyscale thumbnail both hashes are computed from (see above).
WORK_SIZE = 128

PDQ_BYTES = 32
SECOND_BYTES = 8

# The dataset copy is the query after this edit. "rotate90" = turned 90 degrees clockwise;
# "mirror+rotate90" = mirrored left-right, then turned 90 degrees clockwise.
TRANSFORMS: tuple[str, ...] = (
    "original",
    "rotate90",
    "rotate180",
    "rotate270",
    "mirror",
    "mirror+rotate90",
    "mirror+rotate180",
    "mirror+rotate270",
)
TRANSFORM_LABELS: dict[str, str] = {
    "original": "as is",
    "rotate90": "turned 90° clockwise",
    "rotate180": "upside down (turned 180°)",
    "rotate270": "turned 90° counter-clockwise",
    "mirror": "mirrored left-right",
    "mirror+rotate90": "mirrored, then turned 90° clockwise",
    "mirror+rotate180": "flipped top to bottom",
    "mirror+rotate270": "mirrored, then turned 90° counter-clockwise",
}
_T = Image.Transpose
# Pillow's ROTATE_90 turns counter-clockwise; the names above count clockwise.
_TURNS = {"rotate90": _T.ROTATE_270, "rotate180": _T.ROTATE_180, "rotate270": _T.ROTATE_90}


@dataclass(frozen=True, slots=True)
class ImageHash:
    """PDQ hash (32 bytes), its quality (0-100) and the confirming dHash (8 bytes)."""

    pdq: bytes
    quality: int
    second: bytes


def hamming(a: bytes, b: bytes) -> int:
    """Number of differing bits between two hashes of equal length."""
    if len(a) != len(b):
        raise ValueError(f"hashes of different lengths ({len(a)} and {len(b)} bytes)")
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).bit_count()


def hash_image(img: Image.Image) -> ImageHash:
    """The hashes of `img` as it is (any mode, any size; RGB from decode_image is typical)."""
    return _hash_thumbnail(work_thumbnail(img))


def query_hashes(img: Image.Image, framings: bool = True) -> list[tuple[str, ImageHash]]:
    """The hashes of the query's 8 dihedral variants, named by `TRANSFORMS`, then (with
    `framings`, for a photo that is not square) of the square framings dataset tools give
    it (`FRAMINGS`), as is and mirrored: 'padded (white)', 'padded (white)+mirror', ...

    A dataset image whose PDQ is within MATCH_THRESHOLD of variant `name` is the query after
    that edit; confirm it with `confirm(that variant's hash, candidate)`.
    """
    thumb = work_thumbnail(img)
    hashes = [(name, _hash_thumbnail(transform(thumb, name))) for name in TRANSFORMS]
    if framings and not _nearly_square(img.size):
        for frame, make in FRAMINGS.items():
            framed = work_thumbnail(make(img))
            hashes.append((frame, _hash_thumbnail(framed)))
            hashes.append((f"{frame}+mirror", _hash_thumbnail(transform(framed, "mirror"))))
    return hashes


def _nearly_square(size: tuple[int, int]) -> bool:
    """Framing changes a picture within 5 % of square by less than a re-encode does."""
    return max(size) <= 1.05 * min(size)


def _padded(colour: int) -> Callable[[Image.Image], Image.Image]:
    def pad(img: Image.Image) -> Image.Image:
        side = max(img.size)
        canvas = Image.new(img.mode, (side, side), (colour,) * len(img.getbands()))  # type: ignore[arg-type]
        canvas.paste(img, ((side - img.width) // 2, (side - img.height) // 2))
        return canvas

    return pad


def _centre_square(img: Image.Image) -> Image.Image:
    side = min(img.size)
    left, top = (img.width - side) // 2, (img.height - side) // 2
    return img.crop((left, top, left + side, top + side))


# How image-text pipelines make a picture square, which a hash of the picture alone does not
# survive (BENCHMARKS.md §15): img2dataset's default `resize_mode="border"` (LAION-400M's
# downloads) pads the longer side's way with white, others pad with black, and
# `center_crop` (torchvision's CenterCrop, Keras' smart_resize) keeps the centre square.
# Squashing to a square ("fixed") needs no framing: the hash squashes anyway.
FRAMINGS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "padded (white)": _padded(255),
    "padded (black)": _padded(0),
    "centre square": _centre_square,
}


def query_variants(img: Image.Image) -> list[tuple[str, bytes]]:
    """The PDQ hashes of the query's 8 dihedral variants, for the index search."""
    return [(name, hashes.pdq) for name, hashes in query_hashes(img)]


def check_query(hashes: ImageHash) -> None:
    """Refuse a query photo whose PDQ hash would match at random (flat, blank, tiny)."""
    if hashes.quality < MIN_QUALITY:
        raise ExpungeError(
            f"the query photo has too little detail to search for (PDQ quality "
            f"{hashes.quality} < {MIN_QUALITY}: a flat, blank, very dark, blurred or tiny image)",
            "use a sharper, larger photo of the picture you are looking for",
        )


def confirm(query: ImageHash, candidate: ImageHash) -> bool:
    """Does the second hash agree with a PDQ match? `query` = the variant that matched."""
    return hamming(query.second, candidate.second) <= SECOND_THRESHOLD


def transform(img: Image.Image, name: str) -> Image.Image:
    """`img` after the dihedral edit `name` (one of TRANSFORMS)."""
    if name not in TRANSFORM_LABELS:
        raise ValueError(f"unknown transform {name!r}")
    mirrored, _, turn = name.partition("+") if name.startswith("mirror") else ("", "", name)
    out = img.transpose(_T.FLIP_LEFT_RIGHT) if mirrored else img
    return out.transpose(_TURNS[turn]) if turn in _TURNS else out


def work_thumbnail(img: Image.Image, size: int | None = None) -> Image.Image:
    """Greyscale (PDQ's luma weights, same as Pillow's "L"), squashed to size x size."""
    size = size or WORK_SIZE
    grey = img if img.mode == "L" else img.convert("L")
    if grey.size == (size, size):
        return grey
    # BILINEAR with Pillow's area-aware support is an antialiased shrink; reducing_gap
    # first box-reduces big images by an integer factor, which is much cheaper.
    return grey.resize((size, size), Image.Resampling.BILINEAR, reducing_gap=3.0)


def pdq_of_thumbnail(thumb: Image.Image) -> tuple[bytes, int]:
    """PDQ hash and quality of a greyscale thumbnail."""
    grey = np.asarray(thumb, dtype=np.uint8)
    # pdqhash takes RGB and computes the same luma weights: a zero-copy broadcast of the
    # grey channel gives back exactly the grey values.
    rgb = np.broadcast_to(grey[:, :, None], (*grey.shape, 3))
    bits, quality = pdqhash.compute(rgb)
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes(), int(quality)


def second_of_thumbnail(thumb: Image.Image) -> bytes:
    return _SECOND(thumb)


def _dhash_bytes(thumb: Image.Image) -> bytes:
    bits = imagehash.dhash(thumb, hash_size=8).hash
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes()


_SECOND: Callable[[Image.Image], bytes] = _dhash_bytes


def _hash_thumbnail(thumb: Image.Image) -> ImageHash:
    pdq, quality = pdq_of_thumbnail(thumb)
    return ImageHash(pdq=pdq, quality=quality, second=second_of_thumbnail(thumb))
