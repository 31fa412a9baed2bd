"""The demo dataset: every supported format, exact truth and one fictional person."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from .documents import KINDS, DocFactory, GeneratedDoc
from .pools import Pools
from .subject import subject_doc, subject_toml
from .truth import count_types, merge_counts, truth_conventions, truth_rows
from .writers import (
    ORJSON_OPTS,
    jsonl_bytes,
    write_csv,
    write_jsonl_gz,
    write_jsonl_zst,
    write_parquet,
    write_warc,
)

# (file name, share of documents, kinds that fit the source)
_DEMO_SHARDS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("web-00000.jsonl.zst", 0.20, KINDS),
    ("web-00001.jsonl.zst", 0.20, KINDS),
    ("fineweb-00000.parquet", 0.15, ("article", "article", "shop", "profile", "contact")),
    ("fineweb-00001.parquet", 0.15, ("article", "comments", "shop", "profile", "code")),
    ("forum-00000.jsonl.gz", 0.10, ("forum", "comments", "code", "log")),
    ("comments-00000.csv", 0.10, ("comments", "forum")),
    ("crawl-00000.warc.gz", 0.10, ("article", "contact", "shop", "profile")),
)
WARC_SHARD = "crawl-00000.warc.gz"
# Side files next to the shards. expunge's discovery passes over names starting with "_" and
# .toml files and pretty-printed .json objects; truth.jsonl keeps the name the tools expect.
DATASET_DIR = "dataset"
TRUTH_FILE = "truth.jsonl"
STATS_FILE = "truth_stats.json"
SUBJECT_FILE = "subject.toml"
WARC_VALUES_FILE = "_truth_warc_values.jsonl"
SUBJECT_DOCS = 15


@dataclass(frozen=True)
class DemoInfo:
    out_dir: Path
    dataset: Path  # the shards only: what `expunge scan` is pointed at
    shards: dict[str, int]  # file name -> number of records
    truth: Path
    truth_stats: Path
    subject: Path
    warc_values: Path
    docs: int
    pii_docs: int
    spans: int
    type_counts: dict[str, int]
    decoy_counts: dict[str, int]
    subject_docs: tuple[tuple[str, int], ...]  # (shard, row) of each document about the subject
    sites: Path | None = None  # opt-out signal snapshot of the dataset's hosts
    sites_truth: Path | None = None  # host -> expected ai-train verdict
    # Shards whose offsets are not in truth.jsonl (their values are in WARC_VALUES_FILE).
    truth_excluded_shards: tuple[str, ...] = (WARC_SHARD,)


def _shard_sizes(docs: int) -> list[int]:
    sizes = [max(1, int(docs * share)) for _, share, _ in _DEMO_SHARDS]
    sizes[0] += docs - sum(sizes)
    return sizes


def _record(shard: str, row: int, doc: GeneratedDoc, rng: random.Random) -> dict[str, Any]:
    if shard.endswith(".parquet"):
        return {
            "text": doc.text,
            "id": f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}>",
            "dump": "CC-MAIN-2024-10",
            "url": doc.url,
            "date": f"2024-02-{1 + row % 28:02d}T{row % 24:02d}:{row % 60:02d}:{row * 7 % 60:02d}Z",
            "language": "en",
        }
    return {"id": f"{shard.split('.')[0]}-{row:06d}", "url": doc.url, "text": doc.text}


def write_demo_dataset(out_dir: Path, seed: int = 7, docs: int = 3000) -> DemoInfo:
    """Write the demo dataset into `out_dir`; the same seed and size give the same bytes."""
    out_dir = Path(out_dir)
    # Shards live in their own folder so truth/subject files are never mistaken for data.
    dataset_dir = out_dir / DATASET_DIR
    dataset_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    # Small datasets (tests) do not need the full variety; pool drawing dominates their runtime.
    factory = DocFactory(Pools.build(seed, size=max(600, min(3000, docs))), rng)

    sizes = _shard_sizes(docs)
    # Spread the subject's documents evenly over the whole dataset, hence over the shards.
    subject_at = {int((k + 0.5) * docs / SUBJECT_DOCS): k for k in range(SUBJECT_DOCS)}

    truth: list[dict[str, Any]] = []
    warc_values: list[dict[str, Any]] = []
    shards: dict[str, int] = {}
    decoys: dict[str, int] = {}
    subject_docs: list[tuple[str, int]] = []
    pii_docs = 0
    index = 0
    for (name, _, kinds), n in zip(_DEMO_SHARDS, sizes, strict=True):
        generated: list[GeneratedDoc] = []
        for row in range(n):
            if index in subject_at:
                doc = subject_doc(factory, subject_at[index])
                subject_docs.append((name, row))
            else:
                doc = factory.build(factory.plan(kinds=kinds))
            generated.append(doc)
            pii_docs += bool(doc.spans)
            merge_counts(decoys, doc.decoys)
            index += 1
        shards[name] = n
        path = dataset_dir / name
        if name == WARC_SHARD:
            write_warc(path, generated, rng)
            warc_values += [
                {"shard": name, "row": row, "type": s.type, "value": d.text[s.start : s.end]}
                for row, d in enumerate(generated)
                for s in d.spans
            ]
            continue
        truth += truth_rows(name, generated)
        records = [_record(name, row, d, rng) for row, d in enumerate(generated)]
        if name.endswith(".jsonl.zst"):
            write_jsonl_zst(path, records)
        elif name.endswith(".jsonl.gz"):
            write_jsonl_gz(path, records)
        elif name.endswith(".csv"):
            write_csv(path, records)
        else:
            write_parquet(path, records)

    truth_path = out_dir / TRUTH_FILE
    truth_path.write_bytes(jsonl_bytes(truth))
    warc_path = out_dir / WARC_VALUES_FILE
    warc_path.write_bytes(jsonl_bytes(warc_values))
    subject_path = out_dir / SUBJECT_FILE
    subject_path.write_text(subject_toml(), encoding="utf-8")
    type_counts = count_types(truth)
    stats = {
        "seed": seed,
        "docs": docs,
        "pii_docs": pii_docs,
        "shards": shards,
        "types": type_counts,
        "warc_types": count_types(warc_values),
        "decoys": dict(sorted(decoys.items())),
        "subject_docs": [list(x) for x in subject_docs],
        "truth_excluded_shards": [WARC_SHARD],
        "conventions": truth_conventions(),
    }
    stats_path = out_dir / STATS_FILE
    stats_path.write_bytes(orjson.dumps(stats, option=ORJSON_OPTS | orjson.OPT_INDENT_2) + b"\n")
    from expunge.demo.sites import write_demo_sites

    sites, sites_truth = write_demo_sites(dataset_dir, out_dir)
    return DemoInfo(
        out_dir=out_dir,
        dataset=dataset_dir,
        shards=shards,
        truth=truth_path,
        truth_stats=stats_path,
        subject=subject_path,
        warc_values=warc_path,
        docs=docs,
        pii_docs=pii_docs,
        spans=len(truth),
        type_counts=type_counts,
        decoy_counts=dict(sorted(decoys.items())),
        subject_docs=tuple(subject_docs),
        sites=sites,
        sites_truth=sites_truth,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m expunge.demo OUT_DIR`: write the demo dataset and say what is where."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--no-images", action="store_true", help="skip the image dataset")
    args = parser.parse_args(argv)
    info = write_demo_dataset(args.out_dir, seed=args.seed, docs=args.docs)
    print(
        f"demo dataset: {info.dataset} ({info.docs:,} documents in {len(info.shards)} shards, "
        f"{info.pii_docs:,} with planted personal data); planted truth: {info.truth}; "
        f"planted person: {info.subject}; opt-out signals of its sites: {info.sites}"
    )
    if not args.no_images:
        from expunge.demo.images import PLANTED, write_demo_images

        images = write_demo_images(args.out_dir, seed=args.seed)
        found = sum(1 for *_, findable in PLANTED if findable)
        print(f"demo images: {images / 'dataset'} (WebDataset tars; the person's photos in "
              f"{len(PLANTED)} samples, {found} under edits a photo hash survives: "
              f"{images / 'truth.json'}); query photos: {images / 'queries'}")  # fmt: skip
