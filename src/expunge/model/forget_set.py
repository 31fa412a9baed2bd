"""The texts to unlearn, each with the character spans of personal data in it.

Spans come from an `expunge find` report (exact offsets of the person's matches) or, for a
plain file, from the PII detector plus the person's profile. Span-masked unlearning pushes
down only these tokens, so the rest of each document keeps its likelihood.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from expunge.errors import ErrorPolicy, ExpungeError
from expunge.io import open_dataset, read_shard
from expunge.model.texts import read_texts
from expunge.pipeline import detector_for
from expunge.records import FieldSpec
from expunge.subject import SubjectProfile

Span = tuple[int, int]


@dataclass(frozen=True)
class ForgetItem:
    text: str
    spans: tuple[Span, ...]


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def detect_spans(
    texts: list[str], subject: SubjectProfile | None, phone_region: str = "US"
) -> list[ForgetItem]:
    """Spans of the detector's findings and, with a profile, of the person's identifiers."""
    detector = detector_for(None, subject.region if subject else phone_region, 0.5)
    found = detector.scan_batch(texts)
    matcher = None
    if subject is not None:
        from expunge.find.matcher import SubjectMatcher

        matcher = SubjectMatcher([subject])
    items = []
    for text, findings in zip(texts, found, strict=True):
        spans = [(f.start, f.end) for f in findings]
        if matcher is not None:
            spans += [(f.start, f.end) for f in matcher.match(text)]
        items.append(ForgetItem(text, _merge(spans)))
    return items


def from_find_report(report: Path, text_field: str | None = None) -> list[ForgetItem]:
    """The records an `expunge find` report matched (strong matches), with its spans."""
    summary_file, findings_file = report / "summary.json", report / "findings.jsonl"
    if not summary_file.is_file() or not findings_file.is_file():
        raise ExpungeError(f"{report}: not an expunge find report (no summary.json/findings.jsonl)",
                           "run: expunge find DATASET --subject me.toml --out DIR")  # fmt: skip
    summary = json.loads(summary_file.read_text("utf-8"))
    if summary.get("command") != "find":
        raise ExpungeError(f"{report}: is a {summary.get('command')} report, not a find report",
                           "use the --out directory of expunge find")  # fmt: skip
    wanted: dict[str, dict[int, list[Span]]] = defaultdict(lambda: defaultdict(list))
    for line in findings_file.read_text("utf-8").splitlines():
        row = json.loads(line)
        # 'stored' findings lie outside the text (markup, other fields): nothing to unlearn there
        if row.get("validator") == "strong" and row.get("in") != "stored":
            wanted[row["shard"]][int(row["row"])].append((int(row["start"]), int(row["end"])))
    if not wanted:
        raise ExpungeError(f"{report}: the report has no strong match of the person",
                           "nothing to unlearn; check the profile with expunge subject check")  # fmt: skip
    dataset = open_dataset(str(summary["dataset"]))
    items = []
    for shard in dataset.shards:
        rows = wanted.get(shard.label)
        if not rows:
            continue
        for record in read_shard(shard, FieldSpec(text=text_field), ErrorPolicy("stop")):
            if record.location.row in rows:
                items.append(ForgetItem(record.text, _merge(rows[record.location.row])))
    return items


def load_forget_set(
    spec: str, subject: SubjectProfile | None, text_field: str | None = None
) -> list[ForgetItem]:
    """A find report directory, or any dataset file of texts (spans detected)."""
    path = Path(spec)
    if path.is_dir() and (path / "findings.jsonl").exists():
        items = from_find_report(path, text_field)
    else:
        items = detect_spans(read_texts(spec, "--forget", text_field), subject)
    if not items:
        raise ExpungeError(f"--forget {spec}: the forget set is empty", "nothing to unlearn")
    return items
