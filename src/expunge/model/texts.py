"""Read the texts a model command works on (documents, forget/retain sets) from any dataset
format expunge reads."""

from __future__ import annotations

from expunge.errors import ErrorPolicy, ExpungeError, InputError
from expunge.io import open_dataset, read_shard
from expunge.records import FieldSpec

# The model commands read every row of their inputs (a text skipped from a forget set would
# silently stay learnt), so they have no --on-error option: a reader's hint to skip bad rows
# is replaced by one that applies here.
EVERY_ROW = "audit and unlearn read every row"


def without_skip_hint(error: ExpungeError) -> ExpungeError:
    """`error` with any '--on-error skip' advice of the readers replaced by advice the model
    commands can follow; other errors unchanged."""
    if "--on-error" not in error.fix:
        return error
    kept = [
        part
        for part in error.fix.split(", or ")
        if "--on-error" not in part and part != "fix the row"
    ]
    if "read so far" in error.fix:  # a file cut short
        instead = "copy the rows that read into a new file"
    else:
        instead = "remove the row" if kept else "fix or remove the row"
    fix = ", or ".join([*kept, instead]) + f": {EVERY_ROW}"
    if isinstance(error, InputError):
        return InputError(error.path, error.reason, fix, error.where)
    return ExpungeError(error.message, fix)


def read_texts(spec: str, option: str, text_field: str | None = None, limit: int = 0) -> list[str]:
    """Non-empty texts of a file/directory/glob, in order; `option` names the command-line
    option in errors. `limit` > 0 keeps the first `limit`."""
    texts: list[str] = []
    try:
        dataset = open_dataset(spec)
        for shard in dataset.shards:
            for record in read_shard(shard, FieldSpec(text=text_field), ErrorPolicy("stop")):
                if record.text.strip():
                    texts.append(record.text)
                    if limit and len(texts) >= limit:
                        return texts
    except ExpungeError as error:
        raise without_skip_hint(error) from None
    if not texts:
        raise ExpungeError(f"{option} {spec}: holds no text",
                           "give a JSONL/Parquet/CSV file with a 'text' field, or name the "
                           "field with --text-field")  # fmt: skip
    return texts
