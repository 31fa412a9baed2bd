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
