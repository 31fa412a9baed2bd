"""The optional NER stage finds names with the locally installed spaCy model (extra `ner`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

pytest.importorskip("spacy", reason="install expunge[ner]; scripts/test does")


def test_names_are_found_and_do_not_overlap_pattern_findings() -> None:
    from expunge.detect.ner import DetectNames
    from expunge.pipeline import DetectPII
    from expunge.records import Location, Record

    texts = [
        "Yesterday Angela Merkel met Emmanuel Macron in Paris to discuss the budget.",
        "Contact jane.doe@example.com for the minutes; the weather was fine.",
    ]
    records = [Record(text=t, location=Location("s", i)) for i, t in enumerate(texts)]
    out = list(DetectNames()(DetectPII()(iter(records))))
    names = [texts[0][f.start : f.end] for f in out[0].findings if f.type == "person"]
    assert "Angela Merkel" in names and "Emmanuel Macron" in names
    second = out[1].findings
    assert [f.type for f in second] == ["email"]  # no person span inside the email


def test_scan_with_ner_reports_person_and_without_says_names_were_not_scanned(
    tmp_path: Path,
) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text(
        json.dumps({"text": "Barack Obama visited Chicago on Tuesday."}) + "\n", "utf-8"
    )
    with_ner = run_cli("scan", str(data), "--ner", "--out", str(tmp_path / "a"))
    assert with_ner.code == 0, with_ner.stderr
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["by_type"]["person"]["findings"] == 1
    assert summary["ner"]["enabled"] is True
    run_cli("scan", str(data), "--out", str(tmp_path / "b"))
    summary = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert "person" not in summary["by_type"]
    assert summary["ner"]["enabled"] is False and "--ner" in summary["ner"]["note"]
    assert "not scanned" in (tmp_path / "b" / "report.html").read_text()


def test_missing_model_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"text": "x"}) + "\n", "utf-8")
    monkeypatch.setenv("EXPUNGE_NER_MODEL", "no_such_model_xyz")
    result = run_cli("scan", str(data), "--ner", process=True)  # a fresh NER model cache
    assert result.code == 1
    assert "no_such_model_xyz" in result.stderr and "Traceback" not in result.stderr
