"""WebDataset reading speed: expunge's image reader against plain `tarfile` (the ceiling).

    python benchmarks/bench_images_readers.py [--samples 5000] [--repeat 3] [--work DIR]

Writes one img2dataset-like tar (per sample: a small generated JPEG, a .txt caption and a
.json of url/key/width/height/status) and its .tar.gz, then times, best of --repeat:
- ceiling: tarfile in stream mode reading every member's bytes, nothing else;
- expunge: `read_samples` (grouping by key, size limits, JSON metadata parsed, samples built,
  end-of-archive checked).
Prints samples/s for both and their ratio, and the machine, as JSON.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _machine import machine_info
from PIL import Image

from expunge.errors import ErrorPolicy
from expunge.images.readers import read_samples
from expunge.records import Shard


def _jpeg(rng: random.Random) -> bytes:
    """A 64x64 JPEG of blocky noise: a few KB, like a thumbnail."""
    small = Image.frombytes("RGB", (8, 8), rng.randbytes(8 * 8 * 3))
    out = io.BytesIO()
    small.resize((64, 64)).save(out, "JPEG", quality=85)
    return out.getvalue()


def write_tar(path: Path, samples: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    images = [_jpeg(rng) for _ in range(64)]  # reused: encoding is not what is measured
    with tarfile.open(path, "w") as archive:
        for index in range(samples):
            key = f"{index:09d}"
            meta = {"url": f"https://photos.example/{index}.jpg", "key": key, "width": 64,
                    "height": 64, "status": "success", "caption": f"photo number {index}"}  # fmt: skip
            for field, data in (
                ("jpg", images[index % len(images)]),
                ("txt", f"photo number {index}".encode()),
                ("json", json.dumps(meta).encode()),
            ):
                info = tarfile.TarInfo(f"{key}.{field}")
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return path.stat().st_size


def ceiling(path: Path) -> int:
    """Members read with tarfile alone; returns the samples (keys) seen."""
    keys = set()
    with open(path, "rb") as raw, tarfile.open(fileobj=raw, mode="r|*") as archive:
        for member in archive:
            handle = archive.extractfile(member)
            if handle is not None:
                handle.read()
            keys.add(member.name.split(".", 1)[0])
            archive.members = []
    return len(keys)


def expunge_read(path: Path) -> int:
    errors = ErrorPolicy("stop")
    return sum(1 for _ in read_samples(Shard(str(path), "webdataset", path.name), errors))


def best(run: Callable[[Path], int], path: Path, repeat: int) -> tuple[float, int]:
    times = []
    count = 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = run(path)
        times.append(time.perf_counter() - start)
    return min(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        plain = Path(tmp) / "00000.tar"
        size = write_tar(plain, args.samples)
        packed = Path(tmp) / "00000.tar.gz"
        packed.write_bytes(gzip.compress(plain.read_bytes(), compresslevel=6))
        results: dict[str, object] = {"samples": args.samples, "tar_mb": round(size / 1e6, 1)}
        for label, path in (("tar", plain), ("tar.gz", packed)):
            rates = {}
            for name, run in (("tarfile_ceiling", ceiling), ("expunge", expunge_read)):
                seconds, count = best(run, path, args.repeat)
                assert count == args.samples, (name, count)
                rates[name] = count / seconds
                results[f"{label}_{name}_samples_per_s"] = round(rates[name])
            results[f"{label}_ratio"] = round(rates["expunge"] / rates["tarfile_ceiling"], 2)
    results["machine"] = machine_info(["pillow", "pyarrow"])
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
