"""`expunge images faces` on a small WebDataset: the person's face found, another person's not.

Photos: `skimage.data.astronaut` (NASA, public domain) is the person; matplotlib's
`grace_hopper.jpg` (U.S. Navy, public domain) is someone else.
"""

from __future__ import annotations

import io
import json
import stat
import tarfile
from pathlib import Path

import pytest
from conftest import run_cli

pytest.importorskip("dlib")
skimage_data = pytest.importorskip("skimage.data")
cbook = pytest.importorskip("matplotlib.cbook")

from PIL import Image

from expunge.demo.images import drawn_picture


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("faces")
    astronaut = Image.fromarray(skimage_data.astronaut())
    astronaut.save(root / "me.jpg", quality=92)
    with cbook.get_sample_data("grace_hopper.jpg") as handle:
        hopper = Image.open(handle).convert("RGB")
    samples = [drawn_picture(1), astronaut.crop((40, 0, 460, 420)).resize((300, 300)),
               hopper, drawn_picture(2)]  # fmt: skip
    (root / "data").mkdir()
    with tarfile.open(root / "data" / "00000.tar", "w") as tar:
        for row, image in enumerate(samples):
            for name, blob in ((f"{row:05d}.jpg", _jpeg(image)),
                               (f"{row:05d}.json", json.dumps({"url": f"https://x.example/{row}"}).encode())):  # fmt: skip
                info = tarfile.TarInfo(name)
                info.size = len(blob)
                tar.addfile(info, io.BytesIO(blob))
    Image.fromarray(skimage_data.coffee()).save(root / "coffee.jpg")
    return root


def test_the_persons_face_is_found_and_nobody_elses(photos: Path, tmp_path: Path) -> None:
    result = run_cli("images", "faces", "--query", str(photos / "me.jpg"), str(photos / "data"),
                     "--out", str(tmp_path), "--workers", "1")  # fmt: skip
    assert result.code == 0, result.stderr
    found = [json.loads(line) for line in (tmp_path / "matches.jsonl").read_text().splitlines()]
    assert [m["row"] for m in found] == [1]  # the crop of the astronaut, not Grace Hopper
    assert found[0]["distance"] < 0.4 and found[0]["url"] == "https://x.example/1"
    assert "embedding" not in (tmp_path / "matches.jsonl").read_text()
    assert stat.S_IMODE((tmp_path / "matches.jsonl").stat().st_mode) == 0o600
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert (summary["images"], summary["matches"]) == (4, 1)


def test_a_query_without_a_face_is_refused(photos: Path) -> None:
    result = run_cli("images", "faces", "--query", str(photos / "coffee.jpg"), str(photos / "data"))
    assert result.code == 1 and "no face found in coffee.jpg" in result.stderr
    result = run_cli("images", "faces", "--query", str(photos / "me.jpg"), str(photos / "data"),
                     "--tolerance", "3")  # fmt: skip
    assert result.code == 1 and "--tolerance 3.0 is out of range" in result.stderr


def test_the_report_shows_the_query_and_the_matched_face_only(photos: Path, tmp_path: Path) -> None:
    result = run_cli("images", "faces", "--query", str(photos / "me.jpg"), str(photos / "data"),
                     "--out", str(tmp_path))  # fmt: skip
    assert result.code == 0 and "(likely)" in result.stdout, result.stdout
    page = (tmp_path / "report.html").read_text()
    assert page.count("<img ") == 2  # the query and the one match, never Grace Hopper
    assert "row 1, key 00001" in page and "likely" in page
    assert stat.S_IMODE((tmp_path / "report.html").stat().st_mode) == 0o600


def test_a_face_index_is_opt_in_private_and_searched_like_the_dataset(
    photos: Path, tmp_path: Path
) -> None:
    index = tmp_path / "faces-idx"
    me = ["--query", str(photos / "me.jpg")]
    built = run_cli("images", "faces", *me, str(photos / "data"), "--save-face-index", str(index))
    assert built.code == 0, built.stderr
    assert "biometric identifiers (BIPA" in built.stderr and "GDPR Art. 9" in built.stderr
    assert stat.S_IMODE(index.stat().st_mode) == 0o700
    files = [p for p in index.rglob("*") if p.is_file()]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    direct = run_cli("images", "faces", *me, str(photos / "data"), "--out", str(tmp_path / "a"))
    via = run_cli("images", "faces", *me, "--index", str(index), "--out", str(tmp_path / "b"))
    assert via.code == 0, via.stderr

    def rows(out: Path) -> list[tuple[int, str]]:
        lines = (out / "matches.jsonl").read_text().splitlines()
        return [(m["row"], m["key"]) for m in map(json.loads, lines)]

    assert rows(tmp_path / "a") == rows(tmp_path / "b") == [(1, "00001")]
    assert direct.code == 0
    # Updating it re-reads nothing unchanged; a changed dataset makes it out of date.
    again = run_cli("images", "faces", *me, str(photos / "data"), "--save-face-index", str(index))
    assert "0 shards read, 1 unchanged" in again.stdout
    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / "00000.tar").write_bytes((photos / "data" / "00000.tar").read_bytes() + b"\0" * 1024)
    stale = run_cli("images", "faces", *me, "--index", str(index), str(changed))
    assert stale.code == 1 and "out of date" in stale.stderr
    # A photo hash index is not a face index, and the other way round.
    wrong = run_cli("images", "find", *me, "--index", str(index))
    assert wrong.code == 1 and "is not an index of `expunge images index`" in wrong.stderr
