"""A typed, defensive view of the scan summary (summary.json) for the report renderers.

The summary may come from an older or newer expunge, or be hand-edited, so every key is
optional and every value is coerced here; renderers never touch the raw dict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from expunge.confidence import confidence_of


@dataclass(frozen=True, slots=True)
class TypeTotal:
    type: str
    findings: int
    records: int | None  # None when the summary does not say


@dataclass(frozen=True, slots=True)
class ShardRow:
    name: str
    format: str
    records: int
    bytes: int
    records_with_pii: int
    findings: int
    by_type: dict[str, int]
    skipped_rows: int
    reused: bool


@dataclass(frozen=True, slots=True)
class Sample:
    shard: str
    row: int | None
    id: str | None
    type: str
    start: int | None
    end: int | None
    score: float | None
    validator: str
    preview: str
    confidence: str | None = None  # find: strong / medium / weak


@dataclass(frozen=True, slots=True)
class SkippedRow:
    shard: str
    where: str
    reason: str


@dataclass(frozen=True, slots=True)
class ScanView:
    tool: str
    version: str
    command: str
    dataset: str
    format: str
    started: str
    elapsed_s: float | None
    types_scanned: tuple[str, ...]
    names_scanned: bool
    ner_note: str
    shards_total: int
    records: int
    bytes: int
    records_with_pii: int
    findings: int
    skipped_rows: int
    shards_reused: int
    types: tuple[TypeTotal, ...]  # findings > 0 only, most findings first
    shards: tuple[ShardRow, ...]  # most findings first, then by name
    skipped: tuple[SkippedRow, ...]
    samples: tuple[Sample, ...]
    sample: float | None = None  # --sample: the fraction of records read
    by_subject: dict[str, dict[str, int]] | None = None  # find: records per subject and level

    @property
    def type_order(self) -> tuple[str, ...]:
        return tuple(t.type for t in self.types)


DEFAULT_NER_NOTE = "Names (person) were not scanned: install expunge[ner] and pass --ner."


def as_int(value: object) -> int | None:
    """An int from JSON-ish input, or None; bools are rejected because True is not a count."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def as_count(value: object, default: int = 0) -> int:
    """A non-negative count; garbage and negatives fall back so arithmetic stays sane."""
    n = as_int(value)
    return default if n is None or n < 0 else n


def as_float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, str):
        try:
            f = float(value.strip())
        except ValueError:
            return None
        return f if math.isfinite(f) else None
    return None


def as_str(value: object, default: str = "") -> str:
    return default if value is None else str(value)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _read_shard(raw: dict[str, Any]) -> ShardRow:
    by_type = {str(k): as_count(v) for k, v in _dict(raw.get("by_type")).items() if as_count(v) > 0}
    findings = as_count(raw.get("findings"), default=sum(by_type.values()))
    return ShardRow(
        name=as_str(raw.get("shard"), "?"),
        format=as_str(raw.get("format")),
        records=as_count(raw.get("records")),
        bytes=as_count(raw.get("bytes")),
        records_with_pii=as_count(raw.get("records_with_pii")),
        findings=findings,
        by_type=by_type,
        skipped_rows=as_count(raw.get("skipped_rows")),
        reused=raw.get("reused") is True,
    )


def _read_sample(raw: dict[str, Any]) -> Sample:
    raw_id = raw.get("id")
    return Sample(
        shard=as_str(raw.get("shard")),
        row=as_int(raw.get("row")),
        id=None if raw_id is None else str(raw_id),
        type=as_str(raw.get("type"), "unknown"),
        start=as_int(raw.get("start")),
        end=as_int(raw.get("end")),
        score=as_float(raw.get("score")),
        validator=as_str(raw.get("validator")),
        preview=as_str(raw.get("preview")),
        confidence=confidence_of(raw),
    )


def _type_totals(raw_by_type: dict[str, Any], shards: list[ShardRow]) -> tuple[TypeTotal, ...]:
    """Totals per type: the summary's by_type wins; types only seen in shards are summed up."""
    totals: dict[str, TypeTotal] = {}
    for name, raw in raw_by_type.items():
        entry = _dict(raw)
        if entry:
            findings, records = as_count(entry.get("findings")), as_int(entry.get("records"))
        else:  # tolerate the flat form {"email": 400}
            findings, records = as_count(raw), None
        totals[str(name)] = TypeTotal(str(name), findings, records)
    from_shards: dict[str, int] = {}
    for shard in shards:
        for name, count in shard.by_type.items():
            from_shards[name] = from_shards.get(name, 0) + count
    for name, count in from_shards.items():
        if name not in totals:
            totals[name] = TypeTotal(name, count, None)
    kept = [t for t in totals.values() if t.findings > 0]
    return tuple(sorted(kept, key=lambda t: (-t.findings, t.type)))


def read_summary(summary: dict[str, Any]) -> ScanView:
    """Coerce a summary dict into a ScanView; missing totals are derived from the shards."""
    summary = _dict(summary)
    totals = _dict(summary.get("totals"))
    shards = [_read_shard(_dict(s)) for s in _list(summary.get("shards"))]
    shards.sort(key=lambda s: (-s.findings, s.name))
    skipped = tuple(
        SkippedRow(
            shard=as_str(_dict(s).get("shard")),
            where=as_str(_dict(s).get("where")),
            reason=as_str(_dict(s).get("reason")),
        )
        for s in _list(summary.get("skipped"))
    )
    samples = tuple(_read_sample(_dict(s)) for s in _list(summary.get("samples")))
    types_scanned = tuple(str(t) for t in _list(summary.get("types_scanned")))
    ner = summary.get("ner")
    if isinstance(ner, dict):
        names_scanned = ner.get("enabled") is True
        ner_note = as_str(ner.get("note")) or DEFAULT_NER_NOTE
    else:
        names_scanned = "person" in types_scanned
        ner_note = DEFAULT_NER_NOTE
    return ScanView(
        tool=as_str(summary.get("tool"), "expunge"),
        version=as_str(summary.get("version")),
        command=as_str(summary.get("command"), "scan"),
        dataset=as_str(summary.get("dataset")),
        format=as_str(summary.get("format")),
        started=as_str(summary.get("started")),
        elapsed_s=as_float(summary.get("elapsed_s")),
        types_scanned=types_scanned,
        names_scanned=names_scanned,
        ner_note=ner_note,
        shards_total=as_count(totals.get("shards"), default=len(shards)),
        records=as_count(totals.get("records"), default=sum(s.records for s in shards)),
        bytes=as_count(totals.get("bytes"), default=sum(s.bytes for s in shards)),
        records_with_pii=as_count(
            totals.get("records_with_pii"), default=sum(s.records_with_pii for s in shards)
        ),
        findings=as_count(totals.get("findings"), default=sum(s.findings for s in shards)),
        skipped_rows=as_count(totals.get("skipped_rows"), default=len(skipped)),
        shards_reused=as_count(
            totals.get("shards_reused"), default=sum(1 for s in shards if s.reused)
        ),
        types=_type_totals(_dict(summary.get("by_type")), shards),
        shards=tuple(shards),
        skipped=skipped,
        samples=samples,
        sample=as_float(summary.get("sample")),
        by_subject=_by_subject(summary.get("by_subject")),
    )


def _by_subject(raw: object) -> dict[str, dict[str, int]] | None:
    if not isinstance(raw, dict):
        return None
    return {
        str(subject): {str(k): as_count(v) for k, v in _dict(levels).items()}
        for subject, levels in raw.items()
    }
