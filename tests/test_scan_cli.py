"""`expunge scan` end to end through the real command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import orjson
from conftest import CARD, EMAIL, IBAN, PHONE, run_cli

FINDING_KEYS = {"shard", "row", "id", "type", "start", "end", "score", "validator"}


def _findings(out: Path) -> list[dict]:
    return [orjson.loads(line) for line in (out / "findings.jsonl").read_bytes().splitlines()]


def _texts(root: Path) -> dict[tuple[str, int], str]:
    """Map (shard, row) to text by reading the fixture shards back directly."""
    import gzip

    import pyarrow.parquet as pq

    texts: dict[tuple[str, int], str] = {}
    for name in ("part-0.jsonl", "part-1.jsonl"):
        for row, line in enumerate((root / name).read_text("utf-8").splitlines()):
            texts[(name, row)] = json.loads(line)["text"]
    with gzip.open(root / "part-2.jsonl.gz", "rt", encoding="utf-8") as handle:
        for row, line in enumerate(handle):
            texts[("part-2.jsonl.gz", row)] = json.loads(line)["text"]
    for row, text in enumerate(pq.read_table(root / "part-3.parquet")["text"].to_pylist()):
        texts[("part-3.parquet", row)] = text
    return texts


def test_scan_writes_exact_locations_and_reports(mini_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    # as a separate process once: the `python -m expunge.cli` entry point, a real pool
    result = run_cli("scan", str(mini_dataset), "--out", str(out), "--workers", "2", process=True)
    assert result.code == 0, result.stderr
    findings = _findings(out)
    assert findings and all(set(f) == FINDING_KEYS for f in findings)
    texts = _texts(mini_dataset)
    found = {(f["type"], texts[(f["shard"], f["row"])][f["start"] : f["end"]]) for f in findings}
    assert ("email", EMAIL) in found
    assert ("phone", PHONE) in found
    assert ("credit_card", CARD) in found
    assert ("iban", IBAN) in found
    # Each shard's planted email count: rows 0,5,...,35 of 40.
    emails = [f for f in findings if f["type"] == "email"]
    assert len(emails) == 4 * 8
    summary = json.loads((out / "summary.json").read_text())
    assert summary["totals"]["records"] == 160
    assert summary["totals"]["shards"] == 4
    assert summary["by_type"]["email"] == {"findings": 32, "records": 32}
    html = (out / "report.html").read_text()
    assert "part-3.parquet" in html
    # Values never leave the dataset: not in the report, the summary or the terminal.
    for raw in (EMAIL, PHONE, CARD, IBAN):
        assert raw not in html
        assert raw not in (out / "summary.json").read_text()
        assert raw not in result.stdout + result.stderr
    assert f"report: {out / 'report.html'}" in result.stdout


def test_output_is_identical_for_any_worker_count(mini_dataset: Path, tmp_path: Path) -> None:
    outs = []
    for workers in ("1", "2", "3"):
        out = tmp_path / f"out-{workers}"
        assert run_cli("scan", str(mini_dataset), "--out", str(out), "--workers", workers).code == 0
        outs.append((out / "findings.jsonl").read_bytes())
    assert outs[0] == outs[1] == outs[2]


def test_rescan_reuses_unchanged_shards_and_matches_a_fresh_scan(
    mini_dataset: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert run_cli("scan", str(mini_dataset), "--out", str(out)).code == 0
    # Change one shard, add one, remove one.
    (mini_dataset / "part-0.jsonl").write_text(
        json.dumps({"id": "new", "text": f"only {EMAIL} here"}) + "\n", "utf-8"
    )
    shutil.copy(mini_dataset / "part-1.jsonl", mini_dataset / "part-4.jsonl")
    (mini_dataset / "part-2.jsonl.gz").unlink()
    result = run_cli("scan", str(mini_dataset), "--out", str(out))
    assert result.code == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text())
    reused = {s["shard"] for s in summary["shards"] if s["reused"]}
    assert reused == {"part-1.jsonl", "part-3.parquet"}
    fresh = tmp_path / "fresh"
    assert run_cli("scan", str(mini_dataset), "--out", str(fresh)).code == 0
    assert (out / "findings.jsonl").read_bytes() == (fresh / "findings.jsonl").read_bytes()
    assert summary["totals"] == {
        **json.loads((fresh / "summary.json").read_text())["totals"],
        "shards_reused": 2,
    }


def test_changed_settings_void_the_previous_results(mini_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("scan", str(mini_dataset), "--out", str(out)).code == 0
    assert run_cli("scan", str(mini_dataset), "--out", str(out), "--types", "email").code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["totals"]["shards_reused"] == 0
    assert set(summary["by_type"]) == {"email"}


def test_malformed_row_stops_with_one_line_and_writes_nothing(
    mini_dataset: Path, tmp_path: Path
) -> None:
    with open(mini_dataset / "part-1.jsonl", "a", encoding="utf-8") as handle:
        handle.write('{"id": "broken", "text": "unterminated\n')
    out = tmp_path / "out"
    result = run_cli("scan", str(mini_dataset), "--out", str(out))
    assert result.code == 1
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, result.stderr
    assert "part-1.jsonl" in lines[0] and "line 41" in lines[0] and "--on-error skip" in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_failed_rescan_keeps_the_previous_report(mini_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("scan", str(mini_dataset), "--out", str(out)).code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (mini_dataset / "part-5.jsonl").write_text("not json\n", "utf-8")
    assert run_cli("scan", str(mini_dataset), "--out", str(out)).code == 1
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert not list((out / ".expunge").glob("staging-*"))


def test_skip_mode_counts_and_lists_bad_rows(mini_dataset: Path, tmp_path: Path) -> None:
    with open(mini_dataset / "part-1.jsonl", "a", encoding="utf-8") as handle:
        handle.write("{oops\n")
        handle.write(json.dumps({"id": "after", "text": f"still read: {EMAIL}"}) + "\n")
    out = tmp_path / "out"
    result = run_cli("scan", str(mini_dataset), "--out", str(out), "--on-error", "skip")
    assert result.code == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["totals"]["skipped_rows"] == 1
    assert summary["skipped"][0]["shard"] == "part-1.jsonl"
    assert summary["skipped"][0]["where"] == "line 41"
    assert summary["totals"]["records"] == 161
    assert "1 bad rows skipped" in result.stdout


def test_user_mistakes_get_one_clear_line(tmp_path: Path, mini_dataset: Path) -> None:
    cases = [
        (("scan", str(tmp_path / "nope")), "nope"),
        (("scan", str(mini_dataset), "--types", "email,shoe_size"), "shoe_size"),
        (("scan", str(mini_dataset), "--engine", "spark"), "spark"),
        (("scan", str(mini_dataset), "--on-error", "ignore"), "ignore"),
        (("scan", str(mini_dataset), "--format", "xml"), "xml"),
        (("scan", str(mini_dataset / "*.parquet"), "--text-field", "body"), "body"),
    ]
    for args, needle in cases:
        result = run_cli(*args)
        assert result.code != 0, args
        assert needle in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr, args


def test_missing_text_column_names_the_columns(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"body": ["x"], "id": ["1"]}), tmp_path / "t.parquet")
    result = run_cli("scan", str(tmp_path / "t.parquet"))
    assert result.code == 1
    assert (
        "t.parquet" in result.stderr and "body" in result.stderr and "--text-field" in result.stderr
    )
    result = run_cli(
        "scan", str(tmp_path / "t.parquet"), "--text-field", "body", "--out", str(tmp_path / "o")
    )
    assert result.code == 0, result.stderr


def test_scan_without_out_prints_summary_only(mini_dataset: Path) -> None:
    result = run_cli("scan", str(mini_dataset), "--types", "email,iban")
    assert result.code == 0, result.stderr
    assert "email" in result.stdout and "iban" in result.stdout
    assert "report:" not in result.stdout
    assert not (mini_dataset / "findings.jsonl").exists()


def test_truncated_garbage_and_empty_files(tmp_path: Path) -> None:
    import zstandard

    lines = "".join(json.dumps({"text": f"row {i} {EMAIL}"}) + "\n" for i in range(20000))
    packed = zstandard.ZstdCompressor().compress(lines.encode())
    (tmp_path / "cut.jsonl.zst").write_bytes(packed[: len(packed) // 2])
    result = run_cli("scan", str(tmp_path / "cut.jsonl.zst"), "--out", str(tmp_path / "o1"))
    assert result.code == 1 and "cut.jsonl.zst" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "o1").exists()
    skipped = run_cli(
        "scan", str(tmp_path / "cut.jsonl.zst"), "--on-error", "skip", "--out", str(tmp_path / "o2")
    )
    assert skipped.code == 0, skipped.stderr
    summary = json.loads((tmp_path / "o2" / "summary.json").read_text())
    assert summary["totals"]["skipped_rows"] == 1 and 0 < summary["totals"]["records"] < 20000

    (tmp_path / "garbage.bin").write_bytes(bytes(range(256)) * 40)
    result = run_cli("scan", str(tmp_path / "garbage.bin"))
    assert result.code == 1 and "garbage.bin" in result.stderr and "Traceback" not in result.stderr

    (tmp_path / "empty.jsonl").write_bytes(b"")
    result = run_cli("scan", str(tmp_path / "empty.jsonl"), "--out", str(tmp_path / "o3"))
    assert result.code == 0, result.stderr
    assert json.loads((tmp_path / "o3" / "summary.json").read_text())["totals"]["records"] == 0


def test_a_sample_reads_the_same_records_whatever_the_workers(tmp_path: Path) -> None:
    """--sample 0.3 reads about 30% of the records, the same ones for 1 and 2 workers and for a
    re-run; the summary and both reports say it is a sample."""
    import json

    from expunge.scan.task import in_sample

    data = tmp_path / "data"
    data.mkdir()
    for shard in range(2):
        rows = [{"id": f"{shard}-{i}", "text": f"record {shard}-{i}: mail p{i}@example.org"}
                for i in range(200)]  # fmt: skip
        (data / f"s{shard}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}"
        result = run_cli("scan", str(data), "--sample", "0.3", "--workers", workers,
                         "--out", str(out))  # fmt: skip
        assert result.code == 0, result.stderr
        assert "a sample: 30.0% of the records were read" in result.stdout
        outs.append(out)
    summary = json.loads((outs[0] / "summary.json").read_text())
    assert summary["sample"] == 0.3
    expected = sum(in_sample(f"record {s}-{i}: mail p{i}@example.org", 0.3)
                   for s in range(2) for i in range(200))  # fmt: skip
    assert summary["totals"]["records"] == expected and 80 <= expected <= 160
    assert (outs[0] / "findings.jsonl").read_bytes() == (outs[1] / "findings.jsonl").read_bytes()
    assert "A sample: 30.0% of the records were read" in (outs[0] / "report.html").read_text()
    bad = run_cli("scan", str(data), "--sample", "1.5")
    assert bad.code == 2 and "--sample" in bad.stderr
