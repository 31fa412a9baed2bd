"""What `find --index` and `forget --index` take from an index: the rows to look at, and the
matches written for the user."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import orjson

from expunge.atomic import write_atomic
from expunge.index import IndexMatch, lookup
from expunge.index.store import load_manifest
from expunge.subject import SubjectProfile


def strong_rows(
    index: Path, profiles: Sequence[SubjectProfile], dataset: str
) -> tuple[dict[str, frozenset[int]], dict[str, str]]:
    """Shard -> rows where the index sees a strong match (a superset of a scan's strong
    matches), and shard -> sha256 as recorded by the index (checked current first)."""
    rows: dict[str, set[int]] = {}
    for match in lookup(index, list(profiles), dataset_spec=dataset):  # raises if out of date
        if match.confidence == "strong":
            rows.setdefault(match.shard, set()).add(match.row)
    manifest = load_manifest(index) or {}
    checksums = {s["name"]: s["sha256"] for s in manifest.get("shards", [])}
    return {shard: frozenset(r) for shard, r in rows.items()}, checksums


def write_matches(out: Path, matches: Sequence[IndexMatch]) -> Path:
    """`out`/matches.jsonl: one line per match (subject, shard, row, confidence, kinds)."""
    out.mkdir(parents=True, exist_ok=True)
    lines = b"".join(
        orjson.dumps({"subject": m.subject, "shard": m.shard, "row": m.row, "confidence": m.confidence,
                      "kinds": list(m.kinds)}) + b"\n"
        for m in matches
    )  # fmt: skip
    path = out / "matches.jsonl"
    write_atomic(path, lines)
    return path
