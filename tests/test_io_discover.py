"""open_dataset and detect_format: files, directories, globs, Hugging Face layouts, errors."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from warcio.warcwriter import WARCWriter

from expunge.errors import ErrorPolicy, ExpungeError
from expunge.io import FORMATS, detect_format, open_dataset, read_shard
from expunge.records import FieldSpec

JSONL = b'{"text": "hello", "id": "1"}\n{"text": "world", "id": "2"}\n'


def _parquet_bytes() -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table({"text": ["p"]}), sink)
    return sink.getvalue()


def _arrow_bytes(file_format: bool) -> bytes:
    table = pa.table({"text": ["a"]})
    sink = io.BytesIO()
    new = pa.ipc.new_file if file_format else pa.ipc.new_stream
    with new(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _warc_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    writer.write_record(writer.create_warcinfo_record("x", {"software": "t"}))
    payload = io.BytesIO(b"some text")
    headers = {"Content-Type": "text/plain"}
    record = writer.create_warc_record(
        "https://e.example/", kind, payload=payload, warc_headers_dict=headers
    )
    writer.write_record(record)
    return buffer.getvalue()


def _touch(path: Path, data: bytes = JSONL) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.jsonl", "jsonl"),
        ("a.json", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("A.JSONL.GZ", "jsonl"),
        ("a.jsonl.zst", "jsonl"),
        ("a.json.zstd", "jsonl"),
        ("a.parquet", "parquet"),
        ("a.pq", "parquet"),
        ("a.csv", "csv"),
        ("a.csv.gz", "csv"),
        ("a.tsv", "tsv"),
        ("a.tsv.gz", "tsv"),
        ("a.warc", "warc"),
        ("CC-MAIN-1.warc.gz", "warc"),
        ("a.wet", "wet"),
        ("CC-MAIN-1.warc.wet.gz", "wet"),
        ("data-00000-of-00001.arrow", "hf"),
    ],
)
def test_detect_format_by_extension(tmp_path: Path, name: str, expected: str) -> None:
    # The content is deliberately not of that format: the extension alone decides.
    assert detect_format(str(_touch(tmp_path / name, b"xx"))) == expected
    assert expected in FORMATS


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (JSONL, "jsonl"),
        (b"  \n[1, 2]\n", "jsonl"),
        (gzip.compress(JSONL), "jsonl"),
        (zstandard.compress(JSONL), "jsonl"),
        (_parquet_bytes(), "parquet"),
        (_arrow_bytes(file_format=False), "hf"),
        (_arrow_bytes(file_format=True), "hf"),
        (_warc_bytes("resource"), "warc"),
        (_warc_bytes("conversion"), "wet"),
        (gzip.decompress(_warc_bytes("resource")), "warc"),
    ],
)
def test_detect_format_by_magic_bytes(tmp_path: Path, data: bytes, expected: str) -> None:
    assert detect_format(str(_touch(tmp_path / "no_extension", data))) == expected


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03binary garbage\xff", b"", b"plain words"])
def test_detect_format_rejects_what_it_cannot_read(tmp_path: Path, data: bytes) -> None:
    path = _touch(tmp_path / "mystery.bin", data)
    with pytest.raises(ExpungeError) as caught:
        detect_format(str(path))
    assert str(path) in caught.value.message
    assert ".jsonl" in caught.value.message and ".parquet" in caught.value.message
    assert "--format" in caught.value.fix


def test_single_file_dataset(tmp_path: Path) -> None:
    path = _touch(tmp_path / "data" / "part.jsonl.gz", gzip.compress(JSONL))
    dataset = open_dataset(str(path))
    assert dataset.root == str(tmp_path / "data")
    assert [(s.path, s.name, s.format) for s in dataset.shards] == [
        (str(path), "part.jsonl.gz", "jsonl")
    ]


def test_directory_walk_skips_non_data_and_sorts_names(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    _touch(root / "b" / "part-1.jsonl")
    _touch(root / "a" / "part-0.parquet", _parquet_bytes())
    _touch(root / "a" / "deeper" / "x.csv", b"text\nhi\n")
    _touch(root / "top.jsonl.zst", zstandard.compress(JSONL))
    _touch(root / "untyped", JSONL)  # no extension: sniffed
    for skipped in (
        "README.md",
        "notes.txt",
        "SOURCE",
        "LICENSE",
        "_SUCCESS",
        "_metadata",
        ".hidden.jsonl",
        ".git/objects/pack.jsonl",
        "_temporary/part-9.jsonl",
        "a/dataset_info.json",
        "loader.py",
    ):
        _touch(root / skipped, b"{}")
    _touch(root / "config.json", b'{\n  "name": "a config, not data"\n}\n')

    dataset = open_dataset(str(root))
    assert dataset.root == str(root)
    assert [(s.name, s.format) for s in dataset.shards] == [
        ("a/deeper/x.csv", "csv"),
        ("a/part-0.parquet", "parquet"),
        ("b/part-1.jsonl", "jsonl"),
        ("top.jsonl.zst", "jsonl"),
        ("untyped", "jsonl"),
    ]
    assert all(Path(s.path).is_file() for s in dataset.shards)


def test_json_files_holding_data_are_kept(tmp_path: Path) -> None:
    _touch(tmp_path / "lines.json", JSONL)
    _touch(tmp_path / "array.json", b'[\n {"text": "a"}\n]\n')
    names = [s.name for s in open_dataset(str(tmp_path)).shards]
    assert names == ["array.json", "lines.json"]


def test_glob_root_and_relative_names(tmp_path: Path) -> None:
    _touch(tmp_path / "data" / "2024" / "a.jsonl")
    _touch(tmp_path / "data" / "2024" / "sub" / "b.jsonl")
    _touch(tmp_path / "data" / "2025" / "c.jsonl")
    _touch(tmp_path / "data" / "2025" / "c.parquet", _parquet_bytes())
    _touch(tmp_path / "data" / "2025" / "README.md")

    flat = open_dataset(str(tmp_path / "data" / "*" / "*.jsonl"))
    assert flat.root == str(tmp_path / "data")
    assert [s.name for s in flat.shards] == ["2024/a.jsonl", "2025/c.jsonl"]

    deep = open_dataset(str(tmp_path / "data" / "**" / "*.jsonl"))
    assert [s.name for s in deep.shards] == ["2024/a.jsonl", "2024/sub/b.jsonl", "2025/c.jsonl"]

    dirs = open_dataset(str(tmp_path / "data" / "202*"))
    assert [s.name for s in dirs.shards] == [
        "2024/a.jsonl",
        "2024/sub/b.jsonl",
        "2025/c.jsonl",
        "2025/c.parquet",
    ]


def test_glob_that_matches_nothing(tmp_path: Path) -> None:
    with pytest.raises(ExpungeError, match="no data files match") as caught:
        open_dataset(str(tmp_path / "*.parquet"))
    assert "quote" in caught.value.fix


def test_missing_path(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.jsonl")
    with pytest.raises(ExpungeError) as caught:
        open_dataset(missing)
    assert caught.value.message == f"no such file or directory: {missing}"
    assert caught.value.fix == "check the path"


def test_directory_without_data_files(tmp_path: Path) -> None:
    _touch(tmp_path / "README.md")
    with pytest.raises(ExpungeError, match="no data files in"):
        open_dataset(str(tmp_path))


def test_unknown_file_in_a_directory_is_named(tmp_path: Path) -> None:
    _touch(tmp_path / "good.jsonl")
    _touch(tmp_path / "blob.dat", b"\x00\x01\x02 not data")
    with pytest.raises(ExpungeError) as caught:
        open_dataset(str(tmp_path))
    assert "blob.dat" in caught.value.message
    assert "--format" in caught.value.fix and "glob" in caught.value.fix


def test_explicit_format(tmp_path: Path) -> None:
    path = _touch(tmp_path / "export.dat", JSONL)
    dataset = open_dataset(str(path), format="jsonl")
    assert [s.format for s in dataset.shards] == ["jsonl"]
    records = list(read_shard(dataset.shards[0], FieldSpec(), ErrorPolicy()))
    assert [r.text for r in records] == ["hello", "world"]
    with pytest.raises(ExpungeError, match="unknown format 'xml'") as caught:
        open_dataset(str(path), format="xml")
    assert "jsonl" in caught.value.fix


def test_unknown_extension_single_file(tmp_path: Path) -> None:
    path = _touch(tmp_path / "data.xml", b"<docs><doc>hi</doc></docs>")
    with pytest.raises(ExpungeError, match=r"cannot tell the format of .*data\.xml"):
        open_dataset(str(path))


def _save_to_disk(directory: Path, texts: list[str], shards: int = 1) -> None:
    directory.mkdir(parents=True)
    files = []
    per = -(-len(texts) // shards)
    for index in range(shards):
        name = f"data-{index:05d}-of-{shards:05d}.arrow"
        table = pa.table({"text": texts[index * per : (index + 1) * per]})
        with (
            pa.OSFile(str(directory / name), "wb") as sink,
            pa.ipc.new_stream(sink, table.schema) as writer,
        ):
            writer.write_table(table)
        files.append({"filename": name})
    (directory / "state.json").write_bytes(orjson.dumps({"_data_files": files, "_split": None}))
    (directory / "dataset_info.json").write_bytes(b'{"features": {}}')


def test_hf_dataset_dict_with_splits(tmp_path: Path) -> None:
    root = tmp_path / "saved"
    _save_to_disk(root / "train", ["t1", "t2", "t3", "t4"], shards=2)
    _save_to_disk(root / "test", ["x1"])
    (root / "dataset_dict.json").write_bytes(b'{"splits": ["train", "test"]}')

    dataset = open_dataset(str(root))
    assert [(s.name, s.format) for s in dataset.shards] == [
        ("test/data-00000-of-00001.arrow", "hf"),
        ("train/data-00000-of-00002.arrow", "hf"),
        ("train/data-00001-of-00002.arrow", "hf"),
    ]
    texts = [
        record.text
        for shard in dataset.shards
        for record in read_shard(shard, FieldSpec(), ErrorPolicy())
    ]
    assert texts == ["x1", "t1", "t2", "t3", "t4"]


def test_hf_state_listing_a_missing_file(tmp_path: Path) -> None:
    _save_to_disk(tmp_path / "saved", ["a"])
    (tmp_path / "saved" / "data-00000-of-00001.arrow").unlink()
    with pytest.raises(ExpungeError, match="lists data-00000-of-00001.arrow, which does not exist"):
        open_dataset(str(tmp_path / "saved"))


def test_every_format_reads_through_one_directory(tmp_path: Path) -> None:
    """A mixed directory, end to end: discovery, detection, and reading every shard."""
    root = tmp_path / "mixed"
    _touch(root / "a.jsonl.gz", gzip.compress(JSONL))
    _touch(root / "b.parquet", _parquet_bytes())
    _touch(root / "c.tsv", b"text\turl\ntabbed\tu\n")
    _touch(root / "d.warc.wet.gz", _warc_bytes("conversion"))
    _save_to_disk(root / "e", ["from arrow"])
    dataset = open_dataset(str(root))
    got = {
        shard.name: [r.text for r in read_shard(shard, FieldSpec(), ErrorPolicy())]
        for shard in dataset.shards
    }
    assert got == {
        "a.jsonl.gz": ["hello", "world"],
        "b.parquet": ["p"],
        "c.tsv": ["tabbed"],
        "d.warc.wet.gz": ["some text"],
        "e/data-00000-of-00001.arrow": ["from arrow"],
    }
