"""Exposing.ai's search, re-done: a person's Flickr account (NSID) and photo URLs found in the
metadata of image-text datasets (WebDataset json, LAION-style URL columns), by `find`, `find
--index` and the registry alike.

Formats as Flickr and the datasets built from it write them: the NSID `12345678@N00` (YFCC100M's
`user_nsid`, MegaFace's metadata), photo pages `flickr.com/photos/USER/PHOTO_ID/`, and the
photo's file on the image servers (`live.staticflickr.com/65535/ID_secret_b.jpg`,
`farm5.staticflickr.com/4567/ID_secret.jpg`), which is what LAION's URL column holds.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import run_cli

from expunge.detect import Detector
from expunge.subject.normalize import url_keys

NSID = "12345678@N00"
PHOTO = "5012345678"
PROFILE = f'urls = ["https://www.flickr.com/photos/{NSID}/{PHOTO}/"]\n'

SAMPLES = {  # key: (caption, metadata, found?)
    "a": ("sunset", {"url": f"https://live.staticflickr.com/65535/{PHOTO}_3d4a9bd8a5_b.jpg"}, True),
    "b": (
        "a dog",
        {
            "url": "https://live.staticflickr.com/65535/999999999_aa11bb22cc_b.jpg",
            "user_nsid": NSID,
        },
        True,
    ),
    "c": (f"uploaded by {NSID}.", {"url": "https://cdn.example.com/c.jpg"}, True),
    "d": (
        "someone else",
        {"url": "https://cdn.example.com/d.jpg", "user_nsid": "87654321@N01"},
        False,
    ),
    "e": ("a near miss", {"url": f"https://cdn.example.com/{PHOTO}0.jpg"}, False),
    "f": ("page", {"url": f"http://www.flickr.com/photos/someone/{PHOTO}/"}, True),
}


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        (NSID, [f"flickr:{NSID.lower()}"]),
        (f"https://farm5.staticflickr.com/4567/{PHOTO}_abcdef12.jpg", [f"flickr-photo:{PHOTO}"]),
        (f"https://c1.staticflickr.com/1/2/{PHOTO}_abcdef12_z.jpg", [f"flickr-photo:{PHOTO}"]),
        ("https://live.staticflickr.com/65535/buddyicons/x.jpg", []),
        (
            f"https://www.flickr.com/photos/{NSID}/{PHOTO}/",
            [f"flickr:{NSID.lower()}", f"flickr-photo:{PHOTO}"],
        ),
        ("12345678@N0", []),
    ],
)
def test_flickr_forms_normalise_to_account_and_photo_keys(text: str, keys: list[str]) -> None:
    assert url_keys(text) == keys


def test_a_bare_nsid_is_detected_and_one_in_a_url_is_the_urls() -> None:
    detector = Detector(types=["social_handle"])
    for text, found in [
        (f'{{"user_nsid": "{NSID}"}}', NSID),
        (f"by {NSID}, 2009", NSID),
        (f"https://www.flickr.com/photos/{NSID}/", f"https://www.flickr.com/photos/{NSID}/"),
        ("mail a12345678@N00 x", None),  # glued to a letter: not an NSID
        ("123456789012345@N00", None),  # too long
    ]:
        spans = [text[f.start : f.end] for f in detector.scan(text)]
        assert spans == ([found] if found else []), text


def _webdataset(root: Path) -> Path:
    root.mkdir()
    with tarfile.open(root / "00000.tar", "w") as tar:
        for key, (caption, meta, _) in SAMPLES.items():
            for name, blob in ((f"{key}.jpg", b"\xff\xd8 not read as text"),
                               (f"{key}.txt", caption.encode()),
                               (f"{key}.json", json.dumps(meta).encode())):  # fmt: skip
                info = tarfile.TarInfo(name)
                info.size = len(blob)
                tar.addfile(info, io.BytesIO(blob))
    return root


def _laion(root: Path) -> Path:
    root.mkdir()
    pq.write_table(
        pa.table({"URL": [m["url"] for _, m, _ in SAMPLES.values()],
                  "TEXT": [c for c, _, _ in SAMPLES.values()],
                  "NSID": [str(m.get("user_nsid", "")) for _, m, _ in SAMPLES.values()]}),
        root / "part-00000.parquet",
    )  # fmt: skip
    return root


def _found_rows(out: Path) -> set[int]:
    name = "findings.jsonl" if (out / "findings.jsonl").exists() else "matches.jsonl"  # --index
    lines = (out / name).read_text().splitlines()
    return {json.loads(line)["row"] for line in lines if json.loads(line)["confidence"] == "strong"}


@pytest.mark.parametrize("layout", ["webdataset", "laion"])
def test_find_index_and_registry_find_the_flickr_samples(tmp_path: Path, layout: str) -> None:
    data = _webdataset(tmp_path / "data") if layout == "webdataset" else _laion(tmp_path / "data")
    me = tmp_path / "me.toml"
    me.write_text(PROFILE)
    expected = {row for row, (_, _, found) in enumerate(SAMPLES.values()) if found}
    found = run_cli("find", "--subject", str(me), str(data), "--out", str(tmp_path / "f"))
    assert found.code == 0, found.stderr
    assert _found_rows(tmp_path / "f") == expected
    built = run_cli("index", "build", str(data), "--out", str(tmp_path / "idx"))
    assert built.code == 0, built.stderr
    via = run_cli("find", "--subject", str(me), "--index", str(tmp_path / "idx"), str(data),
                  "--out", str(tmp_path / "g"))  # fmt: skip
    assert via.code == 0, via.stderr
    assert _found_rows(tmp_path / "g") == expected
    # forget removes them; the registry alone removes them from a later copy
    reg = tmp_path / "reg"
    assert run_cli("forget", "--subject", str(me), str(data), "--out", str(tmp_path / "v2"),
                   "--registry", str(reg)).code == 0  # fmt: skip
    again = run_cli("forget", "--registry", str(reg), str(data), "--out", str(tmp_path / "v3"))
    assert again.code == 0, again.stderr
    for version in ("v2", "v3"):
        manifest = json.loads((tmp_path / version / "manifest.json").read_text())
        assert manifest["totals"]["records_dropped"] == len(expected), version
    assert run_cli("verify", str(tmp_path / "v3"), "--subject", str(me)).code == 0
