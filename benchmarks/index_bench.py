"""Measure the identifier index on the benchmark corpus: build MB/s (vs `expunge find`) and
lookup latency over random subjects.

    python benchmarks/index_bench.py --corpus bench-data/corpus --index /tmp/corpus-idx

Subjects are drawn from the corpus truth: a planted email, phone or social handle/URL (read
from the text at its truth offsets) plus two adjacent capitalised words of the same document as
a name; a quarter are made-up people who are not in the corpus. Each lookup is one subject.
MB means bytes of shard files.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from expunge.errors import ExpungeError
from expunge.index import build_index, lookup
from expunge.subject import parse_subject


def _subjects(corpus: Path, count: int, seed: int) -> list:  # type: ignore[type-arg]
    rng = random.Random(seed)
    truth = [
        json.loads(line)
        for line in (corpus / "truth.jsonl").read_text().splitlines()
        if '"email"' in line or '"phone"' in line or '"social_handle"' in line
    ]
    picks = rng.sample(truth, count)
    wanted: dict[str, set[int]] = {}
    for t in picks:
        wanted.setdefault(t["shard"], set()).add(t["row"])
    texts: dict[tuple[str, int], str] = {}
    for shard, rows in wanted.items():
        with open(corpus / shard, "rb") as handle:
            for row, line in enumerate(handle):
                if row in rows:
                    texts[(shard, row)] = json.loads(line)["text"]
    subjects = []
    for number, t in enumerate(picks):
        text = texts[(t["shard"], t["row"])]
        value = text[t["start"] : t["end"]]
        words = text.split()
        pairs = [
            f"{a} {b}"
            for a, b in itertools.pairwise(words)
            if a.isalpha() and b.isalpha() and a[0].isupper() and b[0].isupper()
        ]
        data: dict[str, object] = {
            "id": f"s{number}",
            "names": [rng.choice(pairs)] if pairs else [],
        }
        key = {"email": "emails", "phone": "phones"}.get(t["type"])
        if key is None:
            key = "handles" if value.startswith("@") else "urls"
        data[key] = [value]
        if number % 4 == 3:  # not in the corpus
            data = {"id": f"s{number}", "names": [f"Zq{number} Xv{number}"],
                    "emails": [f"nobody{number}@absent.example"]}  # fmt: skip
        try:
            subjects.append(parse_subject(data, "bench"))
        except ExpungeError:  # a truth value the profile parser rejects (e.g. odd phone)
            pass
    return subjects


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=Path("bench-data/corpus"))
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--subjects", type=int, default=300)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--skip-find", action="store_true")
    parser.add_argument("--keep", action="store_true", help="reuse an existing --index")
    args = parser.parse_args()
    index = args.index or Path(tempfile.mkdtemp(prefix="expunge-idx-"))
    if not args.keep:
        shutil.rmtree(index, ignore_errors=True)

    shards = str(args.corpus / "shard-*.jsonl")
    stats = build_index(shards, index, workers=args.workers)
    size = sum(p.stat().st_size for p in index.rglob("*") if p.is_file())
    print(f"build: {stats.records} records, {stats.bytes / 1e6:.0f} MB in {stats.seconds:.1f} s "
          f"= {stats.mb_per_s:.1f} MB/s; {stats.entries:,} entries; index {size / 1e6:.0f} MB")  # fmt: skip
    again = build_index(shards, index, workers=args.workers)
    print(f"rebuild, nothing changed: {again.seconds:.2f} s ({len(again.reused)} shards reused)")

    if not args.skip_find:
        subject = _subjects(args.corpus, 1, 1)[0]
        with tempfile.TemporaryDirectory() as tmp:
            profile = Path(tmp) / "s.json"
            profile.write_text(
                json.dumps(
                    {"emails": [i.given for i in subject.of_kind("email")] or ["a@b.example"]}
                )
            )
            command = [sys.executable, "-m", "expunge.cli", "find", shards,
                       "--subject", str(profile), "--out", str(Path(tmp) / "out")]  # fmt: skip
            if args.workers:
                command += ["--workers", str(args.workers)]
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            seconds = time.perf_counter() - started
        print(
            f"expunge find (full scan, same corpus): {seconds:.1f} s = {stats.bytes / 1e6 / seconds:.1f} MB/s"
        )

    subjects = _subjects(args.corpus, args.subjects, 7)
    lookup(index, subjects[:1])  # warm: imports, page cache
    times, hits = [], 0
    for subject in subjects:
        started = time.perf_counter()
        found = lookup(index, [subject])
        times.append(time.perf_counter() - started)
        hits += any(m.level == "strong" for m in found)
    times.sort()
    p50 = statistics.median(times) * 1e3
    p95 = times[int(len(times) * 0.95) - 1] * 1e3
    print(f"lookup, {len(subjects)} subjects one at a time: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"max {times[-1] * 1e3:.1f} ms; {hits} with a strong match")  # fmt: skip
    started = time.perf_counter()
    lookup(index, subjects)
    print(
        f"lookup, all {len(subjects)} subjects in one call: {(time.perf_counter() - started) * 1e3:.0f} ms"
    )
    started = time.perf_counter()
    lookup(index, subjects[:1], dataset_spec=shards)
    print(
        f"lookup with the out-of-date check (size+mtime): {(time.perf_counter() - started) * 1e3:.0f} ms"
    )


if __name__ == "__main__":
    main()
