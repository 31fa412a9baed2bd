"""Damaged files of every format: only ExpungeError may come out of the readers, never a raw
OSError, EOFError, ZstdError, ArrowInvalid, UnicodeDecodeError or csv.Error (nor a crash)."""

from __future__ import annotations

import gzip
import io
import random
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from warcio.warcwriter import WARCWriter

from expunge.errors import ErrorPolicy, ExpungeError
from expunge.io import detect_format, read_shard
from expunge.records import FieldSpec, Shard

VARIANTS_PER_FORMAT = 40


def _samples() -> dict[str, tuple[bytes, str]]:
    jsonl = b"".join(
        orjson.dumps({"text": f"document {i} " * 20, "id": i, "url": f"https://e.example/{i}"})
        + b"\n"
        for i in range(200)
    )
    csv = b"id,text\n" + b"".join(f'{i},"doc {i} ""quoted""\nnext"\n'.encode() for i in range(200))
    table = pa.table({"text": [f"document {i} " * 20 for i in range(2000)]})
    parquet = io.BytesIO()
    pq.write_table(table, parquet, row_group_size=400)
    arrow = io.BytesIO()
    with pa.ipc.new_stream(arrow, table.schema) as writer:
        writer.write_table(table, max_chunksize=100)
    warc = io.BytesIO()
    warc_writer = WARCWriter(warc, gzip=True)
    for i in range(20):
        record = warc_writer.create_warc_record(
            f"https://e.example/{i}",
            "conversion",
            payload=io.BytesIO(f"text of page {i}".encode()),
            warc_headers_dict={"Content-Type": "text/plain"},
        )
        warc_writer.write_record(record)
    return {
        "a.jsonl": (jsonl, "jsonl"),
        "a.jsonl.gz": (gzip.compress(jsonl), "jsonl"),
        "a.jsonl.zst": (zstandard.compress(jsonl), "jsonl"),
        "a.csv.gz": (gzip.compress(csv), "csv"),
        "a.parquet": (parquet.getvalue(), "parquet"),
        "a.arrow": (arrow.getvalue(), "hf"),
        "a.warc.wet.gz": (warc.getvalue(), "wet"),
        "a.warc": (gzip.decompress(warc.getvalue()), "warc"),
    }


SAMPLES = _samples()


def _damage(data: bytes, rng: random.Random) -> bytes:
    damaged = bytearray(data)
    how = rng.choice(["cut", "flip", "zero", "insert"])
    at = rng.randrange(len(damaged))
    if how == "cut":
        return bytes(damaged[:at])
    if how == "flip":
        for _ in range(rng.randint(1, 20)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    elif how == "zero":
        span = min(rng.randint(1, 500), len(damaged) - at)
        damaged[at : at + span] = bytes(span)
    else:
        damaged[at:at] = rng.randbytes(rng.randint(1, 100))
    return bytes(damaged)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_damaged_files_only_raise_expunge_errors(tmp_path: Path, name: str) -> None:
    data, fmt = SAMPLES[name]
    rng = random.Random(name)
    path = tmp_path / name
    outcomes = set()
    for _ in range(VARIANTS_PER_FORMAT):
        path.write_bytes(_damage(data, rng))
        for mode in ("stop", "skip"):
            shard = Shard(str(path), fmt, name)
            try:
                for record in read_shard(shard, FieldSpec(), ErrorPolicy(mode)):
                    assert isinstance(record.text, str)
                outcomes.add("read")
            except ExpungeError as exc:
                assert name in str(exc)
                outcomes.add("error")
    assert "error" in outcomes  # the damage was noticed at least once


def test_detect_format_on_random_bytes_only_raises_expunge_errors(tmp_path: Path) -> None:
    rng = random.Random(3)
    path = tmp_path / "unknown"
    for size in (0, 1, 3, 4, 16, 300, 70_000):
        for prefix in (b"", b"\x1f\x8b", b"\x28\xb5\x2f\xfd", b"WARC/1.0\r\n", b"PAR1"):
            path.write_bytes(prefix + rng.randbytes(size))
            try:
                assert detect_format(str(path)) in {"jsonl", "parquet", "warc", "wet", "hf"}
            except ExpungeError as exc:
                assert str(path) in exc.message
