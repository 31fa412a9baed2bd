"""Opt-out signals: robots.txt speed and agreement against protego, and `optout filter`
throughput on a synthetic crawl.

    python benchmarks/bench_optout.py --records 500000 --hosts 20000 --work bench-data/optout

1. robots.txt: `--files` generated robots.txt files (groups for AI crawlers and '*', Allow /
   Disallow with '*' and '$', 5-40 rules each), every file asked about 20 paths x 5 agents:
   parse time and decisions per second for expunge and protego (Scrapy's parser), and how
   often the two disagree (each disagreement is listed in the JSON for inspection).
2. filter: a JSONL dataset of `--records` short records whose URLs spread over `--hosts`
   hosts, and a site snapshot in which 40% of the hosts publish a signal (GPTBot blocked,
   Content-Signal ai-train=no, tdmrep.json, ai.txt; a tenth say train-ai=y); wall time of
   `expunge optout filter --purpose ai-train` (subprocess) and records/s; the records dropped
   must equal the records of the opted-out hosts.
Prints a Markdown section for BENCHMARKS.md and writes <work>/results.json.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _machine import machine_info

AGENTS = ["GPTBot", "CCBot", "ClaudeBot", "Google-Extended", "ExampleBot"]
PIECES = ["/a", "/b", "/img", "/x/y", "/private", "/p", "/blog", ".jpg", ".pdf", "/2024"]


def robots_files(n: int, rng: random.Random) -> list[tuple[str, list[str]]]:
    files = []
    for _ in range(n):
        lines = []
        for _ in range(rng.randint(1, 4)):
            for agent in rng.sample([*AGENTS, "*"], rng.randint(1, 3)):
                lines.append(f"User-agent: {agent}")
            for _ in range(rng.randint(5, 10)):
                pattern = "".join(rng.sample(PIECES, rng.randint(1, 3)))
                pattern = pattern.replace("/", "/*", 1) if rng.random() < 0.2 else pattern
                pattern += "$" if rng.random() < 0.15 else ""
                lines.append(f"{rng.choice(['Allow', 'Disallow'])}: {pattern}")
            lines.append("")
        paths = [
            "/" + "".join(rng.sample(PIECES, rng.randint(1, 4))).lstrip("/") for _ in range(20)
        ]
        files.append(("\n".join(lines), paths))
    return files


def bench_robots(files: list[tuple[str, list[str]]]) -> dict[str, Any]:
    import protego

    from expunge.optout.robots import parse_robots

    t0 = time.perf_counter()
    ours = [parse_robots(text) for text, _ in files]
    t1 = time.perf_counter()
    theirs = [protego.Protego.parse(text) for text, _ in files]
    t2 = time.perf_counter()
    decisions = [(i, p, a) for i, (_, paths) in enumerate(files) for p in paths for a in AGENTS]
    t3 = time.perf_counter()
    a = [ours[i].decide(agent, path).allowed for i, path, agent in decisions]
    t4 = time.perf_counter()
    b = [theirs[i].can_fetch("https://example.com" + path, agent) for i, path, agent in decisions]
    t5 = time.perf_counter()
    differ = [
        {"robots": files[i][0], "path": path, "agent": agent, "expunge": x, "protego": y}
        for (i, path, agent), x, y in zip(decisions, a, b, strict=True)
        if x != y
    ]
    return {
        "files": len(files),
        "decisions": len(decisions),
        "expunge_parse_s": t1 - t0,
        "protego_parse_s": t2 - t1,
        "expunge_decisions_per_s": len(decisions) / (t4 - t3),
        "protego_decisions_per_s": len(decisions) / (t5 - t4),
        "disagreements": len(differ),
        "examples": differ[:20],
    }


def build_crawl(work: Path, records: int, hosts: int, rng: random.Random) -> dict[str, Any]:
    import orjson

    data, sites = work / "dataset", work / "sites"
    shutil.rmtree(work, ignore_errors=True)
    data.mkdir(parents=True)
    names = [f"site{i:06d}.example" for i in range(hosts)]
    verdict: dict[str, str] = {}
    for i, host in enumerate(names):
        kind = i % 10
        files: dict[str, str] = {}
        if kind == 0:
            files["robots.txt"] = "User-agent: *\nAllow: /\n\nUser-agent: GPTBot\nDisallow: /\n"
        elif kind == 1:
            files["robots.txt"] = "User-agent: *\nContent-Signal: search=yes, ai-train=no\n"
        elif kind == 2:
            files[".well-known/tdmrep.json"] = '[{"location": "/", "tdm-reservation": 1}]'
        elif kind == 3:
            files["ai.txt"] = "User-Agent: *\nDisallow: /\n"
        elif kind == 4:
            files["robots.txt"] = "User-agent: *\nContent-Usage: train-ai=y\nAllow: /\n"
        for name, text in files.items():
            path = sites / host / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        verdict[host] = "disallowed" if kind < 4 else "other"
    per_shard = max(1, records // 20)
    expected = 0
    written = 0
    for shard in range(20):
        lines = []
        for _ in range(min(per_shard, records - written)):
            host = rng.choice(names)
            expected += verdict[host] == "disallowed"
            url = f"https://{host}/{rng.choice(['blog', 'news', 'p'])}/{rng.randrange(10**6)}"
            lines.append(orjson.dumps({"url": url, "text": f"post {written} about things"}))
            written += 1
        (data / f"part-{shard:03d}.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    return {"records": written, "hosts": hosts, "expected_dropped": expected,
            "bytes": sum(p.stat().st_size for p in data.iterdir())}  # fmt: skip


def bench_filter(work: Path) -> dict[str, Any]:
    exe = str(Path(sys.executable).with_name("expunge"))
    out = work / "v2"
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [exe, "optout", "filter", str(work / "dataset"), "--signals", str(work / "sites"),
         "--purpose", "ai-train", "--out", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(proc.stderr)
    manifest = json.loads((out / "manifest.json").read_text())
    return {"wall_s": wall, "dropped": manifest["optout"]["records_dropped"],
            "by_signal": manifest["optout"]["dropped_by_signal"]}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--records", type=int, default=500_000)
    ap.add_argument("--hosts", type=int, default=20_000)
    ap.add_argument("--work", type=Path, default=Path("bench-data/optout"))
    args = ap.parse_args()
    rng = random.Random(1)
    robots = bench_robots(robots_files(args.files, rng))
    crawl = build_crawl(args.work, args.records, args.hosts, rng)
    filtered = bench_filter(args.work)
    machine = machine_info(("expunge", "protego", "http-sf", "c2pa-python"))
    res = {"machine": machine, "robots": robots, "crawl": crawl, "filter": filtered}
    (args.work / "results.json").write_text(json.dumps(res, indent=2))
    r, f = robots, filtered
    print(f"""## Opt-out signals (`benchmarks/bench_optout.py`)

**Machine:** {machine["cpu"]}, {machine["cores"]} cores, Python {machine["python"]}; protego {machine["packages"]["protego"]}

| robots.txt ({r["files"]:,} generated files, {r["decisions"]:,} decisions) | expunge | protego |
|---|---:|---:|
| parse all files, s | {r["expunge_parse_s"]:.2f} | {r["protego_parse_s"]:.2f} |
| decisions per second | {r["expunge_decisions_per_s"]:,.0f} | {r["protego_decisions_per_s"]:,.0f} |
| disagreements | {r["disagreements"]:,} ({100 * r["disagreements"] / r["decisions"]:.2f}%) | |

| `optout filter --purpose ai-train` | |
|---|---:|
| input | {crawl["records"]:,} records, {crawl["bytes"] / 1e6:.1f} MB, {crawl["hosts"]:,} hosts (40% opted out) |
| wall time (subprocess) | {f["wall_s"]:.1f} s = {crawl["records"] / f["wall_s"]:,.0f} records/s |
| dropped / expected | {f["dropped"]:,} / {crawl["expected_dropped"]:,} ({"exact" if f["dropped"] == crawl["expected_dropped"] else "MISMATCH"}) |
""")
    return 0 if f["dropped"] == crawl["expected_dropped"] else 1


if __name__ == "__main__":
    sys.exit(main())
