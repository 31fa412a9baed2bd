"""Truth rows and counts of planted types, shared by the demo dataset and benchmarks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .documents import GeneratedDoc
from .entity_types import PLANTED_TYPES
from .text import Span


def truth_rows(shard: str, docs: Sequence[GeneratedDoc]) -> list[dict[str, Any]]:
    return [
        {"shard": shard, "row": row, "type": s.type, "start": s.start, "end": s.end}
        for row, doc in enumerate(docs)
        for s in doc.spans
    ]


def count_types(spans: Sequence[Span] | Sequence[dict[str, Any]]) -> dict[str, int]:
    counts = {t: 0 for t in PLANTED_TYPES}
    for s in spans:
        t = s.type if isinstance(s, Span) else s["type"]
        counts[t] = counts.get(t, 0) + 1
    return counts


def merge_counts(into: dict[str, int], more: dict[str, int]) -> None:
    for k, v in more.items():
        into[k] = into.get(k, 0) + v


def truth_conventions() -> dict[str, str]:
    return {
        "offsets": "character (code point) offsets into the record's text field, end exclusive",
        "url": "http(s) URLs that are not social profiles; bare site paths are decoys",
        "social_handle": "'@handle' incl. the '@' next to a platform name, and profile URLs",
        "date_of_birth": "the date only, always with birth context nearby",
        "secret": "the key itself; PEM blocks from BEGIN to END line inclusive",
        "person": "not planted; names are everywhere and not in the truth",
        "decoys": "counted in 'decoys', never in truth.jsonl",
    }
