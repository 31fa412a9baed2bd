"""Photos end to end through the CLI: index, find, forget, verify, registry re-application, and
the face index's search over many faces.

    python benchmarks/bench_images_forget.py --images 5000 --out bench-data/images-forget
    python benchmarks/bench_images_forget.py --faces 1000000   # face index search only

Dataset: `--images` JPEGs of 512-1024 px (half generated pictures, half crops of the photos
that ship in scikit-image) in WebDataset tars of 500 samples, with the query photo
(`skimage.data.astronaut`, NASA, public domain) planted 8 times under edits the hash survives
and twice under edits it does not (a 20 % crop, a 5° tilt: 0/40 in BENCHMARKS.md §15; a
caption bar is not used, as the astronaut survives one that most pictures do not). Every command runs as a user runs it
(a fresh process, `--workers 2`); the figures are wall times, process start included. The
run checks that exactly the 8 findable copies are removed, that verify passes, and that the
registry removes re-crawled copies (re-encoded at q=70 and resized to 75 %) from a new release.
Face search: a face index of `--faces` random 128-d embeddings written with the index's own
writer, and the query's search timed (p50 / p95 of 5).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from _image_corpus import jpeg_bytes
from _machine import expunge_bin, machine_info
from bench_images_hashing import varied_jpegs
from PIL import Image, ImageEnhance

PACKAGES = ("pillow", "pdqhash", "numpy", "scikit-image", "dlib-bin")
SHARD_SAMPLES = 500


def _planted(photo: Image.Image) -> list[tuple[str, Image.Image, bool]]:
    """(edit, picture, findable by the hash) for the 10 planted copies."""
    w, h = photo.size
    return [
        ("JPEG q=40", photo, True),
        ("half size", photo.resize((w // 2, h // 2)), True),
        ("double size", photo.resize((w * 2, h * 2)), True),
        ("mirror", photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT), True),
        ("rotate 90", photo.transpose(Image.Transpose.ROTATE_90), True),
        ("greyscale", photo.convert("L").convert("RGB"), True),
        ("brighter 30 %", ImageEnhance.Brightness(photo).enhance(1.3), True),
        ("contrast -30 %", ImageEnhance.Contrast(photo).enhance(0.7), True),
        ("crop 20 %", photo.crop((w // 10, h // 10, w - w // 10, h - h // 10)), False),
        ("rotate 5°", photo.rotate(5, expand=False, fillcolor=(255, 255, 255)), False),
    ]


def _write_tars(root: Path, samples: list[tuple[str, bytes, str]]) -> None:
    root.mkdir(parents=True)
    for first in range(0, len(samples), SHARD_SAMPLES):
        with tarfile.open(root / f"{first // SHARD_SAMPLES:05d}.tar", "w") as tar:
            for key, jpeg, url in samples[first : first + SHARD_SAMPLES]:
                meta = json.dumps({"url": url, "key": key}).encode()
                for name, blob in ((f"{key}.jpg", jpeg), (f"{key}.txt", f"picture {key}".encode()),
                                   (f"{key}.json", meta)):  # fmt: skip
                    info = tarfile.TarInfo(name)
                    info.size = len(blob)
                    tar.addfile(info, io.BytesIO(blob))


def build(out: Path, images: int) -> dict[str, Any]:
    from skimage import data

    photo = Image.fromarray(data.astronaut()).convert("RGB")
    photo.save(out / "me.jpg", quality=95)
    jpegs = varied_jpegs(images - 10, seed=21, low=512, high=1024)
    rng = np.random.default_rng(4)
    spots = sorted(rng.choice(images, 10, replace=False).tolist())
    planted = _planted(photo)
    samples, truth, others = [], {}, iter(jpegs)
    for row in range(images):
        key = f"{row:09d}"
        if row in spots:
            edit, picture, findable = planted[spots.index(row)]
            jpeg = jpeg_bytes(picture, 40 if edit == "JPEG q=40" else 90)
            truth[key] = {"edit": edit, "findable": findable}
        else:
            jpeg = next(others)
        samples.append((key, jpeg, f"https://img.example/{key}.jpg"))
    _write_tars(out / "dataset", samples)
    # the new release: every picture again, the removed ones re-crawled (q=70, 75 %)
    release = []
    for key, jpeg, url in samples:
        if truth.get(key, {}).get("findable"):
            picture = Image.open(io.BytesIO(jpeg)).convert("RGB")
            picture = picture.resize((picture.width * 3 // 4, picture.height * 3 // 4))
            jpeg = jpeg_bytes(picture, 70)
        release.append((f"r{key}", jpeg, url))
    _write_tars(out / "release", release)
    return truth


def _run(args: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0,):
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return seconds, done.stdout


def _removed_keys(version: Path, source: Path) -> set[str]:
    def keys(root: Path) -> set[str]:
        found = set()
        for tar_path in root.glob("*.tar"):
            with tarfile.open(tar_path) as tar:
                found |= {m.name.split(".", 1)[0] for m in tar}
        return found

    return keys(source) - keys(version)


def end_to_end(out: Path, images: int, workers: int) -> dict[str, Any]:
    truth = build(out, images)
    exe, me, data = expunge_bin(), str(out / "me.jpg"), str(out / "dataset")
    w = ["--workers", str(workers)]
    t: dict[str, float] = {}
    t["images index (cold)"], _ = _run(
        [exe, "images", "index", data, "--out", str(out / "idx"), *w]
    )
    t["images index (unchanged)"], _ = _run(
        [exe, "images", "index", data, "--out", str(out / "idx")]
    )
    t["images find --index"], _ = _run(
        [exe, "images", "find", "--query", me, "--index", str(out / "idx")]
    )
    t["images find (no index)"], _ = _run([exe, "images", "find", "--query", me, data, *w])
    t["forget --query"], said = _run([exe, "forget", "--query", me, data, "--out",
                                      str(out / "v2"), "--registry", str(out / "reg"), *w])  # fmt: skip
    t["verify --query"], proof = _run([exe, "verify", str(out / "v2"), "--query", me, *w])
    t["forget --registry (new release)"], _ = _run([exe, "forget", "--registry", str(out / "reg"),
                                                    str(out / "release"), "--out", str(out / "r2"), *w])  # fmt: skip
    t["verify --registry (new release)"], _ = _run([exe, "verify", str(out / "r2"), "--registry",
                                                    str(out / "reg"), *w])  # fmt: skip
    removed = _removed_keys(out / "v2", out / "dataset")
    findable = {k for k, v in truth.items() if v["findable"]}
    re_removed = _removed_keys(out / "r2", out / "release")
    return {
        "images": images,
        "workers": workers,
        "seconds": {k: round(v, 2) for k, v in t.items()},
        "removed_exactly_the_findable": removed == findable,
        "removed": len(removed),
        "missed_as_expected": sorted(v["edit"] for k, v in truth.items() if not v["findable"]),
        "release_removed": len(re_removed),
        "release_removed_exactly": re_removed == {f"r{k}" for k in findable},
        "verify_passed": "PASS" in proof,
        "forget_said": said.strip().splitlines()[-1],
    }


def face_search(faces: int, out: Path) -> dict[str, Any]:
    from expunge.images.face_search import (
        AUX_WIDTH,
        EMBEDDING_BYTES,
        face_index_settings,
        search_index,
    )
    from expunge.images.hash_index import HashIndexWriter, ShardEntries, ShardFingerprint

    rng = np.random.default_rng(8)
    index_dir = out / "face-index"
    writer = HashIndexWriter(index_dir, settings=face_index_settings("hog"), aux_width=AUX_WIDTH)
    step = 250_000
    started = time.perf_counter()
    for shard, first in enumerate(range(0, faces, step)):
        count = min(step, faces - first)
        # dlib embeddings have norms near 1 and different people ~0.6-0.9 apart
        vectors = rng.normal(0, 0.088, (count, 128)).astype(np.float32)
        aux = np.zeros((count, AUX_WIDTH), np.uint8)
        aux[:, :EMBEDDING_BYTES] = vectors.view(np.uint8).reshape(count, EMBEDDING_BYTES)
        rows = np.arange(count)
        keys = [str(first + r) for r in range(count)]
        writer.add_shard(f"s{shard}", ShardFingerprint(count, 0, f"sha256:{shard:064x}"),
                         ShardEntries(np.zeros((count, 32), np.uint8), rows, keys, [""] * count,
                                      [""] * count, aux=aux))  # fmt: skip
    writer.commit()
    build = time.perf_counter() - started
    query = rng.normal(0, 0.088, (1, 128)).astype(np.float32)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        found = search_index(query, index_dir, 0.6)
        times.append((time.perf_counter() - started) * 1000)
    size = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
    return {
        "faces": faces,
        "build_seconds": round(build, 1),
        "disk_mb": round(size / 1e6),
        "search_ms_p50": round(statistics.median(times), 1),
        "search_ms_p95": round(max(times), 1),
        "hits": len(found.hits),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bench-data/images-forget"))
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--faces", type=int, default=0, help="also time a face index of N faces")
    args = parser.parse_args()
    import shutil

    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    results: dict[str, Any] = {"machine": machine_info(PACKAGES)}
    if args.images:
        results["end_to_end"] = end_to_end(args.out, args.images, args.workers)
    if args.faces:
        results["face_search"] = face_search(args.faces, args.out)
    print(json.dumps(results, indent=1))
    (args.out / "results.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    sys.exit(main())
