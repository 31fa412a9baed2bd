"""Bounded, safe decoding of one image from bytes (dataset members, query photos).

Every problem is one `ImageDecodeError` whose message names the kind of problem, never
anything about the pixels, so it can go into a report line or an `--on-error skip` count.

What decoding promises:
- the pixel count is checked against `max_pixels` from the header, before any pixel is
  decoded, so a decompression bomb costs a header read;
- a truncated file is an error: Pillow's `LOAD_TRUNCATED_IMAGES` is never set, because a
  half-grey image hashes as some other picture;
- only the formats in `FORMATS` are opened (Pillow's rarer plugins never see dataset bytes);
- an animated image gives its first frame; EXIF orientation is applied; the result is RGB,
  transparent areas composited over white;
- a JPEG is decoded at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling, `Image.draft`) when
  both sides stay >= `reduce_to`: cheaper, and the PDQ hash barely moves
  (benchmarks/bench_images_hashing.py measures it).
"""

from __future__ import annotations

import io
import re
import struct
import zlib

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

# 64 megapixels: an 8000 x 8000 photo, past every common camera but the 100+ MP ones; the
# decoded RGB image then takes at most 192 MB (JPEGs far less: they decode reduced).
DEFAULT_MAX_PIXELS = 64_000_000
# Smallest side a JPEG is decoded at (when it is at least twice that). Measured on 300 JPEGs
# of 300-2000 px: the hash of a 256 draft decode is a median 2 bits (p90 6) from the hash of
# the full decode; 128 costs 4 (p90 10, max 36), 512 saves little time.
DEFAULT_REDUCE_TO = 256

# Pillow format names opened; everything else is "unsupported" or "not an image". (Multi-
# picture camera JPEGs open through JPEG and report "MPO".)
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "AVIF")

# Signatures of formats Pillow cannot or will not open here, for a better message.
_OTHER_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x00\x00\x00\x0cJXL ", "JPEG XL"),
    (b"\xff\x0a", "JPEG XL"),
    (b"%!PS", "PostScript"),
    (b"8BPS", "Photoshop"),
)
_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})
_WIDE_GREY_MODES = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N", "F"})
_POINT_PIXELS = re.compile(r"\((\d+) pixels\)")


class ImageDecodeError(ValueError):
    """One image that cannot be used: `str()` is a one-line reason without pixel content."""


def decode_image(
    data: bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    reduce_to: int | None = DEFAULT_REDUCE_TO,
) -> Image.Image:
    """Decode `data` into a loaded RGB image, or raise `ImageDecodeError`.

    `reduce_to`: JPEGs are decoded at the largest DCT reduction (1/2, 1/4, 1/8) that keeps
    both sides >= reduce_to; None decodes every format at full size. Other formats always
    decode at full size (bounded by `max_pixels`).
    """
    if not data:
        raise ImageDecodeError("empty file")
    image = _open(data, max_pixels)
    kind = image.format or "image"
    if reduce_to is not None and kind in ("JPEG", "MPO"):
        image.draft("RGB", (reduce_to, reduce_to))
    try:
        image.load()
    except Image.DecompressionBombError as error:
        raise ImageDecodeError(_bomb_reason(error, max_pixels)) from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error) as error:
        raise ImageDecodeError(_load_reason(kind, error)) from None
    except MemoryError:
        raise ImageDecodeError(f"corrupt {kind}: decoder ran out of memory") from None
    try:
        return _to_rgb(_upright(image))
    except (OSError, ValueError) as error:  # a mode Pillow cannot turn into RGB (LAB, ...)
        raise ImageDecodeError(f"unsupported colour mode {image.mode} ({kind})") from error


def _open(data: bytes, max_pixels: int) -> ImageFile.ImageFile:
    """Parse the header only, and refuse what must not be decoded."""
    try:
        image = Image.open(io.BytesIO(data), formats=_registered_formats())
    except Image.DecompressionBombError as error:
        raise ImageDecodeError(_bomb_reason(error, max_pixels)) from None
    except UnidentifiedImageError:
        raise ImageDecodeError(_unknown_reason(data)) from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error) as error:
        # The header itself is cut short or malformed.
        raise ImageDecodeError(_load_reason(_signature_name(data), error)) from None
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageDecodeError(f"corrupt {image.format}: empty size {width}x{height}")
    if width * height > max_pixels:
        raise ImageDecodeError(f"too many pixels ({width * height} > {max_pixels})")
    return image


def _registered_formats() -> list[str]:
    # AVIF needs Pillow >= 11.2; asking Image.open for an unknown format is a KeyError.
    Image.init()
    return [name for name in FORMATS if name in Image.OPEN]


def _bomb_reason(error: Exception, max_pixels: int) -> str:
    # Pillow refused at its own, higher limit: its message carries the count.
    found = _POINT_PIXELS.search(str(error))
    count = found.group(1) if found else "?"
    return f"too many pixels ({count} > {max_pixels})"


def _load_reason(kind: str, error: BaseException) -> str:
    text = str(error).lower()
    if isinstance(error, EOFError) or "truncat" in text or "end of file" in text:
        return f"truncated {kind}"
    if isinstance(error, zlib.error):
        return f"corrupt {kind}: bad compressed data"
    first = str(error).splitlines()[0] if str(error) else type(error).__name__
    # Pillow messages sometimes carry object reprs ("<_io.BytesIO at 0x...>"): drop those.
    if "<" in first or len(first) > 80:
        first = type(error).__name__
    return f"corrupt {kind}: {first}"


def _signature_name(data: bytes) -> str:
    if data.startswith(b"\xff\xd8"):
        return "JPEG"
    if data.startswith(b"\x89PNG"):
        return "PNG"
    if data.startswith(b"GIF8"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    return "image"


def _unknown_reason(data: bytes) -> str:
    for signature, name in _OTHER_SIGNATURES:
        if data.startswith(signature):
            return f"unsupported image format ({name})"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "unsupported image format (HEIF)"
    head = data[:256].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "unsupported image format (SVG)"
    name = _signature_name(data)
    if name != "image":
        # Right magic bytes, but Pillow could not even parse the header.
        return f"truncated {name}" if len(data) < 64 else f"corrupt {name} header"
    return "not an image"


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation tag; unreadable EXIF leaves the image as it is."""
    try:
        orientation = image.getexif().get(0x0112, 1)
    except (OSError, SyntaxError, ValueError, struct.error, KeyError, TypeError):
        return image
    if orientation not in (2, 3, 4, 5, 6, 7, 8):
        return image
    try:
        return ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, struct.error, KeyError, TypeError):
        return image


def _to_rgb(image: Image.Image) -> Image.Image:
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in _WIDE_GREY_MODES:
        image = _grey_to_8bit(image)
        mode = image.mode
    if mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode in _ALPHA_MODES:
        # Composite over white, as a page shows it: the colour under fully transparent pixels
        # is arbitrary and would otherwise decide the hash.
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


def _grey_to_8bit(image: Image.Image) -> Image.Image:
    """16-bit / 32-bit / float greyscale: scale into 0..255 (convert() would clip)."""
    import numpy as np

    values = np.nan_to_num(np.asarray(image, dtype=np.float64))
    if image.mode.startswith("I;16"):
        scaled = values / 257.0
    else:
        low, high = float(values.min()), float(values.max())
        scaled = (values - low) * (255.0 / (high - low)) if high > low else values * 0.0
    return Image.fromarray(np.clip(scaled + 0.5, 0, 255).astype(np.uint8))
