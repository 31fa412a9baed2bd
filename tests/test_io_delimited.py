"""CSV and TSV reader: header, quoting, locations, compressed input, bad rows."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest
import zstandard

from expunge.errors import ErrorPolicy, InputError
from expunge.io import read_shard
from expunge.records import FieldSpec, Record, Shard

ROWS = [
    ["id", "url", "text"],
    ["r1", "https://a.example", "plain text"],
    ["r2", "https://b.example", 'has "quotes", a comma\nand a second line'],
    ["r3", "https://c.example", "ünïcode ✓"],
]


def _csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _read(
    path: Path, fmt: str = "csv", policy: ErrorPolicy | None = None, fields: FieldSpec | None = None
) -> list[Record]:
    shard = Shard(str(path), fmt, path.name)
    return list(read_shard(shard, fields or FieldSpec(), policy or ErrorPolicy()))


def test_csv_records_with_multiline_quoted_field(tmp_path: Path) -> None:
    path = tmp_path / "docs.csv"
    path.write_bytes(_csv(ROWS))
    records = _read(path)
    assert [r.text for r in records] == [row[2] for row in ROWS[1:]]
    assert [r.id for r in records] == ["r1", "r2", "r3"]
    assert [r.url for r in records] == [row[1] for row in ROWS[1:]]
    assert [r.location.row for r in records] == [0, 1, 2]  # the header is not a row


def test_csv_offsets_point_at_the_start_of_each_record(tmp_path: Path) -> None:
    data = _csv(ROWS)
    path = tmp_path / "docs.csv"
    path.write_bytes(data)
    for record in _read(path):
        offset = record.location.offset
        assert offset is not None
        assert data[offset:].startswith(f"{record.id},".encode())


def test_tsv_uses_tabs(tmp_path: Path) -> None:
    path = tmp_path / "captions.tsv"
    path.write_bytes(_csv([["caption", "url"], ["a, b and c", "u1"], ["tab-free", "u2"]], "\t"))
    records = _read(path, "tsv")
    assert [(r.text, r.url) for r in records] == [("a, b and c", "u1"), ("tab-free", "u2")]


@pytest.mark.parametrize("codec", ["gzip", "zstd"])
def test_compressed_csv(tmp_path: Path, codec: str) -> None:
    data = _csv(ROWS)
    path = tmp_path / ("docs.csv.gz" if codec == "gzip" else "docs.csv.zst")
    compressed = gzip.compress(data) if codec == "gzip" else zstandard.compress(data)
    path.write_bytes(compressed)
    records = _read(path)
    assert [r.text for r in records] == [row[2] for row in ROWS[1:]]
    assert data[records[2].location.offset or 0 :].startswith(b"r3,")


def test_fields_larger_than_the_csv_default_limit(tmp_path: Path) -> None:
    big = "x" * 300_000  # the csv module's default limit is 131072
    path = tmp_path / "big.csv"
    path.write_bytes(_csv([["text"], [big], ["small"]]))
    assert [len(r.text) for r in _read(path)] == [300_000, 5]


def test_blank_lines_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "windows.csv"
    path.write_bytes(b"\xef\xbb\xbftext,id\r\n\r\nhello,1\r\n\r\nworld,2\r\n")
    records = _read(path)
    assert [(r.text, r.id, r.location.row) for r in records] == [
        ("hello", "1", 0),
        ("world", "2", 1),
    ]


def test_missing_text_column_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_bytes(_csv([["title", "link"], ["a", "b"]]))
    with pytest.raises(InputError) as caught:
        _read(path)
    assert "cols.csv: no text column" in str(caught.value)
    assert "'title', 'link'" in str(caught.value)
    assert caught.value.fix == "pass --text-field COLUMN"
    assert [r.text for r in _read(path, fields=FieldSpec(text="title"))] == ["a"]


def test_short_rows_and_bad_utf8_are_bad_rows_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(
        b"id,url,text\n"
        b"1,u1,good\n"
        b'2,"u2\nstill u2",good too\n'  # a record on lines 3-4
        b"3,u3\n"  # line 5: no text field
        b"4,u4,caf\xe9\n"  # line 6: Latin-1, not UTF-8
        b"5,u5,last\n"
    )
    with pytest.raises(InputError) as caught:
        _read(path)
    assert str(caught.value).startswith("rows.csv: line 5: has 2 fields, the header has 3")

    policy = ErrorPolicy("skip")
    records = _read(path, policy=policy)
    assert [(r.id, r.location.row) for r in records] == [("1", 0), ("2", 1), ("5", 4)]
    assert [(b.where, b.reason) for b in policy.skipped] == [
        ("line 5", "has 2 fields, the header has 3"),
        ("line 6", "not valid UTF-8"),
    ]


def test_truncated_gzip_csv(tmp_path: Path) -> None:
    rows = [["text"]] + [[f"row {i} {i * 7919 % 10007}"] for i in range(5000)]
    data = gzip.compress(_csv(rows))
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.csv\.gz: line \d+: truncated or corrupt gzip"):
        _read(path)
    policy = ErrorPolicy("skip")
    records = _read(path, policy=policy)
    assert 0 < len(records) < 5000
    assert records[-1].text == rows[len(records)][0]
    assert len(policy.skipped) == 1


def test_empty_and_header_only_files_yield_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header.tsv").write_bytes(b"text\turl\n")
    assert _read(tmp_path / "empty.csv") == []
    assert _read(tmp_path / "header.tsv", "tsv") == []


def test_csv_module_errors_are_bad_rows_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "cr.csv"
    path.write_bytes(b"text\nfirst\nbroken\rline\nafter\n")  # a bare CR inside a field
    with pytest.raises(InputError, match=r"cr\.csv: line 3: malformed CSV"):
        _read(path)
    policy = ErrorPolicy("skip")
    records = _read(path, policy=policy)
    assert [(r.text, r.location.row) for r in records] == [("first", 0), ("after", 2)]
    assert [b.where for b in policy.skipped] == ["line 3"]
