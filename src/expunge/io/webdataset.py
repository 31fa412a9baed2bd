"""WebDataset tars as text: each sample's caption is its text, its key the record id, its
metadata's URL the record URL, so `scan`, `find` and `index` read image-text datasets'
captions and metadata (a Flickr photo URL, an uploader's handle) like any other text.

Pixels are never read here (`images/` searches them). The raw reading, which find, forget's
search and verify use, adds the URL and every string of the sample's `.json` after the
caption. The samples are numbered by the images package's one tar walker, so rows agree
with `expunge images`.
"""

from __future__ import annotations

from collections.abc import Iterator

from expunge.errors import ErrorPolicy
from expunge.io.fields import string_values
from expunge.io.raw import RAW_GAP
from expunge.io.rewrite_common import Edits, RewriteStats, synced_output
from expunge.io.streams import compression_of
from expunge.records import FieldSpec, Record, Shard


def read_webdataset_text(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    from expunge.images.read_tar import read_webdataset_metadata

    for sample in read_webdataset_metadata(shard, errors):
        yield Record(
            text=sample.caption or "",
            location=sample.location,
            id=sample.key,
            url=sample.url,
            fields={"meta": sample.meta},
        )


def read_webdataset_raw(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    for record in read_webdataset_text(shard, fields, errors):
        stored = [record.url or "", *string_values(record.fields.pop("meta"), record.text)]
        rest = "\n".join(s for s in stored if s)
        record.fields["text_end"] = len(record.text)
        if rest:
            record.text = record.text + RAW_GAP + rest
        yield record


def rewrite_webdataset(
    shard: Shard, fields: FieldSpec, out_path: str, edits: Edits
) -> RewriteStats:
    """The tar without the dropped samples (every member of their key), through the same walker
    that numbers them for reading. Kept members are written again by tarfile with their names,
    sizes, modes, owners and times, and their bytes unchanged; entries that belong to no sample
    (folders, names without a field) are left out. Compressed as the input was."""
    import io
    import tarfile

    from expunge.images.read_tar import tar_samples
    from expunge.images.samples import MAX_IMAGE_BYTES

    errors = ErrorPolicy("stop")  # a version is written from a whole, readable shard
    dropped = rows = 0
    with (
        synced_output(out_path, compression_of(shard.path, shard.label)) as out,
        tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar,
    ):
        for sample in tar_samples(shard, errors, lambda _field: MAX_IMAGE_BYTES):
            rows += 1
            if sample.row in edits.drop:
                dropped += 1
                continue
            # a bad sample (bad JSON, ...) is copied as it is: it stays the same bad row
            for member in sample.members:
                if member.data is None and member.info.size:
                    errors.bad_row(shard.label, sample.where, sample.problem or "unreadable")
                tar.addfile(member.info, io.BytesIO(member.data or b""))
    return RewriteStats(rows, rows - dropped, dropped, 0)
