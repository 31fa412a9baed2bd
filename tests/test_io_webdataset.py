"""WebDataset tars read as text (io/webdataset.py): a person's Flickr photo URL in a sample's
metadata, their name in a caption, an email in a caption; forget refuses before writing."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from conftest import run_cli

from expunge.errors import ErrorPolicy
from expunge.io import open_dataset, read_shard
from expunge.io.raw import read_raw
from expunge.records import FieldSpec

ROWS = [
    ("a", "sunset over the bay", {"url": "https://www.flickr.com/photos/12345678@N00/5551234"}),
    ("b", "a cat on a sofa", {"url": "https://cdn.example.com/2.jpg"}),
    ("c", "Amalia Ortiz at the beach", {"url": "https://cdn.example.com/3.jpg"}),
    (
        "d",
        "write to amalia.o@example.org",
        {"url": "https://cdn.example.com/4.jpg", "uploader": "A. Ortiz"},
    ),
]
PROFILE = 'names = ["Amalia Ortiz"]\nurls = ["https://www.flickr.com/photos/12345678@N00/"]\n'


@pytest.fixture()
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    with tarfile.open(root / "00000.tar", "w") as tar:
        for key, caption, meta in ROWS:
            members = ((f"{key}.jpg", b"\xff\xd8 pixels are never read as text"),
                       (f"{key}.txt", caption.encode()), (f"{key}.json", json.dumps(meta).encode()))  # fmt: skip
            for name, blob in members:
                info = tarfile.TarInfo(name)
                info.size = len(blob)
                tar.addfile(info, io.BytesIO(blob))
    return root


def test_captions_are_the_text_and_metadata_the_stored_material(dataset: Path) -> None:
    shard = open_dataset(str(dataset)).shards[0]
    assert shard.format == "webdataset"
    records = list(read_shard(shard, FieldSpec(), ErrorPolicy()))
    assert [(r.id, r.text, r.url) for r in records] == [(k, c, m["url"]) for k, c, m in ROWS]
    raw = list(read_raw(shard, FieldSpec(), ErrorPolicy()))
    assert raw[3].text.startswith("write to amalia.o@example.org\n\n")
    assert "A. Ortiz" in raw[3].text and "https://cdn.example.com/4.jpg" in raw[3].text
    assert "pixels" not in "".join(r.text for r in raw)


def test_find_sees_the_flickr_photo_url_in_the_metadata(dataset: Path, tmp_path: Path) -> None:
    me = tmp_path / "me.toml"
    me.write_text(PROFILE)
    result = run_cli("find", "--subject", str(me), str(dataset), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.stderr
    found = [
        json.loads(line) for line in (tmp_path / "out" / "findings.jsonl").read_text().splitlines()
    ]
    by_row = {f["row"]: f for f in found}
    assert by_row[0]["confidence"] == "strong" and by_row[0]["in"] == "stored"
    assert by_row[2]["confidence"] == "weak"  # a name alone
    assert by_row[3]["confidence"] == "weak" and by_row[3]["in"] == "stored"  # 'A. Ortiz' uploaded
    assert set(by_row) == {0, 2, 3}
    scan = run_cli("scan", str(dataset), "--out", str(tmp_path / "scan"), "--types", "email")
    assert scan.code == 0 and "1 of 4 records" in scan.stdout


def test_forget_drops_the_whole_sample_and_verify_passes(dataset: Path, tmp_path: Path) -> None:
    from expunge.images.readers import read_samples

    me = tmp_path / "me.toml"
    me.write_text(PROFILE)
    v2 = tmp_path / "v2"
    result = run_cli("forget", "--subject", str(me), str(dataset), "--out", str(v2),
                     "--mode", "redact")  # fmt: skip
    assert result.code == 0, result.stderr
    manifest = json.loads((v2 / "manifest.json").read_text())
    entry = manifest["shards"][0]
    assert entry["mode"] == "drop" and entry["dropped"] == 1  # a picture cannot be redacted
    before = list(read_samples(open_dataset(str(dataset)).shards[0], ErrorPolicy()))
    after = list(read_samples(open_dataset(str(v2)).shards[0], ErrorPolicy()))
    # sample 'a' (the Flickr photo URL: strong) is gone with all its files; the others keep
    # their pictures, captions and metadata byte for byte
    assert [s.key for s in after] == ["b", "c", "d"]
    assert [(s.data, s.caption, s.url) for s in after] == [
        (s.data, s.caption, s.url) for s in before[1:]
    ]
    check = run_cli("verify", str(v2), "--subject", str(me))
    assert check.code == 0, check.stdout + check.stderr


def test_stored_material_is_every_text_member_and_the_whole_json(tmp_path: Path) -> None:
    root = tmp_path / "nested"
    root.mkdir()
    meta = {"url": "https://cdn.example.com/9.jpg", "exif": {"Artist": "Amalia Ortiz"},
            "note": "x" * 2000 + " amalia.o@example.org"}  # fmt: skip
    with tarfile.open(root / "00000.tar", "w") as tar:
        members = (("k.jpg", b"\xff\xd8 pixels"), ("k.txt", b"a caption"),
                   ("k.json", json.dumps(meta).encode()), ("k.cls", b"uploader: aortiz_photo"))  # fmt: skip
        for name, blob in members:
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    (record,) = read_raw(open_dataset(str(root)).shards[0], FieldSpec(), ErrorPolicy())
    stored = record.text[record.fields["text_end"] :]
    # nested and long JSON strings (cut from `meta`) and the other text member are all searched
    for value in ("Amalia Ortiz", "amalia.o@example.org", "aortiz_photo", "cdn.example.com/9"):
        assert value in stored, value
    assert "pixels" not in record.text


def test_the_certificate_says_what_is_not_searched_in_a_tar(dataset: Path, tmp_path: Path) -> None:
    me = tmp_path / "me.toml"
    me.write_text(PROFILE)
    v2 = tmp_path / "v2"
    assert run_cli("forget", "--subject", str(me), str(dataset), "--out", str(v2)).code == 0
    check = run_cli("verify", str(v2), "--subject", str(me), "--json", str(tmp_path / "c.json"))
    assert check.code == 0, check.stdout + check.stderr
    assert (
        "not searched for identifiers in webdataset: the pictures and the metadata inside them"
        in check.stdout
    )
    raw = json.loads((tmp_path / "c.json").read_text())["raw_bytes"]
    assert raw["covered_formats"] == ["webdataset"] and "webdataset" in raw["not_searched"]
