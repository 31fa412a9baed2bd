"""The demo image dataset (`python -m expunge.demo OUT` writes it beside the text dataset)."""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path

import numpy as np
from PIL import Image

from expunge.demo.images import PLANTED, SAMPLES_PER_SHARD, SHARDS, write_demo_images


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(root).as_posix().encode() + path.read_bytes())
    return h.hexdigest()


def test_demo_images_are_webdataset_tars_with_the_planted_photos(tmp_path: Path) -> None:
    root = write_demo_images(tmp_path / "a")
    truth = json.loads((root / "truth.json").read_text())
    assert len(truth) == len(PLANTED)
    keys: dict[str, list[str]] = {}
    for tar_path in sorted((root / "dataset").glob("*.tar")):
        with tarfile.open(tar_path) as tar:
            names = tar.getnames()
            keys[tar_path.name] = [n[:-4] for n in names if n.endswith(".jpg")]
            # img2dataset's layout: each key has its image, caption and metadata, in that order
            assert names[:3] == [f"{keys[tar_path.name][0]}.{e}" for e in ("jpg", "txt", "json")]
            meta = json.loads(tar.extractfile(names[2]).read())  # type: ignore[union-attr]
            assert {"url", "key", "width", "height"} <= set(meta)
    assert sum(len(k) for k in keys.values()) == SHARDS * SAMPLES_PER_SHARD
    for row in truth:
        assert keys[row["shard"]][row["row"]] == row["key"]
    for query in ("me-1.jpg", "me-2.jpg"):
        with Image.open(root / "queries" / query) as image:
            # textured, not flat: a perceptual hash needs detail to work with
            assert np.asarray(image.convert("L"), dtype=float).std() > 20


def test_demo_images_are_the_same_for_a_seed(tmp_path: Path) -> None:
    first = _digest(write_demo_images(tmp_path / "a", seed=3))
    assert first == _digest(write_demo_images(tmp_path / "b", seed=3))
    assert first != _digest(write_demo_images(tmp_path / "c", seed=4))
