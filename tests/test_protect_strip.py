"""expunge strip: identifying metadata out, pixels untouched, damaged files refused."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from conftest import run_cli
from PIL import Image

from expunge.protect.strip import strip_image


def _jpeg_with_exif(path: Path) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "ExampleCam"
    exif[0xA431] = "SN-123456"  # body serial number
    exif[0xA430] = "Ines Example"  # camera owner
    exif.get_ifd(0x8825)[2] = (52.0, 31.0, 12.0)  # GPS latitude
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 200, 30)).save(buf, "JPEG", exif=exif.tobytes(), comment=b"hi")
    data = buf.getvalue()
    # an APP11 (JUMBF, where C2PA lives) segment after SOI
    app11 = b"\xff\xeb" + struct.pack(">H", 2 + 8) + b"JP\x00\x00jumb"
    data = data[:2] + app11 + data[2:]
    path.write_bytes(data)
    return data


def _scan(data: bytes) -> bytes:
    return data[data.index(b"\xff\xda") :]


def test_jpeg_exif_gps_serial_removed_pixels_kept(tmp_path: Path) -> None:
    src = tmp_path / "photo.jpg"
    original = _jpeg_with_exif(src)
    report = strip_image(src, tmp_path / "out" / "photo.jpg")
    clean = (tmp_path / "out" / "photo.jpg").read_bytes()
    assert b"Exif" not in clean and b"SN-123456" not in clean and b"Ines Example" not in clean
    assert _scan(clean) == _scan(original)  # image data copied byte for byte
    assert Image.open(io.BytesIO(clean)).size == (32, 24)
    assert {"GPS position", "camera serial number", "camera owner name"} <= set(report.details)
    assert any(r.startswith("EXIF") for r in report.removed)
    assert any(r.startswith("comment") for r in report.removed)
    assert b"jumb" in clean  # C2PA kept unless asked
    strip_image(src, tmp_path / "out2" / "photo.jpg", c2pa=True)
    assert b"jumb" not in (tmp_path / "out2" / "photo.jpg").read_bytes()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_png_text_and_exif_chunks_removed(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG")
    data = buf.getvalue()
    iend = data.rindex(b"IEND") - 4
    data = (
        data[:iend] + _chunk(b"tEXt", b"Author\x00Ines") + _chunk(b"eXIf", b"MM\x00*") + data[iend:]
    )
    (tmp_path / "a.png").write_bytes(data)
    report = strip_image(tmp_path / "a.png", tmp_path / "o" / "a.png")
    clean = (tmp_path / "o" / "a.png").read_bytes()
    assert b"Ines" not in clean and b"eXIf" not in clean
    assert Image.open(io.BytesIO(clean)).size == (8, 8)
    assert [r.split()[0] for r in report.removed] == ["tEXt", "eXIf"]


def test_cli_refuses_bad_input_and_never_overwrites(tmp_path: Path) -> None:
    src = tmp_path / "photo.jpg"
    _jpeg_with_exif(src)
    ok = run_cli("strip", str(src), "--out", str(tmp_path / "clean"))
    assert ok.code == 0 and "GPS position" in ok.stdout and "SN-123456" not in ok.stdout
    again = run_cli("strip", str(src), "--out", str(tmp_path / "clean"))
    assert again.code == 1 and "already exists" in again.stderr
    (tmp_path / "notes.txt").write_text("hello")
    other = run_cli("strip", str(tmp_path / "notes.txt"), "--out", str(tmp_path / "c2"))
    assert other.code == 1 and "not a JPEG or PNG" in other.stderr
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(src.read_bytes()[:40])
    damaged = run_cli("strip", str(cut), "--out", str(tmp_path / "c3"))
    assert damaged.code == 1 and "damaged JPEG" in damaged.stderr
    assert not (tmp_path / "c3" / "cut.jpg").exists()


def _photo(orientation: int | None, **save: object) -> bytes:
    """A 32x24 JPEG (camera held sideways: orientation 6) with GPS and a serial number."""
    exif = Image.Exif()
    exif[0xA431] = "SN-987654"
    exif.get_ifd(0x8825)[2] = (52.0, 31.0, 12.0)
    if orientation is not None:
        exif[0x0112] = orientation
    buf = io.BytesIO()
    image = Image.new("RGB", (32, 24), (200, 30, 30))
    image.paste((10, 10, 220), (0, 0, 8, 24))  # a blue band on the left, to see the turn
    image.save(buf, "JPEG", exif=exif.tobytes(), **save)
    return buf.getvalue()


def test_jpeg_orientation_is_kept_so_photos_are_not_sideways(tmp_path: Path) -> None:
    from PIL import ImageOps

    src = tmp_path / "sideways.jpg"
    original = _photo(6)
    src.write_bytes(original)
    report = strip_image(src, tmp_path / "o" / "sideways.jpg")
    clean = (tmp_path / "o" / "sideways.jpg").read_bytes()
    assert b"SN-987654" not in clean and "GPS position" in report.details
    assert _scan(clean) == _scan(original)  # pixels still copied byte for byte
    image = Image.open(io.BytesIO(clean))
    exif = image.getexif()
    assert dict(exif) == {0x0112: 6} and not exif.get_ifd(0x8825)
    assert ImageOps.exif_transpose(image).size == (24, 32)  # shown upright, as the original
    assert report.kept == ["orientation (turned 90° clockwise, EXIF value 6)"]
    # the upright default (1) needs no tag: nothing of the EXIF block is left
    (tmp_path / "upright.jpg").write_bytes(_photo(1))
    upright = strip_image(tmp_path / "upright.jpg", tmp_path / "o" / "upright.jpg")
    assert b"Exif" not in (tmp_path / "o" / "upright.jpg").read_bytes() and upright.kept == []


def test_png_orientation_is_kept(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (8, 4)).save(buf, "PNG")
    data = buf.getvalue()
    exif = Image.Exif()
    exif[0x0112] = 8
    exif[0x013B] = "Ines Example"  # artist
    tiff = exif.tobytes().removeprefix(b"Exif\x00\x00")  # eXIf holds the TIFF bytes alone
    idat = data.index(b"IDAT") - 4
    (tmp_path / "p.png").write_bytes(data[:idat] + _chunk(b"eXIf", tiff) + data[idat:])
    report = strip_image(tmp_path / "p.png", tmp_path / "o" / "p.png")
    clean = (tmp_path / "o" / "p.png").read_bytes()
    assert b"Ines" not in clean
    image = Image.open(io.BytesIO(clean))
    image.load()  # chunk CRCs checked
    assert dict(image.getexif()) == {0x0112: 8}
    assert report.kept == ["orientation (turned 90° anticlockwise, EXIF value 8)"]


def test_progressive_and_restart_marker_jpegs_pass(tmp_path: Path) -> None:
    for name, options in (
        ("p.jpg", {"progressive": True}),
        ("r.jpg", {"restart_marker_blocks": 1}),
    ):
        original = _photo(3, **options)
        (tmp_path / name).write_bytes(original)
        strip_image(tmp_path / name, tmp_path / "o" / name)
        clean = (tmp_path / "o" / name).read_bytes()
        assert _scan(clean) == _scan(original)
        assert Image.open(io.BytesIO(clean)).getexif()[0x0112] == 3


def test_truncated_images_are_refused(tmp_path: Path) -> None:
    whole = _photo(6)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole[: len(whole) - 40])  # image data cut short, headers whole
    result = run_cli("strip", str(cut), "--out", str(tmp_path / "c"))
    assert result.code == 1 and "damaged JPEG (cut short" in result.stderr
    assert result.stderr.count("\n") == 1 and not (tmp_path / "c" / "cut.jpg").exists()
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG")
    png = buf.getvalue()
    (tmp_path / "cut.png").write_bytes(png[: png.rindex(b"IEND") - 4])
    result = run_cli("strip", str(tmp_path / "cut.png"), "--out", str(tmp_path / "c"))
    assert result.code == 1 and "damaged PNG (cut short" in result.stderr


def test_cli_says_the_orientation_was_kept(tmp_path: Path) -> None:
    (tmp_path / "s.jpg").write_bytes(_photo(6))
    result = run_cli("strip", str(tmp_path / "s.jpg"), "--out", str(tmp_path / "o"))
    assert result.code == 0 and "kept: orientation (turned 90° clockwise" in result.stdout
