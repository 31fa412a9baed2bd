"""Privacy-policy analysis: precision, recall and F1 per category, verdict accuracy and speed of
`expunge policy analyze` on a labelled set of policies.

    python benchmarks/bench_policy.py                          # benchmarks/data/policy_eval
    python benchmarks/bench_policy.py --data DIR --json bench-data/policy.json

The set (written blind, not used to build the rules) is a directory with the documents
(.html/.htm/.txt/.md/.pdf) and two files:
- labels.jsonl: `{"doc": "name.html", "text": "<visible sentence>", "categories": [...]}` for
  every sentence in at least one category (all other sentences are negatives);
- docs.jsonl: `{"doc": ..., "trains_on_user_content": "yes|no|unclear",
  "ai_opt_out": "yes|no|not_applicable", "biometrics": "yes|no", "shares_for_ai": "yes|no"}`.

Scoring, per category and document: both texts are lower-cased with white space collapsed; an
analyzer sentence overlaps a label when one contains the other or their longest common
substring covers at least 60% of the label (difflib, after a rapidfuzz partial_ratio
pre-filter). Precision = analyzer sentences overlapping some label of the category / analyzer
sentences of the category; recall = labels overlapped by some analyzer sentence / labels (each
label counts once). Micro averages pool all categories. Verdict accuracy = documents whose
verdict equals the label, per key. Speed = documents read and analysed per second (best of
--repeat runs). Prints a Markdown section for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from _machine import machine_info

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "data" / "policy_eval"
VERDICT_KEYS = ("trains_on_user_content", "ai_opt_out", "biometrics", "shares_for_ai")
OVERLAP = 0.6


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def overlaps(predicted: str, label: str) -> bool:
    """Containment either way, or a common substring covering >= 60% of the label."""
    if not predicted or not label:
        return False
    if label in predicted or predicted in label:
        return True
    from rapidfuzz import fuzz

    # A common substring of 60% of the label gives partial_ratio >= 60, so this only skips
    # pairs that cannot match (with a margin for rapidfuzz's alignment heuristics).
    if fuzz.partial_ratio(label, predicted) < 50:
        return False
    match = SequenceMatcher(None, predicted, label, autojunk=False).find_longest_match(
        0, len(predicted), 0, len(label)
    )
    return match.size / len(label) >= OVERLAP


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                sys.exit(f"{path}: line {number}: not JSON ({error})")
    return rows


def load_set(data: Path) -> tuple[list[str], dict[str, list[dict[str, Any]]], dict[str, dict]]:
    labels_path, docs_path = data / "labels.jsonl", data / "docs.jsonl"
    missing = [p.name for p in (labels_path, docs_path) if not p.is_file()]
    if not data.is_dir() or missing:
        what = (
            f"{data} does not exist" if not data.is_dir() else f"{data} has no {', '.join(missing)}"
        )
        sys.exit(
            f"policy evaluation set not found: {what}.\n"
            "The held-out set (documents + labels.jsonl + docs.jsonl) is written separately; "
            "put it there, or point --data at another labelled directory."
        )
    labels: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in read_jsonl(labels_path):
        labels[row["doc"]].append(row)
    verdicts = {row["doc"]: row for row in read_jsonl(docs_path)}
    names = sorted(set(verdicts) | set(labels))
    absent = [n for n in names if not (data / n).is_file()]
    if absent:
        sys.exit(f"{data}: documents named in the labels are missing: {', '.join(absent[:10])}")
    if not names:
        sys.exit(f"{data}: labels.jsonl and docs.jsonl name no documents")
    return names, labels, verdicts


def analyse(data: Path, names: list[str], repeat: int) -> tuple[dict[str, Any], float]:
    from expunge.policy.analyze import analyze_text
    from expunge.policy.extract import read_policy

    best = float("inf")
    results: dict[str, Any] = {}
    for _ in range(repeat):
        started = time.perf_counter()
        results = {name: analyze_text(read_policy(data / name)) for name in names}
        best = min(best, time.perf_counter() - started)
    return results, best


def score(names: list[str], labels: dict[str, list[dict[str, Any]]], results: dict[str, Any],
          categories: tuple[str, ...]) -> dict[str, Any]:  # fmt: skip
    per: dict[str, dict[str, Any]] = {}
    errors: dict[str, list[dict[str, str]]] = defaultdict(list)
    for category in categories:
        n_pred = tp_pred = n_labels = matched = 0
        for name in names:
            gold = [norm(r["text"]) for r in labels.get(name, []) if category in r["categories"]]
            predicted = [m.text for m in results[name].matches[category]]
            hit = [False] * len(gold)
            for text in predicted:
                p = norm(text)
                found = [i for i, g in enumerate(gold) if overlaps(p, g)]
                n_pred += 1
                if found:
                    tp_pred += 1
                    for i in found:
                        hit[i] = True
                else:
                    errors[category].append({"doc": name, "kind": "false_positive", "text": text})
            n_labels += len(gold)
            matched += sum(hit)
            errors[category] += [{"doc": name, "kind": "missed", "text": g}
                                 for g, h in zip(gold, hit, strict=True) if not h]  # fmt: skip
        per[category] = _prf(tp_pred, n_pred, matched, n_labels)
    totals = [sum(per[c][k] for c in categories) for k in ("tp", "predicted", "matched", "labels")]
    return {"categories": per, "micro": _prf(*totals), "errors": errors}


def _prf(tp: int, predicted: int, matched: int, labels: int) -> dict[str, Any]:
    precision = tp / predicted if predicted else None
    recall = matched / labels if labels else None
    f1 = (2 * precision * recall / (precision + recall)
          if precision is not None and recall is not None and precision + recall else None)  # fmt: skip
    return {"tp": tp, "predicted": predicted, "matched": matched, "labels": labels,
            "precision": precision, "recall": recall, "f1": f1}  # fmt: skip


def verdict_accuracy(verdicts: dict[str, dict], results: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in VERDICT_KEYS:
        pairs = [(row[key], getattr(results[doc].verdict, key)) for doc, row in verdicts.items()
                 if key in row and doc in results]  # fmt: skip
        right = sum(gold == ours for gold, ours in pairs)
        out[key] = {"right": right, "docs": len(pairs),
                    "accuracy": right / len(pairs) if pairs else None,
                    "confusions": sorted({f"{g}->{o}" for g, o in pairs if g != o})}  # fmt: skip
    return out


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the labelled set")
    parser.add_argument("--json", type=Path, help="write all numbers and every error here")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs (best is reported)")
    args = parser.parse_args()

    from expunge.policy.analyze import CATEGORIES

    names, labels, verdicts = load_set(args.data)
    results, seconds = analyse(args.data, names, max(1, args.repeat))
    scores = score(names, labels, results, CATEGORIES)
    accuracy = verdict_accuracy(verdicts, results)
    machine = machine_info(("expunge", "selectolax", "pypdf", "rapidfuzz"))
    sentences = sum(r.sentences for r in results.values())
    n_labels = sum(len(v) for v in labels.values())
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "machine": machine, "data": str(args.data), "documents": len(names),
            "sentences": sentences, "seconds": seconds, "docs_per_s": len(names) / seconds,
            "scores": scores, "verdicts": accuracy,
            "predicted_verdicts": {n: r.verdict.to_dict() for n, r in results.items()},
        }, indent=2))  # fmt: skip
    rows = "\n".join(
        f"| `{c}` | {s['labels']} | {s['predicted']} | {_pct(s['precision'])} | "
        f"{_pct(s['recall'])} | {_pct(s['f1'])} |"
        for c, s in [*scores["categories"].items(), ("micro average", scores["micro"])]
    )
    verdict_rows = "\n".join(
        f"| `{k}` | {v['right']}/{v['docs']} | {_pct(v['accuracy'])} | "
        f"{', '.join(v['confusions']) or '—'} |"
        for k, v in accuracy.items()
    )
    print(f"""## Privacy-policy analysis (`benchmarks/bench_policy.py`)

**Machine:** {machine["cpu"]}, {machine["cores"]} cores, {machine["ram_gb"]} GB RAM, Python {machine["python"]}, {machine["os"]}; selectolax {machine["packages"]["selectolax"]}, pypdf {machine["packages"]["pypdf"]}

Set: `{args.data}`, {len(names)} documents, {sentences:,} sentences found by the analyzer, {n_labels:,} labelled sentences.
Speed: {len(names) / seconds:,.1f} documents/s ({seconds:.2f} s for all, read + analyse, best of {max(1, args.repeat)}).

| category | labels | analyzer sentences | precision | recall | F1 |
|---|---:|---:|---:|---:|---:|
{rows}

| verdict | right | accuracy | confusions (label->ours) |
|---|---:|---:|---|
{verdict_rows}

Overlap: one text contains the other, or their longest common substring covers >= 60% of the label.""")


if __name__ == "__main__":
    main()
