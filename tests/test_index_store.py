"""The index's storage: per-shard segments merged into one, lookups through the merged segment
equal to lookups through the shard segments, incremental rebuilds, damaged files."""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from expunge.errors import ExpungeError
from expunge.index import IndexMatch, build_index, lookup, store
from expunge.index.keys import KeyHasher, key_hash, subject_requirements
from expunge.index.lookup import _intersect
from expunge.subject import SubjectProfile, parse_subject

FIRST = ["John", "Mary", "Ana", "Li", "Omar", "Jane"]
LAST = ["Smith", "Doe", "Roe", "Silva", "Chen", "Novak"]
WORDS = ["the", "a", "photo", "of", "new", "post", "today", "great", "and", "with", "love"]


def write_jsonl(path: Path, texts: list[str]) -> None:
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))


def texts_for(seed: int, count: int) -> list[str]:
    """Short posts: common first names and words, a few identifiers."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        words = " ".join(rng.choices(WORDS, k=5))
        shape = n % 6
        if shape == 0:
            out.append(f"{first} {last}: {words}")
        elif shape == 1:
            out.append(f"{words} mail {first}.{last}@example.com")
        elif shape == 2:
            out.append(f"{words} @{first}{last} says hi")
        elif shape == 3:
            out.append(f"{first[0]}. {last} wrote {words}")
        elif shape == 4:
            out.append(f"call {first} on +1 415 555 {n % 10000:04d} {words}")
        else:
            out.append(f"{first} {words}")
    return out


SUBJECTS = [
    parse_subject(data, "test")
    for data in (
        {"id": "jd", "names": ["John Doe"], "emails": ["john.doe@example.com"]},
        {"id": "ms", "names": ["Mary Silva"], "handles": ["@MarySilva"]},
        {"id": "an", "names": ["Ana"]},  # one common word: thousands of weak matches
        {"id": "zz", "names": ["Zed Zulu"], "emails": ["nobody@absent.example"]},
        {"id": "lc", "names": ["Li Chen"], "phones": ["+1 415 555 0004"]},
    )
]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for number, count in enumerate((1500, 900, 2100)):
        write_jsonl(data / f"part-{number}.jsonl", texts_for(number, count))
    return data


def triples(seg: store.Segment, shard_of_posting: np.ndarray, rows: np.ndarray) -> set[tuple]:
    sizes = np.diff(seg.arrays["start"])
    hi = np.repeat(seg.arrays["hi"], sizes)
    lo = np.repeat(seg.arrays["lo"], sizes)
    kind = np.repeat(seg.arrays["kind"], sizes)
    return set(
        zip(hi.tolist(), lo.tolist(), kind.tolist(), shard_of_posting.tolist(), rows.tolist())
    )


def test_merged_segment_holds_exactly_the_shard_segments(dataset: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    build_index(str(dataset), index, workers=1)
    manifest = json.loads((index / "manifest.json").read_text())
    expected: set[tuple] = set()
    for number, entry in enumerate(manifest["shards"]):
        seg = store.open_segment(index / entry["file"], store.SHARD_ARRAYS)
        assert seg.meta["span"] == entry["span"] == entry["rows"]
        rows = seg.arrays["postings"].astype(np.int64)
        expected |= triples(seg, np.full(len(rows), number), rows)
    merged = store.open_segment(index / manifest["merged"]["file"], store.MERGED_ARRAYS)
    ids = merged.arrays["postings"].astype(np.int64)
    base = merged.arrays["base"].astype(np.int64)
    shard = np.searchsorted(base, ids, side="right") - 1
    assert triples(merged, shard, ids - base[shard]) == expected
    assert merged.meta["entries"] == len(expected) == manifest["merged"]["entries"]
    # Keys strictly ascending as (hi, lo); each key's record ids strictly ascending.
    hi, lo = merged.arrays["hi"], merged.arrays["lo"]
    assert np.all((hi[1:] > hi[:-1]) | ((hi[1:] == hi[:-1]) & (lo[1:] > lo[:-1])))
    start = merged.arrays["start"]
    assert all(np.all(np.diff(ids[a:b]) > 0) for a, b in itertools.pairwise(start))


def reference_lookup(index: Path, subjects: list[SubjectProfile]) -> list[IndexMatch]:
    """The same answer from the per-shard segments, with Python sets: the rule spelled out."""
    from expunge.confidence import level as _level

    manifest = json.loads((index / "manifest.json").read_text())
    secret = store.load_secret(index, create=False)
    kinds_of: dict[tuple[int, str, int], set[str]] = {}
    for entry in manifest["shards"]:
        seg = store.open_segment(index / entry["file"], store.SHARD_ARRAYS)
        postings: dict[bytes, set[int]] = {}
        for i in range(seg.keys):
            digest = int(seg.arrays["hi"][i]).to_bytes(8, "big") + int(
                seg.arrays["lo"][i]
            ).to_bytes(8, "big")
            rows = seg.arrays["postings"][seg.arrays["start"][i] : seg.arrays["start"][i + 1]]
            postings[digest] = set(rows.tolist())
        for req in subject_requirements(subjects):
            rows_sets = [postings.get(key_hash(secret, *key), set()) for key in req.keys]
            for row in set.intersection(*rows_sets):
                kinds_of.setdefault((req.subject, entry["name"], row), set()).add(req.kind)
    matches = [
        IndexMatch(subjects[s].id, shard, row, _level(kinds), tuple(sorted(kinds)))
        for (s, shard, row), kinds in kinds_of.items()
    ]
    return sorted(matches, key=lambda m: (m.subject, m.shard, m.row))


def test_lookup_equals_the_per_shard_answer(dataset: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    build_index(str(dataset), index, workers=1)
    got = lookup(index, SUBJECTS)
    assert got == reference_lookup(index, SUBJECTS)
    levels = {(m.subject, m.confidence) for m in got}
    assert {("jd", "strong"), ("ms", "medium"), ("an", "weak"), ("lc", "strong")} <= levels
    assert sum(m.subject == "an" for m in got) > 500  # a common name: many postings
    assert not [m for m in got if m.subject == "zz"]
    one_by_one = [m for s in SUBJECTS for m in lookup(index, [s])]
    assert sorted(one_by_one, key=lambda m: (m.subject, m.shard, m.row)) == got


def test_incremental_add_change_remove_equal_a_fresh_build(dataset: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    build_index(str(dataset), index, workers=1)
    merged = list((index / "merged").iterdir())
    again = build_index(str(dataset), index, workers=1)
    assert not again.built and again.merge_seconds == 0
    assert list((index / "merged").iterdir()) == merged

    def same_as_fresh(name: str) -> None:
        fresh = tmp_path / f"fresh-{name}"
        build_index(str(dataset), fresh, workers=1)
        assert lookup(index, SUBJECTS, str(dataset)) == lookup(fresh, SUBJECTS) != []
        assert len(list((index / "merged").iterdir())) == 1
        assert len(list((index / "shards").iterdir())) == len(list(dataset.iterdir()))

    write_jsonl(dataset / "part-9.jsonl", texts_for(9, 700))  # added last
    stats = build_index(str(dataset), index, workers=1)
    assert stats.built == ["part-9.jsonl"] and stats.merge_seconds > 0
    assert list((index / "merged").iterdir()) != merged
    same_as_fresh("added")

    write_jsonl(dataset / "part-1.jsonl", texts_for(11, 1200))  # changed, more rows
    assert build_index(str(dataset), index, workers=1).built == ["part-1.jsonl"]
    same_as_fresh("changed")

    (dataset / "part-0.jsonl").unlink()  # removed first: every record id moves
    stats = build_index(str(dataset), index, workers=1)
    assert stats.removed == ["part-0.jsonl"] and not stats.built
    same_as_fresh("removed")
    assert not [p for p in index.rglob("*") if ".tmp" in p.name or p.name.startswith(".")]


def merged_file(index: Path) -> Path:
    return index / json.loads((index / "manifest.json").read_text())["merged"]["file"]


def one_line_error(index: Path, dataset: Path | None = None) -> ExpungeError:
    with pytest.raises(ExpungeError) as error:
        lookup(index, SUBJECTS[:1], None if dataset is None else str(dataset))
    assert "\n" not in str(error.value)
    return error.value


def test_damaged_or_missing_segments_are_one_clear_error(dataset: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    build_index(str(dataset), index, workers=1)
    good = lookup(index, SUBJECTS)
    path = merged_file(index)
    original = path.read_bytes()

    path.write_bytes(original[: len(original) // 2])
    error = one_line_error(index)
    assert error.message == f"index file {path} is damaged (truncated)"
    assert error.fix == f"build the index again: expunge index build DATASET --out {index}"

    path.write_bytes(b"PAR1" + original[4:])
    assert "not a segment of this version" in one_line_error(index).message
    path.write_bytes(original[:12] + b"{not json" + original[21:])
    assert "bad header" in one_line_error(index).message
    path.write_bytes(b"")
    assert "too short" in one_line_error(index).message

    path.unlink()
    assert one_line_error(index).message == f"index file {path} is missing"
    stats = build_index(str(dataset), index, workers=1)  # a rebuild repairs it
    assert not stats.built and stats.merge_seconds > 0
    assert lookup(index, SUBJECTS) == good

    # A damaged shard segment is indexed again; the merged one is rewritten from it.
    manifest = json.loads((index / "manifest.json").read_text())
    shard_seg = index / manifest["shards"][1]["file"]
    shard_seg.write_bytes(shard_seg.read_bytes()[:100])
    stats = build_index(str(dataset), index, workers=1)
    assert stats.built == [manifest["shards"][1]["name"]]
    assert lookup(index, SUBJECTS) == good


def test_damaged_segment_through_the_cli_is_one_line(dataset: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    build_index(str(dataset), index, workers=1)
    merged_file(index).write_bytes(b"EXPIDX")
    profile = tmp_path / "me.json"
    profile.write_text(json.dumps({"names": ["John Doe"]}))
    done = subprocess.run(
        [sys.executable, "-m", "expunge.cli", "find", "--subject", str(profile), "--index",
         str(index)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("error: index file ")
    assert "is damaged (too short)" in " ".join(done.stderr.split())


def test_an_index_of_another_version_is_not_an_index(dataset: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    build_index(str(dataset), index, workers=1)
    manifest = json.loads((index / "manifest.json").read_text())
    manifest["version"] = 1
    (index / "manifest.json").write_text(json.dumps(manifest))
    error = one_line_error(index)
    assert error.message == f"{index} is not an index built by this version of expunge"
    stats = build_index(str(dataset), index, workers=1)  # an old index is rebuilt in full
    assert len(stats.built) == 3
    assert lookup(index, SUBJECTS)


def test_manifest_and_merged_segment_must_agree(dataset: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    build_index(str(dataset), index, workers=1)
    manifest = json.loads((index / "manifest.json").read_text())
    manifest["shards"][0]["span"] += 1
    (index / "manifest.json").write_text(json.dumps(manifest))
    assert "does not match the manifest" in one_line_error(index).message
    del manifest["merged"]
    (index / "manifest.json").write_text(json.dumps(manifest))
    assert "no merged segment" in one_line_error(index).message


def test_segments_are_plain_arrays_without_pickles(dataset: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    build_index(str(dataset), index, workers=1)
    for path in index.rglob("*.seg"):
        data = path.read_bytes()
        assert data.startswith(store.MAGIC)
        length = int.from_bytes(data[8:12], "little")
        header = json.loads(data[12 : 12 + length])
        assert {dtype for _, dtype, _, _ in header["arrays"]} <= {"<u8", "<i8", "<u4", "|i1"}
        assert b"\x80\x04\x95" not in data[: 12 + length]  # no pickle protocol 4 header


def test_intersect_matches_numpy() -> None:
    rng = np.random.default_rng(3)
    for small, large in ((0, 10), (5, 100_000), (3000, 3000), (10_000, 50), (1, 1)):
        a = np.unique(rng.integers(0, 200_000, small)).astype(np.uint32)
        b = np.unique(rng.integers(0, 200_000, large)).astype(np.uint32)
        assert np.array_equal(_intersect(a, b), np.intersect1d(a, b))


@pytest.mark.parametrize("secret", [bytes(range(32)), b"k" * 100, b""])
def test_key_hasher_is_the_keyed_hash(secret: bytes) -> None:
    hasher = KeyHasher(secret)
    for kind, normal in (("word", b"jos\xc3\xa9"), ("email", "a@b.example"), ("phone", "+1415"),
                         ("profile", "x:j\u00f6rg"), ("initial", b"j"), ("handle", "")):  # fmt: skip
        assert hasher(kind, normal) == key_hash(secret, kind, normal)
    assert hasher.word(b"doe") == key_hash(secret, "word", b"doe")


def test_matches_are_sorted_whatever_the_subject_order(dataset: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    build_index(str(dataset), index, workers=1)
    twice = [*reversed(SUBJECTS), parse_subject({"id": "an", "names": ["Jane Roe"]}, "test")]
    got = lookup(index, twice)
    assert got == sorted(got, key=lambda m: (m.subject, m.shard, m.row))
    assert {m.subject for m in got} == {"jd", "ms", "an", "lc"}
