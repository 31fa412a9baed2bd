"""JSONL reader: plain, gzip and zstd; locations; field presets; every kind of bad line."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import orjson
import pytest
import zstandard

from expunge.errors import ErrorPolicy, InputError
from expunge.io import read_shard
from expunge.records import FieldSpec, Record, Shard

DOCS = [
    {"id": "a1", "url": "https://example.com/1", "text": "first document"},
    {"id": "a2", "url": "https://example.com/2", "text": "second – ünïcode ✓"},
    {"id": 3, "url": "https://example.com/3", "text": "third", "dump": "CC-MAIN-2024-10"},
]


def _jsonl(docs: list[dict[str, object]]) -> bytes:
    return b"".join(orjson.dumps(doc) + b"\n" for doc in docs)


def _read(
    path: Path, policy: ErrorPolicy | None = None, fields: FieldSpec | None = None
) -> list[Record]:
    shard = Shard(str(path), "jsonl", path.name)
    return list(read_shard(shard, fields or FieldSpec(), policy or ErrorPolicy()))


def _many_docs(count: int) -> bytes:
    """Lines with enough entropy that a compressed file is long enough to cut in the middle."""
    rng = random.Random(7)
    docs = [
        {"id": f"d{i}", "text": " ".join(f"{rng.getrandbits(48):x}" for _ in range(12))}
        for i in range(count)
    ]
    return _jsonl(docs)


def test_plain_jsonl_gives_text_id_url_and_stable_locations(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_bytes(_jsonl(DOCS))
    records = _read(path)
    assert [r.text for r in records] == [d["text"] for d in DOCS]
    assert [r.id for r in records] == ["a1", "a2", "3"]  # int id becomes a string
    assert [r.url for r in records] == [d["url"] for d in DOCS]
    assert [r.location.row for r in records] == [0, 1, 2]
    assert {r.location.shard for r in records} == {"docs.jsonl"}
    assert records[0].fields == {}


def test_offset_seeks_to_the_start_of_each_line(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_bytes(b"\n" + _jsonl(DOCS[:1]) + b"\r\n\n" + _jsonl(DOCS[1:]))
    records = _read(path)
    with open(path, "rb") as handle:
        for record in records:
            assert record.location.offset is not None
            handle.seek(record.location.offset)
            assert orjson.loads(handle.readline())["text"] == record.text


def test_blank_lines_take_no_row_but_advance_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_bytes(b"\n   \n" + _jsonl(DOCS[:1]) + b"\n\n{broken\n" + _jsonl(DOCS[1:2]))
    policy = ErrorPolicy("skip")
    records = _read(path, policy)
    assert [r.location.row for r in records] == [0, 2]  # the bad line took row 1, blanks none
    assert [(b.where, b.shard) for b in policy.skipped] == [("line 6", "blank.jsonl")]


@pytest.mark.parametrize("codec", ["gzip", "zstd"])
def test_compressed_jsonl_matches_plain_and_offsets_are_uncompressed(
    tmp_path: Path, codec: str
) -> None:
    raw = _jsonl(DOCS) * 50
    if codec == "gzip":
        path, data = tmp_path / "docs.jsonl.gz", gzip.compress(raw)
    else:
        path, data = tmp_path / "docs.jsonl.zst", zstandard.ZstdCompressor().compress(raw)
    path.write_bytes(data)
    records = _read(path)
    assert len(records) == 150
    assert [r.text for r in records[:3]] == [d["text"] for d in DOCS]
    for record in records[::37]:
        offset = record.location.offset
        assert offset is not None
        line = raw[offset : raw.index(b"\n", offset)]
        assert orjson.loads(line)["text"] == record.text


def test_concatenated_gzip_members_and_zstd_frames_are_all_read(tmp_path: Path) -> None:
    gz = tmp_path / "multi.jsonl.gz"
    gz.write_bytes(gzip.compress(_jsonl(DOCS[:2])) + gzip.compress(_jsonl(DOCS[2:])))
    zst = tmp_path / "multi.jsonl.zst"
    compressor = zstandard.ZstdCompressor()
    zst.write_bytes(compressor.compress(_jsonl(DOCS[:1])) + compressor.compress(_jsonl(DOCS[1:])))
    assert [r.text for r in _read(gz)] == [d["text"] for d in DOCS]
    assert [r.text for r in _read(zst)] == [d["text"] for d in DOCS]


def test_text_presets_and_explicit_fields(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        _jsonl(
            [
                {"content": "from content", "key": "k1"},
                {"TEXT": "laion caption", "URL": "https://img.example/1.jpg", "SAMPLEID": 7},
                {"caption": "cc3m caption", "doc_id": "d3"},
                {"text": None, "id": "null-text"},
                {"text": "wins over content", "content": "loses"},
            ]
        )
    )
    records = _read(path)
    assert [r.text for r in records] == [
        "from content",
        "laion caption",
        "cc3m caption",
        "",
        "wins over content",
    ]
    assert [r.id for r in records] == ["k1", "7", "d3", "null-text", None]
    assert records[1].url == "https://img.example/1.jpg"

    explicit = _read(path, fields=FieldSpec(text="content", id="key"), policy=ErrorPolicy("skip"))
    assert [r.text for r in explicit] == ["from content", "loses"]
    assert [r.location.row for r in explicit] == [0, 4]
    assert explicit[0].id == "k1"


def test_missing_text_key_is_a_bad_row_naming_the_keys(tmp_path: Path) -> None:
    path = tmp_path / "notext.jsonl"
    path.write_bytes(_jsonl([DOCS[0], {"body": "x", "id": "z"}, DOCS[1]]))
    with pytest.raises(InputError) as caught:
        _read(path)
    message = str(caught.value)
    assert "notext.jsonl: line 2:" in message
    assert "'body'" in message and "--text-field" in message

    policy = ErrorPolicy("skip")
    assert [r.location.row for r in _read(path, policy)] == [0, 2]
    assert policy.skipped[0].where == "line 2"


def test_non_string_text_is_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "types.jsonl"
    path.write_bytes(_jsonl([{"text": 12}, {"text": ["a"]}, {"text": "ok"}]))
    policy = ErrorPolicy("skip")
    records = _read(path, policy)
    assert [(r.text, r.location.row) for r in records] == [("ok", 2)]
    assert [b.reason for b in policy.skipped] == [
        "text is a number, not a string",
        "text is an array, not a string",
    ]


def test_malformed_json_stops_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(_jsonl(DOCS[:2]) + b'{"text": "cut off\n' + _jsonl(DOCS[2:]))
    with pytest.raises(InputError) as caught:
        _read(path)
    assert caught.value.path == "bad.jsonl"
    assert caught.value.where == "line 3"
    assert "malformed JSON" in str(caught.value)
    assert "cut off" not in str(caught.value)  # errors never echo content

    policy = ErrorPolicy("skip")
    records = _read(path, policy)
    assert [r.location.row for r in records] == [0, 1, 3]
    assert len(policy.skipped) == 1 and policy.skipped[0].reason.startswith("malformed JSON")


def test_lines_that_are_not_objects_are_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "scalars.jsonl"
    path.write_bytes(_jsonl(DOCS[:1]) + b'"just a string"\n42\nnull\n' + _jsonl(DOCS[1:2]))
    policy = ErrorPolicy("skip")
    records = _read(path, policy)
    assert [r.location.row for r in records] == [0, 4]
    assert [b.where for b in policy.skipped] == ["line 2", "line 3", "line 4"]
    assert "not a JSON object" in policy.skipped[0].reason


def test_binary_garbage_and_invalid_utf8_are_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "garbage.jsonl"
    path.write_bytes(
        _jsonl(DOCS[:1])
        + b'{"text": "caf\xe9"}\n'
        + b"\x00\x9f\xff\x10binary\n"
        + _jsonl(DOCS[1:2])
    )
    policy = ErrorPolicy("skip")
    records = _read(path, policy)
    assert [r.text for r in records] == [DOCS[0]["text"], DOCS[1]["text"]]
    assert [b.where for b in policy.skipped] == ["line 2", "line 3"]
    assert "not valid UTF-8" in policy.skipped[0].reason
    with pytest.raises(InputError, match="line 2"):
        _read(path)


@pytest.mark.parametrize(("suffix", "codec"), [(".jsonl.gz", "gzip"), (".jsonl.zst", "zstd")])
def test_truncated_compressed_stream(tmp_path: Path, suffix: str, codec: str) -> None:
    raw = _many_docs(3000)
    whole = gzip.compress(raw) if codec == "gzip" else zstandard.ZstdCompressor().compress(raw)
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(whole[: len(whole) * 6 // 10])

    with pytest.raises(InputError) as caught:
        _read(path)
    message = str(caught.value)
    assert f"cut{suffix}" in message
    assert f"truncated or corrupt {codec} stream after" in message
    assert "re-download the file" in caught.value.fix

    policy = ErrorPolicy("skip")
    records = _read(path, policy)
    assert 1000 < len(records) < 3000
    assert [r.location.row for r in records] == list(range(len(records)))
    assert len(policy.skipped) == 1
    assert policy.skipped[0].reason.startswith(f"truncated or corrupt {codec} stream after ")
    # Every record read before the cut is intact.
    assert records[-1].text == orjson.loads(raw.splitlines()[len(records) - 1])["text"]


def test_corrupt_gzip_body_is_an_input_error(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(_many_docs(500)))
    data[len(data) // 2 : len(data) // 2 + 64] = b"\x00" * 64
    path = tmp_path / "corrupt.jsonl.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"corrupt\.jsonl\.gz: .*truncated or corrupt gzip"):
        _read(path)


def test_empty_files_yield_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    empty_gz = tmp_path / "empty.jsonl.gz"
    empty_gz.write_bytes(gzip.compress(b""))
    blank = tmp_path / "blank.jsonl.zst"
    blank.write_bytes(zstandard.ZstdCompressor().compress(b"\n\n"))
    policy = ErrorPolicy("stop")
    assert _read(empty, policy) == []
    assert _read(empty_gz, policy) == []
    assert _read(blank, policy) == []
    assert policy.skipped == []


def test_json_array_file_is_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "array.json"
    path.write_bytes(b"[\n" + b",\n".join(orjson.dumps(d) for d in DOCS) + b"\n]\n")
    with pytest.raises(InputError, match="JSON array, not JSON Lines") as caught:
        _read(path)
    assert "jq" in caught.value.fix
    policy = ErrorPolicy("skip")
    assert _read(path, policy) == []
    assert len(policy.skipped) == 1


def test_byte_order_mark_on_the_first_line_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + _jsonl(DOCS[:2]))
    assert [r.text for r in _read(path)] == [d["text"] for d in DOCS[:2]]


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory") as caught:
        _read(tmp_path / "gone.jsonl")
    assert caught.value.fix == "check the path"
