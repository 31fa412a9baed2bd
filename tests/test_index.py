"""The identifier index: same strong matches as a full `find` scan, no plaintext, incremental
builds, out-of-date detection."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import numpy as np
import pytest

from expunge.demo import DemoInfo, write_demo_dataset
from expunge.errors import ExpungeError
from expunge.index import build_index, lookup, store
from expunge.io import open_dataset
from expunge.scan.task import ScanConfig, scan_shard
from expunge.subject import SubjectProfile, load_subject, parse_subject

NEEDLES = (
    "ines.kbrandao@example.org",
    "kbrandao",
    "ikb@kowalczyk",
    "90182745",
    "9018",
    "913427586",
    "kowalczyk",
    "brandao",
    "brand\u00e3o",
    "inesk_brandao",
    "ikbrandao",
    "photographer",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoInfo:
    return write_demo_dataset(tmp_path_factory.mktemp("demo") / "d", docs=600)


@pytest.fixture(scope="module")
def demo_index(demo: DemoInfo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("idx") / "idx"
    stats = build_index(str(demo.dataset), out, workers=1)
    assert stats.records == demo.docs
    return out


def find_levels(dataset: str, subjects: tuple[SubjectProfile, ...]) -> dict[tuple[str, int], str]:
    """Per (shard, row): the best level a full `expunge find` scan reports."""
    order = {"weak": 0, "medium": 1, "strong": 2}
    levels: dict[tuple[str, int], str] = {}
    for shard in open_dataset(dataset).shards:
        for found in scan_shard(shard, ScanConfig(subjects=subjects)).findings:
            key, level = (shard.label, found.row), str(found.confidence)
            if order[level] > order.get(levels.get(key, "weak"), -1) or key not in levels:
                levels[key] = level
    return levels


def test_strong_matches_equal_a_full_find_scan(demo: DemoInfo, demo_index: Path) -> None:
    subject = load_subject(demo.subject)
    matches = lookup(demo_index, [subject], dataset_spec=str(demo.dataset))
    strong = {(m.shard, m.row) for m in matches if m.confidence == "strong"}
    assert demo.subject_docs and set(demo.subject_docs) <= strong
    found = find_levels(str(demo.dataset), (subject,))
    assert strong == {key for key, level in found.items() if level == "strong"}
    assert matches == sorted(matches, key=lambda m: (m.subject, m.shard, m.row))
    assert {m.subject for m in matches} == {subject.id}


def test_no_plaintext_identifier_in_any_index_file(demo: DemoInfo, demo_index: Path) -> None:
    files = [p for p in demo_index.rglob("*") if p.is_file()]
    segments = [p for p in files if p.suffix == store.SUFFIX]
    assert {p.parent.name for p in segments} == {"shards", "merged"}
    for path in files:
        contents = [path.read_bytes().lower()]
        if path.suffix == store.SUFFIX:
            merged = path.parent.name == "merged"
            seg = store.open_segment(path, store.MERGED_ARRAYS if merged else store.SHARD_ARRAYS)
            assert set(seg.arrays) == set(store.MERGED_ARRAYS if merged else store.SHARD_ARRAYS)
            assert seg.arrays["hi"].dtype == seg.arrays["lo"].dtype == np.uint64
            contents.append(repr(seg.meta).lower().encode())
            contents += [a.tobytes().lower() for a in seg.arrays.values()]
            contents += [h.lower() for h in segment_hashes(seg)]
        for content in contents:
            for needle in NEEDLES:
                assert needle.encode() not in content, (path, needle)
    secret = demo_index / "secret.key"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert len(secret.read_bytes()) == 32


def segment_hashes(seg: store.Segment) -> list[bytes]:
    """The 16-byte keys of a segment, from its two big-endian halves."""
    pairs = np.stack([seg.arrays["hi"], seg.arrays["lo"]], axis=1).astype(">u8")
    return [pairs[i].tobytes() for i in range(len(pairs))]


def test_hashes_are_keyed_per_index(demo: DemoInfo, demo_index: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    build_index(str(demo.dataset), other, workers=1)
    assert (other / "secret.key").read_bytes() != (demo_index / "secret.key").read_bytes()

    def hashes(index: Path) -> set[bytes]:
        return {
            h
            for p in (index / "shards").iterdir()
            for h in segment_hashes(store.open_segment(p, store.SHARD_ARRAYS))
        }

    assert not hashes(other) & hashes(demo_index)
    subject = load_subject(demo.subject)
    assert lookup(other, [subject]) == lookup(demo_index, [subject])


def write_jsonl(path: Path, texts: list[str]) -> None:
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))


def test_levels_follow_finds_rule(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    texts = [
        "Jane Roe went home early.",  # name alone: weak
        "Ping @janeroe about it today.",  # handle alone: medium
        "Jane Roe (@janeroe) says hi.",  # name + handle: strong
        "Jane went out alone.",  # only one word of the name: nothing
        "Call +49-30-9018-2745 after six.",  # phone, written differently: strong
        "Signed, J. Roe, who is @janeroe online.",  # initial variant + handle: strong
        "Mail Jane.Roe+news@Example.COM now.",  # canonical email: strong
        "Nothing about anyone here.",
    ]
    write_jsonl(data / "a.jsonl", texts)
    subject = parse_subject(
        {
            "id": "jr",
            "names": ["Jane Roe"],
            "handles": ["@janeroe"],
            "phones": ["+49 30 90182745"],
            "emails": ["jane.roe@example.com"],
        },
        "test",
    )
    build_index(str(data), tmp_path / "idx", workers=1)
    got = {m.row: m.confidence for m in lookup(tmp_path / "idx", [subject])}
    expected = {0: "weak", 1: "medium", 2: "strong", 4: "strong", 5: "strong", 6: "strong"}
    assert got == expected
    assert {
        row: level for (_, row), level in find_levels(str(data), (subject,)).items()
    } == expected
    other = parse_subject({"id": "zz", "names": ["Zed Zulu"]}, "test")
    both = lookup(tmp_path / "idx", [other, subject])
    assert [m.subject for m in both] == ["jr"] * len(expected)


@pytest.fixture
def demo_copy(demo: DemoInfo, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(demo.dataset, copy)
    return copy


def test_incremental_rebuild_touches_only_changed_shards(
    demo: DemoInfo, demo_copy: Path, tmp_path: Path
) -> None:
    index = tmp_path / "idx"
    subject = load_subject(demo.subject)
    first = build_index(str(demo_copy), index, workers=1)
    assert len(first.built) == len(demo.shards) and not first.reused
    before = {p.name: p.stat().st_mtime_ns for p in (index / "shards").iterdir()}

    extra = demo_copy / "extra.jsonl"
    write_jsonl(extra, ["Nothing here.", "Write to ines.kbrandao@example.org please."])
    second = build_index(str(demo_copy), index, workers=1)
    assert second.built == ["extra.jsonl"]
    assert sorted(second.reused) == sorted(demo.shards)
    after = {p.name: p.stat().st_mtime_ns for p in (index / "shards").iterdir()}
    assert {k: v for k, v in after.items() if k in before} == before and len(after) == len(
        before
    ) + 1
    strong = {
        (m.shard, m.row)
        for m in lookup(index, [subject], str(demo_copy))
        if m.confidence == "strong"
    }
    assert ("extra.jsonl", 1) in strong and ("extra.jsonl", 0) not in strong

    write_jsonl(extra, ["Call +351 913 427 586 now.", "Nothing here any more."])
    third = build_index(str(demo_copy), index, workers=1)
    assert third.built == ["extra.jsonl"]
    assert len(list((index / "shards").iterdir())) == len(before) + 1  # old file of extra gone
    strong = {
        (m.shard, m.row)
        for m in lookup(index, [subject], str(demo_copy))
        if m.confidence == "strong"
    }
    assert ("extra.jsonl", 0) in strong and ("extra.jsonl", 1) not in strong

    extra.unlink()
    fourth = build_index(str(demo_copy), index, workers=1)
    assert fourth.removed == ["extra.jsonl"] and not fourth.built
    assert {p.name for p in (index / "shards").iterdir()} == set(before)
    assert all(m.shard != "extra.jsonl" for m in lookup(index, [subject], str(demo_copy)))
    assert not [p for p in index.rglob("*") if ".tmp" in p.name or p.name.startswith(".")]


def test_lookup_detects_an_out_of_date_index(
    demo: DemoInfo, demo_copy: Path, tmp_path: Path
) -> None:
    index = tmp_path / "idx"
    subject = load_subject(demo.subject)
    shard = demo_copy / "extra.jsonl"
    write_jsonl(shard, ["Write to ines.kbrandao@example.org please."])
    build_index(str(demo_copy), index, workers=1)
    assert lookup(index, [subject], str(demo_copy))

    def stale(what: str) -> None:
        with pytest.raises(ExpungeError) as error:
            lookup(index, [subject], str(demo_copy))
        assert (
            error.value.message
            == f"index {index} is out of date: shard extra.jsonl {what} since it was built"
        )
        assert error.value.fix == f"re-run: expunge index build {demo_copy} --out {index}"

    original = shard.read_bytes()
    shard.write_bytes(original.replace(b"please", b"PLEASE"))  # same size, other content
    os.utime(shard, ns=(shard.stat().st_atime_ns, shard.stat().st_mtime_ns + 10**9))
    stale("changed")
    assert lookup(index, [subject])  # without the dataset, no check

    shard.write_bytes(original + b'{"text": "more"}\n')
    stale("changed")
    shard.unlink()
    stale("was removed")
    build_index(str(demo_copy), index, workers=1)
    write_jsonl(shard, ["new"])
    stale("was added")
    build_index(str(demo_copy), index, workers=1)
    lookup(index, [subject], str(demo_copy))


def test_parallel_build_matches_serial(demo: DemoInfo, demo_index: Path, tmp_path: Path) -> None:
    stats = build_index(str(demo.dataset), tmp_path / "idx", workers=2)
    assert stats.records == demo.docs
    subject = load_subject(demo.subject)
    assert lookup(tmp_path / "idx", [subject]) == lookup(demo_index, [subject])
