"""The image hash index: exact Hamming search against brute force, shards merged, incremental
rebuilds, damaged files, the manifest as the commit point, locations round-trip."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from expunge.errors import ExpungeError
from expunge.images import hash_index as hi
from expunge.images import hash_search as hs
from expunge.images import hash_store as st
from expunge.images.hash_index import (
    HashIndexWriter,
    HashLocation,
    ShardEntries,
    ShardFingerprint,
    open_hash_index,
)


def flip(hash_: np.ndarray, bits: np.ndarray | list[int]) -> np.ndarray:
    out = hash_.copy()
    for bit in bits:
        out[bit // 8] ^= np.uint8(1 << (bit % 8))
    return out


def brute(hashes: np.ndarray, queries: np.ndarray, max_distance: int) -> set[tuple[int, int, int]]:
    """(query, entry, distance) by unpacking bits: independent of the code under test."""
    found = set()
    for q, query in enumerate(queries):
        distance = np.unpackbits(hashes ^ query, axis=1).sum(axis=1)
        found |= {(q, int(i), int(distance[i])) for i in np.flatnonzero(distance <= max_distance)}
    return found


def spread(rng: np.random.Generator, distance: int) -> list[int]:
    """`distance` bits spread over the 16 chunks as evenly as possible: the hardest case for
    multi-index hashing (at 31, exactly one chunk is within one bit of the query)."""
    per_chunk = [distance // 16 + (1 if c < distance % 16 else 0) for c in range(16)]
    bits: list[int] = []
    for chunk, count in enumerate(rng.permutation(per_chunk)):
        bits += [chunk * 16 + int(b) for b in rng.choice(16, int(count), replace=False)]
    return bits


def planted(seed: int, count: int, queries: np.ndarray) -> np.ndarray:
    """`count` random hashes and, per query, copies at every distance 0..40 (bits chosen at
    random, and bits spread evenly over the chunks), shuffled in."""
    rng = np.random.default_rng(seed)
    near = [
        flip(query, bits)
        for query in queries
        for distance in range(41)
        for bits in (rng.choice(256, distance, replace=False), spread(rng, distance))
    ]
    hashes = np.concatenate([rng.integers(0, 256, (count, 32), dtype=np.uint8), np.array(near)])
    return hashes[rng.permutation(len(hashes))]


def entries_for(hashes: np.ndarray, tag: str) -> ShardEntries:
    n = len(hashes)
    return ShardEntries(
        hashes,
        np.arange(n) * 2 + 1,  # rows need not be dense: a row may hold no image
        [f"{tag}-{i:05d}" for i in range(n)],
        [f"https://example.org/{tag}/{i}.jpg" for i in range(n)],
        [f"caption {i} of {tag}" for i in range(n)],
    )


def fp(tag: str, content: bytes = b"") -> ShardFingerprint:
    """A made-up shard file's fingerprint: content decides it, as a file's sha256 would."""
    return ShardFingerprint(
        len(content), 1, "sha256:" + hashlib.sha256(tag.encode() + content).hexdigest()
    )


def build(
    directory: Path, shards: dict[str, np.ndarray], mih_min: int = 0, **kwargs: object
) -> hi.CommitStats:
    writer = HashIndexWriter(directory, mih_min_entries=mih_min, **kwargs)  # type: ignore[arg-type]
    for name, hashes in shards.items():
        if not writer.reuse(name, fp(name, hashes.tobytes())):
            writer.add_shard(name, fp(name, hashes.tobytes()), entries_for(hashes, name))
    return writer.commit()


def triples(index: hi.HashIndex, queries: np.ndarray, d: int) -> set[tuple[int, int, int]]:
    return {(h.query_index, h.id, h.distance) for h in index.search(queries, d)}


@pytest.fixture(scope="module")
def queries() -> np.ndarray:
    return np.random.default_rng(7).integers(0, 256, (8, 32), dtype=np.uint8)


@pytest.mark.parametrize("mih_min", [0, 10**9], ids=["tables", "scan"])
def test_search_is_exact(tmp_path: Path, queries: np.ndarray, mih_min: int) -> None:
    hashes = planted(1, 20_000, queries)
    shards = {"a": hashes[:9000], "b": hashes[9000:9000], "c": hashes[9000:]}
    build(tmp_path, shards, mih_min=mih_min)
    with open_hash_index(tmp_path) as index:
        assert len(index) == len(hashes)
        for d in (0, 1, 15, 16, 17, 31, 32, 47, 48, 70):
            assert triples(index, queries, d) == brute(hashes, queries, d), d
        at_31 = triples(index, queries, 31)
        # every planted distance up to 31 is found for every query, none of 32 or more
        for q in range(len(queries)):
            assert {d for qq, _, d in at_31 if qq == q} == set(range(32))
        ordered = index.search(queries, 31)
        assert ordered == sorted(ordered, key=lambda h: (h.query_index, h.distance, h.id))


def test_tables_match_a_sort_and_merge_streams(
    tmp_path: Path, queries: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tiny copy steps and table budget (many blocks and passes) give the same file as one
    step, and the tables equal a stable sort of each chunk."""
    hashes = planted(2, 3000, queries)
    shards = {"a": hashes[:1000], "b": hashes[1000:2500], "c": hashes[2500:]}
    build(tmp_path / "one", shards)
    monkeypatch.setattr(hi, "COPY_STEP", 37)
    monkeypatch.setattr(hs, "TABLE_BUDGET", 5000)
    build(tmp_path / "many", shards)
    (one,) = (tmp_path / "one" / st.MERGED).iterdir()
    (many,) = (tmp_path / "many" / st.MERGED).iterdir()
    assert one.read_bytes() == many.read_bytes()
    segment = st.open_segment(one, st.MERGED_ARRAYS)
    table = segment.arrays["mih_table"].reshape(16, -1)
    values = hashes.view("<u2")
    for chunk in range(16):
        assert np.array_equal(table[chunk], np.argsort(values[:, chunk], kind="stable"))
    segment.close()


def test_locations_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    odd = [
        "Zoë’s café 🍰 — مرحبا بالعالم",
        "",
        "e\u0301 combining, \u200f rtl mark, tab\tnew\nline",
        "file-\udcff-undecodable",  # a file name read with surrogateescape
        "x" * 1000,
    ]
    writer = HashIndexWriter(tmp_path, aux_width=8)
    names = ["shard/00000.tar", "naïve 00001.parquet"]
    expected: list[tuple[HashLocation, bytes, int | None]] = []
    for s, name in enumerate(names):
        n = len(odd)
        hashes = rng.integers(0, 256, (n, 32), dtype=np.uint8)
        aux = rng.integers(0, 256, (n, 8), dtype=np.uint8)
        keys = [f"{s}{o[:20]}" for o in odd]
        urls = [f"https://ex.org/{o}" for o in odd]
        quality = [100, 0, 55, 255, 99] if s else None
        writer.add_shard(
            name, fp(name), ShardEntries(hashes, [5, 6, 7, 9, 1000], keys, urls, odd, quality, aux)
        )
        for i in range(n):
            location = HashLocation(name, [5, 6, 7, 9, 1000][i], keys[i], urls[i], odd[i][:300])
            q = None if quality is None or quality[i] == 255 else quality[i]
            expected.append((location, bytes(aux[i]), q))
    writer.commit()
    with open_hash_index(tmp_path) as index:
        assert [s.name for s in index.shards] == names
        for i, (location, aux_bytes, stored_quality) in enumerate(expected):
            assert index.location(i) == location
            assert index.aux_of(i) == aux_bytes
            assert index.quality_of(i) == stored_quality
        assert len(index.location(4).caption) == st.CAPTION_CHARS
        with pytest.raises(IndexError):
            index.location(len(expected))


def test_incremental_reuse_replace_remove(tmp_path: Path, queries: np.ndarray) -> None:
    rng = np.random.default_rng(4)
    shards = {n: rng.integers(0, 256, (500, 32), dtype=np.uint8) for n in "abc"}
    stats = build(tmp_path, shards)
    assert stats.added == ["a", "b", "c"] and stats.merged

    again = build(tmp_path, shards)
    assert again.reused == ["a", "b", "c"] and not again.added and not again.merged

    # b is replaced (new content, new fingerprint) by hashes near the queries
    shards["b"] = np.array([flip(q, [1, 2, 3]) for q in queries])
    changed = build(tmp_path, shards)
    assert changed.reused == ["a", "c"] and changed.added == ["b"] and changed.merged
    with open_hash_index(tmp_path) as index:
        hits = index.search(queries, 31)
        assert {(h.query_index, index.location(h.id).shard, h.distance) for h in hits} >= {
            (q, "b", 3) for q in range(8)
        }
        assert [s.entries for s in index.shards] == [500, 8, 500]

    del shards["a"]
    dropped = build(tmp_path, shards)
    assert dropped.removed == ["a"] and dropped.reused == ["b", "c"]
    manifest = json.loads((tmp_path / st.MANIFEST).read_bytes())
    on_disk = {f"{d}/{p.name}" for d in (st.SHARDS, st.MERGED) for p in (tmp_path / d).iterdir()}
    assert on_disk == {s["file"] for s in manifest["shards"]} | {manifest["merged"]["file"]}

    other = build(tmp_path, shards, settings={"hash": "pdq", "variant": 2})
    assert other.added == ["b", "c"] and not other.reused  # other settings: hashed again


def test_fingerprint_reads_only_moved_files_and_changes(tmp_path: Path) -> None:
    shard = tmp_path / "00000.tar"
    shard.write_bytes(b"one")
    first = hi.file_fingerprint(shard)
    assert first.sha256.startswith("sha256:") and first.size == 3
    fake = ShardFingerprint(3, first.mtime_ns, "sha256:" + "0" * 64)
    assert hi.file_fingerprint(shard, fake) is fake  # same size and mtime: not read
    index_dir = tmp_path / "idx"
    writer = HashIndexWriter(index_dir)
    writer.add_shard("00000.tar", writer.fingerprint("00000.tar", shard), entries_for(
        np.zeros((1, 32), np.uint8), "t"
    ))  # fmt: skip
    writer.commit()
    with open_hash_index(index_dir) as index:
        assert index.changes({"00000.tar": shard}) == []
        shard.write_bytes(b"two")
        assert index.changes({"00000.tar": shard, "00001.tar": shard}) == [
            "shard 00001.tar was added since the index was built",
            "shard 00000.tar changed since the index was built",
        ]
        assert index.changes({}) == ["shard 00000.tar was removed since the index was built"]


def test_segment_written_by_a_worker(tmp_path: Path, queries: np.ndarray) -> None:
    writer = HashIndexWriter(tmp_path)
    path = writer.segment_path("s", fp("s"))
    hi.write_shard_segment(path, entries_for(queries, "s"))  # e.g. inside a pool job
    writer.add_segment("s", fp("s"), info={"bad_rows": 2})
    writer.commit()
    with open_hash_index(tmp_path) as index:
        assert index.shards[0].info == {"bad_rows": 2}
        assert {(h.query_index, h.id) for h in index.search(queries, 0)} == {
            (q, q) for q in range(8)
        }


def one_line_error(directory: Path) -> str:
    with pytest.raises(ExpungeError) as caught:
        open_hash_index(directory)
    text = str(caught.value)
    assert "\n" not in text and "expunge images index" in text
    return text


def test_damaged_or_missing_index_is_one_clear_error(tmp_path: Path, queries: np.ndarray) -> None:
    assert "no manifest.json" in one_line_error(tmp_path / "nothing")
    build(tmp_path, {"a": queries, "b": queries})
    manifest = json.loads((tmp_path / st.MANIFEST).read_bytes())
    merged = tmp_path / manifest["merged"]["file"]
    good = merged.read_bytes()

    merged.write_bytes(good[: len(good) // 2])
    assert f"{merged} is damaged (truncated)" in one_line_error(tmp_path)
    merged.write_bytes(b"\0" * len(good))
    assert "not a segment of this version" in one_line_error(tmp_path)
    merged.write_bytes(good[:40])
    assert "truncated header" in one_line_error(tmp_path)
    merged.unlink()
    assert f"{merged} is missing" in one_line_error(tmp_path)
    merged.write_bytes(good)
    open_hash_index(tmp_path).close()

    shard_file = tmp_path / manifest["shards"][0]["file"]
    shard_file.write_bytes(shard_file.read_bytes()[:100])
    stats = build(tmp_path, {"a": queries, "b": queries})
    assert stats.added == ["a"] and stats.reused == ["b"]  # a damaged segment is rebuilt

    (tmp_path / st.MANIFEST).write_text("{not json")
    assert "manifest.json is damaged" in one_line_error(tmp_path)
    (tmp_path / st.MANIFEST).write_text(json.dumps({**manifest, "version": 99}))
    assert "another version" in one_line_error(tmp_path)
    (tmp_path / st.MANIFEST).write_text(json.dumps({"version": 3, "shards": []}))
    assert "is not an image hash index" in one_line_error(tmp_path)


def test_crash_before_manifest_leaves_old_index(
    tmp_path: Path, queries: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(5)
    old = {"a": rng.integers(0, 256, (300, 32), dtype=np.uint8)}
    build(tmp_path, old)
    with open_hash_index(tmp_path) as index:
        before = triples(index, queries, 31)
    new = {"a": queries, "b": queries}

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # killed after the segments, before the manifest

    monkeypatch.setattr(hi, "write_json_atomic", crash)
    with pytest.raises(KeyboardInterrupt):
        build(tmp_path, new)
    assert len(list((tmp_path / st.SHARDS).iterdir())) == 3  # new segments were written
    with open_hash_index(tmp_path) as index:
        assert len(index) == 300 and triples(index, queries, 31) == before
    monkeypatch.undo()
    build(tmp_path, new)
    with open_hash_index(tmp_path) as index:
        assert len(index) == 16 and len(triples(index, queries, 0)) == 16
    assert len(list((tmp_path / st.SHARDS).iterdir())) == 2  # the strays are gone


def test_empty_index_and_bad_queries(tmp_path: Path, queries: np.ndarray) -> None:
    HashIndexWriter(tmp_path).commit()
    with open_hash_index(tmp_path) as index:
        assert len(index) == 0 and index.search(queries) == []
        with pytest.raises(ValueError):
            index.search(queries[:, :16])
    with pytest.raises(ValueError):
        hi.write_shard_segment(tmp_path / "x.seg", entries_for(queries[:, :16], "x"))
    assert not (tmp_path / "x.seg").exists()


def test_many_queries_in_batches(tmp_path: Path, queries: np.ndarray) -> None:
    hashes = planted(6, 2000, queries)
    many = np.concatenate([queries, hashes[::13][:150]])  # > QUERY_BATCH queries
    build(tmp_path, {"a": hashes})
    with open_hash_index(tmp_path) as index:
        assert triples(index, many, 31) == brute(hashes, many, 31)


def test_build_deletes_only_its_own_files(tmp_path: Path, queries: np.ndarray) -> None:
    (tmp_path / st.SHARDS).mkdir()
    mine = tmp_path / st.SHARDS / "notes.txt"
    mine.write_text("not the index's")
    stray = tmp_path / st.SHARDS / ".abc.seg.123.ff.tmp"  # a crashed atomic write
    stray.write_text("")
    build(tmp_path, {"a": queries})
    assert mine.exists() and not stray.exists()


def test_a_directory_of_other_files_is_not_taken_for_an_index(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    with pytest.raises(ExpungeError, match="is not an index and holds other files"):
        hi.HashIndexWriter(tmp_path / "mine")
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["notes.txt"]
