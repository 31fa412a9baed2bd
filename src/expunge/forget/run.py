"""Forget: find a person's records, write a new dataset version without them (expunge.version
writes it: rewritten shards, hard links, the manifest last), record the removal, and check a
version afterwards (verify)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from expunge import __version__
from expunge.errors import ExpungeError
from expunge.executors import Executor
from expunge.forget.photos import PhotoRemoval
from expunge.forget.registry import Registry, RegistryTable
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
    photos: PhotoRemoval | None = None,
    registered: tuple[RegistryTable, Callable[[], object]] | None = None,
) -> dict[str, Any]:
    """Write the new version. `candidates` (shard -> rows where an index says a subject may
    be) limits the search to those rows; `known_checksums` (shard -> sha256 of the source file,
    e.g. from that index, already checked against the files) spares hashing untouched shards.
    `photos`: image samples to drop as well (forget/photos.py); `dataset` is then the
    image dataset in its rewriters' formats (`photos.writable`). `registered`: one removal
    known only by its digests (a request filed on the web page) and what records it, called
    before the manifest is written."""
    fields = fields or FieldSpec()
    check_out_dir(dataset, out_dir)
    if registered is not None:
        table, record_it = registered
        one = ScanConfig(fields=fields, phone_region=phone_region, registered=table)
        return _write(dataset, strong_matches(dataset, one, executor), out_dir, fields, mode,
                      one, before_manifest=record_it, extra={
                          "request_ids": [request_id] if request_id else [], "subjects": 1,
                          "registry_entries_applied": 0,
                          "registry": str(registry.path) if registry else None,
                          "found_with": found_with})  # fmt: skip
    # With neither subjects nor new photos, a registry is re-applied: every past removal.
    reapplying = registry is not None and not subjects and (photos is None or not photos.record)
    config: ScanConfig | None = None
    if subjects:
        config = ScanConfig(fields=fields, phone_region=phone_region, subjects=tuple(subjects))
    elif reapplying and registry is not None and (photos is None or registry.has_text_removals()):
        config = ScanConfig(
            fields=fields, phone_region=phone_region, registered=registry.matching_material()
        )
    elif photos is None:
        raise ExpungeError("nothing to forget", "pass --subject, --subjects or --registry")
    if candidates is not None and not subjects:
        raise ExpungeError(
            "an index can only be used with --subject / --subjects",
            "re-apply a registry without --index",
        )
    edits = strong_matches(dataset, config, executor, candidates) if config else {}
    if photos is not None:
        _add_photo_edits(edits, photos)

    def record() -> None:
        assert registry is not None
        if subjects:
            registry.record(subjects, request_id, mode, dataset.root)
        if photos is not None and photos.record:
            registry.record_photos(photos.record, request_id, dataset.root, photos.found_with)

    extra = {
        "request_ids": [request_id] if request_id else [],
        "subjects": len(subjects),
        "registry_entries_applied": (
            len(registry.entries()) if reapplying and registry is not None else 0
        ),
        "registry": str(registry.path) if registry else None,
        "found_with": found_with,
        **({"photos": photos.manifest_entry()} if photos is not None else {}),
    }
    return _write(dataset, edits, out_dir, fields, mode, config, known_checksums,
                  record if registry is not None and not reapplying else None, extra)  # fmt: skip


def _write(
    dataset: Dataset,
    edits: dict[str, ShardEdits],
    out_dir: Path,
    fields: FieldSpec,
    mode: Mode,
    config: ScanConfig | None,
    known_checksums: dict[str, str] | None = None,
    before_manifest: Callable[[], object] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    manifest = write_version(dataset, edits, out_dir, fields=fields, mode=mode,
                             known_checksums=known_checksums, before_manifest=before_manifest,
                             extra=extra)  # fmt: skip
    # Not data, so not rewritten, but shipped: the maintainer must edit such a file by hand
    # (verify fails until then). Reported, not stored in the manifest.
    manifest["carried_with_matches"] = [
        c["name"]
        for c in manifest.get("carried", [])
        if config is not None
        and _loose_file_matches(out_dir / c["name"], replace(config, fields=FieldSpec()))
    ]
    return manifest


def _add_photo_edits(edits: dict[str, ShardEdits], photos: PhotoRemoval) -> None:
    for shard, found in photos.edits().items():
        into = edits.setdefault(shard, ShardEdits())
        for row in found.spans:
            into.spans.setdefault(row, [])
        into.outside |= found.outside


def verify(
    version: Path,
    executor: Executor,
    subjects: Sequence[SubjectProfile] = (),
    phone_region: str = "US",
    registry: Registry | None = None,
    photos: PhotoCheck | None = None,
) -> dict[str, Any]:
    """Check every file under the version against its manifest (changed, missing or extra
    files fail) and search every shard's stored bytes, and every carried text file, for the
    subjects' identifiers in all their forms and for the registry's removals; and its images
    for the query photos and the registry's removed images (`photos`)."""
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
    if registry is not None and registry.has_text_removals():
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
    photo_part = _check_photos(version, manifest, shard_names, executor, registry, photos)
    if photo_part is not None and photo_part.get("matches_remaining"):
        remaining += photo_part["matches_remaining"]
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
        "registry_removals_checked": len(registry.entries()) if registry is not None else 0,
        "searched": _searched(subjects, phone_region),
        "raw_bytes": {
            "covered_formats": sorted(f for f in formats if f in RAW_FORMATS),
            "text_only_formats": sorted(f for f in formats if f not in RAW_FORMATS),
            "not_searched": {
                f: lookup(f).raw_leaves_out for f in sorted(formats) if lookup(f).raw_leaves_out
            },
        },
        "carried_not_searched": sorted(unsearched),
        **({"photos": photo_part} if photo_part is not None else {}),
        "strong_matches_remaining": remaining,
        "remaining_in": where,
        "weak_mentions_remaining": weak,
        "result": "pass"
        if not bad and remaining == 0 and not _photos_unproven(photo_part)
        else "fail",
    }


def _photos_unproven(part: dict[str, Any] | None) -> bool:
    """Photos were to be looked for and some images could not be: not searched is not proof
    (no pixels here at all, or images the decoder could not read)."""
    return bool(part and (part.get("not_searched") or part.get("unreadable_skipped")))


@dataclass(frozen=True)
class PhotoCheck:
    """What verify searches a version's images for, and how they are read."""

    queries: Sequence[Path] = ()  # the person's photos
    threshold: int | None = None  # None: the one the removal used (manifest), else 31
    images_dir: Path | None = None
    image_field: str | None = None


def _check_photos(
    version: Path,
    manifest: dict[str, Any],
    shard_names: set[str],
    executor: Executor,
    registry: Registry | None,
    photos: PhotoCheck | None,
) -> dict[str, Any] | None:
    """The certificate's photo part: None when there are no photos to look for. Removed
    images from a registry are not looked for in a version that holds no images (a text
    dataset); query photos given for such a version are an error."""
    from expunge.forget.photos import check_photos, registry_queries
    from expunge.images.hashing import MATCH_THRESHOLD
    from expunge.images.match import check_threshold, load_queries

    given = photos or PhotoCheck()
    queries = load_queries(list(given.queries)) if given.queries else []
    stored = registry.photo_hashes() if registry is not None else []
    if not queries and not stored:
        return None
    removal = manifest.get("photos")
    threshold = given.threshold
    if (
        threshold is None
        and isinstance(removal, dict)
        and isinstance(removal.get("threshold"), int)
    ):
        threshold = removal["threshold"]
    threshold = check_threshold(MATCH_THRESHOLD if threshold is None else threshold)
    try:
        part = check_photos(version, shard_names, [*queries, *registry_queries(stored)],
                            executor, threshold, given.images_dir, given.image_field)  # fmt: skip
    except ExpungeError:
        if queries:
            raise
        return {"registry_photos_checked": 0, "note": "the version holds no images"}
    if part["images_compared"] == 0:
        if not queries:  # metadata only (a URL column): nothing a removed image could be
            return {"registry_photos_checked": 0, "note": "the version holds no pixels"}
        # Asked to check photos and none could be: that is no proof of absence.
        part["not_searched"] = (
            f"none of its {part['samples_without_pixels']:,} samples has pixels here"
            + (
                " (give --images-dir for a LAION-style download)"
                if part["samples_without_pixels"]
                else ""
            )
        )
    part["registry_photos_checked"] = len(stored)
    part["photos_checked"] = len(queries)
    return part


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
