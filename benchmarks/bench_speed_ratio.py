"""Share of the stdlib-json read+parse ceiling that `expunge scan --workers 1` reaches (issue 18).

The machine's speed drifts from minute to minute (a shared host), so the ceiling and the scan
are measured alternately, `--repeat` times each, and compared best to best and median to
median. The ceiling reads every line and parses it with `json.loads`, touching the text
field; the scan is the whole CLI (process start, reading, detection, checksum, the three
output files), text bytes over wall seconds.

    python benchmarks/bench_speed_ratio.py bench-data/prose/records.jsonl --repeat 5
    python benchmarks/bench_speed_ratio.py bench-data/corpus --repeat 3
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _files(target: Path) -> list[Path]:
    if target.is_file():
        return [target]
    return sorted(p for p in target.glob("*.jsonl") if not p.name.startswith(("_", "truth")))


def _ceiling(files: list[Path]) -> tuple[float, int]:
    started = time.perf_counter()
    text = 0
    for path in files:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, 1):
                try:
                    text += len(json.loads(line)["text"].encode("utf-8", "surrogatepass"))
                except (ValueError, KeyError, TypeError, AttributeError):
                    sys.exit(f"error: {path} line {number}: not a JSON record with a text field")
    return time.perf_counter() - started, text


def _scan(files: list[Path], expunge: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        view = Path(tmp) / "data"
        view.mkdir()
        for path in files:  # the scan reads exactly these files, as a dataset directory
            (view / path.name).symlink_to(path.resolve())
        started = time.perf_counter()
        run = subprocess.run(
            [expunge, "scan", str(view), "--workers", "1", "--out", str(Path(tmp) / "out")],
            check=False, capture_output=True, text=True,
        )  # fmt: skip
        if run.returncode != 0:
            last = (run.stderr.strip().splitlines() or ["no message"])[-1]
            sys.exit(f"error: expunge scan failed on {files[0].parent}: {last}")
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="a JSONL file or a directory of them")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = _files(args.target)
    if not files:
        sys.exit(f"error: {args.target}: no JSONL files")
    expunge = shutil.which("expunge", path=str(Path(sys.executable).parent)) or "expunge"
    _ceiling(files)  # page cache warm for both
    ceilings, scans = [], []
    text = 0
    for _ in range(args.repeat):
        seconds, text = _ceiling(files)
        ceilings.append(text / 1e6 / seconds)
        scans.append(text / 1e6 / _scan(files, expunge))
    best = max(scans) / max(ceilings)
    middle = statistics.median(scans) / statistics.median(ceilings)
    print(f"{args.target}: {text / 1e6:.1f} MB of text, {args.repeat} alternating runs")
    print(f"json ceiling MB/s: {', '.join(f'{c:.0f}' for c in ceilings)}")
    print(f"expunge scan --workers 1 MB/s: {', '.join(f'{s:.1f}' for s in scans)}")
    print(f"share of the ceiling: best/best {best:.3f}, median/median {middle:.3f}")


if __name__ == "__main__":
    main()
