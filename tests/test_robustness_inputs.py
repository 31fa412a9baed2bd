"""Inputs that used to hang, crash or go silently wrong (issue 12, section 4): special files in
a dataset directory, an orphaned worker pool, --out inside the dataset, nested fields by dotted
path, and a CSV quote that never closes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from expunge.errors import ErrorPolicy, ExpungeError, InputError
from expunge.io import detect_format, open_dataset, read_shard
from expunge.records import FieldSpec, Shard

JSONL = b'{"text": "hello", "id": "1"}\n'
EXPUNGE = Path(sys.executable).with_name("expunge")


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail, rather than block the suite, if something opens a FIFO and waits for a writer."""

    def _timeout(signum: int, frame: object) -> None:
        raise TimeoutError("blocked: a FIFO was opened")

    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(5)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _dataset_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    (root / "good.jsonl").write_bytes(JSONL)
    return root


# --- 1. dangling symlinks, FIFOs and unreadable entries ------------------------------------


@pytest.mark.parametrize("name", ["b.jsonl", "blob", "config.json"])
def test_fifo_in_a_directory_is_named_not_opened(tmp_path: Path, no_hang: None, name: str) -> None:
    # b.jsonl: format by name (was read as an empty file); blob: format sniffing opened it;
    # config.json: the JSON-metadata check opened it. The last two blocked forever.
    root = _dataset_dir(tmp_path)
    os.mkfifo(root / name)
    with pytest.raises(ExpungeError) as caught:
        open_dataset(str(root))
    assert caught.value.message == f"{root / name} is a FIFO, not a regular file"
    assert "remove it" in caught.value.fix and "glob" in caught.value.fix


def test_dangling_symlink_in_a_directory_is_named(tmp_path: Path) -> None:
    root = _dataset_dir(tmp_path)
    (root / "gone.jsonl").symlink_to(tmp_path / "deleted.jsonl")
    with pytest.raises(ExpungeError) as caught:
        open_dataset(str(root))
    assert str(root / "gone.jsonl") in caught.value.message
    assert "dangling symlink" in caught.value.message
    assert "not a regular file" in caught.value.message
    assert "remove it" in caught.value.fix and "glob" in caught.value.fix


def test_special_files_named_directly_or_by_a_glob(tmp_path: Path, no_hang: None) -> None:
    root = _dataset_dir(tmp_path)
    os.mkfifo(root / "pipe.jsonl")
    with pytest.raises(ExpungeError, match="pipe.jsonl is a FIFO, not a regular file"):
        open_dataset(str(root / "pipe.jsonl"))
    with pytest.raises(ExpungeError, match="pipe.jsonl is a FIFO, not a regular file"):
        open_dataset(str(root / "*.jsonl"))
    (root / "link").symlink_to(tmp_path / "nowhere")
    with pytest.raises(ExpungeError, match="link is a dangling symlink"):
        open_dataset(str(root / "link"))
    # A glob that leaves the FIFO out is the fix the message gives.
    assert [s.name for s in open_dataset(str(root / "good*")).shards] == ["good.jsonl"]


def test_detect_format_and_read_shard_never_open_a_fifo(tmp_path: Path, no_hang: None) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ExpungeError, match="is a FIFO, not a regular file"):
        detect_format(str(fifo))
    shard = Shard(str(fifo), "jsonl", "pipe")
    with pytest.raises(InputError, match="^pipe: is a FIFO, not a regular file"):
        list(read_shard(shard, FieldSpec(), ErrorPolicy()))


def test_unreadable_entry_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, who reads a chmod 000 file anyway: the permission check is simulated.
    root = _dataset_dir(tmp_path)
    locked = root / "locked.jsonl"
    locked.write_bytes(JSONL)
    real_access = os.access

    def access(path: str, mode: int, **kwargs: object) -> bool:
        return False if os.fspath(path) == str(locked) else real_access(path, mode)

    monkeypatch.setattr(os, "access", access)
    with pytest.raises(ExpungeError) as caught:
        open_dataset(str(root))
    assert caught.value.message == f"{locked} cannot be read (permission denied)"
    assert "remove it" in caught.value.fix


def test_scan_cli_with_a_fifo_prints_one_line(tmp_path: Path) -> None:
    root = _dataset_dir(tmp_path)
    os.mkfifo(root / "pipe.jsonl")
    out = tmp_path / "out"
    proc = subprocess.run(
        [str(EXPUNGE), "scan", str(root), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "pipe.jsonl is a FIFO, not a regular file" in lines[0]
    assert "remove it" in lines[0]
    assert not out.exists()


# --- 2. kill -9 of the parent leaves no workers behind ----------------------------------------

_POOL_SCRIPT = """
import os, sys, time
from pathlib import Path
from expunge.executors.local import LocalExecutor


class SleepyJob:
    rows = None  # a whole-shard job, so the executor uses its process pool

    def __init__(self, out: str) -> None:
        self.out = out

    def run(self, on_progress):
        tmp = Path(self.out, f".{os.getpid()}")
        tmp.write_text(str(os.getppid()))  # the worker's parent is the forkserver
        tmp.rename(Path(self.out, str(os.getpid())))
        time.sleep(120)  # a long shard


if __name__ == "__main__":
    list(LocalExecutor(2).map_jobs([SleepyJob(sys.argv[1]), SleepyJob(sys.argv[1])], None))
"""


def _running(pid: int) -> bool:
    """True while the process exists and has not exited (a zombie has exited: in a container
    whose init does not reap, orphans that ended stay zombies)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_kill_9_of_the_parent_ends_workers_and_forkserver(tmp_path: Path) -> None:
    script = tmp_path / "pool.py"
    script.write_text(_POOL_SCRIPT)
    pids = tmp_path / "pids"
    pids.mkdir()
    parent = subprocess.Popen([sys.executable, str(script), str(pids)])
    watched: list[int] = []
    try:
        for _ in range(300):  # up to 30 s for the forkserver to start (the suite may be busy)
            found = [p for p in pids.iterdir() if not p.name.startswith(".")]
            if len(found) == 2 or parent.poll() is not None:
                break
            time.sleep(0.1)
        assert parent.poll() is None, "the pool script ended early"
        workers = [int(p.name) for p in found]
        forkserver = {int(p.read_text()) for p in found}
        assert len(forkserver) == 1 and parent.pid not in forkserver
        watched = [*workers, *forkserver]

        parent.send_signal(signal.SIGKILL)
        parent.wait()
        for _ in range(50):
            if not any(_running(pid) for pid in watched):
                break
            time.sleep(0.1)
        left = [pid for pid in watched if _running(pid)]
        assert not left, f"still running 5 s after kill -9 of their parent: {left}"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for pid in watched:  # only processes this test started
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


# --- 3. scan --out inside the dataset is refused --------------------------------------------


def _scan(dataset_spec: str, out: Path) -> None:
    from expunge.executors.local import LocalExecutor
    from expunge.scan import run_scan
    from expunge.scan.task import ScanConfig

    run_scan(open_dataset(dataset_spec), ScanConfig(), LocalExecutor(1), out)


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("where", ["equal", "inside", "inside-new", "via-link", "data-via-link"])
def test_scan_out_inside_the_dataset_is_refused(tmp_path: Path, where: str) -> None:
    root = _dataset_dir(tmp_path)
    (root / "sub").mkdir()
    link = tmp_path / "link"
    link.symlink_to(root)
    spec, out = {
        "equal": (str(root), root),
        "inside": (str(root), root / "sub"),
        "inside-new": (str(root), root / "sub" / "report"),
        "via-link": (str(root), link / "report"),  # the same directory under another name
        "data-via-link": (str(link), root / "report"),
    }[where]
    before = _tree(root)
    with pytest.raises(ExpungeError) as caught:
        _scan(spec, out)
    assert caught.value.message.startswith(f"--out {out} is inside the dataset")
    assert "outside the dataset" in caught.value.fix
    assert _tree(root) == before  # nothing written, not even .expunge/


def test_scan_out_beside_the_dataset_or_a_single_file_is_fine(tmp_path: Path) -> None:
    root = _dataset_dir(tmp_path)
    _scan(str(root), tmp_path / "report")
    assert (tmp_path / "report" / "summary.json").exists()
    # A named file's folder is not a dataset: its report may sit beside it.
    _scan(str(root / "good.jsonl"), root / "report")
    assert (root / "report" / "summary.json").exists()


def test_scan_cli_out_inside_the_dataset_is_one_line(tmp_path: Path) -> None:
    root = _dataset_dir(tmp_path)
    proc = subprocess.run(
        [str(EXPUNGE), "scan", str(root), "--out", str(root / "out")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "is inside the dataset" in proc.stderr
    assert not (root / "out").exists()


# --- 4. nested fields by dotted path --------------------------------------------------------

NESTED_DOCS: list[dict[str, object]] = [
    {"a": {"b": "first text"}, "meta": {"id": 7}, "metadata": {"url": "https://e.example/1"}},
    {"a": {"b": "second text"}, "meta": {"id": 8}, "metadata": {"url": None}},
    {"a": {"b": "third text"}, "meta": None, "metadata": {"source": "x"}},
]
NESTED_FIELDS = FieldSpec(text="a.b", url="metadata.url", id="meta.id")
NESTED_EXPECTED = [
    ("first text", "https://e.example/1", "7"),
    ("second text", None, "8"),
    ("third text", None, None),
]


def _write_nested(tmp_path: Path, fmt: str, docs: list[dict[str, object]]) -> Shard:
    import orjson
    import pyarrow as pa
    import pyarrow.parquet as pq

    if fmt == "jsonl":
        path = tmp_path / "nested.jsonl"
        path.write_bytes(b"".join(orjson.dumps(doc) + b"\n" for doc in docs))
    elif fmt == "parquet":
        path = tmp_path / "nested.parquet"
        pq.write_table(pa.Table.from_pylist(docs), path)
    else:
        path = tmp_path / "nested.arrow"
        table = pa.Table.from_pylist(docs)
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as w:
            w.write_table(table)
    return Shard(str(path), fmt, path.name)


def _records(shard: Shard, fields: FieldSpec) -> list[tuple[str, str | None, str | None]]:
    return [(r.text, r.url, r.id) for r in read_shard(shard, fields, ErrorPolicy())]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "hf"])
def test_dotted_fields_read_nested_objects_and_structs(tmp_path: Path, fmt: str) -> None:
    shard = _write_nested(tmp_path, fmt, NESTED_DOCS)
    assert _records(shard, NESTED_FIELDS) == NESTED_EXPECTED
    rows = [r.location.row for r in read_shard(shard, NESTED_FIELDS, ErrorPolicy())]
    assert rows == [0, 1, 2]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "hf"])
def test_dolma_metadata_url_is_the_default_url(tmp_path: Path, fmt: str) -> None:
    docs: list[dict[str, object]] = [
        {"id": "d0", "text": "t0", "metadata": {"url": "https://dolma.example/0", "len": 2}},
        {"id": "d1", "text": "t1", "metadata": {"url": None, "len": 2}},
    ]
    shard = _write_nested(tmp_path, fmt, docs)
    assert _records(shard, FieldSpec()) == [
        ("t0", "https://dolma.example/0", "d0"),
        ("t1", None, "d1"),
    ]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "hf"])
@pytest.mark.parametrize("option", ["url", "id"])
def test_url_or_id_field_in_no_record_is_an_error(tmp_path: Path, fmt: str, option: str) -> None:
    shard = _write_nested(tmp_path, fmt, NESTED_DOCS)
    fields = FieldSpec(text="a.b", **{option: "metadata.link"})
    with pytest.raises(InputError) as caught:
        _records(shard, fields)
    message = str(caught.value)
    assert message.startswith(f"{shard.name}: ") and "'metadata.link'" in message
    assert f"--{option}-field" in message + caught.value.fix
    assert "check the field name" in caught.value.fix
    assert "first text" not in message  # names fields, never shows content


def test_jsonl_url_field_missing_from_some_records_is_fine(tmp_path: Path) -> None:
    docs: list[dict[str, object]] = [{"text": "x"}, {"text": "y", "m": {"u": None}}, {"text": "z"}]
    shard = _write_nested(tmp_path, "jsonl", docs)
    # Present (if null) in one record: the name is right.
    assert _records(shard, FieldSpec(url="m.u")) == [
        ("x", None, None),
        ("y", None, None),
        ("z", None, None),
    ]
    # An empty shard, or one of bad rows only, says nothing about the field name.
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"not json\n")
    policy = ErrorPolicy("skip")
    assert (
        list(read_shard(Shard(str(bad), "jsonl", "bad.jsonl"), FieldSpec(url="m.u"), policy)) == []
    )


def test_literal_dotted_key_wins_and_csv_headers_are_flat(tmp_path: Path) -> None:
    shard = _write_nested(tmp_path, "jsonl", [{"text": "t", "a.b": "flat", "a": {"b": "nested"}}])
    assert _records(shard, FieldSpec(url="a.b")) == [("t", "flat", None)]
    csv_path = tmp_path / "flat.csv"
    csv_path.write_text("text,metadata.url\nhello,https://e.example/\n")
    csv_shard = Shard(str(csv_path), "csv", "flat.csv")
    assert _records(csv_shard, FieldSpec()) == [("hello", "https://e.example/", None)]


def test_rewrite_numbers_rows_as_the_nested_reader(tmp_path: Path) -> None:
    from expunge.io.rewrite import rewrite_shard

    docs: list[dict[str, object]] = [*NESTED_DOCS, {"a": {"c": 1}}]  # a bad row: no text
    shard = _write_nested(tmp_path, "jsonl", docs)
    read = [r.location.row for r in read_shard(shard, NESTED_FIELDS, ErrorPolicy("skip"))]
    assert read == [0, 1, 2]
    out = tmp_path / "out.jsonl"
    stats = rewrite_shard(shard, NESTED_FIELDS, str(out), {1, 3}, {})
    assert stats.rows_in == 4 and stats.dropped == 2
    kept = Shard(str(out), "jsonl", "out.jsonl")
    assert [r[0] for r in _records(kept, NESTED_FIELDS)] == ["first text", "third text"]


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_rewriting_nested_text_redacts_inside_the_struct(tmp_path: Path, fmt: str) -> None:
    # --text-field a.b: the redaction lands in a.b, every other field and row stays as it was.
    from expunge.io.rewrite import rewrite_shard

    shard = _write_nested(tmp_path, fmt, NESTED_DOCS)
    out = tmp_path / f"out.{fmt}"
    stats = rewrite_shard(shard, NESTED_FIELDS, str(out), {2}, {0: "[REDACTED]"})
    assert stats.replaced == 1 and stats.dropped == 1
    kept = Shard(str(out), fmt, out.name)
    assert _records(kept, NESTED_FIELDS) == [
        ("[REDACTED]", "https://e.example/1", "7"),
        ("second text", None, "8"),
    ]


# --- 5. a CSV quote that never closes -------------------------------------------------------


def _csv_rows(path: Path, policy: ErrorPolicy, fmt: str = "csv") -> list[tuple[str, int]]:
    shard = Shard(str(path), fmt, path.name)
    return [(r.text, r.location.row) for r in read_shard(shard, FieldSpec(), policy)]


@pytest.mark.parametrize("ending", ["\n", "\r\n", ""])
def test_csv_quote_never_closed_is_a_bad_row_where_it_opened(tmp_path: Path, ending: str) -> None:
    path = tmp_path / "open.csv"
    lines = ["id,text", "1,first", '2,"a quote that', "never", "closes", "3,last"]
    path.write_text("\n".join(lines[:-1]) + "\n" + lines[-1] + ending, newline="")
    with pytest.raises(InputError) as caught:
        _csv_rows(path, ErrorPolicy())
    assert str(caught.value).startswith("open.csv: line 3: quoted field never closed")
    assert "close the quote" in caught.value.fix
    assert "a quote that" not in str(caught.value)  # no content shown

    policy = ErrorPolicy("skip")
    assert _csv_rows(path, policy) == [("first", 0)]
    assert [(b.where, b.reason) for b in policy.skipped] == [
        ("line 3", "quoted field never closed")
    ]


def test_csv_open_quote_after_a_closed_multiline_field(tmp_path: Path) -> None:
    path = tmp_path / "mixed.tsv"
    path.write_text('id\ttext\n1\t"two\nlines"\n2\t"x\ny\n', newline="")
    policy = ErrorPolicy("skip")
    assert _csv_rows(path, policy, "tsv") == [("two\nlines", 0)]
    assert [b.where for b in policy.skipped] == ["line 4"]


def test_csv_closed_quotes_at_the_end_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text('id,text\n1,"ends\nwith a newline\n"\n2,"last"', newline="")
    assert _csv_rows(path, ErrorPolicy()) == [("ends\nwith a newline\n", 0), ("last", 1)]


def test_csv_rewrite_numbers_the_unclosed_row_like_the_reader(tmp_path: Path) -> None:
    from expunge.io.rewrite import rewrite_shard

    path = tmp_path / "open.csv"
    path.write_text('text\nzero\n"one\ntwo\n', newline="")
    policy = ErrorPolicy("skip")
    assert _csv_rows(path, policy) == [("zero", 0)]
    stats = rewrite_shard(
        Shard(str(path), "csv", "open.csv"), FieldSpec(), str(tmp_path / "o"), {0}, {}
    )
    assert stats.rows_in == 2 == 1 + len(policy.skipped)
