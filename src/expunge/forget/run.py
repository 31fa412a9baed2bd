"""Forget: write a new dataset version without a person, and check it afterwards.

A version is a directory holding every shard (rewritten where a subject was found, hard-linked
to the parent otherwise) and `manifest.json`, written last: a directory without a manifest is
not a version. An interrupted run leaves a marker file; running the same command again
discards the partial output and completes it. The source dataset is never written to.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from expunge import __version__
from expunge.engine import Executor
from expunge.errors import ErrorPolicy, ExpungeError
from expunge.forget.registry import Registry
from expunge.records import Dataset, FieldSpec, Shard
from expunge.scan.task import ScanConfig, ShardJob, file_checksum
from expunge.subject import SubjectProfile

Mode = Literal["drop", "redact"]
MANIFEST = "manifest.json"
MARKER = ".expunge-forget-in-progress"
PLACEHOLDERS = {
    "name": "[PERSON]",
    "email": "[EMAIL]",
    "phone": "[PHONE]",
    "handle": "[HANDLE]",
    "profile": "[PROFILE_URL]",
    "string": "[REDACTED]",
    "domain": "[DOMAIN]",
}


@dataclass
class ShardEdits:
    spans: dict[int, list[tuple[str, int, int]]] = field(default_factory=dict)  # row -> spans


def strong_matches(
    dataset: Dataset,
    config: ScanConfig,
    executor: Executor,
    candidates: dict[str, frozenset[int]] | None = None,
) -> dict[str, ShardEdits]:
    """Rows where a subject is found with strong evidence, and the spans found in them. With
    `candidates` (shard -> rows, from an index), only those rows of those shards are searched."""
    edits: dict[str, ShardEdits] = defaultdict(ShardEdits)
    config = replace(config, context=False)  # spans are enough here
    if candidates is None:
        jobs = [ShardJob(s, config) for s in dataset.shards]
    else:
        jobs = [
            ShardJob(s, config, rows=candidates[s.label])
            for s in dataset.shards
            if candidates.get(s.label)
        ]
    for result in executor.map_shards(jobs, None):
        for row, _id, kind, start, end, _score, level, _subject, _context in result.findings:
            if level == "strong":
                edits[result.shard].spans.setdefault(row, []).append((kind, start, end))
    return dict(edits)


def redact(text: str, spans: Sequence[tuple[str, int, int]]) -> str:
    out, cursor = [], 0
    for kind, start, end in sorted(spans, key=lambda s: (s[1], -s[2])):
        if start < cursor:
            continue  # inside a span already replaced
        out += [text[cursor:start], PLACEHOLDERS.get(kind, "[REDACTED]")]
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _texts_of(shard: Shard, fields: FieldSpec, rows: set[int]) -> dict[int, str]:
    from expunge.io import read_shard

    return {
        r.location.row: r.text
        for r in read_shard(shard, fields, ErrorPolicy("skip"))
        if r.location.row in rows
    }


def _prepare_out(out_dir: Path) -> None:
    if out_dir.exists():
        if (out_dir / MARKER).exists() and not (out_dir / MANIFEST).exists():
            shutil.rmtree(out_dir)  # an interrupted run of ours: start it again cleanly
        else:
            raise ExpungeError(
                f"output {out_dir} already exists", "choose a new directory for the new version"
            )
    out_dir.mkdir(parents=True)
    (out_dir / MARKER).write_text("expunge forget did not finish; re-run the same command\n")


def _place(src: Path, dst: Path) -> str:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
        return "linked"
    except OSError:  # another file system, or links not allowed: copy instead
        tmp = dst.with_name(dst.name + ".tmp")
        shutil.copy2(src, tmp)
        os.replace(tmp, dst)
        return "copied"


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
    return write_version(
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


def check_out_dir(dataset: Dataset, out_dir: Path) -> None:
    """Refuse an output inside the source (before any work, so nothing is written)."""
    out, root = os.path.realpath(out_dir), os.path.realpath(dataset.root)
    if out == root or out.startswith(root + os.sep):
        raise ExpungeError(
            f"--out {out_dir} is inside the dataset", "write the new version elsewhere"
        )
    if out_dir.exists() and not (out_dir / MARKER).exists():
        raise ExpungeError(
            f"output {out_dir} already exists", "choose a new directory for the new version"
        )


def write_version(
    dataset: Dataset,
    edits: dict[str, ShardEdits],
    out_dir: Path,
    *,
    fields: FieldSpec,
    mode: Mode,
    known_checksums: dict[str, str] | None = None,
    before_manifest: Callable[[], object] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write a new version of `dataset` into `out_dir`: shards with edits rewritten (rows
    dropped, or their spans redacted), the others hard-linked, manifest.json last. Shared by
    forget and the opt-out filter."""
    from expunge.io.rewrite import rewrite_shard

    _prepare_out(out_dir)
    shards: list[dict[str, Any]] = []
    for shard in dataset.shards:
        target = out_dir / shard.label
        found = edits.get(shard.label)
        entry: dict[str, Any] = {"name": shard.label, "format": shard.format}
        if not found or not found.spans:
            entry["source"] = _place(Path(shard.path), target)
            entry.update(dropped=0, redacted_rows=0, redacted_spans=0)
        else:
            rows = set(found.spans)
            drop: set[int] = set()
            replace: dict[int, str] = {}
            # A WARC record's HTML cannot be edited faithfully: such records are dropped instead.
            entry["mode"] = (
                "drop" if mode == "drop" or shard.format in ("warc", "wet") else "redact"
            )
            if entry["mode"] == "drop":
                drop = rows
            else:
                replace = {
                    row: redact(text, found.spans[row])
                    for row, text in _texts_of(shard, fields, rows).items()
                }
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            stats = rewrite_shard(shard, fields, str(tmp), drop, replace)
            os.replace(tmp, target)
            entry.update(
                source="rewritten",
                records_in=stats.rows_in,
                records_out=stats.rows_out,
                dropped=stats.dropped,
                redacted_rows=stats.replaced,
                redacted_spans=sum(len(found.spans[r]) for r in replace),
            )
        entry["size"] = target.stat().st_size
        known = (known_checksums or {}).get(shard.label)
        linked = entry["source"] != "rewritten"
        entry["sha256"] = known if linked and known else file_checksum(str(target))
        shards.append(entry)
    if before_manifest is not None:
        before_manifest()
    manifest = {
        "tool": "expunge",
        "version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "parent": _parent(dataset),
        "mode": mode,
        **(extra or {}),
        "totals": {
            "shards": len(shards),
            "rewritten": sum(1 for s in shards if s["source"] == "rewritten"),
            "records_dropped": sum(s["dropped"] for s in shards),
            "records_redacted": sum(s["redacted_rows"] for s in shards),
            "spans_redacted": sum(s["redacted_spans"] for s in shards),
        },
        "shards": shards,
    }
    tmp_manifest = out_dir / f".{MANIFEST}.tmp"
    tmp_manifest.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    os.replace(tmp_manifest, out_dir / MANIFEST)  # the version exists from this rename on
    (out_dir / MARKER).unlink()
    return manifest


def _parent(dataset: Dataset) -> dict[str, Any]:
    parent: dict[str, Any] = {"path": dataset.root}
    manifest = Path(dataset.root) / MANIFEST
    if manifest.is_file():
        parent["manifest_sha256"] = file_checksum(str(manifest))
    return parent


def verify(
    version: Path,
    executor: Executor,
    subjects: Sequence[SubjectProfile] = (),
    phone_region: str = "US",
) -> dict[str, Any]:
    """Check every checksum of the manifest and that no strong match of the subjects remains."""
    from expunge.io import open_dataset

    manifest_path = version / MANIFEST
    if not manifest_path.is_file():
        raise ExpungeError(
            f"{version} has no {MANIFEST}", "point verify at a version written by expunge forget"
        )
    manifest = json.loads(manifest_path.read_text("utf-8"))
    bad = []
    for entry in manifest["shards"]:
        path = version / entry["name"]
        if not path.is_file():
            bad.append({"shard": entry["name"], "problem": "missing"})
        elif file_checksum(str(path)) != entry["sha256"]:
            bad.append({"shard": entry["name"], "problem": "checksum differs from the manifest"})
    remaining = 0
    if subjects:
        dataset = open_dataset(str(version))
        listed = {e["name"] for e in manifest["shards"]}
        dataset = Dataset(dataset.root, tuple(s for s in dataset.shards if s.label in listed))
        config = ScanConfig(phone_region=phone_region, subjects=tuple(subjects))
        remaining = sum(len(e.spans) for e in strong_matches(dataset, config, executor).values())
    return {
        "version": str(version),
        "checked": datetime.now(UTC).isoformat(timespec="seconds"),
        "tool_version": __version__,
        "manifest_created": manifest.get("created"),
        "request_ids": manifest.get("request_ids", []),
        "shards_checked": len(manifest["shards"]),
        "shards_bad": bad,
        "subjects_checked": len(subjects),
        "strong_matches_remaining": remaining,
        "result": "pass" if not bad and remaining == 0 else "fail",
    }
