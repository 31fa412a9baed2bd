"""Parquet and Hugging Face Arrow readers: dataset layouts, column choice, corrupt files."""

from __future__ import annotations

from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from expunge.errors import ErrorPolicy, InputError
from expunge.io import open_dataset, read_shard
from expunge.records import FieldSpec, Record, Shard

TEXTS = ["first page", "second page", None, "fourth – ünïcode"]


def _read(
    path: Path, fmt: str, policy: ErrorPolicy | None = None, fields: FieldSpec | None = None
) -> list[Record]:
    shard = Shard(str(path), fmt, path.name)
    return list(read_shard(shard, fields or FieldSpec(), policy or ErrorPolicy()))


def _write(path: Path, columns: dict[str, list[object]], **kwargs: object) -> Path:
    pq.write_table(pa.table(columns), path, **kwargs)
    return path


def test_fineweb_layout(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "fineweb.parquet",
        {
            "text": TEXTS,
            "id": [f"<urn:uuid:{i}>" for i in range(4)],
            "dump": ["CC-MAIN-2024-10"] * 4,
            "url": [f"https://site.example/{i}" for i in range(4)],
            "language_score": [0.9, 0.8, 0.7, 0.95],
        },
    )
    records = _read(path, "parquet")
    assert [r.text for r in records] == ["first page", "second page", "", "fourth – ünïcode"]
    assert [r.id for r in records] == [f"<urn:uuid:{i}>" for i in range(4)]
    assert records[3].url == "https://site.example/3"
    assert [r.location.row for r in records] == [0, 1, 2, 3]
    assert all(r.location.offset is None and r.location.shard == path.name for r in records)


def test_c4_layout_has_no_id(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c4.parquet",
        {"text": ["a", "b"], "timestamp": ["2019-04-25", "2019-04-26"], "url": ["u1", "u2"]},
    )
    records = _read(path, "parquet")
    assert [(r.text, r.url, r.id) for r in records] == [("a", "u1", None), ("b", "u2", None)]


def test_laion_layout_uses_upper_case_columns_and_integer_ids(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "laion.parquet",
        {
            "SAMPLEID": pa.array([101, 102], pa.int64()),
            "URL": ["https://img.example/a.jpg", "https://img.example/b.jpg"],
            "TEXT": ["a cat", "a dog"],
            "HEIGHT": [512, 256],
            "WIDTH": [512, 256],
            "similarity": [0.31, 0.29],
        },
    )
    records = _read(path, "parquet")
    assert [(r.text, r.url, r.id) for r in records] == [
        ("a cat", "https://img.example/a.jpg", "101"),
        ("a dog", "https://img.example/b.jpg", "102"),
    ]


def test_dolma_layout_with_nested_metadata(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "dolma.parquet",
        {
            "id": ["d0", "d1"],
            "text": ["doc zero", "doc one"],
            "source": ["c4", "reddit"],
            "metadata": [{"url": "https://x.example", "len": 8}, {"url": None, "len": 7}],
        },
    )
    records = _read(path, "parquet")
    assert [(r.id, r.text, r.url) for r in records] == [
        ("d0", "doc zero", "https://x.example"),  # the metadata.url preset
        ("d1", "doc one", None),
    ]


def test_rows_continue_across_row_groups_and_batches(tmp_path: Path) -> None:
    texts = [f"row {i}" for i in range(1000)]
    path = _write(tmp_path / "groups.parquet", {"text": texts}, row_group_size=97)
    records = _read(path, "parquet")
    assert [r.text for r in records] == texts
    assert [r.location.row for r in records] == list(range(1000))


def test_explicit_columns(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "custom.parquet",
        {"body": ["x", "y"], "link": ["u1", "u2"], "text": ["not me", "nor me"]},
    )
    records = _read(path, "parquet", fields=FieldSpec(text="body", url="link", id="link"))
    assert [(r.text, r.url, r.id) for r in records] == [("x", "u1", "u1"), ("y", "u2", "u2")]


def test_missing_text_column_names_the_file_and_the_columns(tmp_path: Path) -> None:
    path = _write(tmp_path / "notext.parquet", {"body": ["x"], "link": ["u"]})
    with pytest.raises(InputError) as caught:
        _read(path, "parquet")
    message = str(caught.value)
    assert message.startswith("notext.parquet: no text column")
    assert "'body', 'link'" in message
    assert caught.value.fix == "pass --text-field COLUMN"

    with pytest.raises(InputError, match="no column 'article'; columns are: 'body', 'link'"):
        _read(path, "parquet", fields=FieldSpec(text="article"))
    with pytest.raises(InputError, match="--url-field"):
        _read(path, "parquet", fields=FieldSpec(text="body", url="address"))


def test_non_string_text_column_is_an_input_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "ints.parquet", {"text": [1, 2], "caption": ["a", "b"]})
    with pytest.raises(InputError, match=r"column 'text' holds int64, not text.*'caption'"):
        _read(path, "parquet")
    records = _read(path, "parquet", fields=FieldSpec(text="caption"))
    assert [r.text for r in records] == ["a", "b"]


@pytest.mark.parametrize(
    ("name", "mangle"),
    [
        ("badmagic.parquet", lambda data: b"NOPE" + data[4:-4] + b"NOPE"),
        ("nofooter.parquet", lambda data: data[: len(data) // 2]),
    ],
)
def test_corrupt_parquet(tmp_path: Path, name: str, mangle: object) -> None:
    good = _write(tmp_path / "good.parquet", {"text": [f"t{i}" for i in range(100)]})
    path = tmp_path / name
    path.write_bytes(mangle(good.read_bytes()))  # type: ignore[operator]
    with pytest.raises(InputError) as caught:
        _read(path, "parquet")
    assert str(caught.value).startswith(f"{name}: footer: not a readable Parquet file")
    assert "re-download" in caught.value.fix

    policy = ErrorPolicy("skip")
    assert _read(path, "parquet", policy) == []
    assert [b.shard for b in policy.skipped] == [name]


def test_corrupt_column_data_is_an_input_error(tmp_path: Path) -> None:
    texts = [f"document number {i} " * 20 for i in range(2000)]
    good = _write(tmp_path / "good.parquet", {"text": texts}, compression="zstd")
    data = bytearray(good.read_bytes())
    data[200:4000] = b"\xaa" * 3800  # smash the first data pages, keep the footer
    path = tmp_path / "smashed.parquet"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"smashed\.parquet: row 0: truncated or corrupt Parquet"):
        _read(path, "parquet")


def _write_arrow_stream(path: Path, table: pa.Table) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=2)


def _save_to_disk(directory: Path, table: pa.Table, split: str = "train") -> None:
    """What datasets.Dataset.save_to_disk writes, by hand: Arrow stream file + JSON metadata."""
    directory.mkdir(parents=True)
    _write_arrow_stream(directory / "data-00000-of-00001.arrow", table)
    state = {
        "_data_files": [{"filename": "data-00000-of-00001.arrow"}],
        "_fingerprint": "0123456789abcdef",
        "_format_columns": None,
        "_format_kwargs": {},
        "_format_type": None,
        "_output_all_columns": False,
        "_split": split,
    }
    (directory / "state.json").write_bytes(orjson.dumps(state))
    info = {
        "features": {name: {"dtype": "string", "_type": "Value"} for name in table.schema.names}
    }
    (directory / "dataset_info.json").write_bytes(orjson.dumps(info))


def test_hf_save_to_disk_directory(tmp_path: Path) -> None:
    table = pa.table({"text": ["one", "two", "three", "four", "five"], "id": list("abcde")})
    _save_to_disk(tmp_path / "saved", table)
    # A cache file next to the data must not become a shard.
    _write_arrow_stream(tmp_path / "saved" / "cache-0123.arrow", table)

    dataset = open_dataset(str(tmp_path / "saved"))
    assert [(s.name, s.format) for s in dataset.shards] == [("data-00000-of-00001.arrow", "hf")]
    records = list(read_shard(dataset.shards[0], FieldSpec(), ErrorPolicy()))
    assert [r.text for r in records] == ["one", "two", "three", "four", "five"]
    assert [r.id for r in records] == list("abcde")
    assert [r.location.row for r in records] == [0, 1, 2, 3, 4]


def test_arrow_file_format_is_read_too(tmp_path: Path) -> None:
    table = pa.table({"content": ["x", "y", "z"]})
    path = tmp_path / "table.arrow"
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=1)
    assert [r.text for r in _read(path, "hf")] == ["x", "y", "z"]


def test_corrupt_arrow_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "data-00000-of-00001.arrow"
    path.write_bytes(b"\xff\xff\xff\xff" + b"\x10\x00\x00\x00" + b"garbage!" * 10)
    with pytest.raises(InputError, match=r"data-00000-of-00001\.arrow: .*Arrow"):
        _read(path, "hf")

    table = pa.table({"text": [f"row {i}" for i in range(10)]})
    good = tmp_path / "good.arrow"
    _write_arrow_stream(good, table)
    cut = tmp_path / "cut.arrow"
    cut.write_bytes(good.read_bytes()[:-100])
    policy = ErrorPolicy("skip")
    records = _read(cut, "hf", policy)
    assert [r.text for r in records] == [f"row {i}" for i in range(len(records))]
    assert len(records) < 10
    assert len(policy.skipped) == 1 and "truncated or corrupt Arrow" in policy.skipped[0].reason


def test_empty_parquet_and_arrow_files_yield_nothing(tmp_path: Path) -> None:
    for name, fmt in (("empty.parquet", "parquet"), ("empty.arrow", "hf")):
        (tmp_path / name).write_bytes(b"")
        assert _read(tmp_path / name, fmt) == []
    zero_rows = _write(tmp_path / "zero.parquet", {"text": pa.array([], pa.string())})
    assert _read(zero_rows, "parquet") == []


def test_invalid_utf8_in_a_parquet_string_column_is_one_bad_row(tmp_path: Path) -> None:
    # Some writers store bytes in string columns unchecked; build such a column by hand.
    offsets = pa.py_buffer(pa.array([0, 2, 6, 10], pa.int32()).buffers()[1])
    text = pa.Array.from_buffers(pa.string(), 3, [None, offsets, pa.py_buffer(b"okcaf\xe9fine")])
    path = tmp_path / "latin1.parquet"
    pq.write_table(pa.table({"text": text, "id": ["a", "b", "c"]}), path)

    policy = ErrorPolicy("skip")
    records = _read(path, "parquet", policy)
    assert [(r.text, r.id, r.location.row) for r in records] == [("ok", "a", 0), ("fine", "c", 2)]
    assert [(b.where, b.reason) for b in policy.skipped] == [("row 1", "text is not valid UTF-8")]
    with pytest.raises(InputError, match=r"latin1\.parquet: row 1: text is not valid UTF-8"):
        _read(path, "parquet")
