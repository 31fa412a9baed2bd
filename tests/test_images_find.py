"""`expunge images index` / `images find` end to end on the demo image dataset."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from conftest import run_cli

pytest.importorskip("pdqhash")

from expunge.demo.images import drawn_picture, write_demo_images


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo_images(tmp_path_factory.mktemp("images"))


def _found(matches_file: Path) -> set[str]:
    return {json.loads(line)["key"] for line in matches_file.read_text().splitlines()}


def _expected(demo: Path, photo: str) -> set[str]:
    """The planted copies of `photo` under edits a perceptual hash survives."""
    truth = json.loads((demo / "truth.json").read_text())
    assert any(not t["hash_finds"] for t in truth)  # the demo shows what is missed too
    return {t["key"] for t in truth if t["photo"] == photo and t["hash_finds"]}


def test_find_without_and_with_an_index_gives_the_planted_photos(
    demo: Path, tmp_path: Path
) -> None:
    query = str(demo / "queries" / "me-1.jpg")
    direct = run_cli("images", "find", "--query", query, str(demo / "dataset"),
                     "--out", str(tmp_path / "direct"), "--workers", "1")  # fmt: skip
    assert direct.code == 0, direct.stderr
    wanted = _expected(demo, "me-1.jpg")
    assert _found(tmp_path / "direct" / "matches.jsonl") == wanted
    assert "as mirror" in direct.stdout  # the mirrored copy is found through the query's variant
    built = run_cli("images", "index", str(demo / "dataset"), "--out", str(tmp_path / "idx"),
                    "--workers", "1")  # fmt: skip
    assert built.code == 0 and "240 images in 2 shards; 2 hashed" in built.stdout, built.stderr
    again = run_cli("images", "index", str(demo / "dataset"), "--out", str(tmp_path / "idx"))
    assert "0 hashed, 2 unchanged" in again.stdout
    indexed = run_cli("images", "find", "--query", query, "--index", str(tmp_path / "idx"),
                      "--out", str(tmp_path / "via-index"))  # fmt: skip
    assert indexed.code == 0, indexed.stderr
    assert _found(tmp_path / "via-index" / "matches.jsonl") == wanted
    # with the dataset too: thumbnails in the report, and the index must still describe it
    both = run_cli("images", "find", "--query", query, "--index", str(tmp_path / "idx"),
                   str(demo / "dataset"), "--out", str(tmp_path / "both"))  # fmt: skip
    assert both.code == 0
    assert (tmp_path / "both" / "report.html").read_text().count("<img ") == 1 + len(wanted)
    changed = tmp_path / "changed"
    changed.mkdir()
    for tar in (demo / "dataset").glob("*.tar"):
        (changed / tar.name).write_bytes(tar.read_bytes())
    with (changed / "00001.tar").open("ab") as handle:
        handle.write(b"\0" * 1024)  # a changed shard (padding: still a readable tar)
    stale = run_cli("images", "find", "--query", query, "--index", str(tmp_path / "idx"),
                    str(changed))  # fmt: skip
    assert stale.code == 1 and "out of date: shard 00001.tar changed" in stale.stderr


def test_every_edit_the_hash_survives_is_found_and_no_other(demo: Path, tmp_path: Path) -> None:
    queries = [
        arg for q in ("me-1.jpg", "me-2.jpg") for arg in ("--query", str(demo / "queries" / q))
    ]
    result = run_cli("images", "find", *queries, str(demo / "dataset"), "--out", str(tmp_path))
    assert result.code == 0, result.stderr
    found = [json.loads(line) for line in (tmp_path / "matches.jsonl").read_text().splitlines()]
    truth = json.loads((demo / "truth.json").read_text())
    assert {(m["query"], m["key"]) for m in found} == {
        (t["photo"], t["key"]) for t in truth if t["hash_finds"]
    }
    turned = {m["transform"] for m in found if m["key"] in
              {t["key"] for t in truth if t["edit"] == "turned a quarter"}}  # fmt: skip
    assert turned and turned <= {"rotate90", "rotate270"}


def test_the_report_shows_only_the_query_and_its_matches(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("images", "find", "--query", str(demo / "queries" / "me-1.jpg"),
                     str(demo / "dataset"), "--out", str(out), "--workers", "1")  # fmt: skip
    assert result.code == 0, result.stderr
    page = (out / "report.html").read_text()
    matches = len((out / "matches.jsonl").read_text().splitlines())
    assert page.count("<img ") == 1 + matches  # the query and its matches, no other picture
    assert "stock picture" not in page  # other samples' captions stay out
    for name in ("report.html", "matches.jsonl", "summary.json"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600


def test_an_unrelated_photo_matches_nothing(demo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.jpg"
    drawn_picture(424242).save(other, "JPEG", quality=90)
    result = run_cli("images", "find", "--query", str(other), str(demo / "dataset"))
    assert result.code == 0 and "0 matching image(s)" in result.stdout


def test_bad_queries_and_options_are_one_line_errors(demo: Path, tmp_path: Path) -> None:
    from PIL import Image

    flat = tmp_path / "flat.png"
    Image.new("RGB", (300, 200), (128, 128, 128)).save(flat)
    not_image = tmp_path / "notes.jpg"
    not_image.write_text("just text")
    cases = [
        (["--query", str(flat), str(demo / "dataset")], "use a sharper, larger photo"),
        (["--query", str(not_image), str(demo / "dataset")], "notes.jpg"),
        (["--query", str(tmp_path / "missing.jpg"), str(demo / "dataset")], "cannot read"),
        (["--query", str(demo / "queries" / "me-1.jpg")], "give DATASET or --index"),
        (
            [
                "--query",
                str(demo / "queries" / "me-1.jpg"),
                str(demo / "dataset"),
                "--threshold",
                "99",
            ],
            "out of range",
        ),
    ]
    for args, message in cases:
        result = run_cli("images", "find", *args)
        assert result.code == 1 and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_corrupt_images_are_one_line_or_counted_with_skip(tmp_path: Path) -> None:
    import io
    import struct
    import tarfile
    import zlib

    def png_claiming(width: int, height: int) -> bytes:  # a decompression bomb's header
        def chunk(kind: bytes, body: bytes) -> bytes:
            crc = struct.pack(">I", zlib.crc32(kind + body))
            return struct.pack(">I", len(body)) + kind + body + crc

        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))  # fmt: skip

    good = io.BytesIO()
    drawn_picture(5).save(good, "JPEG", quality=85)
    samples = {
        "00000.jpg": good.getvalue(),
        "00001.jpg": good.getvalue()[: len(good.getvalue()) // 2],  # truncated JPEG
        "00002.jpg": b"this is a text file with an image's name\n",
        "00003.png": png_claiming(100_000, 100_000),
    }
    data = tmp_path / "data"
    data.mkdir()
    with tarfile.open(data / "00000.tar", "w") as tar:
        for name, blob in samples.items():
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    stop = run_cli("images", "index", str(data), "--out", str(tmp_path / "idx"))
    assert stop.code == 1 and len(stop.stderr.strip().splitlines()) == 1, stop.stderr
    assert "00000.tar" in stop.stderr and "sample 1" in stop.stderr and "truncated" in stop.stderr
    assert not (tmp_path / "idx" / "manifest.json").exists()  # nothing committed half-way
    skip = run_cli("images", "index", str(data), "--out", str(tmp_path / "idx"),
                   "--on-error", "skip")  # fmt: skip
    assert skip.code == 0, skip.stderr
    assert "1 images in 1 shards" in skip.stdout and "3 unreadable samples skipped" in skip.stdout


def test_samples_without_pixels_are_said_to_be_unsearched(demo: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = tmp_path / "laion.parquet"
    pq.write_table(pa.table({"URL": ["https://a.example/1.jpg"], "TEXT": ["a"]}), meta)
    result = run_cli("images", "find", "--query", str(demo / "queries" / "me-1.jpg"), str(meta))
    assert result.code == 0, result.stderr
    assert "0 matching image(s)" in result.stdout  # and never silently: the count says why
    assert "1 samples without pixels NOT searched" in result.stdout


def test_a_folder_of_images_is_indexed_and_kept_current(tmp_path: Path) -> None:
    """Folder shards are directories: fingerprinted by their files (names, sizes, contents)."""
    me = drawn_picture(42, (400, 300))
    me.save(tmp_path / "me.jpg", quality=95)
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    for i in range(3):
        (me.resize((200, 150)) if i == 1 else drawn_picture(50 + i)).save(data / f"{i}.jpg")
    drawn_picture(60).save(data / "sub" / "x.png")
    idx = tmp_path / "idx"
    built = run_cli("images", "index", str(data), "--out", str(idx))
    assert built.code == 0 and "4 images in 2 shards" in built.stdout, built.stderr
    found = run_cli("images", "find", "--query", str(tmp_path / "me.jpg"), "--index", str(idx),
                    str(data))  # fmt: skip
    assert found.code == 0 and "1 matching image(s)" in found.stdout and "key 1.jpg" in found.stdout
    (data / "sub" / "x.txt").write_text("a caption added later")
    stale = run_cli("images", "find", "--query", str(tmp_path / "me.jpg"), "--index", str(idx),
                    str(data))  # fmt: skip
    assert stale.code == 1 and "shard sub changed" in stale.stderr
    again = run_cli("images", "index", str(data), "--out", str(idx))
    assert "1 hashed, 1 unchanged" in again.stdout
