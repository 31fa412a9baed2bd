"""web/rows.py: one record of a plain JSON Lines shard read as its own line gives the record
a whole read gives at that row, blank lines, bad rows and a byte-order mark included."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from expunge.errors import ErrorPolicy
from expunge.io import open_dataset, read_shard
from expunge.records import FieldSpec
from expunge.web.rows import RowOffsets


def _records(shard: object) -> dict[int, str]:
    return {r.location.row: r.text for r in read_shard(shard, FieldSpec(), ErrorPolicy("skip"))}  # type: ignore[arg-type]


def test_each_row_read_alone_is_the_row_read_whole(tmp_path: Path) -> None:
    lines = [
        "\ufeff" + json.dumps({"text": "first, after a byte-order mark"}),
        "",
        "   ",
        json.dumps({"text": "after two blank lines"}),
        "{not json",
        json.dumps({"text": "after a bad row: Zoë"}),
        json.dumps({"other": "no text field"}),
        json.dumps({"text": "last, no newline"}),
    ]
    path = tmp_path / "data" / "part.jsonl"
    path.parent.mkdir()
    path.write_text("\n".join(lines), encoding="utf-8")
    shard = open_dataset(str(path.parent)).shards[0]
    whole = _records(shard)
    assert len(whole) >= 4
    offsets = RowOffsets()
    for row, text in whole.items():
        one = offsets.one_row(shard, row)
        assert one is not None
        alone = _records(one)
        assert list(alone.values()) == [text], row
    assert offsets.one_row(shard, 99) is None


def test_compressed_shards_are_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "data" / "part.jsonl.gz"
    path.parent.mkdir()
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"text": "hello"}) + "\n")
    shard = open_dataset(str(path.parent)).shards[0]
    assert RowOffsets().one_row(shard, 0) is None


def test_a_changed_file_gets_new_offsets(tmp_path: Path) -> None:
    path = tmp_path / "data" / "part.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps({"text": "a"}) + "\n" + json.dumps({"text": "b"}) + "\n")
    offsets = RowOffsets()
    shard = open_dataset(str(path.parent)).shards[0]
    assert list(_records(offsets.one_row(shard, 1)).values()) == ["b"]  # type: ignore[arg-type]
    path.write_text(json.dumps({"text": "longer first"}) + "\n" + json.dumps({"text": "c"}) + "\n")
    assert list(_records(offsets.one_row(shard, 1)).values()) == ["c"]  # type: ignore[arg-type]
