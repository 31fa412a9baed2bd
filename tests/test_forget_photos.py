"""`expunge forget --query / --images-report` and `verify --query`: a person's photos removed
from image datasets (WebDataset, Parquet with images, Hugging Face Arrow, LAION metadata),
recorded in the registry, re-found in a new release, proven gone."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from conftest import run_cli

pytest.importorskip("pdqhash")

import pyarrow as pa
import pyarrow.parquet as pq
from PIL import Image

from expunge.demo.images import drawn_picture, write_demo_images
from expunge.forget import Registry


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo_images(tmp_path_factory.mktemp("images"))


def _queries(demo: Path) -> list[str]:
    return [a for q in ("me-1.jpg", "me-2.jpg") for a in ("--query", str(demo / "queries" / q))]


def _found_keys(demo: Path) -> set[str]:
    truth = json.loads((demo / "truth.json").read_text())
    return {t["key"] for t in truth if t["hash_finds"]}


def _members(tar_path: Path) -> dict[str, bytes]:
    with tarfile.open(tar_path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def test_forget_drops_whole_samples_and_verify_proves_it(demo: Path, tmp_path: Path) -> None:
    source = _digests(demo / "dataset")
    out, reg = tmp_path / "v2", tmp_path / "reg"
    done = run_cli("forget", *_queries(demo), str(demo / "dataset"), "--out", str(out),
                   "--registry", str(reg), "--request-id", "R-9", "--workers", "1")  # fmt: skip
    assert done.code == 0, done.stderr
    removed = _found_keys(demo)
    assert f"photos: {len(removed)} matching sample(s) dropped" in done.stdout
    for tar in sorted((demo / "dataset").glob("*.tar")):
        before, after = _members(tar), _members(out / tar.name)
        gone = {name for name in before if name not in after}
        # every file of a removed key (image, caption, metadata) and nothing else
        assert {name.split(".", 1)[0] for name in gone} == {
            k for k in removed if any(n.startswith(k + ".") for n in before)
        }
        assert all(after[name] == before[name] for name in after)
    assert _digests(demo / "dataset") == source  # the parent is never written to
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["photos"]["samples_removed"] == len(removed)
    assert manifest["totals"]["records_dropped"] == len(removed)
    proof = run_cli("verify", str(out), *_queries(demo), "--json", str(tmp_path / "cert.json"))
    assert proof.code == 0 and "PASS" in proof.stdout, proof.stdout + proof.stderr
    cert = json.loads((tmp_path / "cert.json").read_text())
    assert cert["photos"]["matches_remaining"] == 0
    assert cert["photos"]["images_compared"] == 240 - len(removed)
    assert cert["photos"]["threshold"] == 31
    # The registry alone proves it too, and fails on the parent's copy (made a "version"
    # by copying its manifest next to the parent's shards).
    assert run_cli("verify", str(out), "--registry", str(reg)).code == 0
    unclean = tmp_path / "unclean"
    shutil.copytree(demo / "dataset", unclean)
    shards = [  # the parent's shards under the version's manifest, sizes fixed up
        {**s, "size": (unclean / s["name"]).stat().st_size,
         "sha256": "sha256:" + hashlib.sha256((unclean / s["name"]).read_bytes()).hexdigest()}
        for s in manifest["shards"]
    ]  # fmt: skip
    (unclean / "manifest.json").write_text(json.dumps({**manifest, "shards": shards}))
    failed = run_cli("verify", str(unclean), "--registry", str(reg))
    assert failed.code == 1 and "FAIL" in failed.stdout
    assert f"matches remaining: {len(removed)}" in failed.stdout


def test_registry_removes_recrawled_copies_from_a_new_release(demo: Path, tmp_path: Path) -> None:
    reg = tmp_path / "reg"
    first = run_cli("forget", *_queries(demo), str(demo / "dataset"), "--out",
                    str(tmp_path / "v2"), "--registry", str(reg))  # fmt: skip
    assert first.code == 0, first.stderr
    # A new release: the removed pictures re-crawled (re-encoded, resized), under new keys,
    # among pictures nobody asked about.
    removed = _found_keys(demo)
    originals = {}
    for tar in (demo / "dataset").glob("*.tar"):
        for name, data in _members(tar).items():
            if name.endswith(".jpg") and name.split(".")[0] in removed:
                originals[name] = data
    release = tmp_path / "release"
    release.mkdir()
    with tarfile.open(release / "00000.tar", "w") as tar:
        entries = [(f"new{i:04d}", drawn_picture(5000 + i)) for i in range(30)]
        for n, data in enumerate(sorted(originals.values())):
            image = Image.open(io.BytesIO(data)).convert("RGB")
            image = image.resize((image.width * 3 // 4, image.height * 3 // 4))
            entries.insert(7 * n + 3, (f"recrawl{n}", image))
        for key, image in entries:
            for suffix, blob in ((".jpg", _jpeg(image, 70)), (".txt", key.encode())):
                info = tarfile.TarInfo(key + suffix)
                info.size = len(blob)
                tar.addfile(info, io.BytesIO(blob))
    again = run_cli("forget", "--registry", str(reg), str(release), "--out", str(tmp_path / "v3"))
    assert again.code == 0, again.stderr
    left = {name.split(".")[0] for name in _members(tmp_path / "v3" / "00000.tar")}
    assert not any(k.startswith("recrawl") for k in left)
    assert {k for k in left if k.startswith("new")} == {f"new{i:04d}" for i in range(30)}
    assert run_cli("verify", str(tmp_path / "v3"), "--registry", str(reg)).code == 0


def test_a_report_is_forgotten_as_found_and_a_stale_one_is_refused(
    demo: Path, tmp_path: Path
) -> None:
    report = tmp_path / "found"
    assert run_cli("images", "find", *_queries(demo), str(demo / "dataset"),
                   "--out", str(report)).code == 0  # fmt: skip
    by_report = run_cli("forget", "--images-report", str(report), str(demo / "dataset"),
                        "--out", str(tmp_path / "a"))  # fmt: skip
    by_query = run_cli("forget", *_queries(demo), str(demo / "dataset"), "--out",
                       str(tmp_path / "b"))  # fmt: skip
    assert by_report.code == 0 and by_query.code == 0, by_report.stderr + by_query.stderr
    assert _digests(tmp_path / "a") == {
        k: v for k, v in _digests(tmp_path / "b").items() if k != "manifest.json"
    } | {"manifest.json": _digests(tmp_path / "a")["manifest.json"]}
    # A dataset whose rows moved since the search: refused before anything is written.
    moved = tmp_path / "moved"
    moved.mkdir()
    for tar in sorted((demo / "dataset").glob("*.tar")):
        members = _members(tar)
        with tarfile.open(moved / tar.name, "w") as out:
            for name in sorted(members, reverse=True):  # same samples, other order
                info = tarfile.TarInfo(name)
                info.size = len(members[name])
                out.addfile(info, io.BytesIO(members[name]))
    stale = run_cli("forget", "--images-report", str(report), str(moved), "--out",
                    str(tmp_path / "c"))  # fmt: skip
    assert stale.code == 1 and "out of date" in stale.stderr and not (tmp_path / "c").exists()
    assert stale.stderr.count("\n") == 1
    # Part of the matches left out of the report: verify with the photos finds the rest.
    lines = (report / "matches.jsonl").read_text().splitlines()
    (report / "matches.jsonl").write_text(lines[0] + "\n")
    part = tmp_path / "part"
    assert run_cli("forget", "--images-report", str(report), str(demo / "dataset"),
                   "--out", str(part)).code == 0  # fmt: skip
    check = run_cli("verify", str(part), *_queries(demo))
    assert check.code == 1 and f"matches remaining: {len(lines) - 1}" in check.stdout


def test_a_faces_report_removes_its_samples(demo: Path, tmp_path: Path) -> None:
    report = tmp_path / "faces"
    report.mkdir()
    (report / "summary.json").write_text(json.dumps({"command": "images faces", "tolerance": 0.6}))
    (report / "matches.jsonl").write_text(
        json.dumps({"query": "me.jpg", "distance": 0.41, "box": [1, 2, 3, 4],
                    "shard": "00001.tar", "row": 5, "key": "000010005"}) + "\n"
    )  # fmt: skip
    reg = tmp_path / "reg"
    done = run_cli("forget", "--images-report", str(report), str(demo / "dataset"),
                   "--out", str(tmp_path / "v2"), "--registry", str(reg))  # fmt: skip
    assert done.code == 0, done.stderr
    assert "1 matching sample(s) dropped (images faces report)" in done.stdout
    assert not any(n.startswith("000010005.") for n in _members(tmp_path / "v2" / "00001.tar"))
    assert "1 image hash(es) recorded" in done.stdout  # the picture's hash, no face embedding
    line = json.loads((reg / "removals.jsonl").read_text().splitlines()[-1])
    assert len(line["photos"]) == 1 and line["identifiers"] == []


def _parquet_dataset(root: Path, with_text: bool) -> tuple[Path, bytes]:
    """Two Parquet shards with HF-style image structs; the person's photo in row 3 of the
    second, resized and re-encoded. Returns the dataset and the query photo. The person is a
    real photo: `skimage.data.astronaut` (NASA, public domain), cut to 4:3."""
    skimage_data = pytest.importorskip("skimage.data")
    person = Image.fromarray(skimage_data.astronaut()).crop((0, 64, 512, 448))
    root.mkdir()
    for shard in range(2):
        images, captions = [], []
        for row in range(8):
            picture = drawn_picture(300 + shard * 10 + row)
            if (shard, row) == (1, 3):
                picture = person.resize((200, 150))
            images.append({"bytes": _jpeg(picture, 80), "path": f"{shard}-{row}.jpg"})
            captions.append(f"picture {shard}-{row}")
        columns: dict[str, pa.Array | list[object]] = {
            "image": pa.array(images, pa.struct([("bytes", pa.binary()), ("path", pa.string())])),
            "label": list(range(8)),
        }
        if with_text:
            columns["caption"] = captions
        pq.write_table(pa.table(columns), root / f"train-{shard:05d}.parquet")
    return root, _jpeg(person, 95)


@pytest.mark.parametrize("with_text", [False, True], ids=["image-and-label", "with-caption"])
def test_parquet_rows_are_removed_without_a_text_column(tmp_path: Path, with_text: bool) -> None:
    data, photo = _parquet_dataset(tmp_path / "data", with_text)
    (tmp_path / "me.jpg").write_bytes(photo)
    out = tmp_path / "v2"
    done = run_cli("forget", "--query", str(tmp_path / "me.jpg"), str(data), "--out", str(out))
    assert done.code == 0, done.stderr
    before = pq.read_table(data / "train-00001.parquet").to_pylist()
    after = pq.read_table(out / "train-00001.parquet").to_pylist()
    assert after == before[:3] + before[4:]
    assert (out / "train-00000.parquet").stat().st_ino == (
        data / "train-00000.parquet"
    ).stat().st_ino
    assert run_cli("verify", str(out), "--query", str(tmp_path / "me.jpg")).code == 0


def test_hugging_face_image_dataset_still_loads(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    person = drawn_picture(91, (360, 270))
    pictures = [drawn_picture(600 + i) for i in range(6)]
    pictures[4] = person.transpose(Image.Transpose.FLIP_LEFT_RIGHT)  # a mirrored copy
    saved = tmp_path / "hf"
    datasets.Dataset.from_dict(
        {"image": [{"bytes": _jpeg(p), "path": None} for p in pictures],
         "text": [f"t{i}" for i in range(6)]}
    ).cast_column("image", datasets.Image()).save_to_disk(str(saved))  # fmt: skip
    (tmp_path / "me.jpg").write_bytes(_jpeg(person))
    out = tmp_path / "v2"
    done = run_cli("forget", "--query", str(tmp_path / "me.jpg"), str(saved), "--out", str(out))
    assert done.code == 0, done.stderr
    loaded = datasets.load_from_disk(str(out))
    assert loaded["text"] == ["t0", "t1", "t2", "t3", "t5"]
    assert loaded[4]["image"].size == pictures[5].size


def test_laion_metadata_rows_are_removed(tmp_path: Path) -> None:
    person = drawn_picture(55, (320, 240))
    download = tmp_path / "download"
    download.mkdir()
    urls = [f"https://photos.example/{i}.jpg" for i in range(5)]
    with tarfile.open(download / "00000.tar", "w") as tar:
        for i, url in enumerate(urls):
            picture = person if i == 2 else drawn_picture(700 + i)
            for suffix, blob in ((".jpg", _jpeg(picture)),
                                 (".json", json.dumps({"url": url}).encode())):  # fmt: skip
                info = tarfile.TarInfo(f"{i:09d}{suffix}")
                info.size = len(blob)
                tar.addfile(info, io.BytesIO(blob))
    meta = tmp_path / "meta"
    meta.mkdir()
    pq.write_table(pa.table({"URL": urls, "TEXT": [f"c{i}" for i in range(5)]}),
                   meta / "part-0.parquet")  # fmt: skip
    (tmp_path / "me.jpg").write_bytes(_jpeg(person))
    args = ["--query", str(tmp_path / "me.jpg"), str(meta)]
    without = run_cli("forget", *args, "--out", str(tmp_path / "none"))
    assert without.code == 1 and "5 samples have no pixels here" in without.stderr
    assert "--images-dir" in without.stderr and not (tmp_path / "none").exists()
    done = run_cli("forget", *args, "--out", str(tmp_path / "v2"), "--images-dir", str(download))
    assert done.code == 0, done.stderr
    assert pq.read_table(tmp_path / "v2" / "part-0.parquet")["URL"].to_pylist() == [
        u for i, u in enumerate(urls) if i != 2
    ]


def test_photo_removal_mistakes_are_one_line_and_write_nothing(demo: Path, tmp_path: Path) -> None:
    query = ["--query", str(demo / "queries" / "me-1.jpg")]
    text = tmp_path / "text.jsonl"
    text.write_text('{"text": "hello"}\n')
    cases = {
        "not both": [*query, "--images-report", str(tmp_path), str(demo / "dataset")],
        "image dataset": [*query, str(text)],
        "cannot read": ["--images-report", str(tmp_path / "nope"), str(demo / "dataset")],
        "out of range": [*query, "--threshold", "99", str(demo / "dataset")],
        "are for photos": ["--subject", str(tmp_path / "x.toml"), "--threshold", "3", str(text)],
    }
    (tmp_path / "x.toml").write_text('names = ["Ada Lovelace"]\n')
    for expected, args in cases.items():
        out = tmp_path / f"out-{len(expected)}"
        result = run_cli("forget", *args, "--out", str(out))
        assert result.code != 0 and expected in result.stderr, (expected, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert not out.exists()
    bad = tmp_path / "bad-report"
    bad.mkdir()
    (bad / "summary.json").write_text('{"command": "images find"}')
    (bad / "matches.jsonl").write_text('{"shard": "00000.tar"}\n')
    result = run_cli("forget", "--images-report", str(bad), str(demo / "dataset"), "--out",
                     str(tmp_path / "o"))  # fmt: skip
    assert result.code == 1 and "line 1 is not a match" in result.stderr


def test_registry_keeps_photo_hashes_masked(tmp_path: Path) -> None:
    from expunge.forget import Registry
    from expunge.images.hashing import hamming

    reg = Registry(tmp_path / "reg")
    a, b = bytes(range(32)), bytes(32)
    reg.record_photos([(a, b"\x01" * 8), (b, b"\x02" * 8)], "R-1", "data", "test")
    log = (tmp_path / "reg" / "removals.jsonl").read_text()
    assert a.hex() not in log and b.hex() not in log  # not stored as they are
    stored = [bytes.fromhex(p["pdq"]) for p in json.loads(log)["photos"]]
    assert hamming(stored[0], stored[1]) == hamming(a, b)  # distances kept
    assert Registry(tmp_path / "reg").photo_hashes() == [(a, b"\x01" * 8), (b, b"\x02" * 8)]
    assert not reg.has_text_removals()
    other = Registry(tmp_path / "other")  # another key: other masks
    other.record_photos([(a, b"\x01" * 8)], "R-1", "data", "test")
    assert (
        json.loads((tmp_path / "other" / "removals.jsonl").read_text())["photos"][0]["pdq"]
        != json.loads(log)["photos"][0]["pdq"]
    )


def test_killed_photo_forget_is_invisible_and_completes(demo: Path, tmp_path: Path) -> None:
    args = ["forget", *_queries(demo), str(demo / "dataset"), "--workers", "1"]
    clean = tmp_path / "clean"
    assert run_cli(*args, "--out", str(clean)).code == 0
    expected = {s["name"]: s["sha256"] for s in json.loads((clean / "manifest.json").read_text())["shards"]}  # fmt: skip
    for delay in (0.8, 1.6, 2.4):
        out = tmp_path / f"v-{delay}"
        proc = subprocess.Popen([sys.executable, "-m", "expunge.cli", *args, "--out", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        if out.exists() and not (out / "manifest.json").exists():
            assert run_cli("verify", str(out)).code == 1  # not a version
        if not (out / "manifest.json").exists():
            assert run_cli(*args, "--out", str(out)).code == 0
        got = {s["name"]: s["sha256"] for s in json.loads((out / "manifest.json").read_text())["shards"]}  # fmt: skip
        assert got == expected


def test_a_folder_of_images_loses_the_matched_files_and_their_sidecars(tmp_path: Path) -> None:
    me = drawn_picture(42, (400, 300))
    (tmp_path / "me.jpg").write_bytes(_jpeg(me, 95))
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "notes").mkdir()
    for i in range(5):
        picture = me.resize((200, 150)) if i == 2 else drawn_picture(100 + i)
        (data / f"{i:03d}.jpg").write_bytes(_jpeg(picture, 85))
        (data / f"{i:03d}.txt").write_text(f"caption {i}")
    (data / "sub" / "a.png").write_bytes(_jpeg(drawn_picture(7)))
    (data / "sub" / "b.jpg").write_bytes(_jpeg(me.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    (data / "sub" / "b.json").write_text('{"url": "https://x.example/b"}')
    (data / "README.md").write_text("my photos")
    (data / "notes" / "n.txt").write_text("no images here")
    out, reg = tmp_path / "v2", tmp_path / "reg"
    done = run_cli("forget", "--query", str(tmp_path / "me.jpg"), str(data), "--out", str(out),
                   "--registry", str(reg))  # fmt: skip
    assert done.code == 0, done.stderr
    gone = {"002.jpg", "002.txt", "sub/b.jpg", "sub/b.json"}
    before = set(_digests(data))
    assert set(_digests(out)) == (before - gone) | {"manifest.json"}
    assert (out / "001.jpg").stat().st_ino == (data / "001.jpg").stat().st_ino  # linked
    assert run_cli("verify", str(out), "--query", str(tmp_path / "me.jpg")).code == 0
    assert run_cli("verify", str(out), "--registry", str(reg)).code == 0
    (out / "extra.jpg").write_bytes(b"added afterwards")
    tampered = run_cli("verify", str(out), "--registry", str(reg))
    assert tampered.code == 1 and "extra.jpg: not in the manifest" in tampered.stdout


def test_verify_fails_when_asked_photos_could_not_be_searched(tmp_path: Path) -> None:
    """LAION-style metadata without its download: no pixel was compared, so no proof."""
    meta = tmp_path / "meta"
    meta.mkdir()
    pq.write_table(pa.table({"URL": ["https://x.example/1.jpg"], "TEXT": ["a"]}),
                   meta / "part-0.parquet")  # fmt: skip
    me = tmp_path / "me.jpg"
    me.write_bytes(_jpeg(drawn_picture(3)))
    reg = tmp_path / "reg"
    Registry(reg).record_photos([(bytes(32), bytes(8))], "R-1", "x", "test")
    reg_done = run_cli("forget", "--registry", str(reg), str(meta), "--out", str(tmp_path / "v2"))
    assert reg_done.code == 1 and "no image of" in reg_done.stderr  # the registry holds only photos
    (tmp_path / "v2").mkdir()
    shutil.copy(meta / "part-0.parquet", tmp_path / "v2")
    (tmp_path / "v2" / "manifest.json").write_text(json.dumps({"shards": [{
        "name": "part-0.parquet", "format": "parquet", "size": (meta / "part-0.parquet").stat().st_size,
        "sha256": "sha256:" + hashlib.sha256((meta / "part-0.parquet").read_bytes()).hexdigest()}]}))  # fmt: skip
    check = run_cli("verify", str(tmp_path / "v2"), "--query", str(me))
    assert check.code == 1 and "FAIL" in check.stdout
    assert "photos: NOT searched: none of its 1 samples has pixels here" in check.stdout


def test_a_real_photo_framed_as_img2dataset_does_is_found_in_a_tar(tmp_path: Path) -> None:
    """`skimage.data.astronaut` (NASA, public domain) cut to 4:3, stored as img2dataset's
    default writes it (longer side 256, white bands to a square, JPEG q=95)."""
    skimage_data = pytest.importorskip("skimage.data")
    photo = Image.fromarray(skimage_data.astronaut()).crop((0, 64, 512, 448))
    (tmp_path / "me.jpg").write_bytes(_jpeg(photo, 95))
    small = photo.resize((256, 192), Image.Resampling.LANCZOS)
    square = Image.new("RGB", (256, 256), (255, 255, 255))
    square.paste(small, (0, 32))
    data = tmp_path / "data"
    data.mkdir()
    with tarfile.open(data / "00000.tar", "w") as tar:
        for n, picture in enumerate([drawn_picture(900 + i) for i in range(5)] + [square]):
            for name, blob in ((f"{n:09d}.jpg", _jpeg(picture, 95)), (f"{n:09d}.txt", b"x")):
                info = tarfile.TarInfo(name)
                info.size = len(blob)
                tar.addfile(info, io.BytesIO(blob))
    found = run_cli("images", "find", "--query", str(tmp_path / "me.jpg"), str(data))
    assert found.code == 0 and "1 matching image(s)" in found.stdout, found.stdout
    assert "(key 000000005)" in found.stdout and "as padded (white)" in found.stdout
    out = tmp_path / "v2"
    assert (
        run_cli("forget", "--query", str(tmp_path / "me.jpg"), str(data), "--out", str(out)).code
        == 0
    )
    assert sorted(_members(out / "00000.tar")) == sorted(
        n for n in _members(data / "00000.tar") if not n.startswith("000000005.")
    )


def test_verify_fails_when_an_image_of_the_version_cannot_be_read(tmp_path: Path) -> None:
    """An image the decoder cannot read may be the person's: the certificate cannot vouch."""
    me = drawn_picture(21)
    (tmp_path / "me.jpg").write_bytes(_jpeg(me))
    data = tmp_path / "data"
    data.mkdir()
    with tarfile.open(data / "00000.tar", "w") as tar:
        for key, blob in (("a", _jpeg(drawn_picture(22))), ("b", b"\xff\xd8\xff not a jpeg")):
            info = tarfile.TarInfo(f"{key}.jpg")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    out = tmp_path / "v2"
    args = ["forget", "--query", str(tmp_path / "me.jpg"), str(data), "--out", str(out)]
    assert run_cli(*args, "--on-error", "skip").code == 0
    check = run_cli("verify", str(out), "--query", str(tmp_path / "me.jpg"))
    assert check.code == 1 and "FAIL" in check.stdout
    assert "1 unreadable images NOT searched" in check.stdout
