"""The texts to unlearn, each with the character spans of personal data in it.

Spans come from an `expunge find` report (exact offsets of the person's matches) or, for a
plain file, from the PII detector plus the person's profile. Span-masked unlearning pushes
down only these tokens, so the rest of each document keeps its likelihood.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import expunge.anonymize as anon
from expunge.confidence import confidence_of
from expunge.errors import ErrorPolicy, ExpungeError
from expunge.io import read_shard
from expunge.io.formats import detect_format
from expunge.model.texts import read_texts
from expunge.pipeline import detector_for
from expunge.records import FieldSpec, Shard
from expunge.scan.state import STATE_DIR
from expunge.scan.task import same_content
from expunge.subject import SubjectProfile

Span = tuple[int, int]


@dataclass(frozen=True)
class ForgetItem:
    text: str
    spans: tuple[Span, ...]


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    """The spans joined where they overlap or touch: a look-alike replaces each joined run as
    one value (`anonymize.spans` gives the rule and why touching spans join here)."""
    joined = anon.resolve((anon.Span(start, end) for start, end in spans), touching=True)
    return tuple((span.start, span.end) for span in joined)


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


def from_find_report(
    report: Path, text_field: str | None = None, subject: SubjectProfile | None = None
) -> list[ForgetItem]:
    """The records an `expunge find` report matched (strong matches), with their spans.

    A report of several subjects needs `subject` to say whose records to take: without it the
    report is refused rather than every subject's records unlearned. The dataset is looked for
    from the report's own location, and each file is checked against what find recorded."""
    summary = _report_summary(report)
    by_subject = _strong_rows(report)
    names = sorted(by_subject)
    listed = ", ".join(repr(n) for n in names)
    if subject is not None:
        if subject.id not in by_subject:
            raise ExpungeError(f"{report}: no strong match of subject {subject.id!r} in this "
                               f"find report (its subjects: {listed or 'none'})",
                               "pass the profile expunge find was run with (a profile's id is "
                               "its 'id' key, else its file name)")  # fmt: skip
        wanted = by_subject[subject.id]
    elif len(names) > 1:
        raise ExpungeError(f"{report}: the find report holds strong matches of {len(names)} "
                           f"subjects ({listed}); whose records to unlearn?",
                           "add --subject PROFILE: the profile of one of them, as given to "
                           "expunge find")  # fmt: skip
    elif names:
        wanted = by_subject[names[0]]
    else:
        raise ExpungeError(f"{report}: the report has no strong match of the person",
                           "nothing to unlearn; check the profile with expunge subject check")  # fmt: skip
    labels = sorted(wanted)
    root, recorded = _locate_dataset(report, summary, labels)
    items = []
    for label in labels:
        items += _read_rows(report, root, label, wanted[label], recorded.get(label, {}),
                            text_field)  # fmt: skip
    return items


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExpungeError(f"{path}: cannot read it ({error})",
                           "re-run expunge find to write the report again") from None  # fmt: skip


def _report_summary(report: Path) -> dict[str, Any]:
    summary_file, findings_file = report / "summary.json", report / "findings.jsonl"
    if not summary_file.is_file() or not findings_file.is_file():
        raise ExpungeError(f"{report}: not an expunge find report (no summary.json/findings.jsonl)",
                           "run: expunge find DATASET --subject me.toml --out DIR")  # fmt: skip
    summary = _read_json(summary_file)
    if not isinstance(summary, dict) or summary.get("command") != "find":
        kind = summary.get("command") if isinstance(summary, dict) else None
        raise ExpungeError(f"{report}: is a {kind} report, not a find report",
                           "use the --out directory of expunge find")  # fmt: skip
    if not isinstance(summary.get("dataset"), str):
        raise ExpungeError(f"{summary_file}: names no dataset",
                           "re-run expunge find to write the report again")  # fmt: skip
    if "sample" in summary:  # a forget set from it would leave the records it did not read
        raise ExpungeError(f"{report}: found on a sample ({summary['sample']:.1%} of the records)",
                           "run expunge find again without --sample")  # fmt: skip
    return summary


def _strong_rows(report: Path) -> dict[str, dict[str, dict[int, list[Span]]]]:
    """subject -> shard -> row -> spans of the strong matches inside the record's text."""
    findings_file = report / "findings.jsonl"
    wanted: dict[str, dict[str, dict[int, list[Span]]]] = {}
    with open(findings_file, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                # 'stored' findings lie outside the text (markup, other fields): nothing to
                # unlearn there
                if confidence_of(row) != "strong" or row.get("in") == "stored":
                    continue
                at = (str(row["shard"]), int(row["row"]), int(row["start"]), int(row["end"]))
            except (ValueError, KeyError, TypeError, AttributeError):
                raise ExpungeError(f"{findings_file}: line {number} is not a finding of "
                                   "expunge find", "re-run expunge find to write the report "
                                   "again") from None  # fmt: skip
            shard, number_in_shard, start, end = at
            subject = str(row.get("subject") or "")
            rows = wanted.setdefault(subject, {}).setdefault(shard, {})
            rows.setdefault(number_in_shard, []).append((start, end))
    return wanted


def _locate_dataset(
    report: Path, summary: dict[str, Any], labels: list[str]
) -> tuple[Path, dict[str, dict[str, Any]]]:
    """The dataset root the report was made from, and what find recorded per shard (size,
    checksum, records, format). A relative root (as find was given it) is looked for beside
    the report and in the folders above it, where find was run, before the current
    directory; of the places holding the files, the first whose checksums match is taken."""
    given = Path(os.path.expanduser(summary["dataset"]))
    recorded: dict[str, dict[str, Any]] = {}
    for entry in summary.get("shards") or []:
        if isinstance(entry, dict) and isinstance(entry.get("shard"), str):
            recorded[entry["shard"]] = {"records": entry.get("records"),
                                        "format": entry.get("format")}  # fmt: skip
    state = _state(report, summary["dataset"])
    for label, entry in state.items():
        recorded.setdefault(label, {}).update(
            {k: entry[k] for k in ("size", "checksum") if entry.get(k) is not None}
        )
    if given.is_absolute():
        candidates = [given]
    else:
        here = report.resolve()
        candidates = [folder / given for folder in (here, *here.parents)] + [Path.cwd() / given]
    holding = [c for c in dict.fromkeys(candidates) if all((c / x).is_file() for x in labels)]
    if not holding:
        raise ExpungeError(f"{report}: the dataset it was made from ({summary['dataset']}) is "
                           "not there any more" + ("" if given.is_absolute() else
                           " (looked beside the report, in the folders above it and in the "
                           "current directory)"),
                           "re-run expunge find on the dataset (an absolute path keeps the "
                           "report usable from anywhere)")  # fmt: skip
    first: tuple[Path, str] | None = None
    for root in holding:
        for label in labels:
            detail = _changed(root / label, recorded.get(label, {}))
            if detail is not None:
                first = first or (root / label, detail)
                break
        else:
            return root, recorded
    assert first is not None
    raise ExpungeError(f"{first[0]}: changed since the find report {report} was made "
                       f"({first[1]})", "re-run expunge find on the dataset and pass the new "
                       "report to --forget")  # fmt: skip


def _state(report: Path, dataset: str) -> dict[str, dict[str, Any]]:
    """Per shard: size and digest of the file when find read it (its incremental state)."""
    try:
        state = json.loads((report / STATE_DIR / "state.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or state.get("dataset_root") != dataset:
        return {}
    shards = state.get("shards")
    if not isinstance(shards, dict):
        return {}
    return {k: v for k, v in shards.items() if isinstance(v, dict)}


def _changed(path: Path, recorded: dict[str, Any]) -> str | None:
    """What differs between the file and what find recorded of it, if anything."""
    size, checksum = recorded.get("size"), recorded.get("checksum")
    if isinstance(size, int) and path.stat().st_size != size:
        return f"it has {path.stat().st_size:,} bytes, {size:,} when find read it"
    if isinstance(checksum, str) and not same_content(str(path), checksum):
        return "its content differs from what find read"
    return None


def _read_rows(
    report: Path,
    root: Path,
    label: str,
    rows: dict[int, list[Span]],
    recorded: dict[str, Any],
    text_field: str | None,
) -> list[ForgetItem]:
    """The report's rows of one shard, each checked against the file before use."""
    path = root / label
    fmt = recorded.get("format")
    shard = Shard(str(path), fmt if isinstance(fmt, str) else detect_format(str(path)), label)
    fix = ("re-run expunge find on the dataset and pass the new report to --forget (with the "
           "--text-field find was given)")  # fmt: skip
    items, seen, records, problem = [], set(), 0, ""
    # Rows are numbered counting bad rows whatever the policy, so skipping them keeps the
    # report's numbers; a bad row holds no match.
    for record in read_shard(shard, FieldSpec(text=text_field), ErrorPolicy("skip")):
        records += 1
        spans = rows.get(record.location.row)
        if spans is None:
            continue
        seen.add(record.location.row)
        outside = [(s, e) for s, e in spans if not 0 <= s < e <= len(record.text)]
        if outside and not problem:
            problem = (f"row {record.location.row} does not hold the report's match at characters "
                       f"{outside[0][0]}-{outside[0][1]} (its text has {len(record.text):,})")  # fmt: skip
        items.append(ForgetItem(record.text, _merge(spans)))
    expected = recorded.get("records")
    if "checksum" not in recorded and isinstance(expected, int) and expected != records:
        problem = f"{records:,} records now, {expected:,} when the report was made"
    missing = sorted(set(rows) - seen)
    if missing and not problem:
        problem = f"row {missing[0]} of the report is not in the file"
    if problem:
        raise ExpungeError(f"{path}: the file or --text-field differs from the find report "
                           f"{report}: {problem}", fix)  # fmt: skip
    return items


def load_forget_set(
    spec: str, subject: SubjectProfile | None, text_field: str | None = None
) -> list[ForgetItem]:
    """A find report directory, or any dataset file of texts (spans detected)."""
    path = Path(spec)
    if path.is_dir() and (path / "findings.jsonl").exists():
        items = from_find_report(path, text_field, subject)
    else:
        items = detect_spans(read_texts(spec, "--forget", text_field), subject)
    if not items:
        raise ExpungeError(f"--forget {spec}: the forget set is empty", "nothing to unlearn")
    return items
