"""`rewrite_shard`: write a new version of one shard with some rows dropped or their text replaced.

The format's rewriter walks the shard with the same row walker as its reader, so rows are
numbered exactly as `read_shard` numbers them (bad rows count, blank lines do not), and the
text field is chosen with the readers' own helpers. Everything not edited is kept:

    JSONL     untouched lines (and malformed ones) copied byte for byte; an edited line is
              re-serialised with orjson, key order kept; same compression (gzip mtime=0, zstd)
    CSV/TSV   untouched rows copied byte for byte; an edited row is written by the csv module
    Parquet   same Arrow schema and metadata, same codec, one output row group per input one
    hf        Arrow IPC, same schema and metadata, stream or file format as the input
    WARC/WET  drop only: the other WARC records are copied byte for byte

A row index that does not exist is a ValueError (a caller's bug); corrupt input raises the
InputError the reader would raise under `--on-error stop`. On any error the partial output is
removed. A row both dropped and replaced is dropped.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from collections.abc import Set as AbstractSet

from expunge.errors import ExpungeError
from expunge.records import FieldSpec, Shard

from .read import shard_size
from .registry import lookup
from .rewrite_common import Edits, RewriteStats, check_rows, synced_output

__all__ = ["RewriteStats", "rewrite_shard"]


def rewrite_shard(
    shard: Shard,
    fields: FieldSpec,
    out_path: str,
    drop: AbstractSet[int],
    replace_text: Mapping[int, str],
) -> RewriteStats:
    """Write the whole edited shard to `out_path` (fsynced) and return what was done."""
    fmt = lookup(shard.format, shard.label)
    negative = sorted(row for row in (*drop, *replace_text) if row < 0)
    if negative:
        raise ValueError(f"{shard.label}: row {negative[0]} does not exist (negative index)")
    if replace_text and not fmt.redactable:
        raise ExpungeError(
            f"{shard.label}: redaction is not supported for {fmt.display}; use --mode drop",
        )
    edits = Edits(frozenset(drop), {k: v for k, v in replace_text.items() if k not in drop})
    size = shard_size(shard)
    try:
        if size == 0:  # read_shard yields nothing for an empty file: so is the copy
            with synced_output(out_path, ""):
                pass
            stats = RewriteStats(0, 0, 0, 0)
        else:
            stats = fmt.rewrite(shard, fields, out_path, edits)
        check_rows(shard.label, edits, stats.rows_in)
    except BaseException:
        try:
            os.unlink(out_path)
        except OSError:
            pass
        raise
    return stats
