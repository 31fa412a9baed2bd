"""`expunge strip`: copies of images without the metadata that identifies people.

JPEG: the marker segments before the image data are walked; APP1 (EXIF, XMP), APP13
(Photoshop / IPTC) and comments are left out, APP11 (JUMBF: C2PA manifests) only on request;
everything from the start of scan on is copied byte for byte, so pixels are never re-encoded,
after checking that the scans run to an end-of-image marker (a cut file is refused).
PNG: text chunks (tEXt, zTXt, iTXt), eXIf and tIME are left out, caBX (C2PA) on request; every
other chunk is copied with its CRC; a file without IEND is refused. The EXIF orientation is
the one value kept: a photo whose camera was held sideways is stored sideways and turned by
that tag, so a new EXIF block (JPEG APP1 / PNG eXIf) holding only the orientation takes the
old one's place. The report says what was removed, reading EXIF with Pillow (extra
`[images]`) when it is installed: GPS position, camera serial, owner and artist names.
"""

from __future__ import annotations

import struct
import zlib
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
    kept: list[str] = field(default_factory=list)  # what was kept on purpose (orientation)
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


ORIENTATION_TAG = 0x0112
ORIENTATIONS = {
    2: "mirrored", 3: "rotated 180°", 4: "flipped upside down", 5: "mirrored and turned 90°",
    6: "turned 90° clockwise", 7: "mirrored and turned 90° anticlockwise",
    8: "turned 90° anticlockwise",
}  # fmt: skip


def exif_orientation(exif: bytes) -> int | None:
    """The Orientation (tag 274) of IFD0 of an EXIF block (TIFF bytes, with or without the
    'Exif\\0\\0' prefix), or None when absent, damaged or not one of the 8 values."""
    tiff = exif[6:] if exif.startswith(b"Exif\x00\x00") else exif
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return None
    (ifd,) = struct.unpack(order + "I", tiff[4:8])
    if ifd + 2 > len(tiff):
        return None
    (count,) = struct.unpack(order + "H", tiff[ifd : ifd + 2])
    for n in range(count):
        entry = tiff[ifd + 2 + 12 * n : ifd + 14 + 12 * n]
        if len(entry) < 12:
            return None
        tag, kind, number = struct.unpack(order + "HHI", entry[:8])
        if tag == ORIENTATION_TAG and kind == 3 and number == 1:  # one SHORT, in place
            (value,) = struct.unpack(order + "H", entry[8:10])
            return value if 1 <= value <= 8 else None
    return None


def orientation_exif(value: int) -> bytes:
    """A minimal EXIF block (TIFF, big-endian) whose only field is the Orientation."""
    entry = struct.pack(">HHIH2x", ORIENTATION_TAG, 3, 1, value)
    return b"MM\x00\x2a" + struct.pack(">IH", 8, 1) + entry + struct.pack(">I", 0)


def _keep_orientation(exif: bytes, report: StripReport) -> bytes | None:
    """The orientation-only EXIF block to write in place of `exif`, if it turns the image."""
    value = exif_orientation(exif)
    if value is None or value == 1:
        return None
    report.kept.append(f"orientation ({ORIENTATIONS[value]}, EXIF value {value})")
    return orientation_exif(value)


def _scan_end(data: bytes, pos: int, source: Path) -> int:
    """From a start-of-scan marker at `pos`: the offset just after the end-of-image marker,
    walking the scans (entropy-coded bytes: FF 00 stuffing and RSTn markers within them) and
    the segments between them (progressive JPEGs). A file that stops first is cut short."""
    while True:
        if pos + 2 > len(data) or data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xD9:
            return pos + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            pos += 2
            continue
        if pos + 4 > len(data):
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
        if pos > len(data):
            break
        if marker != 0xDA:
            continue
        while True:  # entropy-coded data up to the next marker that is not RSTn
            pos = data.find(b"\xff", pos)
            if pos < 0 or pos + 1 >= len(data):
                pos = len(data)
                break
            following = data[pos + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                pos += 1 if following == 0xFF else 2
                continue
            break
    raise ExpungeError(
        f"{source}: damaged JPEG (cut short: no end-of-image marker)",
        "strip reads whole files; copy the photo again from its source",
    )


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
        if marker == 0xDA:  # start of scan: the rest as it is, once it is known to be whole
            _scan_end(data, pos, report.source)
            out += data[pos:]
            return bytes(out)
        if marker == 0xD9:
            raise ExpungeError(f"{report.source}: damaged JPEG (no image data)")
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
                kept = _keep_orientation(body, report)
                if kept is not None:
                    app1 = b"Exif\x00\x00" + kept
                    out += b"\xff\xe1" + struct.pack(">H", 2 + len(app1)) + app1
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
                kept = _keep_orientation(chunk[8 : 8 + length], report)
                if kept is not None:
                    out += struct.pack(">I", len(kept)) + b"eXIf" + kept
                    out += struct.pack(">I", zlib.crc32(b"eXIf" + kept))
        else:
            out += chunk
        pos += 12 + length
        if kind == b"IEND":
            return bytes(out)
    raise ExpungeError(
        f"{report.source}: damaged PNG (cut short: no IEND chunk)",
        "strip reads whole files; copy the image again from its source",
    )


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
