"""Steps: small objects that take an iterator of records and yield records (datatrove-style).

Steps know nothing about files, processes or executors, so the same list runs in-process, in a
process pool or on Ray. They must be picklable: heavy state (compiled pattern databases, NER
models) is built lazily inside the worker that runs them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from expunge.records import Record

if TYPE_CHECKING:
    from expunge.detect.registry import EntityType


class Step(Protocol):
    def __call__(self, records: Iterator[Record]) -> Iterator[Record]: ...


def run_steps(records: Iterator[Record], steps: Sequence[Step]) -> Iterator[Record]:
    for step in steps:
        records = step(records)
    return records


def batched_by_size(
    records: Iterable[Record], max_chars: int, max_records: int
) -> Iterator[list[Record]]:
    """Group records so one engine call covers many of them (the per-call cost dominates otherwise)."""
    batch: list[Record] = []
    size = 0
    for record in records:
        batch.append(record)
        size += len(record.text)
        if size >= max_chars or len(batch) >= max_records:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


@lru_cache(maxsize=8)
def detector_for(  # type: ignore[no-untyped-def]
    types: tuple[str, ...] | None,
    phone_region: str,
    min_score: float,
    custom: tuple[EntityType, ...] = (),
):
    from expunge.detect import Detector

    return Detector(types=types, phone_region=phone_region, min_score=min_score, custom=custom)


@dataclass(frozen=True, slots=True)
class DetectPII:
    """Attach pattern-based findings to each record, scanning batches of records per engine call."""

    types: tuple[str, ...] | None = None
    phone_region: str = "US"
    min_score: float = 0.5
    batch_chars: int = 1 << 20
    batch_records: int = 2048
    custom: tuple[EntityType, ...] = ()  # the user's own entity types (detect/registry.py)

    def __call__(self, records: Iterator[Record]) -> Iterator[Record]:
        detector = detector_for(self.types, self.phone_region, self.min_score, self.custom)
        for batch in batched_by_size(records, self.batch_chars, self.batch_records):
            sizes: list[int] = []  # stays empty when no pattern type is asked for
            found = detector.scan_batch([r.text for r in batch], sizes)
            for record, findings in zip(batch, found, strict=True):
                record.findings = findings
            for record, size in zip(batch, sizes):
                record.text_bytes = size
            yield from batch
