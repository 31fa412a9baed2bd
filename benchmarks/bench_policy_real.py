"""Document verdicts of `expunge policy analyze` on real privacy policies, against a reading.

    python benchmarks/bench_policy_real.py                  # all splits, Markdown to stdout
    python benchmarks/bench_policy_real.py --split heldout --json bench-data/policy_real.json
    python benchmarks/bench_policy_real.py --errors         # also list every wrong answer

The set is `benchmarks/data/policy_real/`: 60 real policies (Open Terms Archive captures, see
its README for sources, dates and licence) and `labels.yaml`, written by reading each document:
per document the four verdicts with the reason and the deciding sentence(s), the links that
lead to the AI-training opt-out, and the BIPA section 15 elements the text really states.
`dev` (16) was used while changing the analyzer; `heldout` (16) was labelled before the
analyzer was run on it, `fresh` (12) before the fixes that followed, and `fresh2` (16) blind,
by a reader who did not see the analyzer, before the fixes after that; the README says what
was changed after each first run.

Scores, per split:
- per verdict and answer: precision = documents where the analyzer gave that answer and the
  label agrees / documents where the analyzer gave it; recall = agreed / documents labelled so;
- evidence: of the right yes (and "no" for training) answers with labelled deciding sentences,
  how many show one of them as evidence (the shown sentence contains a labelled fragment, or
  is contained in one; case and white space ignored);
- opt-out link: of the right "yes" opt-out answers with labelled links, how many show a
  labelled link first;
- BIPA elements: precision and recall over (document, element) pairs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml
from _machine import machine_info

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "data" / "policy_real"
VERDICTS = {
    "trains_on_user_content": ("yes", "no", "unclear"),
    "ai_opt_out": ("yes", "no", "not_applicable"),
    "biometrics": ("yes", "no"),
    "shares_for_ai": ("yes", "no"),
}
EVIDENCE_FOR = {  # answers whose evidence sentence is checked
    "trains_on_user_content": ("yes", "no"),
    "ai_opt_out": ("yes",),
    "biometrics": ("yes",),
    "shares_for_ai": ("yes",),
}


def norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.lower().split())


def load(data: Path) -> dict[str, dict[str, Any]]:
    path = data / "labels.yaml"
    if not path.is_file():
        sys.exit(f"{path} not found")
    labels = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = [name for name in labels if not (data / "docs" / f"{name}.md").is_file()]
    if missing:
        sys.exit(f"documents named in labels.yaml are missing: {', '.join(missing)}")
    return labels


def analyse(data: Path, names: list[str]) -> tuple[dict[str, Any], float]:
    from expunge.policy.analyze import analyze_text
    from expunge.policy.extract import read_policy

    started = time.perf_counter()
    results = {name: analyze_text(read_policy(data / "docs" / f"{name}.md")) for name in names}
    return results, time.perf_counter() - started


def evidence_text(result: Any, key: str) -> str:
    """The sentence the verdict shows as evidence (older versions keep only its location)."""
    texts = getattr(result.verdict, "evidence_text", None)
    if texts is not None:
        return texts.get(key, "")
    location = result.verdict.evidence.get(key)
    category = {"trains_on_user_content": "ai_training", "ai_opt_out": "opt_out",
                "biometrics": "biometrics", "shares_for_ai": "ai_sharing"}[key]  # fmt: skip
    return next((m.text for m in result.matches[category] if m.location == location), "")


def is_deciding(shown: str, fragments: list[str]) -> bool:
    shown = norm(shown)
    return bool(shown) and any(norm(f) in shown or shown in norm(f) for f in fragments)


def link_ok(link: str, fragments: list[str]) -> bool:
    return any(norm(f) in norm(link) for f in fragments)


def score(labels: dict[str, dict[str, Any]], results: dict[str, Any], names: list[str]) -> dict:
    out: dict[str, Any] = {"documents": len(names), "verdicts": {}, "errors": []}
    for key, answers in VERDICTS.items():
        rows = {}
        pairs = [(str(labels[n][key]["value"]), getattr(results[n].verdict, key), n) for n in names]
        for answer in answers:
            predicted = sum(p == answer for _, p, _ in pairs)
            gold = sum(g == answer for g, _, _ in pairs)
            right = sum(g == p == answer for g, p, _ in pairs)
            rows[answer] = {"predicted": predicted, "labelled": gold, "right": right,
                            "precision": right / predicted if predicted else None,
                            "recall": right / gold if gold else None}  # fmt: skip
        out["verdicts"][key] = {"answers": rows, "right": sum(g == p for g, p, _ in pairs)}
        out["errors"] += [{"doc": n, "verdict": key, "label": g, "ours": p,
                           "evidence": evidence_text(results[n], key)}
                          for g, p, n in pairs if g != p]  # fmt: skip

    evidence = {"checked": 0, "deciding": 0, "misses": []}
    for name in names:
        for key, answers in EVIDENCE_FOR.items():
            label = labels[name][key]
            fragments = label.get("deciding") or []
            ours = getattr(results[name].verdict, key)
            if str(label["value"]) != ours or ours not in answers or not fragments:
                continue
            shown = evidence_text(results[name], key)
            evidence["checked"] += 1
            if is_deciding(shown, fragments):
                evidence["deciding"] += 1
            else:
                evidence["misses"].append({"doc": name, "verdict": key, "shown": shown})
    out["evidence"] = evidence

    links = {"checked": 0, "first_right": 0, "shown": 0, "shown_right": 0, "misses": []}
    for name in names:
        fragments = labels[name]["ai_opt_out"].get("links") or []
        verdict = results[name].verdict
        if labels[name]["ai_opt_out"]["value"] != "yes" or verdict.ai_opt_out != "yes":
            continue
        shown = list(verdict.opt_out_links)
        links["shown"] += len(shown)
        links["shown_right"] += sum(link_ok(s, fragments) for s in shown)
        if not fragments:
            continue
        links["checked"] += 1
        if shown and link_ok(shown[0], fragments):
            links["first_right"] += 1
        else:
            links["misses"].append({"doc": name, "shown": shown})
    out["links"] = links

    pairs_gold = {(n, e) for n in names for e in labels[n].get("bipa") or []}
    pairs_ours = {(n, e) for n in names for e in getattr(results[n].verdict, "bipa_present", ())}
    right = len(pairs_gold & pairs_ours)
    out["bipa"] = {
        "labelled": len(pairs_gold), "predicted": len(pairs_ours), "right": right,
        "precision": right / len(pairs_ours) if pairs_ours else None,
        "recall": right / len(pairs_gold) if pairs_gold else None,
        "false": sorted(f"{n}:{e}" for n, e in pairs_ours - pairs_gold),
        "missed": sorted(f"{n}:{e}" for n, e in pairs_gold - pairs_ours),
    }  # fmt: skip
    return out


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _frac(right: int, total: int) -> str:
    return f"{right}/{total}" if total else "—"


def table(scores: dict[str, dict]) -> str:
    splits = list(scores)
    head = " | ".join(f"{s} P | {s} R" for s in splits)
    lines = [f"| verdict | answer | {head} |", "|---|---|" + "---:|---:|" * len(splits)]
    for key, answers in VERDICTS.items():
        for answer in answers:
            cells = []
            for split in splits:
                row = scores[split]["verdicts"][key]["answers"][answer]
                cells.append(f"{_pct(row['precision'])} ({_frac(row['right'], row['predicted'])})"
                             f" | {_pct(row['recall'])} ({_frac(row['right'], row['labelled'])})")  # fmt: skip
            lines.append(f"| `{key}` | {answer} | {' | '.join(cells)} |")
    return "\n".join(lines)


def summary(scores: dict[str, dict]) -> str:
    lines = ["| | " + " | ".join(scores) + " |", "|---|" + "---:|" * len(scores)]

    def row(title: str, cell) -> None:
        lines.append(f"| {title} | " + " | ".join(cell(s) for s in scores.values()) + " |")

    row("documents", lambda s: str(s["documents"]))
    row(
        "document verdicts right",
        lambda s: _frac(sum(v["right"] for v in s["verdicts"].values()), 4 * s["documents"]),
    )
    row(
        "evidence is a deciding sentence",
        lambda s: _frac(s["evidence"]["deciding"], s["evidence"]["checked"]),
    )
    row(
        "first opt-out link is the labelled one",
        lambda s: _frac(s["links"]["first_right"], s["links"]["checked"]),
    )
    row(
        "BIPA §15 elements: precision",
        lambda s: (
            f"{_pct(s['bipa']['precision'])} ({_frac(s['bipa']['right'], s['bipa']['predicted'])})"
        ),
    )
    row("BIPA §15 elements: recall", lambda s: f"{_pct(s['bipa']['recall'])} "
        f"({_frac(s['bipa']['right'], s['bipa']['labelled'])})")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--split", choices=("dev", "heldout", "fresh", "fresh2", "all"), default="all"
    )
    parser.add_argument("--json", type=Path, help="write all numbers and every error here")
    parser.add_argument("--errors", action="store_true", help="list wrong answers and evidence")
    args = parser.parse_args()

    labels = load(args.data)
    splits = ("dev", "heldout", "fresh", "fresh2") if args.split == "all" else (args.split,)
    names = [n for n in labels if labels[n]["split"] in splits]
    results, seconds = analyse(args.data, names)
    scores = {s: score(labels, results, [n for n in names if labels[n]["split"] == s])
              for s in splits}  # fmt: skip
    machine = machine_info(("expunge", "selectolax"))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "machine": machine, "seconds": seconds, "scores": scores,
            "verdicts": {n: r.verdict.to_dict() for n, r in results.items()}}, indent=2))  # fmt: skip
    counts = defaultdict(int)
    for name in names:
        counts[labels[name]["split"]] += 1
    print(f"""## Privacy-policy verdicts on real policies (`benchmarks/bench_policy_real.py`)

**Machine:** {machine["cpu"]}, {machine["cores"]} cores, Python {machine["python"]}; selectolax {machine["packages"]["selectolax"]}

Set: `benchmarks/data/policy_real/`, {len(names)} real privacy policies ({", ".join(f"{s} {counts[s]}" for s in splits)}), Open Terms Archive captures dated 2024-08 to 2026-08, labelled by reading (`labels.yaml`: reason and deciding sentence per verdict). {seconds:.1f} s to read and analyse all.

{summary(scores)}

Per verdict and answer (P = precision, R = recall; counts are documents):

{table(scores)}""")
    if args.errors:
        for split, s in scores.items():
            print(f"\n### {split}: wrong answers")
            for e in s["errors"]:
                shown = " ".join(e["evidence"].split())[:200]
                print(
                    f"- {e['doc']} {e['verdict']}: label {e['label']}, ours {e['ours']} — {shown!r}"
                )
            for e in s["evidence"]["misses"]:
                print(f"- {e['doc']} {e['verdict']}: evidence not deciding — {e['shown'][:200]!r}")
            for e in s["links"]["misses"]:
                print(f"- {e['doc']} opt-out links: {e['shown'][:3]}")
            print(f"- BIPA false: {s['bipa']['false']}; missed: {s['bipa']['missed']}")


if __name__ == "__main__":
    main()
