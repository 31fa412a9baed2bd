"""Options shared by several commands, defined once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

import typer

from expunge.errors import OnError

CORES = os.cpu_count() or 1

# Reading a dataset (scan, find, index build, forget).
DatasetArg = Annotated[
    str, typer.Argument(help="A file, a directory or a glob; every file is a shard.")
]
# The choices typer checks for us; tests/test_architecture.py keeps them equal to the library's.
Format = Literal["auto", "jsonl", "parquet", "csv", "tsv", "warc", "wet", "hf", "webdataset"]

Engine = Literal["local", "ray"]
ForgetMode = Literal["drop", "redact"]
UnlearnMethod = Literal["ga", "graddiff", "npo", "npo-retain"]

FormatOpt = Annotated[Format, typer.Option("--format", help="Dataset format (auto: detect).")]
TextFieldOpt = Annotated[
    str | None, typer.Option(help="Column/key holding the text (nested: a.b).")
]
IdFieldOpt = Annotated[
    str | None, typer.Option(help="Column/key holding the record id (nested: a.b).")
]
OnErrorOpt = Annotated[OnError, typer.Option(help="stop (default) or skip bad rows.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
SampleOpt = Annotated[
    float,
    typer.Option(
        min=0.0001,
        max=1.0,
        help="Read only this fraction of the records (e.g. 0.01), the same ones on every run.",
    ),
]

# The user's own entity types, beside the built-in ones (scan).
PatternsOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--patterns",
        help="YAML file of your own entity types (a regex or a word list each); repeatable.",
    ),
]

# Running over shards.
WorkersOpt = Annotated[
    int, typer.Option(min=1, help="Parallel shard tasks (default: number of cores).")
]
EngineOpt = Annotated[Engine, typer.Option(help="local (process pool) or ray.")]
RayAddressOpt = Annotated[
    str | None, typer.Option(help="Address of an existing Ray cluster (default: start one).")
]

# People.
PhoneRegionOpt = Annotated[
    str, typer.Option(help="Region for phone numbers written without +country code.")
]
SubjectOpt = Annotated[
    list[Path] | None, typer.Option(help="A profile file (.toml/.json/.yaml); repeatable.")
]
SubjectsOpt = Annotated[Path | None, typer.Option(help="JSON Lines file: one profile per line.")]

# Models.
ModelOpt = Annotated[
    Path | None, typer.Option("--model", help="Directory of a Hugging Face causal LM.")
]
ThreadsOpt = Annotated[
    int | None,
    typer.Option(
        min=1, help="Torch threads (default: the cores the load average leaves free, at least 1)."
    ),
]

ImagesDirOpt = Annotated[
    Path | None,
    typer.Option(help="Local img2dataset download holding the pixels of a LAION-style dataset."),
]
ImageFieldOpt = Annotated[
    str | None, typer.Option(help="Column holding the images (found by type when not given).")
]
QueryPhotoOpt = Annotated[
    list[Path] | None,
    typer.Option("--query", help="A photo of yours: images of the dataset like it (repeatable)."),
]
ThresholdOpt = Annotated[
    int | None,
    typer.Option(help="Largest PDQ distance that counts as the same photo (default 31)."),
]
