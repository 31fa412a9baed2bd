"""`index build` with bounded memory: a shard spilled to sorted runs and merged from disk, and
the shard segments merged in rounds and pieces, give the very files (byte for byte) of the
in-memory build, and the same lookups. The reference is the in-memory merge the index used
before (one lexsort of every shard's keys), kept here as `reference_merge`."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import expunge.index.build as index_module
from expunge.index import build_index, lookup, store
from expunge.index.build import _merge, _merge_sorted, _rounds
from expunge.subject import parse_subject

FIRST = ["John", "Mary", "Ana", "Li", "Omar", "Jane", "Zoe", "Ivan"]
LAST = ["Smith", "Doe", "Roe", "Silva", "Chen", "Novak", "Okafor", "Berg"]
WORDS = ["the", "photo", "of", "new", "post", "today", "great", "and", "with", "love", "zap"]

SUBJECTS = [
    parse_subject(data, "test")
    for data in (
        {"id": "jd", "names": ["John Doe"], "emails": ["john.doe7@example.com"]},
        {"id": "ms", "names": ["Mary Silva"], "handles": ["@MarySilva"]},
        {"id": "an", "names": ["Ana"]},
        {"id": "lc", "names": ["Li Chen"], "phones": ["+1 415 555 0004"]},
        {"id": "zz", "names": ["Zed Zulu"], "emails": ["nobody@absent.example"]},
    )
]


def texts_for(seed: int, count: int) -> list[str]:
    """Short posts with names, words, emails, handles, phones, initials, some with no key."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        words = " ".join(rng.choices(WORDS, k=rng.randint(1, 6)))
        shape = n % 7
        if shape == 0:
            out.append(f"{first} {last}: {words}")
        elif shape == 1:
            out.append(f"{words} mail {first}.{last}{n % 13}@example.com")
        elif shape == 2:
            out.append(f"{words} @{first}{last} says hi")
        elif shape == 3:
            out.append(f"{first[0]}. {last} wrote {words} {rng.random():.6f}")
        elif shape == 4:
            out.append(f"call {first} on +1 415 555 {n % 10000:04d} {words}")
        elif shape == 5:
            out.append("!!! 7 ...")  # no key at all
        else:
            out.append(f"{first} {words} w{rng.randint(0, 5000)}")  # many rare words
    return out


def write_jsonl(path: Path, texts: list[str]) -> None:
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for number, count in enumerate((1200, 700, 1900)):
        write_jsonl(data / f"part-{number}.jsonl", texts_for(number, count))
    write_jsonl(data / "part-3.jsonl", ["!!!", "..."])  # a shard without a single key
    return data


def files_of(index: Path) -> dict[str, bytes]:
    """Every file of an index but the manifest (it holds the build time), by relative path."""
    return {
        str(p.relative_to(index)): p.read_bytes()
        for p in sorted(index.rglob("*"))
        if p.is_file() and p.name != store.MANIFEST
    }


def same_secret(source: Path, index: Path) -> None:
    index.mkdir(parents=True)
    (index / store.SECRET).write_bytes((source / store.SECRET).read_bytes())


def reference_merge(
    sources: list[store.Segment],
    bases: list[int],
    target: Path,
    ids_type: np.dtype[Any],
    meta: dict[str, Any],
    base: np.ndarray | None = None,
) -> None:
    """The merge as it was: every source's keys concatenated and lexsorted in memory, the
    postings scattered through the memory maps of the output."""
    his = np.concatenate([s.arrays["hi"] for s in sources])
    los = np.concatenate([s.arrays["lo"] for s in sources])
    kinds = np.concatenate([s.arrays["kind"] for s in sources])
    counts = np.concatenate([np.diff(s.arrays["start"]) for s in sources])
    order = np.lexsort((los, his))
    his, los, counts = his[order], los[order], counts[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (his[1:] != his[:-1]) | (los[1:] != los[:-1])
    dest = np.cumsum(counts) - counts
    total = int(counts.sum())
    keys = int(first.sum())
    start = np.empty(keys + 1, dtype=np.int64)
    start[:-1] = dest[first]
    start[-1] = total
    block_dest = np.empty(len(order), dtype=np.int64)
    block_dest[order] = dest
    if "keys" in meta:
        meta = {**meta, "keys": keys}
    layout = index_module.segment_layout(keys, total, ids_type, base)
    with store.SegmentWriter(target, layout, meta) as out:
        if keys:
            out.arrays["hi"][:] = his[first]
            out.arrays["lo"][:] = los[first]
            out.arrays["kind"][:] = kinds[order][first]
            out.arrays["start"][:] = start
        if base is not None:
            out.arrays["base"][:] = base
        postings = out.arrays["postings"]
        done = 0
        for number, seg in enumerate(sources):
            rows = seg.arrays["postings"]
            sizes = np.diff(seg.arrays["start"])
            shift = block_dest[done : done + len(sizes)] - seg.arrays["start"][:-1]
            done += len(sizes)
            where = np.repeat(shift, sizes) + np.arange(len(rows), dtype=np.int64)
            postings[where] = rows.astype(ids_type) + np.asarray(bases[number], ids_type)
        del postings
        out.commit()


def reference_merged(index: Path, target: Path) -> bytes:
    """The merged segment of an index's shard segments, written by `reference_merge`."""
    manifest = json.loads((index / store.MANIFEST).read_text())
    files = [s["file"] for s in manifest["shards"]]
    sources = [store.open_segment(index / f, store.SHARD_ARRAYS) for f in files]
    base = np.zeros(len(sources) + 1, dtype=np.uint64)
    np.cumsum([int(s.meta["span"]) for s in sources], out=base[1:])
    total = sum(len(s.arrays["postings"]) for s in sources)
    meta = {"sources": files, "entries": total, "keys": 0}
    reference_merge(sources, base[:-1].tolist(), target, np.dtype("<u4"), meta, base)
    return target.read_bytes()


# ------------------------------------------------------------------------------ the build


def test_spilled_shards_give_the_same_index(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "plain"
    build_index(str(dataset), plain, workers=1)
    runs: list[str] = []
    write_segment = store.write_segment

    def counting(path: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        if path.name.startswith(".run-"):
            runs.append(path.name)
        write_segment(path, arrays, meta)

    monkeypatch.setattr(store, "write_segment", counting)
    monkeypatch.setattr(index_module, "BATCH_RECORDS", 16)  # the budget is checked per batch
    for entries, keys in ((97, 10**9), (10**9, 31), (1, 1)):
        monkeypatch.setattr(index_module, "SPILL_ENTRIES", entries)
        monkeypatch.setattr(index_module, "SPILL_KEYS", keys)
        runs.clear()
        spilled = tmp_path / f"spilled-{entries}-{keys}"
        same_secret(plain, spilled)
        stats = build_index(str(dataset), spilled, workers=1)
        assert len(runs) > 30  # each shard went through many runs
        assert files_of(spilled) == files_of(plain)  # segments and merged segment, bytes
        assert not [p for p in (spilled / store.SHARDS).iterdir() if p.name.startswith(".")]
        assert stats.records == 1200 + 700 + 1900 + 2
        assert lookup(spilled, SUBJECTS) == lookup(plain, SUBJECTS)
    assert lookup(plain, SUBJECTS)  # the subjects are there


def test_merge_in_rounds_and_pieces_is_the_in_memory_merge(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "idx"
    build_index(str(dataset), index, workers=1)
    manifest = json.loads((index / store.MANIFEST).read_text())
    merged = index / manifest["merged"]["file"]
    expected = reference_merged(index, tmp_path / "reference.seg")
    assert merged.read_bytes() == expected  # the default budgets
    for keys, postings in ((1, 1), (3, 7), (64, 5), (10**9, 3), (5, 10**9)):
        monkeypatch.setattr(index_module, "MERGE_KEYS", keys)
        monkeypatch.setattr(index_module, "MERGE_POSTINGS", postings)
        merged.unlink()
        entry, written = _merge(index, manifest["shards"])
        assert written and entry == manifest["merged"]
        assert merged.read_bytes() == expected, (keys, postings)
    assert lookup(index, SUBJECTS)


def test_build_reports_its_size_on_disk(dataset: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    stats = build_index(str(dataset), index, workers=1)
    files = [p for p in index.rglob("*") if p.is_file()]
    assert stats.disk_bytes == sum(p.stat().st_size for p in files) > 0
    merged = [p for p in files if p.parent.name == store.MERGED]
    assert len(merged) == 1 and stats.merged_bytes == merged[0].stat().st_size
    again = build_index(str(dataset), index, workers=1)  # nothing to do: same files
    assert again.merged_bytes == stats.merged_bytes
    assert abs(again.disk_bytes - stats.disk_bytes) < 50  # the manifest's build time


# ---------------------------------------------------------------- the merge on random data


def random_segments(folder: Path, seed: int, count: int) -> tuple[list[store.Segment], list[int]]:
    """Sorted segments over a shared pool of keys (many share `hi` and differ in `lo`, so
    a round's bound must compare both), with postings of 1 up to `span` rows per key."""
    rng = np.random.default_rng(seed)
    pool_hi = rng.integers(0, 2**64, 12, dtype=np.uint64, endpoint=False)
    pool = np.unique(
        np.stack(
            [
                rng.choice(pool_hi, 400),
                rng.integers(0, 2**64, 400, dtype=np.uint64, endpoint=False),
            ]
        ),
        axis=1,
    )
    sources = []
    spans = []
    for number in range(count):
        span = int(rng.integers(1, 300))
        take = np.sort(rng.choice(pool.shape[1], int(rng.integers(0, 120)), replace=False))
        # np.unique sorted the columns by (hi, lo): so are the taken keys.
        hi, lo = pool[0, take], pool[1, take]
        sizes = [
            int(rng.integers(1, span + 1))
            if rng.random() < 0.1
            else 1 + int(rng.integers(0, min(span, 4)))
            for _ in take
        ]
        rows = [np.sort(rng.choice(span, size, replace=False)) for size in sizes]
        start = np.zeros(len(take) + 1, dtype=np.int64)
        np.cumsum(sizes, out=start[1:])
        path = folder / f"s{number}.seg"
        store.write_segment(
            path,
            {
                "hi": hi,
                "lo": lo,
                "kind": rng.integers(0, 6, len(take)).astype(np.int8),
                "start": start,
                "postings": (np.concatenate(rows) if rows else np.empty(0)).astype(np.uint32),
            },
            {"span": span},
        )
        sources.append(store.open_segment(path, store.SHARD_ARRAYS))
        spans.append(span)
    return sources, spans


@pytest.mark.parametrize("seed", range(6))
def test_random_merges_equal_the_reference(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources, spans = random_segments(tmp_path, seed, count=1 + seed * 3)
    bases = np.cumsum([0, *spans]).tolist()
    wide = seed % 2 == 1  # record ids past 2^32: 64-bit postings
    if wide:
        bases = [b + (1 << 33) for b in bases]
    ids_type = np.dtype("<u8" if wide else "<u4")
    base = np.asarray(bases, np.uint64)
    meta = {"sources": ["x"], "entries": 0, "keys": 0}
    expected_path = tmp_path / "reference.seg"
    reference_merge(sources, bases[:-1], expected_path, ids_type, meta, base)
    expected = expected_path.read_bytes()
    for keys, postings in ((1, 1), (2, 3), (17, 11), (10**6, 10**6)):
        monkeypatch.setattr(index_module, "MERGE_KEYS", keys)
        monkeypatch.setattr(index_module, "MERGE_POSTINGS", postings)
        target = tmp_path / f"merged-{keys}-{postings}.seg"
        _merge_sorted(sources, bases[:-1], target, ids_type, meta, base)
        assert target.read_bytes() == expected, (keys, postings)
    # Shard-segment shape (no base array, meta without keys), as a spilled shard uses it.
    reference_merge(sources, [0] * len(sources), expected_path, np.dtype("<u4"), {"rows": 1})
    monkeypatch.setattr(index_module, "MERGE_KEYS", 5)
    _merge_sorted(sources, [0] * len(sources), tmp_path / "s.seg", np.dtype("<u4"), {"rows": 1})
    assert (tmp_path / "s.seg").read_bytes() == expected_path.read_bytes()


def test_rounds_stay_within_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources, _ = random_segments(tmp_path, 11, count=8)
    live = sum(1 for s in sources if s.keys)
    monkeypatch.setattr(index_module, "MERGE_KEYS", 40)
    step = 40 // live
    sizes = [len(r[0]) for r in _rounds(sources, full=False)]
    assert len(sizes) > 3
    assert max(sizes) <= live * step
    assert sum(sizes) == sum(s.keys for s in sources)
