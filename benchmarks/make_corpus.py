"""Write the benchmark corpus: JSONL shards of web-like text with planted PII, truth and decoys.

    python benchmarks/make_corpus.py --out bench-data/corpus --mb 220 --seed 1

Output in --out: shard-0000.jsonl … ({"id","url","text"} per line), truth.jsonl
({"shard","row","type","start","end"}, character offsets into text), truth_stats.json
(counts per type, decoy counts per kind, conventions) and _decoys.jsonl
({"shard","row","kind","start","end"}: where the decoys are, so that a benchmark can say what
its false positives hit). Decoys are never in truth.jsonl.

The planting code is `expunge.demo` (needs faker: `pip install expunge[demo]`); faker is
only used once to draw word pools, documents are then assembled with `random.Random`, one
generator per shard, so the output is the same whatever --workers is.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from expunge.demo import (
    PLANTED_TYPES,
    STATS_FILE,
    TRUTH_FILE,
    DocFactory,
    Pools,
    Span,
    count_types,
    merge_counts,
    truth_conventions,
)

# Docs of 1–8 KB; 30% carry PII, several values each, which gives thousands of each type.
DOC_CHARS = (1300, 7800)
PII_FRACTION = 0.3
PII_PER_DOC = (1, 2, 3, 4, 5, 6)
DECOY_FRACTION = 0.5
POOL_SIZE = 4000
DECOYS_FILE = "_decoys.jsonl"


@dataclass
class ShardResult:
    name: str
    docs: int = 0
    pii_docs: int = 0
    text_bytes: int = 0
    file_bytes: int = 0
    types: dict[str, int] = field(default_factory=dict)
    decoys: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ShardJob:
    out: Path
    index: int
    seed: int
    target_bytes: int
    pools: Pools


def shard_name(index: int) -> str:
    return f"shard-{index:04d}.jsonl"


def _span_line(shard: str, row: int, key: str, span: Span) -> bytes:
    row_dict = {"shard": shard, "row": row, key: span.type, "start": span.start, "end": span.end}
    return orjson.dumps(row_dict, option=orjson.OPT_SORT_KEYS) + b"\n"


def write_shard(job: ShardJob) -> ShardResult:
    """Write one shard plus its parts of truth.jsonl and _decoys.jsonl (merged by the parent)."""
    name = shard_name(job.index)
    # A string seed is hashed with SHA-512 by `random`, so it does not depend on PYTHONHASHSEED.
    rng = random.Random(f"expunge-bench:{job.seed}:{job.index}")
    factory = DocFactory(job.pools, rng)
    res = ShardResult(name=name, types={t: 0 for t in PLANTED_TYPES})
    with (
        (job.out / name).open("wb") as data,
        _part(job.out, "truth", job.index).open("wb") as truth,
        _part(job.out, "decoys", job.index).open("wb") as decoys,
    ):
        while res.text_bytes < job.target_bytes:
            plan = factory.plan(
                size=DOC_CHARS,
                pii_fraction=PII_FRACTION,
                pii_per_doc=PII_PER_DOC,
                decoy_fraction=DECOY_FRACTION,
            )
            doc = factory.build(plan)
            row = res.docs
            record = {"id": f"{job.index:04d}-{row:07d}", "url": doc.url, "text": doc.text}
            line = orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n"
            data.write(line)
            res.file_bytes += len(line)
            res.text_bytes += len(doc.text.encode("utf-8"))
            truth.writelines(_span_line(name, row, "type", s) for s in doc.spans)
            decoys.writelines(_span_line(name, row, "kind", s) for s in doc.decoy_spans)
            merge_counts(res.types, count_types(doc.spans))
            merge_counts(res.decoys, doc.decoys)
            res.pii_docs += bool(doc.spans)
            res.docs += 1
    return res


def _part(out: Path, what: str, index: int) -> Path:
    return out / f".{what}-{index:04d}.jsonl"


def merge_parts(out: Path, what: str, shards: int, name: str) -> None:
    with (out / name).open("wb") as dst:
        for i in range(shards):
            part = _part(out, what, i)
            dst.write(part.read_bytes())
            part.unlink()


def stats(results: list[ShardResult], seed: int) -> dict[str, Any]:
    types: dict[str, int] = {}
    decoys: dict[str, int] = {}
    for r in results:
        merge_counts(types, r.types)
        merge_counts(decoys, r.decoys)
    return {
        "seed": seed,
        "docs": sum(r.docs for r in results),
        "pii_docs": sum(r.pii_docs for r in results),
        "text_bytes": sum(r.text_bytes for r in results),
        "file_bytes": sum(r.file_bytes for r in results),
        "shards": {r.name: {"docs": r.docs, "text_bytes": r.text_bytes} for r in results},
        "types": types,
        "truth_spans": sum(types.values()),
        "decoys": dict(sorted(decoys.items())),
        "decoy_total": sum(decoys.values()),
        "conventions": truth_conventions(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--mb", type=float, default=220.0, help="text size to write, in MB (1e6 bytes)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shards", type=int, default=8)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    pools = Pools.build(args.seed, size=POOL_SIZE)
    per_shard = int(args.mb * 1e6 / args.shards) + 1
    jobs = [ShardJob(args.out, i, args.seed, per_shard, pools) for i in range(args.shards)]
    if args.workers > 1:
        with mp.get_context("fork").Pool(min(args.workers, args.shards)) as pool:
            results = pool.map(write_shard, jobs, chunksize=1)
    else:
        results = [write_shard(j) for j in jobs]
    merge_parts(args.out, "truth", args.shards, TRUTH_FILE)
    # "_" keeps expunge's discovery from taking it for a data shard.
    merge_parts(args.out, "decoys", args.shards, DECOYS_FILE)
    seconds = time.perf_counter() - t0

    summary = stats(results, args.seed)  # no timings: the file is part of the corpus
    (args.out / STATS_FILE).write_bytes(
        orjson.dumps(summary, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"
    )
    print(
        f"wrote {summary['docs']} docs, {summary['text_bytes'] / 1e6:.1f} MB text, "
        f"{summary['truth_spans']} truth spans, {summary['decoy_total']} decoys "
        f"in {seconds:.1f} s -> {args.out}",
        file=sys.stderr,
    )
    for t, n in summary["types"].items():
        print(f"  {t:15} {n}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
