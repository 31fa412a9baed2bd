"""`rewrite_shard`: write a new version of one shard with some rows dropped or their text replaced.

Rows are numbered exactly as `read_shard` numbers them (bad rows count, blank lines do not),
and the text field is chosen with the readers' own helpers. Everything not edited is kept:

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

from .formats import FORMATS
from .read import shard_size
from .rewrite_common import Edits, RewriteStats, check_rows, synced_output

# The per-format writers are imported where used: pyarrow and warcio are slow to import.

__all__ = ["RewriteStats", "rewrite_shard"]


def rewrite_shard(
    shard: Shard,
    fields: FieldSpec,
    out_path: str,
    drop: AbstractSet[int],
    replace_text: Mapping[int, str],
) -> RewriteStats:
    """Write the whole edited shard to `out_path` (fsynced) and return what was done."""
    if shard.format not in FORMATS:
        raise ExpungeError(
            f"{shard.label}: unknown format {shard.format!r}", f"use one of: {', '.join(FORMATS)}"
        )
    negative = sorted(row for row in (*drop, *replace_text) if row < 0)
    if negative:
        raise ValueError(f"{shard.label}: row {negative[0]} does not exist (negative index)")
    if shard.format in ("warc", "wet") and replace_text:
        raise ExpungeError(
            f"{shard.label}: redaction is not supported for WARC; use --mode drop",
        )
    edits = Edits(frozenset(drop), {k: v for k, v in replace_text.items() if k not in drop})
    size = shard_size(shard)
    try:
        if size == 0:  # read_shard yields nothing for an empty file: so is the copy
            with synced_output(out_path, ""):
                pass
            stats = RewriteStats(0, 0, 0, 0)
        elif shard.format == "jsonl":
            from .rewrite_text import rewrite_jsonl

            stats = rewrite_jsonl(shard, fields, out_path, edits)
        elif shard.format in ("csv", "tsv"):
            from .rewrite_text import rewrite_delimited

            stats = rewrite_delimited(
                shard, fields, out_path, edits, "," if shard.format == "csv" else "\t"
            )
        elif shard.format == "parquet":
            from .rewrite_columnar import rewrite_parquet

            stats = rewrite_parquet(shard, fields, out_path, edits)
        elif shard.format == "hf":
            from .rewrite_columnar import rewrite_arrow

            stats = rewrite_arrow(shard, fields, out_path, edits)
        else:
            from .rewrite_warc import rewrite_warc

            stats = rewrite_warc(shard, out_path, edits)
        check_rows(shard.label, edits, stats.rows_in)
    except BaseException:
        try:
            os.unlink(out_path)
        except OSError:
            pass
        raise
    return stats
