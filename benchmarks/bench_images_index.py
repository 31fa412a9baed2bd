"""Image hash index (issue 16 §1): build time and size, and search latency of one query photo
with its 8 dihedral variants at threshold 31, for the chosen search and its alternatives.

    python benchmarks/bench_images_index.py --entries 1000000
    python benchmarks/bench_images_index.py --entries 10000000 --data uniform --skip-faiss-hash

Data (`--data`): `pdq-like` (default): 256-bit hashes with exactly 128 bits set, as PDQ's
median threshold gives, and correlated bits (a 16-dimensional latent shared by all bits plus
noise: unrelated pairs are 128 +- 14 bits apart instead of 128 +- 8, and the 16-bit chunk
values are skewed, so multi-index buckets are ~2x fuller than on uniform data: a pessimistic
stand-in for real photos), with 5% of the entries near-duplicates (1-20 bits) of others, as
re-posted images are; `uniform`: uniformly random bits. Shards of `--shard-entries` (img2dataset
writes 10,000 samples per tar) with key, URL and caption strings. For half of the query photos
one variant is planted at distances 0, 4, 8, 16, 24, 31 (must be found) and 32, 40 (must not).

Steps: the build runs in a child process (its peak RSS is the build's: shard segments
written through HashIndexWriter, then the streaming merge); a commit with nothing changed; a
commit with one shard changed (the re-merge). `--reuse` skips them and searches the index an
earlier run built, with its build figures. Then, in this process, page cache warm, for each
query photo one search of its 8 variants at threshold 31, timed: the index's search
(multi-index hashing, 16 chunks of 16 bits, `HashIndex.search`, with Hit objects), and the
alternatives over the same hashes in memory: numpy scan (popcount of XOR,
`hash_search.scan`), faiss IndexBinaryFlat range search (1 and 2 threads), faiss
IndexBinaryMultiHash (16 tables of 16 bits, nflip 1: exact at 31), and multi-index hashing
with 8 chunks of 32 bits (radius 3: 5,489 probes per chunk, binary search in sorted chunk
values). Every alternative's hits are checked against the index's. Prints Markdown; writes `--json`.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import multiprocessing as mp
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from expunge.images.hash_index import (
    HashIndexWriter,
    ShardEntries,
    ShardFingerprint,
    open_hash_index,
)

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _machine import machine_info

THRESHOLD = 31
VARIANTS = 8
PLANTED = (0, 4, 8, 16, 24, 31, 32, 40)
PACKAGES = ("expunge", "numpy", "faiss-cpu")


# ------------------------------------------------------------------------------------- data


def pdq_like(rng: np.random.Generator, count: int, kind: str) -> np.ndarray:
    if kind == "uniform":
        return rng.integers(0, 256, (count, 32), dtype=np.uint8)
    mixing = np.random.default_rng(12345).standard_normal((16, 256)).astype(np.float32) * 0.3
    latent = rng.standard_normal((count, 16), dtype=np.float32)
    coefficients = latent @ mixing + rng.standard_normal((count, 256), dtype=np.float32)
    bits = coefficients > np.median(coefficients, axis=1, keepdims=True)
    hashes = np.packbits(bits, axis=1)
    # 5% re-posts: near-duplicates of other entries of the shard
    copies = rng.choice(count, count // 20, replace=False)
    for at in copies:
        source = hashes[rng.integers(count)].copy()
        for bit in rng.choice(256, int(rng.integers(1, 21)), replace=False):
            source[bit // 8] ^= np.uint8(1 << (bit % 8))
        hashes[at] = source
    return hashes


def flipped(hash_: np.ndarray, distance: int, rng: np.random.Generator) -> np.ndarray:
    out = hash_.copy()
    for bit in rng.choice(256, distance, replace=False):
        out[bit // 8] ^= np.uint8(1 << (bit % 8))
    return out


def queries_and_plants(
    photos: int, entries: int, kind: str, variants: int = VARIANTS
) -> tuple[np.ndarray, dict[int, np.ndarray], dict[int, set[int]]]:
    """(photos, 8, 32) query variants; entry -> planted hash; photo -> entries it must find."""
    rng = np.random.default_rng(99)
    queries = pdq_like(rng, photos * variants, kind).reshape(photos, variants, 32)
    present = list(range(0, photos, 2))
    where = rng.choice(entries, len(present) * len(PLANTED), replace=False)
    plants: dict[int, np.ndarray] = {}
    expected: dict[int, set[int]] = {p: set() for p in range(photos)}
    for n, photo in enumerate(present):
        variant = queries[photo, photo % variants]
        for k, distance in enumerate(PLANTED):
            entry = int(where[n * len(PLANTED) + k])
            plants[entry] = flipped(variant, distance, rng)
            if distance <= THRESHOLD:
                expected[photo].add(entry)
    return queries, plants, expected


def shard_hashes(args: argparse.Namespace, shard: int, generation: int = 0) -> np.ndarray:
    start = shard * args.shard_entries
    count = min(args.shard_entries, args.entries - start)
    rng = np.random.default_rng([shard, generation, 7])
    hashes = pdq_like(rng, count, args.data)
    _, plants, _ = queries_and_plants(args.photos, args.entries, args.data, args.variants)
    for entry, planted in plants.items():
        if start <= entry < start + count:
            hashes[entry - start] = planted
    return hashes


def shard_entries(hashes: np.ndarray, shard: int) -> ShardEntries:
    count = len(hashes)
    keys = [f"{shard:05d}{row:04d}" for row in range(count)]
    return ShardEntries(
        hashes,
        np.arange(count),
        keys,
        [f"https://images.example.com/photos/{shard}/{key}.jpg?w=1024" for key in keys],
        [f"A photo of a red bicycle leaning on a wall, number {key}" for key in keys],
        np.full(count, 90, np.uint8),
    )


def fingerprint(hashes: np.ndarray, generation: int) -> ShardFingerprint:
    """Stands in for the shard file's: the content and a generation (a re-written file)."""
    digest = hashlib.sha256(hashes.tobytes() + bytes([generation])).hexdigest()
    return ShardFingerprint(len(hashes) * 100, generation, f"sha256:{digest}")


# ------------------------------------------------------------------------------------ build


def build_child(args: argparse.Namespace, out: Any) -> None:
    """Runs in a child process, so its peak RSS is the build's alone."""
    shards = -(-args.entries // args.shard_entries)
    index_dir = args.work / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    generate = 0.0
    writer = HashIndexWriter(index_dir, {"hash": "pdq"})
    for shard in range(shards):
        t0 = time.perf_counter()
        hashes = shard_hashes(args, shard)
        generate += time.perf_counter() - t0
        writer.add_shard(f"{shard:05d}.tar", fingerprint(hashes, 0), shard_entries(hashes, shard))
    segments = time.perf_counter() - started - generate
    stats = writer.commit()
    timings["generate_s"] = generate
    timings["shard_segments_s"] = segments
    timings["merge_s"] = stats.merge_seconds
    timings["build_s"] = time.perf_counter() - started - generate
    timings["disk_bytes"] = stats.disk_bytes
    merged = next((index_dir / "merged").iterdir())
    timings["merged_bytes"] = merged.stat().st_size
    timings["build_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    t0 = time.perf_counter()
    writer = HashIndexWriter(index_dir, {"hash": "pdq"})
    for shard in range(shards):
        name = f"{shard:05d}.tar"
        previous = writer.previous(name)
        assert previous is not None and writer.reuse(name, previous)
    writer.commit()
    timings["recommit_unchanged_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    writer = HashIndexWriter(index_dir, {"hash": "pdq"})
    for shard in range(shards):
        name = f"{shard:05d}.tar"
        previous = writer.previous(name)
        assert previous is not None
        if shard != shards // 2:
            writer.reuse(name, previous)
            continue
        hashes = shard_hashes(args, shard)  # same hashes, new fingerprint: a re-written file
        writer.add_shard(name, fingerprint(hashes, 1), shard_entries(hashes, shard))
    writer.commit()
    timings["recommit_one_changed_s"] = time.perf_counter() - t0
    out.put(timings)


# ----------------------------------------------------------------------------- alternatives


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p95_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "max_ms": 1000 * ordered[-1],
        "runs": len(ordered),
    }


Found = set[tuple[int, int]]  # (variant, entry)


def timed(
    search: Callable[[np.ndarray], Found], queries: np.ndarray, photos: int
) -> tuple[dict[str, float], list[Found]]:
    search(queries[0])  # warm-up
    seconds, results = [], []
    for photo in range(photos):
        t0 = time.perf_counter()
        found = search(queries[photo])
        seconds.append(time.perf_counter() - t0)
        results.append(found)
    return percentiles(seconds), results


def mih32(hashes: np.ndarray) -> tuple[Callable[[np.ndarray], Found], float, int]:
    """Multi-index hashing with 8 chunks of 32 bits, radius 31 // 8 = 3 per chunk."""
    t0 = time.perf_counter()
    values = hashes.view("<u4")  # (N, 8)
    orders = [np.argsort(values[:, c], kind="stable").astype(np.uint32) for c in range(8)]
    ordered = [values[:, c][orders[c]] for c in range(8)]
    build = time.perf_counter() - t0
    masks = np.array(
        [0]
        + [sum(1 << b for b in combo) for r in (1, 2, 3) for combo in combinations(range(32), r)],
        np.uint32,
    )
    words = hashes.view(np.uint64)

    def search(variants: np.ndarray) -> Found:
        chunk_values = variants.view("<u4")  # (8 variants, 8 chunks)
        found: Found = set()
        for c in range(8):
            probes = (chunk_values[:, c][:, None] ^ masks[None, :]).ravel()
            lo = np.searchsorted(ordered[c], probes, "left")
            hi = np.searchsorted(ordered[c], probes, "right")
            lengths = hi - lo
            if not lengths.any():
                continue
            variant = np.repeat(np.repeat(np.arange(len(variants)), len(masks)), lengths)
            runs = np.cumsum(lengths) - lengths
            where = np.arange(int(lengths.sum())) - np.repeat(runs - lo, lengths)
            entry = orders[c][where]
            diff = np.take(words, entry, axis=0) ^ np.take(variants.view(np.uint64), variant, 0)
            distance = np.bitwise_count(diff).sum(axis=1)
            keep = distance <= THRESHOLD
            found |= set(zip(variant[keep].tolist(), entry[keep].tolist(), strict=True))
        return found

    size = sum(o.nbytes for o in orders) + sum(o.nbytes for o in ordered)
    return search, build, size


def faiss_searches(
    hashes: np.ndarray, threads: int, skip_hash: bool
) -> dict[str, tuple[Callable[[np.ndarray], Found], float, int]]:
    import faiss

    faiss.omp_set_num_threads(threads)
    out: dict[str, tuple[Callable[[np.ndarray], Found], float, int]] = {}

    def ranged(index: Any) -> Callable[[np.ndarray], Found]:
        def search(variants: np.ndarray) -> Found:
            # faiss keeps distances < radius: 32 keeps <= 31
            limits, _, labels = index.range_search(np.ascontiguousarray(variants), THRESHOLD + 1)
            return {
                (v, int(label))
                for v in range(len(variants))
                for label in labels[limits[v] : limits[v + 1]]
            }

        return search

    t0 = time.perf_counter()
    flat = faiss.IndexBinaryFlat(256)
    flat.add(hashes)
    out["faiss IndexBinaryFlat"] = (ranged(flat), time.perf_counter() - t0, hashes.nbytes)
    if not skip_hash:
        t0 = time.perf_counter()
        multi = faiss.IndexBinaryMultiHash(256, 16, 16)
        multi.nflip = 1  # 31 // 16: exact at 31
        multi.add(hashes)
        out["faiss IndexBinaryMultiHash 16x16"] = (ranged(multi), time.perf_counter() - t0, 0)
    return out


# ------------------------------------------------------------------------------------- main


def lscpu() -> str:
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "lscpu unavailable"
    return "\n".join(text.splitlines()[:15])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--shard-entries", type=int, default=10_000)
    parser.add_argument("--data", choices=("pdq-like", "uniform"), default="pdq-like")
    parser.add_argument("--photos", type=int, default=200, help="query photos (x 8 variants)")
    parser.add_argument("--alt-photos", type=int, default=40, help="photos for slow alternatives")
    parser.add_argument("--work", type=Path, default=HERE / "bench-data" / "images-index")
    parser.add_argument("--skip-faiss", action="store_true")
    parser.add_argument("--skip-faiss-hash", action="store_true", help="IndexBinaryMultiHash")
    parser.add_argument("--variants", type=int, default=8, help="hashes per query photo")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--reuse", action="store_true", help="search the index built before")
    args = parser.parse_args()
    args.work = args.work / f"{args.data}-{args.entries}"
    args.work.mkdir(parents=True, exist_ok=True)

    saved = args.work / "build.json"  # the build's figures, for --reuse
    if args.reuse and saved.exists() and (args.work / "index" / "manifest.json").exists():
        build = json.loads(saved.read_text())
    else:
        context = mp.get_context("spawn")
        results = context.Queue()
        child = context.Process(target=build_child, args=(args, results))
        child.start()
        build = results.get()
        child.join()
        saved.write_text(json.dumps(build))

    # 14 variants: a non-square photo with its square framings (hashing.FRAMINGS)
    queries, _, expected = queries_and_plants(args.photos, args.entries, args.data, args.variants)
    report: dict[str, Any] = {
        "machine": machine_info(PACKAGES),
        "lscpu": lscpu(),
        "entries": args.entries,
        "shard_entries": args.shard_entries,
        "data": args.data,
        "threshold": THRESHOLD,
        "build": build,
        "searches": {},
    }
    with open_hash_index(args.work / "index") as index:
        t0 = time.perf_counter()
        index.search(queries[1], THRESHOLD)
        report["first_search_ms"] = 1000 * (time.perf_counter() - t0)
        candidates: list[int] = []

        def chosen(variants: np.ndarray) -> Found:
            return {(h.query_index, h.id) for h in index.search(variants, THRESHOLD)}

        def counted(variants: np.ndarray) -> Found:
            query_of, ids, _, checked = index.search_arrays(variants, THRESHOLD)
            candidates.append(checked)
            return set(zip(query_of.tolist(), ids.tolist(), strict=True))

        figures, reference = timed(chosen, queries, args.photos)
        timed(counted, queries, args.photos)
        for photo, found in enumerate(reference):
            assert {entry for _, entry in found} >= expected[photo], f"photo {photo} missed"
        figures.update(
            candidates_per_photo_p50=float(np.median(candidates)),
            hits_per_photo=float(np.mean([len(f) for f in reference])),
            table_bytes=int(index._segment.arrays["mih_table"].nbytes),
        )
        report["searches"]["index: multi-index hashing 16x16 (chosen)"] = figures
        hashes = np.array(index._hashes)  # a copy in memory for the alternatives

    alternatives: dict[str, tuple[Callable[[np.ndarray], Found], float, int]] = {}

    def numpy_scan(variants: np.ndarray) -> Found:
        from expunge.images.hash_search import scan

        query_of, entry, _ = scan(hashes, variants, THRESHOLD)
        return set(zip(query_of.tolist(), entry.tolist(), strict=True))

    alternatives["numpy scan (bitwise_count)"] = (numpy_scan, 0.0, hashes.nbytes)
    alternatives["numpy multi-index hashing 8x32, radius 3"] = mih32(hashes)
    if not args.skip_faiss and importlib.util.find_spec("faiss") is None:
        print("faiss is not installed (pip install faiss-cpu): its figures are left out")
        args.skip_faiss = True
    if not args.skip_faiss:
        for threads in (1, 2):
            for name, entry in faiss_searches(hashes, threads, args.skip_faiss_hash).items():
                alternatives[f"{name}, {threads} thread{'s' * (threads > 1)}"] = entry
    photos = min(args.photos, args.alt_photos)
    for name, (search, build_s, size) in alternatives.items():
        figures, alt_found = timed(search, queries, photos)
        figures.update(build_s=build_s, extra_bytes=size)
        figures["same_hits"] = alt_found == reference[:photos]
        report["searches"][name] = figures
        print(f"{name}: {figures}", file=sys.stderr)

    print_markdown(report)
    target = args.json or args.work / "results.json"
    target.write_text(json.dumps(report, indent=1))


def print_markdown(report: dict[str, Any]) -> None:
    build = report["build"]
    mb = 1 << 20
    print(f"### Image hash index: {report['entries']:,} hashes ({report['data']})\n")
    print(
        f"Build (hashes given; {report['shard_entries']:,} per shard): "
        f"{build['build_s']:.1f} s ({build['shard_segments_s']:.1f} s shard segments, "
        f"{build['merge_s']:.1f} s merge), peak RSS {build['build_peak_rss_mb']:.0f} MB; "
        f"index {build['disk_bytes'] / mb:.0f} MB on disk (merged segment "
        f"{build['merged_bytes'] / mb:.0f} MB); re-commit unchanged "
        f"{build['recommit_unchanged_s']:.2f} s, one shard changed "
        f"{build['recommit_one_changed_s']:.1f} s. First search after open: "
        f"{report['first_search_ms']:.1f} ms.\n"
    )
    print("| search of 1 photo x 8 variants, threshold 31 | p50 ms | p95 ms | max ms | runs "
          "| build s | same hits |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for name, f in report["searches"].items():
        same = "reference" if "same_hits" not in f else ("yes" if f["same_hits"] else "NO")
        print(
            f"| {name} | {f['p50_ms']:.1f} | {f['p95_ms']:.1f} | {f['max_ms']:.1f} | {f['runs']} "
            f"| {f.get('build_s', build['merge_s']):.1f} | {same} |"
        )
    chosen = next(iter(report["searches"].values()))
    print(
        f"\nCandidates checked per photo (8 variants): {chosen['candidates_per_photo_p50']:,.0f} "
        f"(median); hits per photo {chosen['hits_per_photo']:.1f}.\n"
    )
    machine = report["machine"]
    print(f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram_gb']} GB; "
          f"Python {machine['python']}; {machine['packages']}")  # fmt: skip
    print("\n```\n" + report["lscpu"] + "\n```")


if __name__ == "__main__":
    main()
