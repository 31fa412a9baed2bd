"""Test images for the image benchmarks: shipped free photos, generated pictures, edits.

Photos: the scikit-image sample images that ship inside the package (`skimage.data`), each
public domain or CC0 by its docstring (astronaut, rocket, hubble_deep_field, text: public
domain; camera, coffee, chelsea, retina, brick, grass, gravel, cell, microaneurysms: CC0;
coins, immunohistochemistry: "no known copyright restrictions"). Nothing is downloaded.
Generated: gradients, smooth noise textures and random shapes drawn with numpy and Pillow,
the same bytes for the same seed.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont

PHOTO_NAMES = (
    "astronaut",
    "camera",
    "coffee",
    "chelsea",
    "rocket",
    "hubble_deep_field",
    "retina",
    "coins",
    "text",
    "immunohistochemistry",
    "cell",
    "microaneurysms",
    "brick",
    "grass",
    "gravel",
)


def shipped_photos() -> dict[str, Image.Image]:
    """The free photos that ship in scikit-image, as RGB images."""
    from skimage import data

    photos = {}
    for name in PHOTO_NAMES:
        pixels = np.asarray(getattr(data, name)())
        if pixels.dtype != np.uint8:
            pixels = (pixels / max(1, pixels.max()) * 255).astype(np.uint8)
        image = Image.fromarray(pixels)
        photos[name] = image.convert("RGB")
    return photos


def _colour(rng: np.random.Generator) -> tuple[int, int, int]:
    r, g, b = (int(v) for v in rng.integers(0, 256, 3))
    return r, g, b


def smooth_noise(rng: np.random.Generator, size: tuple[int, int], cells: int) -> np.ndarray:
    """Noise in [0, 1] with about `cells` blobs across: low-res noise upsampled smoothly."""
    w, h = size
    small = rng.random((max(2, cells * h // max(w, h)), max(2, cells * w // max(w, h))))
    grid = Image.fromarray((small * 255).astype(np.uint8)).resize((w, h), Image.Resampling.BICUBIC)
    return np.asarray(grid, dtype=np.float32) / 255.0


def generated_image(rng: np.random.Generator, size: tuple[int, int]) -> Image.Image:
    """A random picture: gradient + smooth texture + shapes + grain."""
    w, h = size
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = (xs * np.cos(angle) + ys * np.sin(angle)) / max(w, h)
    ramp = (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
    c1, c2 = np.array(_colour(rng), np.float32), np.array(_colour(rng), np.float32)
    base = c1 + ramp[:, :, None] * (c2 - c1)
    texture = smooth_noise(rng, size, int(rng.integers(3, 40)))
    base += (texture[:, :, None] - 0.5) * rng.uniform(20, 140) * rng.uniform(0.3, 1.0, 3)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image, "RGBA")
    for _ in range(int(rng.integers(3, 14))):
        x0, y0 = rng.uniform(-0.1, 1.0) * w, rng.uniform(-0.1, 1.0) * h
        x1, y1 = x0 + rng.uniform(0.05, 0.6) * w, y0 + rng.uniform(0.05, 0.6) * h
        fill = (*_colour(rng), int(rng.integers(120, 256)))
        kind = rng.integers(0, 4)
        if kind == 0:
            draw.ellipse((x0, y0, x1, y1), fill=fill)
        elif kind == 1:
            draw.rectangle((x0, y0, x1, y1), fill=fill)
        elif kind == 2:
            points = [(float(rng.uniform(0, w)), float(rng.uniform(0, h))) for _ in range(3)]
            draw.polygon(points, fill=fill)
        else:
            draw.line((x0, y0, x1, y1), fill=fill, width=int(rng.integers(2, max(3, w // 20))))
    grain = rng.normal(0, rng.uniform(0, 8), (h, w, 1))
    out = np.clip(np.asarray(image, np.float32) + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(out)


def photo_crop(rng: np.random.Generator, photo: Image.Image, size: tuple[int, int]) -> Image.Image:
    """A random crop of `photo` (20-100 % of its short side, any position), resized."""
    w, h = photo.size
    side = rng.uniform(0.2, 1.0) * min(w, h)
    aspect = rng.uniform(0.7, 1.4)
    cw, ch = min(w, side * aspect), min(h, side / aspect)
    x0, y0 = rng.uniform(0, w - cw), rng.uniform(0, h - ch)
    crop = photo.crop((int(x0), int(y0), int(x0 + cw), int(y0 + ch)))
    if rng.random() < 0.5:
        crop = crop.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    crop = ImageEnhance.Brightness(crop).enhance(rng.uniform(0.7, 1.3))
    return crop.resize(size, Image.Resampling.BILINEAR)


def jpeg_bytes(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


# --- the edits whose survival is measured -------------------------------------------------

Edit = Callable[[Image.Image], Image.Image]


def _resize(factor: float) -> Edit:
    def edit(image: Image.Image) -> Image.Image:
        w, h = image.size
        size = (max(1, round(w * factor)), max(1, round(h * factor)))
        return image.resize(size, Image.Resampling.LANCZOS)

    return edit


def _crop(fraction: float, centred: bool) -> Edit:
    def edit(image: Image.Image) -> Image.Image:
        w, h = image.size
        dx, dy = round(w * fraction), round(h * fraction)
        if centred:
            return image.crop((dx // 2, dy // 2, w - (dx - dx // 2), h - (dy - dy // 2)))
        return image.crop((0, 0, w - dx, h - dy))

    return edit


def _rotate(degrees: float) -> Edit:
    def edit(image: Image.Image) -> Image.Image:
        return image.rotate(degrees, Image.Resampling.BICUBIC, expand=False)

    return edit


def _enhance(kind: type[ImageEnhance._Enhance], factor: float) -> Edit:
    def edit(image: Image.Image) -> Image.Image:
        return kind(image).enhance(factor)

    return edit


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def watermark(image: Image.Image) -> Image.Image:
    """A stock-photo watermark: big semi-transparent text across the middle."""
    w, h = image.size
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = _font(max(10, w // 9))
    for row in range(3):
        draw.text(
            (w * 0.05, h * (0.15 + 0.3 * row)), "© STOCKPHOTO", font=font, fill=(255, 255, 255, 110)
        )
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")


def caption_bar(image: Image.Image) -> Image.Image:
    """A meme/news caption: an opaque black bar over the bottom 15 % with white text."""
    w, h = image.size
    out = image.copy()
    draw = ImageDraw.Draw(out)
    draw.rectangle((0, int(h * 0.85), w, h), fill=(0, 0, 0))
    draw.text(
        (w * 0.04, h * 0.87),
        "When the photo ends up in a dataset",
        font=_font(max(8, h // 18)),
        fill=(255, 255, 255),
    )
    return out


def caption_below(image: Image.Image) -> Image.Image:
    """A caption band of 20 % added under the picture (the canvas grows)."""
    w, h = image.size
    out = Image.new("RGB", (w, int(h * 1.2)), (255, 255, 255))
    out.paste(image, (0, 0))
    draw = ImageDraw.Draw(out)
    draw.text(
        (w * 0.04, h * 1.05),
        "Caption: a photo found online",
        font=_font(max(8, h // 18)),
        fill=(0, 0, 0),
    )
    return out


def screenshot(scale: float) -> Edit:
    """The picture inside a larger window: title bar, grey margins, the picture at 1/scale."""

    def edit(image: Image.Image) -> Image.Image:
        w, h = image.size
        cw, ch = int(w * scale), int(h * scale)
        canvas = Image.new("RGB", (cw, ch), (236, 236, 236))
        draw = ImageDraw.Draw(canvas)
        draw.rectangle((0, 0, cw, int(ch * 0.06)), fill=(60, 60, 70))
        draw.text((10, 4), "photo.jpg - Viewer", font=_font(max(8, ch // 40)), fill=(255, 255, 255))
        canvas.paste(image, ((cw - w) // 2, int(ch * 0.06) + (ch - int(ch * 0.06) - h) // 2))
        return canvas

    return edit


def _greyscale(image: Image.Image) -> Image.Image:
    return image.convert("L").convert("RGB")


def _transpose(kind: Image.Transpose) -> Edit:
    def edit(image: Image.Image) -> Image.Image:
        return image.transpose(kind)

    return edit


_T = Image.Transpose
_SAME: Edit = lambda image: image
# name -> (edit, JPEG quality the edited copy is stored at in the dataset)
EDITS: dict[str, tuple[Edit, int]] = {
    "none (JPEG q=90 copy)": (_SAME, 90),
    "JPEG q=95": (_SAME, 95),
    "JPEG q=75": (_SAME, 75),
    "JPEG q=50": (_SAME, 50),
    "JPEG q=30": (_SAME, 30),
    "resize 10 %": (_resize(0.10), 90),
    "resize 25 %": (_resize(0.25), 90),
    "resize 50 %": (_resize(0.50), 90),
    "resize 200 %": (_resize(2.0), 90),
    "resize 400 %": (_resize(4.0), 90),
    "resize 50 % + JPEG q=75": (_resize(0.5), 75),
    "crop 5 % (centred)": (_crop(0.05, True), 90),
    "crop 10 % (centred)": (_crop(0.10, True), 90),
    "crop 20 % (centred)": (_crop(0.20, True), 90),
    "crop 5 % (one corner)": (_crop(0.05, False), 90),
    "crop 10 % (one corner)": (_crop(0.10, False), 90),
    "crop 20 % (one corner)": (_crop(0.20, False), 90),
    "rotate 1°": (_rotate(1), 90),
    "rotate 2°": (_rotate(2), 90),
    "rotate 3°": (_rotate(3), 90),
    "rotate 5°": (_rotate(5), 90),
    "brightness -30 %": (_enhance(ImageEnhance.Brightness, 0.7), 90),
    "brightness +30 %": (_enhance(ImageEnhance.Brightness, 1.3), 90),
    "contrast -30 %": (_enhance(ImageEnhance.Contrast, 0.7), 90),
    "contrast +30 %": (_enhance(ImageEnhance.Contrast, 1.3), 90),
    "watermark text": (watermark, 90),
    "caption bar over bottom 15 %": (caption_bar, 90),
    "caption band added below (+20 %)": (caption_below, 90),
    "screenshot, picture 80 % of window": (screenshot(1.25), 90),
    "screenshot, picture 67 % of window": (screenshot(1.5), 90),
    "greyscale": (_greyscale, 90),
    "mirror": (_transpose(_T.FLIP_LEFT_RIGHT), 90),
    "rotate 90°": (_transpose(_T.ROTATE_270), 90),
    "rotate 180°": (_transpose(_T.ROTATE_180), 90),
    "rotate 270°": (_transpose(_T.ROTATE_90), 90),
    "mirror + rotate 90°": (_transpose(_T.TRANSVERSE), 90),
}
# The dihedral name each geometric edit should be found under (the rest: "original").
EXPECTED_VARIANT = {
    "mirror": "mirror",
    "rotate 90°": "rotate90",
    "rotate 180°": "rotate180",
    "rotate 270°": "rotate270",
    "mirror + rotate 90°": "mirror+rotate90",
}
