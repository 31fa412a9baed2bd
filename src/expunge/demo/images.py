"""A small image-text dataset for `expunge images`: WebDataset tars as img2dataset writes them,
with a fictional person's photos planted under everyday edits, and the query photos.

    OUT/images/dataset/00000.tar, 00001.tar   KEY.jpg + KEY.txt (caption) + KEY.json (url, ...)
    OUT/images/queries/me-1.jpg, me-2.jpg      the person's own photos (the query)
    OUT/images/truth.json                      which keys hold which photo, after which edit,
                                               and whether a perceptual hash finds it

The pictures are drawn (gradients, shapes, texture), not photographs of anyone: what the demo
shows is finding a photo again after it was resized, re-encoded, mirrored or captioned.
"""

from __future__ import annotations

import io
import json
import random
import tarfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

IMAGES_DIR = "images"
SAMPLES_PER_SHARD = 120
SHARDS = 2

Edit = Callable[[Image.Image], Image.Image]


def drawn_picture(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A textured picture that only this seed draws: a gradient, shapes, then blur and grain,
    so it has the detail a perceptual hash needs (a flat image is refused as a query)."""
    rng = random.Random(seed)
    width, height = size
    x = np.linspace(0.0, 1.0, width)[None, :, None]
    y = np.linspace(0.0, 1.0, height)[:, None, None]
    start = np.array([rng.randrange(256) for _ in range(3)], dtype=float)
    end = np.array([rng.randrange(256) for _ in range(3)], dtype=float)
    angle = rng.random()
    base = start + (end - start) * (angle * x + (1 - angle) * y)
    image = Image.fromarray(base.astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(6, 12)):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(20, width // 2), y0 + rng.randrange(20, height // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(1.5))
    grain = np.random.default_rng(seed).normal(0, 6, (height, width, 3))
    pixels = np.clip(np.asarray(image, dtype=float) + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


def _caption_bar(image: Image.Image) -> Image.Image:
    out = image.copy()
    draw = ImageDraw.Draw(out)
    draw.rectangle((0, out.height - 28, out.width, out.height), fill=(0, 0, 0))
    draw.text((8, out.height - 22), "summer 2019 #throwback", fill=(255, 255, 255))
    return out


def _crop(image: Image.Image, share: float) -> Image.Image:
    dx, dy = int(image.width * share / 2), int(image.height * share / 2)
    return image.crop((dx, dy, image.width - dx, image.height - dy))


def _brighter_grey(image: Image.Image) -> Image.Image:
    return ImageOps.grayscale(image.point(lambda v: min(255, int(v * 1.25)))).convert("RGB")


def _img2dataset_border(image: Image.Image) -> Image.Image:
    """img2dataset's default resize_mode: longer side to 256, white bands to a square."""
    scale = 256 / max(image.size)
    small = image.resize((round(image.width * scale), round(image.height * scale)))
    square = Image.new("RGB", (256, 256), (255, 255, 255))
    square.paste(small, ((256 - small.width) // 2, (256 - small.height) // 2))
    return square


def _centre_square(image: Image.Image) -> Image.Image:
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    return image.crop((left, top, left + side, top + side)).resize((224, 224))


# The person's photos as they reached the crawl: (photo, edit name, edit, found by the hash).
# The last two are edits a perceptual hash does not survive (README: what it cannot find).
PLANTED: tuple[tuple[int, str, Edit, bool], ...] = (
    (1, "half size, JPEG q=60", lambda im: im.resize((im.width // 2, im.height // 2)), True),
    (1, "mirrored", ImageOps.mirror, True),
    (2, "brighter, greyscale", _brighter_grey, True),
    (2, "turned a quarter", lambda im: im.transpose(Image.Transpose.ROTATE_90), True),
    (1, "made square with white bands (img2dataset's default)", _img2dataset_border, True),
    (2, "centre square, 224 px", _centre_square, True),
    (2, "caption bar", _caption_bar, False),
    (1, "cropped 10%", lambda im: _crop(im, 0.10), False),
)
PERSON_SEEDS = {1: 901, 2: 902}  # photo number -> drawing seed


def _jpeg(image: Image.Image, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), 0, 0o644
    tar.addfile(info, io.BytesIO(data))


def write_demo_images(out: Path, seed: int = 0) -> Path:
    """Write the demo image dataset under `out/images`; returns that directory."""
    root = out / IMAGES_DIR
    (root / "dataset").mkdir(parents=True, exist_ok=True)
    (root / "queries").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    total = SHARDS * SAMPLES_PER_SHARD
    planted_at = dict(zip(rng.sample(range(total), len(PLANTED)), PLANTED, strict=True))
    truth = []
    for shard in range(SHARDS):
        with tarfile.open(
            root / "dataset" / f"{shard:05d}.tar", "w", format=tarfile.USTAR_FORMAT
        ) as tar:
            for row in range(SAMPLES_PER_SHARD):
                number = shard * SAMPLES_PER_SHARD + row
                key = f"{shard:05d}{row:04d}"
                if number in planted_at:
                    photo, edit_name, edit, findable = planted_at[number]
                    image = edit(drawn_picture(PERSON_SEEDS[photo]))
                    data = _jpeg(image, 60 if "q=60" in edit_name else 85)
                    caption = "a day out with friends"
                    url = f"https://photos.example-social.net/u/amalia/{key}.jpg"
                    truth.append({"shard": f"{shard:05d}.tar", "row": row, "key": key,
                                  "photo": f"me-{photo}.jpg", "edit": edit_name,
                                  "hash_finds": findable})  # fmt: skip
                else:
                    image = drawn_picture(10_000 + number, (rng.choice((320, 256, 400)), 240))
                    data, caption = _jpeg(image), f"stock picture {number}"
                    url = f"https://cdn.example-images.com/{number}.jpg"
                meta = {"url": url, "key": key, "width": image.width, "height": image.height,
                        "status": "success"}  # fmt: skip
                _add(tar, f"{key}.jpg", data)
                _add(tar, f"{key}.txt", caption.encode())
                _add(tar, f"{key}.json", json.dumps(meta).encode())
    for photo, picture_seed in PERSON_SEEDS.items():
        (root / "queries" / f"me-{photo}.jpg").write_bytes(_jpeg(drawn_picture(picture_seed), 95))
    (root / "truth.json").write_text(json.dumps(truth, indent=1) + "\n", "utf-8")
    return root
