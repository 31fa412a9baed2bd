"""Subject search: the planted person is found everywhere, look-alikes are not strong."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from conftest import run_cli

from expunge.find import SubjectMatcher
from expunge.pipeline import detector_for
from expunge.subject import parse_subject

ANA = parse_subject(
    {
        "id": "ana",
        "names": ["Ana Lima"],
        "emails": ["ana.lima@example.org"],
        "phones": ["+1 415 555 0132"],
    },
    "test",
)


def _levels(text: str) -> dict[str, str]:
    matcher = SubjectMatcher([ANA])
    found = matcher.match(
        text, detector_for(("email", "phone", "social_handle"), "US", 0.5).scan(text)
    )
    return {text[f.start : f.end]: f.confidence for f in found}


def test_name_alone_is_weak_and_name_with_contact_is_strong() -> None:
    assert _levels("Ana Lima spoke at the meeting.") == {"Ana Lima": "weak"}
    strong = _levels("Ana Lima (ana.lima@example.org) spoke.")
    assert strong == {"Ana Lima": "strong", "ana.lima@example.org": "strong"}
    assert _levels("Call (415) 555-0132 today") == {"(415) 555-0132": "strong"}  # any writing


def test_look_alikes_are_not_strong() -> None:
    assert _levels("Diana Limas and Ana Limaye met.") == {}
    assert _levels("write to ana.lirna@example.org or ana.lima@example.com") == {}
    assert _levels("Ana Lima, call 415 555 0133") == {"Ana Lima": "weak"}
    # Case and accents do not hide a name.
    assert _levels("ANA LIMA wrote") == {"ANA LIMA": "weak"}


def test_planted_person_found_in_every_shard_and_format(tmp_path: Path) -> None:
    from expunge.demo import write_demo_dataset

    info = write_demo_dataset(tmp_path / "demo", docs=600)
    out = tmp_path / "out"
    result = run_cli("find", "--subject", str(info.subject), str(info.dataset), "--out", str(out))
    assert result.code == 0, result.stderr
    rows = [orjson.loads(line) for line in (out / "findings.jsonl").read_bytes().splitlines()]
    strong = {(r["shard"], r["row"]) for r in rows if r["confidence"] == "strong"}
    assert set(info.subject_docs) <= strong  # recall 100% at record level, WARC included
    assert {s for s, _ in info.subject_docs} == set(info.shards)  # planted in every shard
    summary = json.loads((out / "summary.json").read_text())
    assert summary["command"] == "find"
    assert summary["by_subject"]["subject"]["strong"] >= len(info.subject_docs)
    assert "mention a subject" in result.stdout


def test_many_subjects_in_one_pass(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"id": f"p{i}", "names": [f"Person{i} Example{i}"], "emails": [f"p{i}@example.net"]}
        )
        for i in range(300)
    ]
    (tmp_path / "requests.jsonl").write_text("\n".join(lines) + "\n")
    docs = [
        {"text": "Person17 Example17 wrote to p17@example.net yesterday."},
        {"text": "Person2 Example2 was mentioned."},
        {"text": "nobody here, p3@example.neto is not an address of p3"},
    ]
    (tmp_path / "d.jsonl").write_text("\n".join(json.dumps(d) for d in docs) + "\n")
    out = tmp_path / "out"
    result = run_cli(
        "find",
        "--subjects",
        str(tmp_path / "requests.jsonl"),
        str(tmp_path / "d.jsonl"),
        "--out",
        str(out),
    )
    assert result.code == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["by_subject"] == {"p17": {"strong": 1}, "p2": {"weak": 1}}


def test_find_input_errors(tmp_path: Path) -> None:
    (tmp_path / "d.jsonl").write_text('{"text": "x"}\n')
    result = run_cli("find", str(tmp_path / "d.jsonl"))
    assert result.code == 1 and "--subject" in result.stderr
    (tmp_path / "r.jsonl").write_text('{"names": ["A B"]}\n{"names": ["C D"], "emails": ["bad"]}\n')
    result = run_cli("find", "--subjects", str(tmp_path / "r.jsonl"), str(tmp_path / "d.jsonl"))
    assert result.code == 1 and "line 2" in result.stderr and "'bad'" in result.stderr
    assert "Traceback" not in result.stderr


def test_find_report_lists_subjects_and_escapes_their_ids() -> None:
    from expunge.report.html import render_scan_report

    summary = {
        "command": "find",
        "totals": {"shards": 1, "records": 10, "records_with_pii": 2, "findings": 3},
        "by_type": {"name": {"findings": 2, "records": 2}, "email": {"findings": 1, "records": 1}},
        "by_subject": {"<script>alert(1)</script>": {"strong": 1, "weak": 1}},
    }
    html = render_scan_report(summary)
    assert "Subjects found" in html and "mention a subject" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_index_cli_answers_like_a_scan(tmp_path: Path) -> None:
    from expunge.demo import write_demo_dataset

    info = write_demo_dataset(tmp_path / "demo", docs=300)
    idx = tmp_path / "idx"
    built = run_cli("index", "build", str(info.dataset), "--out", str(idx))
    assert built.code == 0, built.stderr
    found = run_cli(
        "find",
        "--subject",
        str(info.subject),
        "--index",
        str(idx),
        str(info.dataset),
        "--out",
        str(tmp_path / "o"),
    )
    assert found.code == 0, found.stderr
    rows = [orjson.loads(x) for x in (tmp_path / "o" / "matches.jsonl").read_bytes().splitlines()]
    assert {(r["shard"], r["row"]) for r in rows if r["confidence"] == "strong"} == set(
        info.subject_docs
    )
    (info.dataset / "comments-00000.csv").write_text("id,url,text\n1,,changed\n")
    stale = run_cli("find", "--subject", str(info.subject), "--index", str(idx), str(info.dataset))
    assert stale.code == 1 and "out of date" in stale.stderr


def test_context_snippets_are_masked_unless_show_values(tmp_path: Path) -> None:
    (tmp_path / "me.json").write_text(
        json.dumps({"names": ["Ana Lima"], "emails": ["ana.lima@example.org"]})
    )
    text = "Board minutes. Ana Lima (ana.lima@example.org, SSN 536-22-8714) presented the budget."
    (tmp_path / "d.jsonl").write_text(json.dumps({"text": text}) + "\n")
    for flag, visible in (((), False), (("--show-values",), True)):
        out = tmp_path / f"o{len(flag)}"
        args = (
            "find",
            "--subject",
            str(tmp_path / "me.json"),
            str(tmp_path / "d.jsonl"),
            "--out",
            str(out),
            *flag,
        )
        assert run_cli(*args).code == 0
        rows = [orjson.loads(x) for x in (out / "findings.jsonl").read_bytes().splitlines()]
        assert {r["type"] for r in rows} == {"name", "email"}
        for row in rows:
            context = row["context"]
            assert "presented" in context or "minutes" in context
            assert ("ana.lima@example.org" in context) is visible
            assert ("Ana Lima" in context) is visible
            assert ("536-22-8714" in context) is visible


def test_a_name_running_into_an_email_local_part_is_not_a_name() -> None:
    # "Last, First" read across the comma into "jorunn.atterbury@..." is the address, not a name
    subject = parse_subject({"names": ["Jorunn Atterbury"]}, "test")
    text = "Ask Jorunn Atterbury, jorunn.atterbury@example.net. Signed: Atterbury, Jorunn."
    matcher = SubjectMatcher([subject])
    found = [(f.start, text[f.start : f.end]) for f in matcher.match(text)]
    assert found == [(4, "Jorunn Atterbury"), (text.rindex("Atterbury"), "Atterbury, Jorunn")]
    assert matcher.match_batch([text])[0] == matcher.match(text)


def test_context_snippets_mask_national_phones_of_the_find_region() -> None:
    """Another person's phone beside the match is masked when written the national way of the
    region the find runs in (it was read as a US number whatever the region)."""
    from expunge.find.context import context_snippet
    from expunge.records import Finding

    text = "Write to jane@example.org or ring her flatmate on (030) 901820 tonight."
    match = Finding("email", 9, 25, 1.0, "strong")
    masked = context_snippet(text, match, [match], show_values=False, phone_region="DE")
    assert "901820" not in masked and "jane@example.org" not in masked
    as_us = context_snippet(text, match, [match], show_values=False, phone_region="US")
    # no US number, but a national one under a phone word ('ring'): masked all the same
    assert "901820" not in as_us
    without_word = text.replace("ring her flatmate on", "the code is")
    as_us = context_snippet(without_word, match, [match], show_values=False, phone_region="US")
    assert "901820" in as_us  # no phone word, not the region's number: left as written
