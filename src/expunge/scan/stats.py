"""The sink every dataset pass feeds: per-shard counters, findings and masked samples.

`ShardCounter.add(record)` is called once per record that came out of the steps; `finish()`
gives the `ShardResult` an executor ships back. Scan, find, forget and verify all count through
it, so their numbers mean the same thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Protocol

from expunge.detect.entities import TECHNICAL_TYPES
from expunge.errors import BadRow

if TYPE_CHECKING:
    from expunge.records import Record

SAMPLES_PER_TYPE = 5


class FoundSpan(NamedTuple):
    """One finding as a shard result carries it (a tuple: millions are shipped between
    processes). Offsets are characters of the record's text (or of its stored material, past
    `ShardResult.text_ends[row]`)."""

    row: int
    id: str | None
    type: str
    start: int
    end: int
    score: float
    validator: str
    subject: str | None
    context: str | None
    confidence: str | None  # strong / medium / weak: subject search only


@dataclass(slots=True)
class ShardResult:
    shard: str
    format: str
    size: int = 0
    checksum: str | None = None
    records: int = 0
    bytes: int = 0
    records_with_pii: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    records_by_type: dict[str, int] = field(default_factory=dict)
    findings: list[FoundSpan] = field(default_factory=list)  # sorted by row, start, type
    # subject -> records mentioning them, per confidence (subject search only)
    by_subject: dict[str, dict[str, int]] = field(default_factory=dict)
    samples: list[dict[str, object]] = field(default_factory=list)
    skipped: list[BadRow] = field(default_factory=list)
    # raw reads: row -> length of the record's own text, for rows with findings
    text_ends: dict[int, int] = field(default_factory=dict)
    reused: bool = False
    seconds: float = 0.0
    rows: int = 0  # rows the reader numbered (records and bad rows)
    part: int | None = None  # a part of the file (scan/split.py): where it starts
    progress_bytes: int = 0  # file bytes already reported to the progress callback


class CountSettings(Protocol):
    """What counting needs from the run's settings (scan.task.ScanConfig has them)."""

    @property
    def raw(self) -> bool: ...
    @property
    def show_values(self) -> bool: ...
    @property
    def context(self) -> bool: ...
    @property
    def phone_region(self) -> str: ...


class ShardCounter:
    """Counts what the steps found in one shard, record by record."""

    def __init__(self, result: ShardResult, config: CountSettings) -> None:
        # Imported here, not per record: an import statement costs a dict lookup and a lock.
        from expunge.detect import mask
        from expunge.find.context import context_snippet
        from expunge.io.raw import outside_text

        self._mask, self._context, self._outside = mask, context_snippet, outside_text
        self.result = result
        self.config = config
        self.by_type: Counter[str] = Counter()
        self.records_by_type: Counter[str] = Counter()
        self.samples_left: Counter[str] = Counter()

    def add(self, record: Record) -> int:
        """Count one record; returns its text size in bytes (for progress)."""
        result = self.result
        # the size the detector encoded; else chars, the cheap stand-in for bytes, corrected
        # for non-ASCII text
        text_bytes = record.text_bytes
        if text_bytes < 0:
            text_bytes = len(record.text)
            if not record.text.isascii():
                text_bytes = len(record.text.encode("utf-8", "surrogatepass"))
        result.records += 1
        result.bytes += text_bytes
        if record.findings:
            self._add_findings(record)
        return text_bytes

    def _add_findings(self, record: Record) -> None:
        mask, context_snippet, outside_text = self._mask, self._context, self._outside
        result, config = self.result, self.config
        # a record with technical look-alikes only (a namespace URL) holds no personal data
        if not all(f.type in TECHNICAL_TYPES for f in record.findings):
            result.records_with_pii += 1
        text_end = record.fields.get("text_end") if config.raw else None
        if config.raw:
            result.text_ends[record.location.row] = record.fields["text_end"]
        seen: set[str] = set()
        for f in record.findings:
            self.by_type[f.type] += 1
            seen.add(f.type)
            context = (
                context_snippet(
                    record.text,
                    f,
                    record.findings,
                    config.show_values,
                    text_end,
                    config.phone_region,
                )
                if f.subject is not None and config.context
                else None
            )
            score = round(f.score, 3)
            result.findings.append(
                FoundSpan(
                    record.location.row,
                    record.id,
                    f.type,
                    f.start,
                    f.end,
                    score,
                    f.validator,
                    f.subject,
                    context,
                    f.confidence,
                )
            )
            if self.samples_left[f.type] < SAMPLES_PER_TYPE:
                self.samples_left[f.type] += 1
                value = record.text[f.start : f.end]
                stored = outside_text(f.start, f.end, record.fields.get("text_end"))
                result.samples.append(
                    {
                        "shard": result.shard,
                        "row": record.location.row,
                        "id": record.id,
                        "type": f.type,
                        "start": f.start if stored is None else stored[0],
                        "end": f.end if stored is None else stored[1],
                        **({"in": "stored"} if stored is not None else {}),
                        "score": score,
                        "validator": f.validator,
                        **({"confidence": f.confidence} if f.confidence is not None else {}),
                        "preview": value if config.show_values else mask(f.type, value),
                        **({"context": context} if context is not None else {}),
                    }
                )
        self.records_by_type.update(sorted(seen))  # a set: its order changes from run to run
        levels = {
            (f.subject, f.confidence)
            for f in record.findings
            if f.subject is not None and f.confidence is not None
        }
        for subject, level in sorted(levels):
            counts = result.by_subject.setdefault(subject, {})
            counts[level] = counts.get(level, 0) + 1

    def finish(self, skipped: list[BadRow], rows: int, seconds: float) -> ShardResult:
        result = self.result
        result.findings.sort(key=lambda f: (f.row, f.start, f.type))
        result.by_type = dict(self.by_type)
        result.records_by_type = dict(self.records_by_type)
        result.skipped = skipped
        result.rows = rows
        result.seconds = seconds
        return result


def _add_counts(into: dict[str, int], more: dict[str, int]) -> None:
    for key, value in more.items():
        into[key] = into.get(key, 0) + value


def merge_parts(parts: Sequence[ShardResult]) -> ShardResult:
    """The result of a whole file from the results of its parts (scan/split.py), in file
    order: rows renumbered from each part's row count, samples capped per type again."""
    first = parts[0]
    merged = ShardResult(shard=first.shard, format=first.format, size=first.size)
    base = 0
    taken: Counter[object] = Counter()
    for part in parts:
        merged.records += part.records
        merged.bytes += part.bytes
        merged.records_with_pii += part.records_with_pii
        merged.seconds += part.seconds
        merged.progress_bytes += part.progress_bytes
        _add_counts(merged.by_type, part.by_type)
        _add_counts(merged.records_by_type, part.records_by_type)
        for subject, levels in part.by_subject.items():
            _add_counts(merged.by_subject.setdefault(subject, {}), levels)
        merged.findings.extend(f._replace(row=f.row + base) for f in part.findings)
        merged.text_ends.update({row + base: end for row, end in part.text_ends.items()})
        for sample in part.samples:
            kind = sample["type"]
            if taken[kind] < SAMPLES_PER_TYPE:
                taken[kind] += 1
                merged.samples.append({**sample, "row": int(sample["row"]) + base})  # type: ignore[call-overload]
        merged.skipped.extend(part.skipped)
        base += part.rows
    merged.rows = base
    return merged
