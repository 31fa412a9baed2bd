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

    for sample, _ in read_webdataset_metadata(shard, errors):
        yield Record(
            text=sample.caption or "",
            location=sample.location,
            id=sample.key,
            url=sample.url,
            fields={"meta": sample.meta},
        )


def read_webdataset_raw(shard: Shard, fields: FieldSpec, errors: ErrorPolicy) -> Iterator[Record]:
    """Each sample's caption, then everything else it stores as text: its URL, every string
    of its `.json` (nested ones too, however long) and every other member that is not a
    picture (`.cls`, a second caption, ...), decoded as UTF-8. The pictures themselves are
    not text: the format's `raw_leaves_out` says so on verify's certificate."""
    import orjson

    from expunge.images.read_tar import image_member, read_webdataset_metadata
    from expunge.images.samples import MAX_SIDECAR_BYTES, image_extension

    def text_members(member_field: str) -> int | None:
        return None if image_extension("x." + member_field) else MAX_SIDECAR_BYTES

    for sample, walked in read_webdataset_metadata(shard, errors, text_members):
        record = Record(
            text=sample.caption or "", location=sample.location, id=sample.key, url=sample.url
        )
        stored = [record.url or ""]
        picture = image_member(walked.members)
        for member in walked.members:
            if member is picture or member.data is None:
                continue
            if member.field == "json":  # read whole: the metadata kept in `meta` is cut
                stored += string_values(orjson.loads(member.data), record.text)
            else:
                stored.append(member.data.decode("utf-8", "replace"))
        rest = "\n".join(s for s in stored if s and s != record.text)
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
