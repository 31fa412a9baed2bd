"""The Ray executor gives exactly the local executor's results (Ray started locally in the test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

pytest.importorskip("ray", reason="install expunge[ray]; scripts/test does")


def test_ray_and_local_give_identical_findings(tmp_path: Path) -> None:
    from expunge.demo import write_demo_dataset

    data = write_demo_dataset(tmp_path / "demo", docs=600).dataset
    local, ray_out = tmp_path / "local", tmp_path / "ray"
    assert run_cli("scan", str(data), "--out", str(local), "--workers", "2").code == 0
    result = run_cli("scan", str(data), "--out", str(ray_out), "--engine", "ray", "--workers", "2")
    assert result.code == 0, result.stderr
    local_findings = (local / "findings.jsonl").read_bytes()
    assert local_findings  # the demo plants PII in every shard
    assert (ray_out / "findings.jsonl").read_bytes() == local_findings
    totals = [json.loads((d / "summary.json").read_text())["totals"] for d in (local, ray_out)]
    assert totals[0] == totals[1]


def test_ray_reports_a_bad_row_like_local(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"text": "ok"}\n{"text": \n', "utf-8")
    result = run_cli("scan", str(tmp_path / "a.jsonl"), "--engine", "ray", "--workers", "1")
    assert result.code == 1
    assert "a.jsonl" in result.stderr and "line 2" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_index_built_on_ray_answers_like_a_local_one(tmp_path: Path) -> None:
    """Index build runs its shards as executor jobs, so Ray comes with it (issue 15 §2)."""
    from expunge.demo import write_demo_dataset

    demo = write_demo_dataset(tmp_path / "demo", docs=300)
    answers = []
    for engine in ("local", "ray"):
        index = tmp_path / f"idx-{engine}"
        built = run_cli("index", "build", str(demo.dataset), "--out", str(index),
                        "--engine", engine, "--workers", "2")  # fmt: skip
        assert built.code == 0, built.stderr
        found = run_cli("find", "--subject", str(demo.subject), "--index", str(index),
                        str(demo.dataset), "--out", str(tmp_path / f"m-{engine}"))  # fmt: skip
        assert found.code == 0, found.stderr
        answers.append((tmp_path / f"m-{engine}" / "matches.jsonl").read_bytes())
    assert answers[0] and answers[0] == answers[1]
