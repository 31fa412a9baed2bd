"""Dataset readers: find the shards of a dataset and stream its records.

    dataset = open_dataset("data/**/*.parquet")
    for shard in dataset.shards:
        for record in read_shard(shard, FieldSpec(), ErrorPolicy("skip")):
            ...

Formats: JSONL (.gz, .zst), Parquet, CSV/TSV, WARC, WET, Hugging Face `save_to_disk` Arrow,
each declared once in `expunge.io.registry` (detection, reader, rewriter); `register` adds one.
Column presets for FineWeb, C4, LAION and Dolma layouts are described in `expunge.io.fields`.
"""

from __future__ import annotations

from .discover import open_dataset
from .formats import FORMATS, detect_format
from .read import read_shard
from .registry import Format, register

__all__ = ["FORMATS", "Format", "detect_format", "open_dataset", "read_shard", "register"]
