"""Read the texts a model command works on (documents, forget/retain sets) from any dataset
format expunge reads."""

from __future__ import annotations

from expunge.errors import ErrorPolicy, ExpungeError
from expunge.io import open_dataset, read_shard
from expunge.records import FieldSpec


def read_texts(spec: str, option: str, text_field: str | None = None, limit: int = 0) -> list[str]:
    """Non-empty texts of a file/directory/glob, in order; `option` names the command-line
    option in errors. `limit` > 0 keeps the first `limit`."""
    texts: list[str] = []
    dataset = open_dataset(spec)
    for shard in dataset.shards:
        for record in read_shard(shard, FieldSpec(text=text_field), ErrorPolicy("stop")):
            if record.text.strip():
                texts.append(record.text)
                if limit and len(texts) >= limit:
                    return texts
    if not texts:
        raise ExpungeError(f"{option} {spec}: holds no text",
                           "give a JSONL/Parquet/CSV file with a 'text' field, or name the "
                           "field with --text-field")  # fmt: skip
    return texts
