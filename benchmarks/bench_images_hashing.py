"""Image hashing: what survives, what falsely matches, how fast, and the decode choices.

    python benchmarks/bench_images_hashing.py --out bench-data/images-hashing   # every part
    python benchmarks/bench_images_hashing.py --parts throughput robustness

Parts (each writes OUT/PART.json and prints a Markdown section for BENCHMARKS.md):
- worksize: PDQ of Meta's reference path (full decode, ordinary resize to 512 x 512, PDQ)
  against the hash of a smaller greyscale thumbnail (512 / 256 / 128 / 64), ~300 JPEGs.
- draft: hash of the full JPEG decode against reduced DCT decodes (Image.draft) at
  reduce_to = 512 / 256 / 128 / 64, same JPEGs: the distance each reduction costs.
- robustness: 15 shipped photos + 25 generated pictures; each edit stored as a JPEG (q=90
  unless the edit is the quality), decoded and hashed like a dataset image; the query is the
  lossless original with its 8 dihedral variants. Per edit: PDQ distance of the best variant
  (min / median / max), recall at MATCH_THRESHOLD, recall after second-hash confirmation, and
  for the rotations/mirrors the distance PDQ's own DCT-flip shortcut would have given.
- falsematch: >= 100,000 unrelated images (generated pictures drawn at 64 x 64 and upscaled
  to 128, and random 128 x 128 crops of the shipped photos), hashed through decode+hash; every
  query (the 40 sources x 8 variants) against all of them, crops of the query's own photo
  left out; plus every pair among the unrelated images (crops of one photo left out).
- throughput: ~1,000 JPEGs of 512-1024 px: images/s on one core for Pillow full decode,
  reduced draft decode, and decode_image + hash_image.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from collections.abc import Iterable
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import imagehash
import numpy as np
import pdqhash
from _image_corpus import (
    EDITS,
    EXPECTED_VARIANT,
    generated_image,
    jpeg_bytes,
    photo_crop,
    png_bytes,
    shipped_photos,
)
from _machine import machine_info
from PIL import Image

from expunge.images import hashing
from expunge.images.decode import decode_image
from expunge.images.hashing import (
    MATCH_THRESHOLD,
    SECOND_THRESHOLD,
    TRANSFORMS,
    hamming,
    hash_image,
    query_hashes,
    transform,
    work_thumbnail,
)

PACKAGES = ("pillow", "pdqhash", "imagehash", "numpy", "scikit-image")


def _bits(bits: Any) -> bytes:
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes()


def _pct(values: list[float] | list[int], q: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])


def _summary(values: list[int]) -> dict[str, float]:
    return {
        "min": min(values),
        "median": statistics.median(values),
        "p90": _pct(values, 0.9),
        "max": max(values),
    }


# --- the JPEG sets ----------------------------------------------------------------------


def varied_jpegs(count: int, seed: int, low: int, high: int) -> list[bytes]:
    """Half generated pictures, half crops of the shipped photos, sides in [low, high]."""
    rng = np.random.default_rng(seed)
    photos = list(shipped_photos().values())
    out = []
    for number in range(count):
        size = (int(rng.integers(low, high + 1)), int(rng.integers(low, high + 1)))
        if number % 2:
            image = generated_image(rng, size)
        else:
            image = photo_crop(rng, photos[number // 2 % len(photos)], size)
        out.append(jpeg_bytes(image, int(rng.integers(75, 96))))
    return out


def reference_pdq(data: bytes) -> bytes:
    """Meta's reference path: full decode, ordinary resize to 512 x 512 when larger, PDQ."""
    image = decode_image(data, reduce_to=None)
    if max(image.size) > 512:
        image = image.resize((512, 512), Image.Resampling.BILINEAR)
    bits, _ = pdqhash.compute(np.asarray(image))
    return _bits(bits)


def part_worksize(jpegs: list[bytes]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    references = [reference_pdq(data) for data in jpegs]
    images = [decode_image(data, reduce_to=None) for data in jpegs]
    for size in (512, 256, 128, 64):
        distances, seconds = [], 0.0
        for image, reference in zip(images, references, strict=True):
            start = time.perf_counter()
            pdq, _ = hashing.pdq_of_thumbnail(work_thumbnail(image, size))
            seconds += time.perf_counter() - start
            distances.append(hamming(pdq, reference))
        out[str(size)] = {**_summary(distances), "ms_per_image": 1000 * seconds / len(images)}
    return out


def part_draft(jpegs: list[bytes]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    full = [hash_image(decode_image(data, reduce_to=None)).pdq for data in jpegs]
    for reduce_to in (512, 256, 128, 64):
        distances, seconds = [], 0.0
        for data, reference in zip(jpegs, full, strict=True):
            start = time.perf_counter()
            image = decode_image(data, reduce_to=reduce_to)
            seconds += time.perf_counter() - start
            distances.append(hamming(hash_image(image).pdq, reference))
        out[str(reduce_to)] = {**_summary(distances), "decode_ms": 1000 * seconds / len(jpegs)}
    return out


# --- robustness ---------------------------------------------------------------------------


def robustness_sources(seed: int = 7) -> dict[str, Image.Image]:
    rng = np.random.default_rng(seed)
    sources = {f"photo:{name}": image for name, image in shipped_photos().items()}
    for number in range(25):
        size = (int(rng.integers(480, 1025)), int(rng.integers(480, 1025)))
        sources[f"generated:{number}"] = generated_image(rng, size)
    return sources


SECONDS = {
    "dhash8": lambda thumb: _bits(imagehash.dhash(thumb, 8).hash),
    "phash8": lambda thumb: _bits(imagehash.phash(thumb, 8).hash),
    "dhash_v8": lambda thumb: _bits(imagehash.dhash_vertical(thumb, 8).hash),
}


def _seconds_of(thumb: Image.Image) -> dict[str, bytes]:
    return {name: fn(thumb) for name, fn in SECONDS.items()}


def _query(image: Image.Image) -> dict[str, Any]:
    """The query as the pipeline makes it (lossless original), and the extra hash kinds."""
    decoded = decode_image(png_bytes(image))
    thumb = work_thumbnail(decoded)
    variants = query_hashes(decoded)
    shortcut, _ = pdqhash.compute_dihedral(np.asarray(thumb.convert("RGB")))
    return {
        "variants": variants,
        "seconds": {name: _seconds_of(transform(thumb, name)) for name in TRANSFORMS},
        "shortcut": dict(zip(TRANSFORMS, _shortcut_order([_bits(b) for b in shortcut]))),
    }


def _shortcut_order(hashes: list[bytes]) -> list[bytes]:
    # pdqhash order: original, rotate90 (counter-clockwise), rotate180, rotate270 (ccw),
    # flipX (top-bottom), flipY (left-right), transpose, transverse (measured against Pillow).
    original, ccw90, r180, ccw270, flip_x, flip_y, trans, transverse = hashes
    return [original, ccw270, r180, ccw90, flip_y, transverse, flip_x, trans]


def part_robustness() -> dict[str, Any]:
    sources = robustness_sources()
    queries = {name: _query(image) for name, image in sources.items()}
    rows: dict[str, Any] = {}
    for edit_name, (edit, quality) in EDITS.items():
        best_distances: list[int] = []
        records = []
        for name, image in sources.items():
            query = queries[name]
            data = jpeg_bytes(edit(image), quality)
            candidate_image = decode_image(data)
            candidate = hash_image(candidate_image)
            per_variant = {v: hamming(h.pdq, candidate.pdq) for v, h in query["variants"]}
            variant = min(per_variant, key=lambda v: per_variant[v])
            seconds = _seconds_of(work_thumbnail(candidate_image))
            expected = EXPECTED_VARIANT.get(edit_name, "original")
            records.append(
                {
                    "source": name,
                    "distance": per_variant[variant],
                    "variant": variant,
                    "expected_distance": per_variant[expected],
                    "shortcut_distance": hamming(query["shortcut"][expected], candidate.pdq),
                    "quality": candidate.quality,
                    "second": {
                        kind: hamming(query["seconds"][variant][kind], value)
                        for kind, value in seconds.items()
                    },
                }
            )
            best_distances.append(per_variant[variant])
        rows[edit_name] = records
    return {"sources": list(sources), "rows": rows}


def robustness_table(result: dict[str, Any], second: str, threshold: int) -> list[str]:
    head = (
        f"| edit | PDQ distance min / median / max | recall at <= {MATCH_THRESHOLD} "
        f"| recall, confirmed ({second} <= {threshold}) | {second} of hits, max | matched as |"
    )
    lines = [
        head,
        "|---|---|---|---|---|---|",
    ]
    for edit_name, records in result["rows"].items():
        distances = [r["distance"] for r in records]
        hits = [r for r in records if r["distance"] <= MATCH_THRESHOLD]
        confirmed = [r for r in hits if r["second"][second] <= threshold]
        variants = sorted({r["variant"] for r in hits})
        n = len(records)
        lines.append(
            f"| {edit_name} | {min(distances)} / {statistics.median(distances):g} / "
            f"{max(distances)} | {len(hits)}/{n} ({100 * len(hits) / n:.0f} %) | "
            f"{len(confirmed)}/{n} ({100 * len(confirmed) / n:.0f} %) | "
            f"{max((r['second'][second] for r in hits), default='-')} | {', '.join(variants)} |"
        )
    return lines


# --- false matches --------------------------------------------------------------------------


def _unrelated_chunk(args: tuple[int, int, int]) -> list[tuple[int, bytes, int, dict[str, bytes]]]:
    """Hashes of unrelated images seed..seed+count; source -1 = generated, else photo index."""
    start, count, seed = args
    photos = list(shipped_photos().values())
    out = []
    for number in range(start, start + count):
        rng = np.random.default_rng([seed, number])
        if number % 2:
            image = generated_image(rng, (64, 64)).resize((128, 128), Image.Resampling.BILINEAR)
            source = -1
        else:
            source = number // 2 % len(photos)
            image = photo_crop(rng, photos[source], (128, 128))
        decoded = decode_image(jpeg_bytes(image, 85))
        hashes = hash_image(decoded)
        out.append((source, hashes.pdq, hashes.quality, _seconds_of(work_thumbnail(decoded))))
    return out


def unrelated_hashes(count: int, seed: int, workers: int) -> dict[str, np.ndarray]:
    chunk = 2000
    jobs = [(start, min(chunk, count - start), seed) for start in range(0, count, chunk)]
    with Pool(workers) as pool:
        parts = pool.map(_unrelated_chunk, jobs)
    rows = [row for part in parts for row in part]
    return {
        "source": np.array([r[0] for r in rows], dtype=np.int16),
        "pdq": np.frombuffer(b"".join(r[1] for r in rows), dtype=np.uint8).reshape(-1, 32),
        "quality": np.array([r[2] for r in rows], dtype=np.int16),
        **{
            kind: np.frombuffer(b"".join(r[3][kind] for r in rows), dtype=np.uint8).reshape(-1, 8)
            for kind in SECONDS
        },
    }


def _distances(query: bytes, table: np.ndarray) -> np.ndarray:
    words = np.frombuffer(query, dtype=np.uint64)
    return np.bitwise_count(table.view(np.uint64) ^ words).sum(axis=1)


def part_falsematch(
    count: int, seed: int, workers: int, cache: Path, pairs_limit: int
) -> dict[str, Any]:
    if cache.exists():
        loaded = np.load(cache)
        table = {key: loaded[key] for key in loaded.files}
    else:
        table = unrelated_hashes(count, seed, workers)
        np.savez(cache, **table)
    n = len(table["pdq"])
    photo_index = {f"photo:{name}": i for i, name in enumerate(shipped_photos())}
    sources = robustness_sources()
    query_best: list[int] = []
    false_hits: list[dict[str, Any]] = []
    for name, image in sources.items():
        query = _query(image)
        keep = table["source"] != photo_index.get(name, -2)
        for variant, hashes in query["variants"]:
            distance = _distances(hashes.pdq, table["pdq"])
            distance = np.where(keep, distance, 999)
            query_best.append(int(distance.min()))
            for row in np.nonzero(distance <= MATCH_THRESHOLD)[0]:
                false_hits.append(
                    {
                        "query": name,
                        "variant": variant,
                        "row": int(row),
                        "distance": int(distance[row]),
                        "quality": int(table["quality"][row]),
                        "second": {
                            kind: hamming(
                                query["seconds"][variant][kind], table[kind][row].tobytes()
                            )
                            for kind in SECONDS
                        },
                    }
                )
    pairs = _all_pairs(table, pairs_limit)
    # Second hashes of random unrelated pairs: how often each would confirm by chance.
    rng = np.random.default_rng(seed)
    i, j = rng.integers(0, n, 2_000_000), rng.integers(0, n, 2_000_000)
    apart = (i != j) & ~((table["source"][i] == table["source"][j]) & (table["source"][i] >= 0))
    random_second = {
        kind: np.bincount(
            np.bitwise_count(
                table[kind].view(np.uint64)[i[apart], 0] ^ table[kind].view(np.uint64)[j[apart], 0]
            ),
            minlength=65,
        ).tolist()
        for kind in SECONDS
    }
    quality = table["quality"]
    return {
        "unrelated": n,
        "generated": int((table["source"] == -1).sum()),
        "quality_below_50": int((quality < hashing.MIN_QUALITY).sum()),
        "query_comparisons": len(sources) * len(TRANSFORMS) * n,
        "query_min_distance": min(query_best),
        "query_false_hits": false_hits,
        "pairs": pairs,
        "random_second": random_second,
    }


def _all_pairs(table: dict[str, np.ndarray], limit: int, near: int = 72) -> dict[str, Any]:
    """Every pair among the first `limit` unrelated images (crops of one photo left out)."""
    table = {key: value[:limit] for key, value in table.items()}
    pdq, source, quality = table["pdq"], table["source"], table["quality"]
    words = pdq.view(np.uint64)
    n = len(pdq)
    histogram = np.zeros(257, dtype=np.int64)
    close: list[dict[str, Any]] = []
    compared = 0
    for i in range(n - 1):
        distance = np.bitwise_count(words[i + 1 :] ^ words[i]).sum(axis=1)
        same = (source[i + 1 :] == source[i]) & (source[i] >= 0)
        distance = distance[~same]
        compared += len(distance)
        histogram += np.bincount(distance, minlength=257)
        if distance.min() <= near:
            others = np.nonzero(~same)[0][distance <= near] + i + 1
            for j in others:
                close.append(
                    {
                        "pdq": hamming(pdq[i].tobytes(), pdq[j].tobytes()),
                        "quality": [int(quality[i]), int(quality[j])],
                        "second": {
                            kind: hamming(table[kind][i].tobytes(), table[kind][j].tobytes())
                            for kind in SECONDS
                        },
                    }
                )
    return {"compared": compared, "histogram": histogram.tolist(), "near": close}


# --- throughput -------------------------------------------------------------------------------


def _rate(fn: Any, items: list[bytes], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for data in items:
            fn(data)
        best = min(best, time.perf_counter() - start)
    return len(items) / best


def _full_decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def _draft_decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (256, 256))
        image.load()


def part_throughput(jpegs: list[bytes], repeat: int) -> dict[str, Any]:
    decoded = [decode_image(data) for data in jpegs]
    rates = {
        "pillow_full_decode": _rate(_full_decode, jpegs, repeat),
        "pillow_draft_decode_256": _rate(_draft_decode, jpegs, repeat),
        "decode_image": _rate(decode_image, jpegs, repeat),
        "decode_image+hash_image": _rate(lambda d: hash_image(decode_image(d)), jpegs, repeat),
    }
    start = time.perf_counter()
    for image in decoded:
        hash_image(image)
    rates["hash_image_only"] = len(decoded) / (time.perf_counter() - start)
    sizes = [Image.open(io.BytesIO(d)).size for d in jpegs]
    return {
        "images": len(jpegs),
        "mean_bytes": statistics.mean(len(d) for d in jpegs),
        "mean_pixels": statistics.mean(w * h for w, h in sizes),
        "rates": rates,
        "ratio_to_draft_ceiling": rates["decode_image+hash_image"]
        / rates["pillow_draft_decode_256"],
    }


# --- main -----------------------------------------------------------------------------------


def _print_summary(results: dict[str, Any]) -> None:
    if "worksize" in results:
        print("\n### PDQ thumbnail size vs Meta's reference path (512 x 512)\n")
        print("| thumbnail | distance min / median / p90 / max | ms per image |")
        print("|---|---|---|")
        for size, row in results["worksize"].items():
            print(
                f"| {size} | {row['min']} / {row['median']:g} / {row['p90']:g} / {row['max']} "
                f"| {row['ms_per_image']:.2f} |"
            )
    if "draft" in results:
        print("\n### JPEG draft decode vs full decode (same hash path)\n")
        print("| reduce_to | distance min / median / p90 / max | decode ms |")
        print("|---|---|---|")
        for size, row in results["draft"].items():
            print(
                f"| {size} | {row['min']} / {row['median']:g} / {row['p90']:g} / {row['max']} "
                f"| {row['decode_ms']:.2f} |"
            )
    if "robustness" in results:
        print("\n### Robustness\n")
        for line in robustness_table(results["robustness"], "dhash8", SECOND_THRESHOLD):
            print(line)
    if "throughput" in results:
        print("\n### Throughput (one core)\n")
        for name, rate in results["throughput"]["rates"].items():
            print(f"- {name}: {rate:.0f} images/s")
        print(f"- ratio to draft ceiling: {results['throughput']['ratio_to_draft_ceiling']:.2f}")
    if "robustness" in results:
        print("\n### Rotations and mirrors: transposed query vs PDQ's DCT-flip shortcut\n")
        print("| edit | transposed: median / max, recall | shortcut: median / max, recall |")
        print("|---|---|---|")
        for edit_name in EXPECTED_VARIANT:
            records = results["robustness"]["rows"][edit_name]
            cells = []
            for key in ("expected_distance", "shortcut_distance"):
                values = [r[key] for r in records]
                found = sum(v <= MATCH_THRESHOLD for v in values)
                cells.append(
                    f"{statistics.median(values):g} / {max(values)}, {found}/{len(values)}"
                )
            print(f"| {edit_name} | {cells[0]} | {cells[1]} |")
    if "falsematch" in results:
        _print_falsematch(results["falsematch"])


def _print_falsematch(fm: dict[str, Any]) -> None:
    histogram = np.array(fm["pairs"]["histogram"])
    nearest_pair = int(np.nonzero(histogram)[0].min())
    print(
        f"\n### False matches among {fm['unrelated']} unrelated images "
        f"({fm['generated']} generated, {fm['quality_below_50']} of quality < 50)\n"
    )
    print(
        f"- queries (40 sources x 8 variants) against all: {fm['query_comparisons']} "
        f"comparisons, {len(fm['query_false_hits'])} at <= {MATCH_THRESHOLD}, nearest "
        f"{fm['query_min_distance']}"
    )
    print(
        f"- all pairs: {fm['pairs']['compared']}, {int(histogram[: MATCH_THRESHOLD + 1].sum())} "
        f"at <= {MATCH_THRESHOLD}, nearest {nearest_pair}"
    )
    near = fm["pairs"]["near"]
    if near:
        top = max(n["pdq"] for n in near)
        print(
            f"- the {len(near)} PDQ-nearest pairs ({nearest_pair}..{top}): share that a "
            "second hash would still confirm"
        )
        for kind in SECONDS:
            values = np.array([n["second"][kind] for n in near])
            shares = ", ".join(f"<= {t}: {int((values <= t).sum())}" for t in (8, 12, 16, 20))
            print(f"  - {kind}: {shares}")
    print("- random unrelated pairs, share a second hash confirms by chance:")
    for kind, counts in fm["random_second"].items():
        cumulative = np.cumsum(counts) / max(1, sum(counts))
        shares = ", ".join(f"<= {t}: {cumulative[t]:.1e}" for t in (8, 12, 16, 20))
        print(f"  - {kind}: {shares}")


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bench-data/images-hashing"))
    parser.add_argument(
        "--parts",
        nargs="+",
        default=["worksize", "draft", "robustness", "falsematch", "throughput"],
    )
    parser.add_argument("--unrelated", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=30_000, help="all pairs among the first N")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work-size", type=int, default=hashing.WORK_SIZE)
    parser.add_argument("--reduce-to", type=int, default=None, help="decode_image default")
    args = parser.parse_args(list(argv) if argv is not None else None)
    args.out.mkdir(parents=True, exist_ok=True)
    hashing.WORK_SIZE = args.work_size
    if args.reduce_to is not None:
        decode_image.__kwdefaults__["reduce_to"] = args.reduce_to
    results: dict[str, Any] = {}
    if {"worksize", "draft"} & set(args.parts):
        sample = varied_jpegs(300, seed=3, low=300, high=2000)
        if "worksize" in args.parts:
            results["worksize"] = part_worksize(sample)
        if "draft" in args.parts:
            results["draft"] = part_draft(sample)
    if "robustness" in args.parts:
        results["robustness"] = part_robustness()
    if "falsematch" in args.parts:
        cache = args.out / f"unrelated-{args.unrelated}.npz"
        results["falsematch"] = part_falsematch(args.unrelated, 11, args.workers, cache, args.pairs)
    if "throughput" in args.parts:
        results["throughput"] = part_throughput(
            varied_jpegs(1000, seed=5, low=512, high=1024), args.repeat
        )
    for name, value in results.items():
        (args.out / f"{name}.json").write_text(json.dumps(value, indent=1))
    (args.out / "machine.json").write_text(json.dumps(machine_info(PACKAGES), indent=1))
    _print_summary(results)


if __name__ == "__main__":
    sys.exit(main())
