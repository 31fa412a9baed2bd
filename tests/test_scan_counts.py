"""The text bytes a scan counts: the detector's UTF-8 sizes where it ran, the counter's own
count where it did not (subject search), the same either way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from expunge.records import Shard
from expunge.scan.task import ScanConfig, scan_shard
from expunge.subject import parse_subject

_TEXTS = [
    "plain ASCII, mail ana@example.org",
    "Zürich, Straße 5, café — 电话 030 12345678",
    "emoji 🙂 and a surrogate pair's worth of bytes",
    "",
]


@pytest.fixture()
def shard(tmp_path: Path) -> tuple[Shard, int]:
    path = tmp_path / "mixed.jsonl"
    # two detector batches (2,048 records each), ASCII and non-ASCII in both
    texts = [_TEXTS[i % len(_TEXTS)] + f" #{i}" for i in range(2500)]
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    return Shard(path=str(path), format="jsonl"), sum(len(t.encode("utf-8")) for t in texts)


def test_detection_counts_utf8_bytes(shard: tuple[Shard, int]) -> None:
    result = scan_shard(shard[0], ScanConfig())
    assert (result.records, result.bytes) == (2500, shard[1])


def test_a_subject_search_counts_the_same_bytes(shard: tuple[Shard, int]) -> None:
    config = ScanConfig(subjects=(parse_subject({"emails": ["ana@example.org"]}, "ana"),))
    result = scan_shard(shard[0], config)
    assert (result.records, result.bytes) == (2500, shard[1])
