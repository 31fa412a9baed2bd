"""One big file in parts (scan/split.py): the same results as reading it whole."""

from __future__ import annotations

import io
import json
import random
from dataclasses import asdict
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from expunge.errors import ExpungeError
from expunge.executors.local import LocalExecutor
from expunge.io import open_dataset
from expunge.io.ranges import split_points
from expunge.scan.split import SplittingExecutor
from expunge.scan.task import ScanConfig, ShardJob, ShardResult
from expunge.subject import parse_subject

WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "river",
    "stone",
    "cloud",
    "paper",
    "light",
    "music",
    "garden",
]


def _text(rng: random.Random, i: int) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 200)))
    extra = ""
    if i % 7 == 0:
        extra = f" Write to person{i % 13}@example.org or call +1 415 555 {1000 + i % 50:04d}."
    if i % 11 == 0:
        extra += " Ana Lima (11) 98765-4321"
    return words + extra


def _jsonl(path: Path, n: int = 3000) -> None:
    rng = random.Random(5)
    lines = []
    for i in range(n):
        if i % 500 == 250:
            lines.append("{not json")  # a bad row
        if i % 400 == 3:
            lines.append("")  # a blank line takes no row
        lines.append(json.dumps({"id": str(i), "text": _text(rng, i)}))
    path.write_text("\n".join(lines) + "\n")


def _warc(path: Path, n: int = 600, gz: bool = False) -> None:
    rng = random.Random(7)
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        for i in range(n):
            html = f"<html><body><p>{_text(rng, i)}</p></body></html>".encode()
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"https://s.example/{i}", "response", payload=io.BytesIO(html), http_headers=http
            )
            writer.write_record(record)


def _comparable(result: ShardResult) -> dict[str, object]:
    data = asdict(result)
    for volatile in ("seconds", "progress_bytes", "part", "checksum"):
        data.pop(volatile)
    return data


CONFIGS = {
    "scan": ScanConfig(on_error="skip"),
    "find": ScanConfig(
        on_error="skip",
        raw=True,
        subjects=(parse_subject({"names": ["Ana Lima"], "phones": ["+55 11 98765-4321"]}, "ana"),),
    ),
}


@pytest.mark.parametrize("kind", ["jsonl", "warc", "warc.gz"])
@pytest.mark.parametrize("config", ["scan", "find"])
def test_parts_give_the_whole_files_result(tmp_path: Path, kind: str, config: str) -> None:
    path = tmp_path / f"big.{kind}"
    if kind == "jsonl":
        _jsonl(path)
    else:
        _warc(path, gz=kind.endswith(".gz"))
    [shard] = open_dataset(str(path)).shards
    job = ShardJob(shard, CONFIGS[config])
    whole = next(LocalExecutor(1).map_jobs([job], None))
    split = SplittingExecutor(LocalExecutor(2), 2, min_part=len(path.read_bytes()) // 9)
    points = split_points(shard, path.stat().st_size, 5)
    assert len(points) == 5  # it really is read in parts
    [merged] = list(split.map_jobs([job], None))
    assert merged.findings and _comparable(merged) == _comparable(whole)


def test_a_bad_row_in_a_later_part_names_its_line_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    _jsonl(path)
    [shard] = open_dataset(str(path)).shards
    whole = next(LocalExecutor(1).map_jobs([ShardJob(shard, ScanConfig(on_error="skip"))], None))
    wheres = [b.where for b in whole.skipped]
    assert len(wheres) == 6
    split = SplittingExecutor(LocalExecutor(1), 2, min_part=path.stat().st_size // 9)
    [merged] = list(split.map_jobs([ShardJob(shard, ScanConfig(on_error="skip"))], None))
    assert [b.where for b in merged.skipped] == wheres
    with pytest.raises(ExpungeError, match=wheres[0]):  # stop mode: the first bad line
        list(split.map_jobs([ShardJob(shard, ScanConfig())], None))


def test_progress_moves_by_file_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import itertools

    from expunge.scan import task

    clock = itertools.count()
    monkeypatch.setattr(task.time, "monotonic", lambda: float(next(clock)))  # report every record
    path = tmp_path / "big.jsonl"
    _jsonl(path, 6000)
    [shard] = open_dataset(str(path)).shards
    seen: list[int] = []
    result = ShardJob(shard, ScanConfig(on_error="skip")).run(lambda r, t, f: seen.append(f))
    assert all(f >= 0 for f in seen) and len([f for f in seen if f]) > 1  # it moves as it reads
    assert sum(seen) == result.progress_bytes
    assert result.size // 2 < result.progress_bytes <= result.size


def test_scan_outputs_are_byte_identical_split_or_not(tmp_path: Path) -> None:
    from expunge.scan import run_scan

    path = tmp_path / "data" / "big.jsonl"
    path.parent.mkdir()
    _jsonl(path)
    dataset = open_dataset(str(path.parent))
    config = ScanConfig(on_error="skip")
    run_scan(dataset, config, LocalExecutor(1), tmp_path / "one", live_progress=False)
    split = SplittingExecutor(LocalExecutor(2), 2, min_part=path.stat().st_size // 5)
    run_scan(dataset, config, split, tmp_path / "two", live_progress=False)
    one, two = (tmp_path / d / "findings.jsonl" for d in ("one", "two"))
    assert one.read_bytes() == two.read_bytes() and one.stat().st_size > 0
    a, b = (json.loads((tmp_path / d / "summary.json").read_text()) for d in ("one", "two"))
    for summary in (a, b):
        summary.pop("seconds", None), summary.pop("started", None), summary.pop("finished", None)
        for entry in summary.get("shards", []):
            entry.pop("seconds", None)
    assert a["totals"] == b["totals"] and a.get("shards") == b.get("shards")


def test_a_json_array_file_is_not_read_in_parts(tmp_path: Path) -> None:
    from expunge.io.ranges import splittable

    path = tmp_path / "array.jsonl"
    path.write_text(
        "[\n" + ",\n".join(json.dumps({"text": "x" * 50}) for _ in range(100)) + "\n]\n"
    )
    [shard] = open_dataset(str(path)).shards
    assert not splittable(shard)
    _jsonl(tmp_path / "lines.jsonl", 10)
    [lines] = open_dataset(str(tmp_path / "lines.jsonl")).shards
    assert splittable(lines)
