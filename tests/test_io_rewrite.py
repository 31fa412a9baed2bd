"""Shard rewriter: drop rows and replace their text, keeping everything else."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from pyarrow import ipc
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from expunge.errors import ErrorPolicy, ExpungeError, InputError
from expunge.io import read_shard
from expunge.io.rewrite import RewriteStats, rewrite_shard
from expunge.records import FieldSpec, Record, Shard


def _read(path: Path, fmt: str, fields: FieldSpec | None = None) -> list[Record]:
    shard = Shard(str(path), fmt, path.name)
    return list(read_shard(shard, fields or FieldSpec(), ErrorPolicy("skip")))


def _texts(path: Path, fmt: str, fields: FieldSpec | None = None) -> list[str]:
    return [record.text for record in _read(path, fmt, fields)]


# ---- JSONL -------------------------------------------------------------------------------

JSONL_LINES = [
    b'{"id": 1, "text": "row zero", "meta": {"lang": "en"}}\n',
    b"\n",  # blank: takes no row
    b'{"z": [1, 2.50], "text": "Mar\\u00eda row one", "id": "b"}\n',
    b"{not json}\n",  # bad row: row 2
    b'{"content": "caf\xc3\xa9 row three", "a": null, "b": 1e5}\r\n',
    b'{"text": null, "k": "\xe2\x82\xac"}\n',
    b'{"text": "last row five", "x": true}',  # no final newline
]
JSONL_TEXTS = ["row zero", "María row one", "café row three", "", "last row five"]


def _compress(data: bytes, codec: str) -> bytes:
    if codec == "gzip":
        return gzip.compress(data)
    if codec == "zstd":
        return zstandard.ZstdCompressor().compress(data)
    return data


def _decompress(data: bytes) -> bytes:
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    if data[:4] == b"\x28\xb5\x2f\xfd":
        return zstandard.ZstdDecompressor().decompressobj().decompress(data)
    return data


MAGIC = {"": b"{", "gzip": b"\x1f\x8b", "zstd": b"\x28\xb5\x2f\xfd"}


@pytest.mark.parametrize("codec", ["", "gzip", "zstd"])
def test_jsonl_drop_and_replace(tmp_path: Path, codec: str) -> None:
    src = tmp_path / f"in.jsonl{'.gz' if codec == 'gzip' else '.zst' if codec == 'zstd' else ''}"
    src.write_bytes(_compress(b"".join(JSONL_LINES), codec))
    assert _texts(src, "jsonl") == JSONL_TEXTS
    out = tmp_path / "out.tmp"
    stats = rewrite_shard(
        Shard(str(src), "jsonl", "in"),
        FieldSpec(),
        str(out),
        drop={1, 2},
        replace_text={3: "[REDACTED] ü", 4: "new five"},
    )
    assert stats == RewriteStats(rows_in=6, rows_out=4, dropped=2, replaced=2)
    raw = out.read_bytes()
    assert raw.startswith(MAGIC[codec])
    lines = _decompress(raw).splitlines(keepends=True)
    assert lines[0] == JSONL_LINES[0] and lines[1] == JSONL_LINES[1]  # byte-identical
    assert lines[2] == b'{"content":"[REDACTED] \xc3\xbc","a":null,"b":100000.0}\r\n'
    assert list(orjson.loads(lines[3])) == ["text", "k"]
    assert orjson.loads(lines[3]) == {"text": "new five", "k": "€"}
    assert lines[4] == JSONL_LINES[6]
    assert len(lines) == 5
    records = _read(out, "jsonl")
    assert [r.text for r in records] == ["row zero", "[REDACTED] ü", "new five", "last row five"]
    assert [r.location.row for r in records] == [0, 1, 2, 3]


@pytest.mark.parametrize("codec", ["", "gzip", "zstd"])
def test_jsonl_no_edits_reproduces_the_shard(tmp_path: Path, codec: str) -> None:
    data = b"".join(JSONL_LINES)
    src = tmp_path / "in.jsonl"
    src.write_bytes(_compress(data, codec))
    out = tmp_path / "out.tmp"
    stats = rewrite_shard(Shard(str(src), "jsonl"), FieldSpec(), str(out), set(), {})
    assert stats == RewriteStats(6, 6, 0, 0)
    raw = out.read_bytes()
    assert raw.startswith(MAGIC[codec])
    assert _decompress(raw) == data
    if codec == "gzip":
        assert raw[4:8] == b"\0\0\0\0"  # mtime 0: the same input gives the same bytes


def test_jsonl_explicit_field_and_bom(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'\xef\xbb\xbf{"text": "not me", "body": "old"}\n{"body": "keep"}\n')
    out = tmp_path / "out.jsonl"
    rewrite_shard(Shard(str(src), "jsonl"), FieldSpec(text="body"), str(out), set(), {0: "new"})
    assert out.read_bytes() == (b'\xef\xbb\xbf{"text":"not me","body":"new"}\n{"body": "keep"}\n')
    assert _texts(out, "jsonl", FieldSpec(text="body")) == ["new", "keep"]


def test_jsonl_bad_indices_are_value_errors(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(JSONL_LINES))
    out = tmp_path / "out.jsonl"
    shard = Shard(str(src), "jsonl", "in")
    with pytest.raises(ValueError, match="row 6 does not exist"):
        rewrite_shard(shard, FieldSpec(), str(out), {6}, {})
    assert not out.exists()  # the partial output is removed
    with pytest.raises(ValueError, match="row -1"):
        rewrite_shard(shard, FieldSpec(), str(out), set(), {-1: "x"})
    with pytest.raises(ValueError, match="row 2 cannot have its text replaced"):
        rewrite_shard(shard, FieldSpec(), str(out), set(), {2: "x"})
    assert not out.exists()
    # A bad row can still be dropped.
    stats = rewrite_shard(shard, FieldSpec(), str(out), {2}, {})
    assert stats.rows_out == 5 and b"{not json}" not in out.read_bytes()


def test_jsonl_corrupt_input_raises_the_readers_error(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(JSONL_LINES[0] * 200)[:-30])
    shard = Shard(str(cut), "jsonl", "cut")
    with pytest.raises(InputError) as caught:
        list(read_shard(shard, FieldSpec(), ErrorPolicy()))
    with pytest.raises(InputError) as again:
        rewrite_shard(shard, FieldSpec(), str(out), set(), {})
    assert str(again.value) == str(caught.value)
    assert not out.exists()
    array = tmp_path / "array.jsonl"
    array.write_bytes(b'[{"text": "a"}]\n')
    with pytest.raises(InputError, match="JSON array"):
        rewrite_shard(Shard(str(array), "jsonl"), FieldSpec(), str(out), set(), {})


def test_empty_file(tmp_path: Path) -> None:
    src = tmp_path / "empty.parquet"
    src.write_bytes(b"")
    out = tmp_path / "out"
    assert rewrite_shard(Shard(str(src), "parquet"), FieldSpec(), str(out), set(), {}) == (
        RewriteStats(0, 0, 0, 0)
    )
    assert out.read_bytes() == b""
    with pytest.raises(ValueError, match="row 0"):
        rewrite_shard(Shard(str(src), "parquet"), FieldSpec(), str(out), {0}, {})


# ---- CSV / TSV ---------------------------------------------------------------------------

CSV_ROWS = [
    ["id", "text", "url", "extra"],
    ["1", "first, with comma", "https://a.example/", "x"],
    ["2", 'multi\nline "quoted"', "https://b.example/", "ü"],
    ["3", "third row", "", "z"],
    ["4", "Ωmega", "https://d.example/", ""],
]


@pytest.mark.parametrize(("fmt", "delimiter", "codec"), [("csv", ",", ""), ("tsv", "\t", "gzip")])
def test_delimited_drop_and_replace(tmp_path: Path, fmt: str, delimiter: str, codec: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(CSV_ROWS)
    text = buffer.getvalue().replace("3\tthird", '3\t"third"').replace("3,third", '3,"third"')
    data = text.encode() + b"\n"  # a trailing blank line takes no row
    src = tmp_path / f"in.{fmt}"
    src.write_bytes(_compress(data, codec))
    assert len(_texts(src, fmt)) == 4
    out = tmp_path / "out.tmp"
    stats = rewrite_shard(
        Shard(str(src), fmt), FieldSpec(), str(out), {0}, {1: 'new\ttext, "q"', 3: "é"}
    )
    assert stats == RewriteStats(4, 3, 1, 2)
    raw = out.read_bytes()
    assert raw.startswith(MAGIC[codec] if codec else b"id")
    plain = _decompress(raw).decode()
    assert '3\t"third"' in plain or '3,"third"' in plain  # untouched row copied as it was
    assert _texts(out, fmt) == ['new\ttext, "q"', "third row", "é"]
    rows = list(csv.reader(io.StringIO(plain, newline=""), delimiter=delimiter))
    assert rows[0] == CSV_ROWS[0]
    assert rows[1:4] == [
        ["2", 'new\ttext, "q"', "https://b.example/", "ü"],
        CSV_ROWS[3],
        ["4", "é", "https://d.example/", ""],
    ]
    assert rewrite_shard(Shard(str(src), fmt), FieldSpec(), str(out), set(), {}).rows_out == 4
    assert _decompress(out.read_bytes()) == data


def test_csv_bad_row_counts_and_cannot_be_replaced(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(b"a,text\n1,ok\n\xff\xfe,bad utf8\n2\n3,last\n")
    assert [r.location.row for r in _read(src, "csv")] == [0, 3]
    out = tmp_path / "out.csv"
    with pytest.raises(ValueError, match="row 1 cannot"):
        rewrite_shard(Shard(str(src), "csv"), FieldSpec(), str(out), set(), {1: "x"})
    stats = rewrite_shard(Shard(str(src), "csv"), FieldSpec(), str(out), {1}, {3: "LAST"})
    assert stats == RewriteStats(4, 3, 1, 1)
    assert out.read_bytes() == b"a,text\n1,ok\n2\n3,LAST\n"


# ---- Parquet / Arrow ---------------------------------------------------------------------


def _table(dictionary: bool = False) -> pa.Table:
    texts = pa.array(["zero", "uno ü", "two", None, "four", "five"], pa.string())
    if dictionary:
        texts = texts.dictionary_encode()
    table = pa.table(
        {
            "id": pa.array([10, 11, 12, 13, 14, 15], pa.int64()),
            "text": texts,
            "tags": pa.array([["a"], [], ["b", "c"], None, ["d"], ["e"]]),
            "score": pa.array([0.5, 1.5, None, 3.5, 4.5, 5.5], pa.float32()),
        }
    )
    return table.replace_schema_metadata({b"huggingface": b'{"info": 1}'})


EDITED_IDS = [10, 12, 13, 15]
EDITED_TEXTS = ["zero", "TWO", "now text", "five"]


@pytest.mark.parametrize("dictionary", [False, True])
def test_parquet_drop_and_replace(tmp_path: Path, dictionary: bool) -> None:
    table = _table(dictionary)
    src = tmp_path / "in.parquet"
    pq.write_table(table, src, compression="zstd", row_group_size=4)
    out = tmp_path / "out.tmp"
    stats = rewrite_shard(
        Shard(str(src), "parquet"), FieldSpec(), str(out), {1, 4}, {2: "TWO", 3: "now text"}
    )
    assert stats == RewriteStats(6, 4, 2, 2)
    assert out.read_bytes()[:4] == b"PAR1"
    assert _texts(out, "parquet") == EDITED_TEXTS
    written = pq.read_table(out)
    assert written.schema.equals(pq.read_schema(src), check_metadata=True)
    assert written.schema.metadata[b"huggingface"] == b'{"info": 1}'
    assert written.column("id").to_pylist() == EDITED_IDS
    keep = [0, 2, 3, 5]
    assert written.column("tags").to_pylist() == [table.column("tags")[i].as_py() for i in keep]
    assert written.column("score").to_pylist() == [table.column("score")[i].as_py() for i in keep]
    meta = pq.ParquetFile(out).metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"
    assert meta.num_row_groups == 2
    rewrite_shard(Shard(str(src), "parquet"), FieldSpec(), str(out), set(), {})
    assert pq.read_table(out).equals(pq.read_table(src))
    with pytest.raises(ValueError, match="row 6 does not exist"):
        rewrite_shard(Shard(str(src), "parquet"), FieldSpec(), str(out), set(), {6: "x"})


def test_parquet_corrupt_footer_is_input_error(tmp_path: Path) -> None:
    src = tmp_path / "bad.parquet"
    src.write_bytes(b"PAR1 not really parquet PAR1")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        rewrite_shard(Shard(str(src), "parquet"), FieldSpec(), str(tmp_path / "o"), set(), {})


@pytest.mark.parametrize("file_format", [False, True])
def test_arrow_drop_and_replace(tmp_path: Path, file_format: bool) -> None:
    table = _table()
    src = tmp_path / "data-00000-of-00001.arrow"
    with pa.OSFile(str(src), "wb") as sink:
        new = ipc.new_file if file_format else ipc.new_stream
        with new(sink, table.schema) as writer:
            for batch in table.to_batches(max_chunksize=4):
                writer.write_batch(batch)
    out = tmp_path / "out.tmp"
    stats = rewrite_shard(
        Shard(str(src), "hf"), FieldSpec(), str(out), {1, 4}, {2: "TWO", 3: "now text"}
    )
    assert stats == RewriteStats(6, 4, 2, 2)
    assert (out.read_bytes()[:6] == b"ARROW1") == file_format
    assert _texts(out, "hf") == EDITED_TEXTS
    with pa.memory_map(str(out)) as source:
        written = (ipc.open_file if file_format else ipc.open_stream)(source).read_all()
    assert written.schema.equals(table.schema, check_metadata=True)
    assert written.column("id").to_pylist() == EDITED_IDS
    assert written.column("tags").to_pylist() == [["a"], ["b", "c"], None, ["e"]]
    rewrite_shard(Shard(str(src), "hf"), FieldSpec(), str(out), set(), {})
    with pa.memory_map(str(out)) as source:
        same = (ipc.open_file if file_format else ipc.open_stream)(source).read_all()
    assert same.equals(table)


# ---- WARC --------------------------------------------------------------------------------


def _warc(compress: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    writer.write_record(writer.create_warcinfo_record("t.warc", {"software": "tests"}))
    for uri, body, kind in [
        ("https://a.example/", b"<p>page a</p>", "text/html"),
        ("https://a.example/x.png", b"\x89PNG", "image/png"),
        ("https://b.example/", b"<p>page b</p>", "text/html"),
        ("https://c.example/r.txt", b"plain c", "text/plain"),
    ]:
        http = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), http_headers=http
        )
        writer.write_record(record)
    return buffer.getvalue()


@pytest.mark.parametrize("compress", [False, True])
def test_warc_drop(tmp_path: Path, compress: bool) -> None:
    data = _warc(compress)
    src = tmp_path / ("in.warc.gz" if compress else "in.warc")
    src.write_bytes(data)
    assert [r.url for r in _read(src, "warc")] == [
        "https://a.example/",
        "https://b.example/",
        "https://c.example/r.txt",
    ]
    out = tmp_path / "out.tmp"
    stats = rewrite_shard(Shard(str(src), "warc"), FieldSpec(), str(out), {1}, {})
    assert stats == RewriteStats(3, 2, 1, 0)
    records = _read(out, "warc")
    assert [r.url for r in records] == ["https://a.example/", "https://c.example/r.txt"]
    assert [r.text for r in records] == ["page a", "plain c"]
    written = out.read_bytes()
    assert b"page b" not in (gzip.decompress(written) if compress else written)
    assert b"x.png" in (gzip.decompress(written) if compress else written)  # non-rows kept
    assert rewrite_shard(Shard(str(src), "warc"), FieldSpec(), str(out), set(), {}).rows_in == 3
    assert out.read_bytes() == data
    with pytest.raises(ExpungeError, match="redaction is not supported for WARC"):
        rewrite_shard(Shard(str(src), "wet"), FieldSpec(), str(out), set(), {0: "x"})
