"""Shared fixtures: small datasets generated in code, and a helper that runs the real CLI."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

# Values planted in the mini dataset; tests check they are found and never printed.
EMAIL = "maria.lopez@example.org"
PHONE = "+44 20 7946 0958"
CARD = "4111 1111 1111 1111"
IBAN = "DE89 3704 0044 0532 0130 00"


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None, process: bool = False) -> CliResult:
    """The CLI as a user runs it: `expunge.cli.main()` with these arguments, its output and
    exit code. In this process by default (no interpreter start per call); `process=True`
    where the process boundary is the point (a fresh interpreter, signals, thread pools)."""
    if process:
        proc = subprocess.run(
            [sys.executable, "-m", "expunge.cli", *args],
            capture_output=True,
            check=False,
            text=True,
            cwd=cwd,
            timeout=600,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)
    return _run_in_process(list(args), cwd)


def _run_in_process(args: list[str], cwd: Path | None) -> CliResult:
    import contextlib
    import io
    import os

    from expunge.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv, here = sys.argv, os.getcwd()
    code = 0
    try:
        sys.argv = ["expunge", *args]
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    finally:
        sys.argv = argv
        os.chdir(here)
    return CliResult(code, out.getvalue(), err.getvalue())


def _docs(shard: int, n: int) -> list[dict[str, str]]:
    docs = []
    for i in range(n):
        text = f"Post {shard}-{i}: the weather was mild and the market was busy."
        if i % 5 == 0:
            text += f" Write to {EMAIL} for details."
        if i % 7 == 0:
            text += f" Call me on {PHONE} after six."
        if i % 11 == 0:
            text += f" My card {CARD} was charged twice."
        if i % 13 == 0:
            text += f" Pay to IBAN {IBAN} please."
        docs.append(
            {"id": f"s{shard}-{i}", "url": f"https://example.com/{shard}/{i}", "text": text}
        )
    return docs


@pytest.fixture
def mini_dataset(tmp_path: Path) -> Path:
    """Three JSONL shards (plain, gzip) and one Parquet shard with known PII."""
    root = tmp_path / "data"
    root.mkdir()
    for shard in range(2):
        with open(root / f"part-{shard}.jsonl", "w", encoding="utf-8") as out:
            out.writelines(json.dumps(doc) + "\n" for doc in _docs(shard, 40))
    with gzip.open(root / "part-2.jsonl.gz", "wt", encoding="utf-8") as out:
        for doc in _docs(2, 40):
            out.write(json.dumps(doc) + "\n")
    pq.write_table(pa.Table.from_pylist(_docs(3, 40)), root / "part-3.parquet")
    return root


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread() -> Iterator[None]:
    """Torch on one thread in every test: two OpenMP threads on a busy 2-core machine
    spin-wait. Set through expunge's own switch, so torch is not imported for tests that do
    not need it."""
    from expunge.model.deps import use_threads

    use_threads(1)
    yield


@pytest.fixture(scope="session")
def leaky_model(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A micro GPT-2 trained here that memorised one fictional person (tests/model_fixtures)."""
    from model_fixtures import build_leaky_model

    return build_leaky_model(tmp_path_factory.mktemp("leaky"))
