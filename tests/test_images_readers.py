"""Image dataset readers: every layout of issue 16 built in code, every sample checked, and
every damaged input ending in one bad row (skip) or one InputError (stop), never a crash."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from PIL import Image

from expunge.errors import ErrorPolicy, ExpungeError, InputError
from expunge.images import read_tar
from expunge.images.read_laion import forget_indexes
from expunge.images.readers import (
    IMAGE_FORMATS,
    ImageSample,
    detect_image_format,
    open_image_dataset,
    read_samples,
)
from expunge.records import Location, Shard


def _image(kind: str, seed: int, size: tuple[int, int] = (16, 12)) -> bytes:
    """A small generated image: a gradient whose colours depend on the seed."""
    picture = Image.new("RGB", size)
    picture.putdata(
        [((x * 13 + seed * 31) % 256, (y * 17 + seed) % 256, seed % 256) for y in range(size[1])
         for x in range(size[0])]
    )  # fmt: skip
    out = io.BytesIO()
    picture.save(out, kind)
    return out.getvalue()


JPEGS = [_image("JPEG", seed) for seed in range(4)]
PNG = _image("PNG", 7)
WEBP = _image("WEBP", 8)


def _info(name: str, size: int = 0, kind: bytes = tarfile.REGTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.type = kind
    return info


def _tar_bytes(members: list[tuple[str, bytes] | tarfile.TarInfo]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                archive.addfile(member)
            else:
                name, data = member
                archive.addfile(_info(name, len(data)), io.BytesIO(data))
    return out.getvalue()


def _meta(index: int) -> bytes:
    return orjson.dumps(
        {"url": f"https://photos.example/{index}.jpg", "key": f"{index:09d}", "width": 16,
         "height": 12, "status": "success", "exif": "x" * 5000, "nested": {"a": 1}}
    )  # fmt: skip


def _img2dataset_members(count: int = 3) -> list[tuple[str, bytes] | tarfile.TarInfo]:
    members: list[tuple[str, bytes] | tarfile.TarInfo] = []
    for index in range(count):
        key = f"{index:09d}"
        image = [JPEGS[index % 4], PNG, WEBP][index % 3]
        extension = ["jpg", "png", "webp"][index % 3]
        members += [(f"{key}.{extension}", image), (f"{key}.txt", f"caption {index}".encode())]
        members.append((f"{key}.json", _meta(index)))
    return members


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _read(
    path: Path, fmt: str, mode: str = "skip", name: str = "", **options: object
) -> tuple[list[ImageSample], ErrorPolicy]:
    errors = ErrorPolicy(mode)  # type: ignore[arg-type]
    shard = Shard(str(path), fmt, name or path.name)
    return list(read_samples(shard, errors, **options)), errors  # type: ignore[arg-type]


def _offsets(data: bytes) -> dict[str, int]:
    """Header offset of each member, from tarfile's own random-access reading, and where the
    last member's data ends ("END": the end-of-archive marker starts there)."""
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        members = archive.getmembers()
    offsets = {member.name: member.offset for member in members}
    last = members[-1]
    offsets["END"] = last.offset_data + -(-last.size // 512) * 512
    return offsets


# ---- WebDataset --------------------------------------------------------------------------


def test_webdataset_samples_as_img2dataset_writes_them(tmp_path: Path) -> None:
    data = _tar_bytes(_img2dataset_members(3))
    path = _write(tmp_path / "00000.tar", data)
    samples, errors = _read(path, "webdataset")
    offsets = _offsets(data)
    assert [s.key for s in samples] == ["000000000", "000000001", "000000002"]
    assert [s.data for s in samples] == [JPEGS[0], PNG, WEBP]
    assert [s.caption for s in samples] == ["caption 0", "caption 1", "caption 2"]
    assert [s.url for s in samples] == [f"https://photos.example/{i}.jpg" for i in range(3)]
    assert [s.location for s in samples] == [
        Location("00000.tar", i, offsets[f"{i:09d}.{ext}"])
        for i, ext in enumerate(["jpg", "png", "webp"])
    ]
    # small scalar fields only: no url (a field of its own), no EXIF dump, no nested object
    assert samples[0].meta == {
        "key": "000000000", "width": 16, "height": 12, "status": "success"
    }  # fmt: skip
    assert errors.skipped == [] and errors.rows_numbered == 3


@pytest.mark.parametrize("name", ["00000.tar.gz", "00000.tgz", "00000.tar.zst"])
def test_compressed_tars_give_the_same_samples(tmp_path: Path, name: str) -> None:
    data = _tar_bytes(_img2dataset_members(3))
    plain, _ = _read(_write(tmp_path / "00000.tar", data), "webdataset")
    packed = zstandard.compress(data) if name.endswith(".zst") else gzip.compress(data)
    samples, errors = _read(_write(tmp_path / name, packed), "webdataset")
    assert [
        (s.key, s.data, s.caption, s.url, s.location.row, s.location.offset) for s in samples
    ] == [(s.key, s.data, s.caption, s.url, s.location.row, s.location.offset) for s in plain]
    assert errors.skipped == []


def test_long_member_names_start_at_their_extended_header(tmp_path: Path) -> None:
    key = "deep/" * 30 + "k" * 120
    data = _tar_bytes([(f"{key}.jpg", JPEGS[0]), (f"{key}.txt", b"long")])
    samples, _ = _read(_write(tmp_path / "a.tar", data), "webdataset")
    assert [(s.key, s.caption, s.location.offset) for s in samples] == [(key, "long", 0)]


def test_key_rule_first_dot_of_the_base_name(tmp_path: Path) -> None:
    members: list[tuple[str, bytes] | tarfile.TarInfo] = [
        ("dir.v2/a.seg.png", PNG),  # dots in directories do not count; field "seg.png"
        ("dir.v2/a.JPG", JPEGS[0]),  # fields are lower-cased; an exact image field wins
        ("dir.v2/a.cls", b"3"),
        ("README", b"no field: passed over"),
        ("._b.jpg", b"macOS fork: names no key"),
        ("c.seg.png", PNG),  # only an image-ending field: it is the image
    ]
    samples, errors = _read(_write(tmp_path / "a.tar", _tar_bytes(members)), "webdataset")
    assert [(s.key, s.data) for s in samples] == [("dir.v2/a", JPEGS[0]), ("c", PNG)]
    assert errors.skipped == []


def test_caption_without_image_is_a_sample_without_pixels(tmp_path: Path) -> None:
    members: list[tuple[str, bytes] | tarfile.TarInfo] = [
        ("a.txt", b"only words"), ("a.json", b'{"url": "https://e.example/a"}'),
        ("b.jpg", JPEGS[1]),
    ]  # fmt: skip
    samples, errors = _read(_write(tmp_path / "a.tar", _tar_bytes(members)), "webdataset")
    assert [(s.key, s.caption, s.data) for s in samples] == [
        ("a", "only words", None), ("b", None, JPEGS[1])
    ]  # fmt: skip
    assert sum(s.data is None for s in samples) == 1 and errors.skipped == []


def test_duplicate_keys(tmp_path: Path) -> None:
    """A key that comes back after another is a new sample (WebDataset's grouping); the same
    field twice in one sample is a bad row, since which one is the sample's is unclear."""
    members: list[tuple[str, bytes] | tarfile.TarInfo] = [
        ("a.jpg", JPEGS[0]), ("b.jpg", JPEGS[1]), ("a.jpg", JPEGS[2]),
        ("c.jpg", JPEGS[3]), ("c.jpg", JPEGS[0]), ("d.jpg", PNG),
    ]  # fmt: skip
    samples, errors = _read(_write(tmp_path / "a.tar", _tar_bytes(members)), "webdataset")
    assert [(s.key, s.location.row, s.data) for s in samples] == [
        ("a", 0, JPEGS[0]), ("b", 1, JPEGS[1]), ("a", 2, JPEGS[2]), ("d", 4, PNG)
    ]  # fmt: skip
    assert [(bad.where, bad.reason) for bad in errors.skipped] == [
        ("sample 3 (key c)", "member c.jpg appears twice in the sample")
    ]


def test_links_are_bad_rows_and_directories_are_passed_over(tmp_path: Path) -> None:
    link = _info("b.jpg", kind=tarfile.SYMTYPE)
    link.linkname = "/etc/passwd"
    hard = _info("c.jpg", kind=tarfile.LNKTYPE)
    hard.linkname = "a.jpg"
    members: list[tuple[str, bytes] | tarfile.TarInfo] = [
        _info("sub", kind=tarfile.DIRTYPE), ("a.jpg", JPEGS[0]), ("b.txt", b"cap"), link, hard,
        _info("d.jpg", kind=tarfile.FIFOTYPE), ("e.jpg", JPEGS[1]),
    ]  # fmt: skip
    samples, errors = _read(_write(tmp_path / "a.tar", _tar_bytes(members)), "webdataset")
    assert [(s.key, s.location.row) for s in samples] == [("a", 0), ("e", 4)]
    assert [(bad.where, bad.reason) for bad in errors.skipped] == [
        ("sample 1 (key b)", "member b.jpg is a symlink, not a regular file"),
        ("sample 2 (key c)", "member c.jpg is a hard link, not a regular file"),
        ("sample 3 (key d)", "member d.jpg is a FIFO, not a regular file"),
    ]


def test_path_traversal_names_are_only_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    members: list[tuple[str, bytes] | tarfile.TarInfo] = [
        ("../x.jpg", JPEGS[0]), ("/abs/y.jpg", JPEGS[1]), ("a/../../z.txt", b"up"),
    ]  # fmt: skip
    path = _write(tmp_path / "a.tar", _tar_bytes(members))
    before = sorted(tmp_path.rglob("*"))
    samples, errors = _read(path, "webdataset")
    assert [(s.key, s.data, s.caption) for s in samples] == [
        ("../x", JPEGS[0], None), ("/abs/y", JPEGS[1], None), ("a/../../z", None, "up")
    ]  # fmt: skip
    assert errors.skipped == []
    assert sorted(tmp_path.rglob("*")) == before  # nothing was extracted anywhere
    assert not Path("/abs/y.jpg").exists()


def test_metadata_that_is_not_json_or_not_an_object(tmp_path: Path) -> None:
    members: list[tuple[str, bytes] | tarfile.TarInfo] = [
        ("a.jpg", JPEGS[0]), ("a.json", b"{not json"), ("b.jpg", JPEGS[1]), ("b.json", b"[1, 2]"),
        ("c.jpg", JPEGS[2]), ("c.txt", b"\xff\xfe bad utf-8"), ("d.jpg", JPEGS[3]),
    ]  # fmt: skip
    samples, errors = _read(_write(tmp_path / "a.tar", _tar_bytes(members)), "webdataset")
    assert [s.key for s in samples] == ["d"]
    assert [(bad.where, bad.reason) for bad in errors.skipped] == [
        ("sample 0 (key a)", "metadata a.json is not valid JSON"),
        ("sample 1 (key b)", "metadata b.json does not hold a JSON object"),
        ("sample 2 (key c)", "caption c.txt is not valid UTF-8"),
    ]
    with pytest.raises(InputError) as raised:
        _read(tmp_path / "a.tar", "webdataset", mode="stop")
    assert str(raised.value).startswith("a.tar: sample 0 (key a): metadata a.json is not valid")


def test_oversized_members_are_bad_rows_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_tar, "MAX_IMAGE_BYTES", 1000)
    monkeypatch.setattr(read_tar, "MAX_SIDECAR_BYTES", 10)
    members: list[tuple[str, bytes] | tarfile.TarInfo] = [
        ("a.jpg", b"\xff" * 1001), ("b.jpg", JPEGS[0][:900]), ("b.txt", b"x" * 11),
        ("c.jpg", b"\xff" * 1000), ("c.npy", b"\0" * 50_000),  # unread fields have no limit
    ]  # fmt: skip
    samples, errors = _read(_write(tmp_path / "a.tar", _tar_bytes(members)), "webdataset")
    assert [(s.key, len(s.data or b"")) for s in samples] == [("c", 1000)]
    assert [(bad.where, bad.reason) for bad in errors.skipped] == [
        ("sample 0 (key a)", "member a.jpg is 1001 bytes, over the 1000 bytes limit"),
        ("sample 1 (key b)", "member b.txt is 11 bytes, over the 10 bytes limit"),
    ]


def _cut_points(data: bytes) -> dict[str, int]:
    offsets = _offsets(data)
    return {
        "inside a member's data": offsets["000000001.png"] + 512 + 100,
        "inside a header": offsets["000000001.txt"] + 300,
        "at a header boundary": offsets["000000001.txt"],
        "just before the end marker": offsets["END"],
    }


@pytest.mark.parametrize("where", ["inside a member's data", "inside a header",
                                   "at a header boundary"])  # fmt: skip
def test_truncated_tar_keeps_the_samples_before(tmp_path: Path, where: str) -> None:
    data = _tar_bytes(_img2dataset_members(3))
    path = _write(tmp_path / "cut.tar", data[: _cut_points(data)[where]])
    samples, errors = _read(path, "webdataset")
    assert [s.key for s in samples] == ["000000000"]
    assert len(errors.skipped) == 1
    bad = errors.skipped[0]
    assert (bad.shard, bad.where) == ("cut.tar", "sample 1 (key 000000001)")
    assert bad.reason.startswith("truncated or corrupt file after 1 samples: ")
    assert errors.rows_numbered == 2
    with pytest.raises(InputError) as raised:
        _read(path, "webdataset", mode="stop")
    message = str(raised.value)
    assert message.startswith("cut.tar: sample 1 (key 000000001): truncated or corrupt file")
    assert "\n" not in message and "caption" not in message and "photos.example" not in message


def test_tar_cut_after_its_last_sample_reports_that_sample(tmp_path: Path) -> None:
    """Without the end-of-archive marker the last sample may have lost members."""
    data = _tar_bytes(_img2dataset_members(3))
    path = _write(tmp_path / "cut.tar", data[: _cut_points(data)["just before the end marker"]])
    samples, errors = _read(path, "webdataset")
    assert [s.key for s in samples] == ["000000000", "000000001"]
    assert [bad.where for bad in errors.skipped] == ["sample 2 (key 000000002)"]
    assert "without its end-of-archive marker" in errors.skipped[0].reason


def test_gzip_that_ends_early(tmp_path: Path) -> None:
    many = _img2dataset_members(40)
    packed = gzip.compress(_tar_bytes(many), compresslevel=1)
    path = _write(tmp_path / "cut.tar.gz", packed[: len(packed) * 2 // 3])
    samples, errors = _read(path, "webdataset")
    assert 0 < len(samples) < 40
    assert [s.location.row for s in samples] == list(range(len(samples)))
    assert len(errors.skipped) == 1
    assert errors.skipped[0].reason.startswith(
        f"truncated or corrupt gzip stream after {len(samples)} samples"
    )
    assert errors.skipped[0].where.startswith(f"sample {len(samples)}")


def test_damaged_header_and_data_after_the_end(tmp_path: Path) -> None:
    data = bytearray(_tar_bytes(_img2dataset_members(3)))
    at = _offsets(bytes(data))["000000001.json"]
    data[at + 148 : at + 156] = b"0000000\0"  # wrong header checksum
    samples, errors = _read(_write(tmp_path / "bad.tar", bytes(data)), "webdataset")
    assert [s.key for s in samples] == ["000000000"]
    assert "damaged member header at byte" in errors.skipped[0].reason
    trailing = _tar_bytes(_img2dataset_members(1)) + b"junk" * 100
    samples, errors = _read(_write(tmp_path / "tail.tar", trailing), "webdataset")
    assert [s.key for s in samples] == []
    assert "data after the end-of-archive marker" in errors.skipped[0].reason


def test_not_a_tar_empty_tar_and_empty_file(tmp_path: Path) -> None:
    samples, errors = _read(_write(tmp_path / "a.tar", b"this is not a tar" * 100), "webdataset")
    assert samples == [] and errors.skipped[0].where == "header"
    assert errors.skipped[0].reason.startswith("not a tar archive")
    for name, data in [("empty.tar", b""), ("members.tar", _tar_bytes([])),
                       ("empty.tar.gz", gzip.compress(b""))]:  # fmt: skip
        samples, errors = _read(_write(tmp_path / name, data), "webdataset")
        assert (samples, errors.skipped) == ([], []), name


def test_missing_shard_is_an_input_error(tmp_path: Path) -> None:
    for fmt in IMAGE_FORMATS:
        with pytest.raises(InputError, match="no such"):
            _read(tmp_path / "gone", fmt)


# ---- Parquet with images, Hugging Face, LAION ------------------------------------------


def _image_table(rows: int) -> pa.Table:
    images = [
        None if i % 5 == 3 else {"bytes": None if i % 5 == 4 else JPEGS[i % 4], "path": f"{i}.jpg"}
        for i in range(rows)
    ]
    return pa.table(
        {
            "image": pa.array(images, pa.struct([("bytes", pa.binary()), ("path", pa.string())])),
            "caption": [f"caption {i}" for i in range(rows)],
            "URL": [f"https://photos.example/{i}.jpg" for i in range(rows)],
            "WIDTH": list(range(rows)),
            "embedding": [[0.5] * 4 for _ in range(rows)],  # not scalar: not in meta
        }
    )


def test_image_parquet_with_hugging_face_image_column(tmp_path: Path) -> None:
    path = tmp_path / "train-00000.parquet"
    pq.write_table(_image_table(12), path, row_group_size=5)
    assert detect_image_format(str(path)) == "image-parquet"
    samples, errors = _read(path, "image-parquet")
    assert [s.location for s in samples] == [Location(path.name, i) for i in range(12)]
    assert [s.key for s in samples] == [str(i) for i in range(12)]
    assert [s.caption for s in samples] == [f"caption {i}" for i in range(12)]
    assert [s.url for s in samples] == [f"https://photos.example/{i}.jpg" for i in range(12)]
    # a null image cell, or null bytes, is a sample without pixels (counted, not an error)
    assert [s.data for s in samples] == [
        None if i % 5 in (3, 4) else JPEGS[i % 4] for i in range(12)
    ]
    assert samples[0].meta == {"WIDTH": 0, "path": "0.jpg"} and samples[3].meta == {"WIDTH": 3}
    assert errors.skipped == [] and errors.rows_numbered == 12


def test_image_field_names_the_column(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    table = pa.table({"jpg_bytes": [JPEGS[0], JPEGS[1]], "key": ["k0", "k1"], "text": ["a", "b"]})
    pq.write_table(table, path)
    with pytest.raises(InputError, match="not an image dataset"):
        open_image_dataset(str(path))
    dataset = open_image_dataset(str(path), image_field="jpg_bytes")
    assert dataset.shards[0].format == "image-parquet"
    samples, _ = _read(path, "image-parquet", image_field="jpg_bytes")
    assert [(s.key, s.data, s.caption) for s in samples] == [
        ("k0", JPEGS[0], "a"),
        ("k1", JPEGS[1], "b"),
    ]
    with pytest.raises(InputError, match="column 'text' holds string, not images"):
        _read(path, "image-parquet", image_field="text")
    with pytest.raises(InputError, match="has no column 'nope'"):
        open_image_dataset(str(path), image_field="nope")


def test_parquet_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    bad_utf8 = pa.array([b"fine", b"\xff bad"], pa.binary()).view(pa.string())
    pq.write_table(pa.table({"image": [JPEGS[0], JPEGS[1]], "text": bad_utf8}), path)
    samples, errors = _read(path, "image-parquet")
    assert [s.caption for s in samples] == ["fine"]
    assert [(bad.where, bad.reason) for bad in errors.skipped] == [
        ("row 1", "caption is not valid UTF-8")
    ]
    _write(tmp_path / "cut.parquet", path.read_bytes()[:-20])
    samples, errors = _read(tmp_path / "cut.parquet", "image-parquet")
    assert samples == [] and errors.skipped[0].where == "footer"


def test_laion_metadata_without_pixels(tmp_path: Path) -> None:
    path = tmp_path / "part-00000.parquet"
    table = pa.table(
        {"SAMPLEID": [101, 102], "URL": ["https://a.example/1.jpg", None], "TEXT": ["a", "b"],
         "WIDTH": [640, 480], "HEIGHT": [480, 640], "similarity": [0.31, 0.29]}
    )  # fmt: skip
    pq.write_table(table, path)
    assert detect_image_format(str(path)) == "laion"
    samples, errors = _read(path, "laion")
    assert [(s.key, s.url, s.caption, s.data) for s in samples] == [
        ("101", "https://a.example/1.jpg", "a", None), ("102", None, "b", None)
    ]  # fmt: skip
    assert samples[0].meta == {"WIDTH": 640, "HEIGHT": 480, "similarity": 0.31}
    assert errors.skipped == []


def _img2dataset_download(root: Path) -> None:
    """img2dataset output: a WebDataset tar and a folder shard, with the per-shard
    metadata Parquet it writes beside each."""
    members: list[tuple[str, bytes] | tarfile.TarInfo] = []
    for index in range(3):
        key = f"00000{index:04d}"
        members += [(f"{key}.jpg", JPEGS[index]), (f"{key}.json", _meta(index))]
    members.append(("000000003.json", _meta(3)))  # a failed download: metadata only
    _write(root / "00000.tar", _tar_bytes(members))
    pq.write_table(pa.table({"url": ["u"], "key": ["k"]}), root / "00000.parquet")
    _write(root / "00001" / "000010000.png", PNG)
    _write(root / "00001" / "000010000.json", orjson.dumps({"url": "https://other.example/p"}))
    _write(root / "00001" / "000010000.txt", b"caption")
    pq.write_table(pa.table({"url": ["u"], "key": ["k"]}), root / "00001.parquet")


def test_laion_pixels_from_a_local_download(tmp_path: Path) -> None:
    forget_indexes()
    download = tmp_path / "download"
    _img2dataset_download(download)
    path = tmp_path / "laion.parquet"
    urls = [f"https://photos.example/{i}.jpg" for i in (2, 0, 3, 9)] + [
        "https://other.example/p",
        "https://photos.example/0.jpg",
    ]
    pq.write_table(pa.table({"URL": urls, "TEXT": [str(i) for i in range(6)]}), path)
    dataset = open_image_dataset(str(path), images_dir=download)
    assert dataset.shards[0].format == "laion"
    samples, errors = _read(path, "laion", images_dir=download)
    assert [s.data for s in samples] == [JPEGS[2], JPEGS[0], None, None, PNG, JPEGS[0]]
    assert [s.meta.get("image_file") for s in samples] == [
        "00000.tar", "00000.tar", None, None, "00001/000010000.png", "00000.tar"
    ]  # fmt: skip
    assert errors.skipped == []
    # the download changed after it was indexed: those rows are bad rows, never wrong pixels
    tar = download / "00000.tar"
    tar.write_bytes(tar.read_bytes()[:2048])
    samples, errors = _read(path, "laion", images_dir=download)
    assert [s.data for s in samples] == [None, None, PNG]
    assert [bad.where for bad in errors.skipped] == ["row 0", "row 1", "row 5"]
    assert "00000.tar in the images directory changed" in errors.skipped[0].reason
    forget_indexes()


def test_images_dir_checks(tmp_path: Path) -> None:
    forget_indexes()
    download = tmp_path / "download"
    _write(download / "00000.tar.gz", gzip.compress(_tar_bytes(_img2dataset_members(1))))
    path = tmp_path / "laion.parquet"
    pq.write_table(pa.table({"url": ["https://photos.example/0.jpg"]}), path)
    with pytest.raises(ExpungeError, match="compressed tar in the images directory"):
        _read(path, "laion", images_dir=download)
    wds = _write(tmp_path / "wds" / "a.tar", _tar_bytes(_img2dataset_members(1)))
    with pytest.raises(ExpungeError, match="LAION-style metadata, and this dataset has none"):
        open_image_dataset(str(wds.parent), images_dir=download)
    with pytest.raises(ExpungeError, match="not a directory"):
        open_image_dataset(str(path), images_dir=tmp_path / "nope")
    forget_indexes()


def test_hugging_face_save_to_disk(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    table = {
        "image": [{"bytes": JPEGS[0], "path": None}, {"bytes": PNG, "path": "b.png"}, None],
        "text": ["first", "second", "third"],
        "url": ["https://e.example/0", "https://e.example/1", None],
    }
    saved = tmp_path / "hf"
    datasets.Dataset.from_dict(table).cast_column("image", datasets.Image()).save_to_disk(
        str(saved)
    )
    dataset = open_image_dataset(str(saved))
    assert [shard.format for shard in dataset.shards] == ["image-hf"]
    samples = [s for shard in dataset.shards for s in read_samples(shard, ErrorPolicy())]
    assert [(s.key, s.caption, s.url, s.data) for s in samples] == [
        ("0", "first", "https://e.example/0", JPEGS[0]),
        ("1", "second", "https://e.example/1", PNG),
        ("2", "third", None, None),
    ]
    assert samples[1].meta == {"path": "b.png"}
    text_only = tmp_path / "hf-text"
    datasets.Dataset.from_dict({"text": ["a"]}).save_to_disk(str(text_only))
    with pytest.raises(InputError, match="not an image dataset"):
        open_image_dataset(str(text_only))


# ---- folders ---------------------------------------------------------------------------


def test_image_folder_one_shard_per_directory(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    _write(root / "b.png", PNG)
    _write(root / "a.JPG", JPEGS[0])
    _write(root / "a.txt", b"a caption")
    _write(root / "notes.md", b"not an image")
    _write(root / "2024" / "trip" / "x.webp", WEBP)
    _write(
        root / "2024" / "trip" / "x.json", orjson.dumps({"url": "https://e.example/x", "width": 16})
    )
    _write(root / ".hidden" / "h.jpg", JPEGS[1])
    dataset = open_image_dataset(str(root))
    assert [(s.name, s.format) for s in dataset.shards] == [
        (".", "image-folder"), ("2024/trip", "image-folder")
    ]  # fmt: skip
    first = list(read_samples(dataset.shards[0], ErrorPolicy()))
    assert [(s.key, s.caption, s.data, s.location) for s in first] == [
        ("a.JPG", "a caption", JPEGS[0], Location(".", 0)), ("b.png", None, PNG, Location(".", 1))
    ]  # fmt: skip
    [trip] = list(read_samples(dataset.shards[1], ErrorPolicy()))
    assert (trip.key, trip.url, trip.data, trip.meta) == (
        "2024/trip/x.webp", "https://e.example/x", WEBP, {"width": 16}
    )  # fmt: skip


def test_image_folder_bad_entries(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    _write(root / "a.jpg", JPEGS[0])
    os.mkfifo(root / "b.jpg")  # would block an open(); refused by stat first
    os.symlink(root / "gone.png", root / "c.png")
    _write(root / "d.jpg", JPEGS[1])
    _write(root / "d.json", b"{broken")
    (root / "e.png").mkdir()
    samples, errors = _read(root, "image-folder", name=".")
    assert [s.key for s in samples] == ["a.jpg"]
    dangling = f"image c.png is a dangling symlink (to {root / 'gone.png'}), not a regular file"
    assert [(bad.where, bad.reason) for bad in errors.skipped] == [
        ("sample 1 (key b.jpg)", "image b.jpg is a FIFO, not a regular file"),
        ("sample 2 (key c.png)", dangling),
        ("sample 3 (key d.jpg)", "metadata d.json is not valid JSON"),
        ("sample 4 (key e.png)", "image e.png is a directory, not a regular file"),
    ]
    assert errors.rows_numbered == 5


# ---- detection -------------------------------------------------------------------------


def test_detection_by_content(tmp_path: Path) -> None:
    data = _tar_bytes(_img2dataset_members(1))
    assert detect_image_format(str(_write(tmp_path / "noext", data))) == "webdataset"
    assert detect_image_format(str(_write(tmp_path / "gz", gzip.compress(data)))) == "webdataset"
    parquet = io.BytesIO()
    pq.write_table(_image_table(2), parquet)
    assert detect_image_format(str(_write(tmp_path / "pq", parquet.getvalue()))) == "image-parquet"
    with pytest.raises(ExpungeError, match="is not a WebDataset tar, Parquet or Arrow file"):
        detect_image_format(str(_write(tmp_path / "text", b"hello")))
    with pytest.raises(ExpungeError, match="is one image, not a dataset"):
        open_image_dataset(str(_write(tmp_path / "one.jpg", JPEGS[0])))


def test_text_parquet_is_not_an_image_dataset(tmp_path: Path) -> None:
    path = tmp_path / "fineweb.parquet"
    pq.write_table(pa.table({"text": ["hello"], "id": ["1"]}), path)
    with pytest.raises(InputError) as raised:
        open_image_dataset(str(tmp_path))
    message = str(raised.value)
    assert message.startswith(f"{path}: not an image dataset: it has no image column")
    assert "and no url / URL column" in message and "\n" not in message


def test_img2dataset_directory_reads_the_tars_not_their_metadata(tmp_path: Path) -> None:
    root = tmp_path / "out"
    for shard in range(2):
        _write(root / f"{shard:05d}.tar", _tar_bytes(_img2dataset_members(2)))
        pq.write_table(pa.table({"url": ["u"], "key": ["k"]}), root / f"{shard:05d}.parquet")
        _write(root / f"{shard:05d}_stats.json", b"{}")
    dataset = open_image_dataset(str(root))
    assert [(s.name, s.format) for s in dataset.shards] == [
        ("00000.tar", "webdataset"), ("00001.tar", "webdataset")
    ]  # fmt: skip
    laion = open_image_dataset(str(root), format="laion")  # the metadata, when asked for
    assert [(s.name, s.format) for s in laion.shards] == [
        ("00000.parquet", "laion"), ("00001.parquet", "laion")
    ]  # fmt: skip
    folder_output = tmp_path / "folders"
    _write(folder_output / "00000" / "000000000.jpg", JPEGS[0])
    pq.write_table(pa.table({"url": ["u"]}), folder_output / "00000.parquet")
    assert [s.format for s in open_image_dataset(str(folder_output)).shards] == ["image-folder"]


def test_globs_mixed_directories_and_errors(tmp_path: Path) -> None:
    root = tmp_path / "mixed"
    _write(root / "a.tar", _tar_bytes(_img2dataset_members(1)))
    _write(root / "photos" / "p.jpg", JPEGS[0])
    with pytest.raises(ExpungeError, match="mixes 1 image folder, 1 tar shard: which"):
        open_image_dataset(str(root))
    assert [s.name for s in open_image_dataset(str(root), format="webdataset").shards] == ["a.tar"]
    assert [s.name for s in open_image_dataset(f"{root}/*.tar").shards] == ["a.tar"]
    with pytest.raises(InputError, match="no such file or directory"):
        open_image_dataset(str(tmp_path / "missing.tar"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExpungeError, match="no image data in"):
        open_image_dataset(str(tmp_path / "empty"))
    with pytest.raises(ExpungeError, match="unknown image dataset format"):
        open_image_dataset(str(root), format="jpeg")
    with pytest.raises(ExpungeError, match="no files match"):
        open_image_dataset(f"{root}/*.nothing")


def test_stop_policy_on_a_cut_gzip_is_one_input_error(tmp_path: Path) -> None:
    packed = gzip.compress(_tar_bytes(_img2dataset_members(20)), compresslevel=1)
    path = _write(tmp_path / "cut.tar.gz", packed[: len(packed) // 2])
    read = 0
    with pytest.raises(InputError) as raised:
        for _ in read_samples(Shard(str(path), "webdataset", "cut.tar.gz"), ErrorPolicy()):
            read += 1
    message = str(raised.value)
    assert message.startswith(f"cut.tar.gz: sample {read} (key ")
    assert "truncated or corrupt gzip stream" in message and "\n" not in message


def test_images_dir_problems_follow_the_error_policy(tmp_path: Path) -> None:
    forget_indexes()
    download = tmp_path / "download"
    members: list[tuple[str, bytes] | tarfile.TarInfo] = [
        ("000000000.jpg", JPEGS[0]), ("000000000.json", b"{broken"),
        ("000000001.jpg", JPEGS[1]), ("000000001.json", _meta(1)),
    ]  # fmt: skip
    _write(download / "00000.tar", _tar_bytes(members))
    path = tmp_path / "laion.parquet"
    urls = ["https://photos.example/0.jpg", "https://photos.example/1.jpg"]
    pq.write_table(pa.table({"url": urls}), path)
    samples, errors = _read(path, "laion", images_dir=download)
    assert [s.data for s in samples] == [None, JPEGS[1]]
    assert [(bad.where, bad.reason) for bad in errors.skipped] == [
        ("images directory", "metadata 000000000.json is not valid JSON")
    ]
    assert errors.skipped[0].shard.endswith("download/00000.tar")
    forget_indexes()
    with pytest.raises(InputError, match="000000000.json is not valid JSON"):
        _read(path, "laion", mode="stop", images_dir=download)
    forget_indexes()


def test_webdataset_reading_imports_no_pyarrow(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = _write(tmp_path / "a.tar", _tar_bytes(_img2dataset_members(2)))
    code = (
        "import sys\n"
        "from expunge.errors import ErrorPolicy\n"
        "from expunge.images.readers import open_image_dataset, read_samples\n"
        f"dataset = open_image_dataset({str(path)!r})\n"
        "assert len(list(read_samples(dataset.shards[0], ErrorPolicy()))) == 2\n"
        "assert 'pyarrow' not in sys.modules and 'numpy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("codec", ["", "gzip"])
def test_every_cut_keeps_a_prefix_and_reports_once(tmp_path: Path, codec: str) -> None:
    """Cut anywhere: the samples read are the first ones of the whole tar, unchanged, and the
    cut is one bad row unless it falls in the end-of-archive padding."""
    data = _tar_bytes(_img2dataset_members(4))
    path = tmp_path / ("cut.tar.gz" if codec else "cut.tar")
    whole, _ = _read(_write(path, data), "webdataset")
    end = _offsets(data)["END"]
    packed = gzip.compress(data) if codec else data
    step = max(1, len(packed) // 97)
    for cut in range(0, len(packed), step):
        _write(path, packed[:cut])
        samples, errors = _read(path, "webdataset")
        assert samples == whole[: len(samples)], cut
        assert len(errors.skipped) <= 1, cut
        counted = [bad for bad in errors.skipped if bad.where != "header"]
        assert errors.rows_numbered == len(samples) + len(counted), cut
        if not codec and 0 < cut <= end:
            assert len(errors.skipped) == 1, cut


def test_random_damage_never_escapes_as_anything_but_input_error(tmp_path: Path) -> None:
    import random

    rng = random.Random(16)
    data = _tar_bytes(_img2dataset_members(4))
    for round_ in range(60):
        damaged = bytearray(gzip.compress(data) if round_ % 2 else data)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        path = _write(tmp_path / f"d{round_}.tar", bytes(damaged))
        _read(path, "webdataset")  # skip: never raises
        try:
            _read(path, "webdataset", mode="stop")
        except InputError as exc:
            assert "\n" not in str(exc)


@pytest.mark.parametrize("kind", ["image-parquet", "image-hf"])
def test_damaged_columnar_files_are_bad_rows(tmp_path: Path, kind: str) -> None:
    import random

    rng = random.Random(61)
    table = _image_table(40)
    out = io.BytesIO()
    if kind == "image-parquet":
        pq.write_table(table, out, row_group_size=8)
    else:
        with pa.ipc.new_stream(out, table.schema) as writer:
            writer.write_table(table, max_chunksize=8)
    data = out.getvalue()
    for round_ in range(40):
        damaged = bytearray(data)
        if round_ % 2:
            damaged = damaged[: rng.randrange(len(damaged))]
        else:
            for _ in range(rng.randint(1, 10)):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        path = _write(tmp_path / f"d{round_}", bytes(damaged))
        try:
            samples, errors = _read(path, kind)
        except InputError as exc:  # a damaged schema: no image column left, say
            assert "\n" not in str(exc)
            continue
        rows = [s.location.row for s in samples]
        assert rows == sorted(set(rows)) and len(samples) <= errors.rows_numbered
