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
