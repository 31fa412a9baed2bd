"""The outcome of a scan or find as typed objects: one `ShardEntry` per shard (what state.json
keeps for incremental re-runs) and the `ScanSummary` of the run.

`ScanSummary.to_json()` is summary.json; `ScanSummary.view()` is what the HTML report and the
terminal render, built from the typed fields (report/view.py's `read_summary` stays for
summaries read back from disk, which may come from another version or be hand-edited).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from expunge import __version__
from expunge.scan.stats import SAMPLES_PER_TYPE, ShardResult

if TYPE_CHECKING:
    from expunge.records import Dataset
    from expunge.report.view import ScanView
    from expunge.scan.task import ScanConfig

MAX_SKIPPED_LISTED = 1000
NER_OFF_NOTE = (
    "Pattern detection only. Install expunge[ner] and pass --ner to find names with a local "
    "spaCy model."
)


@dataclass(slots=True)
class ShardEntry:
    """One shard's totals, samples and skipped rows (findings themselves are staged as files)."""

    shard: str
    format: str
    size: int
    checksum: str | None
    records: int
    bytes: int
    records_with_pii: int
    by_type: dict[str, int]
    records_by_type: dict[str, int]
    findings: int
    samples: list[dict[str, Any]]
    by_subject: dict[str, dict[str, int]]
    skipped: list[dict[str, str]]
    reused: bool
    seconds: float

    @classmethod
    def from_result(cls, result: ShardResult) -> ShardEntry:
        return cls(
            shard=result.shard,
            format=result.format,
            size=result.size,
            checksum=result.checksum,
            records=result.records,
            bytes=result.bytes,
            records_with_pii=result.records_with_pii,
            by_type=result.by_type,
            records_by_type=result.records_by_type,
            findings=len(result.findings),
            samples=result.samples,  # type: ignore[arg-type]
            by_subject=result.by_subject,
            skipped=[asdict(b) for b in result.skipped],
            reused=result.reused,
            seconds=result.seconds,
        )

    @classmethod
    def from_json(cls, raw: dict[str, Any], *, reused: bool) -> ShardEntry:
        """An entry kept in state.json by an earlier run (of this state version)."""
        return cls(
            shard=raw["shard"],
            format=raw["format"],
            size=raw["size"],
            checksum=raw.get("checksum"),
            records=raw["records"],
            bytes=raw["bytes"],
            records_with_pii=raw["records_with_pii"],
            by_type=raw["by_type"],
            records_by_type=raw["records_by_type"],
            findings=raw["findings"],
            samples=raw["samples"],
            by_subject=raw.get("by_subject", {}),
            skipped=raw["skipped"],
            reused=reused,
            seconds=raw.get("seconds", 0.0),
        )

    def to_json(self) -> dict[str, Any]:
        # Built by hand: dataclasses.asdict would deep-copy the samples first.
        return {
            "shard": self.shard,
            "format": self.format,
            "size": self.size,
            "checksum": self.checksum,
            "records": self.records,
            "bytes": self.bytes,
            "records_with_pii": self.records_with_pii,
            "by_type": self.by_type,
            "records_by_type": self.records_by_type,
            "findings": self.findings,
            "samples": self.samples,
            "by_subject": self.by_subject,
            "skipped": self.skipped,
            "reused": self.reused,
            "seconds": self.seconds,
        }

    def row_json(self) -> dict[str, Any]:
        """The shard's line in summary.json."""
        return {
            "shard": self.shard,
            "format": self.format,
            "records": self.records,
            "bytes": self.bytes,
            "records_with_pii": self.records_with_pii,
            "findings": self.findings,
            "by_type": self.by_type,
            "skipped_rows": len(self.skipped),
            "reused": self.reused,
        }


@dataclass(frozen=True, slots=True)
class Totals:
    shards: int
    records: int
    bytes: int
    records_with_pii: int
    findings: int
    skipped_rows: int
    shards_reused: int


@dataclass(slots=True)
class ScanSummary:
    command: str  # scan | find
    dataset: str
    format: str
    started: str
    elapsed_s: float
    types_scanned: list[str]
    ner_enabled: bool
    totals: Totals
    by_type: dict[str, tuple[int, int]]  # type -> (findings, records), most findings first
    shards: list[ShardEntry]
    skipped: list[dict[str, str]]
    samples: list[dict[str, Any]]
    by_subject: dict[str, dict[str, int]] | None = None  # find only
    sample: float | None = None  # --sample: the fraction of records read
    version: str = field(default=__version__)

    @property
    def ner_note(self) -> str:
        return "" if self.ner_enabled else NER_OFF_NOTE

    def to_json(self) -> dict[str, Any]:
        """summary.json (key order is part of the format)."""
        return {
            "tool": "expunge",
            "version": self.version,
            "command": self.command,
            "dataset": self.dataset,
            "format": self.format,
            "started": self.started,
            "elapsed_s": self.elapsed_s,
            "types_scanned": self.types_scanned,
            "ner": {"enabled": self.ner_enabled, "note": self.ner_note},
            "totals": asdict(self.totals),
            "by_type": {t: {"findings": f, "records": r} for t, (f, r) in self.by_type.items()},
            "shards": [e.row_json() for e in self.shards],
            "skipped": self.skipped,
            "samples": self.samples,
            **({"by_subject": self.by_subject} if self.by_subject is not None else {}),
            **({"sample": self.sample} if self.sample is not None else {}),
        }

    def view(self) -> ScanView:
        """The renderers' view, from the typed fields."""
        from expunge.report.view import (
            DEFAULT_NER_NOTE,
            Sample,
            ScanView,
            ShardRow,
            SkippedRow,
            TypeTotal,
        )

        rows = sorted(
            (
                ShardRow(
                    name=e.shard,
                    format=e.format,
                    records=e.records,
                    bytes=e.bytes,
                    records_with_pii=e.records_with_pii,
                    findings=e.findings,
                    by_type={k: v for k, v in e.by_type.items() if v > 0},
                    skipped_rows=len(e.skipped),
                    reused=e.reused,
                )
                for e in self.shards
            ),
            key=lambda s: (-s.findings, s.name),
        )
        types = sorted(
            (TypeTotal(t, f, r) for t, (f, r) in self.by_type.items() if f > 0),
            key=lambda t: (-t.findings, t.type),
        )
        totals = self.totals
        return ScanView(
            tool="expunge",
            version=self.version,
            command=self.command,
            dataset=self.dataset,
            format=self.format,
            started=self.started,
            elapsed_s=self.elapsed_s,
            types_scanned=tuple(self.types_scanned),
            names_scanned=self.ner_enabled,
            ner_note=self.ner_note or DEFAULT_NER_NOTE,
            shards_total=totals.shards,
            records=totals.records,
            bytes=totals.bytes,
            records_with_pii=totals.records_with_pii,
            findings=totals.findings,
            skipped_rows=totals.skipped_rows,
            shards_reused=totals.shards_reused,
            types=tuple(types),
            shards=tuple(rows),
            skipped=tuple(SkippedRow(s["shard"], s["where"], s["reason"]) for s in self.skipped),
            samples=tuple(
                Sample(
                    shard=s["shard"],
                    row=s["row"],
                    id=None if s["id"] is None else str(s["id"]),
                    type=s["type"],
                    start=s["start"],
                    end=s["end"],
                    score=s["score"],
                    validator=s["validator"],
                    preview=s["preview"],
                    confidence=s.get("confidence"),
                )
                for s in self.samples
            ),
            sample=self.sample,
            by_subject=self.by_subject,
        )


def summarize(
    dataset: Dataset,
    config: ScanConfig,
    entries: list[ShardEntry],
    started_at: datetime,
    elapsed: float,
) -> ScanSummary:
    """Merge the shards' entries (in dataset order) into the run's summary."""
    from expunge.detect.entities import DEFAULT_TYPES

    findings_by_type: Counter[str] = Counter()
    records_by_type: Counter[str] = Counter()
    samples: list[dict[str, Any]] = []
    per_type_samples: Counter[str] = Counter()
    skipped: list[dict[str, str]] = []
    by_subject: dict[str, dict[str, int]] = {}
    for entry in entries:
        findings_by_type.update(entry.by_type)
        records_by_type.update(entry.records_by_type)
        for sample in entry.samples:
            if per_type_samples[sample["type"]] < SAMPLES_PER_TYPE:
                per_type_samples[sample["type"]] += 1
                samples.append(sample)
        skipped.extend(entry.skipped)
        for subject, levels in entry.by_subject.items():
            merged = by_subject.setdefault(subject, {})
            for level, n in levels.items():
                merged[level] = merged.get(level, 0) + n
    types = (
        list(config.types)
        if config.types
        else list(DEFAULT_TYPES)
        + [c.name for c in config.patterns]
        + (["person"] if config.ner else [])
    )
    if config.subjects:
        types = sorted({i.kind for s in config.subjects for i in s.identifiers})
    totals = Totals(
        shards=len(entries),
        records=sum(e.records for e in entries),
        bytes=sum(e.bytes for e in entries),
        records_with_pii=sum(e.records_with_pii for e in entries),
        findings=sum(e.findings for e in entries),
        skipped_rows=len(skipped),
        shards_reused=sum(1 for e in entries if e.reused),
    )
    return ScanSummary(
        command="find" if config.subjects else "scan",
        dataset=dataset.root,
        format=",".join(sorted({s.format for s in dataset.shards})),
        started=started_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        elapsed_s=round(elapsed, 3),
        types_scanned=types,
        ner_enabled=config.ner,
        totals=totals,
        by_type={t: (n, records_by_type[t]) for t, n in findings_by_type.most_common()},
        shards=entries,
        skipped=skipped[:MAX_SKIPPED_LISTED],
        samples=sorted(samples, key=lambda s: (s["type"], s["shard"], s["row"], s["start"])),
        by_subject=dict(sorted(by_subject.items())) if config.subjects else None,
        sample=config.sample if config.sample < 1.0 else None,
    )
