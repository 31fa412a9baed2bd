"""The format registry: reader and rewriter number rows alike, and a format can be added."""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from pyarrow import ipc
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from expunge.errors import ErrorPolicy, ExpungeError
from expunge.io import FORMATS, Format, detect_format, open_dataset, read_shard, register
from expunge.io.formats import SUPPORTED_EXTENSIONS, format_from_name, supported_extensions
from expunge.io.raw import RAW_FORMATS, read_raw
from expunge.io.registry import registered, unregister
from expunge.io.rewrite import rewrite_shard
from expunge.io.rewrite_common import Edits, RewriteStats
from expunge.records import FieldSpec, Location, Record, Shard

# ---- fixtures of every format, with rows that take no number and rows that are bad ---------


def _jsonl() -> bytes:
    return b"".join(
        [
            b'\xef\xbb\xbf{"id": "r0", "text": "first, after a BOM"}\r\n',
            b"\n",  # blank: no row
            b'{"id": "r1", "text": "one"}\n',
            b"{not json}\n",  # bad row
            b"   \t\n",  # blank
            b"[1, 2]\n",  # not an object: bad row (only a first line opens a JSON array)
            b'{"id": "r4", "text": 5}\n',  # text not a string: bad row
            b'{"id": "r5", "text": null}\n',  # null text: an empty record
            b'{"id": "r6", "meta": {"x": 1}, "text": "six \\u00e9"}\n',
            b'{"id": "r7", "text": "last, no newline"}',
        ]
    )


def _delimited(sep: str) -> bytes:
    rows = [
        f"id{sep}text{sep}url\r\n",
        "\r\n",  # blank before the first row: no row
        f"r0{sep}zero{sep}u0\r\n",
        f'r1{sep}"two\nlines"{sep}u1\r\n',
        "\r\n",
        "short\r\n",  # too few fields: bad row
        f'r3{sep}"has {sep} and ""quotes"""{sep}u3\r\n',
    ]
    data = "".join(rows).encode()
    data += f"r4{sep}".encode() + b"bad \xff utf8" + f"{sep}u4\r\n".encode()  # bad row
    return data + f"r5{sep}last{sep}u5".encode()


def _table() -> pa.Table:
    texts = ["zero", None, "two", "three", "four", "five", "six"]
    return pa.table({"id": [f"r{i}" for i in range(len(texts))], "text": texts})


def _parquet(path: Path) -> None:
    # A text that is not valid UTF-8 (some writers store it unchecked): a bad row.
    offsets = pa.py_buffer(pa.array([0, 2, 6, 10], pa.int32()).buffers()[1])
    latin = pa.Array.from_buffers(pa.string(), 3, [None, offsets, pa.py_buffer(b"okcaf\xe9fine")])
    first = pa.table({"id": ["b0", "b1", "b2"], "text": latin})
    with pq.ParquetWriter(path, first.schema) as writer:
        writer.write_table(first)
        writer.write_table(_table(), row_group_size=3)  # more row groups


def _arrow(path: Path, file_format: bool) -> None:
    table = _table()
    new_writer = ipc.new_file if file_format else ipc.new_stream
    with pa.OSFile(str(path), "wb") as sink, new_writer(sink, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=2):
            writer.write_batch(batch)


def _warc(compress: bool, wet: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    writer.write_record(writer.create_warcinfo_record("t.warc", {"software": "tests"}))
    for i in range(5):
        uri = f"https://w{i}.example/"
        if wet:
            body = io.BytesIO(f"text {i}".encode())
            record = writer.create_warc_record(
                uri, "conversion", payload=body, warc_content_type="text/plain"
            )
            writer.write_record(record)
            continue
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "w")], is_http_request=True)
        writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))
        kind = "image/png" if i == 2 else "text/html"  # an image takes no row
        http = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
        body = io.BytesIO(f"<p>page {i}</p>".encode())
        writer.write_record(
            writer.create_warc_record(uri, "response", payload=body, http_headers=http)
        )
    return buffer.getvalue()


# name, format, how to write it
FIXTURES: list[tuple[str, str, Callable[[Path], None]]] = [
    ("a.jsonl", "jsonl", lambda p: p.write_bytes(_jsonl())),
    ("a.jsonl.gz", "jsonl", lambda p: p.write_bytes(gzip.compress(_jsonl(), mtime=0))),
    (
        "a.jsonl.zst",
        "jsonl",
        lambda p: p.write_bytes(zstandard.ZstdCompressor().compress(_jsonl())),
    ),
    ("a.csv", "csv", lambda p: p.write_bytes(_delimited(","))),
    ("a.tsv.gz", "tsv", lambda p: p.write_bytes(gzip.compress(_delimited("\t"), mtime=0))),
    ("a.parquet", "parquet", _parquet),
    ("stream.arrow", "hf", lambda p: _arrow(p, file_format=False)),
    ("file.arrow", "hf", lambda p: _arrow(p, file_format=True)),
    ("a.warc", "warc", lambda p: p.write_bytes(_warc(compress=False, wet=False))),
    ("a.warc.gz", "warc", lambda p: p.write_bytes(_warc(compress=True, wet=False))),
    ("a.warc.wet.gz", "wet", lambda p: p.write_bytes(_warc(compress=True, wet=True))),
    ("a.tar", "webdataset", lambda p: p.write_bytes(_tar())),
    ("a.tar.gz", "webdataset", lambda p: p.write_bytes(gzip.compress(_tar(), mtime=0))),
]


def _tar() -> bytes:
    """A WebDataset tar: four samples, one of them with metadata that is not JSON (a bad row)."""
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for n, meta in enumerate((b'{"url": "https://a.example/0"}', b"{not json", b"{}", b"{}")):
            for name, blob in ((f"k{n}.jpg", b"\xff\xd8 bytes %d" % n),
                               (f"k{n}.txt", f"caption {n}".encode()), (f"k{n}.json", meta)):  # fmt: skip
                info = tarfile.TarInfo(name)
                info.size, info.mtime = len(blob), 1_700_000_000
                tar.addfile(info, io.BytesIO(blob))
    return buffer.getvalue()


def _read(shard: Shard) -> tuple[list[Record], ErrorPolicy]:
    errors = ErrorPolicy("skip")
    return list(read_shard(shard, FieldSpec(), errors)), errors


def _content(record: Record) -> tuple[str, str | None, str | None]:
    return record.text, record.id, record.url


def test_every_built_in_format_has_a_fixture() -> None:
    rewritable = {name for name, fmt in registered().items() if fmt.rewriter is not None}
    assert {fmt for _, fmt, _ in FIXTURES} == rewritable == set(FORMATS)


@pytest.mark.parametrize(("name", "fmt", "make"), FIXTURES, ids=[f[0] for f in FIXTURES])
def test_reader_and_rewriter_number_rows_alike(
    tmp_path: Path, name: str, fmt: str, make: Callable[[Path], None]
) -> None:
    src = tmp_path / name
    make(src)
    shard = Shard(str(src), fmt, name)
    records, errors = _read(shard)
    bad_rows = errors.skipped
    rows = errors.rows_numbered
    # Every row is a record or a bad row; blank lines and non-row WARC records take none.
    assert rows == len(records) + len(bad_rows)
    assert [r.location.row for r in records] == sorted({r.location.row for r in records})
    assert len(records) >= 3
    if fmt not in ("warc", "wet", "hf"):
        assert bad_rows, "the fixture should hold bad rows"
    if fmt == "webdataset":
        assert [r.text for r in records] == ["caption 0", "caption 2", "caption 3"]

    out = tmp_path / "out"
    assert rewrite_shard(shard, FieldSpec(), str(out), set(), {}).rows_in == rows
    record_at = {r.location.row: r for r in records}
    for k in range(rows):
        stats = rewrite_shard(shard, FieldSpec(), str(out), {k}, {})
        assert stats == RewriteStats(rows, rows - 1, 1, 0)
        left, left_errors = _read(Shard(str(out), fmt, name))
        expected = [_content(r) for r in records if r.location.row != k]
        assert [_content(r) for r in left] == expected, f"dropping row {k}"
        gone = 0 if k in record_at else 1  # dropping a bad row removes that bad row
        assert len(left_errors.skipped) == len(bad_rows) - gone
    with pytest.raises(ValueError, match=f"row {rows} does not exist"):
        rewrite_shard(shard, FieldSpec(), str(out), {rows}, {})


@pytest.mark.parametrize(
    ("name", "fmt", "make"),
    [f for f in FIXTURES if f[1] not in ("warc", "wet", "webdataset")],
    ids=[f[0] for f in FIXTURES if f[1] not in ("warc", "wet", "webdataset")],
)
def test_a_replaced_row_is_the_row_the_reader_numbered(
    tmp_path: Path, name: str, fmt: str, make: Callable[[Path], None]
) -> None:
    src = tmp_path / name
    make(src)
    shard = Shard(str(src), fmt, name)
    records, _ = _read(shard)
    out = tmp_path / "out"
    for record in records:
        row = record.location.row
        rewrite_shard(shard, FieldSpec(), str(out), set(), {row: f"new {row} ü"})
        after, _ = _read(Shard(str(out), fmt, name))
        assert [r.text for r in after] == [
            f"new {row} ü" if r.location.row == row else r.text for r in records
        ]
        assert [r.location.row for r in after] == [r.location.row for r in records]


def test_a_blank_first_line_then_an_array_line_is_a_bad_row_for_both(tmp_path: Path) -> None:
    # Only a file whose first line opens an array is "one JSON array"; after a blank line the
    # array is one bad row, and the rewriter copies it instead of refusing the file.
    src = tmp_path / "a.jsonl"
    src.write_bytes(b'\n[1, 2]\n{"text": "kept"}\n{"text": "dropped"}\n')
    shard = Shard(str(src), "jsonl", "a.jsonl")
    records, errors = _read(shard)
    assert [(r.text, r.location.row) for r in records] == [("kept", 1), ("dropped", 2)]
    assert [b.reason for b in errors.skipped] == ["not a JSON object but an array"]
    out = tmp_path / "out.jsonl"
    assert rewrite_shard(shard, FieldSpec(), str(out), {2}, {}) == RewriteStats(3, 2, 1, 0)
    assert out.read_bytes() == b'\n[1, 2]\n{"text": "kept"}\n'


# ---- what the registry replaced keeps its values ---------------------------------------------


def test_derived_constants_are_those_of_the_built_in_formats() -> None:
    assert FORMATS == ("jsonl", "parquet", "csv", "tsv", "warc", "wet", "hf", "webdataset")
    assert SUPPORTED_EXTENSIONS == (
        ".jsonl .json .ndjson (each also .gz .zst), .parquet .pq, .csv .tsv (also .gz .zst), "
        ".warc .warc.gz, .wet .warc.wet.gz, .arrow, "
        ".tar .tar.gz .tar.zst (WebDataset: captions and metadata)"
    )
    assert RAW_FORMATS == frozenset(FORMATS)
    assert [name for name, fmt in registered().items() if fmt.byte_ranges] == [
        "jsonl",
        "warc",
        "wet",
    ]
    assert [name for name, fmt in registered().items() if not fmt.redactable] == [
        "warc",
        "wet",
        "webdataset",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("x.warc.wet", "wet"),
        ("x.warc.wet.gz", "wet"),
        ("x.wet.zst", None),  # warcio reads gzip per record only
        ("x.warc.zstd", None),
        ("x.parquet.gz", None),
        ("x.arrow.gz", None),
        ("x.TSV.ZSTD", "tsv"),
        ("x.ndjson.zst", "jsonl"),
        ("x.jsonl.bz2", None),
        ("x.txt", None),
    ],
)
def test_extensions_and_their_compressions(name: str, expected: str | None) -> None:
    assert format_from_name(name) == expected


def test_redaction_refusal_names_the_format(tmp_path: Path) -> None:
    src = tmp_path / "a.wet"
    src.write_bytes(_warc(compress=False, wet=True))
    with pytest.raises(ExpungeError, match="redaction is not supported for WARC; use --mode drop"):
        rewrite_shard(Shard(str(src), "wet"), FieldSpec(), str(tmp_path / "o"), set(), {0: "x"})


def test_a_jsonl_run_does_not_import_pyarrow_or_warcio(tmp_path: Path) -> None:
    src = tmp_path / "plain"  # no extension: detected by its first bytes
    src.write_bytes(b'{"text": "a"}\n{"text": "b"}\n')
    script = f"""
import sys
from expunge.errors import ErrorPolicy
from expunge.io import open_dataset, read_shard
from expunge.io.raw import read_raw
from expunge.io.rewrite import rewrite_shard
from expunge.records import FieldSpec
shard = open_dataset({str(src)!r}).shards[0]
assert shard.format == "jsonl", shard.format
assert len(list(read_shard(shard, FieldSpec(), ErrorPolicy()))) == 2
assert len(list(read_raw(shard, FieldSpec(), ErrorPolicy()))) == 2
rewrite_shard(shard, FieldSpec(), {str(tmp_path / "out")!r}, {{0}}, {{1: "c"}})
print(sorted(m for m in ("pyarrow", "warcio", "selectolax") if m in sys.modules))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


# ---- a format added from outside -------------------------------------------------------------

_MAGIC = b"LINES/1\n"


def read_lines(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    """One record per line after the magic line; a line '!' is a bad row."""
    lines = Path(shard.path).read_bytes()[len(_MAGIC) :].splitlines()
    for row, line in enumerate(lines):
        if line == b"!":
            errors.bad_row(shard.label, f"row {row}", "a bang")
        else:
            yield Record(line.decode(), Location(shard.label, row))
    errors.rows_numbered = len(lines)


def rewrite_lines(shard: Shard, fields: FieldSpec, out_path: str, edits: Edits) -> RewriteStats:
    lines = Path(shard.path).read_bytes()[len(_MAGIC) :].splitlines()
    kept = [
        edits.replace.get(row, line.decode()).encode()
        for row, line in enumerate(lines)
        if row not in edits.drop
    ]
    Path(out_path).write_bytes(_MAGIC + b"".join(line + b"\n" for line in kept))
    return RewriteStats(len(lines), len(kept), len(lines) - len(kept), len(edits.replace))


@pytest.fixture
def lines_format() -> Iterator[Format]:
    fmt = register(
        Format(
            "lines",
            reader=f"{__name__}:read_lines",  # imported on first use, as the built-ins are
            rewriter=rewrite_lines,
            extensions=(".lines",),
            magic=(_MAGIC,),
            described=".lines",
        )
    )
    yield fmt
    unregister("lines")


def test_a_registered_format_is_read_found_and_rewritten(
    tmp_path: Path, lines_format: Format
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.lines").write_bytes(_MAGIC + b"one\n!\nthree\n")
    (data / "b").write_bytes(_MAGIC + b"four\n")  # no extension: found by its magic bytes
    (data / "c.jsonl").write_bytes(b'{"text": "five"}\n')

    dataset = open_dataset(str(data))
    assert [(s.name, s.format) for s in dataset.shards] == [
        ("a.lines", "lines"),
        ("b", "lines"),
        ("c.jsonl", "jsonl"),
    ]
    assert detect_format(str(data / "b")) == "lines"
    records, errors = _read(dataset.shards[0])
    assert [(r.text, r.location.row) for r in records] == [("one", 0), ("three", 2)]
    assert [b.where for b in errors.skipped] == ["row 1"]
    assert [r.text for r in read_raw(dataset.shards[1], FieldSpec(), ErrorPolicy())] == ["four"]

    out = tmp_path / "out.lines"
    stats = rewrite_shard(dataset.shards[0], FieldSpec(), str(out), {0}, {2: "THREE"})
    assert stats == RewriteStats(3, 2, 1, 1)
    assert out.read_bytes() == _MAGIC + b"!\nTHREE\n"

    assert open_dataset(str(data / "a.lines"), format="lines").shards[0].format == "lines"
    assert ".lines" in supported_extensions()
    with pytest.raises(ExpungeError, match="use one of: auto, jsonl.*, lines"):
        open_dataset(str(data), format="nope")


def test_an_unregistered_format_is_unknown_again(tmp_path: Path) -> None:
    src = tmp_path / "a.lines"
    src.write_bytes(_MAGIC + b"one\n")
    assert format_from_name("a.lines") is None
    with pytest.raises(ExpungeError, match="unknown format 'lines'"):
        list(read_shard(Shard(str(src), "lines"), FieldSpec(), ErrorPolicy()))
