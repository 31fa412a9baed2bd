"""Reading one record of a shard without reading the shard: the byte offset of each row of
a plain JSON Lines file, found once per file and kept while the server runs.

The index names records by (shard, row). A snippet needs the record's text, and reading a
250,000-record shard to reach one row took a second (BENCHMARKS.md §16). For an uncompressed
JSON Lines shard the rows' offsets come from one pass that only looks for line ends
(`io.jsonl.jsonl_lines`: the reader's own row numbering, blank lines and bad rows included);
a record is then read as the byte range of its line. Other formats (compressed, Parquet,
WARC) are read whole, as before.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import replace

import numpy as np

from expunge.errors import ErrorPolicy
from expunge.records import Shard

KEEP_SHARDS = 32  # offsets of this many shard files in memory (8 bytes a row)


class RowOffsets:
    def __init__(self, keep: int = KEEP_SHARDS) -> None:
        self._keep = keep
        self._offsets: OrderedDict[tuple[str, int, int], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def one_row(self, shard: Shard, row: int) -> Shard | None:
        """The shard narrowed to the line of `row` (its row 0), or None when this shard's
        format has no byte ranges (then read it whole)."""
        from expunge.io.streams import compression_of

        if shard.format != "jsonl" or compression_of(shard.path, shard.label):
            return None
        offsets = self._of(shard)
        if not 0 <= row < len(offsets):
            return None
        start = int(offsets[row])
        return replace(shard, byte_range=(start, start + 1))

    def warm(self, dataset: str) -> None:
        """Find the offsets of the dataset's plain JSON Lines shards ahead of any search (the
        server runs this in a background thread at start); a problem is left to the search."""
        from expunge.errors import ExpungeError
        from expunge.io import open_dataset

        try:
            for shard in open_dataset(dataset).shards[: self._keep]:
                self.one_row(shard, 0)
        except (ExpungeError, OSError):
            return

    def _of(self, shard: Shard) -> np.ndarray:
        stat = os.stat(shard.path)
        key = (shard.path, stat.st_size, stat.st_mtime_ns)
        with self._lock:
            found = self._offsets.get(key)
            if found is not None:
                self._offsets.move_to_end(key)
                return found
        found = _row_starts(shard)
        with self._lock:
            self._offsets[key] = found
            while len(self._offsets) > self._keep:
                self._offsets.popitem(last=False)
        return found


def _row_starts(shard: Shard) -> np.ndarray:
    from expunge.io.jsonl import BLANK, jsonl_lines

    starts: list[int] = []
    offset = 0
    for row, _, line, value in jsonl_lines(shard, ErrorPolicy("skip")):
        if value is not BLANK and row == len(starts):
            starts.append(offset)
        offset += len(line)
    return np.asarray(starts, dtype=np.uint64)
