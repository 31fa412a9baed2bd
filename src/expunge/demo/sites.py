"""Opt-out signals for the demo dataset's web hosts: a site snapshot (robots.txt, tdmrep.json,
ai.txt) in the layout `expunge optout --snapshot` reads, and the expected ai-train verdict per
host (sites-truth.json), so `expunge optout filter` can be checked against it."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

SITES_DIR = "sites"
SITES_TRUTH = "sites-truth.json"

# host index % 10 -> (what the site publishes, expected ai-train verdict)
KINDS: dict[int, tuple[str, str]] = {
    0: ("robots.txt blocks GPTBot", "disallowed"),
    1: ("robots.txt Content-Signal ai-train=no", "disallowed"),
    2: ("tdmrep.json reserves TDM", "disallowed"),
    3: ("robots.txt Content-Usage train-ai=y", "allowed"),
    4: ("ai.txt disallows everything", "disallowed"),
}


def _files(kind: int) -> dict[str, str]:
    if kind == 0:
        return {"robots.txt": "User-agent: *\nAllow: /\n\nUser-agent: GPTBot\nDisallow: /\n"}
    if kind == 1:
        return {"robots.txt": "User-agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n"}
    if kind == 2:
        return {".well-known/tdmrep.json": '[{"location": "/", "tdm-reservation": 1}]\n'}
    if kind == 3:
        return {"robots.txt": "User-agent: *\nContent-Usage: train-ai=y, search=y\nAllow: /\n"}
    return {"ai.txt": "# Spawning AI\nUser-Agent: *\nDisallow: /\n"}


def write_demo_sites(dataset_dir: Path, out_dir: Path) -> tuple[Path, Path]:
    from expunge.errors import ErrorPolicy
    from expunge.io import open_dataset, read_shard
    from expunge.records import FieldSpec

    hosts: set[str] = set()
    for shard in open_dataset(str(dataset_dir)).shards:
        for record in read_shard(shard, FieldSpec(), ErrorPolicy("skip")):
            if record.url:
                hosts.add(urlsplit(record.url).netloc.lower())
    sites = out_dir / SITES_DIR
    truth: dict[str, dict[str, str]] = {}
    for index, host in enumerate(sorted(hosts)):
        if index % 10 not in KINDS:
            truth[host] = {"signal": "none", "ai-train": "unspecified"}
            continue
        what, verdict = KINDS[index % 10]
        for name, text in _files(index % 10).items():
            path = sites / host / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
        truth[host] = {"signal": what, "ai-train": verdict}
    truth_path = out_dir / SITES_TRUTH
    truth_path.write_text(json.dumps(truth, indent=1, sort_keys=True) + "\n", "utf-8")
    return sites, truth_path
