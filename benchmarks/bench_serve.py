"""`expunge serve` under load: 20 concurrent clients searching a 5M-record index on localhost.

    python benchmarks/index_bench.py --records 5000000       # once: data, index, people.jsonl
    python benchmarks/bench_serve.py --data bench-data/index-5000k --requests 2000

Starts `expunge serve --no-rate-limit` as a user would (its own process), then `--clients`
threads, each with its own HTTP connection, send `--requests` searches in all, as fast as they
are answered, and stop: POST /api/search with a subject from `people.jsonl` (3/4 of them are in
the data) or a made-up one. Two runs: counts from the index alone (`"snippets": false`) and
the page's full answer with masked snippets (records read back from the dataset's shards).
Reports p50 / p95 / max latency, requests per second, errors, and the server's resident
memory (VmRSS after, VmHWM peak) from /proc.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from _machine import expunge_bin, machine_info

from expunge.errors import ExpungeError
from expunge.subject.profile import parse_subject


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _subjects(data: Path, count: int) -> list[dict[str, Any]]:
    """Search bodies: people drawn from the data (a name and one identifier), and some not."""
    people = [json.loads(line) for line in (data / "people.jsonl").read_text().splitlines()]
    rng = random.Random(5)
    bodies = []
    for n in range(count):
        if n % 4 == 3 or not people:
            bodies.append({"names": [f"Nobody Here{n}"], "emails": [f"nobody{n}@absent.example"]})
            continue
        while True:  # index_bench's people: {"name", "key": "emails" | ..., "value", ...}
            person = rng.choice(people)
            body = {"names": [person["name"]], person["key"]: [person["value"]]}
            try:
                parse_subject(body, "bench")
            except ExpungeError:  # a value the profile parser refuses: draw another
                continue
            bodies.append(body)
            break
    return bodies


def _memory(pid: int) -> dict[str, int]:
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) // 1024  # MB
    return found


def load(base: str, bodies: list[dict[str, Any]], clients: int, snippets: bool) -> dict[str, Any]:
    times: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    queue = list(enumerate(bodies))

    def client() -> None:
        with httpx.Client(base_url=base, timeout=120) as http:
            while True:
                with lock:
                    if not queue:
                        return
                    _, body = queue.pop()
                started = time.perf_counter()
                answer = http.post("/api/search", json={**body, "snippets": snippets})
                took = time.perf_counter() - started
                with lock:
                    times.append(took)
                    if answer.status_code != 200:
                        errors.append(answer.status_code)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ordered = sorted(times)
    return {
        "requests": len(times),
        "clients": clients,
        "snippets": snippets,
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "requests_per_s": round(len(times) / wall, 1),
        "errors": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("bench-data/index-5000k"))
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--snippet-requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    index, dataset = args.data / "idx", args.data / "data"
    port = _free_port()
    state = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    proc = subprocess.Popen(
        [expunge_bin(), "serve", "--index", str(index), "--dataset", str(dataset), "--state",
         str(state), "--port", str(port), "--no-rate-limit"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        idle = _memory(proc.pid)
        bodies = _subjects(args.data, args.requests)
        results = {
            "machine": machine_info(("fastapi", "uvicorn", "numpy")),
            "index": str(index),
            "idle_memory_mb": idle,
            "counts_only": load(base, bodies, args.clients, snippets=False),
            "memory_after_counts_mb": _memory(proc.pid),
            "with_snippets": load(base, bodies[: args.snippet_requests], args.clients, True),
            "memory_after_snippets_mb": _memory(proc.pid),
        }
    finally:
        proc.send_signal(signal.SIGINT)  # started here: ended by its own PID
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    sys.exit(main())
