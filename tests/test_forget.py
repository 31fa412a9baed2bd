"""forget / verify / registry: a new version without the person, proven, with nothing leaked."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from conftest import run_cli

from expunge.demo import DemoInfo, write_demo_dataset


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoInfo:
    return write_demo_dataset(tmp_path_factory.mktemp("forget") / "demo", docs=600)


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _strong_rows(version: Path, subject: Path, out: Path) -> set[tuple[str, int]]:
    result = run_cli("find", "--subject", str(subject), str(version), "--out", str(out))
    assert result.code == 0, result.stderr
    rows = [orjson.loads(x) for x in (out / "findings.jsonl").read_bytes().splitlines()]
    return {(r["shard"], r["row"]) for r in rows if r["confidence"] == "strong"}


def test_drop_writes_a_verified_version_and_leaves_the_source(
    demo: DemoInfo, tmp_path: Path
) -> None:
    before = _digests(demo.dataset)
    out, reg = tmp_path / "v2", tmp_path / "registry"
    result = run_cli(
        "forget", "--subject", str(demo.subject), str(demo.dataset), "--out", str(out),
        "--request-id", "R-1", "--registry", str(reg),
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert _digests(demo.dataset) == before  # source untouched
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["request_ids"] == ["R-1"]
    dropped = manifest["totals"]["records_dropped"]
    assert dropped >= len([s for s in demo.subject_docs if not s[0].endswith(".warc.gz")])
    by_name = {s["name"]: s for s in manifest["shards"]}
    for name in demo.shards:
        entry = by_name[name]
        if entry["source"] == "linked":  # untouched shards are the parent's bytes, not copies
            assert os.stat(out / name).st_ino == os.stat(demo.dataset / name).st_ino
    assert _strong_rows(out, demo.subject, tmp_path / "f") == set()
    check = run_cli(
        "verify", str(out), "--subject", str(demo.subject), "--json", str(tmp_path / "c.json")
    )
    assert check.code == 0, check.stdout + check.stderr
    assert json.loads((tmp_path / "c.json").read_text())["result"] == "pass"
    # The registry holds keyed hashes, never the identifiers.
    secret = reg / "secret.key"
    assert secret.stat().st_mode & 0o777 == 0o600
    blob = b"".join(p.read_bytes() for p in reg.iterdir()).lower()
    for needle in (b"ines.kbrandao", b"90182745", b"kowalczyk", b"inesk_brandao"):
        assert needle not in blob


def test_redact_replaces_spans_and_keeps_records(demo: DemoInfo, tmp_path: Path) -> None:
    out = tmp_path / "v2"
    result = run_cli(
        "forget",
        "--subject",
        str(demo.subject),
        str(demo.dataset),
        "--out",
        str(out),
        "--mode",
        "redact",
    )
    assert result.code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    warc_docs = [s for s in demo.subject_docs if s[0].endswith(".warc.gz")]
    assert manifest["totals"]["records_dropped"] == len(warc_docs)  # WARC: dropped, not edited
    assert {s["mode"] for s in manifest["shards"] if s["source"] == "rewritten"} == {
        "drop",
        "redact",
    }
    assert manifest["totals"]["records_redacted"] >= 10
    web = [orjson.loads(x)["text"] for x in _read_jsonl_zst(out / "web-00000.jsonl.zst")]
    assert any("[EMAIL]" in t or "[PHONE]" in t or "[PERSON]" in t for t in web)
    assert not any("ines.kbrandao@example.org" in t for t in web)
    assert _strong_rows(out, demo.subject, tmp_path / "f") == set()


def _read_jsonl_zst(path: Path) -> list[bytes]:
    import zstandard

    return zstandard.ZstdDecompressor().decompressobj().decompress(path.read_bytes()).splitlines()


def test_verify_fails_on_a_tampered_shard(demo: DemoInfo, tmp_path: Path) -> None:
    out = tmp_path / "v2"
    assert (
        run_cli("forget", "--subject", str(demo.subject), str(demo.dataset), "--out", str(out)).code
        == 0
    )
    rewritten = next(
        s
        for s in json.loads((out / "manifest.json").read_text())["shards"]
        if s["source"] == "rewritten"
    )
    with open(out / rewritten["name"], "ab") as handle:
        handle.write(b"\n")
    check = run_cli("verify", str(out))
    assert check.code == 1 and "FAIL" in check.stdout and rewritten["name"] in check.stdout


def test_existing_output_is_refused(demo: DemoInfo, tmp_path: Path) -> None:
    (tmp_path / "v2").mkdir()
    (tmp_path / "v2" / "keep.txt").write_text("mine")
    result = run_cli(
        "forget", "--subject", str(demo.subject), str(demo.dataset), "--out", str(tmp_path / "v2")
    )
    assert result.code == 1 and "already exists" in result.stderr
    assert (tmp_path / "v2" / "keep.txt").read_text() == "mine"


def test_killed_forget_is_invisible_and_completes_on_rerun(demo: DemoInfo, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    args = ["forget", "--subject", str(demo.subject), str(demo.dataset), "--workers", "1"]
    assert run_cli(*args, "--out", str(clean)).code == 0
    expected = {
        s["name"]: s["sha256"] for s in json.loads((clean / "manifest.json").read_text())["shards"]
    }
    source = _digests(demo.dataset)
    for delay in (0.4, 0.9, 1.4, 1.9):
        out = tmp_path / f"v-{delay}"
        proc = subprocess.Popen([sys.executable, "-m", "expunge.cli", *args, "--out", str(out)])
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        if out.exists() and not (out / "manifest.json").exists():
            # Interrupted: not a version, and verify says so.
            assert run_cli("verify", str(out)).code == 1
        assert run_cli(*args, "--out", str(out)).code == 0 or (out / "manifest.json").exists()
        got = {
            s["name"]: s["sha256"]
            for s in json.loads((out / "manifest.json").read_text())["shards"]
        }
        assert got == expected
        assert _digests(demo.dataset) == source


def test_registry_reapplies_a_removal_without_the_profile(demo: DemoInfo, tmp_path: Path) -> None:
    reg = tmp_path / "registry"
    first = run_cli(
        "forget", "--subject", str(demo.subject), str(demo.dataset), "--out", str(tmp_path / "v2"),
        "--registry", str(reg), "--request-id", "R-7",
    )  # fmt: skip
    assert first.code == 0, first.stderr
    # A later release (here: the same data again) cleaned from the registry alone.
    again = run_cli(
        "forget", "--registry", str(reg), str(demo.dataset), "--out", str(tmp_path / "v3")
    )
    assert again.code == 0, again.stderr
    v2 = json.loads((tmp_path / "v2" / "manifest.json").read_text())["totals"]
    v3 = json.loads((tmp_path / "v3" / "manifest.json").read_text())["totals"]
    assert v3["records_dropped"] == v2["records_dropped"] > 0
    assert _strong_rows(tmp_path / "v3", demo.subject, tmp_path / "f") == set()
    bad = run_cli(
        "forget",
        "--registry",
        str(tmp_path / "nope"),
        str(demo.dataset),
        "--out",
        str(tmp_path / "v4"),
    )
    assert bad.code == 1 and "not an expunge registry" in bad.stderr


@pytest.mark.parametrize("mode", ["drop", "redact"])
def test_forget_via_index_writes_the_same_version(
    demo: DemoInfo, tmp_path: Path, mode: str
) -> None:
    idx = tmp_path / "idx"
    assert run_cli("index", "build", str(demo.dataset), "--out", str(idx)).code == 0
    common = ["forget", "--subject", str(demo.subject), str(demo.dataset), "--mode", mode]
    scanned = run_cli(*common, "--out", str(tmp_path / "scan"))
    indexed = run_cli(*common, "--out", str(tmp_path / "idx-v"), "--index", str(idx))
    assert scanned.code == 0 and indexed.code == 0, scanned.stderr + indexed.stderr
    a = json.loads((tmp_path / "scan" / "manifest.json").read_text())
    b = json.loads((tmp_path / "idx-v" / "manifest.json").read_text())
    assert b["found_with"].startswith("index") and a["found_with"] == "full scan"
    assert a["totals"] == b["totals"] and a["totals"]["rewritten"] > 0
    for x, y in zip(a["shards"], b["shards"], strict=True):
        assert x == y  # same files, same checksums (linked ones taken from the index)
    assert _digests(tmp_path / "scan") == {
        k: v for k, v in _digests(tmp_path / "idx-v").items() if k != "manifest.json"
    } | {"manifest.json": _digests(tmp_path / "scan")["manifest.json"]}


def test_forget_refuses_an_out_of_date_index(demo: DemoInfo, tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(demo.dataset, data)
    idx = tmp_path / "idx"
    assert run_cli("index", "build", str(data), "--out", str(idx)).code == 0
    with open(data / "extra.jsonl", "w") as handle:
        handle.write('{"text": "new crawl: ines.kbrandao@example.org"}\n')
    out = tmp_path / "v2"
    result = run_cli(
        "forget", "--subject", str(demo.subject), str(data), "--out", str(out), "--index", str(idx)
    )
    assert result.code == 1 and "out of date" in result.stderr and "extra.jsonl" in result.stderr
    assert not out.exists()
    reg = run_cli(
        "forget", "--registry", str(tmp_path / "r"), str(data), "--out", str(out),
        "--index", str(idx),
    )  # fmt: skip
    assert reg.code == 1 and "--index needs --subject" in reg.stderr
