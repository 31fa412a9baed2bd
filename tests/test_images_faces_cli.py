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
