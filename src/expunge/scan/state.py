"""What an earlier scan into the same --out left behind, so unchanged shards are not re-read.

Layout inside the report directory:
    .expunge/state.json            fingerprint of the settings + one entry per shard
    .expunge/shards/<key>.jsonl    that shard's findings, ready to concatenate
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

STATE_DIR = ".expunge"
STATE_VERSION = 1


def shard_key(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:20]


def state_dir(out_dir: Path) -> Path:
    return out_dir / STATE_DIR


def load_state(out_dir: Path, fingerprint: str, dataset_root: str) -> dict[str, dict[str, Any]]:
    """Shard entries of the previous run, or {} when there was none or its settings differ."""
    path = state_dir(out_dir) / "state.json"
    try:
        state = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if (
        not isinstance(state, dict)
        or state.get("version") != STATE_VERSION
        or state.get("fingerprint") != fingerprint
        or state.get("dataset_root") != dataset_root
    ):
        return {}
    shards = state.get("shards", {})
    cache = state_dir(out_dir) / "shards"
    # An entry is only usable while its findings file is still there.
    return {
        name: entry
        for name, entry in shards.items()
        if isinstance(entry, dict) and (cache / f"{shard_key(name)}.jsonl").is_file()
    }
