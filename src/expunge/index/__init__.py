"""Identifier index: find a person's records in milliseconds instead of re-scanning.

    stats = build_index("data/", Path("idx"))            # incremental: only new/changed shards
    matches = lookup(Path("idx"), [load_subject(Path("me.toml"))], dataset_spec="data/")

`build_index` reads every record once and stores keyed hashes (HMAC-SHA256 with a per-index
secret, truncated to 16 bytes) of its emails, phones, profile URLs, handles and words; no
identifier is ever stored in plain text. Each shard gets a segment (its keys sorted, with the
rows holding each key), then all segments are merged into one (see expunge.index.store).
Memory stays bounded whatever the sizes: a shard whose keys outgrow SPILL_ENTRIES / SPILL_KEYS
is written as sorted runs that are merged from disk, and the merges stream over the mapped
segments in rounds of MERGE_KEYS keys, copying MERGE_POSTINGS postings at a time.
`lookup` hashes a subject's identifiers the same way, finds each key with one binary search in
the memory-mapped merged segment, intersects the postings of the keys an identifier needs
(rarest first) and decides strong / medium / weak per record with find's rule (see
expunge.find.matcher).

Differences from a full `expunge find` scan (the index answers from what it stored):
- a name, free string or domain matches a record holding all its words anywhere (find wants
  the phrase), so the index can report more name matches, never fewer;
Phones are stored region-free, as every digit range a phone could be written as
(subject/phones.digit_runs), and looked up by every form of the subject's number: the index
needs no phone region and agrees with find on phones.
"""

from __future__ import annotations

from expunge.index.build import IndexShardJob, IndexStats, build_index
from expunge.index.lookup import IndexMatch, check_current, lookup

__all__ = ["IndexMatch", "IndexShardJob", "IndexStats", "build_index", "check_current", "lookup"]
