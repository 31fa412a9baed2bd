"""Peak memory and disk use of `index build` (issue 12 §4): RSS of the whole process tree.

    python benchmarks/bench_index_memory.py --shard-records 250000 --workers 2
    python benchmarks/bench_index_memory.py --shard-records 250000 --workers 2 --impl head
    python benchmarks/bench_index_memory.py --shard-records 5000000            # one shard
    python benchmarks/bench_index_memory.py --shard-records 25000 --workers 2 --zstd

The data is `benchmarks/index_bench.py`'s synthetic posts (same generator, same seed, written
once under `bench-data/index-<N>k[-<shard records>k][-zst]/data`; `--zstd` compresses the
shards to .jsonl.zst). The build runs in a child process; this process samples, every
`--every` seconds from /proc, the resident memory of that child and all its descendants (the
forkserver and its workers) and each one's high-water mark (VmHWM), and every 10th sample
the size of the index directory (temporary files included).

Reported: peak RSS of the tree (sum at one sample; also only anonymous memory), the main
process's peak (reading + merging with one worker, only the merge with several), the largest
worker's peak; build time, index size on disk (shard segments + merged segment, and what
`IndexStats.disk_bytes` says), the peak size of the index directory during the build, and
lookup latency (index_bench's subjects, one per call, in this process, page cache warm).

`--impl head` builds with the committed `src/expunge/index/__init__.py` and `store.py`
(`git show HEAD:...`, copied to temporary modules), to compare with the working tree on the
same input. RSS counts the pages of memory-mapped files a process has touched as well as its
own memory.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from _machine import machine_info

HEAD_MODULE = "expunge_index_head"


def _status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM, RssAnon, RssFile of a process in kB (empty when it is gone)."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                    out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def _tree(pid: int) -> list[int]:
    """pid and all its descendants (through /proc/PID/task/*/children)."""
    found = [pid]
    at = 0
    while at < len(found):
        current = found[at]
        at += 1
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    found += [int(c) for c in handle.read().split()]
        except OSError:
            continue
    return found


def _disk_bytes(path: Path) -> int:
    """Bytes of the files under `path` now (files may come and go while it counts)."""
    total = 0
    for root, _, names in os.walk(path):
        for name in names:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


class Sampler(threading.Thread):
    def __init__(self, pid: int, every: float, index: Path) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.index = pid, every, index
        self.peak_kb = self.peak_anon_kb = self.peak_disk = 0
        self.hwm: dict[int, int] = {}  # pid -> last VmHWM seen
        self.samples = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            total = anon = 0
            for pid in _tree(self.pid):
                status = _status(pid)
                if status:
                    total += status.get("VmRSS", 0)
                    anon += status.get("RssAnon", 0)
                    self.hwm[pid] = max(self.hwm.get(pid, 0), status.get("VmHWM", 0))
            self.peak_kb = max(self.peak_kb, total)
            self.peak_anon_kb = max(self.peak_anon_kb, anon)
            if self.samples % 10 == 0:  # the index directory, temporary files included
                self.peak_disk = max(self.peak_disk, _disk_bytes(self.index))
            self.samples += 1
            self.stop.wait(self.every)


def head_module(folder: Path) -> None:
    """The committed index/__init__.py and store.py as modules `expunge_index_head` and
    `expunge_store_head` in `folder` (keys.py and the rest come from the working tree)."""

    def committed(path: str) -> str:
        return subprocess.run(
            ["git", "show", f"HEAD:{path}"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout

    index = committed("src/expunge/index/__init__.py")
    line = "from expunge.index import store\n"
    assert line in index
    index = index.replace(line, "import expunge_store_head as store\n")
    (folder / f"{HEAD_MODULE}.py").write_text(index)
    (folder / "expunge_store_head.py").write_text(committed("src/expunge/index/store.py"))


def child(args: argparse.Namespace) -> None:
    """Build the index in this process and print the stats as JSON."""
    module = importlib.import_module(HEAD_MODULE if args.impl == "head" else "expunge.index")
    stats = module.build_index(args.dataset, Path(args.index), workers=args.workers)
    out = {
        "seconds": stats.seconds,
        "merge_seconds": stats.merge_seconds,
        "records": stats.records,
        "entries": stats.entries,
        "bytes": stats.bytes,
        "disk_bytes": getattr(stats, "disk_bytes", None),
        "self_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    print(json.dumps(out))


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure(args: argparse.Namespace, dataset: str, index: Path) -> dict[str, Any]:
    shutil.rmtree(index, ignore_errors=True)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="idxmem-") as tmp:
        if args.impl == "head":
            head_module(Path(tmp))
        # The forkserver's workers import the module by name: put it on their path too.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [tmp, env.get("PYTHONPATH")]))
        command = [sys.executable, __file__, "--child", "--impl", args.impl,
                   "--dataset", dataset, "--index", str(index)]  # fmt: skip
        if args.workers:
            command += ["--workers", str(args.workers)]
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, text=True)
        sampler = Sampler(proc.pid, args.every, index)
        sampler.start()
        stdout, _ = proc.communicate()
        wall = time.perf_counter() - started
        sampler.stop.set()
        sampler.join()
    if proc.returncode:
        raise SystemExit(f"build failed ({proc.returncode})")
    stats = json.loads(stdout.strip().splitlines()[-1])
    main_hwm = max(sampler.hwm.get(proc.pid, 0), stats["self_maxrss_kb"])
    workers = [kb for pid, kb in sampler.hwm.items() if pid != proc.pid]
    manifest = json.loads((index / "manifest.json").read_text())
    return {
        "impl": args.impl,
        "workers": args.workers,
        "wall_s": round(wall, 1),
        "build_s": round(stats["seconds"], 1),
        "merge_s": round(stats["merge_seconds"], 1),
        "records": stats["records"],
        "entries": stats["entries"],
        "peak_tree_rss_mb": round(sampler.peak_kb / 1024),
        "peak_tree_anon_mb": round(sampler.peak_anon_kb / 1024),
        "main_peak_rss_mb": round(main_hwm / 1024),
        # the forkserver is one of these; it stays small
        "largest_child_peak_rss_mb": round(max(workers, default=0) / 1024),
        "samples": sampler.samples,
        "index_bytes": dir_bytes(index),
        "shard_segments_bytes": dir_bytes(index / "shards"),
        "merged_bytes": dir_bytes(index / "merged"),
        "reported_disk_bytes": stats["disk_bytes"],
        "peak_disk_bytes_sampled": sampler.peak_disk,  # during the build, every 10 samples
        "keys": manifest["merged"]["keys"],
        "postings": manifest["merged"]["entries"],
        "shards": len(manifest["shards"]),
    }


def compress(data: Path, level: int = 3) -> None:
    """Each `shard-*.jsonl` of `data` as `shard-*.jsonl.zst` (once; the .jsonl goes)."""
    import zstandard

    for path in sorted(data.glob("shard-*.jsonl")):
        target = path.with_name(path.name + ".zst")
        tmp = target.with_name(target.name + ".tmp")
        with open(path, "rb") as source, open(tmp, "wb") as out:
            zstandard.ZstdCompressor(level=level).copy_stream(source, out)
        tmp.replace(target)
        path.unlink()


def lookups(out: Path, index: Path, count: int, suffix: str) -> dict[str, Any]:
    from index_bench import synthetic_subjects, time_lookups

    subjects = [
        (subject, None if source is None else (source[0] + suffix, source[1]))
        for subject, source in synthetic_subjects(out, count, 7)
    ]
    return time_lookups(index, subjects, None)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--shard-records", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=None, help="where the synthetic data goes")
    parser.add_argument("--index", type=Path, default=None, help="default: DATA/idx-mem-IMPL")
    parser.add_argument("--impl", choices=("current", "head"), default="current")
    parser.add_argument("--zstd", action="store_true", help="shards as .jsonl.zst (own data dir)")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--every", type=float, default=0.05, help="sampling interval, s")
    parser.add_argument("--subjects", type=int, default=400, help="lookups timed (0: none)")
    parser.add_argument("--keep", action="store_true", help="keep the index afterwards")
    parser.add_argument("--json", type=Path, default=None, help="append the result here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dataset", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    from index_bench import generate

    suffix = "" if args.shard_records == 250_000 else f"-{args.shard_records // 1000}k"
    suffix += "-zst" if args.zstd else ""
    out = args.data or ROOT / f"bench-data/index-{args.records // 1000}k{suffix}"
    info = generate(out, args.records, args.shard_records, args.seed, args.workers or 2)
    if args.zstd:
        compress(out / "data")
    index = args.index or out / f"idx-mem-{args.impl}"
    res = measure(args, str(out / "data"), index)
    res["data"] = {
        "records": info["records"],
        "bytes": info["bytes"],  # uncompressed JSONL
        "file_bytes": dir_bytes(out / "data"),
        "shards": info["shards"],
        "shard_records": args.shard_records,
        "zstd": args.zstd,
    }
    if args.subjects:
        res["lookup"] = lookups(out, index, args.subjects, ".zst" if args.zstd else "")
    if not args.keep:
        shutil.rmtree(index, ignore_errors=True)
    res["machine"] = machine_info(("expunge", "numpy"))
    res["date"] = time.strftime("%Y-%m-%d")
    print(json.dumps(res, indent=1))
    if args.json:
        with open(args.json, "a") as handle:
            handle.write(json.dumps(res) + "\n")


if __name__ == "__main__":
    main()
