"""Forget: find a person's records, write a new dataset version without them (expunge.version
writes it: rewritten shards, hard links, the manifest last), record the removal, and check a
version afterwards (verify)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from expunge import __version__
from expunge.errors import ExpungeError
from expunge.executors import Executor
from expunge.forget.registry import Registry
from expunge.records import Dataset, FieldSpec
from expunge.scan.split import for_shards
from expunge.scan.task import ScanConfig, ShardJob
from expunge.subject import SubjectProfile
from expunge.version import (
    Mode,
    ShardEdits,
    check_files,
    check_out_dir,
    read_manifest,
    write_version,
)


def strong_matches(
    dataset: Dataset,
    config: ScanConfig,
    executor: Executor,
    candidates: dict[str, frozenset[int]] | None = None,
) -> dict[str, ShardEdits]:
    """Rows where a subject is found with strong evidence, and the spans found in them. With
    `candidates` (shard -> rows, from an index), only those rows of those shards are searched."""
    edits: dict[str, ShardEdits] = defaultdict(ShardEdits)
    # Spans are enough here; every record is read with all its stored bytes (io/raw.py).
    config = replace(config, context=False, raw=True)
    if candidates is None:
        jobs = [ShardJob(s, config) for s in dataset.shards]
    else:
        jobs = [
            ShardJob(s, config, rows=candidates[s.label])
            for s in dataset.shards
            if candidates.get(s.label)
        ]
    for result in for_shards(executor).map_jobs(jobs, None):
        weak: set[int] = set()
        for found in result.findings:
            row, kind, start, end = found.row, found.type, found.start, found.end
            if found.confidence != "strong":
                weak.add(row)
                continue
            shard = edits[result.shard]
            shard.spans.setdefault(row, [])
            if end <= result.text_ends.get(row, end):
                shard.spans[row].append((kind, start, end))
            else:
                shard.outside.add(row)
        if weak - set(edits[result.shard].spans):
            edits[result.shard].weak_rows += len(weak - set(edits[result.shard].spans))
    return {shard: e for shard, e in edits.items() if e.spans or e.weak_rows}


def forget(
    dataset: Dataset,
    subjects: Sequence[SubjectProfile],
    out_dir: Path,
    executor: Executor,
    *,
    fields: FieldSpec | None = None,
    mode: Mode = "drop",
    request_id: str = "",
    registry: Registry | None = None,
    phone_region: str = "US",
    candidates: dict[str, frozenset[int]] | None = None,
    known_checksums: dict[str, str] | None = None,
    found_with: str = "full scan",
) -> dict[str, Any]:
    """Write the new version. `candidates` (shard -> rows where an index says a subject may
    be) limits the search to those rows; `known_checksums` (shard -> sha256 of the source file,
    e.g. from that index, already checked against the files) spares hashing untouched shards."""
    fields = fields or FieldSpec()
    check_out_dir(dataset, out_dir)
    if subjects:
        config = ScanConfig(fields=fields, phone_region=phone_region, subjects=tuple(subjects))
    elif registry is not None:  # re-apply every past removal, from keyed hashes only
        config = ScanConfig(
            fields=fields, phone_region=phone_region, registered=registry.matching_material()
        )
    else:
        raise ExpungeError("nothing to forget", "pass --subject, --subjects or --registry")
    if candidates is not None and not subjects:
        raise ExpungeError(
            "an index can only be used with --subject / --subjects",
            "re-apply a registry without --index",
        )
    edits = strong_matches(dataset, config, executor, candidates)
    manifest = write_version(
        dataset,
        edits,
        out_dir,
        fields=fields,
        mode=mode,
        known_checksums=known_checksums,
        before_manifest=(
            (lambda: registry.record(subjects, request_id, mode, dataset.root))
            if registry is not None and subjects
            else None
        ),
        extra={
            "request_ids": [request_id] if request_id else [],
            "subjects": len(subjects),
            "registry_entries_applied": (
                0 if subjects or registry is None else len(registry.entries())
            ),
            "registry": str(registry.path) if registry else None,
            "found_with": found_with,
        },
    )
    # Not data, so not rewritten, but shipped: the maintainer must edit such a file by hand
    # (verify fails until then). Reported, not stored in the manifest.
    manifest["carried_with_matches"] = [
        c["name"]
        for c in manifest.get("carried", [])
        if _loose_file_matches(out_dir / c["name"], replace(config, fields=FieldSpec()))
    ]
    return manifest


def verify(
    version: Path,
    executor: Executor,
    subjects: Sequence[SubjectProfile] = (),
    phone_region: str = "US",
    registry: Registry | None = None,
) -> dict[str, Any]:
    """Check every file under the version against its manifest (changed, missing or extra
    files fail) and search every shard's stored bytes, and every carried text file, for the
    subjects' identifiers in all their forms and for the registry's removals."""
    from expunge.io import open_dataset
    from expunge.io.raw import RAW_FORMATS
    from expunge.io.registry import lookup

    manifest, listed = read_manifest(version)
    files, bad = check_files(version, listed)
    remaining = weak = 0
    where: list[dict[str, Any]] = []
    unsearched: set[str] = set()  # carried files that are not text (images, archives)
    configs: list[ScanConfig] = []
    fields = manifest.get("fields")
    given: dict[str, Any] = fields if isinstance(fields, dict) else {}
    read_as = FieldSpec(text=given.get("text"), url=given.get("url"), id=given.get("id"))
    if subjects:
        configs.append(
            ScanConfig(fields=read_as, phone_region=phone_region, subjects=tuple(subjects))
        )
    if registry is not None:
        configs.append(ScanConfig(fields=read_as, registered=registry.matching_material()))
    shard_names = {e["name"] for e in manifest["shards"]}
    formats: dict[str, int] = {}
    if configs:
        opened = open_dataset(str(version))
        dataset = Dataset(opened.root, tuple(s for s in opened.shards if s.label in shard_names))
        for shard in dataset.shards:
            formats[shard.format] = formats.get(shard.format, 0) + 1
        for config in configs:
            for label, edits in strong_matches(dataset, config, executor).items():
                remaining += len(edits.spans)
                weak += edits.weak_rows
                if edits.spans:
                    where.append({"file": label, "records": len(edits.spans)})
            for name in listed:
                if name not in shard_names:
                    count = _loose_file_matches(version / name, config)
                    if count is None:
                        unsearched.add(name)
                    elif count:
                        remaining += count
                        where.append({"file": name, "records": count})
    return {
        "version": str(version),
        "checked": datetime.now(UTC).isoformat(timespec="seconds"),
        "tool_version": __version__,
        "manifest_created": manifest.get("created"),
        "request_ids": manifest.get("request_ids", []),
        "files_checked": len(files),
        "files": files,
        "shards_checked": len(shard_names),
        "shards_bad": bad,
        "subjects_checked": len(subjects),
        "registry_removals_checked": (
            configs[-1].registered.removals if registry is not None and configs else 0  # type: ignore[union-attr]
        ),
        "searched": _searched(subjects, phone_region),
        "raw_bytes": {
            "covered_formats": sorted(f for f in formats if f in RAW_FORMATS),
            "text_only_formats": sorted(f for f in formats if f not in RAW_FORMATS),
            "not_searched": {
                f: lookup(f).raw_leaves_out for f in sorted(formats) if lookup(f).raw_leaves_out
            },
        },
        "carried_not_searched": sorted(unsearched),
        "strong_matches_remaining": remaining,
        "remaining_in": where,
        "weak_mentions_remaining": weak,
        "result": "pass" if not bad and remaining == 0 else "fail",
    }


def _searched(subjects: Sequence[SubjectProfile], phone_region: str) -> dict[str, Any]:
    """What a certificate says was looked for: per kind, how many identifiers and written
    forms (never the identifiers), and the phone regions the profiles were read with."""
    from expunge.subject.lookup import lookup_keys

    kinds: dict[str, dict[str, int]] = {}
    for subject in subjects:
        for ident in subject.identifiers:
            entry = kinds.setdefault(ident.kind, {"identifiers": 0, "forms": 0})
            entry["identifiers"] += 1
            entry["forms"] += max(1, len(lookup_keys(ident)))
    regions = sorted({s.region for s in subjects if s.of_kind("phone")})
    return {"kinds": kinds, "phone_regions": regions, "default_phone_region": phone_region}


def _loose_file_matches(path: Path, config: ScanConfig) -> int | None:
    """Strong matches in a carried file read as text (a dataset card, a LICENSE): 1 when the
    file holds any, else 0; None when it was not searched (not UTF-8 text, or over 64 MB):
    the certificate names those files."""
    from expunge.records import Location, Record

    try:
        if path.stat().st_size > 64 << 20:
            return None
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    records = iter([Record(text, Location(path.name, 0))])
    for step in config.steps():
        records = step(records)
    return int(any(f.confidence == "strong" for r in records for f in r.findings))
