"""One big file, two cores: scan and find over a single large JSONL / WARC.gz file.

    python benchmarks/bench_split.py --corpus bench-data/corpus   # writes bench-data/split.json

Input: the corpus shards (make_corpus.py) concatenated into ONE JSON Lines file, and the same
documents as ONE WARC.gz (a gzip member per record, as Common Crawl ships them; each document
an HTML page). For each file: `expunge scan FILE --workers 1`, then `--workers 2` as the CLI
runs it now (the file read in parts, scan/split.py), and `--workers 2` with splitting off
(what it was before: one task per file, so one core). Wall time of the CLI subprocess, median
of --repeat runs; the findings of every run must be byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _machine import machine_info
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

EXPUNGE = [sys.executable, "-m", "expunge.cli"]
# Splitting off: the smallest part larger than any file, so every file is one task.
NO_SPLIT = "import sys; from expunge.executors import split; split.MIN_PART_BYTES = 1 << 60; "


def build(corpus: Path, work: Path) -> tuple[Path, Path]:
    work.mkdir(parents=True, exist_ok=True)
    jsonl, warc = work / "one.jsonl", work / "one.warc.gz"
    if not jsonl.exists():
        with open(jsonl, "wb") as out:
            out.writelines(shard.read_bytes() for shard in sorted(corpus.glob("shard-*.jsonl")))
    if not warc.exists():
        with open(jsonl, "rb") as source, open(warc, "wb") as handle:
            writer = WARCWriter(handle, gzip=True)
            for number, line in enumerate(source):
                text = json.loads(line)["text"]
                html = "<html><body>" + "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
                http = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                writer.write_record(
                    writer.create_warc_record(
                        f"https://bench.example/{number}",
                        "response",
                        payload=io.BytesIO((html + "</body></html>").encode()),
                        http_headers=http,
                    )
                )
    return jsonl, warc


def run_once(path: Path, workers: int, split: bool, out: Path) -> tuple[float, str]:
    args = ["scan", str(path), "--workers", str(workers), "--out", str(out), "-q"]
    if split:
        command = [*EXPUNGE, *args]
    else:
        code = NO_SPLIT + f"sys.argv = ['expunge', *{args!r}]; from expunge.cli import main; main()"
        command = [sys.executable, "-c", code]
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    digest = hashlib.sha256((out / "findings.jsonl").read_bytes()).hexdigest()
    subprocess.run(["rm", "-rf", str(out)], check=True)
    return seconds, digest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=Path("bench-data/corpus"))
    ap.add_argument("--work", type=Path, default=Path("bench-data/split"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, default=Path("bench-data/split.json"))
    args = ap.parse_args()
    files = build(args.corpus, args.work)
    rows: list[dict[str, Any]] = []
    for path in files:
        for label, workers, split in (("1 worker", 1, True), ("2 workers, one task (before)", 2, False),
                                      ("2 workers, read in parts (now)", 2, True)):  # fmt: skip
            runs = [run_once(path, workers, split, args.work / "out") for _ in range(args.repeat)]
            rows.append({"file": path.name, "mb": path.stat().st_size / 1e6, "run": label,
                         "seconds": statistics.median(s for s, _ in runs),
                         "findings_sha256": {d for _, d in runs}.pop()[:16],
                         "same_findings": len({d for _, d in runs}) == 1})  # fmt: skip
    info = machine_info(["expunge", "warcio", "orjson"])
    lines = [(f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}; "
             f"median of {args.repeat} runs, wall time of the CLI."), "",
             "| file | MB | run | wall s | speed-up vs 1 worker | findings (sha256, first 16) |",
             "|---|---:|---|---:|---:|---|"]  # fmt: skip
    for row in rows:
        base = next(r for r in rows if r["file"] == row["file"] and r["run"] == "1 worker")
        lines.append(
            f"| {row['file']} | {row['mb']:.0f} | {row['run']} | {row['seconds']:.1f} | "
            f"{base['seconds'] / row['seconds']:.2f}x | `{row['findings_sha256']}` |"
        )
    md = "\n".join(lines)
    print(md)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": info, "rows": rows, "markdown": md}, indent=1))


if __name__ == "__main__":
    main()
