"""Safe decoding and perceptual hashing of images (issue 16 §1).

Photos: scikit-image's shipped samples (astronaut, rocket, hubble_deep_field: public domain;
coffee, chelsea, camera: CC0, per their docstrings); the rest are drawn here. The edits tested
as "found" are the ones benchmarks/bench_images_hashing.py measured at (near) 100 % recall.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageEnhance

from expunge.errors import ExpungeError
from expunge.images.decode import ImageDecodeError, decode_image
from expunge.images.hashing import (
    FRAMINGS,
    MATCH_THRESHOLD,
    TRANSFORM_LABELS,
    TRANSFORMS,
    ImageHash,
    check_query,
    confirm,
    hamming,
    hash_image,
    query_hashes,
    query_variants,
    transform,
)

skimage_data = pytest.importorskip("skimage.data")

PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "camera", "hubble_deep_field")


def _photo(name: str) -> Image.Image:
    return Image.fromarray(np.asarray(getattr(skimage_data, name)())).convert("RGB")


def _drawn(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A generated picture: a colour gradient, smooth texture and random shapes."""
    rng = np.random.default_rng(seed)
    w, h = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([xs / w * 255, ys / h * 255, np.full_like(xs, rng.uniform(0, 255))], axis=2)
    blobs = Image.fromarray((rng.random((6, 8)) * 255).astype(np.uint8)).resize(
        size, Image.Resampling.BICUBIC
    )
    base += (np.asarray(blobs, np.float32)[:, :, None] - 128) * 0.6
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
        box = (x0, y0, x0 + rng.uniform(30, w / 2), y0 + rng.uniform(30, h / 2))
        fill = tuple(int(v) for v in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=fill)
    return image


def _encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def sources() -> dict[str, Image.Image]:
    images = {name: _photo(name) for name in PHOTOS}
    images.update({f"drawn{seed}": _drawn(seed) for seed in (1, 2)})
    return images


@pytest.fixture(scope="module")
def queries(sources: dict[str, Image.Image]) -> dict[str, dict[str, ImageHash]]:
    """Each source as a query: lossless file, decoded, its 8 dihedral variants."""
    return {
        name: dict(query_hashes(decode_image(_encode(image, "PNG"))))
        for name, image in sources.items()
    }


def _as_dataset_copy(image: Image.Image, quality: int = 90) -> ImageHash:
    return hash_image(decode_image(_encode(image.convert("RGB"), quality=quality)))


def _resize(factor: float):  # type: ignore[no-untyped-def]
    def edit(image: Image.Image) -> Image.Image:
        w, h = image.size
        return image.resize((round(w * factor), round(h * factor)), Image.Resampling.LANCZOS)

    return edit


CLAIMED_EDITS = {
    "JPEG copy": lambda image: image,
    "resize 25 %": _resize(0.25),
    "resize 50 %": _resize(0.5),
    "resize 200 %": _resize(2.0),
    "brightness -30 %": lambda image: ImageEnhance.Brightness(image).enhance(0.7),
    "brightness +30 %": lambda image: ImageEnhance.Brightness(image).enhance(1.3),
    "contrast -30 %": lambda image: ImageEnhance.Contrast(image).enhance(0.7),
    "contrast +30 %": lambda image: ImageEnhance.Contrast(image).enhance(1.3),
    "greyscale": lambda image: image.convert("L"),
}


@pytest.mark.parametrize("edit", sorted(CLAIMED_EDITS))
def test_planted_image_found_after_claimed_edit(
    edit: str, sources: dict[str, Image.Image], queries: dict[str, dict[str, ImageHash]]
) -> None:
    for name, image in sources.items():
        copy = _as_dataset_copy(CLAIMED_EDITS[edit](image))
        query = queries[name]["original"]
        assert hamming(query.pdq, copy.pdq) <= MATCH_THRESHOLD, (name, edit)
        assert confirm(query, copy), (name, edit)


@pytest.mark.parametrize("quality", [30, 50, 75])
def test_planted_image_found_after_jpeg_reencode(
    quality: int, sources: dict[str, Image.Image], queries: dict[str, dict[str, ImageHash]]
) -> None:
    for name, image in sources.items():
        copy = _as_dataset_copy(image, quality)
        assert hamming(queries[name]["original"].pdq, copy.pdq) <= MATCH_THRESHOLD, name
        assert confirm(queries[name]["original"], copy), name


def test_every_dihedral_variant_found_under_its_name(
    sources: dict[str, Image.Image], queries: dict[str, dict[str, ImageHash]]
) -> None:
    for name in ("astronaut", "chelsea", "drawn1"):
        for edit in TRANSFORMS:
            copy = _as_dataset_copy(transform(sources[name], edit))
            distances = {v: hamming(h.pdq, copy.pdq) for v, h in queries[name].items()}
            best = min(distances, key=lambda v: distances[v])
            assert best == edit, (name, edit, distances)
            assert distances[edit] <= MATCH_THRESHOLD
            assert confirm(queries[name][edit], copy)
            if edit != "original":
                # Without the variants the rotated/mirrored copy would be missed.
                assert distances["original"] > MATCH_THRESHOLD, (name, edit)


def test_different_images_do_not_match(
    sources: dict[str, Image.Image], queries: dict[str, dict[str, ImageHash]]
) -> None:
    copies = {name: _as_dataset_copy(image) for name, image in sources.items()}
    for query_name, variants in queries.items():
        for copy_name, copy in copies.items():
            if copy_name == query_name:
                continue
            for variant, hashes in variants.items():
                distance = hamming(hashes.pdq, copy.pdq)
                assert distance > MATCH_THRESHOLD, (query_name, variant, copy_name, distance)


@pytest.mark.parametrize(
    "pixels",
    [
        np.full((300, 400, 3), 128),
        np.zeros((300, 400, 3)),
        np.full((300, 400, 3), 255),
        np.random.default_rng(0).integers(0, 5, (300, 400, 3)),  # nearly black
        np.random.default_rng(0).normal(128, 2, (300, 400, 3)),  # faint grain on grey
    ],
    ids=["grey", "black", "white", "near-black", "faint-grain"],
)
def test_flat_images_are_rejected_as_queries(pixels: np.ndarray) -> None:
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    hashes = hash_image(decode_image(_encode(image, "PNG")))
    with pytest.raises(ExpungeError, match="too little detail") as caught:
        check_query(hashes)
    assert hashes.pdq.hex() not in str(caught.value)  # never the query's hash


def test_a_real_photo_is_accepted_as_query(queries: dict[str, dict[str, ImageHash]]) -> None:
    for variants in queries.values():
        check_query(variants["original"])


def test_query_variants_are_named_and_sized(sources: dict[str, Image.Image]) -> None:
    variants = query_variants(sources["coffee"])  # 600 x 400: framed variants too
    framed = [f"{f}{m}" for f in FRAMINGS for m in ("", "+mirror")]
    assert [name for name, _ in variants] == [*TRANSFORMS, *framed]
    assert all(len(pdq) == 32 for _, pdq in variants)
    assert set(TRANSFORM_LABELS) == set(TRANSFORMS)
    # white and black bands can give the same PDQ: the pair is told apart by its dHash
    assert len({pdq for _, pdq in variants}) >= 12
    square = sources["coffee"].crop((0, 0, 400, 400))  # a square photo has nothing to frame
    assert [name for name, _ in query_variants(square)] == list(TRANSFORMS)


def test_square_framings_of_a_pipeline_are_found(sources: dict[str, Image.Image]) -> None:
    """img2dataset's default (white bands to a square), black bands, a centre square: each
    missed by the 8 dihedral variants, found by the framed ones, confirmed (BENCHMARKS §15)."""
    photo = sources["coffee"]  # 600 x 400
    side = 256
    small = photo.resize((side, side * 2 // 3))
    copies = {}
    for colour in (255, 0):
        canvas = Image.new("RGB", (side, side), (colour,) * 3)
        canvas.paste(small, (0, (side - small.height) // 2))
        copies[f"padded ({'white' if colour else 'black'})"] = canvas
    copies["centre square"] = photo.crop((100, 0, 500, 400)).resize((224, 224))
    variants = query_hashes(decode_image(_encode(photo, "PNG")))
    for expected, copy in copies.items():
        candidate = hash_image(decode_image(_encode(copy, "JPEG")))
        distance = {name: hamming(h.pdq, candidate.pdq) for name, h in variants}
        assert distance[expected] <= MATCH_THRESHOLD, (expected, distance[expected])
        assert confirm(dict(variants)[expected], candidate), expected
        assert min(distance[t] for t in TRANSFORMS) > MATCH_THRESHOLD  # missed without framing


def test_hash_is_deterministic_and_picklable(sources: dict[str, Image.Image]) -> None:
    first, second = hash_image(sources["rocket"]), hash_image(sources["rocket"].copy())
    assert first == second
    assert len(first.pdq) == 32 and len(first.second) == 8 and 0 <= first.quality <= 100
    assert pickle.loads(pickle.dumps(first)) == first
    with pytest.raises(AttributeError):
        first.quality = 3  # type: ignore[misc]


def test_confirm_rejects_a_disagreeing_second_hash(
    queries: dict[str, dict[str, ImageHash]],
) -> None:
    query = queries["astronaut"]["original"]
    other = queries["coffee"]["original"]
    forged = ImageHash(pdq=query.pdq, quality=query.quality, second=other.second)
    assert hamming(query.second, other.second) > 16
    assert not confirm(query, forged)


def test_hamming() -> None:
    assert hamming(b"\x00" * 32, b"\xff" * 32) == 256
    assert hamming(b"\x0f\x01", b"\x00\x00") == 5
    with pytest.raises(ValueError, match="different lengths"):
        hamming(b"\x00", b"\x00\x00")


def test_transform_rejects_unknown_name() -> None:
    with pytest.raises(ValueError, match="unknown transform"):
        transform(Image.new("L", (4, 4)), "rotate45")


# --- decoding ------------------------------------------------------------------------------


def _png_claiming(width: int, height: int) -> bytes:
    """A valid PNG header (signature, IHDR with CRC) claiming width x height, a token IDAT."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def photo_jpeg() -> bytes:
    return _encode(_photo("astronaut"), quality=90)


def _reason(data: bytes, **options: int) -> str:
    with pytest.raises(ImageDecodeError) as caught:
        decode_image(data, **options)  # type: ignore[arg-type]
    reason = str(caught.value)
    assert "\n" not in reason and len(reason) < 120
    assert isinstance(caught.value, ValueError)
    return reason


def test_truncated_jpeg_is_rejected(photo_jpeg: bytes) -> None:
    assert _reason(photo_jpeg[: len(photo_jpeg) // 2]) == "truncated JPEG"
    assert _reason(photo_jpeg[:-2]) == "truncated JPEG"  # only the end marker missing
    assert _reason(photo_jpeg[:300]) == "truncated JPEG"
    progressive = _encode(_photo("coffee"), quality=85, progressive=True)
    assert _reason(progressive[: len(progressive) * 2 // 3]) == "truncated JPEG"


def test_truncated_png_is_rejected() -> None:
    png = _encode(_photo("chelsea"), "PNG")
    assert _reason(png[: len(png) // 2]) == "truncated PNG"
    assert _reason(png[:40]) == "truncated PNG"


def test_decompression_bomb_is_rejected_before_decoding() -> None:
    # Past Pillow's own hard limit: refused while the header is parsed.
    assert _reason(_png_claiming(100_000, 100_000)) == ("too many pixels (10000000000 > 64000000)")
    # Under Pillow's limit, over ours: refused from the header, before any pixel is read.
    with pytest.warns(Image.DecompressionBombWarning):
        assert _reason(_png_claiming(10_000, 9_000)) == "too many pixels (90000000 > 64000000)"
    small = _encode(Image.new("RGB", (100, 100), (9, 9, 9)), "PNG")
    assert _reason(small, max_pixels=5_000) == "too many pixels (10000 > 5000)"


def test_non_images_are_rejected() -> None:
    assert _reason(b"") == "empty file"
    assert _reason(b"id,name\n1,Jane Doe\n" * 20) == "not an image"  # text named photo.jpg
    assert _reason(b"%PDF-1.7\n" + b"0" * 100) == "unsupported image format (PDF)"
    assert _reason(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>") == (
        "unsupported image format (SVG)"
    )


def test_jpeg_decodes_reduced_when_large() -> None:
    big = _encode(_drawn(3, (1200, 900)), quality=90)
    assert decode_image(big).size == (600, 450)  # 1/2: both sides stay >= 256
    assert decode_image(big, reduce_to=None).size == (1200, 900)
    assert decode_image(big, reduce_to=200).size == (300, 225)  # 1/4
    assert decode_image(big, reduce_to=100).size == (150, 113)  # 1/8, rounded up
    reduced, full = hash_image(decode_image(big)), hash_image(decode_image(big, reduce_to=None))
    assert hamming(reduced.pdq, full.pdq) <= 8


def test_exif_orientation_is_applied() -> None:
    upright = Image.new("RGB", (60, 40), (220, 20, 20))
    upright.paste((20, 20, 220), (30, 0, 60, 40))  # left red, right blue
    # Orientation 6: the stored pixels must be turned 90 degrees clockwise to display.
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    decoded = decode_image(_encode(stored, quality=95, exif=exif.tobytes()))
    assert decoded.size == (60, 40)
    left, right = decoded.getpixel((5, 20)), decoded.getpixel((55, 20))
    assert isinstance(left, tuple) and isinstance(right, tuple)
    assert left[0] > 150 > left[2] and right[2] > 150 > right[0]


def test_animated_image_gives_first_frame_in_rgb() -> None:
    frames = [Image.new("RGB", (32, 32), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    decoded = decode_image(buffer.getvalue())
    assert decoded.mode == "RGB" and decoded.getpixel((16, 16)) == (255, 0, 0)


def test_transparency_is_composited_over_white() -> None:
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    image.paste((0, 128, 0, 255), (0, 0, 10, 20))
    decoded = decode_image(_encode(image, "PNG"))
    assert decoded.mode == "RGB"
    assert decoded.getpixel((15, 10)) == (255, 255, 255)
    assert decoded.getpixel((5, 10)) == (0, 128, 0)


def test_sixteen_bit_greyscale_is_scaled_not_clipped() -> None:
    ramp = (np.arange(256, dtype=np.uint16) * 257)[None, :].repeat(8, axis=0)
    decoded = decode_image(_encode(Image.fromarray(ramp), "PNG"))
    values = np.asarray(decoded)[0, :, 0]
    assert values[0] == 0 and values[128] == 128 and values[255] == 255


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF", "BMP", "TIFF"])
def test_other_formats_decode(fmt: str) -> None:
    image = _drawn(4, (200, 150))
    decoded = decode_image(_encode(image, fmt))
    assert decoded.mode == "RGB" and decoded.size == (200, 150)
