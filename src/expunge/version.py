"""A dataset version: the directory a new version is written into, and its commit point.

A version holds every shard (rewritten where records were edited, hard-linked to the parent
otherwise), the parent's non-data files (dataset card, Hugging Face state files), and
`manifest.json`, written last and fsynced: a directory without a manifest is not a version.
A run that stops leaves a marker file; running it again discards the partial output and
completes it. The source dataset is never written to. `forget` (a person's records) and the
opt-out filter (opted-out sources) both write their versions here; `verify` reads them.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from expunge import __version__
from expunge.anonymize import Placeholder, Span, anonymize
from expunge.atomic import replace_atomic, write_json_atomic
from expunge.errors import ErrorPolicy, ExpungeError
from expunge.records import Dataset, FieldSpec, Shard
from expunge.scan.task import file_checksum

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
    # rows with a strong match outside their text (markup, headers, other fields): dropped
    outside: set[int] = field(default_factory=set)
    weak_rows: int = 0  # rows where a subject is only named (not strong): verify reports them


def redact(text: str, spans: Sequence[tuple[str, int, int]]) -> str:
    """`text` with each (kind, start, end) span replaced by its kind's placeholder. Overlaps:
    the earlier (then longer) span wins and a span crossing it is left out, as forget always
    did, so versions stay byte-identical (`anonymize.spans` says why this differs)."""
    found = [Span(start, end, kind) for kind, start, end in spans]
    return anonymize(text, found, Placeholder(PLACEHOLDERS)).text


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
        with replace_atomic(dst) as tmp:
            shutil.copy2(src, tmp)
        return "copied"


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
    from expunge.io.registry import lookup
    from expunge.io.rewrite import rewrite_shard

    for shard in dataset.shards:  # before anything is written: a version is whole or absent
        found = edits.get(shard.label)
        if os.path.isdir(shard.path):
            continue  # a folder of image files: rebuilt by linking (_write_folder)
        if found and found.spans and lookup(shard.format, shard.label).rewriter is None:
            raise ExpungeError(
                f"{shard.label}: the person was found here, but "
                f"{lookup(shard.format).display} shards cannot be rewritten yet",
                "nothing was written; remove the samples with the tool that made the dataset",
            )
    _prepare_out(out_dir)
    shards: list[dict[str, Any]] = []
    for shard in dataset.shards:
        target = out_dir / shard.label
        found = edits.get(shard.label)
        entry: dict[str, Any] = {"name": shard.label, "format": shard.format}
        if os.path.isdir(shard.path):
            shards.append(_write_folder(shard, set(found.spans) if found else set(), out_dir))
            continue
        if not found or not found.spans:
            entry["source"] = _place(Path(shard.path), target)
            entry.update(dropped=0, redacted_rows=0, redacted_spans=0)
        else:
            rows = set(found.spans)
            drop: set[int] = set()
            replace: dict[int, str] = {}
            # A format whose rows cannot be edited faithfully (a WARC record's HTML), and a
            # record's other fields: such records are dropped instead.
            redactable = lookup(shard.format, shard.label).redactable
            entry["mode"] = "redact" if mode == "redact" and redactable else "drop"
            if entry["mode"] == "drop":
                drop = rows
            else:
                drop = found.outside
                replace = {
                    row: redact(text, found.spans[row])
                    for row, text in _texts_of(shard, fields, rows - drop).items()
                }
            target.parent.mkdir(parents=True, exist_ok=True)
            with replace_atomic(target) as tmp:
                stats = rewrite_shard(shard, fields, str(tmp), drop, replace)
            entry.update(
                source="rewritten",
                records_in=stats.rows_in,
                records_out=stats.rows_out,
                dropped=stats.dropped,
                redacted_rows=stats.replaced,
                redacted_spans=sum(len(found.spans[r]) for r in replace),
                dropped_outside_text=len(found.outside & drop) if entry["mode"] == "redact" else 0,
                matched_outside_text=len(found.outside),
            )
        entry["size"] = target.stat().st_size
        known = (known_checksums or {}).get(shard.label)
        linked = entry["source"] != "rewritten"
        entry["sha256"] = known if linked and known else file_checksum(str(target))
        shards.append(entry)
    carried = _carry_files(dataset, out_dir, {shard.path for shard in dataset.shards})
    if before_manifest is not None:
        before_manifest()
    manifest = {
        "tool": "expunge",
        "version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "parent": _parent(dataset),
        "mode": mode,
        # which fields were read: verify reads the version the same way
        "fields": {"text": fields.text, "url": fields.url, "id": fields.id},
        **(extra or {}),
        "totals": {
            "shards": len(shards),
            "rewritten": sum(1 for s in shards if s["source"] == "rewritten"),
            "records_dropped": sum(s["dropped"] for s in shards),
            "records_redacted": sum(s["redacted_rows"] for s in shards),
            "spans_redacted": sum(s["redacted_spans"] for s in shards),
        },
        "shards": shards,
        "carried": carried,
    }
    # the commit point: the version exists from this rename on, fsynced with its folder
    write_json_atomic(out_dir / MANIFEST, manifest)
    (out_dir / MARKER).unlink()
    return manifest


def _write_folder(shard: Shard, drop: set[int], out_dir: Path) -> dict[str, Any]:
    """A folder shard (one directory of image files, `images/read_folder.py`) rebuilt in the
    version: every file directly in it linked, except the dropped samples' images and their
    sidecars (same stem, .json / .txt). Its files are listed one by one in the manifest."""
    from expunge.images.read_folder import folder_images

    names = folder_images(shard.path)  # the rows, as the reader numbers them
    gone = {names[row] for row in drop if 0 <= row < len(names)}
    gone |= {stem + ext for name in gone for stem in [name[: name.rfind(".")]]
             for ext in (".json", ".txt")}  # fmt: skip
    prefix = "" if shard.label in ("", ".") else shard.label.rstrip("/") + "/"
    files = []
    with os.scandir(shard.path) as entries:
        kept = sorted(
            e.name for e in entries if e.is_file(follow_symlinks=False) and e.name not in gone
        )
    for name in kept:
        target = out_dir / (prefix + name)
        _place(Path(shard.path) / name, target)
        files.append({"name": prefix + name, "size": target.stat().st_size,
                      "sha256": file_checksum(str(target))})  # fmt: skip
    dropped = len([row for row in drop if 0 <= row < len(names)])
    return {
        "name": shard.label,
        "format": shard.format,
        "mode": "drop",
        "source": "rewritten" if dropped else "linked",
        "records_in": len(names),
        "records_out": len(names) - dropped,
        "dropped": dropped,
        "redacted_rows": 0,
        "redacted_spans": 0,
        "files": files,
        "size": sum(f["size"] for f in files),
        "sha256": "",  # a folder: its files carry the checksums
    }


# A clone's version control and caches are not part of the dataset (a Hub clone has .git
# holding every past revision of the data, the person included).
_NOT_CARRIED = frozenset({".git", ".hg", ".svn", ".cache", ".expunge", "__pycache__"})


def _carry_files(dataset: Dataset, out_dir: Path, shard_paths: set[str]) -> list[dict[str, Any]]:
    """Link every file of the parent directory that is not data (dataset card, LICENSE,
    Hugging Face state.json / dataset_info.json / dataset_dict.json, .gitattributes) into
    the new version, so it is complete and loads as the parent did. A file that
    `open_dataset` would read as data but this run did not (a glob named fewer shards) is
    not carried: it is data nobody searched."""
    from expunge.io import open_dataset

    root = Path(dataset.root)
    if getattr(dataset, "single_file", False) or not root.is_dir():
        return []
    folders = [p for p in shard_paths if os.path.isdir(p)]
    if folders:  # a folder of images: the files directly in a shard's directory are its data
        data = {os.path.realpath(p) for p in shard_paths if not os.path.isdir(p)}
        for folder in folders:
            with os.scandir(folder) as entries:
                data |= {os.path.realpath(e.path) for e in entries if e.is_file()}
    else:
        try:
            data = {os.path.realpath(s.path) for s in open_dataset(str(root)).shards}
        except ExpungeError:
            return []  # files no reader knows: carry nothing rather than guess
        data |= {os.path.realpath(p) for p in shard_paths}
    carried: list[dict[str, Any]] = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if (
            not path.is_file()
            or path.is_symlink()
            or os.path.realpath(path) in data
            or relative in (MANIFEST, MARKER)
            or relative.split("/", 1)[0] in _NOT_CARRIED
        ):
            continue
        target = out_dir / relative
        _place(path, target)
        carried.append(
            {"name": relative, "size": target.stat().st_size, "sha256": file_checksum(str(target))}
        )
    return carried


def _parent(dataset: Dataset) -> dict[str, Any]:
    parent: dict[str, Any] = {"path": dataset.root}
    manifest = Path(dataset.root) / MANIFEST
    if manifest.is_file():
        parent["manifest_sha256"] = file_checksum(str(manifest))
    return parent


# --- reading a version back ----------------------------------------------------------------


def read_manifest(version: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The version's manifest and its files by name (shards and carried files), or one error
    line: no manifest (not a version), or a damaged one."""
    path = version / MANIFEST
    if not path.is_file():
        raise ExpungeError(
            f"{version} has no {MANIFEST}", "point verify at a version written by expunge forget"
        )
    try:
        manifest = json.loads(path.read_text("utf-8"))
        listed = {}
        for e in [*manifest["shards"], *manifest.get("carried", [])]:
            if "files" in e:  # a folder shard lists its files
                listed.update({f["name"]: f for f in e["files"]})
            else:
                listed[e["name"]] = e
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError):
        raise ExpungeError(f"{path} is damaged", "restore it or write the version again") from None
    return manifest, listed


def check_files(
    version: Path, listed: dict[str, dict[str, Any]]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Every file of the version against the manifest: (files with their sha256, problems:
    missing, changed, or not in the manifest)."""
    bad: list[dict[str, str]] = []
    files: list[dict[str, str]] = []
    for name, entry in sorted(listed.items()):
        path = version / name
        if not path.is_file():
            bad.append({"file": name, "problem": "missing"})
            continue
        checksum = file_checksum(str(path))
        files.append({"file": name, "sha256": checksum})
        if checksum != entry["sha256"]:
            bad.append({"file": name, "problem": "checksum differs from the manifest"})
    for path in sorted(version.rglob("*")):
        relative = path.relative_to(version).as_posix()
        if relative != MANIFEST and relative not in listed and not path.is_dir():
            bad.append({"file": relative, "problem": "not in the manifest (added afterwards?)"})
    return files, bad
