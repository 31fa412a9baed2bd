"""A person's search on the page: their profile built as `subject check` builds it, looked up
in the text index, the strongest records shown as find's masked context snippets; and their
photo searched in the images index.

Nothing here returns a whole record or another person's unmasked data: a snippet is find's
(every identifier of the person and any personal data the detector sees in the window are
masked), and at most SNIPPETS records are read back from the dataset for them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from expunge.errors import ExpungeError
from expunge.subject import SubjectProfile

from .rows import RowOffsets

SNIPPETS = 12  # records read back for context, strongest first
# ... from at most this many shards: a snippet costs a read of its whole shard (the index
# keeps row numbers, not byte offsets), so a person in 40 shards does not cost 40 reads
SNIPPET_SHARDS = 3
FORM_FIELDS = ("names", "emails", "phones", "handles", "urls")
MAX_VALUES = 5  # per field: a person's own identifiers, not a list of people
MAX_VALUE_CHARS = 200


@dataclass(frozen=True, slots=True)
class Snippet:
    shard: str
    row: int
    confidence: str
    kinds: tuple[str, ...]
    context: str  # masked, as `find` writes it


@dataclass(slots=True)
class TextResults:
    version: str  # which dataset version was searched
    looked_for: list[tuple[str, str]]  # (kind, normal form): shown back to the person
    counts: dict[str, int] = field(default_factory=dict)  # strong / medium / weak records
    snippets: list[Snippet] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "looked_for": [{"kind": k, "value": v} for k, v in self.looked_for],
            "counts": self.counts,
            "snippets": [
                {"shard": s.shard, "row": s.row, "confidence": s.confidence,
                 "kinds": list(s.kinds), "context": s.context}
                for s in self.snippets
            ],
        }  # fmt: skip


def profile_from_form(values: dict[str, Any], region: str = "US") -> SubjectProfile:
    """The profile of a search form or JSON body: one value per line (or a list) per field;
    one clear error for an empty profile, too many values or a value that is not one."""
    from expunge.subject.profile import parse_subject

    data: dict[str, Any] = {}
    for name in FORM_FIELDS:
        raw = values.get(name) or []
        items = raw.splitlines() if isinstance(raw, str) else raw
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            raise ExpungeError(f"{name} must be text", "one value per line")
        items = [v.strip() for v in items if v.strip()]
        if len(items) > MAX_VALUES:
            raise ExpungeError(f"at most {MAX_VALUES} {name}", "search for yourself only")
        if any(len(v) > MAX_VALUE_CHARS for v in items):
            raise ExpungeError(f"a value in {name} is too long", "give it without extra text")
        if items:
            data[name] = items
    if not data:
        raise ExpungeError("nothing to search for", "give your name, email, phone, handle or URL")
    region_value = str(values.get("region") or region).strip().upper() or region
    data["region"] = region_value
    return parse_subject(data, "the search", "you", region_value)


def looked_for(profile: SubjectProfile) -> list[tuple[str, str]]:
    """(kind, normal form) of each identifier, each once: what the page shows back."""
    seen: dict[tuple[str, str], None] = {}
    for ident in profile.identifiers:
        if ident.kind in ("handle_profile", "profile_handle"):
            continue  # derived cross forms: implied by the handle / URL shown
        seen[(ident.kind, ident.key)] = None
    return list(seen)


def search_text(profile: SubjectProfile, index_dir: Path, dataset: str | None,
                version: str, snippets: bool = True,
                offsets: RowOffsets | None = None) -> TextResults:  # fmt: skip
    """Look the profile up in the index; with the dataset (and `snippets`), read back the
    strongest records for masked snippets (the index is checked against the dataset when the
    server starts and after every version it writes)."""
    from expunge.index import lookup

    matches = lookup(index_dir, [profile])
    results = TextResults(version, looked_for(profile))
    results.counts = dict(Counter(m.confidence for m in matches))
    for level in ("strong", "medium", "weak"):
        results.counts.setdefault(level, 0)
    if dataset is None or not matches or not snippets:
        return results
    order = {"strong": 0, "medium": 1, "weak": 2}
    chosen: list[Any] = []
    shards: set[str] = set()
    for m in sorted(matches, key=lambda m: (order[m.confidence], m.shard, m.row)):
        if len(chosen) == SNIPPETS:
            break
        if m.shard in shards or len(shards) < SNIPPET_SHARDS:
            shards.add(m.shard)
            chosen.append(m)
    results.snippets = _snippets(profile, dataset, chosen, offsets)
    return results


def _snippets(
    profile: SubjectProfile, dataset: str, chosen: list[Any], offsets: RowOffsets | None
) -> list[Snippet]:
    """Find's masked context of each chosen record: read as its own line where the shard
    allows it (`rows.RowOffsets`), else from one read of its shard."""
    from expunge.io import open_dataset
    from expunge.scan.task import ScanConfig, ShardJob

    shards = {s.label: s for s in open_dataset(dataset).shards}
    config = ScanConfig(subjects=(profile,), phone_region=profile.region, context=True,
                        raw=True, on_error="skip")  # fmt: skip
    context: dict[tuple[str, int], str] = {}

    def keep(name: str, row_of: dict[int, int], job: ShardJob) -> None:
        for found in job.run().findings:
            row = row_of.get(found.row, found.row)
            if found.context and (name, row) not in context:
                context[(name, row)] = found.context

    whole: dict[str, set[int]] = {}
    for m in chosen:
        shard = shards.get(m.shard)
        if shard is None:
            continue
        line = offsets.one_row(shard, m.row) if offsets is not None else None
        if line is None:
            whole.setdefault(m.shard, set()).add(m.row)
        else:
            keep(m.shard, {0: m.row}, ShardJob(line, config, rows=frozenset({0})))
    for name, wanted in whole.items():
        keep(name, {}, ShardJob(shards[name], config, rows=frozenset(wanted)))
    return [
        Snippet(m.shard, m.row, m.confidence, m.kinds, context.get((m.shard, m.row), ""))
        for m in chosen
    ]


@dataclass(slots=True)
class PhotoResults:
    matches: list[Any]
    thumbnails: dict[tuple[str, int], str]
    hashes: list[tuple[bytes, bytes]] = field(default_factory=list)  # the photo's variants

    def to_json(self) -> dict[str, Any]:
        return {"matches": [m.to_json() | {"thumbnail": self.thumbnails.get((m.shard, m.row), "")}
                            for m in self.matches]}  # fmt: skip


MAX_UPLOAD_BYTES = 10 << 20
UPLOAD_MAX_PIXELS = 40_000_000


def search_photo(data: bytes, name: str, images_index: Path, dataset: str | None) -> PhotoResults:
    """Hash the uploaded photo (bounded decode: bombs and non-images refused), search the
    images index; the upload is not kept. Thumbnails of the matches only."""
    from expunge.images.decode import ImageDecodeError, decode_image
    from expunge.images.hashing import check_query, query_hashes
    from expunge.images.match import QueryPhoto
    from expunge.images.report import matched_thumbnails
    from expunge.images.search import find_in_index

    if len(data) > MAX_UPLOAD_BYTES:
        raise ExpungeError("the photo is over 10 MB", "send a smaller copy")
    try:
        image = decode_image(data, max_pixels=UPLOAD_MAX_PIXELS)
    except ImageDecodeError as error:
        raise ExpungeError(
            f"the photo cannot be used: {error}", "send a JPEG, PNG or WebP"
        ) from None
    variants = tuple(query_hashes(image))
    check_query(variants[0][1])
    matches = find_in_index([QueryPhoto(name or "your photo", variants)], images_index, 31)
    thumbs: dict[tuple[str, int], str] = {}
    if dataset is not None and matches:
        from expunge.images.readers import open_image_dataset

        wanted = {(m.shard, m.row): () for m in matches}
        thumbs = matched_thumbnails(open_image_dataset(dataset), wanted)
    hashes = list(dict.fromkeys((h.pdq, h.second) for _, h in variants))
    return PhotoResults(matches, thumbs, hashes)
