"""The per-shard task: read one shard, run the steps, return compact results.

This is the unit an executor schedules. It returns data rather than writing files so that it
runs the same in-process, in a process pool or on a remote Ray worker.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import xxhash

from expunge.errors import ErrorPolicy, OnError
from expunge.executors import ProgressFn
from expunge.pipeline import DetectPII, Step, run_steps
from expunge.records import FieldSpec, Record, Shard
from expunge.scan.stats import ShardCounter, ShardResult
from expunge.subject import SubjectProfile

if TYPE_CHECKING:
    from expunge.detect.registry import EntityType
    from expunge.forget.registry import RegistryTable

# Progress callback: (records, text bytes, file bytes read) since the last call. Set by the
# executor; file bytes move the bar (its total is the files' size), so its ETA is real.


@dataclass(frozen=True, slots=True)
class ScanConfig:
    fields: FieldSpec = field(default_factory=FieldSpec)
    types: tuple[str, ...] | None = None
    phone_region: str = "US"
    min_score: float = 0.5
    on_error: OnError = "stop"
    ner: bool = False
    # Subject search (`expunge find`): findings are these people's identifiers, not all PII.
    subjects: tuple[SubjectProfile, ...] = ()
    # Registry re-application: the registry's key and digests (never identifiers).
    registered: RegistryTable | None = None
    show_values: bool = (
        False  # subject search: unmasked context snippets (the person's own request)
    )
    context: bool = True  # subject search: context snippets (forget needs only the spans)
    # forget / verify: read every record with all its stored material (io/raw.py)
    raw: bool = False
    # Read this fraction of the records (1.0: all): chosen by a hash of the record's text, so
    # the same records for any worker count, split or re-run (a sample for slow steps: NER).
    sample: float = 1.0
    # The user's own entity types (`--patterns`); out of repr, so the fingerprint of a scan
    # without them is what it always was (fingerprint() adds them when there are some).
    patterns: tuple[EntityType, ...] = field(default=(), repr=False)

    def steps(self) -> list[Step]:
        if self.registered is not None:
            from expunge.find.registered import FindRegistered

            return [FindRegistered(self.registered, phone_region=self.phone_region)]
        if self.subjects:
            from expunge.find import FindSubjects

            return [FindSubjects(self.subjects, self.phone_region)]
        pattern_types = (
            None if self.types is None else tuple(t for t in self.types if t != "person")
        )
        steps: list[Step] = [
            DetectPII(pattern_types, self.phone_region, self.min_score, custom=self.patterns)
        ]
        if self.ner:
            from expunge.detect.ner import DetectNames

            steps.append(DetectNames(min_score=self.min_score))
        return steps

    def fingerprint(self) -> str:
        """Changes whenever a setting that affects findings changes; old results are then void."""
        from expunge import __version__

        settings: tuple[object, ...] = (self, __version__, _rules_digest())
        if self.patterns:  # what the custom types are, not just their names
            settings += (tuple(p.key() for p in self.patterns),)
        return hashlib.sha256(repr(settings).encode()).hexdigest()[:16]


@cache
def _rules_digest() -> str:
    """A digest of the code that decides findings (detection, subject search, normal forms):
    a scan re-run after it changed, even within one version, reads every shard again instead
    of keeping results the new rules would not give."""
    from importlib import resources

    digest = hashlib.sha256()
    for package in ("expunge.detect", "expunge.find", "expunge.subject"):
        for entry in sorted(resources.files(package).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()[:16]


def in_sample(text: str, fraction: float) -> bool:
    """Is a record with this text in a `fraction` sample? By content, not by position: rows are
    numbered per part when a file is read in parts, and a sample must not depend on that."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") < fraction * 2**64


@dataclass(frozen=True, slots=True)
class ShardJob:
    """Everything one shard task needs; small and picklable so any executor can ship it."""

    shard: Shard
    config: ScanConfig
    incremental: bool = False
    previous_checksum: str | None = None
    # Only these rows go through the steps (others are read and skipped): an index already
    # said where a subject can be, so forget only confirms those rows.
    rows: frozenset[int] | None = None

    @property
    def small(self) -> bool:
        """A few rows an index named: not worth a worker process (executors run it inline)."""
        return self.rows is not None

    def run(self, progress: ProgressFn | None = None) -> ShardResult:
        return scan_shard(
            self.shard, self.config, self.incremental, self.previous_checksum, progress, self.rows
        )


def file_checksum(path: str) -> str:
    """SHA-256 of a file: what manifests and indexes record (a proof of the bytes)."""
    with open(path, "rb") as handle:
        return "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()


def same_content(path: str, recorded: str) -> bool:
    """Whether the file still has the content a run recorded: by XXH3-128, or by SHA-256 for
    what runs before XXH3 recorded (a find report made then stays usable)."""
    if recorded.startswith("sha256:"):
        return file_checksum(path) == recorded
    return content_digest(path) == recorded


def content_digest(path: str) -> str:
    """What scan and find record to tell, on a re-run, that a file has not changed: XXH3-128,
    ten times SHA-256's speed (the digest cost 7 % of a one-worker scan). A change check,
    not a proof: manifests keep SHA-256 (`file_checksum`). Digests of older runs
    ('sha256:...') never equal these, so their shards are read again once."""
    digest = xxhash.xxh3_128()
    chunk = bytearray(1 << 20)
    view = memoryview(chunk)
    with open(path, "rb", buffering=0) as handle:
        while size := handle.readinto(chunk):
            digest.update(view[:size])
    return "xxh3-128:" + digest.hexdigest()


def scan_shard(
    shard: Shard,
    config: ScanConfig,
    incremental: bool = False,
    previous_checksum: str | None = None,
    progress: ProgressFn | None = None,
    rows: frozenset[int] | None = None,
) -> ShardResult:
    """Scan one shard (only `rows`, when given). In incremental mode the file checksum is recorded, and a shard whose
    checksum equals `previous_checksum` is not read again (the caller reuses its old findings)."""
    from expunge.io import read_shard
    from expunge.io.streams import input_position

    started = time.perf_counter()
    result = ShardResult(shard=shard.label, format=shard.format, size=os.path.getsize(shard.path))
    first_byte = 0
    if shard.byte_range is not None:
        result.part = first_byte = shard.byte_range[0]
    if incremental:
        result.checksum = content_digest(shard.path)
        if previous_checksum is not None and result.checksum == previous_checksum:
            result.reused = True
            return result
    errors = ErrorPolicy(config.on_error)
    counter = ShardCounter(result, config)
    pending_records = pending_bytes = 0
    last_report = time.monotonic()

    if config.raw:
        from expunge.io.raw import read_raw

        records: Iterator[Record] = read_raw(shard, config.fields, errors)
    else:
        records = read_shard(shard, config.fields, errors)
    if rows is not None:
        records = (r for r in records if r.location.row in rows)
    if config.sample < 1.0:
        records = (r for r in records if in_sample(r.text, config.sample))
    for record in run_steps(records, config.steps()):
        text_bytes = counter.add(record)
        if progress is not None:
            pending_records += 1
            pending_bytes += text_bytes
            now = time.monotonic()
            if now - last_report > 0.2:
                # never backwards: the reader may have closed its file (position 0) already
                read = min(result.size, max(result.progress_bytes, input_position() - first_byte))
                progress(pending_records, pending_bytes, read - result.progress_bytes)
                result.progress_bytes = read
                pending_records = pending_bytes = 0
                last_report = now
    if progress is not None and pending_records:
        progress(pending_records, pending_bytes, 0)
    return counter.finish(errors.skipped, errors.rows_numbered, time.perf_counter() - started)
