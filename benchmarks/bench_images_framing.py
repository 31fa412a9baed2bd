"""Square framings: are a person's photos found after a pipeline made them square, and at what
cost in false matches?

    python benchmarks/bench_images_framing.py --unrelated 20000 --out bench-data/images-framing

img2dataset's default (`resize_mode="border"`, image_size 256: LAION-400M's downloads) scales
the longer side to 256 and pads the rest with white; other pipelines pad with black;
`center_crop` keeps the centre square; `keep_ratio` only scales. Sources: the 15 photos that
ship in scikit-image and 25 generated pictures, each cut to a non-square aspect (4:3, 3:4,
16:9, 3:2 or 2:3 in turn). Each source goes through each pipeline (JPEG q=95, as img2dataset
encodes) and is hashed like a dataset image; the query is the source as the person has it.
Recall at the default threshold with the confirming hash, for the 8 dihedral variants alone
and with the framing variants (`hashing.FRAMINGS`). False matches: `--unrelated` pictures of
random aspect (0.5-2), half padded white to a square, a quarter padded black, a quarter
centre-cropped (what a framed dataset holds), each query's every variant against all of them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import numpy as np
from _image_corpus import generated_image, jpeg_bytes, photo_crop, shipped_photos
from _machine import machine_info
from bench_images_hashing import robustness_sources
from PIL import Image

from expunge.images.decode import decode_image
from expunge.images.hashing import (
    FRAMINGS,
    MATCH_THRESHOLD,
    SECOND_THRESHOLD,
    TRANSFORMS,
    hamming,
    hash_image,
    query_hashes,
)

PACKAGES = ("pillow", "pdqhash", "imagehash", "numpy", "scikit-image")
ASPECTS = (4 / 3, 3 / 4, 16 / 9, 3 / 2, 2 / 3)
SIDE = 256


def _cut(image: Image.Image, aspect: float) -> Image.Image:
    """The largest centred part of `image` with width / height = aspect."""
    w, h = image.size
    if w / h > aspect:
        nw = int(h * aspect)
        return image.crop(((w - nw) // 2, 0, (w - nw) // 2 + nw, h))
    nh = int(w / aspect)
    return image.crop((0, (h - nh) // 2, w, (h - nh) // 2 + nh))


def _longest(image: Image.Image, side: int) -> Image.Image:
    scale = side / max(image.size)
    return image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                        Image.Resampling.LANCZOS)  # fmt: skip


def _shortest(image: Image.Image, side: int) -> Image.Image:
    scale = side / min(image.size)
    return image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                        Image.Resampling.LANCZOS)  # fmt: skip


def _border(colour: int) -> Callable[[Image.Image], Image.Image]:
    def edit(image: Image.Image) -> Image.Image:
        small = _longest(image, SIDE)
        canvas = Image.new("RGB", (SIDE, SIDE), (colour,) * 3)
        canvas.paste(small, ((SIDE - small.width) // 2, (SIDE - small.height) // 2))
        return canvas

    return edit


def _center_crop(image: Image.Image) -> Image.Image:
    small = _shortest(image, SIDE)
    left, top = (small.width - SIDE) // 2, (small.height - SIDE) // 2
    return small.crop((left, top, left + SIDE, top + SIDE))


PIPELINES: dict[str, Callable[[Image.Image], Image.Image]] = {
    "img2dataset border (white pad, the default)": _border(255),
    "border, black pad": _border(0),
    "img2dataset center_crop": _center_crop,
    "img2dataset keep_ratio": lambda image: _shortest(image, SIDE),
    "border + mirror": lambda image: _border(255)(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)),
}


def _matches(variants: list[tuple[str, Any]], candidate: Any, names: set[str]) -> tuple[int, str]:
    """Best PDQ distance over the allowed variants whose second hash confirms (else the best
    distance with 999 added), and that variant."""
    best, which = 10_000, ""
    for name, h in variants:
        if name not in names:
            continue
        d = hamming(h.pdq, candidate.pdq)
        if hamming(h.second, candidate.second) > SECOND_THRESHOLD:
            d += 999
        if d < best:
            best, which = d, name
    return best, which


def recall(sources: dict[str, Image.Image]) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    queries = {}
    framed_sources = {}
    for n, (name, image) in enumerate(sources.items()):
        cut = _cut(image, ASPECTS[n % len(ASPECTS)])
        framed_sources[name] = cut
        queries[name] = query_hashes(decode_image(jpeg_bytes(cut, 95)))
    dihedral = set(TRANSFORMS)
    every = {name for v in queries.values() for name, _ in v}
    for pipeline, make in PIPELINES.items():
        old = new = 0
        via: dict[str, int] = {}
        for name, cut in framed_sources.items():
            candidate = hash_image(decode_image(jpeg_bytes(make(cut), 95)))
            d_old, _ = _matches(queries[name], candidate, dihedral)
            d_new, variant = _matches(queries[name], candidate, every)
            old += d_old <= MATCH_THRESHOLD
            new += d_new <= MATCH_THRESHOLD
            if d_new <= MATCH_THRESHOLD:
                via[variant] = via.get(variant, 0) + 1
        rows[pipeline] = {"dihedral_only": old, "with_framings": new, "sources": len(sources),
                          "matched_as": via}  # fmt: skip
    return {"rows": rows, "queries": queries}


def _unrelated_chunk(args: tuple[int, int, int]) -> list[tuple[int, bytes, bytes]]:
    """(source photo index or -1 for a generated picture, PDQ, dHash) of framed pictures."""
    first, count, seed = args
    rng = np.random.default_rng(seed + first)
    photos = list(shipped_photos().values())
    framers = [_border(255), _border(255), _border(0), _center_crop]
    out = []
    for n in range(first, first + count):
        aspect = float(np.exp(rng.uniform(np.log(0.5), np.log(2.0))))
        size = (int(400 * min(1, aspect)), int(400 * min(1, 1 / aspect)))
        source = -1
        if n % 2:
            small = (max(32, size[0] // 4), max(32, size[1] // 4))
            image = generated_image(rng, small).resize(size)
        else:
            source = n // 2 % len(photos)
            image = photo_crop(rng, photos[source], size)
        framed = framers[n % 4](image)
        h = hash_image(decode_image(jpeg_bytes(framed, 90)))
        out.append((source, h.pdq, h.second))
    return out


def false_matches(queries: dict[str, Any], count: int, workers: int) -> dict[str, Any]:
    step = 500
    chunks = [(first, min(step, count - first), 31) for first in range(0, count, step)]
    with Pool(workers) as pool:
        hashed = [h for part in pool.map(_unrelated_chunk, chunks) for h in part]
    source = np.array([r for r, _, _ in hashed])
    pdq = np.frombuffer(b"".join(p for _, p, _ in hashed), np.uint8).reshape(-1, 32)
    second = np.frombuffer(b"".join(s for _, _, s in hashed), np.uint8).reshape(-1, 8)
    found = {"dihedral": [0, 0], "framings": [0, 0]}  # [PDQ <= 31, and confirmed]
    nearest = {"dihedral": 256, "framings": 256}
    comparisons = {"dihedral": 0, "framings": 0}
    hits = []
    photo_index = {f"photo:{name}": i for i, name in enumerate(shipped_photos())}
    for query, variants in queries.items():
        # crops of the query's own photo are copies of it, not unrelated pictures
        keep = source != photo_index.get(query, -2)
        for name, h in variants:
            kind = "dihedral" if name in TRANSFORMS else "framings"
            d = np.bitwise_count(np.bitwise_xor(pdq, np.frombuffer(h.pdq, np.uint8))).sum(axis=1)
            d = np.where(keep, d, 999)
            s = np.bitwise_count(np.bitwise_xor(second, np.frombuffer(h.second, np.uint8)))
            s = s.sum(axis=1)
            near = d <= MATCH_THRESHOLD
            found[kind][0] += int(near.sum())
            found[kind][1] += int((near & (s <= SECOND_THRESHOLD)).sum())
            nearest[kind] = min(nearest[kind], int(d.min()))
            comparisons[kind] += int(keep.sum())
            hits += [{"query": query, "variant": name, "row": int(r), "source": int(source[r]),
                      "distance": int(d[r]), "second": int(s[r])} for r in np.flatnonzero(near)]  # fmt: skip
    return {"unrelated": count, "comparisons": comparisons, "within_threshold": found,
            "nearest": nearest, "hits": hits}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bench-data/images-framing"))
    parser.add_argument("--unrelated", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    sources = robustness_sources()
    found = recall(sources)
    result = {
        "machine": machine_info(PACKAGES),
        "framings": list(FRAMINGS),
        "recall": found["rows"],
        "false_matches": false_matches(found["queries"], args.unrelated, args.workers),
    }
    (args.out / "results.json").write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
