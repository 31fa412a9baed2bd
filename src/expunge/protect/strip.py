"""`expunge strip`: copies of images without the metadata that identifies people.

JPEG: the marker segments before the image data are walked; APP1 (EXIF, XMP), APP13
(Photoshop / IPTC) and comments are left out, APP11 (JUMBF: C2PA manifests) only on request;
everything from the start of scan on is copied byte for byte, so pixels are never re-encoded.
PNG: text chunks (tEXt, zTXt, iTXt), eXIf and tIME are left out, caBX (C2PA) on request; every
other chunk is copied with its CRC. The report says what was removed, reading EXIF with Pillow
(extra `[images]`) when it is installed: GPS position, camera serial, owner and artist names.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

from expunge.atomic import write_atomic
from expunge.errors import ExpungeError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}
# EXIF tags worth naming in the report (tag -> label); GPS is its own IFD (0x8825).
EXIF_LABELS = {
    0x010F: "camera make", 0x0110: "camera model", 0x013B: "artist", 0x8298: "copyright",
    0x0131: "software", 0x0132: "date/time", 0xA430: "camera owner name",
    0xA431: "camera serial number", 0xA434: "lens model", 0xA435: "lens serial number",
}  # fmt: skip


@dataclass
class StripReport:
    source: Path
    target: Path
    removed: list[str] = field(default_factory=list)  # segment / chunk names with sizes
    details: list[str] = field(default_factory=list)  # what the removed EXIF held (labels only)
    bytes_before: int = 0
    bytes_after: int = 0


def _exif_details(exif: bytes) -> list[str]:
    """Labels (never values) of the identifying EXIF fields present."""
    try:
        from PIL import Image
    except ImportError:
        return ["(install expunge[images] to list the EXIF fields)"]
    data = Image.Exif()
    try:
        data.load(exif[6:] if exif.startswith(b"Exif\x00\x00") else exif)
    except Exception:  # noqa: BLE001 - a damaged EXIF block is removed all the same
        return ["damaged EXIF block"]
    found = [label for tag, label in EXIF_LABELS.items() if data.get(tag)]
    if data.get_ifd(0x8825):
        found.insert(0, "GPS position")
    return found


def _strip_jpeg(data: bytes, c2pa: bool, report: StripReport) -> bytes:
    out = bytearray(data[:2])
    pos = 2
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise ExpungeError(f"{report.source}: damaged JPEG (bad marker at byte {pos})")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA or marker == 0xD9:  # start of scan / end: the rest as it is
            out += data[pos:]
            return bytes(out)
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        segment = data[pos : pos + 2 + length]
        if len(segment) < 2 + length:
            raise ExpungeError(f"{report.source}: damaged JPEG (segment cut at byte {pos})")
        body = segment[4:]
        name = None
        if marker == 0xE1:
            name = (
                "EXIF" if body.startswith(b"Exif") else "XMP" if b"adobe" in body[:40] else "APP1"
            )
            if name == "EXIF":
                report.details += _exif_details(body)
        elif marker == 0xED:
            name = "IPTC/Photoshop"
        elif marker == 0xFE:
            name = "comment"
        elif marker == 0xEB and c2pa:
            name = "C2PA/JUMBF"
        if name:
            report.removed.append(f"{name} ({len(segment):,} bytes)")
        else:
            out += segment
        pos += 2 + length


def _strip_png(data: bytes, c2pa: bool, report: StripReport) -> bytes:
    out = bytearray(PNG_SIGNATURE)
    pos = len(PNG_SIGNATURE)
    while pos < len(data):
        if pos + 12 > len(data):
            raise ExpungeError(f"{report.source}: damaged PNG (chunk cut at byte {pos})")
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos : pos + 12 + length]
        if len(chunk) < 12 + length:
            raise ExpungeError(f"{report.source}: damaged PNG (chunk cut at byte {pos})")
        if kind in PNG_DROP or (c2pa and kind == b"caBX"):
            report.removed.append(f"{kind.decode('latin-1')} ({len(chunk):,} bytes)")
            if kind == b"eXIf":
                report.details += _exif_details(chunk[8 : 8 + length])
        else:
            out += chunk
        pos += 12 + length
        if kind == b"IEND":
            break
    return bytes(out)


def strip_image(source: Path, target: Path, c2pa: bool = False) -> StripReport:
    """Write `target` (which must not exist) as `source` without identifying metadata."""
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise ExpungeError(f"no such file: {source}", "check the path") from None
    report = StripReport(source, target, bytes_before=len(data))
    if data.startswith(b"\xff\xd8"):
        clean = _strip_jpeg(data, c2pa, report)
    elif data.startswith(PNG_SIGNATURE):
        clean = _strip_png(data, c2pa, report)
    else:
        raise ExpungeError(
            f"{source}: not a JPEG or PNG image", "strip reads .jpg/.jpeg and .png files"
        )
    if target.exists():
        raise ExpungeError(f"{target} already exists", "choose another --out directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, clean)
    report.bytes_after = len(clean)
    return report
